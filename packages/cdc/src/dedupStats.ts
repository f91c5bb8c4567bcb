import type { Manifest } from './Manifest.js';

/** Logical versus stored bytes for a set of blobs. */
export interface DedupStats {
  /** Sum of the blobs' sizes. */
  readonly logicalBytes: number;
  /** Bytes of distinct chunks: what a store holding exactly these blobs keeps. */
  readonly storedBytes: number;
  /** `logicalBytes - storedBytes`. */
  readonly savedBytes: number;
  /** `savedBytes / logicalBytes` (0 for no data). */
  readonly savedFraction: number;
  /** Chunk references over all manifests. */
  readonly chunks: number;
  /** Distinct chunks. */
  readonly uniqueChunks: number;
}

/**
 * Deduplication figures for a set of manifests.
 *
 * @param manifests - the blobs, e.g. every version of a file
 * @returns logical, stored and saved bytes, and chunk counts
 * @example
 * ```ts
 * dedupStats([v1, v2]).savedFraction; // 0.93 when v2 is a small edit of v1
 * ```
 */
export function dedupStats(manifests: Iterable<Manifest>): DedupStats {
  const unique = new Map<string, number>();
  let logicalBytes = 0;
  let chunks = 0;
  for (const m of manifests) {
    logicalBytes += m.size;
    for (const c of m.chunks) {
      unique.set(`${m.digestAlgorithm}-${c.digest}`, c.length);
      chunks++;
    }
  }
  let storedBytes = 0;
  for (const length of unique.values()) storedBytes += length;
  const savedBytes = logicalBytes - storedBytes;
  return { logicalBytes, storedBytes, savedBytes, savedFraction: logicalBytes === 0 ? 0 : savedBytes / logicalBytes, chunks, uniqueChunks: unique.size };
}
