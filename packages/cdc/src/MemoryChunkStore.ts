import type { ChunkStore } from './ChunkStore.js';
import { parseChunkKey } from './chunkKey.js';
import { requireBytes } from './inputGuard.js';

/**
 * A {@link ChunkStore} in a Map, for tests, browsers and caches. Keeps its own copies, so
 * callers may reuse their buffers.
 *
 * @example
 * ```ts
 * const store = new MemoryChunkStore();
 * const manifest = await putBlob(store, bytes);
 * ```
 */
export class MemoryChunkStore implements ChunkStore {
  private readonly chunks = new Map<string, Uint8Array>();

  /** @returns how many chunks are held */
  get size(): number {
    return this.chunks.size;
  }

  async has(key: string): Promise<boolean> {
    parseChunkKey(key);
    return this.chunks.has(key);
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    parseChunkKey(key);
    const bytes = this.chunks.get(key);
    return bytes?.slice();
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    parseChunkKey(key);
    requireBytes(bytes, 'put(key, bytes)');
    if (!this.chunks.has(key)) this.chunks.set(key, bytes.slice());
  }

  async delete(key: string): Promise<boolean> {
    parseChunkKey(key);
    return this.chunks.delete(key);
  }

  async *keys(): AsyncIterable<string> {
    yield* [...this.chunks.keys()];
  }
}
