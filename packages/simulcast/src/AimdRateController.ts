import type { BandwidthUsage } from './OveruseDetector.js';
import type { ThroughputEstimator } from './ThroughputEstimator.js';

/** The rate controller's state machine. */
export type RateControlState = 'hold' | 'increase' | 'decrease';

/**
 * GCC's additive-increase / multiplicative-decrease rate controller. Far from the last
 * congestion point it grows 8% a second; near it (within three deviations of the average rate at
 * which overuse was seen) it adds about one packet per response time; on overuse it drops to
 * 85% of the acknowledged rate (of the estimate when the link kept up with an application-limited
 * sender). It never runs more than 1.5x ahead of what was acknowledged. The back-off reads the
 * acknowledged rate as the higher of the last 500 ms and a smoothed throughput (see
 * {@link ThroughputEstimator}), so that a cellular stall, which empties the last 500 ms, does not
 * drag the estimate down to what trickled through during it.
 *
 * @example
 * ```ts
 * const aimd = new AimdRateController(300_000, 30_000, 50_000_000);
 * const bps = aimd.update('normal', ackedBps, nowMs, 100);
 * ```
 */
export class AimdRateController {
  private rate: number;
  private readonly minBps: number;
  private readonly maxBps: number;
  private stateValue: RateControlState = 'increase';
  private lastUpdateMs = Number.NaN;
  private lastDecreaseMs = -Infinity;
  private avgMaxKbps = -1;
  private varMaxKbps = 0.4;

  /**
   * @param initialBps - start rate
   * @param minBps - floor
   * @param maxBps - ceiling
   */
  constructor(initialBps: number, minBps: number, maxBps: number) {
    this.rate = initialBps;
    this.minBps = minBps;
    this.maxBps = maxBps;
  }

  /** The current state. */
  get state(): RateControlState {
    return this.stateValue;
  }

  /** The current delay-based rate, bits per second. */
  get bps(): number {
    return this.rate;
  }

  /**
   * Replaces the rate, e.g. with a probe result.
   *
   * @param bps - the new rate (clamped to [min, max])
   */
  set(bps: number): void {
    this.rate = Math.min(this.maxBps, Math.max(this.minBps, bps));
  }

  /**
   * Advances the controller.
   *
   * @param usage - the detector's verdict
   * @param ackedBps - the receive rate acknowledged by feedback (0 when unknown)
   * @param nowMs - the current time
   * @param rttMs - round-trip time, paces decreases and the additive step
   * @param sentBps - the send rate over the same window as `ackedBps` (0 when unknown)
   * @param throughputBps - a smoothed acknowledged rate, e.g. {@link ThroughputEstimator.bps} (0 or NaN when unknown); a back-off never goes below 85% of it
   * @returns the new rate
   */
  update(usage: BandwidthUsage, ackedBps: number, nowMs: number, rttMs: number, sentBps = 0, throughputBps = 0): number {
    const dt = Number.isNaN(this.lastUpdateMs) ? 0 : Math.min(Math.max(nowMs - this.lastUpdateMs, 0), 1000);
    this.lastUpdateMs = nowMs;
    if (usage === 'overuse' && this.stateValue !== 'decrease') this.stateValue = 'decrease';
    else if (usage === 'underuse') this.stateValue = 'hold';
    else if (usage === 'normal' && this.stateValue === 'hold') this.stateValue = 'increase';
    const ackedKbps = ackedBps / 1000;
    const before = this.rate;
    if (this.stateValue === 'increase') {
      if (this.avgMaxKbps >= 0 && ackedKbps > this.avgMaxKbps + 3 * Math.sqrt(this.varMaxKbps * this.avgMaxKbps)) this.avgMaxKbps = -1;
      const near = this.avgMaxKbps >= 0;
      if (near) {
        const responseS = (rttMs + 100) / 1000;
        this.rate += Math.max(1000, (1200 * 8) / responseS) * (dt / 1000);
      } else {
        this.rate *= 1.08 ** (dt / 1000);
      }
      // An application-limited sender must not raise the estimate past what it has shown the
      // link can carry; but the cap never lowers the estimate (libwebrtc does the same).
      if (ackedBps > 0 && this.rate > before) this.rate = Math.max(before, Math.min(this.rate, 1.5 * ackedBps + 10_000));
    } else if (this.stateValue === 'decrease') {
      if (nowMs - this.lastDecreaseMs >= rttMs && ackedBps > 0) {
        // When the link delivered about all that was sent, the sender was application-limited and
        // the queue came from a burst (a keyframe): backing off to 85% of that small acknowledged
        // rate would spiral the estimate down, so back off from the estimate instead.
        // libwebrtc smooths the acknowledged rate for the same reason: the 500 ms window alone
        // reads a stall as the link's rate, and backing off to it spirals the estimate down.
        const base = throughputBps > 0 ? Math.max(ackedBps, throughputBps) : ackedBps;
        const keptUp = sentBps > 0 && ackedBps >= 0.8 * sentBps;
        const target = keptUp ? 0.85 * Math.max(base, this.rate) : 0.85 * base;
        this.rate = Math.min(this.rate, target);
        this.lastDecreaseMs = nowMs;
        this.updateMax(ackedKbps);
      }
      this.stateValue = 'hold';
    }
    this.rate = Math.min(this.maxBps, Math.max(this.minBps, this.rate));
    return this.rate;
  }

  private updateMax(kbps: number): void {
    if (this.avgMaxKbps >= 0 && Math.abs(kbps - this.avgMaxKbps) > 3 * Math.sqrt(this.varMaxKbps * this.avgMaxKbps)) this.avgMaxKbps = -1;
    this.avgMaxKbps = this.avgMaxKbps < 0 ? kbps : 0.95 * this.avgMaxKbps + 0.05 * kbps;
    const norm = Math.max(this.avgMaxKbps, 1);
    this.varMaxKbps = Math.min(2.5, Math.max(0.4, 0.95 * this.varMaxKbps + (0.05 * (this.avgMaxKbps - kbps) ** 2) / norm));
  }
}
