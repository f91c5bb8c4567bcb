/**
 * Every way a placement can refuse its input. Each code names the thing to change:
 * - `EMPTY`: the placement has no nodes; add one with `withNode` before looking keys up.
 * - `UNKNOWN_NODE`: the node is not in the placement.
 * - `DUPLICATE_NODE`: the node is already in the placement (or listed twice).
 * - `BAD_NODE`: a node id must be a non-empty string.
 * - `BAD_WEIGHT`: a weight must be a finite number greater than zero (and 1 where the scheme has no weights).
 * - `BAD_KEY`: a key must be a string, a Uint8Array or a safe integer.
 * - `BAD_COUNT`: a replica count must be an integer from 0 to the number of nodes.
 * - `BAD_OPTION`: an option is out of range (the message says which and why).
 * - `MISMATCH`: two placements cannot be compared (different schemes or settings).
 * - `NOT_ACQUIRED`: `release` was called for a key that holds no slot.
 *
 * @example
 * ```ts
 * const retry = (e: ShardError): boolean => e.code !== 'BAD_KEY';
 * ```
 */
export type ShardErrorCode =
  | 'EMPTY'
  | 'UNKNOWN_NODE'
  | 'DUPLICATE_NODE'
  | 'BAD_NODE'
  | 'BAD_WEIGHT'
  | 'BAD_KEY'
  | 'BAD_COUNT'
  | 'BAD_OPTION'
  | 'MISMATCH'
  | 'NOT_ACQUIRED';

/**
 * The one error type of `@chorus/shard`: bad input is rejected with a code and a message
 * that says what to change, never answered with a silently wrong node.
 *
 * @example
 * ```ts
 * try { new JumpHash([]).lookup('k'); } catch (e) { if (e instanceof ShardError) console.log(e.code); } // 'EMPTY'
 * ```
 */
export class ShardError extends Error {
  /** Machine-readable reason; see {@link ShardErrorCode}. */
  readonly code: ShardErrorCode;

  /**
   * @param code - the reason, one of {@link ShardErrorCode}
   * @param message - what went wrong and what to change
   */
  constructor(code: ShardErrorCode, message: string) {
    super(message);
    this.name = 'ShardError';
    this.code = code;
  }
}

/**
 * @internal A bad value as error messages show it. Never calls a non-primitive's own
 * `toString`, which hostile input may have replaced with something that throws.
 */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' || value === null || value === undefined) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
