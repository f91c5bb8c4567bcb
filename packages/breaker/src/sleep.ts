import type { Clock } from './Clock.js';
import { abortError, type PolicyKind } from './errors.js';

/**
 * Waits `ms` on `clock`; rejects with `ABORTED` (raised by `policy`) as soon as `signal` fires.
 * The timer exists only while someone waits.
 */
export function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined, policy: PolicyKind): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError(policy, signal));
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(abortError(policy, signal!));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
