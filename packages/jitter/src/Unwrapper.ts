/**
 * Extends a wrapping counter (16-bit RTP sequence numbers, 32-bit RTP timestamps) to a monotone
 * number line: each value is placed at the position nearest the highest value seen so far, so a
 * wrap from 65535 to 0 continues at 65536 while a packet reordered across the wrap lands before.
 *
 * @example
 * ```ts
 * const u = new Unwrapper(16); u.unwrap(65535); u.unwrap(0); // 65536
 * ```
 */
export class Unwrapper {
  private readonly modulus: number;
  private highest: number | undefined;

  /** @param bits - width of the counter: 16 for sequence numbers, 32 for timestamps */
  constructor(bits: 16 | 32) {
    this.modulus = 2 ** bits;
  }

  /**
   * @param value - the wire value, 0 ≤ value < 2^bits
   * @returns the unwrapped value (may be negative for a packet from before the first one seen)
   */
  unwrap(value: number): number {
    const out = this.peek(value);
    if (this.highest === undefined || out > this.highest) this.highest = out;
    return out;
  }

  /**
   * Where `value` would land without recording it.
   * @param value - the wire value
   * @returns the unwrapped value, as {@link Unwrapper.unwrap} would give
   */
  peek(value: number): number {
    if (this.highest === undefined) return value;
    const m = this.modulus;
    let diff = (value - (this.highest % m) + m) % m;
    if (diff >= m / 2) diff -= m;
    return this.highest + diff;
  }

  /** Forgets the history (after a stream reset). */
  reset(): void {
    this.highest = undefined;
  }
}
