import { ServiceError } from './errors.js';

/** 2024-01-01T00:00:00Z: ids count milliseconds from here, leaving 41 bits for ~69 years. */
export const SNOWFLAKE_EPOCH = 1_704_067_200_000;

const MAX_ID = (1n << 63n) - 1n;

/** Options of {@link SnowflakeGenerator}. */
export interface SnowflakeOptions {
  /** Node id in 0..1023, so that several nodes never mint the same id. @defaultValue 0 */
  worker?: number;
  /** Clock in ms since the Unix epoch. @defaultValue Date.now */
  now?: () => number;
}

/**
 * Mints time-ordered 64-bit ids (42 bits of ms since {@link SNOWFLAKE_EPOCH}, 10 bits of worker,
 * 12 bits of sequence), as decimal strings. Ids from one generator strictly increase even when
 * the clock stalls or steps back: it then borrows from the next millisecond.
 *
 * @example
 * ```ts
 * const ids = new SnowflakeGenerator({ worker: 1 });
 * const a = ids.next(); const b = ids.next(); // BigInt(a) < BigInt(b)
 * ```
 */
export class SnowflakeGenerator {
  private readonly worker: bigint;
  private readonly now: () => number;
  private lastMs = -1;
  private seq = 0;

  /**
   * @param options - worker id and clock
   * @throws ServiceError `bad_request` when the worker is not an integer in 0..1023
   */
  constructor(options: SnowflakeOptions = {}) {
    const worker = options.worker ?? 0;
    if (!Number.isInteger(worker) || worker < 0 || worker > 1023) {
      throw new ServiceError('bad_request', `snowflake worker must be an integer in 0..1023, got ${worker}`);
    }
    this.worker = BigInt(worker);
    this.now = options.now ?? Date.now;
  }

  /**
   * The next id.
   *
   * @returns a decimal string, greater than every id this generator returned before
   */
  next(): string {
    let ms = Math.max(Math.floor(this.now()) - SNOWFLAKE_EPOCH, 0);
    if (ms <= this.lastMs) {
      ms = this.lastMs;
      this.seq++;
      if (this.seq > 0xfff) {
        ms++;
        this.seq = 0;
      }
    } else {
      this.seq = 0;
    }
    this.lastMs = ms;
    return ((BigInt(ms) << 22n) | (this.worker << 12n) | BigInt(this.seq)).toString();
  }
}

/**
 * The smallest id minted at or after `ms` (Unix ms), for paging by time.
 *
 * @param ms - time in ms since the Unix epoch
 * @returns a decimal id string
 * @example
 * ```ts
 * snowflakeAt(Date.now());
 * ```
 */
export function snowflakeAt(ms: number): string {
  return (BigInt(Math.max(Math.floor(ms) - SNOWFLAKE_EPOCH, 0)) << 22n).toString();
}

/**
 * When an id was minted.
 *
 * @param id - a decimal snowflake
 * @returns Unix ms
 * @throws ServiceError `validation` when `id` is not a snowflake
 * @example
 * ```ts
 * snowflakeTime(new SnowflakeGenerator().next()); // about Date.now()
 * ```
 */
export function snowflakeTime(id: string): number {
  if (!isSnowflake(id)) {
    const raw: unknown = id;
    throw new ServiceError('validation', `${typeof raw === 'string' ? JSON.stringify(raw.slice(0, 32)) : `a ${typeof raw}`} is not an id (1 to 19 digits)`);
  }
  return Number(BigInt(id) >> 22n) + SNOWFLAKE_EPOCH;
}

/**
 * Whether `value` is a well-formed id: 1–19 decimal digits, no leading zero, below 2^63.
 *
 * @param value - anything
 * @returns true for a valid id string
 * @example
 * ```ts
 * isSnowflake('123'); // true
 * isSnowflake('0123'); // false
 * ```
 */
export function isSnowflake(value: unknown): value is string {
  return typeof value === 'string' && /^[1-9][0-9]{0,18}$/.test(value) && BigInt(value) <= MAX_ID;
}

/**
 * Compares two ids numerically (they are strings of different lengths).
 *
 * @param a - an id
 * @param b - an id
 * @returns negative, zero or positive like `Array.prototype.sort` expects
 * @example
 * ```ts
 * ['10', '9'].sort(compareIds); // ['9', '10']
 * ```
 */
export function compareIds(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
