// Dedup figures: bytes saved versus storing every version whole, and the real mean chunk size.
import { createHash } from 'node:crypto';

/** Splits one buffer into chunk lengths. */
export type Splitter = (data: Uint8Array) => Iterable<{ offset: number; length: number }>;

export interface DedupFigure {
  /** Percentage of bytes saved: 100 * (1 - stored / logical). */
  savedPct: number;
  /** Real mean chunk size in bytes over all versions. */
  meanChunk: number;
}

/** Chunks every version of every group; chunks are shared within a group (one logical file). */
export function dedup(groups: Map<string, Uint8Array[]>, split: Splitter): DedupFigure {
  let logical = 0;
  let stored = 0;
  let chunks = 0;
  for (const versions of groups.values()) {
    const seen = new Set<string>();
    for (const v of versions) {
      logical += v.length;
      for (const c of split(v)) {
        chunks++;
        const key = createHash('sha256').update(v.subarray(c.offset, c.offset + c.length)).digest('base64');
        if (!seen.has(key)) {
          seen.add(key);
          stored += c.length;
        }
      }
    }
  }
  return { savedPct: 100 * (1 - stored / logical), meanChunk: logical / chunks };
}

/**
 * Saving at a given real mean chunk size, interpolated linearly in log2(mean) between the two
 * measured configurations that bracket it (undefined when none do).
 */
export function savedAtMean(points: DedupFigure[], mean: number): number | undefined {
  const sorted = points.slice().sort((a, b) => a.meanChunk - b.meanChunk);
  for (let i = 0; i + 1 < sorted.length; i++) {
    const a = sorted[i]!;
    const b = sorted[i + 1]!;
    if (a.meanChunk <= mean && mean <= b.meanChunk) {
      const t = (Math.log2(mean) - Math.log2(a.meanChunk)) / (Math.log2(b.meanChunk) - Math.log2(a.meanChunk) || 1);
      return a.savedPct + t * (b.savedPct - a.savedPct);
    }
  }
  return undefined;
}

/**
 * Shift resilience: the share of the edited input's chunks (by content) that the original also
 * has, after inserting one byte at `at`.
 */
export function unchangedAfterInsert(data: Uint8Array, at: number, split: Splitter): number {
  const edited = new Uint8Array(data.length + 1);
  edited.set(data.subarray(0, at), 0);
  edited[at] = 0x5a;
  edited.set(data.subarray(at), at + 1);
  const key = (d: Uint8Array, c: { offset: number; length: number }): string =>
    createHash('sha256').update(d.subarray(c.offset, c.offset + c.length)).digest('base64');
  const before = new Set([...split(data)].map((c) => key(data, c)));
  const after = [...split(edited)];
  return after.filter((c) => before.has(key(edited, c))).length / after.length;
}
