import { checkPcm, findPitch, pitchSpan } from './pitch.js';
import { optionalNumber } from './validate.js';

/** Options of {@link accelerate} and {@link decelerate}. */
export interface StretchOptions {
  /** Sample rate of the PCM. @defaultValue 48000 */
  sampleRate?: number;
  /** Shortest pitch period searched, in ms. @defaultValue 2.5 */
  minPeriodMs?: number;
  /** Longest pitch period searched, in ms; the input must hold two of them. @defaultValue 15 */
  maxPeriodMs?: number;
  /**
   * Least normalised correlation between two neighbouring periods for the stretch to go ahead;
   * below it the signal does not repeat well enough and the input is returned unchanged.
   * @defaultValue 0.6
   */
  minCorrelation?: number;
}

/** The result of {@link accelerate} or {@link decelerate}. */
export interface StretchResult {
  /** The stretched PCM (the input itself when nothing was changed). */
  output: Float32Array;
  /** Samples removed (accelerate) or inserted (decelerate); 0 when the signal did not allow it. */
  changed: number;
  /** The pitch period found, in samples. */
  period: number;
  /** How well the signal repeated at that period (normalised cross-correlation). */
  correlation: number;
}

interface Resolved {
  minP: number;
  maxP: number;
  minCorr: number;
}

function resolve(options: StretchOptions): Resolved {
  const rate = optionalNumber('sampleRate', options.sampleRate, 48000, 8000, 192000);
  const minMs = optionalNumber('minPeriodMs', options.minPeriodMs, 2.5, 0.5, 50);
  const maxMs = optionalNumber('maxPeriodMs', options.maxPeriodMs, 15, minMs, 100);
  const minCorr = optionalNumber('minCorrelation', options.minCorrelation, 0.6, -1, 1);
  return { minP: Math.round((minMs * rate) / 1000), maxP: Math.round((maxMs * rate) / 1000), minCorr };
}

/** @internal Samples a stretch needs in its input: the longest period and its comparison window. */
export function stretchInputSamples(options: StretchOptions = {}): number {
  const { minP, maxP } = resolve(options);
  return pitchSpan(minP, maxP);
}

/**
 * Plays `input` faster without changing its pitch (WSOLA): finds the pitch period T at the start
 * and replaces the first 2T samples by a T-sample cross-fade of the two periods, so one whole
 * period disappears with no discontinuity at either end.
 *
 * @param input - PCM; needs at least two of the longest pitch periods (30 ms at 48 kHz by default)
 * @param options - see {@link StretchOptions}
 * @returns the shortened PCM and how many samples were removed (0 if the signal did not repeat
 *   well enough or the input was too short)
 * @throws JitterError `INVALID_PCM` for NaN/Infinity samples; `INVALID_OPTION` for bad options
 * @example
 * ```ts
 * const { output, changed } = accelerate(pcm30ms); // output.length === pcm30ms.length - changed
 * ```
 */
export function accelerate(input: Float32Array, options: StretchOptions = {}): StretchResult {
  return stretch(input, options, -1);
}

/**
 * Plays `input` slower without changing its pitch (WSOLA): finds the pitch period T and inserts
 * one period, cross-fading from the second period back into the first, so the signal repeats one
 * period seamlessly.
 *
 * @param input - PCM; needs at least two of the longest pitch periods (30 ms at 48 kHz by default)
 * @param options - see {@link StretchOptions}
 * @returns the lengthened PCM and how many samples were inserted (0 if not possible)
 * @throws JitterError `INVALID_PCM` for NaN/Infinity samples; `INVALID_OPTION` for bad options
 * @example
 * ```ts
 * const { output, changed } = decelerate(pcm30ms); // output.length === pcm30ms.length + changed
 * ```
 */
export function decelerate(input: Float32Array, options: StretchOptions = {}): StretchResult {
  return stretch(input, options, 1);
}

function stretch(input: Float32Array, options: StretchOptions, sign: 1 | -1): StretchResult {
  const { minP, maxP, minCorr } = resolve(options);
  checkPcm(input, 'input');
  if (input.length < pitchSpan(minP, maxP)) return { output: input, changed: 0, period: 0, correlation: 0 };
  const { period: T, correlation } = findPitch(input, 0, 1, minP, maxP);
  if (correlation < minCorr) return { output: input, changed: 0, period: T, correlation };
  const out = new Float32Array(input.length + sign * T);
  if (sign === -1) {
    // out[0..T): fade from x[0..T) into x[T..2T), then x[2T..] follows seamlessly.
    for (let n = 0; n < T; n++) {
      const w = (n + 0.5) / T;
      out[n] = input[n]! * (1 - w) + input[T + n]! * w;
    }
    out.set(input.subarray(2 * T), T);
  } else {
    // out[0..T) = x[0..T); out[T..2T): fade from x[T..2T) into x[0..T), which leads on into x[T..].
    out.set(input.subarray(0, T), 0);
    for (let n = 0; n < T; n++) {
      const w = (n + 0.5) / T;
      out[T + n] = input[T + n]! * (1 - w) + input[n]! * w;
    }
    out.set(input.subarray(T), 2 * T);
  }
  return { output: out, changed: T, period: T, correlation };
}
