import type { ChunkStore } from './ChunkStore.js';
import { chunkKey } from './chunkKey.js';
import { parseManifest, type Manifest } from './Manifest.js';

/** What {@link collectGarbage} did. */
export interface GarbageReport {
  /** Keys deleted. */
  readonly removed: number;
  /** Keys kept because a live manifest references them. */
  readonly kept: number;
}

/**
 * Deletes every chunk no live manifest references. Run it when no {@link putBlob} is in flight
 * (or include in-flight manifests): a chunk written for a manifest not yet returned looks
 * unreferenced.
 *
 * @param store - the store to clean
 * @param liveManifests - every manifest still in use
 * @returns counts of removed and kept chunks
 * @throws {@link CdcError} `INVALID_MANIFEST` if a manifest is malformed (nothing is deleted then)
 * @example
 * ```ts
 * await collectGarbage(store, [manifestA, manifestB]);
 * ```
 */
export async function collectGarbage(store: ChunkStore, liveManifests: Iterable<Manifest>): Promise<GarbageReport> {
  const live = new Set<string>();
  for (const manifest of liveManifests) {
    const m = parseManifest(manifest);
    for (const c of m.chunks) live.add(chunkKey(m.digestAlgorithm, c.digest));
  }
  // Collect first, then delete: stores need not support deletion during iteration.
  const dead: string[] = [];
  let kept = 0;
  for await (const key of store.keys()) {
    if (live.has(key)) kept++;
    else dead.push(key);
  }
  let removed = 0;
  for (const key of dead) if (await store.delete(key)) removed++;
  return { removed, kept };
}
