/**
 * The best k (score, doc) pairs seen so far, as a binary min-heap whose root is the worst kept
 * entry. Higher score wins; on equal scores the newer document (higher doc number) wins,
 * because chat search prefers recent messages.
 */
export class TopK {
  readonly k: number;
  size = 0;
  private readonly scores: Float64Array;
  private readonly docs: Int32Array;

  constructor(k: number) {
    this.k = k;
    this.scores = new Float64Array(k);
    this.docs = new Int32Array(k);
  }

  get full(): boolean {
    return this.size === this.k;
  }

  /** Score a new document must reach (≥) to enter once the heap is full; -Infinity before. */
  get threshold(): number {
    return this.size === this.k ? this.scores[0]! : Number.NEGATIVE_INFINITY;
  }

  private worse(i: number, j: number): boolean {
    const a = this.scores[i]!;
    const b = this.scores[j]!;
    return a < b || (a === b && this.docs[i]! < this.docs[j]!);
  }

  private swap(i: number, j: number): void {
    const s = this.scores[i]!;
    this.scores[i] = this.scores[j]!;
    this.scores[j] = s;
    const d = this.docs[i]!;
    this.docs[i] = this.docs[j]!;
    this.docs[j] = d;
  }

  /** Offers a document; returns whether it was kept. */
  offer(score: number, doc: number): boolean {
    if (this.k === 0) return false;
    if (this.size < this.k) {
      let i = this.size++;
      this.scores[i] = score;
      this.docs[i] = doc;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return true;
    }
    const rs = this.scores[0]!;
    if (score < rs || (score === rs && doc < this.docs[0]!)) return false;
    this.scores[0] = score;
    this.docs[0] = doc;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= this.size) break;
      const r = l + 1;
      const m = r < this.size && this.worse(r, l) ? r : l;
      if (!this.worse(m, i)) break;
      this.swap(m, i);
      i = m;
    }
    return true;
  }

  /** Entries best first. */
  sorted(): { doc: number; score: number }[] {
    const out: { doc: number; score: number }[] = [];
    for (let i = 0; i < this.size; i++) out.push({ doc: this.docs[i]!, score: this.scores[i]! });
    out.sort((a, b) => b.score - a.score || b.doc - a.doc);
    return out;
  }
}
