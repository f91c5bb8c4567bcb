import { growI32, growU32, growU8 } from './grow.js';

/** Postings per skip block; each block records its last doc and score bounds (block-max). */
export const BLOCK = 32;
/**
 * (tf, length) points kept per block and field: the Pareto frontier of its postings (no point has
 * both a lower tf and a greater length than another), merged conservatively when longer. A
 * single (max tf, min length) pair would pair the tf of a long message with the length of a short
 * one, and bound every block of a common word near its global maximum.
 */
export const POINTS = 4;
const NO_LEN = 0xffffffff;
const scratchT = new Float64Array(POINTS + 1);
const scratchL = new Float64Array(POINTS + 1);

/** Adds (tf, len) to the frontier stored at `table[base..base + 2 * POINTS)` (tf 0 = empty slot). */
function addPoint(table: Uint32Array, base: number, tf: number, len: number): void {
  let n = 0;
  for (let i = 0; i < POINTS; i++) {
    const t = table[base + 2 * i]!;
    if (t === 0) break;
    const l = table[base + 2 * i + 1]!;
    if (t >= tf && l <= len) return;
    if (!(tf >= t && len <= l)) {
      scratchT[n] = t;
      scratchL[n] = l;
      n++;
    }
  }
  let k = n;
  while (k > 0 && scratchL[k - 1]! > len) {
    scratchT[k] = scratchT[k - 1]!;
    scratchL[k] = scratchL[k - 1]!;
    k--;
  }
  scratchT[k] = tf;
  scratchL[k] = len;
  n++;
  if (n > POINTS) {
    // Sorted by length, tf rises too; (tf[j+1], len[j]) dominates both points j and j+1.
    let j = 0;
    for (let i = 1; i < n - 1; i++) if (scratchT[i + 1]! - scratchT[i]! < scratchT[j + 1]! - scratchT[j]!) j = i;
    scratchT[j] = scratchT[j + 1]!;
    for (let i = j + 1; i < n - 1; i++) {
      scratchT[i] = scratchT[i + 1]!;
      scratchL[i] = scratchL[i + 1]!;
    }
    n--;
  }
  for (let i = 0; i < POINTS; i++) {
    table[base + 2 * i] = i < n ? scratchT[i]! : 0;
    table[base + 2 * i + 1] = i < n ? scratchL[i]! : 0;
  }
}

/**
 * Postings of every term, struct-of-arrays: one byte stream per term of delta-encoded doc
 * numbers followed by one term frequency per field, all LEB128 varints; block tables (last doc,
 * byte offset, per-field max tf and min length) only for terms with more than one block, so
 * the many rare terms cost one small byte array each. Internal doc numbers only grow, so
 * appends keep every list sorted.
 */
export class PostingStore {
  /** Number of indexed text fields; postings carry one tf per field. */
  readonly fields: number;
  /** Block-table stride: last doc, byte offset, previous doc + 1, then {@link POINTS} (tf, length) points per field. */
  readonly stride: number;
  /** Number of terms. */
  size = 0;
  bytes: Uint8Array[] = [];
  byteLen: Int32Array = new Int32Array(0);
  count: Int32Array = new Int32Array(0);
  lastDoc: Int32Array = new Int32Array(0);
  /** Live documents containing the term (postings of removed documents are not counted). */
  df: Int32Array = new Int32Array(0);
  maxTf: Uint32Array = new Uint32Array(0);
  minLen: Uint32Array = new Uint32Array(0);
  blocks: (Uint32Array | undefined)[] = [];
  /** Total postings, live or not. */
  postings = 0;

  constructor(fields: number) {
    this.fields = fields;
    this.stride = 3 + 2 * POINTS * fields;
  }

  /** Adds an empty posting list and returns its term number. */
  addTerm(): number {
    const t = this.size++;
    const F = this.fields;
    if (t >= this.count.length) {
      const need = t + 1;
      this.byteLen = growI32(this.byteLen, need);
      this.count = growI32(this.count, need);
      this.lastDoc = growI32(this.lastDoc, need);
      this.df = growI32(this.df, need);
      this.maxTf = growU32(this.maxTf, need * F);
      const old = this.minLen.length;
      this.minLen = growU32(this.minLen, need * F);
      this.minLen.fill(NO_LEN, old);
    }
    this.lastDoc[t] = -1;
    this.bytes.push(new Uint8Array(8));
    this.blocks.push(undefined);
    return t;
  }

  /**
   * Appends a posting of `doc` (greater than every doc already in the list).
   * @param tf - term frequencies, field `f` at `tf[tfAt + f]`
   * @param lens - field lengths of the document, field `f` at `lens[lenAt + f]`
   */
  append(t: number, doc: number, tf: Int32Array, tfAt: number, lens: Uint32Array, lenAt: number): void {
    const F = this.fields;
    const n = this.count[t]!;
    const prev = this.lastDoc[t]!;
    let pos = this.byteLen[t]!;
    let buf = this.bytes[t]!;
    if (pos + 5 * (F + 1) > buf.length) {
      buf = growU8(buf, pos + 5 * (F + 1));
      this.bytes[t] = buf;
    }
    if (n > 0 && n % BLOCK === 0) this.openBlock(t, n, pos, prev, doc, lens);
    pos = writeVarint(buf, pos, doc - prev);
    for (let f = 0; f < F; f++) pos = writeVarint(buf, pos, tf[tfAt + f]!);
    this.byteLen[t] = pos;
    this.count[t] = n + 1;
    this.lastDoc[t] = doc;
    this.postings++;
    const tb = t * F;
    for (let f = 0; f < F; f++) {
      const x = tf[tfAt + f]!;
      if (x === 0) continue;
      const len = lens[lenAt + f]!;
      if (x > this.maxTf[tb + f]!) this.maxTf[tb + f] = x;
      if (len < this.minLen[tb + f]!) this.minLen[tb + f] = len;
    }
    const table = this.blocks[t];
    if (table !== undefined) {
      const at = Math.floor(n / BLOCK) * this.stride;
      table[at] = doc;
      for (let f = 0; f < F; f++) {
        const x = tf[tfAt + f]!;
        if (x !== 0) addPoint(table, at + 3 + 2 * POINTS * f, x, lens[lenAt + f]!);
      }
    }
  }

  private openBlock(t: number, n: number, pos: number, prev: number, doc: number, lens: Uint32Array): void {
    const F = this.fields;
    const S = this.stride;
    const b = n / BLOCK;
    let table = this.blocks[t];
    if (table === undefined) {
      // The first block's frontier, from its postings (all postings so far).
      table = new Uint32Array(S * 4);
      table[0] = prev;
      table[1] = 0;
      table[2] = 0;
      const first = table;
      this.forEachPosting(t, (d, tf) => {
        for (let f = 0; f < F; f++) if (tf[f] !== 0) addPoint(first, 3 + 2 * POINTS * f, tf[f]!, lens[d * F + f]!);
      });
    }
    table = growU32(table, (b + 1) * S);
    const at = b * S;
    table[at] = doc;
    table[at + 1] = pos;
    table[at + 2] = prev + 1;
    table.fill(0, at + 3, at + S);
    this.blocks[t] = table;
  }

  /** Calls `visit` with every posting of term `t` in doc order (`tf` is reused between calls). */
  forEachPosting(t: number, visit: (doc: number, tf: Int32Array) => void): void {
    const buf = this.bytes[t]!;
    const end = this.byteLen[t]!;
    const tf = new Int32Array(this.fields);
    const at = new Int32Array(1);
    let doc = -1;
    while (at[0]! < end) {
      doc += readVarint(buf, at);
      for (let f = 0; f < this.fields; f++) tf[f] = readVarint(buf, at);
      visit(doc, tf);
    }
  }

  /** Bytes held, counting capacity (what the heap really pays). */
  memoryBytes(): number {
    let total = this.byteLen.byteLength * 4 + this.maxTf.byteLength * 2;
    for (let t = 0; t < this.size; t++) {
      total += this.bytes[t]!.byteLength + 96;
      const b = this.blocks[t];
      if (b !== undefined) total += b.byteLength + 96;
    }
    return total;
  }
}

/**
 * Reads the LEB128 varint at `at[0]` in `buf` and moves `at[0]` past it; the position lives in a
 * one-slot array so that hot loops decode without allocating.
 */
export function readVarint(buf: Uint8Array, at: Int32Array): number {
  let pos = at[0]!;
  let v = 0;
  let shift = 0;
  let byte: number;
  do {
    byte = buf[pos++]!;
    v += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  at[0] = pos;
  return v;
}

/** Writes `v` (0 ≤ v < 2^32) as a LEB128 varint at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[pos++] = v;
  return pos;
}
