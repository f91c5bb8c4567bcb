/** What the delay gradient says about the bottleneck queue. */
export type BandwidthUsage = 'normal' | 'overuse' | 'underuse';

/**
 * GCC's overuse detector with its adaptive threshold: the threshold follows the trend slowly
 * upwards and faster downwards, so that competing loss-based flows do not starve the stream
 * and a sudden queue still triggers overuse.
 *
 * @example
 * ```ts
 * const det = new OveruseDetector();
 * const usage = det.detect(trend.modifiedTrend(), groupDeltaMs, nowMs);
 * ```
 */
export class OveruseDetector {
  private threshold = 12.5;
  private lastUpdateMs = Number.NaN;
  private timeOverUsing = -1;
  private overuseCount = 0;
  private prevTrend = 0;
  private usage: BandwidthUsage = 'normal';

  /** The current adaptive threshold, in ms. */
  get thresholdMs(): number {
    return this.threshold;
  }

  /**
   * Classifies one trend sample.
   *
   * @param trend - the modified trend from {@link TrendlineEstimator}
   * @param groupDeltaMs - send-time distance of the two groups compared
   * @param nowMs - the current time
   * @returns the usage state after this sample
   */
  detect(trend: number, groupDeltaMs: number, nowMs: number): BandwidthUsage {
    if (trend > this.threshold) {
      this.timeOverUsing = this.timeOverUsing < 0 ? groupDeltaMs / 2 : this.timeOverUsing + groupDeltaMs;
      this.overuseCount++;
      if (this.timeOverUsing > 10 && this.overuseCount > 1 && trend >= this.prevTrend) {
        this.timeOverUsing = 0;
        this.overuseCount = 0;
        this.usage = 'overuse';
      }
    } else if (trend < -this.threshold) {
      this.timeOverUsing = -1;
      this.overuseCount = 0;
      this.usage = 'underuse';
    } else {
      this.timeOverUsing = -1;
      this.overuseCount = 0;
      this.usage = 'normal';
    }
    this.prevTrend = trend;
    this.adapt(trend, nowMs);
    return this.usage;
  }

  private adapt(trend: number, nowMs: number): void {
    if (Number.isNaN(this.lastUpdateMs)) this.lastUpdateMs = nowMs;
    const abs = Math.abs(trend);
    // Spikes far above the threshold (a route change, a paused sender) must not drag it up.
    if (abs > this.threshold + 15) {
      this.lastUpdateMs = nowMs;
      return;
    }
    const k = abs < this.threshold ? 0.039 : 0.0087;
    const dt = Math.min(Math.max(nowMs - this.lastUpdateMs, 0), 100);
    this.threshold = Math.min(600, Math.max(6, this.threshold + k * (abs - this.threshold) * dt));
    this.lastUpdateMs = nowMs;
  }
}
