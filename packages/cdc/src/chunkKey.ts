import { DIGEST_ALGORITHMS, type DigestAlgorithm } from './digest.js';
import { CdcError } from './errors.js';

const KEY = /^(sha256|blake3)-([0-9a-f]{64})$/;

/**
 * The store key of a chunk: `<algorithm>-<hex digest>`, self-describing so a store can verify
 * what it reads and safe as a file name on every platform.
 *
 * @param algorithm - digest algorithm
 * @param hex - lower-case hex digest (64 digits)
 * @returns the key
 * @throws {@link CdcError} `INVALID_INPUT` for an unknown algorithm or a malformed digest
 * @example
 * ```ts
 * chunkKey('sha256', 'e3b0c442...'); // 'sha256-e3b0c442...'
 * ```
 */
export function chunkKey(algorithm: DigestAlgorithm, hex: string): string {
  // Only strings are joined: a template literal on a hostile value (Symbol, throwing toString)
  // would throw a TypeError instead of the CdcError parseChunkKey gives.
  const key = typeof algorithm === 'string' && typeof hex === 'string' ? `${algorithm}-${hex}` : undefined;
  parseChunkKey(key as string);
  return key as string;
}

/** A chunk key taken apart. */
export interface ParsedChunkKey {
  /** The digest algorithm. */
  readonly algorithm: DigestAlgorithm;
  /** The lower-case hex digest. */
  readonly hex: string;
}

/**
 * Splits and validates a chunk key.
 *
 * @param key - a key made by {@link chunkKey}
 * @returns its algorithm and hex digest
 * @throws {@link CdcError} `INVALID_INPUT` when the key is not `sha256-` or `blake3-` and 64 hex digits
 * @example
 * ```ts
 * parseChunkKey(key).algorithm; // 'sha256'
 * ```
 */
export function parseChunkKey(key: string): ParsedChunkKey {
  const m = typeof key === 'string' ? KEY.exec(key) : null;
  if (!m) {
    // Never call String() on a non-string: a hostile object's toString could throw instead of us.
    const shown = typeof key === 'string' ? JSON.stringify(key).slice(0, 100) : `a value of type ${key === null ? 'null' : typeof key}`;
    throw new CdcError('INVALID_INPUT', `chunk key ${shown} is not "<${DIGEST_ALGORITHMS.join('|')}>-<64 lower-case hex digits>"`);
  }
  return { algorithm: m[1] as DigestAlgorithm, hex: m[2]! };
}
