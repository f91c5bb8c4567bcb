import type { Chunk } from './Chunker.js';
import { createChunker } from './createChunker.js';
import { requireBytes } from './inputGuard.js';
import { GearChunker } from './GearChunker.js';
import { resolveChunkerOptions, type ChunkerOptions } from './options.js';

/**
 * Cuts a whole buffer into content-defined chunks.
 *
 * @param data - the bytes
 * @param options - algorithm and sizes; see {@link ChunkerOptions}
 * @returns the chunks in order; they tile `data` exactly (empty input gives none)
 * @throws {@link CdcError} `INVALID_INPUT` if `data` is not a Uint8Array; `INVALID_OPTIONS`
 * @example
 * ```ts
 * for (const { offset, length } of chunk(bytes, { avgSize: 8192 })) store(bytes.subarray(offset, offset + length));
 * ```
 */
export function chunk(data: Uint8Array, options?: ChunkerOptions): Iterable<Chunk> {
  requireBytes(data, 'chunk(data)');
  const o = resolveChunkerOptions(options);
  const gear = o.algorithm === 'fastcdc2020' || o.algorithm === 'fastcdc2016';
  // FastCDC chunkers are reused: many small buffers would otherwise pay a core's set-up each.
  const chunker = gear ? GearChunker.acquire(o) : createChunker(o);
  const out = chunker.push(data);
  for (const c of chunker.finish()) out.push(c);
  if (gear) GearChunker.release(chunker as GearChunker);
  return out;
}
