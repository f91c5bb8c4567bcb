import { createBLAKE3, createSHA256, type IHasher } from 'hash-wasm';
import { describeValue } from './describeValue.js';
import { CdcError } from './errors.js';
import { toHex } from './hex.js';
import { nodeSha256 } from './nodeSha256.js';

/** Chunk digest algorithms. */
export type DigestAlgorithm = 'sha256' | 'blake3';

/** Where a digest is computed. */
export type DigestImplementation = 'node:crypto' | 'hash-wasm';

/** Options for {@link createDigest}. */
export interface DigestOptions {
  /**
   * Force an implementation; `'auto'` takes node:crypto for SHA-256 on Node (several times
   * faster than WebAssembly there) and hash-wasm everywhere else. BLAKE3 is hash-wasm only.
   * @defaultValue `'auto'`
   */
  readonly implementation?: 'auto' | DigestImplementation;
}

/** A synchronous digest function, ready to use. */
export interface Digest {
  /** The algorithm. */
  readonly algorithm: DigestAlgorithm;
  /** Which implementation computes it. */
  readonly implementation: DigestImplementation;
  /**
   * @param bytes - the data
   * @returns its digest (32 bytes)
   */
  hash(bytes: Uint8Array): Uint8Array;
  /**
   * @param bytes - the data
   * @returns its digest as lower-case hex
   */
  hashHex(bytes: Uint8Array): string;
  /**
   * Starts a running digest, independent of {@link Digest.hash} calls made meanwhile.
   * @returns an object to feed and finish
   */
  begin(): Promise<RunningDigest>;
}

/** A digest fed piece by piece. */
export interface RunningDigest {
  /**
   * Feeds the next piece.
   * @param bytes - the next piece
   */
  update(bytes: Uint8Array): void;
  /** @returns the digest of everything fed, as lower-case hex; the object is done after this */
  finishHex(): string;
}

/** The digest algorithms accepted, for validation. */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha256', 'blake3'];

async function wasmHasher(algorithm: DigestAlgorithm): Promise<IHasher> {
  return algorithm === 'sha256' ? createSHA256() : createBLAKE3();
}

async function wasmDigest(algorithm: DigestAlgorithm): Promise<Digest> {
  const oneShot = await wasmHasher(algorithm);
  const spare: IHasher[] = [];
  const hash = (bytes: Uint8Array): Uint8Array => oneShot.init().update(bytes).digest('binary');
  return {
    algorithm,
    implementation: 'hash-wasm',
    hash,
    hashHex: (bytes) => toHex(hash(bytes)),
    async begin(): Promise<RunningDigest> {
      // Running digests need their own hasher state; finished ones are reused.
      const h = (spare.pop() ?? (await wasmHasher(algorithm))).init();
      return {
        update: (bytes) => void h.update(bytes),
        finishHex() {
          const hex = h.digest('hex');
          spare.push(h);
          return hex;
        },
      };
    },
  };
}

/**
 * A ready-to-use digest: SHA-256 (node:crypto on Node, hash-wasm elsewhere) or BLAKE3 (hash-wasm).
 * Asynchronous once, because WebAssembly compiles asynchronously in browsers; then synchronous.
 *
 * @param algorithm - `'sha256'` or `'blake3'`
 * @param options - force an implementation
 * @returns the digest
 * @defaultValue algorithm `'sha256'`
 * @throws {@link CdcError} `INVALID_OPTIONS` for an unknown algorithm, or node:crypto asked for
 *   where it is missing or for BLAKE3
 * @example
 * ```ts
 * const d = await createDigest('blake3');
 * d.hashHex(new TextEncoder().encode('hi'));
 * ```
 */
export async function createDigest(algorithm: DigestAlgorithm = 'sha256', options: DigestOptions = {}): Promise<Digest> {
  if (!DIGEST_ALGORITHMS.includes(algorithm)) {
    throw new CdcError('INVALID_OPTIONS', `unknown digest ${describeValue(algorithm)}; use ${DIGEST_ALGORITHMS.join(' or ')}`);
  }
  const want = options.implementation ?? 'auto';
  if (want !== 'auto' && want !== 'node:crypto' && want !== 'hash-wasm') {
    throw new CdcError('INVALID_OPTIONS', `unknown digest implementation ${describeValue(want)}; use auto, node:crypto or hash-wasm`);
  }
  const node = algorithm === 'sha256' && want !== 'hash-wasm' ? nodeSha256() : undefined;
  if (want === 'node:crypto' && !node) {
    throw new CdcError('INVALID_OPTIONS', algorithm === 'sha256' ? 'node:crypto is not available here (needs Node >= 20.16); use implementation "auto" or "hash-wasm"' : 'node:crypto has no BLAKE3; use implementation "auto" or "hash-wasm"');
  }
  if (!node) return wasmDigest(algorithm);
  return {
    algorithm,
    implementation: 'node:crypto',
    hash: node.oneShot,
    hashHex: node.oneShotHex,
    async begin(): Promise<RunningDigest> {
      const h = node.create();
      return { update: (bytes) => void h.update(bytes), finishHex: () => toHex(h.digest()) };
    },
  };
}
