import { BreakerError, type BreakerErrorCode } from './errors.js';
import { invalid } from './options.js';
import type { Policy, Work } from './Policy.js';

/** The rejection codes of a policy type. */
export type CodeOf<T> = T extends Policy<infer C> ? C : never;

/**
 * Composes policies: the first is the outermost, so `wrap(retry, breaker, timeout)` retries
 * calls that the breaker guards and each attempt has its own time limit. The result is itself
 * a {@link Policy} whose `isRejection` narrows to the union of the parts' codes.
 *
 * @param policies - outermost first
 * @returns one policy running them in order
 * @throws BreakerError `INVALID_OPTION` when an argument is not a policy
 * @example
 * ```ts
 * const guarded = wrap(new Retry({ maxAttempts: 3 }), new CircuitBreaker(), new Timeout({ ms: 1_000 }));
 * const row = await guarded.execute((signal) => db.get(id, { signal }));
 * ```
 */
export function wrap<const Ps extends readonly Policy<BreakerErrorCode>[]>(...policies: Ps): Policy<CodeOf<Ps[number]>> {
  policies.forEach((p: unknown, i) => {
    const ok = p !== null && typeof p === 'object' && typeof (p as Policy).execute === 'function' && typeof (p as Policy).isRejection === 'function';
    if (!ok) invalid('options', `wrap argument ${i}`, p, 'a policy (an object with execute and isRejection)');
  });
  const list = [...policies];
  return {
    execute<T>(fn: Work<T>, signal?: AbortSignal): Promise<T> {
      let run: Work<T> = fn;
      for (let i = list.length - 1; i >= 0; i--) {
        const policy = list[i]!;
        const inner = run;
        run = (s) => policy.execute(inner, s);
      }
      try {
        return Promise.resolve(run(signal));
      } catch (err) {
        return Promise.reject(err);
      }
    },
    isRejection(err: unknown): err is BreakerError<CodeOf<Ps[number]>> {
      return err instanceof BreakerError && list.some((p) => p.isRejection(err));
    },
  };
}
