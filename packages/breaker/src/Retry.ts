import { backoffDelay, resolveBackoff, type Backoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock } from './Clock.js';
import { abortError, BreakerError, isBreakerError } from './errors.js';
import { checkKeys, duration, fn as fnOption, integer, invalid } from './options.js';
import type { Policy, Work } from './Policy.js';
import { RetryBudget } from './RetryBudget.js';
import { sleep } from './sleep.js';

/** The codes a {@link Retry} rejects with (besides the last error of the call itself). */
export type RetryCode = 'RETRY_BUDGET_EXHAUSTED' | 'ABORTED';

/** What `onRetry` listeners receive. */
export interface RetryEvent {
  /** The retry about to happen: 1 for the first retry. */
  readonly retry: number;
  /** How long it waits first, ms. */
  readonly delayMs: number;
  /** The error that caused it. */
  readonly error: unknown;
}

/** Options of {@link Retry}. */
export interface RetryOptions {
  /** Attempts in all, the first included (1 = no retry). @defaultValue 3 */
  readonly maxAttempts?: number;
  /** Delays between attempts. @defaultValue exponential from 100 ms, x2, max 30 s, full jitter */
  readonly backoff?: BackoffOptions;
  /**
   * Which errors are retried.
   * @defaultValue every error except the package's own refusals (`CIRCUIT_OPEN`, `HALF_OPEN_FULL`,
   * `BULKHEAD_FULL`, `LOAD_SHED`, `THROTTLED`, `RETRY_BUDGET_EXHAUSTED`), `ABORTED` and `INVALID_OPTION`; `TIMEOUT` is retried
   */
  readonly retryOn?: (err: unknown, attempt: number) => boolean;
  /**
   * The server's wish, in ms, read from an error (e.g. a parsed `Retry-After` header); the wait
   * is then at least that long. @defaultValue reads a finite `retryAfterMs` property of the error
   */
  readonly retryAfter?: (err: unknown) => number | undefined;
  /** A longer retry-after ends the retries (the last error is thrown). @defaultValue 60_000 */
  readonly maxRetryAfterMs?: number;
  /** A shared budget that caps retries at a ratio of requests. @defaultValue none */
  readonly budget?: RetryBudget;
  /** Source of randomness for jitter (inject a seeded one in tests). @defaultValue Math.random */
  readonly random?: () => number;
  /** @defaultValue {@link systemClock} */
  readonly clock?: Clock;
  /** Called before each wait. */
  readonly onRetry?: (event: RetryEvent) => void;
}

const P = 'retry';
const CODES: readonly RetryCode[] = ['RETRY_BUDGET_EXHAUSTED', 'ABORTED'];
const KEYS = ['maxAttempts', 'backoff', 'retryOn', 'retryAfter', 'maxRetryAfterMs', 'budget', 'random', 'clock', 'onRetry'] as const;

// A function, so that TypeScript does not keep the narrowing from the check before the await.
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

// Local refusals are not retried by default: the refusing policy is protecting something, and
// waiting out an open circuit would hold the caller for the whole open time.
const NOT_RETRIED = ['ABORTED', 'INVALID_OPTION', 'RETRY_BUDGET_EXHAUSTED', 'CIRCUIT_OPEN', 'HALF_OPEN_FULL', 'BULKHEAD_FULL', 'LOAD_SHED', 'THROTTLED'] as const;

function defaultRetryOn(err: unknown): boolean {
  return !isBreakerError(err, NOT_RETRIED);
}

function defaultRetryAfter(err: unknown): number | undefined {
  if (err === null || typeof err !== 'object') return undefined;
  const ms = (err as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * Retries failed calls with exponential backoff and jitter, honours retry-after hints, and
 * (with a {@link RetryBudget}) never retries more than a ratio of recent requests. When the
 * attempts run out the last error is thrown unchanged; when the budget refuses, a
 * `RETRY_BUDGET_EXHAUSTED` error is thrown with the last error as its `cause`.
 *
 * @example
 * ```ts
 * const retry = new Retry({ maxAttempts: 4, backoff: { initialMs: 50, jitter: 'decorrelated' } });
 * const user = await retry.execute((signal) => fetchUser(id, signal), request.signal);
 * ```
 */
export class Retry implements Policy<RetryCode> {
  private readonly maxAttempts: number;
  private readonly backoff: Backoff;
  private readonly retryOn: (err: unknown, attempt: number) => boolean;
  private readonly retryAfter: (err: unknown) => number | undefined;
  private readonly maxRetryAfterMs: number;
  private readonly budget: RetryBudget | undefined;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly onRetry: ((event: RetryEvent) => void) | undefined;

  /**
   * @param options - see {@link RetryOptions}
   * @throws BreakerError `INVALID_OPTION` for an unknown key or a value out of range
   */
  constructor(options?: RetryOptions) {
    const o = checkKeys(P, options, KEYS);
    this.maxAttempts = integer(P, 'maxAttempts', o.maxAttempts, 3, 1, 1000);
    this.backoff = resolveBackoff(o.backoff, P);
    this.retryOn = fnOption(P, 'retryOn', o.retryOn, defaultRetryOn);
    this.retryAfter = fnOption(P, 'retryAfter', o.retryAfter, defaultRetryAfter);
    this.maxRetryAfterMs = duration(P, 'maxRetryAfterMs', o.maxRetryAfterMs, 60_000, true);
    if (o.budget !== undefined && !(o.budget instanceof RetryBudget)) invalid(P, 'budget', o.budget, 'a RetryBudget');
    this.budget = o.budget;
    this.random = fnOption(P, 'random', o.random, Math.random);
    this.clock = o.clock ?? systemClock;
    if (typeof this.clock.setTimeout !== 'function') invalid(P, 'clock', this.clock, 'a Clock with setTimeout');
    this.onRetry = fnOption(P, 'onRetry', o.onRetry, undefined);
  }

  /**
   * Runs `fn`, retrying as configured.
   *
   * @param fn - the call; receives `signal`
   * @param signal - stops the retries (and the current wait) when it fires
   * @returns what `fn` returns on its first success
   * @throws the last error of `fn`; BreakerError `RETRY_BUDGET_EXHAUSTED` (cause: the last error) or `ABORTED`
   */
  async execute<T>(fn: Work<T>, signal?: AbortSignal): Promise<T> {
    this.budget?.recordRequest();
    let previousDelay = this.backoff.initialMs;
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted === true) throw abortError(P, signal);
      try {
        return await fn(signal);
      } catch (err) {
        if (isAborted(signal) || attempt >= this.maxAttempts || !this.retryOn(err, attempt)) throw err;
        let delay = backoffDelay(this.backoff, attempt, previousDelay, this.random);
        previousDelay = delay;
        const wish = this.retryAfter(err);
        if (wish !== undefined) {
          if (wish > this.maxRetryAfterMs) throw err;
          delay = Math.max(delay, wish);
        }
        if (this.budget !== undefined && !this.budget.tryRetry()) {
          throw new BreakerError('RETRY_BUDGET_EXHAUSTED', P, `retry: the retry budget is spent; not retrying attempt ${attempt} (see cause)`, {
            cause: err,
          });
        }
        this.onRetry?.({ retry: attempt, delayMs: delay, error: err });
        await sleep(this.clock, delay, signal, P);
      }
    }
  }

  /** @returns true for `RETRY_BUDGET_EXHAUSTED` and `ABORTED` rejections. */
  isRejection(err: unknown): err is BreakerError<RetryCode> {
    return isBreakerError(err, CODES);
  }
}

/**
 * One-off form of {@link Retry}: `retry(fn, options, signal)`.
 *
 * @param fn - the call
 * @param options - see {@link RetryOptions}
 * @param signal - stops the retries
 * @returns what `fn` returns on its first success
 * @throws as {@link Retry.execute}, and `INVALID_OPTION` for bad options
 * @example
 * ```ts
 * const body = await retry(() => fetch(url).then((r) => r.text()), { maxAttempts: 5 });
 * ```
 */
export function retry<T>(fn: Work<T>, options?: RetryOptions, signal?: AbortSignal): Promise<T> {
  return new Retry(options).execute(fn, signal);
}
