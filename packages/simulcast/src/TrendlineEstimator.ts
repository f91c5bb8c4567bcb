/**
 * The delay-gradient filter of Google Congestion Control: accumulates one-way delay variation
 * between packet groups, smooths it, and fits a least-squares line over a sliding window. A
 * positive slope means queues are building.
 *
 * @example
 * ```ts
 * const tl = new TrendlineEstimator();
 * tl.update(arrivalDeltaMs - sendDeltaMs, arrivalMs);
 * const m = tl.modifiedTrend(); // compared against the overuse threshold
 * ```
 */
export class TrendlineEstimator {
  private readonly windowSize: number;
  private readonly smoothing: number;
  private readonly gain: number;
  private readonly xs: number[] = [];
  private readonly ys: number[] = [];
  private firstArrivalMs = Number.NaN;
  private accumulated = 0;
  private smoothed = 0;
  private slope = 0;
  private deltas = 0;

  /**
   * @param windowSize - points in the regression window
   * @param smoothing - exponential smoothing of the accumulated delay
   * @param gain - scales the slope into the threshold's units (as GCC does)
   * @defaultValue windowSize 20, smoothing 0.9, gain 4
   */
  constructor(windowSize = 20, smoothing = 0.9, gain = 4) {
    this.windowSize = windowSize;
    this.smoothing = smoothing;
    this.gain = gain;
  }

  /**
   * Adds one inter-group delay variation.
   *
   * @param delayDeltaMs - (arrival delta) - (send delta) between two packet groups
   * @param arrivalMs - arrival time of the later group
   */
  update(delayDeltaMs: number, arrivalMs: number): void {
    if (Number.isNaN(this.firstArrivalMs)) this.firstArrivalMs = arrivalMs;
    this.deltas = Math.min(this.deltas + 1, 1000);
    this.accumulated += delayDeltaMs;
    this.smoothed = this.smoothing * this.smoothed + (1 - this.smoothing) * this.accumulated;
    this.xs.push(arrivalMs - this.firstArrivalMs);
    this.ys.push(this.smoothed);
    if (this.xs.length > this.windowSize) {
      this.xs.shift();
      this.ys.shift();
    }
    if (this.xs.length === this.windowSize) this.slope = fitSlope(this.xs, this.ys, this.slope);
  }

  /**
   * The slope scaled by the number of deltas seen (capped at 60) and the gain.
   *
   * @returns the value the overuse detector compares with its threshold, in ms
   */
  modifiedTrend(): number {
    return Math.min(this.deltas, 60) * this.slope * this.gain;
  }
}

function fitSlope(xs: readonly number[], ys: readonly number[], fallback: number): number {
  const n = xs.length;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < n; i++) {
    sx += xs[i]!;
    sy += ys[i]!;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    num += dx * (ys[i]! - my);
    den += dx * dx;
  }
  // All points at one arrival time: keep the previous slope rather than divide by zero.
  return den === 0 ? fallback : num / den;
}
