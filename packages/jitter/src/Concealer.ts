import { checkPcm, findPitch } from './pitch.js';
import { seededRandom } from './rng.js';
import { optionalNumber } from './validate.js';

/** Options of {@link Concealer}. */
export interface ConcealerOptions {
  /** Sample rate. @defaultValue 48000 */
  sampleRate?: number;
  /** How long a concealment fades from the repeated pitch period to comfort noise, in ms. @defaultValue 60 */
  fadeMs?: number;
  /** Seed of the comfort-noise generator. @defaultValue 1 */
  seed?: number;
}

const NOISE_BLOCKS = 100;

/**
 * Loss concealment without help from the codec: repeats the last pitch period of the played
 * signal, fading it out over `fadeMs`, then continues with comfort noise at the background
 * level measured while audio played. It also makes the comfort noise played during DTX silence.
 *
 * @example
 * ```ts
 * const c = new Concealer(); c.remember(lastBlock); const filler = c.conceal(480);
 * ```
 */
export class Concealer {
  private readonly history: Float32Array;
  private filled = 0;
  private ringAt = 0;
  private readonly minP: number;
  private readonly maxP: number;
  private readonly fadeSamples: number;
  private readonly rand: () => number;
  private readonly levels = new Float64Array(NOISE_BLOCKS);
  private levelCount = 0;
  private levelAt = 0;
  private period = 0;
  private phase = 0;
  private concealed = 0;
  private cycle: Float32Array = new Float32Array(0);

  /**
   * @param options - see {@link ConcealerOptions}
   * @throws JitterError `INVALID_OPTION` for an out-of-range option
   */
  constructor(options: ConcealerOptions = {}) {
    const rate = optionalNumber('sampleRate', options.sampleRate, 48000, 8000, 192000);
    this.fadeSamples = Math.round((optionalNumber('fadeMs', options.fadeMs, 60, 1, 10_000) * rate) / 1000);
    this.minP = Math.round(0.0025 * rate);
    this.maxP = Math.round(0.015 * rate);
    this.history = new Float32Array(3 * this.maxP);
    this.rand = seededRandom(optionalNumber('seed', options.seed, 1, -(2 ** 31), 2 ** 32));
  }

  /**
   * Records played audio: the tail becomes the source of the next concealment, and its level the
   * comfort-noise level. Ends any concealment in progress.
   * @param block - PCM just played
   * @throws JitterError `INVALID_PCM` for NaN/Infinity samples
   */
  remember(block: Float32Array): void {
    if (!(block instanceof Float32Array)) checkPcm(block, 'block');
    // One pass: energy for the noise level, and a non-finite sample poisons the sum.
    let e = 0;
    for (let i = 0; i < block.length; i++) e += block[i]! * block[i]!;
    if (!Number.isFinite(e)) checkPcm(block, 'block');
    const h = this.history;
    const n = block.length;
    // A ring: write at `ringAt`, wrapping; unrolled into order only when a concealment starts.
    if (n >= h.length) {
      h.set(block.subarray(n - h.length));
      this.ringAt = 0;
    } else {
      const first = Math.min(n, h.length - this.ringAt);
      h.set(block.subarray(0, first), this.ringAt);
      h.set(block.subarray(first), 0);
      this.ringAt = (this.ringAt + n) % h.length;
    }
    this.filled = Math.min(h.length, this.filled + n);
    if (n > 0) {
      this.levels[this.levelAt] = Number.isFinite(e) ? Math.sqrt(e / n) : 0;
      this.levelAt = (this.levelAt + 1) % NOISE_BLOCKS;
      this.levelCount = Math.min(NOISE_BLOCKS, this.levelCount + 1);
    }
    this.concealed = 0;
  }

  /**
   * The background level: the RMS of the quietest of the last 100 remembered blocks.
   * @returns the level (0 before anything was remembered)
   */
  noiseLevel(): number {
    let min = Infinity;
    for (let i = 0; i < this.levelCount; i++) min = Math.min(min, this.levels[i]!);
    return this.levelCount === 0 ? 0 : min;
  }

  /**
   * Comfort noise at the background level (silence when nothing has played yet).
   * @param n - samples wanted
   * @returns `n` samples
   */
  comfortNoise(n: number): Float32Array {
    const out = new Float32Array(n);
    const amp = this.noiseLevel() * Math.sqrt(3);
    if (amp > 0) for (let i = 0; i < n; i++) out[i] = (2 * this.rand() - 1) * amp;
    return out;
  }

  /**
   * Continues the signal across a gap: the last pitch period repeated and faded out, mixed into
   * comfort noise. Consecutive calls continue the same concealment.
   * @param n - samples wanted
   * @returns `n` samples
   */
  conceal(n: number): Float32Array {
    if (this.concealed === 0) this.startCycle();
    const out = this.comfortNoise(n);
    const T = this.period;
    for (let i = 0; i < n; i++) {
      const g = Math.max(0, 1 - (this.concealed + i) / this.fadeSamples);
      if (T > 0 && g > 0) {
        out[i] = g * this.cycle[this.phase]! + (1 - g) * out[i]!;
        this.phase = (this.phase + 1) % T;
      }
    }
    this.concealed += n;
    return out;
  }

  private startCycle(): void {
    const ring = this.history;
    if (this.filled < ring.length) {
      this.period = 0;
      return;
    }
    const h = new Float32Array(ring.length);
    h.set(ring.subarray(this.ringAt));
    h.set(ring.subarray(0, this.ringAt), ring.length - this.ringAt);
    // The period that best continues the end of the history, as one cycle starting where it ends.
    const at = h.length - this.maxP;
    const { period } = findPitch(h, at, -1, this.minP, this.maxP);
    this.period = period;
    this.cycle = h.slice(h.length - period);
    this.phase = 0;
  }
}
