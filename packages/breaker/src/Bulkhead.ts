import { abortError, isBreakerError, refusal, type BreakerError } from './errors.js';
import { checkKeys, integer, invalid } from './options.js';
import type { Policy, Work } from './Policy.js';
import { WaitQueue } from './WaitQueue.js';

/** The codes a {@link Bulkhead} rejects with. */
export type BulkheadCode = 'BULKHEAD_FULL' | 'ABORTED';

/** Options of {@link Bulkhead}. */
export interface BulkheadOptions {
  /** Calls allowed to run at once. */
  readonly maxConcurrent: number;
  /** Calls allowed to wait for a slot (FIFO); more are refused. @defaultValue 0 */
  readonly maxQueue?: number;
}

interface Waiter {
  cancelled: boolean;
  start(): void;
  detach(): void;
}

const P = 'bulkhead';
const CODES: readonly BulkheadCode[] = ['BULKHEAD_FULL', 'ABORTED'];

/**
 * Limits how many calls run at once, with a bounded FIFO queue for the overflow, so one slow
 * dependency cannot take every connection or every pending request of the process.
 *
 * @example
 * ```ts
 * const pool = new Bulkhead({ maxConcurrent: 10, maxQueue: 50 });
 * await pool.execute(() => storage.put(key, bytes));
 * ```
 */
export class Bulkhead implements Policy<BulkheadCode> {
  private readonly maxConcurrent: number;
  private readonly maxQueue: number;
  private running = 0;
  private readonly queue = new WaitQueue<Waiter>();

  /**
   * @param options - see {@link BulkheadOptions}
   * @throws BreakerError `INVALID_OPTION` when `maxConcurrent` is missing or not a positive integer, or `maxQueue` is negative
   */
  constructor(options: BulkheadOptions) {
    const o = checkKeys(P, options, ['maxConcurrent', 'maxQueue']);
    if (o.maxConcurrent === undefined) invalid(P, 'maxConcurrent', undefined, 'an integer from 1 to 1000000000');
    this.maxConcurrent = integer(P, 'maxConcurrent', o.maxConcurrent, 1, 1, 1e9);
    this.maxQueue = integer(P, 'maxQueue', o.maxQueue, 0, 0, 1e9);
  }

  /** Calls running now. */
  get active(): number {
    return this.running;
  }

  /** Calls waiting for a slot. */
  get queued(): number {
    return this.queue.size;
  }

  /**
   * @param fn - the call; receives `signal`
   * @param signal - while waiting, its abort removes the call from the queue
   * @returns what `fn` returns
   * @throws BreakerError `BULKHEAD_FULL` or `ABORTED`; or what `fn` threw
   */
  execute<T>(fn: Work<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(abortError(P, signal));
    if (this.running < this.maxConcurrent) return this.run(fn, signal);
    if (this.queue.size >= this.maxQueue) {
      return Promise.reject(
        refusal(
          'BULKHEAD_FULL',
          P,
          `bulkhead: ${this.running} call(s) running (maxConcurrent ${this.maxConcurrent}) and ${this.queue.size} waiting (maxQueue ${this.maxQueue})`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        this.queue.cancel(waiter);
        reject(abortError(P, signal!));
      };
      const waiter: Waiter = {
        cancelled: false,
        start: () => void this.run(fn, signal).then(resolve, reject),
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
    });
  }

  /** @returns true for `BULKHEAD_FULL` and `ABORTED` rejections. */
  isRejection(err: unknown): err is BreakerError<BulkheadCode> {
    return isBreakerError(err, CODES);
  }

  private run<T>(fn: Work<T>, signal: AbortSignal | undefined): Promise<T> {
    this.running++;
    let result: T | PromiseLike<T>;
    try {
      result = fn(signal);
    } catch (err) {
      this.release();
      return Promise.reject(err);
    }
    return Promise.resolve(result).then(
      (value) => {
        this.release();
        return value;
      },
      (err: unknown) => {
        this.release();
        throw err;
      },
    );
  }

  private release(): void {
    this.running--;
    const next = this.queue.shift();
    if (next !== undefined) {
      next.detach();
      next.start();
    }
  }
}
