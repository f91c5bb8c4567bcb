import { BLOCK, POINTS, readVarint, type PostingStore } from './PostingStore.js';
import type { Scorer } from './Scorer.js';

/** Doc number of an exhausted cursor; greater than every real doc number. */
export const END = 0x7fffffff;

/** Iterates the documents of one query term (or a group of expansions) in doc order. */
export interface Cursor {
  /** Current document, or {@link END}. */
  doc: number;
  /** Largest score any document can get from this cursor. */
  readonly upper: number;
  /** Postings to walk (for choosing the cheapest lead). */
  readonly cost: number;
  /** Set by {@link blockUpper}: last doc of the block(s) the bound covers. */
  blockEnd: number;
  next(): void;
  /** Moves to the first document ≥ target. */
  advance(target: number): void;
  /** Score of the current document. */
  score(): number;
  /** Bound on the score of any document in [target, blockEnd], without moving. */
  blockUpper(target: number): number;
}

/** Cursor over one term's postings, skipping whole blocks through the block table. */
export class TermCursor implements Cursor {
  doc: number = -1;
  readonly upper: number;
  readonly cost: number;
  blockEnd: number = END;
  private readonly buf: Uint8Array;
  private readonly end: number;
  private readonly table: Uint32Array | undefined;
  private readonly blocks: number;
  private readonly stride: number;
  private readonly fields: number;
  private readonly weight: number;
  private readonly scorer: Scorer;
  private readonly tf: Int32Array;
  private readonly termLast: number;
  /** Byte position of the next posting, in a one-slot array for {@link readVarint}. */
  private readonly at: Int32Array = new Int32Array(1);
  private idx = 0;
  private prev = -1;

  constructor(store: PostingStore, term: number, scorer: Scorer, weight: number) {
    this.buf = store.bytes[term]!;
    this.end = store.byteLen[term]!;
    this.table = store.blocks[term];
    this.cost = store.count[term]!;
    this.blocks = Math.ceil(this.cost / BLOCK);
    this.stride = store.stride;
    this.fields = store.fields;
    this.scorer = scorer;
    this.weight = scorer.termWeight(store.df[term]!, weight);
    this.tf = new Int32Array(store.fields);
    this.termLast = store.lastDoc[term]!;
    const table = this.table;
    if (table === undefined) this.upper = scorer.finish(this.weight, scorer.boundTfw(store.maxTf, term * store.fields, store.minLen, term * store.fields));
    else {
      // The tightest bound is the best block's.
      let best = 0;
      for (let b = 0; b < this.blocks; b++) best = Math.max(best, scorer.boundFrontier(table, b * this.stride + 3, POINTS));
      this.upper = scorer.finish(this.weight, best);
    }
    this.next();
  }

  next(): void {
    if (this.at[0]! >= this.end) {
      this.doc = END;
      return;
    }
    this.doc = this.prev + readVarint(this.buf, this.at);
    this.prev = this.doc;
    for (let f = 0; f < this.fields; f++) this.tf[f] = readVarint(this.buf, this.at);
    this.idx++;
  }

  /** Index of the first block whose last doc is ≥ target, from the current block on; `blocks` if none. */
  private findBlock(target: number): number {
    const table = this.table!;
    const S = this.stride;
    let lo = this.idx > 0 ? Math.floor((this.idx - 1) / BLOCK) : 0;
    if (table[lo * S]! >= target) return lo;
    // Gallop, then binary search: queries mostly skip a little.
    let step = 1;
    let hi = lo + 1;
    while (hi < this.blocks && table[hi * S]! < target) {
      lo = hi;
      step *= 2;
      hi = lo + step;
    }
    if (hi >= this.blocks) {
      hi = this.blocks;
      if (table[(hi - 1) * S]! < target) return this.blocks;
    }
    while (lo + 1 < hi) {
      const mid = (lo + hi) >>> 1;
      if (table[mid * S]! >= target) hi = mid;
      else lo = mid;
    }
    return hi;
  }

  advance(target: number): void {
    if (this.doc >= target) return;
    const table = this.table;
    if (table !== undefined && this.doc !== -1) {
      const b = this.findBlock(target);
      if (b >= this.blocks) {
        this.doc = END;
        this.at[0] = this.end;
        return;
      }
      const cur = Math.floor((this.idx - 1) / BLOCK);
      if (b > cur) {
        const at = b * this.stride;
        this.at[0] = table[at + 1]!;
        this.prev = table[at + 2]! - 1;
        this.idx = b * BLOCK;
      }
    }
    do this.next();
    while (this.doc < target && this.doc !== END);
  }

  score(): number {
    const s = this.scorer;
    return s.finish(this.weight, s.tfw(this.tf, 0, this.doc));
  }

  blockUpper(target: number): number {
    const table = this.table;
    if (table === undefined) {
      this.blockEnd = target > this.termLast ? END : this.termLast;
      return target > this.termLast ? 0 : this.upper;
    }
    const b = this.findBlock(target);
    if (b >= this.blocks) {
      this.blockEnd = END;
      return 0;
    }
    const at = b * this.stride;
    this.blockEnd = table[at]!;
    return this.scorer.finish(this.weight, this.scorer.boundFrontier(table, at + 3, POINTS));
  }
}

/** Union of the expansions of one query word (prefix or fuzzy): a document scores its best expansion. */
export class UnionCursor implements Cursor {
  doc: number = -1;
  readonly upper: number;
  readonly cost: number;
  blockEnd: number = END;
  private readonly parts: TermCursor[];

  constructor(parts: TermCursor[]) {
    this.parts = parts;
    let upper = 0;
    let cost = 0;
    for (const p of parts) {
      upper = Math.max(upper, p.upper);
      cost += p.cost;
    }
    this.upper = upper;
    this.cost = cost;
    this.settle();
  }

  private settle(): void {
    let d = END;
    for (const p of this.parts) if (p.doc < d) d = p.doc;
    this.doc = d;
  }

  next(): void {
    const d = this.doc;
    for (const p of this.parts) if (p.doc === d) p.next();
    this.settle();
  }

  advance(target: number): void {
    if (this.doc >= target) return;
    for (const p of this.parts) p.advance(target);
    this.settle();
  }

  score(): number {
    let best = 0;
    for (const p of this.parts) if (p.doc === this.doc) best = Math.max(best, p.score());
    return best;
  }

  blockUpper(target: number): number {
    let best = 0;
    let end = END;
    for (const p of this.parts) {
      best = Math.max(best, p.blockUpper(target));
      end = Math.min(end, p.blockEnd);
    }
    this.blockEnd = end;
    return best;
  }
}
