/**
 * Calls `visit(i, j)` for every value present in both sorted runs `a[i]` (i in [as, as + al)) and
 * `b[j]` (j in [bs, bs + bl)), in ascending order. Merges when the runs are of similar length and
 * binary-searches the shorter in the longer when they are not, so a query with a huge row stays
 * O(short · log long).
 *
 * @internal
 */
export function forEachCommon(
  a: Int32Array,
  as: number,
  al: number,
  b: Int32Array,
  bs: number,
  bl: number,
  visit: (i: number, j: number) => void,
): void {
  if (al === 0 || bl === 0) return;
  if (al * 16 < bl || bl * 16 < al) {
    const swap = al > bl;
    const [ss, sl, ls, ll] = swap ? [bs, bl, as, al] : [as, al, bs, bl];
    const short = swap ? b : a;
    const long = swap ? a : b;
    let lo = ls;
    const end = ls + ll;
    for (let i = ss; i < ss + sl; i++) {
      const x = short[i]!;
      let hi = end - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (long[mid]! < x) lo = mid + 1;
        else hi = mid - 1;
      }
      if (lo >= end) break;
      if (long[lo] === x) {
        if (swap) visit(lo, i);
        else visit(i, lo);
      }
    }
    return;
  }
  let i = as;
  let j = bs;
  const ae = as + al;
  const be = bs + bl;
  while (i < ae && j < be) {
    const x = a[i]!;
    const y = b[j]!;
    if (x < y) i++;
    else if (x > y) j++;
    else {
      visit(i, j);
      i++;
      j++;
    }
  }
}
