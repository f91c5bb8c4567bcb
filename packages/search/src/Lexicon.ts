/**
 * Term numbers in the sorted order of their strings, for prefix and fuzzy expansion. Terms are
 * only ever appended, so new ones wait in an unsorted tail that is merged in once it grows
 * past a few thousand: an index that keeps receiving messages never re-sorts its dictionary.
 */
export class Lexicon {
  private sorted: Int32Array = new Int32Array(0);
  /** Terms 0..covered-1 are in `sorted`; the rest are the tail. */
  private covered = 0;

  /**
   * Calls `visit` for every term whose string starts with `prefix` (`''`: every term).
   * @param terms - the dictionary, term number to string
   */
  forPrefix(terms: readonly string[], prefix: string, visit: (t: number) => void): void {
    this.refresh(terms);
    const s = this.sorted;
    let lo = 0;
    let hi = this.covered;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (terms[s[mid]!]! < prefix) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.covered; i++) {
      const t = s[i]!;
      if (!terms[t]!.startsWith(prefix)) break;
      visit(t);
    }
    for (let t = this.covered; t < terms.length; t++) if (terms[t]!.startsWith(prefix)) visit(t);
  }

  private refresh(terms: readonly string[]): void {
    const tail = terms.length - this.covered;
    if (tail < 4096 && this.covered > 0) return;
    if (tail === 0) return;
    const fresh = Int32Array.from({ length: tail }, (_, i) => this.covered + i).sort((a, b) => cmp(terms[a]!, terms[b]!));
    const merged = new Int32Array(terms.length);
    let i = 0;
    let j = 0;
    let k = 0;
    const old = this.sorted;
    while (i < this.covered && j < tail) merged[k++] = cmp(terms[old[i]!]!, terms[fresh[j]!]!) <= 0 ? old[i++]! : fresh[j++]!;
    while (i < this.covered) merged[k++] = old[i++]!;
    while (j < tail) merged[k++] = fresh[j++]!;
    this.sorted = merged;
    this.covered = terms.length;
  }

  /** Bytes held. */
  memoryBytes(): number {
    return this.sorted.byteLength;
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
