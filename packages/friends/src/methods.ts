import { FriendsError } from './errors.js';
import { shown } from './options.js';

/**
 * How two users' similarity is scored (Liben-Nowell and Kleinberg 2007; Zhou, Lü and Zhang 2009):
 *
 * - `common-neighbors`: |N(a) ∩ N(b)|.
 * - `jaccard`: |N(a) ∩ N(b)| / |N(a) ∪ N(b)|.
 * - `weighted-jaccard`: Σ min(w_a, w_b) / Σ max(w_a, w_b) over the interaction weights of the two
 *   users' friends (a friend missing on one side weighs 0 there).
 * - `adamic-adar`: Σ over common friends z of 1 / ln(deg z).
 * - `resource-allocation`: Σ over common friends z of 1 / deg z.
 * - `hybrid` (the default): weighted resource allocation over friends, Σ w(a,z)·w(z,b) / s(z) with
 *   s(z) the sum of z's interaction weights, plus `guildWeight` × Σ over shared guilds g of
 *   1 / |g| (resource allocation through small communities). With unit weights and no guilds it
 *   equals resource allocation.
 */
export type SimilarityMethod =
  | 'jaccard'
  | 'weighted-jaccard'
  | 'common-neighbors'
  | 'adamic-adar'
  | 'resource-allocation'
  | 'hybrid';

/**
 * Every {@link SimilarityMethod}, in a stable order.
 *
 * @example
 * ```ts
 * for (const method of SIMILARITY_METHODS) console.log(method, graph.similarity('ann', 'bob', method));
 * ```
 */
export const SIMILARITY_METHODS: readonly SimilarityMethod[] = Object.freeze([
  'jaccard',
  'weighted-jaccard',
  'common-neighbors',
  'adamic-adar',
  'resource-allocation',
  'hybrid',
] as const);

/**
 * Throws unless `method` names a {@link SimilarityMethod}.
 *
 * @param method - the value to check
 * @throws {@link FriendsError} `invalid-option`
 */
export function checkMethod(method: unknown): asserts method is SimilarityMethod {
  if (typeof method !== 'string' || !(SIMILARITY_METHODS as readonly string[]).includes(method)) {
    throw new FriendsError('invalid-option', `method must be one of ${SIMILARITY_METHODS.join(', ')}; got ${shown(method)}`);
  }
}
