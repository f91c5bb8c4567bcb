/**
 * Bytes over a sliding time window, for the estimator's acknowledged and sent rates. Entries are
 * added in (nearly) time order; old ones are dropped as the window moves on.
 *
 * @example
 * ```ts
 * const w = new RateWindow(500);
 * w.add(0, 1200);
 * w.bps(100); // 19200
 * ```
 */
export class RateWindow {
  private readonly windowMs: number;
  private readonly times: number[] = [];
  private readonly sizes: number[] = [];
  private head = 0;
  private bytes = 0;

  /** @param windowMs - the window length */
  constructor(windowMs: number) {
    this.windowMs = windowMs;
  }

  /** Time of the latest entry, or NaN when empty. */
  get lastMs(): number {
    return this.times.length > this.head ? this.times[this.times.length - 1]! : Number.NaN;
  }

  /**
   * Adds bytes seen at a time.
   *
   * @param timeMs - when
   * @param bytes - how many
   */
  add(timeMs: number, bytes: number): void {
    this.times.push(timeMs);
    this.sizes.push(bytes);
    this.bytes += bytes;
  }

  /**
   * The rate over (endMs - window, endMs]; entries at or before the window start are dropped.
   *
   * @param endMs - the window end (not earlier than a previous call's)
   * @returns bits per second
   */
  bps(endMs: number): number {
    while (this.head < this.times.length && this.times[this.head]! <= endMs - this.windowMs) {
      this.bytes -= this.sizes[this.head]!;
      this.head++;
    }
    if (this.head > 4096) {
      this.times.splice(0, this.head);
      this.sizes.splice(0, this.head);
      this.head = 0;
    }
    let bytes = this.bytes;
    for (let i = this.times.length - 1; i >= this.head && this.times[i]! > endMs; i--) bytes -= this.sizes[i]!;
    return (bytes * 8 * 1000) / this.windowMs;
  }
}
