import { FriendsError } from './errors.js';
import { GraphCore } from './GraphCore.js';
import { checkId, type Id, type IdInterner } from './IdInterner.js';
import { checkMethod, SIMILARITY_METHODS, type SimilarityMethod } from './methods.js';
import { choiceOption, intOption, numberOption, shown } from './options.js';
import { recommendDense } from './recommend.js';
import { recommendGuildsDense } from './recommendGuilds.js';
import type { SortedAdjacency } from './SortedAdjacency.js';
import { commonCount, similarityDense } from './similarity.js';

/** Largest finite float32, the storage type of weights. */
const MAX_WEIGHT = 3.4028234663852886e38;

/** Options of {@link SocialGraph.addFriendship}. */
export interface FriendshipOptions {
  /**
   * Interaction strength of the friendship, used by `weighted-jaccard` and `hybrid`; stored as a
   * float32, so it must be positive and finite.
   * @defaultValue 1
   */
  weight?: number;
}

/** Options of {@link SocialGraph.recommend}. */
export interface RecommendOptions {
  /**
   * How many suggestions to return, 1..10 000.
   * @defaultValue 10
   */
  k?: number;
  /**
   * The scoring index.
   * @defaultValue 'hybrid'
   */
  method?: SimilarityMethod;
  /**
   * Most distinct candidates a query admits (1..10 000 000); it also bounds the work: expansion
   * stops after reading 32 × maxCandidates adjacency entries.
   * @defaultValue 10 000
   */
  maxCandidates?: number;
  /**
   * Friends with more friends than this (and guilds with more members) are not expanded into
   * candidates, though they may still be recommended. At least 1.
   * @defaultValue 1000
   */
  hubDegreeCutoff?: number;
  /**
   * Weight of the shared-guild signal in `hybrid` (0 turns it off), 0..1 000 000.
   * @defaultValue 1
   */
  guildWeight?: number;
}

/** Options of {@link SocialGraph.recommendGuilds}. */
export interface GuildRecommendOptions {
  /**
   * How many guilds to return, 1..10 000.
   * @defaultValue 10
   */
  k?: number;
  /**
   * Most distinct guilds a query admits; it also bounds the work to 32 × maxCandidates entries.
   * @defaultValue 10 000
   */
  maxCandidates?: number;
}

/** Options of {@link SocialGraph.similarity}. */
export interface SimilarityOptions {
  /**
   * Weight of the shared-guild signal in `hybrid`.
   * @defaultValue 1
   */
  guildWeight?: number;
}

/** One "people you may know" suggestion and why it was made. */
export interface Recommendation {
  /** The suggested user. */
  user: Id;
  /** Its score under the chosen method (higher is better). */
  score: number;
  /** How many friends the two users have in common. */
  mutualFriends: number;
  /** How many guilds both belong to. */
  sharedGuilds: number;
}

/** One "communities your friends are in" suggestion. */
export interface GuildRecommendation {
  /** The suggested guild. */
  guild: Id;
  /** Summed interaction weight of the user's friends in it, over log2(1 + members). */
  score: number;
  /** How many of the user's friends are members. */
  friends: number;
  /** How many members it has. */
  members: number;
}

/** Result of {@link SocialGraph.sendRequest}. */
export type RequestOutcome = 'pending' | 'accepted';

/**
 * A social graph of users, friendships with interaction weights, guild memberships, blocks and
 * pending friend requests, with friend and guild recommendations.
 *
 * Ids (strings or safe integers) are interned to dense integers and adjacency lives in sorted
 * typed-array rows of one shared arena, so an edge costs a few dozen bytes and every update is
 * O(degree). Reads of unknown users return empty results; writes validate and throw
 * {@link FriendsError}.
 *
 * @example
 * ```ts
 * const g = new SocialGraph();
 * g.addFriendship('ann', 'bob');
 * g.addFriendship('bob', 'cid');
 * g.recommend('ann'); // [{ user: 'cid', score: 0.5, mutualFriends: 1, sharedGuilds: 0 }]
 * ```
 */
export class SocialGraph {
  /**
   * One empty graph held as long as the class (about 5 kB), never read. V8 ties optimised code
   * to the hidden classes it was compiled for and throws it away when no object of those classes
   * is left ("weak objects" deoptimisation). Without it, a graph built after every earlier one
   * was garbage-collected ran unoptimised until the insert path was recompiled — tens of
   * milliseconds, most of the build time of the 88 k-edge ego-Facebook graph (issue 7). A
   * static field, because a module-level constant nothing reads is not kept alive.
   */
  static readonly #shapeKeeper: SocialGraph = new SocialGraph();
  readonly #core: GraphCore = new GraphCore();

  /** Number of users seen (in any relation). */
  get userCount(): number {
    return this.#core.users.size;
  }

  /** Number of guilds seen. */
  get guildCount(): number {
    return this.#core.guilds.size;
  }

  /** Number of friendships (undirected). */
  get friendshipCount(): number {
    return this.#core.friends.entries / 2;
  }

  /**
   * Makes `a` and `b` friends, dropping any pending request between them.
   *
   * @param a - one user
   * @param b - the other user
   * @param options - {@link FriendshipOptions}
   * @throws {@link FriendsError} `invalid-id`, `self-loop`, `duplicate-edge` (already friends),
   *   `blocked` (either blocked the other), `invalid-weight`, `invalid-option`
   */
  addFriendship(a: Id, b: Id, options?: FriendshipOptions): void {
    const w = checkWeight(numberOrUndefined(options), 'weight');
    const [x, y] = this.#pair(a, b, 'friendship');
    const core = this.#core;
    if (core.blockedEitherWay(x, y)) throw new FriendsError('blocked', `${show(a)} and ${show(b)} cannot be friends: one blocked the other; unblock first`);
    if (!core.addFriendship(x, y, w)) throw new FriendsError('duplicate-edge', `${show(a)} and ${show(b)} are already friends`);
    core.clearRequests(x, y);
  }

  /**
   * Ends the friendship of `a` and `b`.
   *
   * @param a - one user
   * @param b - the other user
   * @returns false when they were not friends
   * @throws {@link FriendsError} `invalid-id`
   */
  removeFriendship(a: Id, b: Id): boolean {
    const pair = this.#known(a, b);
    return pair !== undefined && this.#core.removeFriendship(pair[0], pair[1]);
  }

  /**
   * Whether `a` and `b` are friends.
   *
   * @param a - one user
   * @param b - the other user
   * @returns true when they are
   */
  hasFriendship(a: Id, b: Id): boolean {
    const x = this.#core.users.lookup(a);
    const y = this.#core.users.lookup(b);
    return x >= 0 && y >= 0 && this.#core.friends.has(x, y);
  }

  /**
   * Sets the interaction strength of an existing friendship (messages, calls, reactions ...),
   * used by `weighted-jaccard`, `hybrid` and {@link SocialGraph.recommendGuilds}.
   *
   * @param a - one user
   * @param b - the other user
   * @param score - the new weight: positive, finite, within float32 range
   * @throws {@link FriendsError} `invalid-id`, `invalid-weight`, `not-found` (not friends)
   */
  setInteraction(a: Id, b: Id, score: number): void {
    const w = checkWeight(score, 'interaction score');
    const pair = this.#known(a, b);
    if (pair === undefined || !this.#core.setWeight(pair[0], pair[1], w)) {
      throw new FriendsError('not-found', `${show(a)} and ${show(b)} are not friends; add the friendship before setting its interaction`);
    }
  }

  /**
   * The interaction weight of the friendship of `a` and `b`.
   *
   * @param a - one user
   * @param b - the other user
   * @returns the weight, or undefined when they are not friends
   */
  interaction(a: Id, b: Id): number | undefined {
    const x = this.#core.users.lookup(a);
    const y = this.#core.users.lookup(b);
    return x >= 0 && y >= 0 ? this.#core.friends.weight(x, y) : undefined;
  }

  /**
   * Adds `user` to `guild`.
   *
   * @param user - the user
   * @param guild - the guild (community); guild ids are a namespace apart from user ids
   * @throws {@link FriendsError} `invalid-id`, `duplicate-edge` (already a member)
   */
  addMembership(user: Id, guild: Id): void {
    checkId(user, 'user');
    checkId(guild, 'guild');
    const core = this.#core;
    const u = core.internUser(user);
    const g = core.guilds.intern(guild);
    if (!core.guildsOf.insert(u, g, 1)) throw new FriendsError('duplicate-edge', `${show(user)} is already a member of guild ${show(guild)}`);
    core.membersOf.insert(g, u, 1);
  }

  /**
   * Removes `user` from `guild`.
   *
   * @param user - the user
   * @param guild - the guild
   * @returns false when the user was not a member
   * @throws {@link FriendsError} `invalid-id`
   */
  removeMembership(user: Id, guild: Id): boolean {
    const pair = this.#known(user, guild, this.#core.guilds, 'guild');
    return pair !== undefined && removeMirrored(this.#core.guildsOf, this.#core.membersOf, pair[0], pair[1]);
  }

  /**
   * `blocker` blocks `blocked`: their friendship and pending requests end, and neither is
   * recommended to the other until {@link SocialGraph.unblock}.
   *
   * @param blocker - who blocks
   * @param blocked - who is blocked
   * @throws {@link FriendsError} `invalid-id`, `self-loop`, `duplicate-edge` (already blocked)
   */
  block(blocker: Id, blocked: Id): void {
    const [x, y] = this.#pair(blocker, blocked, 'block');
    const core = this.#core;
    if (!core.blocks.insert(x, y, 1)) throw new FriendsError('duplicate-edge', `${show(blocker)} already blocks ${show(blocked)}`);
    core.removeFriendship(x, y);
    core.clearRequests(x, y);
  }

  /**
   * Lifts a block. The friendship it ended is not restored.
   *
   * @param blocker - who blocked
   * @param blocked - who was blocked
   * @returns false when there was no such block
   * @throws {@link FriendsError} `invalid-id`
   */
  unblock(blocker: Id, blocked: Id): boolean {
    const pair = this.#known(blocker, blocked);
    return pair !== undefined && this.#core.blocks.remove(pair[0], pair[1]) !== undefined;
  }

  /**
   * Whether `blocker` blocks `blocked` (one direction).
   *
   * @param blocker - who may have blocked
   * @param blocked - who may be blocked
   * @returns true when the block exists
   */
  isBlocked(blocker: Id, blocked: Id): boolean {
    const x = this.#core.users.lookup(blocker);
    const y = this.#core.users.lookup(blocked);
    return x >= 0 && y >= 0 && this.#core.blocks.has(x, y);
  }

  /**
   * Sends a friend request. When `to` had already asked `from`, the two become friends at once.
   *
   * @param from - who asks
   * @param to - who is asked
   * @returns `'accepted'` when a reverse request was pending, else `'pending'`
   * @throws {@link FriendsError} `invalid-id`, `self-loop`, `blocked`, `duplicate-edge`
   *   (already friends, or the same request is pending)
   */
  sendRequest(from: Id, to: Id): RequestOutcome {
    const [x, y] = this.#pair(from, to, 'friend request');
    const core = this.#core;
    if (core.blockedEitherWay(x, y)) throw new FriendsError('blocked', `${show(from)} cannot ask ${show(to)}: one blocked the other`);
    if (core.friends.has(x, y)) throw new FriendsError('duplicate-edge', `${show(from)} and ${show(to)} are already friends`);
    if (core.requestsOut.has(y, x)) {
      core.clearRequests(x, y);
      core.addFriendship(x, y, 1);
      return 'accepted';
    }
    if (!core.requestsOut.insert(x, y, 1)) throw new FriendsError('duplicate-edge', `${show(from)} already asked ${show(to)}`);
    core.requestsIn.insert(y, x, 1);
    return 'pending';
  }

  /**
   * Accepts the pending request from `from` to `to`: they become friends.
   *
   * @param from - who asked
   * @param to - who accepts
   * @param options - {@link FriendshipOptions} of the new friendship
   * @throws {@link FriendsError} `invalid-id`, `not-found` (no such request), `invalid-weight`
   */
  acceptRequest(from: Id, to: Id, options?: FriendshipOptions): void {
    const w = checkWeight(numberOrUndefined(options), 'weight');
    const pair = this.#known(from, to);
    const core = this.#core;
    if (pair === undefined || !core.requestsOut.has(pair[0], pair[1])) {
      throw new FriendsError('not-found', `no pending request from ${show(from)} to ${show(to)}`);
    }
    core.clearRequests(pair[0], pair[1]);
    core.addFriendship(pair[0], pair[1], w);
  }

  /**
   * Withdraws or declines the pending request from `from` to `to`.
   *
   * @param from - who asked
   * @param to - who was asked
   * @returns false when no such request was pending
   * @throws {@link FriendsError} `invalid-id`
   */
  cancelRequest(from: Id, to: Id): boolean {
    const pair = this.#known(from, to);
    return pair !== undefined && removeMirrored(this.#core.requestsOut, this.#core.requestsIn, pair[0], pair[1]);
  }

  /**
   * Whether a request from `from` to `to` is pending.
   *
   * @param from - who asked
   * @param to - who was asked
   * @returns true when pending
   */
  hasRequest(from: Id, to: Id): boolean {
    const x = this.#core.users.lookup(from);
    const y = this.#core.users.lookup(to);
    return x >= 0 && y >= 0 && this.#core.requestsOut.has(x, y);
  }

  /**
   * Users who asked `user` and wait for an answer.
   *
   * @param user - the user
   * @returns their ids, in interning order; empty for an unknown user
   */
  incomingRequests(user: Id): Id[] {
    return this.#row(this.#core.requestsIn, this.#core.users.lookup(user));
  }

  /**
   * Users `user` asked, still pending.
   *
   * @param user - the user
   * @returns their ids, in interning order; empty for an unknown user
   */
  outgoingRequests(user: Id): Id[] {
    return this.#row(this.#core.requestsOut, this.#core.users.lookup(user));
  }

  /**
   * The friends of `user`.
   *
   * @param user - the user
   * @returns their ids, in interning order; empty for an unknown user
   */
  friendsOf(user: Id): Id[] {
    return this.#row(this.#core.friends, this.#core.users.lookup(user));
  }

  /**
   * How many friends `user` has.
   *
   * @param user - the user
   * @returns the degree; 0 for an unknown user
   */
  degree(user: Id): number {
    const u = this.#core.users.lookup(user);
    return u < 0 ? 0 : this.#core.friends.degree(u);
  }

  /**
   * The guilds `user` belongs to.
   *
   * @param user - the user
   * @returns guild ids in interning order; empty for an unknown user
   */
  guildsOf(user: Id): Id[] {
    return this.#row(this.#core.guildsOf, this.#core.users.lookup(user), this.#core.guilds);
  }

  /**
   * The members of `guild`.
   *
   * @param guild - the guild
   * @returns user ids in interning order; empty for an unknown guild
   */
  membersOf(guild: Id): Id[] {
    return this.#row(this.#core.membersOf, this.#core.guilds.lookup(guild));
  }

  /**
   * "People you may know": up to `k` users, best first, found by triadic closure (friends of
   * friends, and under `hybrid` co-members of small guilds) and scored by `method`. Never
   * suggests the user, a friend, a user blocked in either direction, or one with a pending
   * request either way. Ties go to the user interned first.
   *
   * Scores equal {@link SocialGraph.similarity} while no friend exceeds `hubDegreeCutoff` and
   * the candidate budget is not reached; past those bounds they count only what was expanded.
   *
   * @param user - whom to recommend for
   * @param options - {@link RecommendOptions}
   * @returns suggestions with their score, mutual friends and shared guilds; empty for an
   *   unknown user
   * @throws {@link FriendsError} `invalid-option`
   * @example
   * ```ts
   * graph.recommend('ann', { k: 5, method: 'adamic-adar' });
   * ```
   */
  recommend(user: Id, options?: RecommendOptions): Recommendation[] {
    const o = {
      k: intOption(options, 'k', 1, 10_000, 10),
      method: choiceOption(options, 'method', SIMILARITY_METHODS, 'hybrid'),
      maxCandidates: intOption(options, 'maxCandidates', 1, 10_000_000, 10_000),
      hubDegreeCutoff: intOption(options, 'hubDegreeCutoff', 1, 0x7fffffff, 1000),
      guildWeight: numberOption(options, 'guildWeight', 0, 1e6, 1),
    };
    const core = this.#core;
    const u = core.users.lookup(user);
    if (u < 0) return [];
    const f = core.friends;
    const g = core.guildsOf;
    return recommendDense(core, u, o).map(({ item, score }) => ({
      user: core.users.idOf(item),
      score,
      mutualFriends: commonCount(f.ids, f.rowStart(u), f.degree(u), f.ids, f.rowStart(item), f.degree(item)),
      sharedGuilds: commonCount(g.ids, g.rowStart(u), g.degree(u), g.ids, g.rowStart(item), g.degree(item)),
    }));
  }

  /**
   * "Communities your friends are in": guilds that friends of `user` belong to and `user` does
   * not, ranked by the summed interaction weight of those friends over log2(1 + members).
   *
   * @param user - whom to recommend for
   * @param options - {@link GuildRecommendOptions}
   * @returns up to `k` guilds, best first; empty for an unknown user
   * @throws {@link FriendsError} `invalid-option`
   * @example
   * ```ts
   * graph.recommendGuilds('ann', { k: 3 });
   * ```
   */
  recommendGuilds(user: Id, options?: GuildRecommendOptions): GuildRecommendation[] {
    const k = intOption(options, 'k', 1, 10_000, 10);
    const maxCandidates = intOption(options, 'maxCandidates', 1, 10_000_000, 10_000);
    const core = this.#core;
    const u = core.users.lookup(user);
    if (u < 0) return [];
    const f = core.friends;
    const m = core.membersOf;
    return recommendGuildsDense(core, u, k, maxCandidates).map(({ item, score }) => ({
      guild: core.guilds.idOf(item),
      score,
      friends: commonCount(f.ids, f.rowStart(u), f.degree(u), m.ids, m.rowStart(item), m.degree(item)),
      members: m.degree(item),
    }));
  }

  /**
   * The similarity of two users under `method`, computed exactly from their whole
   * neighbourhoods. Symmetric; 0 for unknown users and for a user with themselves.
   *
   * @param a - one user
   * @param b - the other user
   * @param method - the index; see {@link SimilarityMethod}
   * @param options - {@link SimilarityOptions}
   * @defaultValue method `'hybrid'`
   * @returns the score (jaccard and weighted-jaccard lie in [0, 1]; the others are >= 0)
   * @throws {@link FriendsError} `invalid-option`
   * @example
   * ```ts
   * graph.similarity('ann', 'cid', 'jaccard'); // 0.5
   * ```
   */
  similarity(a: Id, b: Id, method: SimilarityMethod = 'hybrid', options?: SimilarityOptions): number {
    checkMethod(method);
    const guildWeight = numberOption(options, 'guildWeight', 0, 1e6, 1);
    const x = this.#core.users.lookup(a);
    const y = this.#core.users.lookup(b);
    if (x < 0 || y < 0) return 0;
    return similarityDense(this.#core, x, y, method, guildWeight);
  }

  #pair(a: Id, b: Id, what: string): [number, number] {
    checkId(a, 'user');
    checkId(b, 'user');
    if (a === b) throw new FriendsError('self-loop', `a ${what} needs two different users; got ${show(a)} twice`);
    return [this.#core.internUser(a), this.#core.internUser(b)];
  }

  /** Validates both ids and returns their dense indices, or undefined when either is unknown. */
  #known(a: Id, b: Id, bNames: IdInterner = this.#core.users, bWhat = 'user'): [number, number] | undefined {
    checkId(a, 'user');
    checkId(b, bWhat);
    const x = this.#core.users.lookup(a);
    const y = bNames.lookup(b);
    return x >= 0 && y >= 0 ? [x, y] : undefined;
  }

  #row(adj: SortedAdjacency, r: number, names: IdInterner = this.#core.users): Id[] {
    const out: Id[] = [];
    if (r < 0) return out;
    const s = adj.rowStart(r);
    for (let i = s; i < s + adj.degree(r); i++) out.push(names.idOf(adj.ids[i]!));
    return out;
  }
}

/** Removes x -> y from `forward` and y -> x from `backward`; false when x -> y was absent. */
function removeMirrored(forward: SortedAdjacency, backward: SortedAdjacency, x: number, y: number): boolean {
  if (forward.remove(x, y) === undefined) return false;
  backward.remove(y, x);
  return true;
}

function numberOrUndefined(options: FriendshipOptions | undefined): unknown {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new FriendsError('invalid-option', `options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  return Object.hasOwn(options, 'weight') ? options.weight : undefined;
}

/** Validates a weight and rounds it to the float32 it will be stored as. */
function checkWeight(value: unknown, what: string): number {
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_WEIGHT) {
    throw new FriendsError('invalid-weight', `${what} must be a positive finite number up to ${MAX_WEIGHT}, got ${shown(value)}`);
  }
  const w = Math.fround(value);
  if (w === 0) throw new FriendsError('invalid-weight', `${what} ${value} is too small to store as a float32; use at least 1.4e-45`);
  return w;
}

function show(id: Id): string {
  return typeof id === 'string' ? JSON.stringify(id.length > 64 ? `${id.slice(0, 64)}…` : id) : String(id);
}
