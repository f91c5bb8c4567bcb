import { systemClock, type Clock } from './Clock.js';
import { abortError, BreakerError, isBreakerError } from './errors.js';
import { checkKeys, duration, invalid } from './options.js';
import type { Policy, Work } from './Policy.js';

/** The codes a {@link Timeout} rejects with. */
export type TimeoutCode = 'TIMEOUT' | 'ABORTED';

/** Options of {@link Timeout}. */
export interface TimeoutOptions {
  /** The time limit per call, ms. */
  readonly ms: number;
  /** @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

const P = 'timeout';
const CODES: readonly TimeoutCode[] = ['TIMEOUT', 'ABORTED'];

/**
 * Limits how long a call may take. At the limit the call's AbortSignal fires (with the
 * `TIMEOUT` error as its reason) and the returned promise rejects at once, without waiting for
 * `fn` to notice. The timer exists only while a call runs.
 *
 * @example
 * ```ts
 * const limit = new Timeout({ ms: 2_000 });
 * const rows = await limit.execute((signal) => db.query(sql, { signal }));
 * ```
 */
export class Timeout implements Policy<TimeoutCode> {
  /** The limit, ms. */
  readonly ms: number;
  private readonly clock: Clock;

  /**
   * @param options - see {@link TimeoutOptions}
   * @throws BreakerError `INVALID_OPTION` when `ms` is missing, not positive or not finite
   */
  constructor(options: TimeoutOptions) {
    const o = checkKeys(P, options, ['ms', 'clock']);
    if (o.ms === undefined) invalid(P, 'ms', undefined, 'a finite number of milliseconds > 0');
    this.ms = duration(P, 'ms', o.ms, 0);
    this.clock = o.clock ?? systemClock;
    if (typeof this.clock.setTimeout !== 'function') invalid(P, 'clock', this.clock, 'a Clock with setTimeout');
  }

  /**
   * @param fn - the call; receives a signal that fires at the limit or when `signal` fires
   * @param signal - the caller's signal
   * @returns what `fn` returns, if in time
   * @throws BreakerError `TIMEOUT` or `ABORTED`; or what `fn` threw
   */
  execute<T>(fn: Work<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(abortError(P, signal));
    const controller = new AbortController();
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        finish();
        const err = abortError(P, signal!);
        controller.abort(err);
        reject(err);
      };
      const timer = this.clock.setTimeout(() => {
        finish();
        const err = new BreakerError('TIMEOUT', P, `timeout: the call took longer than ${this.ms} ms and was aborted`, {
          retryAfterMs: 0,
        });
        controller.abort(err);
        reject(err);
      }, this.ms);
      const finish = (): void => {
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      let result: T | PromiseLike<T>;
      try {
        result = fn(controller.signal);
      } catch (err) {
        finish();
        reject(err);
        return;
      }
      Promise.resolve(result).then(
        (value) => {
          finish();
          resolve(value);
        },
        (err: unknown) => {
          finish();
          reject(err);
        },
      );
    });
  }

  /** @returns true for `TIMEOUT` and `ABORTED` rejections. */
  isRejection(err: unknown): err is BreakerError<TimeoutCode> {
    return isBreakerError(err, CODES);
  }
}
