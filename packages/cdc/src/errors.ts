/**
 * What went wrong, as a stable string a caller can switch on.
 *
 * - `INVALID_OPTIONS`: a chunker, digest or store option is out of range or of the wrong type.
 * - `INVALID_INPUT`: data handed to a function is not what it accepts (not bytes, a bad key).
 * - `INVALID_MANIFEST`: a manifest failed validation (wrong shape, sizes that do not add up).
 * - `MISSING_CHUNK`: a manifest names a chunk the store does not hold.
 * - `CORRUPT_CHUNK`: a stored chunk's bytes do not match its digest, or a blob's digest is wrong.
 * - `RABIN_NOT_LOADED`: a synchronous Rabin chunker was asked for before {@link loadRabin}.
 * - `STATE`: a method was called in the wrong state (`push` after `finish`).
 */
export type CdcErrorCode =
  | 'INVALID_OPTIONS'
  | 'INVALID_INPUT'
  | 'INVALID_MANIFEST'
  | 'MISSING_CHUNK'
  | 'CORRUPT_CHUNK'
  | 'RABIN_NOT_LOADED'
  | 'STATE';

/**
 * The one error type this package throws for bad input or broken data.
 *
 * @example
 * ```ts
 * try { chunk(bytes, { minSize: 9000, avgSize: 8192 }); }
 * catch (e) { if (e instanceof CdcError && e.code === 'INVALID_OPTIONS') console.error(e.message); }
 * ```
 */
export class CdcError extends Error {
  /** Stable reason code; the message says what to change. */
  readonly code: CdcErrorCode;

  /**
   * @param code - the reason code
   * @param message - what was wrong and what to change
   */
  constructor(code: CdcErrorCode, message: string) {
    super(message);
    this.name = 'CdcError';
    this.code = code;
  }
}
