/**
 * Every way a caller can misuse this package. Network reality (loss, reordering, duplicate or
 * late feedback) is never an error: it is tolerated and counted in the estimator's state.
 */
export type SimulcastErrorCode =
  | 'INVALID_NUMBER'
  | 'INVALID_LADDER'
  | 'INVALID_TRACK'
  | 'DUPLICATE_TRACK'
  | 'UNKNOWN_TRACK'
  | 'INVALID_OPTION'
  | 'INVALID_PACKET'
  | 'INVALID_TRACE';

/**
 * The typed error thrown for caller mistakes: invalid ladders, non-finite or negative numbers,
 * malformed traces, unknown track ids.
 *
 * @example
 * ```ts
 * try { allocate(tracks, -1); } catch (e) { if (e instanceof SimulcastError) console.log(e.code); }
 * ```
 */
export class SimulcastError extends Error {
  /** Which rule was broken; stable across versions, safe to switch on. */
  readonly code: SimulcastErrorCode;

  /**
   * @param code - the rule that was broken
   * @param message - what was wrong and what to change
   */
  constructor(code: SimulcastErrorCode, message: string) {
    super(message);
    this.name = 'SimulcastError';
    this.code = code;
  }
}
