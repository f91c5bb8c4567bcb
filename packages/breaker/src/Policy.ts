import type { BreakerError, BreakerErrorCode } from './errors.js';

/**
 * The work a policy runs: receives the AbortSignal to honour (the caller's, or one a timeout
 * policy fires), and returns a value or a promise.
 */
export type Work<T> = (signal: AbortSignal | undefined) => T | PromiseLike<T>;

/**
 * What every policy offers, so that {@link wrap} can compose them. `C` lists the
 * {@link BreakerError} codes the policy may reject with, which `isRejection` narrows to.
 */
export interface Policy<C extends BreakerErrorCode = BreakerErrorCode> {
  /** Runs `fn` under the policy; rejects with the policy's {@link BreakerError} or with what `fn` threw. */
  execute<T>(fn: Work<T>, signal?: AbortSignal): Promise<T>;
  /** True when `err` is a rejection this policy (or a policy it wraps) can raise. */
  isRejection(err: unknown): err is BreakerError<C>;
}
