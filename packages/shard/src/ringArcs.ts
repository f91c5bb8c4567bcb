// Building a ring's arcs from its points: sorting them by position and, for the nearest-point
// rule, turning each point into the end of the arc it owns. Points come as two parallel arrays,
// positions and owner indexes, listed in owner order.

const TWO32 = 4294967296;

/**
 * Sorts points by position, in place; points at the same position keep their order (so, listed
 * in owner order, they end up by owner index). An LSD radix sort on two 16-bit digits: O(n),
 * several times faster than sorting packed doubles once a ring has 10^5 points or more.
 *
 * @internal
 */
export function sortPoints(pos: Uint32Array, own: Uint32Array): void {
  const n = pos.length;
  if (n < 2) return;
  const p2 = new Uint32Array(n), o2 = new Uint32Array(n);
  const count = new Uint32Array(65537);
  for (let i = 0; i < n; i++) count[(pos[i]! & 0xffff) + 1]!++;
  for (let d = 1; d <= 65536; d++) count[d]! += count[d - 1]!;
  for (let i = 0; i < n; i++) {
    const v = pos[i]!;
    const at = count[v & 0xffff]!++;
    p2[at] = v;
    o2[at] = own[i]!;
  }
  count.fill(0);
  for (let i = 0; i < n; i++) count[(p2[i]! >>> 16) + 1]!++;
  for (let d = 1; d <= 65536; d++) count[d]! += count[d - 1]!;
  for (let i = 0; i < n; i++) {
    const v = p2[i]!;
    const at = count[v >>> 16]!++;
    pos[at] = v;
    own[at] = o2[i]!;
  }
}

/**
 * Turns sorted points into sorted arc ends, in place, for the nearest-point rule: a point owns
 * the positions nearer to it than to its neighbours (a tie goes counter-clockwise, to the earlier
 * point), so its arc ends halfway to the next point, rounded down. Only the last point's arc can
 * wrap past 2^32 - 1; its end is then the smallest and moves to the front.
 *
 * @internal
 */
export function nearestArcEnds(pos: Uint32Array, own: Uint32Array): void {
  const n = pos.length;
  if (n === 0) return;
  const first = pos[0]!;
  for (let i = 0; i < n; i++) {
    const p = pos[i]!;
    const next = i + 1 < n ? pos[i + 1]! : first + TWO32;
    const end = p + Math.floor((next - p) / 2);
    if (end < TWO32) pos[i] = end;
    else {
      const o = own[i]!;
      pos.copyWithin(1, 0, n - 1);
      own.copyWithin(1, 0, n - 1);
      pos[0] = end - TWO32;
      own[0] = o;
    }
  }
}
