/**
 * Why a {@link FriendsError} was thrown; stable strings that callers can switch on.
 *
 * - `invalid-id`: an id is not a non-empty string (at most 1024 chars) or a safe integer.
 * - `self-loop`: a user was paired with themselves (friendship, block, request, edge list line).
 * - `duplicate-edge`: the friendship, membership, block or request already exists.
 * - `invalid-weight`: a weight or score is negative, zero, NaN, infinite or too large for float32.
 * - `not-found`: the relation to update does not exist.
 * - `blocked`: one user blocked the other, so they cannot become friends or send requests.
 * - `invalid-option`: an option is out of its range or of the wrong type.
 * - `parse-error`: an edge-list or label text is malformed.
 * - `too-large`: the input exceeds a configured size limit.
 * - `capacity`: the graph would exceed 2^31 - 1 users, guilds or adjacency entries.
 */
export type FriendsErrorCode =
  | 'invalid-id'
  | 'self-loop'
  | 'duplicate-edge'
  | 'invalid-weight'
  | 'not-found'
  | 'blocked'
  | 'invalid-option'
  | 'parse-error'
  | 'too-large'
  | 'capacity';

/**
 * The one error type of `@chorus/friends`: every rejected input throws it, with a `code` to
 * switch on and a message that says what to change.
 *
 * @example
 * ```ts
 * try { graph.addFriendship('ann', 'ann'); }
 * catch (e) { if (e instanceof FriendsError && e.code === 'self-loop') console.warn(e.message); }
 * ```
 */
export class FriendsError extends Error {
  /** Machine-readable reason. */
  readonly code: FriendsErrorCode;

  /**
   * @param code - why the input was rejected
   * @param message - what was wrong and what to change
   */
  constructor(code: FriendsErrorCode, message: string) {
    super(message);
    this.name = 'FriendsError';
    this.code = code;
  }
}
