import { systemClock, type Clock } from './Clock.js';
import { abortError, isBreakerError, refusal, type BreakerError } from './errors.js';
import { checkKeys, duration, integer, invalid } from './options.js';
import type { Policy, Work } from './Policy.js';
import { WaitQueue } from './WaitQueue.js';

/** The codes a {@link LoadShedder} rejects with. */
export type LoadShedderCode = 'LOAD_SHED' | 'ABORTED';

/** Options of {@link LoadShedder}. */
export interface LoadShedderOptions<P extends string> {
  /** Priority classes, most important first, e.g. `['critical', 'normal', 'background']`. */
  readonly priorities: readonly P[];
  /** Calls that run at once; the rest wait in per-class queues. */
  readonly maxConcurrent: number;
  /** Waiting calls, all classes together. @defaultValue 4 * maxConcurrent */
  readonly maxQueue?: number;
  /** A standing queue delay above this means overload. @defaultValue 50 */
  readonly targetQueueMs?: number;
  /** A mean call latency above this also means overload. @defaultValue undefined (not judged) */
  readonly targetLatencyMs?: number;
  /** How often the overload level is judged, ms. @defaultValue 100 */
  readonly intervalMs?: number;
  /** A call that waited longer is shed when its turn comes (its client has likely given up). @defaultValue 20 * targetQueueMs */
  readonly maxQueueMs?: number;
  /** The `retryAfterMs` hint of rejections (the service's Retry-After). @defaultValue 1_000 */
  readonly retryAfterMs?: number;
  /** The class of calls that name none. @defaultValue the least important class */
  readonly defaultPriority?: P;
  /**
   * An outside overload signal, read once per interval: true means overloaded whatever the
   * queue says. A single-threaded server passes event-loop lag over a target here, since on one
   * event loop overload shows up as lag before it shows up in this shedder's queue.
   * @defaultValue undefined (not judged)
   */
  readonly pressure?: () => boolean;
  /** @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

/** A snapshot of a {@link LoadShedder}. */
export interface LoadShedderMetrics<P extends string> {
  /** Calls running. */
  readonly inFlight: number;
  /** Calls waiting, per class. */
  readonly queued: Readonly<Record<P, number>>;
  /** Classes admitted now, wholly or in part (the first `admitted.length` of `priorities`); the others are shed on arrival. */
  readonly admitted: readonly P[];
  /**
   * The admission level: class `i` (0 = most important) is admitted wholly when `i + 1 <= level`,
   * in part (the fraction `level - i`) when `i < level < i + 1`, and shed when `i >= level`.
   */
  readonly level: number;
  /** Calls shed since creation, per class. */
  readonly shed: Readonly<Record<P, number>>;
  /** Calls completed since creation, per class. */
  readonly completed: Readonly<Record<P, number>>;
}

interface Waiter {
  cancelled: boolean;
  readonly rank: number;
  readonly since: number;
  readonly flow: string | undefined;
  start(): void;
  fail(err: BreakerError<LoadShedderCode>): void;
}

const P = 'load-shedder';
const CODES: readonly LoadShedderCode[] = ['LOAD_SHED', 'ABORTED'];
const KEYS = [
  'priorities', 'maxConcurrent', 'maxQueue', 'targetQueueMs', 'targetLatencyMs', 'intervalMs', 'maxQueueMs',
  'retryAfterMs', 'defaultPriority', 'pressure', 'clock',
] as const;

/**
 * Sheds the least important work first when the service is overloaded, and answers with a
 * clear `LOAD_SHED` rejection (with `retryAfterMs`) that a service turns into `503` +
 * `Retry-After`. At most `maxConcurrent` calls run; the rest wait in one queue per priority
 * class and are started most important first; when the queue is full, a newer call evicts the
 * newest waiting call of a less important class, or, when calls name their flow (the user,
 * tenant or connection they serve), the newest equally or less important call of the flow with
 * the most waiting calls, so that a heavy caller cannot crowd out the others (longest-queue
 * drop, as fair queueing does). Every `intervalMs` the shedder judges the
 * standing queue delay (the smallest wait seen, as CoDel does) and, if set, the mean latency:
 * above target it lowers its admission level by a quarter of a class (the least important
 * admitted class is refused in growing part, then wholly, and its waiting calls are dropped);
 * well below target it raises it by an eighth. Shedding part of a class rather than all of
 * it keeps the workers busy at the boundary instead of swinging between overload and idleness.
 * A call that finds a free worker and an empty queue always runs. The most important class is
 * only ever refused when the queue is full. Time is read from
 * the clock when calls arrive and end: no timers.
 *
 * @typeParam P - the names of the priority classes
 * @example
 * ```ts
 * const shedder = new LoadShedder({ priorities: ['critical', 'normal', 'background'], maxConcurrent: 64 });
 * try { await shedder.execute(() => handle(req), req.signal, 'normal'); }
 * catch (err) {
 *   if (shedder.isRejection(err) && err.code === 'LOAD_SHED') reply(503, { 'Retry-After': Math.ceil(err.retryAfterMs! / 1000) });
 * }
 * ```
 */
export class LoadShedder<const P extends string = string> {
  /** The classes, most important first. */
  readonly priorities: readonly P[];
  private readonly ranks = new Map<string, number>();
  private readonly maxConcurrent: number;
  private readonly maxQueue: number;
  private readonly targetQueueMs: number;
  private readonly targetLatencyMs: number;
  private readonly intervalMs: number;
  private readonly maxQueueMs: number;
  private readonly retryAfterMs: number;
  private readonly defaultRank: number;
  private readonly clock: Clock;
  private readonly pressure: (() => boolean) | undefined;
  private pressed = false;
  private readonly queues: WaitQueue<Waiter>[];
  private queuedTotal = 0;
  // Waiting calls per named flow, oldest first, and the flows by how many calls they hold
  // (byCount[c] = flows holding c), so that the fullest flow is found in O(1).
  private readonly flows = new Map<string, Waiter[]>();
  private readonly byCount: Array<Set<string>> = [];
  private maxCount = 0;
  private inFlight = 0;
  private level: number;
  // Running share of the partly admitted class already let in (deterministic, not dice).
  private partialCredit = 0;
  private intervalStart: number;
  private minWait = Number.POSITIVE_INFINITY;
  private latencySum = 0;
  private latencyCount = 0;
  private lastDelay = 0;
  private readonly shedCounts: number[];
  private readonly doneCounts: number[];

  /**
   * @param options - see {@link LoadShedderOptions}
   * @throws BreakerError `INVALID_OPTION` for no or duplicate priorities, a bad limit or target, an unknown key
   */
  constructor(options: LoadShedderOptions<P>) {
    const o = checkKeys(P, options, KEYS);
    const prios = o.priorities;
    if (!Array.isArray(prios) || prios.length === 0 || prios.length > 64) invalid(P, 'priorities', prios, 'an array of 1 to 64 class names');
    prios.forEach((p: unknown, i) => {
      if (typeof p !== 'string' || p === '' || this.ranks.has(p)) invalid(P, `priorities[${i}]`, p, 'a distinct non-empty string');
      this.ranks.set(p, i);
    });
    this.priorities = Object.freeze([...prios]);
    if (o.maxConcurrent === undefined) invalid(P, 'maxConcurrent', undefined, 'an integer from 1 to 1000000000');
    this.maxConcurrent = integer(P, 'maxConcurrent', o.maxConcurrent, 1, 1, 1e9);
    this.maxQueue = integer(P, 'maxQueue', o.maxQueue, 4 * this.maxConcurrent, 0, 1e9);
    this.targetQueueMs = duration(P, 'targetQueueMs', o.targetQueueMs, 50);
    this.targetLatencyMs = o.targetLatencyMs === undefined ? Number.POSITIVE_INFINITY : duration(P, 'targetLatencyMs', o.targetLatencyMs, 0);
    this.intervalMs = duration(P, 'intervalMs', o.intervalMs, 100);
    this.maxQueueMs = duration(P, 'maxQueueMs', o.maxQueueMs, Math.min(2 ** 31 - 1, 20 * this.targetQueueMs));
    this.retryAfterMs = duration(P, 'retryAfterMs', o.retryAfterMs, 1000, true);
    if (o.pressure !== undefined && typeof o.pressure !== 'function') invalid(P, 'pressure', o.pressure, 'a function returning a boolean');
    this.pressure = o.pressure;
    this.defaultRank = o.defaultPriority === undefined ? prios.length - 1 : this.rankOf(o.defaultPriority, 'defaultPriority');
    this.clock = o.clock ?? systemClock;
    if (typeof this.clock.now !== 'function') invalid(P, 'clock', this.clock, 'an object with now()');
    this.queues = prios.map(() => new WaitQueue<Waiter>());
    this.level = prios.length;
    this.intervalStart = this.clock.now();
    this.shedCounts = prios.map(() => 0);
    this.doneCounts = prios.map(() => 0);
  }

  /**
   * Runs `fn` now, after a wait in its class's queue, or not at all.
   *
   * @param fn - the work; receives `signal`
   * @param signal - while waiting, its abort removes the call from the queue
   * @param priority - the call's class. @defaultValue `defaultPriority`
   * @param flow - whom the call serves (a user, tenant or connection id). When the queue is
   *   full, a call whose flow holds at least two fewer waiting calls than the fullest flow takes
   *   the place of that flow's newest waiting call of the same or a less important class, which
   *   is shed; without a flow a call on a full queue evicts only less important classes.
   *   @defaultValue none
   * @returns what `fn` returns
   * @throws BreakerError `LOAD_SHED` (with `retryAfterMs`), `ABORTED`, or `INVALID_OPTION` for an unknown class; or what `fn` threw
   */
  execute<T>(fn: Work<T>, signal?: AbortSignal, priority?: P, flow?: string): Promise<T> {
    let rank: number;
    try {
      rank = priority === undefined ? this.defaultRank : this.rankOf(priority, 'priority');
    } catch (err) {
      return Promise.reject(err);
    }
    if (signal?.aborted === true) return Promise.reject(abortError(P, signal));
    const now = this.clock.now();
    this.judge(now);
    // A free worker with nobody waiting takes any call: shedding then would only idle capacity
    // (the level lags the queue it measures, so it can still be low when the queue has drained).
    // Under outside pressure the free worker is an illusion (the process itself is overloaded).
    const free = this.inFlight < this.maxConcurrent && this.queuedTotal === 0;
    if (!(free && !this.pressed) && !this.admits(rank)) {
      return Promise.reject(this.shed(rank, `class "${this.priorities[rank]}" is being shed: ${this.overloadReason(this.lastDelay)}`));
    }
    if (free) {
      this.minWait = 0;
      return this.run(fn, signal, rank, now);
    }
    if (this.queuedTotal >= this.maxQueue && !this.evictBelow(rank) && !this.evictFairly(rank, flow)) {
      return Promise.reject(this.shed(rank, `the queue is full (${this.maxQueue} waiting) with work at least as important`));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        this.queues[rank]!.cancel(waiter);
        this.unqueued(waiter);
        reject(abortError(P, signal!));
      };
      const waiter: Waiter = {
        cancelled: false,
        rank,
        since: now,
        flow,
        start: () => {
          signal?.removeEventListener('abort', onAbort);
          void this.run(fn, signal, rank, this.clock.now()).then(resolve, reject);
        },
        fail: (err) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queues[rank]!.push(waiter);
      this.queuedTotal++;
      if (flow !== undefined) this.joinFlow(flow, waiter);
    });
  }

  /**
   * A {@link Policy} that runs every call in class `priority`, for {@link wrap}.
   *
   * @param priority - the class
   * @returns the bound policy
   * @throws BreakerError `INVALID_OPTION` for an unknown class
   */
  policy(priority: P): Policy<LoadShedderCode> {
    this.rankOf(priority, 'priority');
    return { execute: (fn, signal) => this.execute(fn, signal, priority), isRejection: (err) => this.isRejection(err) };
  }

  /** @returns true for `LOAD_SHED` and `ABORTED` rejections. */
  isRejection(err: unknown): err is BreakerError<LoadShedderCode> {
    return isBreakerError(err, CODES);
  }

  /** @returns a snapshot of the queues, the admitted classes and the counters. */
  metrics(): LoadShedderMetrics<P> {
    this.judge(this.clock.now());
    const per = (f: (i: number) => number): Record<P, number> =>
      Object.fromEntries(this.priorities.map((p, i) => [p, f(i)])) as Record<P, number>;
    return {
      inFlight: this.inFlight,
      queued: per((i) => this.queues[i]!.size),
      admitted: this.priorities.slice(0, Math.ceil(this.level - 1e-9)),
      level: this.level,
      shed: per((i) => this.shedCounts[i]!),
      completed: per((i) => this.doneCounts[i]!),
    };
  }

  private admits(rank: number): boolean {
    if (rank + 1 <= this.level) return true;
    if (rank >= this.level) return false;
    this.partialCredit += this.level - rank;
    if (this.partialCredit < 1) return false;
    this.partialCredit -= 1;
    return true;
  }

  private rankOf(priority: unknown, name: string): number {
    const rank = typeof priority === 'string' ? this.ranks.get(priority) : undefined;
    if (rank === undefined) return invalid(P, name, priority, `one of ${this.priorities.map((p) => JSON.stringify(p)).join(', ')}`);
    return rank;
  }

  private shed(rank: number, why: string): BreakerError<LoadShedderCode> {
    this.shedCounts[rank]!++;
    return refusal('LOAD_SHED', P, `load-shedder: ${why}`, { retryAfterMs: this.retryAfterMs });
  }

  // Makes room by shedding the newest waiting call of the least important class below `rank`.
  private evictBelow(rank: number): boolean {
    for (let r = this.queues.length - 1; r > rank; r--) {
      const victim = this.queues[r]!.pop();
      if (victim !== undefined) {
        this.unqueued(victim);
        victim.fail(this.shed(r, `the queue is full and more important work arrived`));
        return true;
      }
    }
    return false;
  }

  // Makes room for a call of `flow` by shedding the newest call of class `rank` or below from
  // the flow with the most waiting calls, when that flow holds at least two more than `flow`
  // (one more would only swap who is ahead).
  private evictFairly(rank: number, flow: string | undefined): boolean {
    if (flow === undefined) return false;
    const own = this.flows.get(flow)?.length ?? 0;
    if (this.maxCount < own + 2) return false;
    for (const fullest of this.byCount[this.maxCount]!) {
      const waiting = this.flows.get(fullest)!;
      for (let i = waiting.length - 1; i >= 0; i--) {
        const victim = waiting[i]!;
        if (victim.rank < rank) continue;
        this.queues[victim.rank]!.cancel(victim);
        this.unqueued(victim);
        victim.fail(this.shed(victim.rank, `the queue is full and a caller with fewer waiting calls arrived`));
        return true;
      }
    }
    return false;
  }

  private joinFlow(flow: string, waiter: Waiter): void {
    let waiting = this.flows.get(flow);
    if (waiting === undefined) this.flows.set(flow, (waiting = []));
    waiting.push(waiter);
    this.recount(flow, waiting.length - 1, waiting.length);
  }

  // Bookkeeping for a waiter that leaves its queue, whatever the reason.
  private unqueued(waiter: Waiter): void {
    this.queuedTotal--;
    const flow = waiter.flow;
    if (flow === undefined) return;
    // Calls leave mostly oldest first (dispatch) or newest first (eviction): search from the front.
    const waiting = this.flows.get(flow);
    const i = waiting === undefined ? -1 : waiting.indexOf(waiter);
    // Every queued call with a flow is in its list; should that ever break, leave the counts alone
    // rather than remove another caller's call from them.
    if (waiting === undefined || i < 0) return;
    if (i === 0) waiting.shift();
    else waiting.splice(i, 1);
    if (waiting.length === 0) this.flows.delete(flow);
    this.recount(flow, waiting.length + 1, waiting.length);
  }

  private recount(flow: string, from: number, to: number): void {
    if (from > 0) this.byCount[from]!.delete(flow);
    if (to > 0) (this.byCount[to] ??= new Set()).add(flow);
    if (to > this.maxCount) this.maxCount = to;
    // A count changes by one, so when the top group empties the flow that left it is one below.
    else if (from === this.maxCount && this.byCount[from]!.size === 0) this.maxCount = to;
  }

  private run<T>(fn: Work<T>, signal: AbortSignal | undefined, rank: number, start: number): Promise<T> {
    this.inFlight++;
    let result: T | PromiseLike<T>;
    try {
      result = fn(signal);
    } catch (err) {
      this.done(rank, start);
      return Promise.reject(err);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.done(rank, start);
        return value;
      },
      (err: unknown) => {
        this.done(rank, start);
        throw err;
      },
    );
  }

  private done(rank: number, start: number): void {
    const now = this.clock.now();
    this.inFlight--;
    this.doneCounts[rank]!++;
    this.latencySum += now - start;
    this.latencyCount++;
    this.judge(now);
    this.dispatch(now);
  }

  private dispatch(now: number): void {
    while (this.inFlight < this.maxConcurrent && this.queuedTotal > 0) {
      let next: Waiter | undefined;
      for (let r = 0; r < this.queues.length && next === undefined; r++) next = this.queues[r]!.shift();
      if (next === undefined) return;
      this.unqueued(next);
      const wait = now - next.since;
      if (wait > this.maxQueueMs) {
        next.fail(this.shed(next.rank, `the call waited ${Math.round(wait)} ms, over maxQueueMs ${this.maxQueueMs}`));
        continue;
      }
      if (wait < this.minWait) this.minWait = wait;
      next.start();
    }
  }

  private overloadReason(delay: number): string {
    return this.pressed && delay <= this.targetQueueMs
      ? 'the outside pressure signal reports overload'
      : `queue delay ${Math.round(delay)} ms is over the ${this.targetQueueMs} ms target`;
  }

  // Once per interval: the smallest wait seen (as CoDel: a burst that drains is no overload), or
  // if nothing started, the age of the oldest waiting call, is the standing delay. Over target the level
  // drops faster than it climbs back, so a persistent overload is met within a few intervals.
  private judge(now: number): void {
    if (now - this.intervalStart < this.intervalMs) return;
    let delay = this.minWait;
    if (delay === Number.POSITIVE_INFINITY) {
      // Nothing started in the whole interval: the oldest waiting call has waited at least this.
      let oldest = now;
      for (const q of this.queues) oldest = Math.min(oldest, q.peek()?.since ?? now);
      delay = now - oldest;
    }
    const latency = this.latencyCount === 0 ? 0 : this.latencySum / this.latencyCount;
    this.lastDelay = delay;
    const pressed = this.pressure?.() === true;
    this.pressed = pressed;
    if (delay > this.targetQueueMs || latency > this.targetLatencyMs || pressed) {
      this.level = Math.max(1, this.level - 0.25);
      for (let r = Math.ceil(this.level - 1e-9); r < this.queues.length; r++) {
        const q = this.queues[r]!;
        for (let w = q.shift(); w !== undefined; w = q.shift()) {
          this.unqueued(w);
          w.fail(this.shed(w.rank, `class "${this.priorities[w.rank]}" is being shed: ${this.overloadReason(delay)}`));
        }
      }
    } else if (delay < this.targetQueueMs / 2 && latency <= this.targetLatencyMs) {
      this.level = Math.min(this.queues.length, this.level + 0.125);
    }
    this.intervalStart = now;
    this.minWait = Number.POSITIVE_INFINITY;
    this.latencySum = 0;
    this.latencyCount = 0;
  }
}
