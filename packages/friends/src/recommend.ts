import type { GraphCore } from './GraphCore.js';
import type { SortedAdjacency } from './SortedAdjacency.js';
import type { SimilarityMethod } from './methods.js';
import { COUNT_ONLY, CONSTANT, HYBRID, MIN_WEIGHT, SHARE } from './Scratch.js';
import { TopK } from './TopK.js';

/** Adjacency entries a query may read per admitted candidate before it stops expanding. */
export const VISITS_PER_CANDIDATE = 32;

/** Up to this many friends, expansion goes from the least to the most connected friend. */
const SORT_LIMIT = 4096;

/** Options of {@link recommendDense}, validated. @internal */
export interface ResolvedRecommendOptions {
  k: number;
  method: SimilarityMethod;
  maxCandidates: number;
  hubDegreeCutoff: number;
  guildWeight: number;
}


/**
 * Candidates for user `u` by triadic closure (friends of friends, and co-members of small guilds
 * under `hybrid`), scored by `method`, best `k` first as (dense index, score).
 *
 * Work is bounded: friends with more than `hubDegreeCutoff` friends (and guilds with more members)
 * are not expanded; at most `maxCandidates` distinct candidates are admitted; expansion stops
 * once `maxCandidates × 32` adjacency entries were read. Least-connected friends go first, as
 * they carry the strongest evidence under the degree-aware indices.
 *
 * @internal
 */
export function recommendDense(core: GraphCore, u: number, o: ResolvedRecommendOptions): Array<{ item: number; score: number }> {
  const f = core.friends;
  const ids = f.ids;
  const w = f.weights!;
  const strength = core.strength;
  const sc = core.userScratch;
  const epoch = sc.begin(core.users.size, o.maxCandidates);
  const { stamp, acc, cnt, touched } = sc;
  const du = f.degree(u);
  const us = f.rowStart(u);
  const cutoff = o.hubDegreeCutoff;
  const maxCandidates = o.maxCandidates;
  const budget = maxCandidates * VISITS_PER_CANDIDATE;

  stamp[u] = -epoch;
  const premarked = du <= maxCandidates;
  if (premarked) for (let i = us; i < us + du; i++) stamp[ids[i]!] = -epoch;
  exclude(core.blocks, u, stamp, epoch);
  exclude(core.requestsOut, u, stamp, epoch);
  exclude(core.requestsIn, u, stamp, epoch);

  const method = o.method;
  const mode =
    method === 'jaccard' || method === 'common-neighbors'
      ? COUNT_ONLY
      : method === 'weighted-jaccard'
        ? MIN_WEIGHT
        : method === 'hybrid'
          ? HYBRID
          : CONSTANT;

  const order = expansionOrder(f, us, du, cutoff, budget);
  let visits = 0;
  for (let p = 0; p < du; p++) {
    const at = us + (order === undefined ? p : order[p]!);
    const z = ids[at]!;
    const dz = f.degree(z);
    if (dz > cutoff) continue;
    if (visits >= budget) break;
    visits += dz;
    const wuz = w[at]!;
    const base = method === 'adamic-adar' ? 1 / Math.log(dz) : method === 'resource-allocation' ? 1 / dz : wuz / strength[z]!;
    const zs = f.rowStart(z);
    sc.accumulate(ids, w, zs, zs + dz, mode, base, wuz, maxCandidates);
  }

  if (method === 'hybrid' && o.guildWeight > 0) {
    const g = core.guildsOf;
    const members = core.membersOf;
    const gs = g.rowStart(u);
    for (let p = gs; p < gs + g.degree(u); p++) {
      const guild = g.ids[p]!;
      const size = members.degree(guild);
      if (size > cutoff) continue;
      if (visits >= budget) break;
      visits += size;
      const ms = members.rowStart(guild);
      sc.accumulate(members.ids, undefined, ms, ms + size, SHARE, o.guildWeight / size, 0, maxCandidates);
    }
  }

  const top = new TopK(o.k);
  const su = strength[u]!;
  for (let t = 0; t < sc.count; t++) {
    const c = touched[t]!;
    if (!premarked && f.has(u, c)) continue;
    if (core.blocks.degree(c) > 0 && core.blocks.has(c, u)) continue;
    let score: number;
    switch (method) {
      case 'common-neighbors':
        score = cnt[c]!;
        break;
      case 'jaccard':
        score = cnt[c]! / (du + f.degree(c) - cnt[c]!);
        break;
      case 'weighted-jaccard':
        score = acc[c]! / (su + strength[c]! - acc[c]!);
        break;
      default:
        score = acc[c]!;
    }
    if (score > 0) top.offer(score, c);
  }
  return top.sorted();
}

function exclude(adj: SortedAdjacency, u: number, stamp: Int32Array, epoch: number): void {
  const s = adj.rowStart(u);
  const d = adj.degree(u);
  for (let i = s; i < s + d; i++) stamp[adj.ids[i]!] = -epoch;
}

/**
 * Friend positions (relative to the row) from least to most connected, when the budget may run
 * out before all are expanded; undefined (row order) when every friend fits or the row is huge.
 */
function expansionOrder(f: SortedAdjacency, us: number, du: number, cutoff: number, budget: number): Int32Array | undefined {
  if (du > SORT_LIMIT) return undefined;
  let total = 0;
  for (let i = us; i < us + du; i++) {
    const d = f.degree(f.ids[i]!);
    if (d <= cutoff) total += d;
  }
  if (total <= budget) return undefined;
  const order = new Int32Array(du);
  for (let i = 0; i < du; i++) order[i] = i;
  const deg = new Int32Array(du);
  for (let i = 0; i < du; i++) deg[i] = f.degree(f.ids[us + i]!);
  order.sort((a, b) => deg[a]! - deg[b]! || a - b);
  return order;
}
