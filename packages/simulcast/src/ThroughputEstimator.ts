import { finiteAtLeast } from './check.js';

/**
 * The acknowledged (received) rate as libwebrtc's `BitrateEstimator` measures it: bytes are
 * summed over 150 ms windows (500 ms for the first), and each window's rate is folded into a
 * Bayesian estimate whose trust in a sample falls with the sample's distance from the estimate.
 * A single short window of little delivery (a cellular stall) therefore moves the estimate only
 * a little, while a sustained change moves it within a few windows. BandwidthEstimator's
 * back-offs never go below 85% of it.
 *
 * @example
 * ```ts
 * const tp = new ThroughputEstimator();
 * tp.add(arrivalMs, sizeBytes);
 * tp.bps(); // NaN until the first window is complete
 * ```
 */
export class ThroughputEstimator {
  private sumBytes = 0;
  private windowMs = 0;
  private prevMs = Number.NaN;
  private estimateKbps = -1;
  private varianceKbps = 50;

  /**
   * The estimate, in bits per second.
   *
   * @returns the rate, or NaN before the first complete window
   */
  bps(): number {
    return this.estimateKbps < 0 ? Number.NaN : this.estimateKbps * 1000;
  }

  /**
   * Adds one received packet.
   *
   * @param arrivalMs - its arrival time (non-decreasing; an earlier time restarts the window)
   * @param bytes - its size
   * @throws SimulcastError `INVALID_NUMBER` for a non-finite time or a negative or non-finite size
   */
  add(arrivalMs: number, bytes: number): void {
    finiteAtLeast(arrivalMs, -Infinity, 'arrivalMs');
    finiteAtLeast(bytes, 0, 'bytes');
    const rateWindow = this.estimateKbps < 0 ? 500 : 150;
    if (arrivalMs < this.prevMs) {
      this.prevMs = Number.NaN;
      this.sumBytes = 0;
      this.windowMs = 0;
    }
    if (!Number.isNaN(this.prevMs)) {
      this.windowMs += arrivalMs - this.prevMs;
      // Nothing received for more than a window: start a fresh sum.
      if (arrivalMs - this.prevMs > rateWindow) {
        this.sumBytes = 0;
        this.windowMs %= rateWindow;
      }
    }
    this.prevMs = arrivalMs;
    if (this.windowMs >= rateWindow) {
      this.fold((8 * this.sumBytes) / rateWindow);
      this.windowMs -= rateWindow;
      this.sumBytes = 0;
    }
    this.sumBytes += bytes;
  }

  private fold(sampleKbps: number): void {
    if (this.estimateKbps < 0) {
      this.estimateKbps = sampleKbps;
      return;
    }
    // A sample far from the estimate is trusted less (libwebrtc's uncertainty scale of 10).
    const uncertainty = (10 * Math.abs(this.estimateKbps - sampleKbps)) / Math.max(this.estimateKbps, 1e-3);
    const sampleVar = uncertainty * uncertainty;
    // The estimate's own variance grows between samples: the rate may really have changed.
    const predVar = this.varianceKbps + 5;
    this.estimateKbps = (sampleVar * this.estimateKbps + predVar * sampleKbps) / (sampleVar + predVar);
    this.varianceKbps = (sampleVar * predVar) / (sampleVar + predVar);
  }
}
