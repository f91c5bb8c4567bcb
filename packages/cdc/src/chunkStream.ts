import type { ByteSource } from './byteSource.js';
import { chunkBatches } from './chunkBatches.js';
import type { Chunk } from './Chunker.js';
import { createDigest, type Digest, type DigestAlgorithm } from './digest.js';
import { resolveChunkerOptions, type ChunkerOptions } from './options.js';

/** Options of {@link chunkStream}: the chunker's and the digest's. */
export interface ChunkStreamOptions extends ChunkerOptions {
  /**
   * Digest of each chunk: an algorithm name or a ready {@link Digest}.
   * @defaultValue `'sha256'`
   */
  readonly digest?: DigestAlgorithm | Digest;
}

/** A chunk with its bytes and digest. */
export interface StreamChunk extends Chunk {
  /**
   * The chunk's bytes. Often a view into the source's own buffer: copy it if you keep it past
   * the next iteration and the source reuses its buffers.
   */
  readonly bytes: Uint8Array;
  /** Lower-case hex digest of `bytes`. */
  readonly digest: string;
}

/**
 * Chunks a stream and digests each chunk. Memory stays bounded by `maxSize` plus one input
 * piece: bytes of an unfinished chunk are kept, nothing else.
 *
 * @param source - a buffer, an (async) iterable of buffers, or a web ReadableStream
 * @param options - chunker options plus `digest`
 * @returns the chunks in order, with `bytes` and `digest`
 * @throws {@link CdcError} `INVALID_OPTIONS`; `INVALID_INPUT` when the source yields non-bytes
 * @example
 * ```ts
 * for await (const c of chunkStream(file.stream(), { avgSize: 16384, digest: 'blake3' })) console.log(c.offset, c.digest);
 * ```
 */
export async function* chunkStream(source: ByteSource, options: ChunkStreamOptions = {}): AsyncGenerator<StreamChunk> {
  const { digest: digestOption = 'sha256', ...chunkerOptions } = options;
  const resolved = resolveChunkerOptions(chunkerOptions);
  const digest = typeof digestOption === 'string' ? await createDigest(digestOption) : digestOption;
  for await (const batch of chunkBatches(source, resolved)) {
    for (const c of batch) yield { offset: c.offset, length: c.length, bytes: c.bytes, digest: digest.hashHex(c.bytes) };
  }
}
