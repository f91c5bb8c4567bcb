import type { GraphCore } from './GraphCore.js';
import { forEachCommon } from './intersect.js';
import type { SimilarityMethod } from './methods.js';

/**
 * Exact similarity of dense users `a` and `b` (see {@link SimilarityMethod}), from one walk over
 * their common friends. A user is not scored against themselves: `a === b` gives 0.
 *
 * @internal
 */
export function similarityDense(core: GraphCore, a: number, b: number, method: SimilarityMethod, guildWeight: number): number {
  if (a === b) return 0;
  const f = core.friends;
  const ids = f.ids;
  const w = f.weights!;
  const strength = core.strength;
  const al = f.degree(a);
  const bl = f.degree(b);
  let cn = 0;
  let aa = 0;
  let ra = 0;
  let wmin = 0;
  let hyb = 0;
  forEachCommon(ids, f.rowStart(a), al, ids, f.rowStart(b), bl, (i, j) => {
    const z = ids[i]!;
    const dz = f.degree(z);
    const wa = w[i]!;
    const wb = w[j]!;
    cn++;
    aa += 1 / Math.log(dz);
    ra += 1 / dz;
    wmin += wa < wb ? wa : wb;
    hyb += (wa * wb) / strength[z]!;
  });
  switch (method) {
    case 'common-neighbors':
      return cn;
    case 'jaccard': {
      const union = al + bl - cn;
      return union === 0 ? 0 : cn / union;
    }
    case 'weighted-jaccard': {
      const den = strength[a]! + strength[b]! - wmin;
      return den <= 0 ? 0 : wmin / den;
    }
    case 'adamic-adar':
      return aa;
    case 'resource-allocation':
      return ra;
    case 'hybrid':
      return guildWeight === 0 ? hyb : hyb + guildWeight * sharedGuildMass(core, a, b);
  }
}

/** Σ over guilds shared by `a` and `b` of 1 / |g|. */
function sharedGuildMass(core: GraphCore, a: number, b: number): number {
  const g = core.guildsOf;
  let sum = 0;
  forEachCommon(g.ids, g.rowStart(a), g.degree(a), g.ids, g.rowStart(b), g.degree(b), (i) => {
    sum += 1 / core.membersOf.degree(g.ids[i]!);
  });
  return sum;
}

/**
 * How many values two sorted runs share.
 *
 * @internal
 */
export function commonCount(a: Int32Array, as: number, al: number, b: Int32Array, bs: number, bl: number): number {
  let n = 0;
  forEachCommon(a, as, al, b, bs, bl, () => {
    n++;
  });
  return n;
}
