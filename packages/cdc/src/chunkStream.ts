import { bytePieces, type ByteSource } from './byteSource.js';
import { chunkBatches } from './chunkBatches.js';
import type { Chunk } from './Chunker.js';
import { createDigest, DIGEST_ALGORITHMS, type Digest, type DigestAlgorithm } from './digest.js';
import { digestBatches, workerCanDigest, type DigestPlace } from './digestBatches.js';
import { DigestThread } from './DigestThread.js';
import { describeValue } from './describeValue.js';
import { CdcError } from './errors.js';
import { HeldBytes } from './HeldBytes.js';
import { RegionPipeline, regionBytesFor } from './RegionPipeline.js';
import { resolveChunkerOptions, type ChunkerOptions } from './options.js';

/** Options of {@link chunkStream}: the chunker's, the digest's, and where digests run. */
export interface ChunkStreamOptions extends ChunkerOptions {
  /**
   * Digest of each chunk: an algorithm name or a ready {@link Digest}.
   * @defaultValue `'sha256'`
   */
  readonly digest?: DigestAlgorithm | Digest;
  /**
   * Where chunk digests (and, for FastCDC, chunking) are computed. `'auto'`, on Node, shares the
   * work with a worker thread (one per process, started on first need and kept) once the input
   * has passed one region (1 MiB, or 16 × `maxSize`): for FastCDC both threads chunk and digest
   * regions and this thread joins them into exactly the sequential chunks; for Rabin and
   * fixed-size chunks this thread chunks and the worker digests. With a second core free, chunk +
   * digest then costs about half (FastCDC) or the larger (others) of the two jobs instead of their
   * sum; when the worker falls behind (no free core) this thread takes work back, so it is never
   * much slower than one thread. It applies to SHA-256 from node:crypto and BLAKE3 from hash-wasm
   * (the defaults); in browsers and for small inputs everything stays on the calling thread.
   * `'worker'` uses the worker from the first byte (and fails where there is none); `'main'`
   * never uses it. The chunks, bytes and digests are the same either way.
   * @defaultValue `'auto'`
   */
  readonly digestIn?: DigestPlace;
}

/** A chunk with its bytes and digest. */
export interface StreamChunk extends Chunk {
  /**
   * The chunk's bytes: a view into the source's own buffer or, when digested in the worker,
   * into this package's copy. Copy it if you keep it past the next iteration and the source
   * reuses its buffers.
   */
  readonly bytes: Uint8Array;
  /** Lower-case hex digest of `bytes`. */
  readonly digest: string;
}

const PLACES: readonly DigestPlace[] = ['auto', 'worker', 'main'];

/**
 * Chunks a stream and digests each chunk. Memory stays bounded: on one thread by `maxSize`
 * plus one input piece; with the worker, a streamed source is also read ahead and held by
 * regions (at most ~24 MiB, or 6 regions), and up to three region copies are in flight.
 *
 * @param source - a buffer, an (async) iterable of buffers, or a web ReadableStream
 * @param options - chunker options plus `digest` and `digestIn`
 * @returns the chunks in order, with `bytes` and `digest`
 * @throws {@link CdcError} `INVALID_OPTIONS` (also for `digestIn: 'worker'` where no worker can
 *   compute the digest); `INVALID_INPUT` when the source yields non-bytes
 * @example
 * ```ts
 * for await (const c of chunkStream(file.stream(), { avgSize: 16384, digest: 'blake3' })) console.log(c.offset, c.digest);
 * ```
 */
export function chunkStream(source: ByteSource, options: ChunkStreamOptions = {}): AsyncGenerator<StreamChunk> {
  return digestBatches(async () => {
    if (typeof options !== 'object' || options === null) throw new CdcError('INVALID_OPTIONS', 'chunkStream options must be an object');
    const { digest: digestOption = 'sha256', digestIn = 'auto', ...chunkerOptions } = options;
    const resolved = resolveChunkerOptions(chunkerOptions);
    if (!PLACES.includes(digestIn)) {
      throw new CdcError('INVALID_OPTIONS', `digestIn must be one of ${PLACES.join(', ')}, got ${describeValue(digestIn)}`);
    }
    if (typeof digestOption !== 'string' && (typeof digestOption !== 'object' || digestOption === null || typeof digestOption.hashHex !== 'function')) {
      throw new CdcError('INVALID_OPTIONS', `digest must be ${DIGEST_ALGORITHMS.map((a) => `"${a}"`).join(' or ')} or a Digest from createDigest, got ${describeValue(digestOption)}`);
    }
    const digest = typeof digestOption === 'string' ? await createDigest(digestOption) : digestOption;
    const canWorker = workerCanDigest(digest);
    if (digestIn === 'worker') {
      const thread = canWorker ? DigestThread.get() : undefined;
      await thread?.whenReady();
      if (!thread?.computes(digest.algorithm)) {
        throw new CdcError('INVALID_OPTIONS', 'digestIn "worker" needs Node with worker_threads, and SHA-256 from node:crypto or BLAKE3 from hash-wasm; use "auto" or "main"');
      }
    }
    // Wholly in-memory sources cannot change while they are read ahead (see digestBatches).
    let stable = false;
    try {
      stable = source instanceof Uint8Array || (Array.isArray(source) && source.every((p) => p instanceof Uint8Array));
    } catch {
      // A hostile source (a revoked Proxy): not stable; reading it reports the error.
    }
    // FastCDC is chunked on both threads when the worker is wanted: for 'auto', once the input
    // has more than one region to share (see RegionPipeline).
    let regions: RegionPipeline | undefined;
    if (canWorker && digestIn !== 'main' && DigestThread.available() && (resolved.algorithm === 'fastcdc2020' || resolved.algorithm === 'fastcdc2016')) {
      const thread = digestIn === 'worker' ? DigestThread.get() : undefined;
      if (stable) {
        const held = new HeldBytes(source instanceof Uint8Array ? [source] : (source as Uint8Array[]));
        if (thread || held.length > regionBytesFor(resolved)) regions = new RegionPipeline(held, resolved, digest, { thread: thread ?? DigestThread.get() });
      } else {
        const rest = bytePieces(source)[Symbol.asyncIterator]();
        regions = new RegionPipeline(new HeldBytes([], false), resolved, digest, { thread, startWorker: digestIn === 'auto', source: rest });
      }
    }
    return { batches: chunkBatches(source, resolved), digest, place: canWorker ? digestIn : 'main', maxSize: resolved.maxSize, stable, regions };
  });
}
