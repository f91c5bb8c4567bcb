import { SocialGraph } from '@chorus/friends';
import { ServiceError } from '../errors.js';
import type { Caller, PublicUser, Service } from '../Service.js';
import type { FeatureStore, FriendRequest, Friendship } from './FeatureStore.js';

/** Options of {@link Social}. */
export interface SocialOptions {
  service: Service;
  store: FeatureStore;
  /** Called when someone should be told (friend request, acceptance). */
  notify(userId: string, kind: 'friend_request' | 'friend_accept', actorId: string): Promise<void>;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
}

/** A "people you may know" suggestion with its reasons. */
export interface PersonSuggestion {
  user: PublicUser;
  score: number;
  mutualFriends: number;
  sharedGuilds: number;
}

/** A "communities your friends are in" suggestion with its reasons. */
export interface GuildSuggestion {
  guildId: string;
  name: string;
  score: number;
  /** Friends of the caller in it. */
  friends: number;
  members: number;
}

/** A friend as the caller sees them. */
export interface FriendView {
  user: PublicUser;
  since: number;
  interactions: number;
}

const FRIENDS_PAGE = 5000;
const publicOf = (u: { id: string; username: string; nickname: string; about: string; presence: PublicUser['presence'] }): PublicUser => ({ id: u.id, username: u.username, nickname: u.nickname, about: u.about, presence: u.presence });

/** Interaction weight of a friendship: grows with messages exchanged, slowly. */
function weightOf(interactions: number): number {
  return 1 + Math.log2(1 + interactions);
}

/**
 * Friends, friend requests, blocks and suggestions. The store holds the truth; a
 * @chorus/friends {@link SocialGraph} mirrors it in memory (loaded once at start, then changed
 * with every request, friendship, block and guild membership), so suggestions are always
 * current without a nightly rebuild. Blocked users are never suggested to each other, cannot
 * send each other requests, and (through the service hooks) cannot open DMs or message.
 *
 * @example
 * ```ts
 * const social = new Social({ service, store: store.features, notify: async () => {} });
 * await social.load();
 * await social.sendRequest(caller, otherUserId);
 * ```
 */
export class Social {
  /** The in-memory mirror the suggestions come from. */
  readonly graph: SocialGraph = new SocialGraph();
  private readonly service: Service;
  private readonly store: FeatureStore;
  private readonly notify: SocialOptions['notify'];
  private readonly now: () => number;

  /**
   * @param options - service, store, notification sink, clock
   */
  constructor(options: SocialOptions) {
    this.service = options.service;
    this.store = options.store;
    this.notify = options.notify;
    this.now = options.now ?? Date.now;
  }

  /** Loads friendships, requests, blocks and guild memberships into the graph (at start). */
  async load(): Promise<void> {
    for (let after: string | undefined; ; ) {
      const page = await this.store.listAllFriendships(after, FRIENDS_PAGE);
      for (const f of page) this.graph.addFriendship(f.userId, f.friendId, { weight: weightOf(f.interactions) });
      if (page.length < FRIENDS_PAGE) break;
      after = `${page[page.length - 1]!.userId}:${page[page.length - 1]!.friendId}`;
    }
    for (let after: string | undefined; ; ) {
      const page = await this.store.listMemberships(after, FRIENDS_PAGE);
      for (const [u, g] of page) this.graph.addMembership(u, g);
      if (page.length < FRIENDS_PAGE) break;
      after = `${page[page.length - 1]![1]}:${page[page.length - 1]![0]}`;
    }
    for (const [a, b] of await this.store.listAllBlocks()) if (!this.graph.isBlocked(a, b)) this.graph.block(a, b);
  }

  /** Pending requests are read from the store per user, so the graph needs only the blocks and edges. */
  private async user(id: string): Promise<PublicUser> {
    const u = await this.service.store.getUser(id);
    if (!u) throw new ServiceError('not_found', 'user does not exist');
    return publicOf(u);
  }

  /**
   * Sends a friend request; if the other person already asked, it becomes a friendship.
   * @param caller - who asks
   * @param userId - whom
   * @returns `pending` or `accepted`
   * @throws ServiceError `validation` (oneself), `not_found` (no such user, or a block either way), `conflict` (already friends)
   */
  async sendRequest(caller: Caller, userId: string): Promise<'pending' | 'accepted'> {
    if (userId === caller.userId) throw new ServiceError('validation', 'you cannot befriend yourself');
    await this.user(userId);
    // A block either way looks like an unknown user: the blocked person learns nothing.
    if (await this.store.blockedEither(caller.userId, userId)) throw new ServiceError('not_found', 'user does not exist');
    if (this.graph.hasFriendship(caller.userId, userId)) throw new ServiceError('conflict', 'you are already friends');
    const { incoming } = await this.store.listRequests(caller.userId);
    if (incoming.some((r) => r.fromId === userId)) {
      await this.accept(caller, userId);
      return 'accepted';
    }
    if (await this.store.createRequest({ fromId: caller.userId, toId: userId, createdAt: this.now() })) {
      this.service.fanOut.publish(`user:${userId}`, { t: 'FRIEND_REQUEST_CREATE', d: { fromId: caller.userId, toId: userId } });
      await this.notify(userId, 'friend_request', caller.userId);
    }
    return 'pending';
  }

  /**
   * Accepts a request someone sent the caller.
   * @param caller - the addressee
   * @param fromId - who asked
   * @throws ServiceError `not_found` when there is no such request
   */
  async accept(caller: Caller, fromId: string): Promise<void> {
    const { incoming } = await this.store.listRequests(caller.userId);
    if (!incoming.some((r) => r.fromId === fromId)) throw new ServiceError('not_found', 'no friend request from this user');
    await this.store.createFriendship(caller.userId, fromId, this.now());
    if (!this.graph.hasFriendship(caller.userId, fromId)) this.graph.addFriendship(caller.userId, fromId, { weight: weightOf(0) });
    for (const u of [caller.userId, fromId]) this.service.fanOut.publish(`user:${u}`, { t: 'FRIEND_ADD', d: { userId: u === caller.userId ? fromId : caller.userId } });
    // Each now sees the other's presence (as Ready would list it after a reconnect).
    for (const [to, of] of [[caller.userId, fromId], [fromId, caller.userId]] as const) {
      const status = (await this.service.store.getUser(of))?.presence ?? 'offline';
      this.service.fanOut.publish(`user:${to}`, { t: 'PRESENCE_UPDATE', d: { userId: of, status, guildId: null } });
    }
    await this.notify(fromId, 'friend_accept', caller.userId);
  }

  /**
   * Declines a request to the caller, or cancels one the caller sent.
   * @param caller - either side
   * @param userId - the other side
   * @throws ServiceError `not_found` when there is no request between them
   */
  async dropRequest(caller: Caller, userId: string): Promise<void> {
    const declined = await this.store.deleteRequest(userId, caller.userId);
    const cancelled = await this.store.deleteRequest(caller.userId, userId);
    if (!declined && !cancelled) throw new ServiceError('not_found', 'no friend request between you and this user');
    for (const u of [caller.userId, userId]) this.service.fanOut.publish(`user:${u}`, { t: 'FRIEND_REQUEST_DELETE', d: { fromId: declined ? userId : caller.userId, toId: declined ? caller.userId : userId } });
  }

  /**
   * Ends a friendship.
   * @param caller - one friend
   * @param userId - the other
   * @throws ServiceError `not_found` when they are not friends
   */
  async unfriend(caller: Caller, userId: string): Promise<void> {
    if (!(await this.store.deleteFriendship(caller.userId, userId))) throw new ServiceError('not_found', 'you are not friends with this user');
    this.graph.removeFriendship(caller.userId, userId);
    for (const u of [caller.userId, userId]) this.service.fanOut.publish(`user:${u}`, { t: 'FRIEND_REMOVE', d: { userId: u === caller.userId ? userId : caller.userId } });
  }

  /**
   * Blocks a user: ends friendship and requests; neither is suggested to the other, and they
   * cannot request, open a DM with, or message each other in DMs.
   * @param caller - who blocks
   * @param userId - whom
   * @throws ServiceError `validation` (oneself), `not_found` (no such user)
   */
  async block(caller: Caller, userId: string): Promise<void> {
    if (userId === caller.userId) throw new ServiceError('validation', 'you cannot block yourself');
    await this.user(userId);
    const wereFriends = this.graph.hasFriendship(caller.userId, userId);
    await this.store.block(caller.userId, userId, this.now());
    if (!this.graph.isBlocked(caller.userId, userId)) this.graph.block(caller.userId, userId);
    if (wereFriends) this.service.fanOut.publish(`user:${userId}`, { t: 'FRIEND_REMOVE', d: { userId: caller.userId } });
    this.service.fanOut.publish(`user:${caller.userId}`, { t: 'BLOCK_ADD', d: { userId } });
  }

  /**
   * Lifts a block.
   * @param caller - who blocked
   * @param userId - whom
   * @throws ServiceError `not_found` when there was no block
   */
  async unblock(caller: Caller, userId: string): Promise<void> {
    if (!(await this.store.unblock(caller.userId, userId))) throw new ServiceError('not_found', 'you do not block this user');
    this.graph.unblock(caller.userId, userId);
  }

  /**
   * Whether either user blocks the other.
   * @param a - one user
   * @param b - the other
   * @returns true when blocked either way
   */
  blockedEither(a: string, b: string): boolean {
    return this.graph.isBlocked(a, b) || this.graph.isBlocked(b, a);
  }

  /**
   * @param caller - who
   * @returns friends with their interaction counts
   */
  async friends(caller: Caller): Promise<FriendView[]> {
    const out: FriendView[] = [];
    for (const f of await this.store.listFriends(caller.userId)) out.push({ user: await this.user(f.friendId), since: f.since, interactions: f.interactions });
    return out;
  }

  /**
   * @param caller - who
   * @returns pending requests to and from the caller
   */
  requests(caller: Caller): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
    return this.store.listRequests(caller.userId);
  }

  /**
   * @param caller - who
   * @returns ids the caller blocks
   */
  blocks(caller: Caller): Promise<string[]> {
    return this.store.listBlocks(caller.userId);
  }

  /**
   * Counts a message between two friends (a DM, a reply or a mention) towards their interaction
   * weight, which ranks suggestions through them.
   * @param a - author
   * @param b - the other person
   */
  async interacted(a: string, b: string): Promise<void> {
    if (a === b || !this.graph.hasFriendship(a, b)) return;
    const count: Friendship['interactions'] | undefined = await this.store.addInteraction(a, b);
    if (count !== undefined && this.graph.hasFriendship(a, b)) this.graph.setInteraction(a, b, weightOf(count));
  }

  /**
   * Follows guild membership changes.
   * @param userId - member
   * @param guildId - guild
   * @param joined - true when they joined, false when they left
   */
  membership(userId: string, guildId: string, joined: boolean): void {
    // Events may repeat a membership (GUILD_CREATE and a re-sent join); the graph refuses duplicates.
    if (joined) {
      if (!this.graph.guildsOf(userId).includes(guildId)) this.graph.addMembership(userId, guildId);
    }
    else this.graph.removeMembership(userId, guildId);
  }

  /**
   * A guild was deleted: nobody is a member any more.
   * @param guildId - the guild
   */
  guildDeleted(guildId: string): void {
    for (const u of this.graph.membersOf(guildId)) this.graph.removeMembership(u, guildId);
  }

  /**
   * "People you may know": friends of friends and members of shared small guilds, never a
   * friend, a pending request or anyone blocked either way.
   * @param caller - who
   * @param k - how many @defaultValue 10
   * @returns suggestions with their reasons
   */
  async suggestPeople(caller: Caller, k = 10): Promise<PersonSuggestion[]> {
    const { incoming, outgoing } = await this.store.listRequests(caller.userId);
    const pending = new Set([...incoming.map((r) => r.fromId), ...outgoing.map((r) => r.toId)]);
    const out: PersonSuggestion[] = [];
    for (const r of this.graph.recommend(caller.userId, { k: k + pending.size })) {
      const id = String(r.user);
      if (pending.has(id)) continue;
      const u = await this.service.store.getUser(id);
      if (u) out.push({ user: publicOf(u), score: r.score, mutualFriends: r.mutualFriends, sharedGuilds: r.sharedGuilds });
      if (out.length === k) break;
    }
    return out;
  }

  /**
   * "Communities your friends are in", which the caller is not in.
   * @param caller - who
   * @param k - how many @defaultValue 10
   * @returns suggestions with their reasons
   */
  async suggestGuilds(caller: Caller, k = 10): Promise<GuildSuggestion[]> {
    const out: GuildSuggestion[] = [];
    for (const g of this.graph.recommendGuilds(caller.userId, { k })) {
      const guild = await this.service.store.getGuild(String(g.guild));
      if (guild) out.push({ guildId: guild.id, name: guild.name, score: g.score, friends: g.friends, members: g.members });
    }
    return out;
  }
}
