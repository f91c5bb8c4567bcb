/**
 * The loss-based half of GCC: below 2% loss the bound grows 8% a second, above 10% it drops by
 * half the loss fraction, in between it holds. Loss is measured per interval of at least 20
 * reported packets, so that a few packets a second (Opus DTX) never swing it.
 *
 * @example
 * ```ts
 * const loss = new LossBasedBound(300_000);
 * loss.onReports(received, lost, nowMs, delayBasedBps);
 * ```
 */
export class LossBasedBound {
  private bound: number;
  private pendingReceived = 0;
  private pendingLost = 0;
  private lastMs = Number.NaN;
  private lastDecreaseMs = -Infinity;
  private ratio = 0;

  /** @param initialBps - start bound */
  constructor(initialBps: number) {
    this.bound = initialBps;
  }

  /** The current bound, bits per second. */
  get bps(): number {
    return this.bound;
  }

  /** Loss fraction of the last complete interval. */
  get lossRatio(): number {
    return this.ratio;
  }

  /**
   * Folds in one feedback batch.
   *
   * @param received - packets reported received
   * @param lost - packets reported lost
   * @param nowMs - the current time
   * @param delayBasedBps - the delay-based rate; the bound never idles far above it
   * @param rttMs - round-trip time; decreases are spaced by 300 ms plus this
   */
  onReports(received: number, lost: number, nowMs: number, delayBasedBps: number, rttMs: number): void {
    this.pendingReceived += received;
    this.pendingLost += lost;
    const total = this.pendingReceived + this.pendingLost;
    if (total < 20) return;
    this.ratio = this.pendingLost / total;
    this.pendingReceived = 0;
    this.pendingLost = 0;
    const dt = Number.isNaN(this.lastMs) ? 0 : Math.min(Math.max(nowMs - this.lastMs, 0), 1000);
    this.lastMs = nowMs;
    if (this.ratio < 0.02) this.bound *= 1.08 ** (dt / 1000);
    else if (this.ratio > 0.1 && nowMs - this.lastDecreaseMs >= 300 + rttMs) {
      this.bound = Math.min(this.bound, delayBasedBps) * (1 - 0.5 * this.ratio);
      this.lastDecreaseMs = nowMs;
    }
    // Without loss the bound must not run away, else it could not bite when loss returns.
    this.bound = Math.min(this.bound, 1.5 * delayBasedBps);
  }

  /**
   * Raises the bound to at least `bps` (after a successful probe).
   *
   * @param bps - the new floor of the bound
   */
  raiseTo(bps: number): void {
    this.bound = Math.max(this.bound, bps);
  }
}
