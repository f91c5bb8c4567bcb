import { CdcError } from './errors.js';

/**
 * Checks that a value is a Uint8Array (Node Buffers are), so that bad input fails loudly
 * instead of being read as an empty or garbage byte sequence.
 *
 * @param value - what the caller passed
 * @param what - how to name it in the error message
 * @returns the value, typed
 * @throws {@link CdcError} `INVALID_INPUT` otherwise
 */
export function requireBytes(value: unknown, what: string): Uint8Array {
  if (!(value instanceof Uint8Array)) {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw new CdcError('INVALID_INPUT', `${what} must be a Uint8Array (or Buffer), got ${got}; wrap it with new Uint8Array(...)`);
  }
  return value;
}

/**
 * Throws when a chunker is used after finish().
 * @param finished - whether finish() ran
 * @throws {@link CdcError} `STATE`
 */
export function requireOpen(finished: boolean): void {
  if (finished) throw new CdcError('STATE', 'this chunker is finished; create a new one with createChunker() for new input');
}
