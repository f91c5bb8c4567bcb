import { LoadShedder, isBreakerError } from '@chorus/breaker';
import type { Admit } from './Api.js';
import { ServiceError } from './errors.js';
import type { Priority } from './routes.js';

/** Priority classes, most important first: sends and auth, then the rest, then reads/typing/presence. */
export const PRIORITIES: readonly Priority[] = ['critical', 'normal', 'low'];

/**
 * Admission through @chorus/breaker's {@link LoadShedder}: under overload it sheds `low` work
 * (history reads, typing, presence) first, then `normal`, and message sends last; a shed request
 * becomes ServiceError `overloaded` (503 with Retry-After). Requests name their caller as the
 * shedder's flow: when the queue is full, the heaviest caller's newest request makes way.
 *
 * @param shedder - a LoadShedder over {@link PRIORITIES}
 * @returns the admission hook for {@link Api}
 * @example
 * ```ts
 * const shedder = new LoadShedder({ priorities: PRIORITIES, maxConcurrent: 256, targetLatencyMs: 100 });
 * const api = new Api(service, ROUTES, shedderAdmit(shedder));
 * ```
 */
export function shedderAdmit(shedder: LoadShedder<Priority>): Admit {
  return async <T>(priority: Priority, work: () => Promise<T>, flow: string | undefined): Promise<T> => {
    try {
      return await shedder.execute(() => work(), undefined, priority, flow);
    } catch (e) {
      if (isBreakerError(e, ['LOAD_SHED'])) {
        throw new ServiceError('overloaded', 'the service is overloaded; retry after the Retry-After delay', e.retryAfterMs ?? 1000);
      }
      throw e;
    }
  };
}
