import { JitterError } from './JitterError.js';

/** A pitch period found in a signal and how well the signal repeats at it. */
export interface PitchEstimate {
  /** Period in samples. */
  period: number;
  /** Normalised cross-correlation at that period, in [-1, 1]; 1 for silence. */
  correlation: number;
}

const DECIMATE = 4;
// Scratch for the decimated copy, reused across calls: a search runs up to 100 times a second.
let scratch = new Float64Array(256);

/** Normalised correlation of x[a..a+len) with x[b..b+len). */
function ncc(x: Float32Array | Float64Array, a: number, b: number, len: number): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < len; i++) {
    const u = x[a + i]!;
    const v = x[b + i]!;
    xy += u * v;
    xx += u * u;
    yy += v * v;
  }
  const e = Math.sqrt(xx * yy);
  return e < 1e-12 ? 1 : xy / e;
}

/** @internal Throws `INVALID_PCM` when any sample is NaN or infinite. */
export function checkPcm(x: Float32Array, name: string): void {
  if (!(x instanceof Float32Array)) throw new JitterError('INVALID_PCM', `${name} must be a Float32Array`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]!)) throw new JitterError('INVALID_PCM', `${name}[${i}] is ${x[i]}; PCM samples must be finite`);
  }
}

/**
 * Finds the period at which `x` best repeats, comparing the segment that starts at `at` with the
 * one `period` samples later (direction +1) or earlier (direction -1). A coarse search on a
 * 4x-decimated copy keeps it cheap; the best coarse lag is then refined at full rate.
 *
 * @param x - PCM samples
 * @param at - start of the reference segment
 * @param direction - +1 to compare with later samples (time-stretch), -1 with earlier (concealment)
 * @param minPeriod - smallest period in samples
 * @param maxPeriod - largest period in samples; x must hold {@link pitchSpan} samples from `at` (or from `at - maxPeriod` going back)
 * @returns the best period and its correlation
 */
export function findPitch(x: Float32Array, at: number, direction: 1 | -1, minPeriod: number, maxPeriod: number): PitchEstimate {
  const span = pitchSpan(minPeriod, maxPeriod);
  const start = direction === 1 ? at : at - maxPeriod;
  const len = Math.floor(span / DECIMATE);
  if (scratch.length < len) scratch = new Float64Array(len);
  const dec = scratch.subarray(0, len);
  for (let i = 0; i < dec.length; i++) {
    let s = 0;
    for (let k = 0; k < DECIMATE; k++) s += x[start + i * DECIMATE + k]!;
    dec[i] = s;
  }
  const minL = Math.max(1, Math.floor(minPeriod / DECIMATE));
  const maxL = Math.floor(maxPeriod / DECIMATE);
  const coarse = bestLag(dec, direction === 1 ? 0 : maxL, direction, minL, maxL, 2 * minL);
  const c = coarse.period * DECIMATE;
  const fine = bestLag(x, at, direction, Math.max(minPeriod, c - DECIMATE), Math.min(maxPeriod, c + DECIMATE), 2 * minPeriod);
  return fine.correlation < -1 ? { period: c, correlation: 0 } : fine;
}

/** Samples {@link findPitch} reads from `at - maxPeriod` (backward) or `at` (forward): the longest lag plus its window. */
export function pitchSpan(minPeriod: number, maxPeriod: number): number {
  return maxPeriod + Math.max(maxPeriod, 2 * minPeriod);
}

/** The lag in [lo, hi] whose segment best matches the one at `at` (windows of at least `minLen`). */
function bestLag(x: Float32Array | Float64Array, at: number, direction: 1 | -1, lo: number, hi: number, minLen: number): PitchEstimate {
  let period = lo;
  let correlation = -2;
  for (let L = lo; L <= hi; L++) {
    const len = Math.max(L, minLen);
    const b = at + direction * L;
    if (b < 0 || b + len > x.length || at + len > x.length) continue;
    const c = ncc(x, at, b, len);
    if (c > correlation) {
      correlation = c;
      period = L;
    }
  }
  return { period, correlation };
}
