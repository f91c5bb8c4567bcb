/**
 * Where chunks live, keyed by {@link chunkKey}. Implementations must make `put` atomic (a key
 * either holds its whole chunk or nothing) and may verify digests on `get`; {@link readBlob}
 * verifies every chunk it reads either way.
 */
export interface ChunkStore {
  /**
   * @param key - a chunk key
   * @returns whether the store holds it
   */
  has(key: string): Promise<boolean>;
  /**
   * @param key - a chunk key
   * @returns the chunk's bytes, or undefined when absent
   */
  get(key: string): Promise<Uint8Array | undefined>;
  /**
   * Stores a chunk (a no-op when the key is present).
   * @param key - its key
   * @param bytes - its bytes
   */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /**
   * @param key - a chunk key
   * @returns whether something was removed
   */
  delete(key: string): Promise<boolean>;
  /** @returns every key held, in no particular order */
  keys(): AsyncIterable<string>;
}
