import { BoundedLoad } from './BoundedLoad.js';
import { ShardError, shown } from './errors.js';
import { HashRing } from './HashRing.js';
import { JumpHash } from './JumpHash.js';
import type { Key } from './key.js';
import { Maglev } from './Maglev.js';
import type { Placement, Scheme } from './Placement.js';
import { Rendezvous } from './Rendezvous.js';

/** A share of the key space that changes owner. */
export interface Move {
  readonly from: string;
  readonly to: string;
  /** Fraction of all keys, 0 to 1. */
  readonly fraction: number;
}

/** Ring positions `start..end` (inclusive, 32-bit, see `HashRing.positionOf`) that change owner. */
export interface RangeMove {
  readonly start: number;
  readonly end: number;
  readonly from: string;
  readonly to: string;
}

/** A table slot (Maglev) or bucket (jump hash) whose node changes. */
export interface BucketMove {
  readonly bucket: number;
  readonly from: string;
  readonly to: string;
}

/**
 * What moves between two placements of the same scheme; see {@link rebalancePlan}.
 *
 * @example
 * ```ts
 * const plan: RebalancePlan = rebalancePlan(ring, ring.withNode('d'));
 * plan.movedFraction / plan.idealFraction; // ~1 for a ring
 * ```
 */
export interface RebalancePlan {
  readonly scheme: Scheme;
  /**
   * true when fractions are exact shares of the hash space (ring ranges, Maglev slots); false when
   * they are expectations over keys (jump hash, rendezvous).
   */
  readonly exact: boolean;
  /** Flows aggregated by (from, to), largest first. */
  readonly moves: readonly Move[];
  /** Sum of the move fractions: the share of keys that change node. */
  readonly movedFraction: number;
  /**
   * The least any placement could move: half the sum over nodes of |share before - share after|
   * (e.g. 1/(n + 1) when an equal node joins n).
   */
  readonly idealFraction: number;
  /** Ring (and bounded-load) plans: the ranges that move; empty for other schemes. */
  readonly ranges: readonly RangeMove[];
  /** Maglev slots or jump buckets that change node; empty for other schemes. */
  readonly buckets: readonly BucketMove[];
}

const TWO32 = 4294967296;

function shares(p: Placement): Map<string, number> {
  let total = 0;
  for (const id of p.nodes) total += p.weightOf(id);
  return new Map(p.nodes.map((id) => [id, p.weightOf(id) / total]));
}

function ideal(before: Placement, after: Placement): number {
  const a = shares(before);
  const b = shares(after);
  let sum = 0;
  for (const [id, s] of a) sum += Math.abs(s - (b.get(id) ?? 0));
  for (const [id, s] of b) if (!a.has(id)) sum += s;
  return sum / 2;
}

class Flows {
  private readonly m = new Map<string, Map<string, number>>();
  add(from: string, to: string, f: number): void {
    if (from === to || f === 0) return;
    let row = this.m.get(from);
    if (!row) this.m.set(from, (row = new Map()));
    row.set(to, (row.get(to) ?? 0) + f);
  }
  list(): Move[] {
    const out: Move[] = [];
    for (const [from, row] of this.m) for (const [to, fraction] of row) out.push({ from, to, fraction });
    return out.sort((x, y) => y.fraction - x.fraction || (x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : 1));
  }
}

function finish(scheme: Scheme, exact: boolean, flows: Flows, before: Placement, after: Placement, ranges: RangeMove[], buckets: BucketMove[]): RebalancePlan {
  const moves = flows.list();
  let moved = 0;
  for (const mv of moves) moved += mv.fraction;
  return { scheme, exact, moves, movedFraction: moved, idealFraction: ideal(before, after), ranges, buckets };
}

function ringPlan(scheme: Scheme, before: HashRing, after: HashRing): RebalancePlan {
  const a = before.arcs();
  const b = after.arcs();
  const na = a.points.length, nb = b.points.length;
  const ranges: RangeMove[] = [];
  const flows = new Flows();
  const emit = (start: number, end: number, ia: number, ib: number): void => {
    const from = a.ids[a.owners[ia === na ? 0 : ia]!]!;
    const to = b.ids[b.owners[ib === nb ? 0 : ib]!]!;
    if (from === to) return;
    flows.add(from, to, (end - start + 1) / TWO32);
    const last = ranges[ranges.length - 1];
    if (last && last.end + 1 === start && last.from === from && last.to === to) ranges[ranges.length - 1] = { ...last, end };
    else ranges.push({ start, end, from, to });
  };
  // Walk the union of both rings' points; between two consecutive union points each ring has
  // one owner: the owner of its first point at or after the segment's end.
  let ia = 0, ib = 0;
  let start = 0;
  while (ia < na || ib < nb) {
    const pa = ia < na ? a.points[ia]! : TWO32;
    const pb = ib < nb ? b.points[ib]! : TWO32;
    const u = Math.min(pa, pb);
    if (u >= start) {
      emit(start, u, ia, ib);
      start = u + 1;
    }
    // Several points at u: the first one owns it; skip the rest of this position.
    while (ia < na && a.points[ia]! === u) ia++;
    while (ib < nb && b.points[ib]! === u) ib++;
  }
  if (start <= TWO32 - 1) emit(start, TWO32 - 1, na, nb);
  return finish(scheme, true, flows, before, after, ranges, []);
}

function jumpPlan(before: JumpHash, after: JumpHash): RebalancePlan {
  // Jump hash's law: from n1 to n2 > n1 buckets a key keeps its bucket with probability n1 / n2
  // and otherwise lands uniformly in [n1, n2), whatever its old bucket. So the joint share of
  // (old bucket a, new bucket b) is 1/n2 when a = b, 1/(n1 n2) when b >= n1, and 0 otherwise;
  // shrinking is the same law read backwards. It holds for keys hashed the same way on both sides.
  if (before.seed !== after.seed || before.integerKeys !== after.integerKeys) {
    throw new ShardError('MISMATCH', `jump hash plans need the same seed and integerKeys (got ${before.seed}/${before.integerKeys} and ${after.seed}/${after.integerKeys})`);
  }
  const x = before.nodes, y = after.nodes;
  const n1 = x.length, n2 = y.length;
  const flows = new Flows();
  const buckets: BucketMove[] = [];
  const lo = Math.min(n1, n2), hi = Math.max(n1, n2);
  for (let i = 0; i < lo; i++) {
    if (x[i] !== y[i]) buckets.push({ bucket: i, from: x[i]!, to: y[i]! });
    flows.add(x[i]!, y[i]!, 1 / hi);
  }
  if (n2 > n1) {
    for (let a = 0; a < n1; a++) for (let b = n1; b < n2; b++) flows.add(x[a]!, y[b]!, 1 / (n1 * n2));
  } else if (n1 > n2) {
    for (let a = n2; a < n1; a++) for (let b = 0; b < n2; b++) flows.add(x[a]!, y[b]!, 1 / (n1 * n2));
  }
  return finish('jump', false, flows, before, after, [], buckets);
}

function rendezvousPlan(before: Rendezvous, after: Rendezvous): RebalancePlan {
  // Weighted rendezvous is an exponential race: a node of weight w draws Exp(w) per key and the
  // smallest draw wins. Nodes in both placements share their draws. If the overall winner over
  // the union is in both, nothing moves; if it is only before (a), the new owner is the winner of
  // `after`, independent of a; likewise for a winner only after.
  // A node whose weight changed is treated as leaving and joining (an approximation: its draws
  // are in fact correlated).
  const wa = new Map(before.nodes.map((id) => [id, before.weightOf(id)]));
  const wb = new Map(after.nodes.map((id) => [id, after.weightOf(id)]));
  const same = (id: string): boolean => wb.has(id) && wb.get(id) === wa.get(id);
  let Wa = 0, Wb = 0, Wu = 0;
  for (const [, w] of wa) Wa += w;
  for (const [, w] of wb) Wb += w;
  Wu = Wa;
  for (const [id, w] of wb) if (!same(id)) Wu += w;
  const flows = new Flows();
  for (const [a, w1] of wa) {
    for (const [b, w2] of wb) {
      let f = 0;
      if (!same(a)) f += (w1 / Wu) * (w2 / Wb);
      if (!same(b)) f += (w2 / Wu) * (w1 / Wa);
      flows.add(a, b, f);
    }
  }
  return finish('rendezvous', false, flows, before, after, [], []);
}

function maglevPlan(before: Maglev, after: Maglev): RebalancePlan {
  if (before.tableSize !== after.tableSize || before.seed !== after.seed) {
    throw new ShardError('MISMATCH', `Maglev plans need the same table size and seed (got ${before.tableSize}/${before.seed} and ${after.tableSize}/${after.seed})`);
  }
  const ea = before.entries(), eb = after.entries();
  const x = before.nodes, y = after.nodes;
  const m = before.tableSize;
  const flows = new Flows();
  const buckets: BucketMove[] = [];
  for (let s = 0; s < m; s++) {
    const from = x[ea[s]!]!, to = y[eb[s]!]!;
    if (from !== to) {
      buckets.push({ bucket: s, from, to });
      flows.add(from, to, 1 / m);
    }
  }
  return finish('maglev', true, flows, before, after, [], buckets);
}

/**
 * Which keys move from which node to which between two placements of the same scheme — say,
 * `p` and `p.withNode('n9')` — so that data can be copied before traffic switches.
 *
 * - `HashRing` (and `BoundedLoad`, for its ring order): the exact ranges of ring positions.
 * - `Maglev`: the exact table slots.
 * - `JumpHash`: the buckets that change node and the expected flows.
 * - `Rendezvous`: the expected flows (every key could be checked with `lookup`).
 *
 * @param before - the current placement
 * @param after - the next placement, same scheme
 * @returns the plan; `movedFraction` against `idealFraction` says how close to minimal it is
 * @throws ShardError `MISMATCH` for different schemes or Maglev tables; `EMPTY` when either has no nodes
 * @example
 * ```ts
 * const a = new HashRing(['a', 'b', 'c']);
 * const plan = rebalancePlan(a, a.withNode('d'));
 * plan.moves; // [{ from: 'b', to: 'd', fraction: 0.09 }, ...], all to 'd'
 * ```
 */
export function rebalancePlan(before: Placement, after: Placement): RebalancePlan {
  if (before.scheme !== after.scheme) {
    throw new ShardError('MISMATCH', `cannot plan from a ${shown(before.scheme)} placement to a ${shown(after.scheme)} one; compare placements of the same scheme`);
  }
  if (before.size === 0 || after.size === 0) {
    throw new ShardError('EMPTY', 'a rebalance plan needs nodes on both sides; with no nodes every key is unplaced');
  }
  if (before instanceof HashRing && after instanceof HashRing) return ringPlan('ring', before, after);
  if (before instanceof BoundedLoad && after instanceof BoundedLoad) return ringPlan('bounded', before.ring, after.ring);
  if (before instanceof JumpHash && after instanceof JumpHash) return jumpPlan(before, after);
  if (before instanceof Rendezvous && after instanceof Rendezvous) return rendezvousPlan(before, after);
  if (before instanceof Maglev && after instanceof Maglev) return maglevPlan(before, after);
  throw new ShardError('MISMATCH', 'rebalancePlan takes placements made by this package');
}

/**
 * Measures how many of `keys` change node between two placements (any schemes): the empirical
 * check of a plan, and the figure the benchmark reports.
 *
 * @param keys - sample keys
 * @returns moved count, total count and their ratio (0 for no keys)
 * @throws ShardError from `lookup` (`EMPTY`, `BAD_KEY`)
 * @example
 * ```ts
 * movedKeys(ring, ring.withNode('x'), ['k1', 'k2']).fraction;
 * ```
 */
export function movedKeys(before: Placement, after: Placement, keys: Iterable<Key>): { moved: number; total: number; fraction: number } {
  let moved = 0, total = 0;
  for (const k of keys) {
    total++;
    if (before.lookup(k) !== after.lookup(k)) moved++;
  }
  return { moved, total, fraction: total === 0 ? 0 : moved / total };
}
