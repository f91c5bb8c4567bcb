import { systemClock, type Clock } from './Clock.js';
import { checkKeys, duration, invalid, numberIn } from './options.js';
import { TimeWindow } from './TimeWindow.js';

/** Options of {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /** Retries allowed per first attempt over the window. @defaultValue 0.2 */
  readonly ratio?: number;
  /** Retries always allowed per second, so that rare calls can still retry. @defaultValue 10 */
  readonly minPerSecond?: number;
  /** The span of history counted. @defaultValue 10_000 */
  readonly windowMs?: number;
  /** @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

const P = 'retry';

/**
 * Caps retries at a ratio of recent requests (as in Finagle and Envoy), shared by every call
 * that uses it, so that a failing dependency sees at most `1 + ratio` times its normal load
 * instead of `maxAttempts` times: retries cannot storm.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget({ ratio: 0.1 });
 * const policy = new Retry({ maxAttempts: 4, budget });
 * ```
 */
export class RetryBudget {
  private readonly ratio: number;
  private readonly floor: number;
  private readonly clock: Clock;
  // calls = first attempts + retries; failures = retries (the window's two counters, reused).
  private readonly window: TimeWindow;

  /**
   * @param options - see {@link RetryBudgetOptions}
   * @throws BreakerError `INVALID_OPTION` for a ratio outside 0..1000, a negative rate or a non-positive window
   */
  constructor(options?: RetryBudgetOptions) {
    const o = checkKeys(P, options, ['ratio', 'minPerSecond', 'windowMs', 'clock']);
    this.ratio = numberIn(P, 'budget.ratio', o.ratio, 0.2, 0, 1000);
    const perSecond = numberIn(P, 'budget.minPerSecond', o.minPerSecond, 10, 0, 1e9);
    const windowMs = duration(P, 'budget.windowMs', o.windowMs, 10_000);
    this.floor = (perSecond * windowMs) / 1000;
    this.clock = o.clock ?? systemClock;
    if (typeof this.clock.now !== 'function') invalid(P, 'budget.clock', this.clock, 'an object with now()');
    this.window = new TimeWindow(windowMs, 10);
  }

  /** Counts a first attempt (done by {@link Retry} for every call). */
  recordRequest(): void {
    this.window.record(this.clock.now(), false, false);
  }

  /**
   * Takes one retry from the budget if it has one.
   *
   * @returns true when the retry may go ahead (and is counted), false when the budget is spent
   */
  tryRetry(): boolean {
    const now = this.clock.now();
    const w = this.window;
    w.advance(now);
    const requests = w.calls - w.failures;
    if (w.failures + 1 > this.floor + this.ratio * requests) return false;
    w.record(now, true, false);
    return true;
  }

  /** @returns requests and retries in the window, and how many more retries it allows now. */
  snapshot(): { requests: number; retries: number; available: number } {
    const w = this.window;
    w.advance(this.clock.now());
    const requests = w.calls - w.failures;
    return { requests, retries: w.failures, available: Math.max(0, Math.floor(this.floor + this.ratio * requests - w.failures)) };
  }
}
