import type { Chunker } from './Chunker.js';
import { FixedChunker } from './FixedChunker.js';
import { GearChunker } from './GearChunker.js';
import { resolveChunkerOptions, type ChunkerOptions } from './options.js';
import { RabinChunker } from './RabinChunker.js';

/**
 * A streaming chunker for the chosen algorithm. Memory stays bounded: FastCDC keeps a window
 * of `maxSize + max(maxSize, 1 MiB)` bytes however large the pushes; fixed-size keeps nothing.
 *
 * @param options - algorithm and sizes; see {@link ChunkerOptions}
 * @returns a fresh chunker
 * @throws {@link CdcError} `INVALID_OPTIONS` for bad options; `RABIN_NOT_LOADED` for
 *   `algorithm: 'rabin'` before {@link loadRabin}
 * @example
 * ```ts
 * const chunker = createChunker({ avgSize: 8192 });
 * const chunks = [...chunker.push(part1), ...chunker.push(part2), ...chunker.finish()];
 * ```
 */
export function createChunker(options?: ChunkerOptions): Chunker {
  const o = resolveChunkerOptions(options);
  if (o.algorithm === 'fixed') return new FixedChunker(o);
  if (o.algorithm === 'rabin') return new RabinChunker(o);
  return new GearChunker(o);
}
