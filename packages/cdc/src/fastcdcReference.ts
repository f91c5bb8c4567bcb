import type { Chunk } from './Chunker.js';
import { CdcError } from './errors.js';
import { cutBounds } from './fastcdcBounds.js';
import { gearTable } from './gear.js';
import { requireBytes } from './inputGuard.js';
import { masksFor } from './masks.js';
import { resolveChunkerOptions, type ChunkerOptions } from './options.js';

/** A chunk with the 64-bit gear hash at its cut, as the `fastcdc` crate reports it. */
export interface ReferenceChunk extends Chunk {
  /** Gear hash where the cut was judged (0 when the chunk was too short to hash). */
  readonly hash: bigint;
}

const U64 = (1n << 64n) - 1n;

/**
 * A plain, slow (BigInt) FastCDC written to read like the reference: the yardstick the fast
 * WebAssembly chunker is tested against, and a way to see the gear hash at every cut. FastCDC
 * 2020 rolls byte pairs with the left-shifted table exactly as the crate does, so its hashes
 * match the crate's too.
 *
 * @param data - the bytes
 * @param options - a FastCDC algorithm and sizes
 * @returns every chunk with its hash
 * @throws {@link CdcError} `INVALID_OPTIONS` for a non-FastCDC algorithm or bad sizes
 * @example
 * ```ts
 * fastcdcReference(bytes, { minSize: 4096, avgSize: 16384, maxSize: 65535 })[0]?.hash;
 * ```
 */
export function fastcdcReference(data: Uint8Array, options?: ChunkerOptions): ReferenceChunk[] {
  requireBytes(data, 'fastcdcReference(data)');
  const o = resolveChunkerOptions(options);
  if (o.algorithm !== 'fastcdc2016' && o.algorithm !== 'fastcdc2020') {
    throw new CdcError('INVALID_OPTIONS', `fastcdcReference implements fastcdc2016 and fastcdc2020, not ${o.algorithm}`);
  }
  const seed = BigInt(o.seed);
  const gear = gearTable().map((g) => g ^ seed);
  const gearLs = gear.map((g) => (g << 1n) & U64);
  const { small, large } = masksFor(o.avgSize, o.normalization);
  const pairs = o.algorithm === 'fastcdc2020';
  const out: ReferenceChunk[] = [];
  let offset = 0;
  while (offset < data.length) {
    const b = cutBounds(o, data.length - offset);
    let length = b.fallback;
    let hash = 0n;
    if (!b.whole) {
      let found = -1;
      let i = b.start;
      if (pairs) {
        for (; i + 1 < b.largeEnd && found < 0; i += 2) {
          const mask = i < b.smallEnd ? small : large;
          hash = ((hash << 2n) + gearLs[data[offset + i]!]!) & U64;
          if ((hash & (mask << 1n)) === 0n) found = i;
          else {
            hash = (hash + gear[data[offset + i + 1]!]!) & U64;
            if ((hash & mask) === 0n) found = i + 1;
          }
        }
      } else {
        for (; i < b.largeEnd && found < 0; i++) {
          hash = ((hash << 1n) + gear[data[offset + i]!]!) & U64;
          if ((hash & (i < b.smallEnd ? small : large)) === 0n) found = i;
        }
      }
      if (found >= 0) length = found;
    }
    out.push({ offset, length, hash });
    offset += length;
  }
  return out;
}
