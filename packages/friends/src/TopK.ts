/**
 * The k best (score, index) pairs seen, by score descending then index ascending, kept in a
 * bounded min-heap: O(n log k) over n offers.
 *
 * @internal
 */
export class TopK {
  /**
   * One instance held as long as the class, never read. A query's TopK dies with the query, so
   * after a full GC no instance was left and V8 discarded the optimised `recommend` code compiled
   * for its hidden class ("weak objects" deoptimisation): the next queries ran unoptimised until
   * recompiled, a latency spike after every major GC. See also `SocialGraph`'s keeper.
   */
  static readonly #shapeKeeper: TopK = new TopK(1);
  private readonly scores: Float64Array;
  private readonly items: Int32Array;
  private size = 0;

  /**
   * @param k - how many to keep (at least 1)
   */
  constructor(private readonly k: number) {
    this.scores = new Float64Array(k);
    this.items = new Int32Array(k);
  }

  /** Whether (s1, i1) ranks below (s2, i2). */
  private static worse(s1: number, i1: number, s2: number, i2: number): boolean {
    return s1 < s2 || (s1 === s2 && i1 > i2);
  }

  /**
   * Considers one pair.
   *
   * @param score - its score
   * @param item - its index
   */
  offer(score: number, item: number): void {
    const { scores, items } = this;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!TopK.worse(score, item, scores[p]!, items[p]!)) break;
        scores[i] = scores[p]!;
        items[i] = items[p]!;
        i = p;
      }
      scores[i] = score;
      items[i] = item;
      return;
    }
    if (!TopK.worse(scores[0]!, items[0]!, score, item)) return;
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && TopK.worse(scores[r]!, items[r]!, scores[l]!, items[l]!) ? r : l;
      if (!TopK.worse(scores[c]!, items[c]!, score, item)) break;
      scores[i] = scores[c]!;
      items[i] = items[c]!;
      i = c;
    }
    scores[i] = score;
    items[i] = item;
  }

  /**
   * The kept pairs, best first.
   *
   * @returns an array of `{ item, score }`
   */
  sorted(): Array<{ item: number; score: number }> {
    const out: Array<{ item: number; score: number }> = [];
    for (let i = 0; i < this.size; i++) out.push({ item: this.items[i]!, score: this.scores[i]! });
    out.sort((a, b) => (b.score - a.score) || (a.item - b.item));
    return out;
  }
}
