import type { CutBounds } from './fastcdcBounds.js';
import type { ResolvedChunkerOptions } from './options.js';

/** The exports of the WebAssembly gear core that {@link gearCuts} drives (addresses are memory offsets). */
export interface GearScan {
  /**
   * Rolls the gear hash from `p` (starting from the hash `hLo`/`hHi`) and returns the first
   * address whose hash passes the small mask before `sEnd` or the large mask before `lEnd`, or -1.
   */
  scan(p: number, sEnd: number, lEnd: number, hLo: number, hHi: number): number;
  /** Low 32 bits of the hash where the last scan stopped. */
  hashLo(): number;
  /** High 32 bits of the hash where the last scan stopped. */
  hashHi(): number;
}

/** The option fields the cut search reads. */
export type GearCutOptions = Pick<ResolvedChunkerOptions, 'algorithm' | 'minSize' | 'avgSize' | 'maxSize'>;

/** Where a cut search stands between calls; positions are relative to `dataAt`. */
export interface GearCutState {
  /** Start of the current (unfinished) chunk. */
  chunkAt: number;
  /** Position up to which the current chunk was judged without a cut (0: not yet). */
  resumeAt: number;
  /** The hash at `resumeAt`, low and high 32 bits. */
  resumeLo: number;
  resumeHi: number;
}

/**
 * FastCDC cut search over the bytes `[dataAt, dataAt + fill)` of a gear core's memory: appends
 * the end of every chunk it can decide to `ends` (relative to `dataAt`) and leaves `state` at
 * the unfinished chunk. While more input may come (`final` false), a position is judged only
 * if at least one byte follows it, and a chunk whose search ran out of bytes resumes from
 * `state` on the next call, so the cuts are the same however the input arrives.
 *
 * Self-contained on purpose (no free identifiers; the bounds come in as `bounds`): the digest
 * worker evaluates this function's source text, so the worker and this thread cut with the
 * very same code.
 *
 * @param core - the gear core's exports
 * @param bounds - {@link cutBounds}
 * @param o - algorithm and sizes
 * @param dataAt - memory offset of position 0
 * @param fill - bytes available from position 0
 * @param final - whether the input ends at `fill`
 * @param state - the search state, updated
 * @param ends - receives the chunk ends
 */
export function gearCuts(
  core: GearScan,
  bounds: (o: GearCutOptions, available: number) => CutBounds,
  o: GearCutOptions,
  dataAt: number,
  fill: number,
  final: boolean,
  state: GearCutState,
  ends: number[],
): void {
  for (;;) {
    const avail = fill - state.chunkAt;
    if (avail === 0) return;
    const decided = final || avail >= o.maxSize;
    const b = bounds(o, decided ? avail : Infinity);
    let length;
    if (b.whole) length = b.fallback;
    else {
      // Not decided: judge only positions with a byte after them (see above).
      const limit = decided ? Infinity : avail - 1;
      const resuming = state.resumeAt > 0;
      const from = resuming ? state.resumeAt - state.chunkAt : b.start;
      const smallEnd = Math.min(b.smallEnd, limit);
      const largeEnd = Math.min(b.largeEnd, limit);
      if (from >= largeEnd && !decided) return;
      const at = dataAt + state.chunkAt;
      const p = core.scan(at + from, at + smallEnd, at + largeEnd, resuming ? state.resumeLo : 0, resuming ? state.resumeHi : 0);
      if (p >= 0) length = p - at;
      else if (decided) length = b.fallback;
      else {
        state.resumeAt = state.chunkAt + Math.max(from, largeEnd);
        state.resumeLo = core.hashLo();
        state.resumeHi = core.hashHi();
        return;
      }
    }
    state.chunkAt += length;
    state.resumeAt = 0;
    ends.push(state.chunkAt);
  }
}
