/**
 * Levenshtein distance between `a` and `b` (UTF-16 code units), computed only inside the band
 * |i - j| ≤ max and abandoned as soon as every cell exceeds `max`, so a fuzzy lookup costs
 * O(max × length) per dictionary term at worst.
 *
 * @param a - first string
 * @param b - second string
 * @param max - the largest distance of interest (0, 1 or 2 in search)
 * @returns the distance, or `max + 1` when it is larger than `max`
 * @example
 * ```ts
 * editDistance('ubuntu', 'ubunto', 2) // 1
 * ```
 */
export function editDistance(a: string, b: string, max: number): number {
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > max) return max + 1;
  if (max === 0) return a === b ? 0 : 1;
  const big = max + 1;
  let prev = new Int32Array(lb + 1);
  let cur = new Int32Array(lb + 1);
  for (let j = 0; j <= lb; j++) prev[j] = j <= max ? j : big;
  for (let i = 1; i <= la; i++) {
    const lo = Math.max(1, i - max);
    const hi = Math.min(lb, i + max);
    cur[0] = i <= max ? i : big;
    if (lo > 1) cur[lo - 1] = big;
    let rowMin = cur[0]!;
    const ca = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const sub = prev[j - 1]! + (ca === b.charCodeAt(j - 1) ? 0 : 1);
      const del = (j <= i + max - 1 ? prev[j]! : big) + 1;
      const ins = cur[j - 1]! + 1;
      let v = sub < del ? sub : del;
      if (ins < v) v = ins;
      if (v > big) v = big;
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (hi < lb) cur[hi + 1] = big;
    if (rowMin > max) return big;
    const t = prev;
    prev = cur;
    cur = t;
  }
  const d = prev[lb]!;
  return d > max ? big : d;
}
