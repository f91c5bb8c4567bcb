import { FriendsError } from './errors.js';

/** Largest arena a typed array index can address safely here. */
const MAX_SLOTS = 0x7fffffff;

/**
 * Rows of sorted int32 neighbour lists (with optional float32 weights) packed into one shared
 * arena, instead of a Set or array object per user: a row costs 12 bytes of bookkeeping and each
 * entry 4 bytes (8 with weights) plus growth slack.
 *
 * A row grows by relocating to the arena's end with 1.5x capacity; the slots it leaves become
 * garbage, which the next arena growth drops by copying only live rows. Insert and remove keep
 * the row sorted, costing O(log d) to find the place plus an O(d) memmove — O(degree), never a
 * rebuild.
 *
 * @internal
 */
export class SortedAdjacency {
  /** Neighbour ids of every row; row r is `ids[rowStart(r) .. rowStart(r) + degree(r))`. */
  ids: Int32Array;
  /** Weights aligned with {@link SortedAdjacency.ids}, when the adjacency is weighted. */
  weights: Float32Array | undefined;
  private start: Int32Array;
  private len: Int32Array;
  private cap: Int32Array;
  private rows = 0;
  private top = 0;
  private dead = 0;
  private live = 0;

  /**
   * @param weighted - whether each entry carries a float32 weight
   */
  constructor(weighted: boolean) {
    this.ids = new Int32Array(64);
    this.weights = weighted ? new Float32Array(64) : undefined;
    this.start = new Int32Array(16);
    this.len = new Int32Array(16);
    this.cap = new Int32Array(16);
  }

  /** Total live entries over all rows. */
  get entries(): number {
    return this.live;
  }

  /**
   * Where row `r` begins in {@link SortedAdjacency.ids}.
   *
   * @param r - a row index
   * @returns the offset (meaningless when the row is empty)
   */
  rowStart(r: number): number {
    return r < this.rows ? this.start[r]! : 0;
  }

  /**
   * Number of entries of row `r` (0 for a row never written).
   *
   * @param r - a row index
   * @returns the row's length
   */
  degree(r: number): number {
    return r < this.rows ? this.len[r]! : 0;
  }

  /**
   * Position of `x` in row `r`, or `-(insertionPoint + 1)` when absent.
   *
   * @param r - a row index
   * @param x - the neighbour to find
   * @returns the index within the row, or a negative insertion hint
   */
  find(r: number, x: number): number {
    if (r >= this.rows) return -1;
    const s = this.start[r]!;
    const ids = this.ids;
    let lo = 0;
    let hi = this.len[r]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[s + mid]!;
      if (v < x) lo = mid + 1;
      else if (v > x) hi = mid - 1;
      else return mid;
    }
    return -(lo + 1);
  }

  /**
   * Whether row `r` holds `x`.
   *
   * @param r - a row index
   * @param x - the neighbour
   * @returns true when present
   */
  has(r: number, x: number): boolean {
    return this.find(r, x) >= 0;
  }

  /**
   * The weight of entry `x` in row `r` (1 for an unweighted adjacency), or undefined.
   *
   * @param r - a row index
   * @param x - the neighbour
   * @returns the weight or undefined when absent
   */
  weight(r: number, x: number): number | undefined {
    const i = this.find(r, x);
    if (i < 0) return undefined;
    return this.weights === undefined ? 1 : this.weights[this.start[r]! + i]!;
  }

  /**
   * Replaces the weight of an existing entry.
   *
   * @param r - a row index
   * @param x - the neighbour
   * @param w - the new weight (already validated)
   * @returns the previous weight, or undefined when the entry is absent (nothing changes)
   */
  setWeight(r: number, x: number, w: number): number | undefined {
    const i = this.find(r, x);
    if (i < 0 || this.weights === undefined) return undefined;
    const at = this.start[r]! + i;
    const old = this.weights[at]!;
    this.weights[at] = w;
    return old;
  }

  /**
   * Adds `x` to row `r`, keeping it sorted.
   *
   * @param r - a row index (rows are created on demand)
   * @param x - the neighbour
   * @param w - its weight (ignored when unweighted)
   * @returns false when `x` was already present (nothing changes)
   * @throws {@link FriendsError} `capacity` past 2^31 - 1 slots
   */
  insert(r: number, x: number, w: number): boolean {
    if (r >= this.rows) this.ensureRows(r + 1);
    let pos = this.find(r, x);
    if (pos >= 0) return false;
    pos = -pos - 1;
    const l = this.len[r]!;
    if (l === this.cap[r]!) this.growRow(r, l);
    const s = this.start[r]!;
    const at = s + pos;
    const ids = this.ids;
    const weights = this.weights;
    if (l - pos > 32) {
      ids.copyWithin(at + 1, at, s + l);
      if (weights !== undefined) weights.copyWithin(at + 1, at, s + l);
    } else {
      // A short shift is cheaper as a loop than as a call into the runtime.
      for (let i = s + l; i > at; i--) ids[i] = ids[i - 1]!;
      if (weights !== undefined) for (let i = s + l; i > at; i--) weights[i] = weights[i - 1]!;
    }
    ids[at] = x;
    if (this.weights !== undefined) this.weights[at] = w;
    this.len[r] = l + 1;
    this.live++;
    return true;
  }

  /**
   * Removes `x` from row `r`.
   *
   * @param r - a row index
   * @param x - the neighbour
   * @returns the removed entry's weight (1 when unweighted), or undefined when absent
   */
  remove(r: number, x: number): number | undefined {
    const pos = this.find(r, x);
    if (pos < 0) return undefined;
    const s = this.start[r]!;
    const l = this.len[r]!;
    const at = s + pos;
    const w = this.weights === undefined ? 1 : this.weights[at]!;
    this.ids.copyWithin(at, at + 1, s + l);
    if (this.weights !== undefined) this.weights.copyWithin(at, at + 1, s + l);
    this.len[r] = l - 1;
    this.live--;
    return w;
  }

  private ensureRows(n: number): void {
    if (n > this.start.length) {
      let size = this.start.length;
      while (size < n) size *= 2;
      this.start = grown(this.start, size);
      this.len = grown(this.len, size);
      this.cap = grown(this.cap, size);
    }
    this.rows = n;
  }

  private growRow(r: number, l: number): void {
    const newCap = Math.max(l + 1, l + (l >> 1));
    const at = this.alloc(newCap);
    // alloc may have compacted the arena, so read the row's start only now.
    const s = this.start[r]!;
    copyRun(this.ids, s, this.ids, at, l);
    if (this.weights !== undefined) copyRun(this.weights, s, this.weights, at, l);
    this.dead += this.cap[r]!;
    this.start[r] = at;
    this.cap[r] = newCap;
  }

  private alloc(n: number): number {
    if (this.top + n > this.ids.length) this.reorganize(n);
    const at = this.top;
    this.top += n;
    return at;
  }

  /** Copies live rows (with their capacity) into a fresh arena with room for `n` more slots. */
  private reorganize(n: number): void {
    const used = this.top - this.dead;
    const want = Math.ceil((used + n) * 1.5) + 64;
    if (used + n > MAX_SLOTS) throw new FriendsError('capacity', `adjacency would exceed ${MAX_SLOTS} entries`);
    const size = Math.min(want, MAX_SLOTS);
    const ids = new Int32Array(size);
    const weights = this.weights === undefined ? undefined : new Float32Array(size);
    let top = 0;
    for (let r = 0; r < this.rows; r++) {
      const c = this.cap[r]!;
      if (c === 0) continue;
      const s = this.start[r]!;
      const l = this.len[r]!;
      copyRun(this.ids, s, ids, top, l);
      if (weights !== undefined) copyRun(this.weights!, s, weights, top, l);
      this.start[r] = top;
      top += c;
    }
    this.ids = ids;
    this.weights = weights;
    this.top = top;
    this.dead = 0;
  }
}

/** Copies `n` entries; a loop for short runs (most rows), a native copy for long ones. */
function copyRun<T extends Int32Array | Float32Array>(from: T, fromAt: number, to: T, toAt: number, n: number): void {
  if (n > 64) {
    if (from === to) to.copyWithin(toAt, fromAt, fromAt + n);
    else to.set(from.subarray(fromAt, fromAt + n), toAt);
    return;
  }
  for (let i = 0; i < n; i++) to[toAt + i] = from[fromAt + i]!;
}

function grown(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
