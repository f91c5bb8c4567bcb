import type { Chunk } from './Chunker.js';
import { createChunker } from './createChunker.js';
import { requireBytes } from './inputGuard.js';
import type { ChunkerOptions } from './options.js';

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
  const chunker = createChunker(options);
  const out = chunker.push(data);
  for (const c of chunker.finish()) out.push(c);
  return out;
}
