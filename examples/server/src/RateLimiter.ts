/** Options of {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** Burst size: requests allowed at once. */
  capacity: number;
  /** Sustained requests per second. */
  perSecond: number;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
  /** Most keys tracked; the least recently used beyond it are forgotten (full buckets). @defaultValue 100000 */
  maxKeys?: number;
}

/**
 * Token buckets per key (a user, an IP, a connection): `capacity` at once, `perSecond`
 * sustained. Memory is bounded by `maxKeys`, so a flood of distinct keys cannot exhaust it.
 *
 * @example
 * ```ts
 * const logins = new RateLimiter({ capacity: 5, perSecond: 0.1 });
 * const wait = logins.take('alice'); // 0 = allowed, else ms until allowed
 * ```
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;

  /**
   * @param options - capacity, rate, clock
   * @throws RangeError when capacity or rate are not positive finite numbers
   */
  constructor(options: RateLimiterOptions) {
    if (!(options.capacity >= 1 && Number.isFinite(options.capacity))) throw new RangeError(`capacity must be a finite number >= 1, got ${options.capacity}`);
    if (!(options.perSecond > 0 && Number.isFinite(options.perSecond))) throw new RangeError(`perSecond must be a finite number > 0, got ${options.perSecond}`);
    this.capacity = options.capacity;
    this.perMs = options.perSecond / 1000;
    this.now = options.now ?? Date.now;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /**
   * Takes one token for `key` if there is one.
   *
   * @param key - who is asking
   * @returns 0 when allowed, else the ms until a token will be there
   */
  take(key: string): number {
    const now = this.now();
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key);
      b.tokens = Math.min(this.capacity, b.tokens + Math.max(0, now - b.at) * this.perMs);
      b.at = now;
    } else {
      b = { tokens: this.capacity, at: now };
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
      }
    }
    this.buckets.set(key, b); // re-insert: Map order is then least recently used first
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / this.perMs);
  }

  /** Forgets `key` (e.g. after a successful login). @param key - who */
  reset(key: string): void {
    this.buckets.delete(key);
  }

  /** @returns how many keys are tracked */
  get size(): number {
    return this.buckets.size;
  }
}
