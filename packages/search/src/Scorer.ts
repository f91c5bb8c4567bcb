/** Ranking function of an index. */
export type Scoring = 'bm25' | 'tfidf';

/**
 * Per-query scoring constants. BM25 is applied per document over fields as BM25F: field
 * frequencies are boosted and length-normalised per field, summed, then saturated once,
 * so a single field reduces to plain BM25 (Lucene's idf, k1, b). TF-IDF is
 * tf × ln(N / df) with boosted field frequencies.
 */
export class Scorer {
  readonly kind: Scoring;
  readonly k1: number;
  readonly fields: number;
  /** 1 - b. */
  readonly cb: number;
  /** b / average length of each field. */
  readonly bOverAvg: Float64Array;
  readonly boosts: Float64Array;
  /** Live documents. */
  readonly n: number;
  /** Field lengths of every document, field f of doc d at `lens[d * fields + f]`. */
  readonly lens: Uint32Array;

  constructor(kind: Scoring, k1: number, b: number, boosts: Float64Array, n: number, totalLen: Float64Array, lens: Uint32Array) {
    this.kind = kind;
    this.k1 = k1;
    this.fields = boosts.length;
    this.cb = 1 - b;
    this.boosts = boosts;
    this.n = n;
    this.lens = lens;
    this.bOverAvg = new Float64Array(boosts.length);
    for (let f = 0; f < boosts.length; f++) {
      const avg = n > 0 ? totalLen[f]! / n : 0;
      this.bOverAvg[f] = avg > 0 ? b / avg : 0;
    }
  }

  /** The factor in front of a term's (saturated) frequency: idf, times k1 + 1 for BM25, times the query weight. */
  termWeight(df: number, weight: number): number {
    if (this.kind === 'tfidf') return df > 0 && this.n > 0 ? Math.log(this.n / df) * weight : 0;
    const idf = Math.log(1 + (this.n - df + 0.5) / (df + 0.5));
    return idf * (this.k1 + 1) * weight;
  }

  /** Boosted, length-normalised frequency of a posting (`tf[at + f]`) in document `doc`. */
  tfw(tf: ArrayLike<number>, at: number, doc: number): number {
    const F = this.fields;
    let s = 0;
    if (this.kind === 'tfidf') {
      for (let f = 0; f < F; f++) s += this.boosts[f]! * tf[at + f]!;
      return s;
    }
    const base = doc * F;
    for (let f = 0; f < F; f++) {
      const x = tf[at + f]!;
      if (x !== 0) s += (this.boosts[f]! * x) / (this.cb + this.bOverAvg[f]! * this.lens[base + f]!);
    }
    return s;
  }

  /** Upper bound of {@link tfw} over postings with tf ≤ `maxTf[maxAt + f]` and length ≥ `minLen[minAt + f]`. */
  boundTfw(maxTf: ArrayLike<number>, maxAt: number, minLen: ArrayLike<number>, minAt: number): number {
    const F = this.fields;
    let s = 0;
    for (let f = 0; f < F; f++) {
      const x = maxTf[maxAt + f]!;
      if (x === 0) continue;
      s += this.kind === 'tfidf' ? this.boosts[f]! * x : (this.boosts[f]! * x) / (this.cb + this.bOverAvg[f]! * minLen[minAt + f]!);
    }
    return s;
  }

  /**
   * Upper bound of {@link tfw} over a block whose per-field frontiers of `points` (tf, length)
   * pairs start at `table[at]` (tf 0 ends a frontier).
   */
  boundFrontier(table: Uint32Array, at: number, points: number): number {
    const F = this.fields;
    let s = 0;
    for (let f = 0; f < F; f++) {
      const base = at + 2 * points * f;
      const boost = this.boosts[f]!;
      const bavg = this.bOverAvg[f]!;
      let best = 0;
      for (let i = 0; i < points; i++) {
        const x = table[base + 2 * i]!;
        if (x === 0) break;
        const v = this.kind === 'tfidf' ? boost * x : (boost * x) / (this.cb + bavg * table[base + 2 * i + 1]!);
        if (v > best) best = v;
      }
      s += best;
    }
    return s;
  }

  /** Score of a term from its weight and boosted frequency; monotone in `tfw`. */
  finish(weight: number, tfw: number): number {
    return this.kind === 'tfidf' ? weight * tfw : (weight * tfw) / (this.k1 + tfw);
  }
}
