import { systemClock, type Clock } from './Clock.js';
import { abortError } from './errors.js';
import { subscribe } from './listeners.js';
import { checkKeys, duration, integer, invalid, ratio } from './options.js';

/** Where a call goes: the current version or the new one. */
export type Target = 'stable' | 'canary';

/** Where a shift stands. */
export type ShiftState = 'shifting' | 'promoted' | 'rolled-back';

/** Options of {@link TrafficShifter}. */
export interface TrafficShifterOptions {
  /** Shares of traffic sent to the canary, rising, the last one 1. @defaultValue [0.1, 0.5, 1] */
  readonly stages?: readonly number[];
  /** Least time per stage before the next. @defaultValue 60_000 */
  readonly stageMs?: number;
  /** Least canary calls per stage before the next. @defaultValue 100 */
  readonly minCallsPerStage?: number;
  /** Roll back when the canary's error rate in a stage exceeds this. @defaultValue 0.05 */
  readonly errorBudget?: number;
  /** No verdict on a stage before this many canary calls. @defaultValue 20 */
  readonly minCallsToJudge?: number;
  /** @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

/** What `'change'` listeners receive. */
export interface ShiftChange {
  readonly state: ShiftState;
  /** The canary's share now. */
  readonly weight: number;
  /** Index of the stage now in force (-1 after a rollback). */
  readonly stage: number;
  readonly at: number;
  /** Error rate of the canary in the stage that ended. */
  readonly errorRate: number;
}

const P = 'traffic-shifter';

/**
 * Moves traffic to a new target in weighted stages (10%, 50%, 100% by default) and rolls back
 * automatically when the new target's error rate exceeds the budget. Routing is exact and
 * deterministic: of every run of calls, the share sent to the canary tracks the stage's weight
 * to within one call (counted, not dice). Stages advance lazily as calls are routed.
 *
 * @example
 * ```ts
 * const shift = new TrafficShifter({ stages: [0.1, 0.5, 1], errorBudget: 0.02 });
 * const reply = await shift.execute({ stable: () => oldStore.get(id), canary: () => newStore.get(id) });
 * ```
 */
export class TrafficShifter {
  private readonly stages: readonly number[];
  private readonly stageMs: number;
  private readonly minCallsPerStage: number;
  private readonly errorBudget: number;
  private readonly minCallsToJudge: number;
  private readonly clock: Clock;
  private stage = 0;
  private current: ShiftState = 'shifting';
  private stageStart: number;
  private calls = 0;
  private failures = 0;
  private routed = 0;
  private routedCanary = 0;
  private readonly listeners: Array<(change: ShiftChange) => void> = [];

  /**
   * @param options - see {@link TrafficShifterOptions}
   * @throws BreakerError `INVALID_OPTION` for stages that are not rising within (0, 1] and ending at 1, or a bad number
   */
  constructor(options?: TrafficShifterOptions) {
    const o = checkKeys(P, options, ['stages', 'stageMs', 'minCallsPerStage', 'errorBudget', 'minCallsToJudge', 'clock']);
    const stages = o.stages ?? [0.1, 0.5, 1];
    if (!Array.isArray(stages) || stages.length === 0 || stages.length > 100) invalid(P, 'stages', stages, 'an array of 1 to 100 weights');
    stages.forEach((w: unknown, i) => {
      const prev = i === 0 ? 0 : (stages[i - 1] as number);
      if (typeof w !== 'number' || !(w > prev) || w > 1) invalid(P, `stages[${i}]`, w, `a number above ${prev} and at most 1 (stages rise)`);
    });
    if (stages[stages.length - 1] !== 1) invalid(P, 'stages', stages[stages.length - 1], 'a list ending at 1 (full traffic)');
    this.stages = Object.freeze([...stages]);
    this.stageMs = duration(P, 'stageMs', o.stageMs, 60_000, true);
    this.minCallsPerStage = integer(P, 'minCallsPerStage', o.minCallsPerStage, 100, 0, 1e9);
    this.errorBudget = ratio(P, 'errorBudget', o.errorBudget, 0.05);
    this.minCallsToJudge = integer(P, 'minCallsToJudge', o.minCallsToJudge, 20, 1, 1e9);
    this.clock = o.clock ?? systemClock;
    if (typeof this.clock.now !== 'function') invalid(P, 'clock', this.clock, 'an object with now()');
    this.stageStart = this.clock.now();
  }

  /** `shifting`, `promoted` (all traffic on the canary for good) or `rolled-back`. */
  get state(): ShiftState {
    this.maybeAdvance();
    return this.current;
  }

  /** The canary's share of traffic now. */
  get weight(): number {
    this.maybeAdvance();
    return this.current === 'rolled-back' ? 0 : this.stages[this.stage]!;
  }

  /**
   * @param listener - called on every stage change, promotion and rollback
   * @returns a function that removes the listener
   */
  on(_type: 'change', listener: (change: ShiftChange) => void): () => void {
    return subscribe(this.listeners, listener);
  }

  /** @returns where the next call goes (the caller then reports its outcome with {@link TrafficShifter.record}). */
  route(): Target {
    const w = this.weight;
    if (w >= 1) return 'canary';
    if (w <= 0) return 'stable';
    // Counting instead of summing weights keeps 10 calls at 0.1 exactly one canary call: the
    // canary gets call n when that brings its count to floor(w * n).
    const n = ++this.routed;
    if (this.routedCanary + 1 <= w * n + 1e-9) {
      this.routedCanary++;
      return 'canary';
    }
    return 'stable';
  }

  /**
   * Reports the outcome of a call sent to `target`; only canary outcomes are judged.
   *
   * @param target - where the call went
   * @param ok - whether it succeeded
   */
  record(target: Target, ok: boolean): void {
    if (target !== 'canary' || this.current === 'rolled-back') return;
    this.calls++;
    if (!ok) this.failures++;
    if (this.calls >= this.minCallsToJudge && this.failures > this.errorBudget * this.calls) this.rollback();
    else this.maybeAdvance();
  }

  /**
   * Routes one call and records its outcome.
   *
   * @param targets - the call for each target
   * @param signal - passed to the chosen call
   * @returns what the chosen call returns
   * @throws what the chosen call threw; BreakerError `ABORTED` when `signal` has fired
   */
  async execute<T>(targets: { stable: (signal: AbortSignal | undefined) => T | PromiseLike<T>; canary: (signal: AbortSignal | undefined) => T | PromiseLike<T> }, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) throw abortError(P, signal);
    const target = this.route();
    try {
      const value = await targets[target](signal);
      this.record(target, true);
      return value;
    } catch (err) {
      this.record(target, false);
      throw err;
    }
  }

  /** Sends all traffic back to the stable target for good. */
  rollback(): void {
    if (this.current === 'rolled-back') return;
    const rate = this.calls === 0 ? 0 : this.failures / this.calls;
    this.current = 'rolled-back';
    this.emit(rate, -1);
  }

  private maybeAdvance(): void {
    if (this.current !== 'shifting') return;
    const now = this.clock.now();
    if (now - this.stageStart < this.stageMs || this.calls < this.minCallsPerStage) return;
    const rate = this.calls === 0 ? 0 : this.failures / this.calls;
    if (this.stage === this.stages.length - 1) this.current = 'promoted';
    else this.stage++;
    this.stageStart = now;
    this.calls = this.failures = this.routed = this.routedCanary = 0;
    this.emit(rate, this.stage);
  }

  private emit(errorRate: number, stage: number): void {
    const change: ShiftChange = { state: this.current, weight: this.current === 'rolled-back' ? 0 : this.stages[this.stage]!, stage, at: this.clock.now(), errorRate };
    for (const l of this.listeners.slice()) l(change);
  }
}
