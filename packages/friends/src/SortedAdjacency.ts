import { FriendsError } from './errors.js';

/** Largest arena a typed array index can address safely here. */
const MAX_SLOTS = 0x7fffffff;

/**
 * Rows of sorted int32 neighbour lists (with optional float32 weights) packed into one shared
 * arena, instead of a Set or array object per user: a row costs 12 bytes of bookkeeping and each
 * entry 4 bytes (8 with weights) plus growth slack.
 *
 * Row capacities come from a fixed ladder (1, 2, 3, 4, 6, 8, 12, 16, 24 ...: alternately ×1.5
 * and ×4/3, so a row is at least 2/3 full once past 4 entries). A full row moves to a block of
 * the next size, and the block it leaves goes on a free list of its size for the next row that
 * grows into it: in a growing graph those blocks are reused almost at once, so the arena rarely
 * needs more than a plain 1.5× copy (one memcpy) when it fills. Only when free blocks make up a
 * third of the arena does growth compact it row by row instead.
 *
 * Insert and remove keep the row sorted: an id above the row's last one (the usual case, since
 * dense ids are handed out in first-seen order) is appended without a search; otherwise it costs
 * O(log d) to find the place plus an O(d) memmove — O(degree), never a rebuild.
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
  /** End of the used part of the arena; slots past it are free. */
  private top = 0;
  /** Slots held by blocks on the free lists. */
  private freeSlots = 0;
  private live = 0;
  /** Start offsets of free blocks, by {@link ladderIndex} of their size. */
  private free: number[][] = [];

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
    const l = this.len[r]!;
    let pos = l;
    // Appending is the common case (a friend newer than all others): skip the search.
    if (l !== 0 && this.ids[this.start[r]! + l - 1]! >= x) {
      pos = this.find(r, x);
      if (pos >= 0) return false;
      pos = -pos - 1;
    }
    if (l === this.cap[r]!) this.growRow(r, l);
    const s = this.start[r]!;
    const at = s + pos;
    const ids = this.ids;
    const weights = this.weights;
    if (l - pos > 32) {
      ids.copyWithin(at + 1, at, s + l);
      if (weights !== undefined) weights.copyWithin(at + 1, at, s + l);
    } else if (pos < l) {
      // A short shift is cheaper as a loop than as a call into the runtime.
      for (let i = s + l; i > at; i--) ids[i] = ids[i - 1]!;
      if (weights !== undefined) for (let i = s + l; i > at; i--) weights[i] = weights[i - 1]!;
    }
    ids[at] = x;
    if (weights !== undefined) weights[at] = w;
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

  /** Moves row `r` (holding `l` entries) to a block of the next size on the ladder. */
  private growRow(r: number, l: number): void {
    const oldCap = this.cap[r]!;
    const newCap = nextCapacity(oldCap);
    const at = this.alloc(newCap);
    // alloc may have compacted the arena, so read the row's start only now.
    const s = this.start[r]!;
    copyRun(this.ids, s, this.ids, at, l);
    if (this.weights !== undefined) copyRun(this.weights, s, this.weights, at, l);
    if (oldCap !== 0) {
      const c = ladderIndex(oldCap);
      const list = this.free[c];
      if (list === undefined) this.free[c] = [s];
      else list.push(s);
      this.freeSlots += oldCap;
    }
    this.start[r] = at;
    this.cap[r] = newCap;
  }

  /** A block of `n` slots (`n` on the ladder): a free one of that size, else from the top. */
  private alloc(n: number): number {
    const list = this.free[ladderIndex(n)];
    if (list !== undefined && list.length !== 0) {
      this.freeSlots -= n;
      return list.pop()!;
    }
    if (this.top + n > this.ids.length) {
      if (this.freeSlots * 3 > this.top) this.compact(n);
      else this.enlarge(n);
    }
    const at = this.top;
    this.top += n;
    return at;
  }

  /** Copies the arena into one 1.5× larger (at least `n` more slots): one memcpy per array. */
  private enlarge(n: number): void {
    if (this.top + n > MAX_SLOTS) throw new FriendsError('capacity', `adjacency would exceed ${MAX_SLOTS} entries`);
    const size = Math.min(Math.max(this.top + n, Math.ceil(this.ids.length * 1.5) + 64), MAX_SLOTS);
    const ids = new Int32Array(size);
    ids.set(this.ids.subarray(0, this.top));
    this.ids = ids;
    if (this.weights !== undefined) {
      const weights = new Float32Array(size);
      weights.set(this.weights.subarray(0, this.top));
      this.weights = weights;
    }
  }

  /** Copies live rows (with their capacity) into a fresh arena with room for `n` more slots. */
  private compact(n: number): void {
    const used = this.top - this.freeSlots;
    if (used + n > MAX_SLOTS) throw new FriendsError('capacity', `adjacency would exceed ${MAX_SLOTS} entries`);
    const size = Math.min(Math.ceil((used + n) * 1.5) + 64, MAX_SLOTS);
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
    this.freeSlots = 0;
    this.free = [];
  }
}

/**
 * The capacity after `c` on the ladder 1, 2, 3, 4, 6, 8, 12, 16, 24 ...
 *
 * @throws {@link FriendsError} `capacity` past 2^31 - 1 slots
 */
function nextCapacity(c: number): number {
  if (c < 4) return c + 1;
  const next = (c & (c - 1)) === 0 ? c + (c >>> 1) : (c / 3) * 4;
  if (next > MAX_SLOTS) throw new FriendsError('capacity', `a row cannot hold more than ${c} entries`);
  return next;
}

/** Position of capacity `c` on the ladder: 2·floor(log2 c), plus 1 for the ×1.5 sizes. */
function ladderIndex(c: number): number {
  return 2 * (31 - Math.clz32(c)) + ((c & (c - 1)) === 0 ? 0 : 1);
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
