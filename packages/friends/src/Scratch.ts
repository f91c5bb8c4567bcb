/**
 * Reusable per-node accumulators for one query at a time. An epoch stamp marks which slots the
 * current query touched, so nothing is cleared between queries: a query costs what it visits,
 * not the size of the graph.
 *
 * `stamp[i] === epoch` marks a candidate, `stamp[i] === -epoch` one excluded from the result.
 *
 * @internal
 */
export class Scratch {
  stamp: Int32Array = new Int32Array(0);
  acc: Float64Array = new Float64Array(0);
  cnt: Int32Array = new Int32Array(0);
  touched: Int32Array = new Int32Array(0);
  epoch = 0;
  /** Candidates admitted by the current query, listed in `touched[0 .. count)`. */
  count = 0;

  /**
   * Starts a query over `n` nodes with room for `maxTouched` candidates.
   *
   * @param n - number of nodes
   * @param maxTouched - most candidates the query admits
   * @returns the new epoch
   */
  begin(n: number, maxTouched: number): number {
    if (this.stamp.length < n) {
      const size = Math.max(n, this.stamp.length * 2, 64);
      const stamp = new Int32Array(size);
      stamp.set(this.stamp);
      this.stamp = stamp;
      this.acc = new Float64Array(size);
      this.cnt = new Int32Array(size);
    }
    const t = Math.min(maxTouched, n);
    if (this.touched.length < t) this.touched = new Int32Array(Math.max(t, this.touched.length * 2, 64));
    if (this.epoch >= 0x7ffffffe) {
      this.stamp.fill(0);
      this.epoch = 0;
    }
    this.count = 0;
    return ++this.epoch;
  }

  /**
   * Adds the contribution of one neighbour row `ids[from .. to)` to each node in it, admitting
   * nodes not yet seen while fewer than `maxCandidates` are admitted and skipping excluded ones.
   *
   * @param ids - the arena holding the row
   * @param weights - weights aligned with `ids` (read by HYBRID and MIN_WEIGHT only)
   * @param from - first entry
   * @param to - one past the last entry
   * @param mode - how an entry adds to `acc` (see the mode constants)
   * @param base - per-row constant (the index term, or the guild share)
   * @param wuz - weight of the edge from the query user to the row's owner (MIN_WEIGHT)
   * @param maxCandidates - admission limit
   */
  accumulate(ids: Int32Array, weights: Float32Array | undefined, from: number, to: number, mode: number, base: number, wuz: number, maxCandidates: number): void {
    const { stamp, acc, cnt, touched, epoch } = this;
    let count = this.count;
    for (let j = from; j < to; j++) {
      const c = ids[j]!;
      const s = stamp[c]!;
      if (s !== epoch) {
        if (s === -epoch || count >= maxCandidates) continue;
        stamp[c] = epoch;
        acc[c] = 0;
        cnt[c] = 0;
        touched[count++] = c;
      }
      if (mode === SHARE) {
        acc[c]! += base;
        continue;
      }
      cnt[c]!++;
      if (mode === CONSTANT) acc[c]! += base;
      else if (mode === HYBRID) acc[c]! += base * weights![j]!;
      else if (mode === MIN_WEIGHT) {
        const wc = weights![j]!;
        acc[c]! += wuz < wc ? wuz : wc;
      }
    }
    this.count = count;
  }
}

// Accumulation modes (small ints keep the hot loop monomorphic).
/** Count common neighbours only. */
export const COUNT_ONLY = 0;
/** Count, and add `base` per entry. */
export const CONSTANT = 1;
/** Count, and add `base` × the entry's weight. */
export const HYBRID = 2;
/** Count, and add min(wuz, entry weight). */
export const MIN_WEIGHT = 3;
/** Add `base` per entry without counting it as a common neighbour (shared guilds). */
export const SHARE = 4;
