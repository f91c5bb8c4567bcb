import type { ByteSource } from './byteSource.js';
import type { ChunkStore } from './ChunkStore.js';
import { chunkKey } from './chunkKey.js';
import { chunkStream, type ChunkStreamOptions } from './chunkStream.js';
import { createDigest, type DigestAlgorithm } from './digest.js';
import type { Manifest, ManifestChunk } from './Manifest.js';
import { resolveChunkerOptions, type ChunkerOptions } from './options.js';

/** Options of {@link putBlob}: chunker options plus the digest algorithm. */
export interface PutBlobOptions extends ChunkerOptions {
  /**
   * Digest of chunks and of the whole blob.
   * @defaultValue `'sha256'`
   */
  readonly digest?: DigestAlgorithm;
  /**
   * Where chunk digests are computed: see {@link ChunkStreamOptions.digestIn}. The whole-blob
   * digest is always computed on the calling thread.
   * @defaultValue `'auto'`
   */
  readonly digestIn?: ChunkStreamOptions['digestIn'];
}

/**
 * Chunks a blob into a store, storing each distinct chunk once, and returns its manifest.
 * The manifest is returned only after every chunk is stored: if a write fails, the promise
 * rejects and no manifest exists that points at a missing chunk.
 *
 * @param store - where chunks go
 * @param source - the blob's bytes (buffer, iterable, async iterable, ReadableStream)
 * @param options - chunker options and digest
 * @returns the manifest (plain JSON; keep it to read the blob back)
 * @throws {@link CdcError} `INVALID_OPTIONS` / `INVALID_INPUT`; whatever the store throws
 * @example
 * ```ts
 * const store = new MemoryChunkStore();
 * const manifest = await putBlob(store, bytes, { avgSize: 16384 });
 * ```
 */
export async function putBlob(store: ChunkStore, source: ByteSource, options: PutBlobOptions = {}): Promise<Manifest> {
  const { digest: algorithm = 'sha256', digestIn = 'auto', ...chunkerOptions } = options;
  const chunking = resolveChunkerOptions(chunkerOptions);
  const digest = await createDigest(algorithm);
  const whole = await digest.begin();
  const chunks: ManifestChunk[] = [];
  let size = 0;
  // Stores with real I/O (files, object stores) finish writes far sooner when several are in
  // flight; chunking goes on meanwhile. The manifest still waits for every write.
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const seen = new Set<string>();
  for await (const c of chunkStream(source, { ...chunking, digest, digestIn })) {
    if (failure) break;
    whole.update(c.bytes);
    const key = chunkKey(algorithm, c.digest);
    chunks.push({ digest: c.digest, length: c.length });
    size += c.length;
    if (seen.has(key)) continue;
    seen.add(key);
    // The chunk may be a view of a buffer the source reuses: copy it before the write outlives this turn.
    const bytes = c.bytes.slice();
    // `put` is a no-op for a key the store holds (the ChunkStore contract).
    const write: Promise<void> = store.put(key, bytes).then(
      () => void inFlight.delete(write),
      (error: unknown) => {
        inFlight.delete(write);
        failure ??= { error };
      },
    );
    inFlight.add(write);
    if (inFlight.size >= MAX_WRITES_IN_FLIGHT) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return { version: 1, size, digestAlgorithm: algorithm, digest: whole.finishHex(), chunks, chunking };
}

/** Chunk writes a blob keeps in flight at once. */
const MAX_WRITES_IN_FLIGHT = 8;
