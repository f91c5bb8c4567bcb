/**
 * Why a frame was refused.
 * - `malformed`: the bytes are not a well-formed frame (bad msgpack, truncated, trailing bytes, wrong shape).
 * - `too-large`: the frame, or a string, array or payload inside it, exceeds a configured limit.
 * - `unknown-op`: the op code is not one this protocol defines.
 * - `invalid-field`: the frame is well formed but a field has the wrong type or an out-of-range value.
 */
export type WireErrorCode = 'malformed' | 'too-large' | 'unknown-op' | 'invalid-field';

/**
 * The only error this package throws for bad input. `code` says which kind of problem it is,
 * `path` (when known) points at the offending field, e.g. `d.author.id`.
 *
 * @example
 * ```ts
 * try { decodeFrame(bytes); } catch (e) { if (e instanceof WireError && e.code === 'too-large') closeSocket(1009); }
 * ```
 */
export class WireError extends Error {
  /** The kind of problem. */
  readonly code: WireErrorCode;
  /** Dotted path of the offending field, or `''` for the frame as a whole. */
  readonly path: string;
  /** The message without the path. */
  readonly detail: string;

  constructor(code: WireErrorCode, message: string, path = '') {
    super(path === '' ? message : `${path}: ${message}`);
    this.name = 'WireError';
    this.code = code;
    this.path = path;
    this.detail = message;
  }
}

/**
 * Rethrows `err` with `key` in front of its path, so a failure deep in a payload names the
 * whole route to the field (`d.author.id`). Other errors pass through unchanged.
 * @internal
 */
export function withPath(key: string, err: unknown): never {
  if (err instanceof WireError) throw new WireError(err.code, err.detail, err.path === '' ? key : `${key}.${err.path}`);
  throw err;
}
