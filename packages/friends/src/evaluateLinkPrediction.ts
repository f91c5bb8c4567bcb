import { FriendsError } from './errors.js';
import { checkId, type Id } from './IdInterner.js';
import { checkMethod, SIMILARITY_METHODS, type SimilarityMethod } from './methods.js';
import { intOption, numberOption, rawOption } from './options.js';
import { seededRandom } from './rng.js';
import { SocialGraph, type RecommendOptions } from './SocialGraph.js';

/** Options of {@link evaluateLinkPrediction}. */
export interface LinkPredictionOptions {
  /**
   * Fraction of edges hidden from the training graph, in (0, 1).
   * @defaultValue 0.1
   */
  holdout?: number;
  /**
   * Seed of the split and of every sample.
   * @defaultValue 1
   */
  seed?: number;
  /**
   * Length of each recommendation list.
   * @defaultValue 10
   */
  k?: number;
  /**
   * Methods to evaluate; a random baseline is always added.
   * @defaultValue every {@link SimilarityMethod}
   */
  methods?: readonly SimilarityMethod[];
  /**
   * Interaction weight of each edge, aligned with `edges` (e.g. `EdgeList.weights`); they feed
   * `weighted-jaccard` and `hybrid`.
   * @defaultValue 1 for every edge
   */
  weights?: readonly number[];
  /** `[user, guild]` memberships added to the training graph (they feed `hybrid`). */
  memberships?: ReadonlyArray<readonly [Id, Id]>;
  /**
   * Evaluate at most this many users (a seeded sample of those with a held-out edge).
   * @defaultValue all of them
   */
  maxUsers?: number;
  /**
   * Missing-link / non-link pairs compared for AUC; 0 skips AUC (reported as NaN).
   * @defaultValue 10 000
   */
  aucSamples?: number;
  /** Further options passed to every `recommend` call (`maxCandidates`, `hubDegreeCutoff`, `guildWeight`). */
  recommend?: Omit<RecommendOptions, 'k' | 'method'>;
}

/** The scores of one method. */
export interface MethodScore {
  /** The method, or `'random'` for the baseline. */
  method: SimilarityMethod | 'random';
  /** Mean over evaluated users of hits / k. */
  precisionAtK: number;
  /** Mean over evaluated users of hits / (their held-out edges). */
  recallAtK: number;
  /** Mean average precision at k. */
  map: number;
  /** Probability that a held-out link outscores a random non-link (ties count half). */
  auc: number;
}

/** What {@link evaluateLinkPrediction} found. */
export interface LinkPredictionReport {
  /** The k used. */
  k: number;
  /** Edges in the training graph. */
  trainEdges: number;
  /** Edges held out. */
  testEdges: number;
  /** Users whose recommendations were scored. */
  users: number;
  /** One entry per requested method, then `random`. */
  methods: MethodScore[];
}

/**
 * Link-prediction evaluation (Liben-Nowell and Kleinberg; Lü and Zhou): shuffles the edges with a
 * seeded RNG, hides a `holdout` fraction, builds a {@link SocialGraph} from the rest, asks each
 * user with a hidden edge for `k` recommendations per method and scores them against the hidden
 * edges (precision@k, recall@k, MAP), and samples hidden-link / non-link pairs for AUC. A
 * random recommender (uniform over non-friends) is the baseline. Deterministic for a seed.
 *
 * @param edges - undirected edges, each pair once (see `parseEdgeList`)
 * @param options - {@link LinkPredictionOptions}
 * @returns the report
 * @throws {@link FriendsError} `invalid-option`, and whatever building the graph throws
 *   (`self-loop`, `duplicate-edge`, `invalid-id`)
 * @example
 * ```ts
 * const { edges } = parseEdgeList(text);
 * const report = evaluateLinkPrediction(edges, { holdout: 0.1, seed: 7, k: 10 });
 * report.methods.find((m) => m.method === 'hybrid')?.precisionAtK;
 * ```
 */
export function evaluateLinkPrediction(edges: ReadonlyArray<readonly [Id, Id]>, options?: LinkPredictionOptions): LinkPredictionReport {
  const holdout = numberOption(options, 'holdout', 0, 1, 0.1);
  if (holdout <= 0 || holdout >= 1) throw new FriendsError('invalid-option', `option holdout must lie strictly between 0 and 1, got ${holdout}`);
  const seed = intOption(options, 'seed', -0x80000000, 0xffffffff, 1);
  const k = intOption(options, 'k', 1, 10_000, 10);
  const maxUsers = intOption(options, 'maxUsers', 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const aucSamples = intOption(options, 'aucSamples', 0, 100_000_000, 10_000);
  const methods = readMethods(rawOption(options, 'methods'));
  const extra = rawOption(options, 'recommend') as LinkPredictionOptions['recommend'];
  const memberships = rawOption(options, 'memberships') as LinkPredictionOptions['memberships'];
  if (!Array.isArray(edges)) throw new FriendsError('invalid-option', 'edges must be an array of [a, b] pairs');
  const weights = rawOption(options, 'weights') as readonly number[] | undefined;
  if (weights !== undefined && (!Array.isArray(weights) || weights.length !== edges.length)) {
    throw new FriendsError('invalid-option', `option weights must be an array with one weight per edge (${edges.length})`);
  }

  // Building the whole graph first validates every edge, held-out ones included.
  const full = new SocialGraph();
  for (let i = 0; i < edges.length; i++) {
    const e = edges[i];
    if (!Array.isArray(e) || e.length !== 2) throw new FriendsError('invalid-option', 'each edge must be an [a, b] pair');
    full.addFriendship(e[0], e[1], weights === undefined ? undefined : { weight: weights[i]! });
  }
  if (edges.length < 2) throw new FriendsError('invalid-option', `need at least 2 edges to hold some out, got ${edges.length}`);

  const rnd = seededRandom(seed);
  const order = shuffled(edges.length, rnd);
  const testCount = Math.min(edges.length - 1, Math.max(1, Math.round(edges.length * holdout)));
  const train = new SocialGraph();
  const targets = new Map<Id, Set<Id>>();
  const test: Array<readonly [Id, Id]> = [];
  for (let i = 0; i < order.length; i++) {
    const at = order[i]!;
    const e = edges[at]!;
    if (i < testCount) {
      test.push(e);
      addTarget(targets, e[0], e[1]);
      addTarget(targets, e[1], e[0]);
    } else train.addFriendship(e[0], e[1], weights === undefined ? undefined : { weight: weights[at]! });
  }
  if (memberships !== undefined) {
    if (!Array.isArray(memberships)) throw new FriendsError('invalid-option', 'option memberships must be an array of [user, guild] pairs');
    for (const m of memberships) {
      if (!Array.isArray(m) || m.length !== 2) throw new FriendsError('invalid-option', 'each membership must be a [user, guild] pair');
      train.addMembership(m[0], m[1]);
    }
  }

  const universe = collectNodes(edges);
  let users = [...targets.keys()];
  if (users.length > maxUsers) users = shuffled(users.length, rnd).slice(0, maxUsers).map((i) => users[i]!);
  const aucPairs = aucSamples > 0 ? samplePairs(test, universe, full, aucSamples, rnd) : [];
  const recOptions = extra === undefined ? {} : { ...extra };

  const scores: MethodScore[] = [];
  for (const method of methods) {
    const lists = users.map((u) => train.recommend(u, { ...recOptions, k, method }).map((r) => r.user));
    const guildWeight = recOptions.guildWeight;
    const simOptions = guildWeight === undefined ? undefined : { guildWeight };
    scores.push({
      method,
      ...rankingScores(users, lists, targets, k),
      auc: auc(aucPairs, (a, b) => train.similarity(a, b, method, simOptions)),
    });
  }
  const randomLists = users.map((u) => randomRecommendations(u, universe, train, k, rnd));
  scores.push({ method: 'random', ...rankingScores(users, randomLists, targets, k), auc: auc(aucPairs, () => rnd()) });
  return { k, trainEdges: edges.length - testCount, testEdges: testCount, users: users.length, methods: scores };
}

function readMethods(value: unknown): readonly SimilarityMethod[] {
  if (value === undefined) return SIMILARITY_METHODS;
  if (!Array.isArray(value) || value.length === 0) throw new FriendsError('invalid-option', 'option methods must be a non-empty array of method names');
  for (const m of value) checkMethod(m);
  return value as SimilarityMethod[];
}

function addTarget(targets: Map<Id, Set<Id>>, a: Id, b: Id): void {
  let s = targets.get(a);
  if (s === undefined) targets.set(a, (s = new Set()));
  s.add(b);
}

/** A Fisher-Yates permutation of 0..n-1. */
function shuffled(n: number, rnd: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

function collectNodes(edges: ReadonlyArray<readonly [Id, Id]>): Id[] {
  const s = new Set<Id>();
  for (const [a, b] of edges) {
    checkId(a, 'user');
    s.add(a);
    s.add(b);
  }
  return [...s];
}

function rankingScores(
  users: readonly Id[],
  lists: ReadonlyArray<readonly Id[]>,
  targets: Map<Id, Set<Id>>,
  k: number,
): { precisionAtK: number; recallAtK: number; map: number } {
  let p = 0;
  let r = 0;
  let ap = 0;
  for (let i = 0; i < users.length; i++) {
    const want = targets.get(users[i]!)!;
    const list = lists[i]!;
    let hits = 0;
    let sumPrec = 0;
    for (let j = 0; j < list.length && j < k; j++) {
      if (want.has(list[j]!)) {
        hits++;
        sumPrec += hits / (j + 1);
      }
    }
    p += hits / k;
    r += hits / want.size;
    ap += sumPrec / Math.min(want.size, k);
  }
  const n = users.length === 0 ? 1 : users.length;
  return { precisionAtK: p / n, recallAtK: r / n, map: ap / n };
}

/** Pairs (held-out link, non-link of the full graph) for AUC. */
function samplePairs(
  test: ReadonlyArray<readonly [Id, Id]>,
  universe: readonly Id[],
  full: SocialGraph,
  n: number,
  rnd: () => number,
): Array<[readonly [Id, Id], readonly [Id, Id]]> {
  const out: Array<[readonly [Id, Id], readonly [Id, Id]]> = [];
  // A graph so dense that non-links are rare would make rejection sampling spin; give up then.
  let tries = 0;
  while (out.length < n && tries < n * 100) {
    tries++;
    const x = universe[Math.floor(rnd() * universe.length)]!;
    const y = universe[Math.floor(rnd() * universe.length)]!;
    if (x === y || full.hasFriendship(x, y)) continue;
    out.push([test[Math.floor(rnd() * test.length)]!, [x, y]]);
  }
  return out;
}

function auc(pairs: ReadonlyArray<[readonly [Id, Id], readonly [Id, Id]]>, score: (a: Id, b: Id) => number): number {
  if (pairs.length === 0) return Number.NaN;
  let sum = 0;
  for (const [link, non] of pairs) {
    const s1 = score(link[0], link[1]);
    const s0 = score(non[0], non[1]);
    sum += s1 > s0 ? 1 : s1 === s0 ? 0.5 : 0;
  }
  return sum / pairs.length;
}

/** k users drawn uniformly from the non-friends of `u` (fewer when the graph has fewer). */
function randomRecommendations(u: Id, universe: readonly Id[], train: SocialGraph, k: number, rnd: () => number): Id[] {
  const picked = new Set<Id>();
  const available = universe.length - 1 - train.degree(u);
  const want = Math.min(k, Math.max(0, available));
  while (picked.size < want) {
    const c = universe[Math.floor(rnd() * universe.length)]!;
    if (c !== u && !train.hasFriendship(u, c)) picked.add(c);
  }
  return [...picked];
}
