import type { Chunk } from './Chunker.js';
import type { GearChunker } from './GearChunker.js';
import { CdcError } from './errors.js';
import type { HeldBytes } from './HeldBytes.js';

/**
 * Cut points found by chunking one region of the input as if a chunk began at `start`
 * (speculatively, unless `start` is known to be a true cut): the chunks are
 * `[start + ends[j - 1], start + ends[j])`, with `ends[-1]` read as 0.
 */
export interface RegionCuts {
  /** Where the speculative chunking began (absolute). */
  readonly start: number;
  /** Chunk ends relative to `start`, ascending; only chunks decided within the region. */
  readonly ends: ArrayLike<number>;
}

/** What {@link RegionStitcher.stitch} settled: true chunks re-cut here, then region chunks from `from` on. */
export interface Stitched {
  /** True chunks between the last settled position and the first cut the region shares (re-cut on this thread). */
  readonly gaps: Chunk[];
  /** Index of the first of the region's chunks that is a true chunk (`ends.length`: none). */
  readonly from: number;
}

/**
 * Joins speculatively chunked regions into exactly the chunks of sequential chunking.
 *
 * Why this is exact: a FastCDC chunk starting at position s depends only on the bytes from s
 * on (the gear hash restarts at 0 at each chunk, and the minimum-size skip and the masks are
 * measured from s), and a chunker fed part of the input emits only chunks that no later byte
 * can change. So once the true chunking reaches a position where one of a region's chunks
 * begins, that chunk and every later one of the region are true chunks. Between the last
 * settled position and that first common cut, this stitcher cuts the true chunks itself; if
 * they never meet the region's cuts (low-entropy data cut only at `maxSize`), it simply goes on
 * through the region, which is then as costly as sequential chunking but still exact.
 */
export class RegionStitcher {
  /** Every true chunk before this offset has been settled; a true chunk starts here. */
  pos = 0;
  private readonly bytes: HeldBytes;
  private readonly chunker: GearChunker;
  private readonly step: number;
  // True chunks cut ahead of `pos` by the chunker, and where its next chunk begins (-1: the
  // chunker was used for something else and must start over).
  private ahead: Chunk[] = [];
  private aheadAt = 0;
  private chunkerNext = -1;
  private fed = 0;

  /**
   * @param bytes - the whole input
   * @param chunker - a FastCDC chunker with the stream's options (reset as needed)
   * @param step - bytes fed to the chunker at a time while searching for a common cut
   */
  constructor(bytes: HeldBytes, chunker: GearChunker, step: number) {
    this.bytes = bytes;
    this.chunker = chunker;
    this.step = step;
  }

  /**
   * Chunks `[start, end)` as if a chunk began at `start` (final when `end` is the input's end).
   * The bytes must be held.
   * @param start - where the chunking begins
   * @param end - region end
   * @returns the cuts decided within the region
   */
  speculate(start: number, end: number): RegionCuts {
    this.chunkerNext = -1;
    const c = this.chunker;
    c.reset(start);
    const ends: number[] = [];
    const add = (chunks: Chunk[]): void => {
      for (const k of chunks) ends.push(k.offset + k.length - start);
    };
    for (const s of this.bytes.slices(start, end)) add(c.push(s));
    if (this.bytes.complete && end >= this.bytes.length) add(c.finish());
    return { start, ends };
  }

  /**
   * Settles the true chunks up to the region's last cut (or further, when they never meet it).
   * Regions must come in order; each region's cuts must come from {@link speculate} or an
   * equivalent chunking of the same bytes with the same options. The bytes must be held from
   * {@link pos} to `maxSize + step` past the region's end, or to the input's end.
   * @param region - the region's cuts
   * @returns the true chunks cut here, then the index of the region's first true chunk
   */
  stitch(region: RegionCuts): Stitched {
    const gaps: Chunk[] = [];
    const { start, ends } = region;
    const m = ends.length;
    const startOf = (i: number): number => (i === 0 ? start : start + ends[i - 1]!);
    let i = 0;
    for (;;) {
      while (i <= m && startOf(i) < this.pos) i++;
      if (i > m) return { gaps, from: m };
      if (startOf(i) === this.pos) {
        this.pos = startOf(m);
        return { gaps, from: i };
      }
      const c = this.nextTrue();
      gaps.push(c);
      this.pos = c.offset + c.length;
    }
  }

  /** @returns the true chunks from {@link pos} to the end of the input (which must be held, and complete) */
  finish(): Chunk[] {
    const out: Chunk[] = [];
    while (this.pos < this.bytes.length) {
      const c = this.nextTrue();
      out.push(c);
      this.pos = c.offset + c.length;
    }
    return out;
  }

  /** The true chunk starting at `pos` (which is below the input's end). */
  private nextTrue(): Chunk {
    const { pos, chunker, bytes } = this;
    const next = this.ahead[this.aheadAt];
    if (next?.offset === pos) {
      this.aheadAt++;
      return next;
    }
    if (this.chunkerNext !== pos || this.aheadAt < this.ahead.length) {
      chunker.reset(pos);
      this.fed = pos;
    }
    for (;;) {
      let got: Chunk[];
      let finished = false;
      if (this.fed >= bytes.length) {
        if (!bytes.complete) throw new CdcError('STATE', 'internal: the region stitcher ran past the bytes held; please report this');
        got = chunker.finish();
        finished = true;
      } else {
        const to = Math.min(this.fed + this.step, bytes.length);
        got = [];
        for (const s of bytes.slices(this.fed, to)) for (const c of chunker.push(s)) got.push(c);
        this.fed = to;
      }
      if (got.length > 0) {
        const last = got[got.length - 1]!;
        // After finish() the chunker cannot go on: it starts over on the next call.
        this.chunkerNext = finished ? -1 : last.offset + last.length;
        this.ahead = got;
        this.aheadAt = 1;
        return got[0]!;
      }
    }
  }
}
