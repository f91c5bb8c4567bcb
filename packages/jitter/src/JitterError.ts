/**
 * What went wrong, as a stable machine-readable code:
 * - `INVALID_OPTION`: a constructor or function option is out of range or of the wrong type;
 * - `INVALID_PACKET`: a pushed packet has a missing, non-finite or out-of-range field;
 * - `INVALID_TIME`: a clock reading passed to `pull()` is not a finite number;
 * - `INVALID_PCM`: PCM handed to a time-stretch or concealment function holds NaN/Infinity;
 * - `INVALID_OPUS`: an Opus packet breaks the framing rules of RFC 6716 section 3.4;
 * - `INVALID_OGG`: an Ogg stream is truncated, corrupt or not Ogg Opus;
 * - `INVALID_TRACE`: a delay trace (array or text file) cannot be used;
 * - `DECODER_FAILED`: the Opus decoder could not be created.
 */
export type JitterErrorCode =
  | 'INVALID_OPTION'
  | 'INVALID_PACKET'
  | 'INVALID_TIME'
  | 'INVALID_PCM'
  | 'INVALID_OPUS'
  | 'INVALID_OGG'
  | 'INVALID_TRACE'
  | 'DECODER_FAILED';

/**
 * The one error type of `@chorus/jitter`: thrown for every bad input, with a message that says
 * what to change.
 *
 * @example
 * ```ts
 * try { buffer.push(packet); } catch (e) { if (e instanceof JitterError && e.code === 'INVALID_PACKET') drop(); }
 * ```
 */
export class JitterError extends Error {
  /** Stable code naming the kind of problem. */
  readonly code: JitterErrorCode;

  /**
   * @param code - the kind of problem
   * @param message - what is wrong and what to change
   */
  constructor(code: JitterErrorCode, message: string) {
    super(message);
    this.name = 'JitterError';
    this.code = code;
  }
}
