import { cachedClock } from './cachedClock.js';
import { systemClock, type Clock } from './Clock.js';
import { CountWindow } from './CountWindow.js';
import { abortError, isBreakerError, refusal, type BreakerError } from './errors.js';
import { subscribe } from './listeners.js';
import { checkKeys, duration, fn as fnOption, integer, invalid, numberIn } from './options.js';
import type { OutcomeWindow, WindowSpec } from './OutcomeWindow.js';
import type { Policy, Work } from './Policy.js';
import { TimeWindow } from './TimeWindow.js';

/** `isolated` is `open` held by {@link CircuitBreaker.isolate} until {@link CircuitBreaker.reset}. */
export type CircuitState = 'closed' | 'open' | 'half-open' | 'isolated';

/** The codes a {@link CircuitBreaker} rejects with. */
export type CircuitBreakerCode = 'CIRCUIT_OPEN' | 'HALF_OPEN_FULL' | 'ABORTED';

/** Options of {@link CircuitBreaker}; every one is optional. */
export interface CircuitBreakerOptions {
  /** What is judged. @defaultValue `{ kind: 'time', ms: 30_000, buckets: 10 }` (the last 30 s) */
  readonly window?: WindowSpec;
  /** Open when failed / calls in the window reaches this (0..1]. @defaultValue 0.5 */
  readonly failureRateThreshold?: number;
  /** A call lasting at least this many ms is slow. @defaultValue undefined (slowness not tracked) */
  readonly slowCallMs?: number;
  /** Open when slow / calls reaches this (0..1]; needs `slowCallMs`. @defaultValue 1 */
  readonly slowCallRateThreshold?: number;
  /** No judgement before the window holds this many calls. @defaultValue 10 */
  readonly minimumCalls?: number;
  /** How long the circuit stays open before trial calls. @defaultValue 10_000 */
  readonly openMs?: number;
  /** Each consecutive reopening multiplies the open time by this (>= 1). @defaultValue 1 */
  readonly openMultiplier?: number;
  /** Cap of the grown open time. @defaultValue 300_000 */
  readonly maxOpenMs?: number;
  /** Exactly this many trial calls are admitted in half-open, however many arrive. @defaultValue 3 */
  readonly halfOpenCalls?: number;
  /** Which errors count as failures; the others count as successes. @defaultValue every error */
  readonly isFailure?: (err: unknown) => boolean;
  /**
   * Time source; read only when a call arrives or ends.
   * @defaultValue {@link systemClock} cached for 1 ms ({@link cachedClock}), shared by all breakers
   */
  readonly clock?: Clock;
  /** A name for messages and events. @defaultValue "circuit" */
  readonly name?: string;
}

/** A state change, as passed to `'state'` listeners. */
export interface StateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  /** Clock time of the change. */
  readonly at: number;
  /** Why: `'failure-rate'`, `'slow-call-rate'`, `'open-elapsed'`, `'trial-failed'`, `'trial-passed'`, `'trip'`, `'isolate'`, `'reset'`. */
  readonly reason: string;
}

/** The events of a {@link CircuitBreaker} and what their listeners receive. */
export interface CircuitEvents {
  readonly state: StateChange;
  readonly success: { readonly durationMs: number };
  readonly failure: { readonly error: unknown; readonly durationMs: number };
  readonly reject: { readonly error: BreakerError<CircuitBreakerCode> };
}

/** A snapshot of a {@link CircuitBreaker}, from {@link CircuitBreaker.metrics}. */
export interface CircuitMetrics {
  readonly state: CircuitState;
  /** Calls in the window (closed state). */
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
  /** failures / calls, 0 when there were no calls. */
  readonly failureRate: number;
  /** slowCalls / calls, 0 when there were no calls. */
  readonly slowCallRate: number;
  /** Calls refused since creation. */
  readonly rejected: number;
  /** Times the circuit opened since creation. */
  readonly opened: number;
  /** When an open circuit admits trial calls (clock time), undefined unless open. */
  readonly openUntil: number | undefined;
  /** Trial calls admitted and not yet finished (half-open state). */
  readonly halfOpenInFlight: number;
}

type Listeners = { [K in keyof CircuitEvents]?: Array<(event: CircuitEvents[K]) => void> };

const KEYS = [
  'window', 'failureRateThreshold', 'slowCallMs', 'slowCallRateThreshold', 'minimumCalls', 'openMs',
  'openMultiplier', 'maxOpenMs', 'halfOpenCalls', 'isFailure', 'clock', 'name',
] as const;
const CODES: readonly CircuitBreakerCode[] = ['CIRCUIT_OPEN', 'HALF_OPEN_FULL', 'ABORTED'];
const P = 'circuit-breaker';
const CLOSED = 0;
const OPEN = 1;
const HALF_OPEN = 2;
const ISOLATED = 3;
const STATE_NAMES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'isolated'];
const everyError = (): boolean => true;
const nothing = (): void => {};
// Shared so that any number of busy breakers read the real clock at most once per millisecond.
const defaultClock: Clock = cachedClock(systemClock, 1);

function makeWindow(spec: unknown): OutcomeWindow {
  if (spec === undefined) return new TimeWindow(30_000, 10);
  if (spec === null || typeof spec !== 'object') invalid(P, 'window', spec, "{ kind: 'count', size } or { kind: 'time', ms, buckets? }");
  const w = spec as Record<string, unknown>;
  if (w.kind === 'count') {
    checkKeys(P, w, ['kind', 'size']);
    return new CountWindow(integer(P, 'window.size', w.size ?? NaN, 0, 1, 1_000_000));
  }
  if (w.kind === 'time') {
    checkKeys(P, w, ['kind', 'ms', 'buckets']);
    const ms = duration(P, 'window.ms', w.ms ?? NaN, 0);
    return new TimeWindow(ms, integer(P, 'window.buckets', w.buckets, 10, 1, 1000));
  }
  return invalid(P, 'window.kind', w.kind, '"count" or "time"');
}

/**
 * A circuit breaker: closed (calls pass, outcomes are judged over a sliding window), open
 * (calls are refused at once with `CIRCUIT_OPEN`), half-open (exactly `halfOpenCalls` trial
 * calls pass; their outcome closes or reopens the circuit). Time is read lazily from the
 * injected clock when calls arrive: an idle breaker runs no timer and costs no CPU.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ failureRateThreshold: 0.5, window: { kind: 'time', ms: 30_000 } });
 * const row = await breaker.execute((signal) => db.query('select 1', { signal }));
 * ```
 */
export class CircuitBreaker implements Policy<CircuitBreakerCode> {
  private readonly window: OutcomeWindow;
  private readonly clock: Clock;
  private readonly failureRate: number;
  private readonly slowRate: number;
  private readonly slowMs: number;
  private readonly minCalls: number;
  private readonly openMs: number;
  private readonly openMultiplier: number;
  private readonly maxOpenMs: number;
  private readonly trials: number;
  private readonly isFailure: (err: unknown) => boolean;
  // Whether a call reads the clock when it starts (slow calls, duration events) and when it
  // ends (also time windows) while the circuit is closed: each read is a measurable cost.
  private timeOnAdmit: boolean;
  private timeOnSettle: boolean;
  /** The name given in the options, used in messages. */
  readonly name: string;
  private st = CLOSED;
  // Outcomes of calls admitted under an earlier generation are ignored: a result that arrives
  // after the circuit changed state says nothing about the current state.
  private gen = 0;
  private openUntil = 0;
  private consecutiveOpens = 0;
  private trialsLeft = 0;
  private trialsDone = 0;
  private trialFailures = 0;
  private rejectedCount = 0;
  private openedCount = 0;
  private listeners: Listeners | undefined;
  private okGen = -1;
  private onOk: () => void = nothing;
  private onErr: (err: unknown) => void = nothing;

  /**
   * @param options - see {@link CircuitBreakerOptions}
   * @throws BreakerError `INVALID_OPTION` when an option is out of range or unknown
   */
  constructor(options?: CircuitBreakerOptions) {
    const o = checkKeys(P, options, KEYS);
    this.window = makeWindow(o.window);
    this.failureRate = numberIn(P, 'failureRateThreshold', o.failureRateThreshold, 0.5, Number.MIN_VALUE, 1);
    this.slowMs = o.slowCallMs === undefined ? Number.POSITIVE_INFINITY : duration(P, 'slowCallMs', o.slowCallMs, 0);
    this.slowRate = numberIn(P, 'slowCallRateThreshold', o.slowCallRateThreshold, 1, Number.MIN_VALUE, 1);
    this.minCalls = integer(P, 'minimumCalls', o.minimumCalls, 10, 1, 1_000_000);
    this.openMs = duration(P, 'openMs', o.openMs, 10_000);
    this.openMultiplier = numberIn(P, 'openMultiplier', o.openMultiplier, 1, 1, 1000);
    this.maxOpenMs = duration(P, 'maxOpenMs', o.maxOpenMs, Math.max(300_000, this.openMs));
    if (this.maxOpenMs < this.openMs) invalid(P, 'maxOpenMs', this.maxOpenMs, `>= openMs (${this.openMs})`);
    this.trials = integer(P, 'halfOpenCalls', o.halfOpenCalls, 3, 1, 1_000_000);
    this.isFailure = fnOption(P, 'isFailure', o.isFailure, everyError);
    this.clock = o.clock ?? defaultClock;
    if (typeof this.clock !== 'object' || typeof this.clock.now !== 'function') invalid(P, 'clock', this.clock, 'an object with now()');
    if (o.name !== undefined && typeof o.name !== 'string') invalid(P, 'name', o.name, 'a string');
    this.name = o.name ?? 'circuit';
    this.timeOnAdmit = this.slowMs !== Number.POSITIVE_INFINITY;
    this.timeOnSettle = this.timeOnAdmit || this.window instanceof TimeWindow;
  }

  /** The current state (an open circuit whose open time has passed reads as half-open). */
  get state(): CircuitState {
    if (this.st === OPEN) this.maybeHalfOpen(this.clock.now());
    return STATE_NAMES[this.st]!;
  }

  /**
   * Runs `fn` if the circuit admits it and records its outcome.
   *
   * @param fn - the guarded call; receives `signal`
   * @param signal - aborts the wait; an aborted call is not counted against the dependency
   * @returns what `fn` returns
   * @throws BreakerError `CIRCUIT_OPEN` (with `retryAfterMs`), `HALF_OPEN_FULL` or `ABORTED`; or what `fn` threw
   */
  execute<T>(fn: Work<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(abortError(P, signal));
    const closed = this.st === CLOSED;
    const now = this.timeOnAdmit || !closed ? this.clock.now() : 0;
    const gen = closed ? this.gen : this.admit(now);
    if (gen < 0) return Promise.reject(this.rejection(now));
    let result: T | PromiseLike<T>;
    try {
      result = fn(signal);
    } catch (err) {
      this.settle(gen, now, err, signal, true);
      return Promise.reject(err);
    }
    if (!(result instanceof Promise) && (result === null || typeof result !== 'object' || typeof (result as PromiseLike<T>).then !== 'function')) {
      this.settle(gen, now, undefined, signal, false);
      return Promise.resolve(result);
    }
    // The caller gets fn's own promise; the breaker observes it through a reaction registered
    // first, so its state is up to date before the caller resumes. No derived promise sits
    // between fn and the caller, and in the common case (closed, no signal, no slow-call
    // tracking) the two reactions are shared by every call of the generation: no allocation.
    const promise = result instanceof Promise ? (result as Promise<T>) : Promise.resolve(result);
    if (signal === undefined && !this.timeOnAdmit && this.st === CLOSED) {
      if (this.okGen !== gen) this.makeReactions(gen);
      void promise.then(this.onOk, this.onErr);
    } else {
      void promise.then(
        () => this.settle(gen, now, undefined, signal, false),
        (err: unknown) => this.settle(gen, now, err, signal, true),
      );
    }
    return promise;
  }

  /** @returns true when `err` is a rejection of this breaker (`CIRCUIT_OPEN`, `HALF_OPEN_FULL`, `ABORTED`). */
  isRejection(err: unknown): err is BreakerError<CircuitBreakerCode> {
    return isBreakerError(err, CODES);
  }

  /**
   * Listens to an event: `'state'`, `'success'`, `'failure'` or `'reject'`.
   *
   * @param type - the event
   * @param listener - called synchronously when the call settles; an exception it throws surfaces as an unhandled rejection
   * @returns a function that removes the listener
   */
  on<K extends keyof CircuitEvents>(type: K, listener: (event: CircuitEvents[K]) => void): () => void {
    this.listeners ??= {};
    if (type === 'success' || type === 'failure') this.timeOnAdmit = this.timeOnSettle = true;
    return subscribe((this.listeners[type] ??= []) as Array<(event: CircuitEvents[K]) => void>, listener);
  }

  /** @returns a snapshot of the window, the state and the counters. */
  metrics(): CircuitMetrics {
    const now = this.clock.now();
    if (this.st === OPEN) this.maybeHalfOpen(now);
    this.window.advance(now);
    const { calls, failures, slowCalls } = this.window;
    return {
      state: STATE_NAMES[this.st]!,
      calls,
      failures,
      slowCalls,
      failureRate: calls === 0 ? 0 : failures / calls,
      slowCallRate: calls === 0 ? 0 : slowCalls / calls,
      rejected: this.rejectedCount,
      opened: this.openedCount,
      openUntil: this.st === OPEN ? this.openUntil : undefined,
      halfOpenInFlight: this.st === HALF_OPEN ? this.trials - this.trialsLeft - this.trialsDone : 0,
    };
  }

  /** Opens the circuit now, as if the failure threshold had been reached (trial calls follow after the open time). */
  trip(): void {
    this.open(this.clock.now(), 'trip');
  }

  /** Holds the circuit open, refusing every call, until {@link CircuitBreaker.reset}. */
  isolate(): void {
    this.transition(ISOLATED, this.clock.now(), 'isolate');
  }

  /** Closes the circuit and forgets the window and the open-time growth. */
  reset(): void {
    this.window.clear();
    this.consecutiveOpens = 0;
    this.transition(CLOSED, this.clock.now(), 'reset');
  }

  private makeReactions(gen: number): void {
    this.okGen = gen;
    this.onOk = () => this.settleSuccess(gen);
    this.onErr = (err) => this.settle(gen, 0, err, undefined, true);
  }

  // Returns the generation the call runs under, or -1 when it is refused.
  private admit(now: number): number {
    const st = this.st;
    if (st === CLOSED) return this.gen;
    if (st === OPEN && !this.maybeHalfOpen(now)) return -1;
    if (this.st === HALF_OPEN && this.trialsLeft > 0) {
      this.trialsLeft--;
      return this.gen;
    }
    return -1;
  }

  private maybeHalfOpen(now: number): boolean {
    if (now < this.openUntil) return false;
    this.trialsLeft = this.trials;
    this.trialsDone = 0;
    this.trialFailures = 0;
    this.transition(HALF_OPEN, now, 'open-elapsed');
    return true;
  }

  private rejection(now: number): BreakerError<CircuitBreakerCode> {
    this.rejectedCount++;
    const err =
      this.st === HALF_OPEN
        ? refusal('HALF_OPEN_FULL', P, `circuit "${this.name}" is half-open and its ${this.trials} trial call(s) are in flight`)
        : this.st === ISOLATED
          ? refusal('CIRCUIT_OPEN', P, `circuit "${this.name}" is isolated (held open until reset())`)
          : refusal('CIRCUIT_OPEN', P, `circuit "${this.name}" is open for ${Math.ceil(this.openUntil - now)} ms more`, {
              retryAfterMs: this.openUntil - now,
            });
    this.emit('reject', { error: err });
    return err as BreakerError<CircuitBreakerCode>;
  }

  // settle() for the common success: closed, no signal, no slow-call tracking, no listeners.
  private settleSuccess(gen: number): void {
    if (gen !== this.gen || this.st !== CLOSED || this.listeners !== undefined) {
      this.settle(gen, 0, undefined, undefined, false);
      return;
    }
    const w = this.window;
    w.record(this.timeOnSettle ? this.clock.now() : 0, false, false);
    // A success can still complete the minimum number of calls with enough failures before it.
    if (w.calls >= this.minCalls && w.failures >= this.failureRate * w.calls) this.open(this.clock.now(), 'failure-rate');
  }

  private settle(gen: number, start: number, err: unknown, signal: AbortSignal | undefined, threw: boolean): void {
    if (gen !== this.gen) return;
    const end = this.timeOnSettle || this.st !== CLOSED ? this.clock.now() : 0;
    const elapsed = this.timeOnAdmit ? end - start : 0;
    if (threw && signal?.aborted === true) {
      // The caller gave up: that says nothing about the dependency, so a trial permit goes back.
      if (this.st === HALF_OPEN) this.trialsLeft++;
      return;
    }
    const failed = threw && this.isFailure(err);
    const slow = elapsed >= this.slowMs;
    if (this.listeners !== undefined) {
      if (failed) this.emit('failure', { error: err, durationMs: elapsed });
      else this.emit('success', { durationMs: elapsed });
      if (gen !== this.gen) return;
    }
    if (this.st === CLOSED) {
      const w = this.window;
      w.record(end, failed, slow);
      if (w.calls >= this.minCalls) {
        if (w.failures >= this.failureRate * w.calls) this.open(this.timeOnSettle ? end : this.clock.now(), 'failure-rate');
        else if (w.slowCalls >= this.slowRate * w.calls) this.open(end, 'slow-call-rate');
      }
    } else if (this.st === HALF_OPEN) {
      this.trialsDone++;
      if (failed || slow) this.trialFailures++;
      // Decide as soon as the remaining trials cannot change the verdict.
      const n = this.trials;
      if (this.trialFailures >= this.failureRate * n) this.open(end, 'trial-failed');
      else if (this.trialFailures + (n - this.trialsDone) < this.failureRate * n) {
        this.window.clear();
        this.consecutiveOpens = 0;
        this.transition(CLOSED, end, 'trial-passed');
      }
    }
  }

  private open(now: number, reason: string): void {
    const grown = this.openMs * this.openMultiplier ** this.consecutiveOpens;
    this.openUntil = now + Math.min(this.maxOpenMs, grown);
    this.consecutiveOpens++;
    this.openedCount++;
    this.transition(OPEN, now, reason);
  }

  private transition(to: number, now: number, reason: string): void {
    const from = this.st;
    this.st = to;
    this.gen++;
    if (to === CLOSED) this.window.clear();
    if (this.listeners?.state !== undefined) {
      this.emit('state', { from: STATE_NAMES[from]!, to: STATE_NAMES[to]!, at: now, reason });
    }
  }

  private emit<K extends keyof CircuitEvents>(type: K, event: CircuitEvents[K]): void {
    const list = this.listeners?.[type] as Array<(event: CircuitEvents[K]) => void> | undefined;
    if (list === undefined) return;
    for (const l of list.slice()) l(event);
  }
}
