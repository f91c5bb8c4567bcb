// The node:crypto SHA-256, reached through process.getBuiltinModule (Node >= 20.16) rather than
// an import, so that browser bundles never see node:crypto and this module costs them nothing.

import { toHex } from './hex.js';

interface NodeHash {
  update(bytes: Uint8Array): NodeHash;
  digest(): Uint8Array;
}
interface NodeCrypto {
  createHash(algorithm: string): NodeHash;
  hash?: ((algorithm: string, bytes: Uint8Array, encoding: 'buffer') => Uint8Array) & ((algorithm: string, bytes: Uint8Array, encoding: 'hex') => string);
}

/** node:crypto's SHA-256 entry points, when running on Node. */
export interface NodeSha256 {
  /** One-shot digest. */
  oneShot(bytes: Uint8Array): Uint8Array;
  /** One-shot digest as lower-case hex, encoded natively (a JS hex loop costs ~30% of the hash on 8 KiB chunks). */
  oneShotHex(bytes: Uint8Array): string;
  /** A running digest. */
  create(): NodeHash;
}

/**
 * @returns node:crypto's SHA-256, or undefined outside Node (or on Node before 20.16)
 */
export function nodeSha256(): NodeSha256 | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const crypto = proc?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
  if (!crypto || typeof crypto.createHash !== 'function') return undefined;
  const oneShot = crypto.hash;
  return {
    // crypto.hash skips the Hash object and is ~15% faster on 8 KiB chunks.
    oneShot: oneShot ? (b) => oneShot('sha256', b, 'buffer') : (b) => crypto.createHash('sha256').update(b).digest(),
    oneShotHex: oneShot ? (b) => oneShot('sha256', b, 'hex') : (b) => toHex(crypto.createHash('sha256').update(b).digest()),
    create: () => crypto.createHash('sha256'),
  };
}
