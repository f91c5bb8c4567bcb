import type { ChunkStore } from './ChunkStore.js';
import { chunkKey } from './chunkKey.js';
import { createDigest } from './digest.js';
import { CdcError } from './errors.js';
import { parseManifest, type Manifest } from './Manifest.js';

/**
 * Streams a blob back from a store, verifying every chunk's length and digest before yielding
 * it and the whole blob's digest at the end: it throws rather than return wrong bytes.
 *
 * @param store - where the chunks are
 * @param manifest - from {@link putBlob} (validated again here, it may come from outside)
 * @returns the blob's bytes, chunk by chunk
 * @throws {@link CdcError} `INVALID_MANIFEST`; `MISSING_CHUNK` when the store lacks a chunk;
 *   `CORRUPT_CHUNK` when a chunk or the blob does not match its digest
 * @example
 * ```ts
 * const parts: Uint8Array[] = [];
 * for await (const part of readBlob(store, manifest)) parts.push(part);
 * ```
 */
export async function* readBlob(store: ChunkStore, manifest: Manifest): AsyncGenerator<Uint8Array> {
  const m = parseManifest(manifest);
  const digest = await createDigest(m.digestAlgorithm);
  const whole = await digest.begin();
  let offset = 0;
  for (const [i, c] of m.chunks.entries()) {
    const key = chunkKey(m.digestAlgorithm, c.digest);
    const bytes = await store.get(key);
    if (bytes === undefined) {
      throw new CdcError('MISSING_CHUNK', `chunk ${i} (${key}, bytes ${offset}..${offset + c.length}) is missing from the store; the blob cannot be read`);
    }
    if (bytes.length !== c.length || digest.hashHex(bytes) !== c.digest) {
      throw new CdcError('CORRUPT_CHUNK', `chunk ${i} (${key}) does not match its digest or length; the stored copy is corrupt`);
    }
    whole.update(bytes);
    offset += c.length;
    yield bytes;
  }
  if (whole.finishHex() !== m.digest) {
    throw new CdcError('CORRUPT_CHUNK', 'the blob assembled from verified chunks does not match the manifest digest; the manifest is inconsistent');
  }
}
