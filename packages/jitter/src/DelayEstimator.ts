import { optionalNumber } from './validate.js';

/** Options of {@link DelayEstimator}. */
export interface DelayEstimatorOptions {
  /**
   * Share of packets that should arrive in time: the target is this quantile of the delay
   * distribution. 0.95 as in NetEq: the rarer stragglers are the job of the wait for missing
   * packets ({@link GapWaitEstimator}), which holds out for them where that pays.
   * @defaultValue 0.95
   */
  quantile?: number;
  /**
   * Weight kept by the histogram per packet (0.99-0.99999); 0.998 forgets half the history in
   * ~350 packets (7 s of 20 ms packets).
   * @defaultValue 0.998
   */
  forgetFactor?: number;
  /** Histogram bucket width in ms. @defaultValue 1 */
  bucketMs?: number;
  /** Largest relative delay the histogram resolves, in ms; larger ones count in the top bucket. @defaultValue 2000 */
  rangeMs?: number;
  /** Length of the sliding window whose minimum delay is the reference, in ms. @defaultValue 3000 */
  windowMs?: number;
  /** Relative delay assumed before any packet has been seen, in ms. @defaultValue 40 */
  startDelayMs?: number;
  /**
   * How fast a falling target may come down, in ms per second of arrivals: rising is immediate,
   * falling is slow, so that a lull between delay spikes does not invite the next late loss.
   * @defaultValue 20
   */
  fallRateMsPerS?: number;
}

const MAX_WINDOW_ENTRIES = 4096;

/**
 * Estimates how late the playout must run so that a chosen share of packets arrive in time, in
 * the spirit of WebRTC NetEq: each packet's arrival delay relative to the fastest packet of a
 * sliding window goes into a histogram with a forgetting factor, and the target is a quantile of
 * it. Delays are measured against the media timestamp, so a reordered packet counts with its
 * true lateness. The target rises at once and falls slowly.
 *
 * All quantities are in "offset" coordinates: `arrivalMs - timestampMs`, the packet's arrival
 * time minus its media time; a packet is in time when its offset is at most the playout offset.
 *
 * @example
 * ```ts
 * const est = new DelayEstimator({ quantile: 0.95 });
 * est.update(1000, 0); est.update(1031, 20);
 * est.targetOffsetMs(); // offset the playout should keep
 * ```
 */
export class DelayEstimator {
  private readonly quantile: number;
  private readonly forget: number;
  private readonly bucketMs: number;
  private readonly windowMs: number;
  private readonly startDelayMs: number;
  private readonly fallPerMs: number;
  private readonly hist: Float64Array;
  private weight = 1;
  private total = 0;
  // Monotone deque of (arrival, offset) pairs whose offsets increase: its head is the window minimum.
  private readonly winArrival: Float64Array = new Float64Array(MAX_WINDOW_ENTRIES);
  private readonly winOffset: Float64Array = new Float64Array(MAX_WINDOW_ENTRIES);
  private head = 0;
  private size = 0;
  private quantileMs: number;
  private dirty = false;
  private target: number | undefined;
  private lastArrival = 0;

  /**
   * @param options - see {@link DelayEstimatorOptions}
   * @throws JitterError `INVALID_OPTION` for an out-of-range option
   */
  constructor(options: DelayEstimatorOptions = {}) {
    this.quantile = optionalNumber('quantile', options.quantile, 0.95, 0.5, 0.99999);
    this.forget = optionalNumber('forgetFactor', options.forgetFactor, 0.998, 0.9, 0.999999);
    this.bucketMs = optionalNumber('bucketMs', options.bucketMs, 1, 0.25, 50);
    const rangeMs = optionalNumber('rangeMs', options.rangeMs, 2000, 10, 60_000);
    this.windowMs = optionalNumber('windowMs', options.windowMs, 3000, 10, 600_000);
    this.startDelayMs = optionalNumber('startDelayMs', options.startDelayMs, 40, 0, rangeMs);
    this.fallPerMs = optionalNumber('fallRateMsPerS', options.fallRateMsPerS, 20, 0, 1e6) / 1000;
    this.hist = new Float64Array(Math.ceil(rangeMs / this.bucketMs) + 1);
    this.quantileMs = this.startDelayMs;
    this.reset();
  }

  /** Forgets every packet seen (after a stream reset or clock jump). */
  reset(): void {
    this.hist.fill(0);
    // A prior of one packet at the start delay: the first seconds play safe, then it is forgotten.
    this.weight = 1;
    this.hist[this.bucketOf(this.startDelayMs)] = 1;
    this.total = 1;
    this.head = 0;
    this.size = 0;
    this.quantileMs = this.startDelayMs;
    this.dirty = false;
    this.target = undefined;
  }

  private bucketOf(relMs: number): number {
    const b = Math.floor(relMs / this.bucketMs);
    return b < 0 ? 0 : b >= this.hist.length ? this.hist.length - 1 : b;
  }

  /**
   * Records one packet.
   * @param arrivalMs - when it arrived, on the receiver's clock
   * @param timestampMs - its media timestamp converted to ms (unwrapped)
   */
  update(arrivalMs: number, timestampMs: number): void {
    const offset = arrivalMs - timestampMs;
    this.pushWindow(arrivalMs, offset);
    const rel = offset - this.minOffsetMs();
    this.weight /= this.forget;
    if (this.weight > 1e250) this.rescale();
    this.hist[this.bucketOf(rel)]! += this.weight;
    this.total += this.weight;
    this.dirty = true;
    this.advanceTarget(arrivalMs);
  }

  private rescale(): void {
    const k = 1 / this.weight;
    for (let i = 0; i < this.hist.length; i++) this.hist[i]! *= k;
    this.total *= k;
    this.weight = 1;
  }

  private pushWindow(arrivalMs: number, offset: number): void {
    // Drop entries that left the window, then those no smaller than the new offset.
    while (this.size > 0 && this.winArrival[this.head]! < arrivalMs - this.windowMs) {
      this.head = (this.head + 1) % MAX_WINDOW_ENTRIES;
      this.size--;
    }
    while (this.size > 0) {
      const last = (this.head + this.size - 1) % MAX_WINDOW_ENTRIES;
      if (this.winOffset[last]! < offset) break;
      this.size--;
    }
    if (this.size === MAX_WINDOW_ENTRIES) {
      // A flood of rising offsets: drop the oldest so memory stays bounded.
      this.head = (this.head + 1) % MAX_WINDOW_ENTRIES;
      this.size--;
    }
    const at = (this.head + this.size) % MAX_WINDOW_ENTRIES;
    this.winArrival[at] = arrivalMs;
    this.winOffset[at] = offset;
    this.size++;
  }

  /** The smallest offset in the sliding window (the fastest recent packet), or 0 before any. */
  minOffsetMs(): number {
    return this.size === 0 ? 0 : this.winOffset[this.head]!;
  }

  /** The histogram quantile of relative delay, in ms above the window minimum. */
  relativeQuantileMs(): number {
    if (this.dirty) {
      // Scan from the bottom: the quantile sits near the low end, so this stops early.
      const need = this.quantile * this.total;
      let acc = 0;
      let b = 0;
      const last = this.hist.length - 1;
      for (; b < last; b++) {
        acc += this.hist[b]!;
        if (acc >= need) break;
      }
      this.quantileMs = (b + 1) * this.bucketMs;
      this.dirty = false;
    }
    return this.quantileMs;
  }

  private advanceTarget(arrivalMs: number): void {
    const raw = this.minOffsetMs() + this.relativeQuantileMs();
    if (this.target === undefined || raw >= this.target) this.target = raw;
    else this.target = Math.max(raw, this.target - this.fallPerMs * Math.max(0, arrivalMs - this.lastArrival));
    this.lastArrival = arrivalMs;
  }

  /**
   * The playout offset to keep: packets whose offset (`arrivalMs - timestampMs`) is at most this
   * arrive in time. Before any packet it is the start delay.
   * @returns the target offset in ms
   */
  targetOffsetMs(): number {
    return this.target ?? this.startDelayMs;
  }
}
