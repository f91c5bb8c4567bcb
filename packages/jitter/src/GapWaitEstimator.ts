import { optionalNumber } from './validate.js';

/** Options of {@link GapWaitEstimator}. */
export interface GapWaitOptions {
  /** Shortest wait it ever advises, in ms. @defaultValue 20 */
  minWaitMs?: number;
  /**
   * Longest wait it ever advises, in ms; a packet that turns up later than this past the target
   * counts as lost, and the prior spreads its weight evenly up to here.
   * @defaultValue 150
   */
  maxWaitMs?: number;
  /**
   * What losing one packet costs, in ms of waiting: waiting `w` ms for a packet that then comes
   * costs `w`, giving up on one that would have come costs this.
   * @defaultValue 200
   */
  lossCostMs?: number;
  /** Weight an outcome keeps per later outcome (gaps are rare: 0.95 remembers ~20). @defaultValue 0.95 */
  forgetFactor?: number;
  /** Width of the histogram buckets, in ms. @defaultValue 10 */
  bucketMs?: number;
}

/**
 * How long to wait for a missing packet once later packets are already in the buffer: lost on
 * the network, or only overtaken (reordered, delayed on another path)? It learns from what became
 * of earlier gaps - the packet turned up this many ms past the target, or never - and picks the
 * wait that minimises the expected cost: the time spent waiting plus `lossCostMs` for every packet
 * given up that would still have come. This is the reorder-aware part of the delay logic (NetEq
 * has a reorder optimiser with the same kind of cost): a path that reorders teaches it to wait, a
 * path that loses packets teaches it not to.
 *
 * Before it has seen any gap it assumes a late packet is as likely to come at any time up to
 * `maxWaitMs` (one outcome's weight, forgotten like the rest), so the first gaps of a stream are
 * waited for: losing packets while nothing is known yet is what costs the most late loss.
 *
 * @example
 * ```ts
 * const g = new GapWaitEstimator();
 * g.waitMs();          // 150: nothing known, wait for a missing packet
 * g.recordLost(); g.recordLost();
 * g.waitMs();          // 20: gaps here are losses
 * ```
 */
export class GapWaitEstimator {
  private readonly minWait: number;
  /** The longest wait it advises, in ms. */
  readonly maxWaitMs: number;
  private readonly lossCost: number;
  private readonly forget: number;
  private readonly bucketMs: number;
  private readonly hist: Float64Array;
  private lost = 0;
  private cached = -1;

  /**
   * @param options - see {@link GapWaitOptions}
   * @throws JitterError `INVALID_OPTION` for an out-of-range option
   */
  constructor(options: GapWaitOptions = {}) {
    this.bucketMs = optionalNumber('bucketMs', options.bucketMs, 10, 1, 100);
    this.minWait = optionalNumber('minWaitMs', options.minWaitMs, 20, 0, 10_000);
    this.maxWaitMs = optionalNumber('maxWaitMs', options.maxWaitMs, Math.max(150, this.minWait), this.minWait, 10_000);
    this.lossCost = optionalNumber('lossCostMs', options.lossCostMs, 200, 0, 1e6);
    this.forget = optionalNumber('forgetFactor', options.forgetFactor, 0.95, 0, 1);
    this.hist = new Float64Array(Math.max(1, Math.ceil(this.maxWaitMs / this.bucketMs)));
    this.reset();
  }

  /** Forgets every outcome and goes back to the prior. */
  reset(): void {
    this.hist.fill(1 / this.hist.length);
    this.lost = 0;
    this.cached = -1;
  }

  private age(): void {
    for (let i = 0; i < this.hist.length; i++) this.hist[i]! *= this.forget;
    this.lost *= this.forget;
    this.cached = -1;
  }

  /**
   * A packet that was missing arrived.
   * @param excessMs - how far past the playout target it arrived, in ms (0 or less: it was in
   *   time for the target itself); beyond `maxWaitMs` it counts as lost
   */
  recordLate(excessMs: number): void {
    if (!(excessMs < this.maxWaitMs)) {
      this.recordLost();
      return;
    }
    this.age();
    const b = excessMs <= 0 ? 0 : Math.min(this.hist.length - 1, Math.floor(excessMs / this.bucketMs));
    this.hist[b]! += 1;
  }

  /** A packet that was missing never arrived (or arrived too late to count). */
  recordLost(): void {
    this.age();
    this.lost += 1;
  }

  /**
   * The wait that minimises the expected cost of the gaps seen so far.
   * @returns ms past the target to wait for a missing packet, in [`minWaitMs`, `maxWaitMs`]
   */
  waitMs(): number {
    if (this.cached >= 0) return this.cached;
    // Waiting w = k buckets catches buckets 0..k-1 (each costs its mid-point), makes every later
    // or lost packet cost the whole wait, and gives up the late ones in buckets >= k.
    let later = this.lost;
    for (let i = 0; i < this.hist.length; i++) later += this.hist[i]!;
    let lateBeyond = later - this.lost;
    let caught = 0;
    let bestK = 0;
    let best = this.lossCost * lateBeyond;
    for (let k = 1; k <= this.hist.length; k++) {
      const h = this.hist[k - 1]!;
      caught += h * (k - 0.5) * this.bucketMs;
      later -= h;
      lateBeyond -= h;
      const cost = caught + later * k * this.bucketMs + this.lossCost * lateBeyond;
      if (cost < best - 1e-9) {
        best = cost;
        bestK = k;
      }
    }
    this.cached = Math.min(this.maxWaitMs, Math.max(this.minWait, bestK * this.bucketMs));
    return this.cached;
  }
}
