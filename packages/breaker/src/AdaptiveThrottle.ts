import { systemClock, type Clock } from './Clock.js';
import { abortError, isBreakerError, refusal, type BreakerError } from './errors.js';
import { checkKeys, duration, fn as fnOption, integer, invalid, numberIn } from './options.js';
import type { Policy, Work } from './Policy.js';
import { TimeWindow } from './TimeWindow.js';

/** The codes an {@link AdaptiveThrottle} rejects with. */
export type AdaptiveThrottleCode = 'THROTTLED' | 'ABORTED';

/** Options of {@link AdaptiveThrottle}. */
export interface AdaptiveThrottleOptions {
  /** Requests allowed per accepted request before throttling starts (the SRE book's K). @defaultValue 2 */
  readonly k?: number;
  /** The span of history counted. @defaultValue 120_000 (two minutes, as in the SRE book) */
  readonly windowMs?: number;
  /** Buckets of the window. @defaultValue 12 */
  readonly buckets?: number;
  /**
   * Whether an error means the backend refused the request (overload, unavailable). Errors for
   * which it returns false (e.g. "not found") show a working backend and count as accepted.
   * @defaultValue every error
   */
  readonly isRejectedByBackend?: (err: unknown) => boolean;
  /** Uniform in [0, 1). @defaultValue Math.random */
  readonly random?: () => number;
  /** @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

const P = 'adaptive-throttle';
const CODES: readonly AdaptiveThrottleCode[] = ['THROTTLED', 'ABORTED'];
const everyError = (): boolean => true;

/**
 * Client-side adaptive throttling from Google's SRE book ("Handling Overload"): each client
 * counts `requests` and `accepts` over the window and refuses new requests locally with
 * probability `max(0, (requests - k * accepts) / (requests + 1))`. When the backend rejects
 * most work, clients stop sending most of it, without any coordination; with `k = 2` the
 * backend still sees about twice what it accepts, enough to notice recovery.
 *
 * @example
 * ```ts
 * const throttle = new AdaptiveThrottle({ k: 2 });
 * await throttle.execute((signal) => callBackend(signal));
 * ```
 */
export class AdaptiveThrottle implements Policy<AdaptiveThrottleCode> {
  private readonly k: number;
  private readonly isRejectedByBackend: (err: unknown) => boolean;
  private readonly random: () => number;
  private readonly clock: Clock;
  // calls = requests finished or refused; failures = not accepted; slowCalls = refused locally.
  private readonly window: TimeWindow;

  /**
   * @param options - see {@link AdaptiveThrottleOptions}
   * @throws BreakerError `INVALID_OPTION` for `k < 1`, a non-positive window, an unknown key
   */
  constructor(options?: AdaptiveThrottleOptions) {
    const o = checkKeys(P, options, ['k', 'windowMs', 'buckets', 'isRejectedByBackend', 'random', 'clock']);
    this.k = numberIn(P, 'k', o.k, 2, 1, 1000);
    const windowMs = duration(P, 'windowMs', o.windowMs, 120_000);
    this.window = new TimeWindow(windowMs, integer(P, 'buckets', o.buckets, 12, 1, 1000));
    this.isRejectedByBackend = fnOption(P, 'isRejectedByBackend', o.isRejectedByBackend, everyError);
    this.random = fnOption(P, 'random', o.random, Math.random);
    this.clock = o.clock ?? systemClock;
    if (typeof this.clock.now !== 'function') invalid(P, 'clock', this.clock, 'an object with now()');
  }

  /** @returns the probability that the next request is refused locally, in [0, 1). */
  rejectProbability(): number {
    const w = this.window;
    w.advance(this.clock.now());
    const accepts = w.calls - w.failures;
    return Math.max(0, (w.calls - this.k * accepts) / (w.calls + 1));
  }

  /** @returns requests, accepts and local refusals in the window. */
  metrics(): { requests: number; accepts: number; throttled: number; rejectProbability: number } {
    const p = this.rejectProbability();
    const w = this.window;
    return { requests: w.calls, accepts: w.calls - w.failures, throttled: w.slowCalls, rejectProbability: p };
  }

  /**
   * @param fn - the call; receives `signal`
   * @param signal - the caller's signal
   * @returns what `fn` returns
   * @throws BreakerError `THROTTLED` (refused locally) or `ABORTED`; or what `fn` threw
   */
  execute<T>(fn: Work<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(abortError(P, signal));
    const p = this.rejectProbability();
    if (p > 0 && this.random() < p) {
      this.window.record(this.clock.now(), true, true);
      return Promise.reject(
        refusal('THROTTLED', P, `adaptive-throttle: refused locally (the backend accepted too few recent requests; refusing ${Math.round(p * 100)}%)`),
      );
    }
    let result: T | PromiseLike<T>;
    try {
      result = fn(signal);
    } catch (err) {
      this.outcome(err);
      return Promise.reject(err);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.window.record(this.clock.now(), false, false);
        return value;
      },
      (err: unknown) => {
        this.outcome(err);
        throw err;
      },
    );
  }

  /** @returns true for `THROTTLED` and `ABORTED` rejections. */
  isRejection(err: unknown): err is BreakerError<AdaptiveThrottleCode> {
    return isBreakerError(err, CODES);
  }

  private outcome(err: unknown): void {
    this.window.record(this.clock.now(), this.isRejectedByBackend(err), false);
  }
}
