import { ServiceError } from './errors.js';
import type { FanOut } from './FanOut.js';
import { DEFAULT_ARGON2, hashPassword, verifyPassword, type Argon2Params } from './passwords.js';
import {
  ALL_PERMISSIONS,
  DEFAULT_MEMBER_PERMISSIONS,
  MODERATOR_PERMISSIONS,
  Permission,
  channelPermissions,
  guildPermissions,
  has,
  permissionNames,
  type Override,
} from './permissions.js';
import { RateLimiter } from './RateLimiter.js';
import type { Attachment, Message as WireMessage, MessageAuthor } from '@chorus/wire';
import type { ServiceHooks } from './features/hooks.js';
import { SnowflakeGenerator, compareIds, snowflakeTime } from './snowflake.js';
import type { Channel, Guild, HistoryQuery, Invite, Member, Message, Presence, Recipient, Role, Store, User } from './Store.js';
import { TOKEN_PATTERN, newToken, tokenHash } from './tokens.js';
import type { Invalidation } from './invalidation.js';

/** Limits of the service; the defaults follow the product's design. */
export interface ServiceLimits {
  /** @defaultValue 2000 */
  messageChars: number;
  /** Members of a group channel, its creator included. @defaultValue 100 */
  groupMembers: number;
  /** Subscribers of a broadcast channel. @defaultValue 10000 */
  broadcastSubscribers: number;
  /** @defaultValue 20 */
  guildTopics: number;
  /** Failed or not, login attempts per username: burst. @defaultValue 5 */
  loginBurst: number;
  /** Login attempts per username per second, sustained. @defaultValue 0.2 */
  loginPerSecond: number;
  /** Message sends per user: burst. @defaultValue 50 */
  sendBurst: number;
  /** Message sends per user per second, sustained. @defaultValue 20 */
  sendPerSecond: number;
}

/** Defaults of {@link ServiceLimits}. */
export const DEFAULT_LIMITS: ServiceLimits = {
  messageChars: 2000,
  groupMembers: 100,
  broadcastSubscribers: 10_000,
  guildTopics: 20,
  loginBurst: 5,
  loginPerSecond: 0.2,
  sendBurst: 50,
  sendPerSecond: 20,
};

/** Options of {@link Service}. */
export interface ServiceOptions {
  store: Store;
  fanOut: FanOut;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
  /** Snowflake worker id of this node. @defaultValue 0 */
  worker?: number;
  /** Password hashing cost. @defaultValue DEFAULT_ARGON2 */
  argon2?: Argon2Params;
  /** Extension points for media, blocks and the like. @defaultValue none */
  hooks?: ServiceHooks;
  /**
   * Told of every change that made this service drop cached state, so that other processes of
   * a cluster can drop theirs ({@link Service.forget}). @defaultValue none (one process)
   */
  onInvalidate?: (what: Invalidation) => void;
  /** Overrides of {@link DEFAULT_LIMITS}. */
  limits?: Partial<ServiceLimits>;
}

/** Who is calling: resolved from a bearer token by {@link Service.authenticate}. */
export interface Caller {
  userId: string;
  sessionId: string;
}

/** A user as others see them. */
export interface PublicUser {
  id: string;
  username: string;
  nickname: string;
  about: string;
  presence: Presence;
}

/** A session as its owner sees it (never the token or its hash). */
export interface PublicSession {
  id: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string;
  current: boolean;
}

/** What the gateway's Ready frame carries. */
export interface ReadyState {
  user: PublicUser;
  guilds: (Guild & { channels: Channel[]; roles: Role[] })[];
  privateChannels: Channel[];
  presences: { userId: string; presence: Presence }[];
}

interface GuildView {
  guild: Guild;
  roles: Map<string, Role>;
  channels: Map<string, Channel>;
  overrides: Map<string, Override[]>;
  members: Map<string, Member | null>;
  /** Channel permission bits by channel, then member: the gateway asks for every dispatch to every recipient. */
  bits: Map<string, Map<string, number>>;
}

const USERNAME = /^[a-z0-9_.]{2,32}$/;
const MENTION = /<@([1-9][0-9]{0,18})>/g;

function publicUser(u: User): PublicUser {
  return { id: u.id, username: u.username, nickname: u.nickname, about: u.about, presence: u.presence };
}

const notFound = (what: string): ServiceError => new ServiceError('not_found', `${what} does not exist or you cannot see it`);

const unknownVisibility = (): undefined => undefined;
const invisible = (): false => false;

/**
 * The chat service's logic, independent of HTTP and WebSocket: every operation takes the
 * authenticated caller, checks what they may do against guild roles, channel overrides or
 * channel membership, changes the {@link Store} and announces the change on the
 * {@link FanOut}. Browser-safe (no Node APIs); the transports live in `http.ts` and `gateway.ts`.
 *
 * @example
 * ```ts
 * const service = new Service({ store, fanOut: new InProcessFanOut() });
 * const { token } = await service.register({ username: 'ada', password: 'a long passphrase' });
 * const caller = await service.authenticate(token);
 * const guild = await service.createGuild(caller, { name: 'Analytical Engines' });
 * ```
 */
export class Service {
  /** Where everything is kept. */
  readonly store: Store;
  /** Where changes are announced. */
  readonly fanOut: FanOut;
  /** The limits in force. */
  readonly limits: ServiceLimits;
  /** Extension points (media, blocks); features set them after construction. */
  hooks: ServiceHooks;
  private readonly now: () => number;
  private readonly ids: SnowflakeGenerator;
  private readonly argon2: Argon2Params;
  private readonly loginLimiter: RateLimiter;
  private readonly sendLimiter: RateLimiter;
  private readonly onInvalidate: ((what: Invalidation) => void) | undefined;
  private readonly sessions = new Map<string, Caller>();
  private readonly guildViews = new Map<string, GuildView>();
  private readonly recipients = new Map<string, Map<string, Recipient | null>>();
  private readonly channelGuild = new Map<string, Channel | null>();
  private readonly authors = new Map<string, MessageAuthor>();

  /**
   * @param options - store, fan-out, clock, limits
   */
  constructor(options: ServiceOptions) {
    this.store = options.store;
    this.fanOut = options.fanOut;
    this.now = options.now ?? Date.now;
    this.ids = new SnowflakeGenerator({ worker: options.worker ?? 0, now: this.now });
    this.argon2 = options.argon2 ?? DEFAULT_ARGON2;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.hooks = options.hooks ?? {};
    this.onInvalidate = options.onInvalidate;
    this.loginLimiter = new RateLimiter({ capacity: this.limits.loginBurst, perSecond: this.limits.loginPerSecond, now: this.now });
    this.sendLimiter = new RateLimiter({ capacity: this.limits.sendBurst, perSecond: this.limits.sendPerSecond, now: this.now });
  }

  /** A new snowflake id. @returns a decimal id string */
  newId(): string {
    return this.ids.next();
  }

  // ---------------------------------------------------------------- accounts

  /**
   * Creates an account and logs it in.
   *
   * @param input - username (2–32 of a-z 0-9 _ .) and password (8–256 characters)
   * @param userAgent - shown in the sessions list
   * @returns the user and a bearer token
   * @throws ServiceError `validation` for a bad username, `conflict` when it is taken
   */
  async register(input: { username: string; password: string }, userAgent = ''): Promise<{ user: PublicUser; token: string; sessionId: string }> {
    if (!USERNAME.test(input.username)) throw new ServiceError('validation', 'username must be 2 to 32 characters of a-z, 0-9, "_" and "."');
    const user: User = {
      id: this.newId(),
      username: input.username,
      passwordHash: await hashPassword(input.password, this.argon2),
      nickname: input.username,
      about: '',
      presence: 'offline',
      createdAt: this.now(),
    };
    if (!(await this.store.createUser(user))) throw new ServiceError('conflict', `username "${input.username}" is taken; choose another`);
    const s = await this.openSession(user.id, userAgent);
    return { user: publicUser(user), ...s };
  }

  /**
   * Logs in. Attempts are limited per username, failed or not, so passwords cannot be guessed
   * quickly; a wrong username and a wrong password get the same answer.
   *
   * @param input - username and password
   * @param userAgent - shown in the sessions list
   * @returns a bearer token and its session id
   * @throws ServiceError `rate_limited` (with retryAfterMs), `unauthorized`
   */
  async login(input: { username: string; password: string }, userAgent = ''): Promise<{ user: PublicUser; token: string; sessionId: string }> {
    const wait = this.loginLimiter.take(input.username);
    if (wait > 0) throw new ServiceError('rate_limited', `too many login attempts for this username; retry in ${Math.ceil(wait / 1000)} s`, wait);
    const user = await this.store.getUserByName(input.username);
    const ok = await verifyPassword(input.password, user?.passwordHash ?? (await this.dummyHash()));
    if (!user || !ok) throw new ServiceError('unauthorized', 'wrong username or password');
    return { user: publicUser(user), ...(await this.openSession(user.id, userAgent)) };
  }

  private dummy: Promise<string> | undefined;
  // Verifying against a hash of the same cost when the username is unknown makes both failures take as long.
  private dummyHash(): Promise<string> {
    return (this.dummy ??= hashPassword('not a password', this.argon2));
  }

  private async openSession(userId: string, userAgent: string): Promise<{ token: string; sessionId: string }> {
    const token = newToken();
    const sessionId = this.newId();
    const now = this.now();
    await this.store.createSession({ id: sessionId, userId, tokenHash: await tokenHash(token), createdAt: now, lastSeenAt: now, userAgent: userAgent.slice(0, 200) });
    return { token, sessionId };
  }

  /**
   * Resolves a bearer token to its session.
   *
   * @param token - the bearer token
   * @returns the caller
   * @throws ServiceError `unauthorized` for a malformed, unknown or revoked token
   */
  async authenticate(token: string): Promise<Caller> {
    if (!TOKEN_PATTERN.test(token)) throw new ServiceError('unauthorized', 'the Authorization header must be "Bearer <token>" with a token from /auth/login');
    const h = await tokenHash(token);
    const cached = this.sessions.get(h);
    if (cached) return cached;
    const s = await this.store.getSessionByTokenHash(h);
    if (!s) throw new ServiceError('unauthorized', 'this token is unknown or its session was revoked; log in again');
    const caller = { userId: s.userId, sessionId: s.id };
    if (this.sessions.size > 50_000) this.sessions.clear();
    this.sessions.set(h, caller);
    return caller;
  }

  /**
   * Ends the caller's current session.
   * @param caller - who
   */
  async logout(caller: Caller): Promise<void> {
    await this.revokeSession(caller, caller.sessionId);
  }

  /**
   * The caller's sessions.
   * @param caller - who
   * @returns sessions, oldest first, the current one marked
   */
  async listSessions(caller: Caller): Promise<PublicSession[]> {
    return (await this.store.listSessions(caller.userId)).map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt,
      userAgent: s.userAgent,
      current: s.id === caller.sessionId,
    }));
  }

  /**
   * Revokes one of the caller's sessions; its token stops working at once and its gateway
   * connections are closed.
   * @param caller - who
   * @param sessionId - which
   * @throws ServiceError `not_found` when it is not one of the caller's sessions
   */
  async revokeSession(caller: Caller, sessionId: string): Promise<void> {
    if (!(await this.store.deleteSession(caller.userId, sessionId))) throw notFound('session');
    this.changed({ kind: 'session', id: sessionId });
    this.fanOut.publish(`user:${caller.userId}`, { t: 'SESSION_REVOKED', d: { sessionId } });
  }

  // ---------------------------------------------------------------- profiles

  /**
   * The caller's own profile.
   * @param caller - who
   * @returns the profile
   */
  async me(caller: Caller): Promise<PublicUser> {
    const u = await this.store.getUser(caller.userId);
    if (!u) throw notFound('user');
    return publicUser(u);
  }

  /**
   * Another user's profile: visible when the two share a guild or a private channel, or are friends.
   * @param caller - who asks
   * @param userId - whose profile
   * @returns the profile
   * @throws ServiceError `not_found` when it is not visible to the caller
   */
  async profile(caller: Caller, userId: string): Promise<PublicUser> {
    if (userId !== caller.userId && !this.hooks.areFriends?.(caller.userId, userId) && !(await this.store.sharesSpace(caller.userId, userId))) throw notFound('user');
    const u = await this.store.getUser(userId);
    if (!u) throw notFound('user');
    const pub = publicUser(u);
    if (this.hooks.hidesPresence?.(caller.userId, userId)) pub.presence = 'offline';
    return pub;
  }

  /**
   * Changes the caller's nickname, about text or presence and tells everyone who can see them.
   * @param caller - who
   * @param patch - fields to change
   * @returns the new profile
   */
  async updateProfile(caller: Caller, patch: { nickname?: string; about?: string; presence?: Presence }): Promise<PublicUser> {
    const u = await this.store.updateUser(caller.userId, patch);
    if (!u) throw notFound('user');
    const pub = publicUser(u);
    this.changed({ kind: 'user', id: caller.userId });
    for (const g of await this.store.listGuildsOfUser(caller.userId)) {
      if (patch.presence !== undefined) this.fanOut.publish(`guild:${g.id}`, { t: 'PRESENCE_UPDATE', d: { userId: u.id, status: u.presence, guildId: g.id } });
      this.fanOut.publish(`guild:${g.id}`, { t: 'USER_UPDATE', d: pub });
    }
    for (const c of await this.store.listPrivateChannels(caller.userId)) {
      if (c.kind === 'broadcast') continue;
      if (patch.presence !== undefined) this.fanOut.publish(`channel:${c.id}`, { t: 'PRESENCE_UPDATE', d: { userId: u.id, status: u.presence, guildId: null } });
      this.fanOut.publish(`channel:${c.id}`, { t: 'USER_UPDATE', d: pub });
    }
    // Friends see presence without sharing a space (Discord's friends list): to each friend's
    // own topic, which their sessions follow whatever guilds they are in.
    for (const f of this.hooks.friendsOf?.(caller.userId) ?? []) {
      if (patch.presence !== undefined) this.fanOut.publish(`user:${f}`, { t: 'PRESENCE_UPDATE', d: { userId: u.id, status: u.presence, guildId: null } });
      this.fanOut.publish(`user:${f}`, { t: 'USER_UPDATE', d: pub });
    }
    this.fanOut.publish(`user:${caller.userId}`, { t: 'USER_UPDATE', d: pub });
    return pub;
  }

  /**
   * Everything a gateway client needs after Identify.
   * @param caller - who
   * @returns user, guilds with their visible channels and roles, private channels, presences
   *   (of members of the caller's guilds and of the caller's friends)
   */
  async readyState(caller: Caller): Promise<ReadyState> {
    const user = await this.me(caller);
    const guilds: ReadyState['guilds'] = [];
    const presences = new Map<string, Presence>();
    for (const g of await this.store.listGuildsOfUser(caller.userId)) {
      const view = await this.guildView(g.id);
      if (!view) continue;
      const channels = [];
      for (const c of view.channels.values()) if (has(await this.guildChannelBits(view, caller.userId, c), Permission.ViewChannel)) channels.push(c);
      guilds.push({ ...view.guild, channels, roles: [...view.roles.values()] });
      for (const m of await this.store.listMembers(g.id, undefined, 100)) {
        if (!presences.has(m.userId)) presences.set(m.userId, (await this.store.getUser(m.userId))?.presence ?? 'offline');
      }
    }
    for (const f of this.hooks.friendsOf?.(caller.userId) ?? []) {
      if (!presences.has(f)) presences.set(f, (await this.store.getUser(f))?.presence ?? 'offline');
    }
    return { user, guilds, privateChannels: await this.store.listPrivateChannels(caller.userId), presences: [...presences].filter(([userId]) => !this.hooks.hidesPresence?.(caller.userId, userId)).map(([userId, presence]) => ({ userId, presence })) };
  }

  // ---------------------------------------------------------------- guilds

  private async guildView(guildId: string): Promise<GuildView | undefined> {
    let v = this.guildViews.get(guildId);
    if (v) return v;
    const guild = await this.store.getGuild(guildId);
    if (!guild) return undefined;
    const roles = new Map((await this.store.listRoles(guildId)).map((r) => [r.id, r]));
    const channels = new Map<string, Channel>();
    const overrides = new Map<string, Override[]>();
    for (const c of await this.store.listGuildChannels(guildId)) {
      channels.set(c.id, c);
      overrides.set(c.id, await this.store.listOverrides(c.id));
    }
    v = { guild, roles, channels, overrides, members: new Map(), bits: new Map() };
    if (this.guildViews.size > 10_000) this.guildViews.clear();
    this.guildViews.set(guildId, v);
    return v;
  }

  /** Forgets cached permissions of a guild after any change to its roles, members, channels or overrides. */
  private invalidate(guildId: string): void {
    this.changed({ kind: 'guild', id: guildId });
  }

  /** Drops what a local change made stale, and says so to the cluster. */
  private changed(what: Invalidation): void {
    this.forget(what);
    this.onInvalidate?.(what);
  }

  /**
   * Drops cached state that a change elsewhere made stale (another process of a cluster,
   * through {@link ServiceOptions.onInvalidate}). The next use reads the store again.
   * @param what - which state
   */
  forget(what: Invalidation): void {
    switch (what.kind) {
      case 'guild':
        this.guildViews.delete(what.id);
        for (const [id, c] of this.channelGuild) if (c?.guildId === what.id) this.channelGuild.delete(id);
        break;
      case 'session':
        for (const [h, c] of this.sessions) if (c.sessionId === what.id) this.sessions.delete(h);
        break;
      case 'channel':
        this.channelGuild.delete(what.id);
        this.recipients.delete(what.id);
        break;
      case 'user':
        this.authors.delete(what.id);
        break;
    }
  }

  private async member(view: GuildView, userId: string): Promise<Member | undefined> {
    let m = view.members.get(userId);
    if (m === undefined) {
      m = (await this.store.getMember(view.guild.id, userId)) ?? null;
      view.members.set(userId, m);
    }
    return m ?? undefined;
  }

  private permissionInput(view: GuildView, member: Member, overrides: Override[]): Parameters<typeof channelPermissions>[0] {
    const everyone = view.roles.get(view.guild.id) ?? { id: view.guild.id, permissions: 0 };
    const roles = member.roles.map((id) => view.roles.get(id)).filter((r): r is Role => r !== undefined);
    return { isOwner: view.guild.ownerId === member.userId, everyone, roles, memberId: member.userId, overrides };
  }

  /** The guild (for a member) and the caller's guild-level bits. */
  private async guildAccess(userId: string, guildId: string): Promise<{ view: GuildView; member: Member; bits: number }> {
    const view = await this.guildView(guildId);
    const member = view && (await this.member(view, userId));
    if (!view || !member) throw notFound('guild');
    return { view, member, bits: guildPermissions(this.permissionInput(view, member, [])) };
  }

  private async requireGuild(caller: Caller, guildId: string, needed: number): Promise<{ view: GuildView; member: Member; bits: number }> {
    const a = await this.guildAccess(caller.userId, guildId);
    if (!has(a.bits, needed)) throw new ServiceError('forbidden', `you need ${permissionNames(needed).join(' and ')} in this guild to do this`);
    return a;
  }

  private async guildChannelBits(view: GuildView, userId: string, channel: Channel): Promise<number> {
    const member = await this.member(view, userId);
    return member ? this.bitsOf(view, member, channel) : 0;
  }

  private bitsOf(view: GuildView, member: Member, channel: Channel): number {
    // The view is replaced whenever roles, members, channels or overrides change (invalidate),
    // so bits cached on it cannot go stale.
    let byMember = view.bits.get(channel.id);
    if (!byMember) view.bits.set(channel.id, (byMember = new Map()));
    let bits = byMember.get(member.userId);
    if (bits === undefined) {
      const overrides = [...(channel.parentId !== null ? (view.overrides.get(channel.parentId) ?? []) : []), ...(view.overrides.get(channel.id) ?? [])];
      bits = channelPermissions(this.permissionInput(view, member, overrides));
      byMember.set(member.userId, bits);
    }
    return bits;
  }

  /** The highest role position of a member (owner: Infinity). */
  private rank(view: GuildView, member: Member): number {
    if (view.guild.ownerId === member.userId) return Number.POSITIVE_INFINITY;
    let top = 0;
    for (const id of member.roles) top = Math.max(top, view.roles.get(id)?.position ?? 0);
    return top;
  }

  /**
   * Creates a guild with the preset roles `admin` (Administrator), `moderator` and
   * `@everyone` (plain members), a `general` channel, and the caller as owner.
   * @param caller - the owner-to-be
   * @param input - name, description, topics
   * @returns the guild with its channels and roles
   */
  async createGuild(caller: Caller, input: { name: string; description?: string; topics?: string[] }): Promise<Guild & { channels: Channel[]; roles: Role[] }> {
    const id = this.newId();
    const now = this.now();
    const guild: Guild = { id, name: input.name, description: input.description ?? '', ownerId: caller.userId, topics: [...new Set(input.topics ?? [])].slice(0, this.limits.guildTopics), createdAt: now };
    const roles: Role[] = [
      { id, guildId: id, name: '@everyone', permissions: DEFAULT_MEMBER_PERMISSIONS, position: 0 },
      { id: this.newId(), guildId: id, name: 'moderator', permissions: MODERATOR_PERMISSIONS, position: 1 },
      { id: this.newId(), guildId: id, name: 'admin', permissions: Permission.Administrator, position: 2 },
    ];
    const channels: Channel[] = [{ id: this.newId(), kind: 'text', guildId: id, parentId: null, name: 'general', topic: '', position: 0, ownerId: null, createdAt: now }];
    await this.store.createGuild(guild, roles, channels);
    const full = { ...guild, channels, roles };
    this.fanOut.publish(`user:${caller.userId}`, { t: 'GUILD_CREATE', d: full });
    return full;
  }

  /**
   * A guild the caller is a member of, with the channels they can see and the roles.
   * @param caller - a member
   * @param guildId - which guild
   * @returns the guild
   * @throws ServiceError `not_found` for non-members
   */
  async getGuild(caller: Caller, guildId: string): Promise<Guild & { channels: Channel[]; roles: Role[] }> {
    const { view } = await this.guildAccess(caller.userId, guildId);
    const channels: Channel[] = [];
    for (const c of view.channels.values()) if (has(await this.guildChannelBits(view, caller.userId, c), Permission.ViewChannel)) channels.push(c);
    return { ...view.guild, channels, roles: [...view.roles.values()] };
  }

  /**
   * The caller's guilds.
   * @param caller - who
   * @returns guilds, by id
   */
  listGuilds(caller: Caller): Promise<Guild[]> {
    return this.store.listGuildsOfUser(caller.userId);
  }

  /**
   * Changes name or description (ManageGuild).
   * @param caller - a member with ManageGuild
   * @param guildId - which
   * @param patch - fields to change
   * @returns the guild
   */
  async updateGuild(caller: Caller, guildId: string, patch: { name?: string; description?: string }): Promise<Guild> {
    await this.requireGuild(caller, guildId, Permission.ManageGuild);
    const g = await this.store.updateGuild(guildId, patch);
    if (!g) throw notFound('guild');
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_UPDATE', d: g });
    return g;
  }

  /**
   * Deletes the guild and everything in it (owner only).
   * @param caller - the owner
   * @param guildId - which
   */
  async deleteGuild(caller: Caller, guildId: string): Promise<void> {
    const { view } = await this.guildAccess(caller.userId, guildId);
    if (view.guild.ownerId !== caller.userId) throw new ServiceError('forbidden', 'only the owner can delete a guild');
    await this.store.deleteGuild(guildId);
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_DELETE', d: { guildId } });
  }

  /**
   * Adds or removes a topic (ManageGuild).
   * @param caller - a member with ManageGuild
   * @param guildId - which
   * @param topic - the topic
   * @param add - true to add, false to remove
   * @returns the guild
   */
  async setTopic(caller: Caller, guildId: string, topic: string, add: boolean): Promise<Guild> {
    await this.requireGuild(caller, guildId, Permission.ManageGuild);
    if (add) {
      const r = await this.store.addTopic(guildId, topic, this.limits.guildTopics);
      if (r === 'full') throw new ServiceError('limit_reached', `a guild has at most ${this.limits.guildTopics} topics; remove one first`);
    } else if (!(await this.store.removeTopic(guildId, topic))) throw notFound('topic');
    this.invalidate(guildId);
    const g = await this.store.getGuild(guildId);
    if (!g) throw notFound('guild');
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_UPDATE', d: g });
    return g;
  }

  /**
   * Members of a guild, by user id.
   * @param caller - a member
   * @param guildId - which
   * @param after - page after this user id
   * @param limit - page size
   * @returns members
   */
  async listMembers(caller: Caller, guildId: string, after: string | undefined, limit: number): Promise<Member[]> {
    await this.guildAccess(caller.userId, guildId);
    return this.store.listMembers(guildId, after, limit);
  }

  /**
   * Leaves a guild (the owner must delete it instead).
   * @param caller - a member
   * @param guildId - which
   */
  async leaveGuild(caller: Caller, guildId: string): Promise<void> {
    const { view } = await this.guildAccess(caller.userId, guildId);
    if (view.guild.ownerId === caller.userId) throw new ServiceError('forbidden', 'the owner cannot leave; delete the guild instead');
    await this.removeFromGuild(guildId, caller.userId);
  }

  /**
   * Removes a member (KickMembers, and the caller must outrank them).
   * @param caller - a member with KickMembers
   * @param guildId - which guild
   * @param userId - whom
   */
  async kick(caller: Caller, guildId: string, userId: string): Promise<void> {
    const { view, member } = await this.requireGuild(caller, guildId, Permission.KickMembers);
    const target = await this.member(view, userId);
    if (!target) throw notFound('member');
    if (this.rank(view, target) >= this.rank(view, member)) throw new ServiceError('forbidden', 'you can only kick members whose highest role is below yours');
    await this.removeFromGuild(guildId, userId);
  }

  private async removeFromGuild(guildId: string, userId: string): Promise<void> {
    await this.store.removeMember(guildId, userId);
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_MEMBER_REMOVE', d: { guildId, userId } });
    this.fanOut.publish(`user:${userId}`, { t: 'GUILD_DELETE', d: { guildId } });
  }

  // ---------------------------------------------------------------- roles

  private async requireRoleManager(caller: Caller, guildId: string): Promise<{ view: GuildView; rank: number; bits: number }> {
    const { view, member, bits } = await this.requireGuild(caller, guildId, Permission.ManageRoles);
    return { view, rank: this.rank(view, member), bits };
  }

  /**
   * Creates a role (ManageRoles); its position must be below the caller's highest role and it
   * cannot grant bits the caller lacks.
   * @param caller - a member with ManageRoles
   * @param guildId - which guild
   * @param input - name, permission bits, position
   * @returns the role
   */
  async createRole(caller: Caller, guildId: string, input: { name: string; permissions: number; position?: number }): Promise<Role> {
    const { rank, bits } = await this.requireRoleManager(caller, guildId);
    const role: Role = { id: this.newId(), guildId, name: input.name, permissions: input.permissions, position: input.position ?? 1 };
    this.checkRoleEdit(rank, bits, role);
    await this.store.createRole(role);
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_ROLE_CREATE', d: role });
    return role;
  }

  private checkRoleEdit(rank: number, bits: number, role: Pick<Role, 'permissions' | 'position'>): void {
    if ((role.permissions & ~ALL_PERMISSIONS) !== 0) throw new ServiceError('validation', `permissions has unknown bits; known bits are 0..${ALL_PERMISSIONS}`);
    if (role.position >= rank) throw new ServiceError('forbidden', 'a role you manage must be positioned below your highest role');
    if (bits !== ALL_PERMISSIONS && (role.permissions & ~bits) !== 0) throw new ServiceError('forbidden', `you cannot grant permissions you lack: ${permissionNames(role.permissions & ~bits).join(', ')}`);
  }

  /**
   * Changes a role (ManageRoles, and it must be below the caller's highest role).
   * @param caller - a member with ManageRoles
   * @param guildId - which guild
   * @param roleId - which role
   * @param patch - fields to change
   * @returns the role
   */
  async updateRole(caller: Caller, guildId: string, roleId: string, patch: { name?: string; permissions?: number; position?: number }): Promise<Role> {
    const { view, rank, bits } = await this.requireRoleManager(caller, guildId);
    const old = view.roles.get(roleId);
    if (!old) throw notFound('role');
    if (old.position >= rank) throw new ServiceError('forbidden', 'you can only change roles below your highest role');
    if (roleId === guildId && patch.position !== undefined && patch.position !== 0) throw new ServiceError('validation', '@everyone stays at position 0');
    const next = { ...old, ...patch };
    this.checkRoleEdit(rank, bits, next);
    const role = await this.store.updateRole(guildId, roleId, patch);
    if (!role) throw notFound('role');
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_ROLE_UPDATE', d: role });
    return role;
  }

  /**
   * Deletes a role (not `@everyone`).
   * @param caller - a member with ManageRoles
   * @param guildId - which guild
   * @param roleId - which role
   */
  async deleteRole(caller: Caller, guildId: string, roleId: string): Promise<void> {
    const { view, rank } = await this.requireRoleManager(caller, guildId);
    const old = view.roles.get(roleId);
    if (!old) throw notFound('role');
    if (roleId === guildId) throw new ServiceError('forbidden', 'the @everyone role cannot be deleted; change its permissions instead');
    if (old.position >= rank) throw new ServiceError('forbidden', 'you can only delete roles below your highest role');
    await this.store.deleteRole(guildId, roleId);
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_ROLE_DELETE', d: { guildId, roleId } });
  }

  /**
   * The guild's roles.
   * @param caller - a member
   * @param guildId - which guild
   * @returns roles by position
   */
  async listRoles(caller: Caller, guildId: string): Promise<Role[]> {
    const { view } = await this.guildAccess(caller.userId, guildId);
    return [...view.roles.values()];
  }

  /**
   * Gives or takes a role (ManageRoles; the role must be below the caller's highest).
   * @param caller - a member with ManageRoles
   * @param guildId - which guild
   * @param userId - whose roles
   * @param roleId - which role
   * @param grant - true to assign, false to revoke
   */
  async setMemberRole(caller: Caller, guildId: string, userId: string, roleId: string, grant: boolean): Promise<void> {
    const { view, rank } = await this.requireRoleManager(caller, guildId);
    const role = view.roles.get(roleId);
    if (!role || roleId === guildId) throw notFound('role');
    if (role.position >= rank) throw new ServiceError('forbidden', 'you can only assign roles below your highest role');
    if (!(await this.member(view, userId))) throw notFound('member');
    const changed = grant ? await this.store.assignRole(guildId, userId, roleId) : await this.store.revokeRole(guildId, userId, roleId);
    if (!changed) return;
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'GUILD_MEMBER_UPDATE', d: { guildId, userId, roleId, granted: grant } });
  }

  // ---------------------------------------------------------------- invites

  /**
   * Creates an invitation code (CreateInvite).
   * @param caller - a member with CreateInvite
   * @param guildId - which guild
   * @param input - use limit (0 = none) and lifetime in seconds (0 = forever)
   * @returns the invite
   */
  async createInvite(caller: Caller, guildId: string, input: { maxUses?: number; maxAgeSeconds?: number }): Promise<Invite> {
    await this.requireGuild(caller, guildId, Permission.CreateInvite);
    const now = this.now();
    const age = input.maxAgeSeconds ?? 86_400;
    const invite: Invite = { code: newToken().slice(0, 10), guildId, inviterId: caller.userId, maxUses: input.maxUses ?? 0, uses: 0, expiresAt: age === 0 ? 0 : now + age * 1000, createdAt: now };
    await this.store.createInvite(invite);
    return invite;
  }

  /**
   * A guild's invites (ManageGuild).
   * @param caller - a member with ManageGuild
   * @param guildId - which guild
   * @returns invites
   */
  async listInvites(caller: Caller, guildId: string): Promise<Invite[]> {
    await this.requireGuild(caller, guildId, Permission.ManageGuild);
    return this.store.listInvites(guildId);
  }

  /**
   * Revokes an invite (ManageGuild).
   * @param caller - a member with ManageGuild
   * @param guildId - which guild
   * @param code - which invite
   */
  async deleteInvite(caller: Caller, guildId: string, code: string): Promise<void> {
    await this.requireGuild(caller, guildId, Permission.ManageGuild);
    if (!(await this.store.deleteInvite(guildId, code))) throw notFound('invite');
  }

  /**
   * Joins the guild of an invite.
   * @param caller - who joins
   * @param code - the invite code
   * @returns the guild
   * @throws ServiceError `not_found`, `gone` (expired or used up)
   */
  async acceptInvite(caller: Caller, code: string): Promise<Guild & { channels: Channel[]; roles: Role[] }> {
    const r = await this.store.useInvite(code, caller.userId, this.now());
    if (!r.ok) {
      if (r.reason === 'not_found') throw notFound('invite');
      throw new ServiceError('gone', r.reason === 'expired' ? 'this invite has expired; ask for a new one' : 'this invite has reached its use limit; ask for a new one');
    }
    this.invalidate(r.guildId);
    const g = await this.getGuild(caller, r.guildId);
    if (!r.alreadyMember) {
      this.fanOut.publish(`guild:${r.guildId}`, { t: 'GUILD_MEMBER_ADD', d: { guildId: r.guildId, userId: caller.userId } });
      this.fanOut.publish(`user:${caller.userId}`, { t: 'GUILD_CREATE', d: g });
    }
    return g;
  }

  // ---------------------------------------------------------------- channels

  private async channel(id: string): Promise<Channel | undefined> {
    let c = this.channelGuild.get(id);
    if (c === undefined) {
      c = (await this.store.getChannel(id)) ?? null;
      if (this.channelGuild.size > 100_000) this.channelGuild.clear();
      this.channelGuild.set(id, c);
    }
    return c ?? undefined;
  }

  private async recipient(channelId: string, userId: string): Promise<Recipient | undefined> {
    let m = this.recipients.get(channelId);
    if (!m) {
      if (this.recipients.size > 100_000) this.recipients.clear();
      this.recipients.set(channelId, (m = new Map()));
    }
    let r = m.get(userId);
    if (r === undefined) {
      r = (await this.store.getRecipient(channelId, userId)) ?? null;
      m.set(userId, r);
    }
    return r ?? undefined;
  }

  /**
   * The caller's permission bits in a channel: guild roles and overrides for guild channels;
   * for private channels, recipients may view, read, send and react, admins also manage, and in
   * broadcasts only admins send.
   * @param userId - who
   * @param channelId - which channel
   * @returns the channel and the bits (0 when it cannot be seen)
   */
  async access(userId: string, channelId: string): Promise<{ channel: Channel | undefined; bits: number }> {
    const cached = this.accessNow(userId, channelId);
    if (cached) return cached;
    const channel = await this.channel(channelId);
    if (!channel) return { channel, bits: 0 };
    if (channel.guildId !== null) {
      const view = await this.guildView(channel.guildId);
      const c = view?.channels.get(channelId);
      return { channel: c, bits: view && c ? await this.guildChannelBits(view, userId, c) : 0 };
    }
    const r = await this.recipient(channelId, userId);
    if (!r) return { channel, bits: 0 };
    const basic = Permission.ViewChannel | Permission.ReadHistory | Permission.AddReactions;
    if (r.role === 'admin') return { channel, bits: basic | Permission.SendMessages | Permission.ManageMessages | Permission.ManageChannels | Permission.MentionEveryone };
    return { channel, bits: channel.kind === 'broadcast' ? basic : basic | Permission.SendMessages };
  }

  /**
   * {@link Service.access} for a guild channel whose guild view and member are cached, without
   * waiting (a message send would otherwise await three lookups that are nearly always cached).
   * @returns the answer, or undefined when it needs the store
   */
  private accessNow(userId: string, channelId: string): { channel: Channel | undefined; bits: number } | undefined {
    const c = this.channelGuild.get(channelId);
    if (!c || c.guildId === null) return undefined;
    const view = this.guildViews.get(c.guildId);
    const channel = view?.channels.get(channelId);
    const member = view?.members.get(userId);
    if (!view || !channel || member === undefined) return undefined;
    return { channel, bits: member === null ? 0 : this.bitsOf(view, member, channel) };
  }

  /**
   * Whether `userId` may see `channelId` (the gateway filters dispatches with it).
   * @param userId - who
   * @param channelId - which channel
   * @returns true when they have ViewChannel there
   */
  async canView(userId: string, channelId: string): Promise<boolean> {
    return has((await this.access(userId, channelId)).bits, Permission.ViewChannel);
  }

  /**
   * {@link Service.canView} from cached state only, without waiting: undefined when the answer
   * needs the store.
   * @param userId - who
   * @param channelId - which channel
   * @returns whether they may see it, or undefined when not cached
   */
  canViewNow(userId: string, channelId: string): boolean | undefined {
    return this.viewCheck(channelId)(userId);
  }

  /**
   * {@link Service.canViewNow} for one channel and many users: the channel, its guild view and
   * its cached permission bits are looked up once, for a fan-out to all its recipients. Use the
   * result at once: it reads the state of the moment it was made.
   * @param channelId - the channel
   * @returns whether a user may see it, or `undefined` when that is not known without the store
   */
  viewCheck(channelId: string): (userId: string) => boolean | undefined {
    const c = this.channelGuild.get(channelId);
    if (c === undefined) return unknownVisibility;
    if (c === null) return invisible;
    if (c.guildId === null) {
      const recipients = this.recipients.get(channelId);
      if (recipients === undefined) return unknownVisibility;
      return (userId) => {
        const r = recipients.get(userId);
        return r === undefined ? undefined : r !== null;
      };
    }
    const view = this.guildViews.get(c.guildId);
    const channel = view?.channels.get(channelId);
    if (!view || !channel) return unknownVisibility;
    return (userId) => {
      const member = view.members.get(userId);
      if (member === undefined) return undefined;
      return member !== null && has(this.bitsOf(view, member, channel), Permission.ViewChannel);
    };
  }

  private async requireChannel(caller: Caller, channelId: string, needed: number): Promise<Channel> {
    return this.checkChannel(await this.access(caller.userId, channelId), needed);
  }

  private checkChannel({ channel, bits }: { channel: Channel | undefined; bits: number }, needed: number): Channel {
    if (!channel || !has(bits, Permission.ViewChannel)) throw notFound('channel');
    if (!has(bits, needed)) throw new ServiceError('forbidden', `you need ${permissionNames(needed).join(' and ')} in this channel to do this`);
    return channel;
  }

  private topicOf(channel: Channel): string {
    return channel.guildId !== null ? `guild:${channel.guildId}` : `channel:${channel.id}`;
  }

  /**
   * Creates a text channel in a guild (ManageChannels), optionally under a parent channel
   * (one level of sub-channels).
   * @param caller - a member with ManageChannels
   * @param guildId - which guild
   * @param input - name, topic, parent, position
   * @returns the channel
   */
  async createChannel(caller: Caller, guildId: string, input: { name: string; topic?: string; parentId?: string; position?: number }): Promise<Channel> {
    const { view } = await this.requireGuild(caller, guildId, Permission.ManageChannels);
    if (input.parentId !== undefined) {
      const parent = view.channels.get(input.parentId);
      if (!parent) throw notFound('parent channel');
      if (parent.parentId !== null) throw new ServiceError('validation', 'sub-channels cannot have sub-channels; choose a top-level parent');
    }
    const c: Channel = {
      id: this.newId(),
      kind: 'text',
      guildId,
      parentId: input.parentId ?? null,
      name: input.name,
      topic: input.topic ?? '',
      position: input.position ?? view.channels.size,
      ownerId: null,
      createdAt: this.now(),
    };
    await this.store.createChannel(c, []);
    this.invalidate(guildId);
    this.fanOut.publish(`guild:${guildId}`, { t: 'CHANNEL_CREATE', d: c });
    return c;
  }

  /**
   * A channel the caller can see.
   * @param caller - who
   * @param channelId - which
   * @returns the channel
   */
  getChannel(caller: Caller, channelId: string): Promise<Channel> {
    return this.requireChannel(caller, channelId, Permission.ViewChannel);
  }

  /**
   * Renames, re-topics or moves a channel (ManageChannels, or admin of a private channel).
   * @param caller - who
   * @param channelId - which
   * @param patch - fields to change
   * @returns the channel
   */
  async updateChannel(caller: Caller, channelId: string, patch: { name?: string; topic?: string; position?: number }): Promise<Channel> {
    const before = await this.requireChannel(caller, channelId, Permission.ManageChannels);
    if (before.kind === 'dm') throw new ServiceError('forbidden', 'direct-message channels cannot be changed');
    const c = await this.store.updateChannel(channelId, patch);
    if (!c) throw notFound('channel');
    this.afterChannelChange(c);
    this.fanOut.publish(this.topicOf(c), { t: 'CHANNEL_UPDATE', d: c });
    return c;
  }

  private afterChannelChange(c: Channel): void {
    this.changed({ kind: 'channel', id: c.id });
    if (c.guildId !== null) this.invalidate(c.guildId);
  }

  /**
   * Deletes a channel with its sub-channels and messages (ManageChannels, or the admin of a
   * group or broadcast).
   * @param caller - who
   * @param channelId - which
   */
  async deleteChannel(caller: Caller, channelId: string): Promise<void> {
    const c = await this.requireChannel(caller, channelId, Permission.ManageChannels);
    if (c.kind === 'dm') throw new ServiceError('forbidden', 'direct-message channels cannot be deleted');
    await this.store.deleteChannel(channelId);
    this.afterChannelChange(c);
    this.fanOut.publish(this.topicOf(c), { t: 'CHANNEL_DELETE', d: { id: c.id, guildId: c.guildId } });
  }

  /**
   * Sets a channel permission override for a role or member (ManageChannels and ManageRoles).
   * @param caller - who
   * @param channelId - a guild channel
   * @param o - target and bits
   */
  async setOverride(caller: Caller, channelId: string, o: Override): Promise<void> {
    const c = await this.requireChannel(caller, channelId, Permission.ManageChannels | Permission.ManageRoles);
    if (c.guildId === null) throw new ServiceError('validation', 'overrides exist only on guild channels');
    if (((o.allow | o.deny) & ~ALL_PERMISSIONS) !== 0) throw new ServiceError('validation', `allow and deny must use known bits only (0..${ALL_PERMISSIONS})`);
    const view = await this.guildView(c.guildId);
    if (o.targetType === 'role' ? !view?.roles.has(o.targetId) : !(view && (await this.member(view, o.targetId)))) throw notFound(o.targetType);
    await this.store.setOverride(channelId, o);
    this.afterChannelChange(c);
    this.fanOut.publish(this.topicOf(c), { t: 'CHANNEL_UPDATE', d: { ...c, override: o } });
  }

  /**
   * Removes an override.
   * @param caller - who
   * @param channelId - a guild channel
   * @param targetType - role or member
   * @param targetId - which role or member
   */
  async deleteOverride(caller: Caller, channelId: string, targetType: Override['targetType'], targetId: string): Promise<void> {
    const c = await this.requireChannel(caller, channelId, Permission.ManageChannels | Permission.ManageRoles);
    if (!(await this.store.deleteOverride(channelId, targetType, targetId))) throw notFound('override');
    this.afterChannelChange(c);
    this.fanOut.publish(this.topicOf(c), { t: 'CHANNEL_UPDATE', d: c });
  }

  /**
   * Overrides of a channel (ManageChannels).
   * @param caller - who
   * @param channelId - which
   * @returns overrides
   */
  async listOverrides(caller: Caller, channelId: string): Promise<Override[]> {
    await this.requireChannel(caller, channelId, Permission.ManageChannels);
    return this.store.listOverrides(channelId);
  }

  // ---------------------------------------------------------------- groups, broadcasts, DMs

  /**
   * Creates a group (up to {@link ServiceLimits.groupMembers} members) or a broadcast channel
   * (subscribers join themselves; only admins post). The caller becomes its admin.
   * @param caller - the creator
   * @param input - kind, name, and for groups the other members (who must share a guild or channel with the caller)
   * @returns the channel
   */
  async createPrivateChannel(caller: Caller, input: { kind: 'group' | 'broadcast'; name: string; topic?: string; memberIds?: string[] }): Promise<Channel> {
    const others = [...new Set(input.memberIds ?? [])].filter((u) => u !== caller.userId);
    if (input.kind === 'broadcast' && others.length > 0) throw new ServiceError('validation', 'broadcast channels start with no members; subscribers join themselves');
    if (others.length + 1 > this.limits.groupMembers) throw new ServiceError('limit_reached', `a group has at most ${this.limits.groupMembers} members`);
    for (const u of others) if (!(await this.store.sharesSpace(caller.userId, u))) throw notFound(`user ${u}`);
    const c: Channel = { id: this.newId(), kind: input.kind, guildId: null, parentId: null, name: input.name, topic: input.topic ?? '', position: 0, ownerId: caller.userId, createdAt: this.now() };
    const recipients: Recipient[] = [{ channelId: c.id, userId: caller.userId, role: 'admin' }, ...others.map((userId): Recipient => ({ channelId: c.id, userId, role: 'member' }))];
    await this.store.createChannel(c, recipients);
    for (const r of recipients) this.fanOut.publish(`user:${r.userId}`, { t: 'CHANNEL_CREATE', d: c });
    return c;
  }

  /**
   * Opens (or finds) the direct-message channel with another user who shares a guild or channel.
   * @param caller - who
   * @param userId - the other person
   * @returns the DM channel
   */
  async openDm(caller: Caller, userId: string): Promise<Channel> {
    if (userId === caller.userId) throw new ServiceError('validation', 'you cannot open a direct-message channel with yourself');
    await this.hooks.beforeOpenDm?.(caller, userId);
    const existing = await this.store.findDm(caller.userId, userId);
    if (existing) return existing;
    // Friends may write to each other without sharing a guild, as they may see each other.
    if (!this.hooks.areFriends?.(caller.userId, userId) && !(await this.store.sharesSpace(caller.userId, userId))) throw notFound('user');
    const c: Channel = { id: this.newId(), kind: 'dm', guildId: null, parentId: null, name: '', topic: '', position: 0, ownerId: null, createdAt: this.now() };
    try {
      await this.store.createChannel(c, [
        { channelId: c.id, userId: caller.userId, role: 'member' },
        { channelId: c.id, userId, role: 'member' },
      ]);
    } catch (e) {
      const raced = await this.store.findDm(caller.userId, userId);
      if (raced) return raced;
      throw e;
    }
    for (const u of [caller.userId, userId]) this.fanOut.publish(`user:${u}`, { t: 'CHANNEL_CREATE', d: c });
    return c;
  }

  /**
   * The caller's groups, broadcasts and DMs.
   * @param caller - who
   * @returns channels
   */
  listPrivateChannels(caller: Caller): Promise<Channel[]> {
    return this.store.listPrivateChannels(caller.userId);
  }

  /**
   * Adds someone to a group (its admin adds people who share a space with them) or subscribes
   * the caller to a broadcast channel.
   * @param caller - who
   * @param channelId - a group or broadcast channel
   * @param userId - whom to add (for broadcasts: the caller)
   */
  async addRecipient(caller: Caller, channelId: string, userId: string): Promise<void> {
    const c = await this.channel(channelId);
    if (!c || c.guildId !== null || c.kind === 'dm') throw notFound('group or broadcast channel');
    let max: number;
    if (c.kind === 'broadcast') {
      if (userId !== caller.userId) throw new ServiceError('forbidden', 'people subscribe to a broadcast channel themselves');
      max = this.limits.broadcastSubscribers;
    } else {
      const me = await this.recipient(channelId, caller.userId);
      if (!me) throw notFound('channel');
      if (me.role !== 'admin') throw new ServiceError('forbidden', 'only the group admin adds members');
      if (!(await this.store.sharesSpace(caller.userId, userId))) throw notFound('user');
      max = this.limits.groupMembers;
    }
    const r = await this.store.addRecipient({ channelId, userId, role: 'member' }, max);
    if (r === 'full') throw new ServiceError('limit_reached', `this channel is full (${max})`);
    this.changed({ kind: 'channel', id: channelId });
    if (r === 'added') {
      if (c.kind === 'group') this.fanOut.publish(`channel:${channelId}`, { t: 'CHANNEL_RECIPIENT_ADD', d: { channelId, userId } });
      this.fanOut.publish(`user:${userId}`, { t: 'CHANNEL_CREATE', d: c });
    }
  }

  /**
   * Leaves a group or broadcast, or (admin) removes someone.
   * @param caller - who
   * @param channelId - a group or broadcast channel
   * @param userId - whom to remove
   */
  async removeRecipient(caller: Caller, channelId: string, userId: string): Promise<void> {
    const c = await this.channel(channelId);
    const me = c && (await this.recipient(channelId, caller.userId));
    if (!c || !me || c.kind === 'dm') throw notFound('channel');
    if (userId !== caller.userId && me.role !== 'admin') throw new ServiceError('forbidden', 'only an admin removes other members');
    if (!(await this.store.removeRecipient(channelId, userId))) throw notFound('member');
    this.changed({ kind: 'channel', id: channelId });
    if (c.kind === 'group') this.fanOut.publish(`channel:${channelId}`, { t: 'CHANNEL_RECIPIENT_REMOVE', d: { channelId, userId } });
    this.fanOut.publish(`user:${userId}`, { t: 'CHANNEL_DELETE', d: { id: channelId, guildId: null } });
  }

  /**
   * Members of a private channel (any member may list them).
   * @param caller - a member
   * @param channelId - which
   * @param after - page after this user id
   * @param limit - page size
   * @returns recipients
   */
  async listRecipients(caller: Caller, channelId: string, after: string | undefined, limit: number): Promise<Recipient[]> {
    const c = await this.requireChannel(caller, channelId, Permission.ViewChannel);
    if (c.guildId !== null) throw new ServiceError('validation', 'guild channels have members, not recipients: use /guilds/{guildId}/members');
    return this.store.listRecipients(channelId, after, limit);
  }

  // ---------------------------------------------------------------- messages

  private async author(userId: string): Promise<MessageAuthor> {
    let a = this.authors.get(userId);
    if (!a) {
      const u = await this.store.getUser(userId);
      a = { id: userId, username: u?.username ?? 'deleted', nickname: u && u.nickname !== u.username ? u.nickname : null, avatar: null };
      if (this.authors.size > 100_000) this.authors.clear();
      this.authors.set(userId, a);
    }
    return a;
  }

  /** The MESSAGE_CREATE / MESSAGE_UPDATE payload, in @chorus/wire's compact message schema. */
  private async wireMessage(m: Message, guildId: string | null, attachments: Attachment[] = []): Promise<WireMessage> {
    return this.toWire(m, guildId, await this.author(m.authorId), attachments);
  }

  private toWire(m: Message, guildId: string | null, author: MessageAuthor, attachments: Attachment[]): WireMessage {
    return {
      id: m.id,
      channelId: m.channelId,
      guildId,
      author,
      content: m.content,
      timestamp: snowflakeTime(m.id),
      editedTimestamp: m.editedAt,
      mentions: m.mentions,
      replyTo: m.replyTo,
      attachments,
    };
  }

  private mentions(content: string): string[] {
    // Most messages mention nobody: skip the regex iterator, set and sort for them.
    if (!content.includes('<@')) return [];
    const out = new Set<string>();
    for (const m of content.matchAll(MENTION)) if (out.size < 50) out.add(m[1]!);
    return [...out].sort(compareIds);
  }

  /**
   * Sends a message (SendMessages; in broadcasts only admins). Sends are rate-limited per user.
   * Resolves once the message is durable, then it is dispatched as MESSAGE_CREATE.
   * @param caller - who
   * @param channelId - where
   * @param input - content (1..2000 characters), optional reply target, client nonce and media ids to attach
   * @returns the message
   * @throws ServiceError `rate_limited`, `not_found`, `forbidden`, `validation`
   */
  async sendMessage(caller: Caller, channelId: string, input: { content: string; replyTo?: string; nonce?: string; attachments?: string[] }): Promise<Message & { nonce?: string; attachments: Attachment[] }> {
    const wait = this.sendLimiter.take(caller.userId);
    if (wait > 0) throw new ServiceError('rate_limited', `you are sending too fast; retry in ${wait} ms`, wait);
    // Sends are the hot path: when the permission state is cached, nothing is awaited before the insert.
    const cached = this.accessNow(caller.userId, channelId);
    const c = cached ? this.checkChannel(cached, Permission.SendMessages) : await this.requireChannel(caller, channelId, Permission.SendMessages);
    if (input.content.length > this.limits.messageChars && [...input.content].length > this.limits.messageChars) throw new ServiceError('validation', `content must be at most ${this.limits.messageChars} characters`);
    if (input.replyTo !== undefined && !(await this.store.getMessage(channelId, input.replyTo))) throw notFound('message replied to');
    const m = { id: this.newId(), channelId, authorId: caller.userId, content: input.content, replyTo: input.replyTo ?? null, mentions: this.mentions(input.content) };
    const checked = this.hooks.beforeSend?.(caller, c, m.id, input.attachments ?? []) ?? [];
    const attachments = Array.isArray(checked) ? checked : await checked;
    await this.store.createMessage(m);
    const full: Message & { nonce?: string; attachments: Attachment[] } = { ...m, editedAt: null, reactions: [], attachments };
    if (input.nonce !== undefined) full.nonce = input.nonce;
    const author = this.authors.get(caller.userId) ?? (await this.author(caller.userId));
    this.fanOut.publish(this.topicOf(c), { t: 'MESSAGE_CREATE', d: this.toWire(full, c.guildId, author, attachments) });
    return full;
  }

  /**
   * Edits the caller's own message.
   * @param caller - the author
   * @param channelId - where
   * @param messageId - which
   * @param content - new content
   * @returns the message
   */
  async editMessage(caller: Caller, channelId: string, messageId: string, content: string): Promise<Message> {
    const c = await this.requireChannel(caller, channelId, Permission.ViewChannel);
    const old = await this.store.getMessage(channelId, messageId);
    if (!old) throw notFound('message');
    if (old.authorId !== caller.userId) throw new ServiceError('forbidden', 'only the author can edit a message');
    const m = await this.store.editMessage(channelId, messageId, content, this.mentions(content), this.now());
    if (!m) throw notFound('message');
    this.fanOut.publish(this.topicOf(c), { t: 'MESSAGE_UPDATE', d: await this.wireMessage(m, c.guildId) });
    return m;
  }

  /**
   * Deletes a message: its author, or anyone with ManageMessages there.
   * @param caller - who
   * @param channelId - where
   * @param messageId - which
   */
  async deleteMessage(caller: Caller, channelId: string, messageId: string): Promise<void> {
    const { channel, bits } = await this.access(caller.userId, channelId);
    if (!channel || !has(bits, Permission.ViewChannel)) throw notFound('channel');
    const old = await this.store.getMessage(channelId, messageId);
    if (!old) throw notFound('message');
    if (old.authorId !== caller.userId && !has(bits, Permission.ManageMessages)) throw new ServiceError('forbidden', "you need ManageMessages to delete other people's messages");
    await this.store.deleteMessage(channelId, messageId);
    this.fanOut.publish(this.topicOf(channel), { t: 'MESSAGE_DELETE', d: { id: messageId, channelId, guildId: channel.guildId } });
  }

  /**
   * A page of history (ReadHistory), ascending by id.
   * @param caller - who
   * @param channelId - where
   * @param query - before / after / around an id, and a limit
   * @returns messages
   */
  async history(caller: Caller, channelId: string, query: HistoryQuery): Promise<Message[]> {
    await this.requireChannel(caller, channelId, Permission.ReadHistory);
    return this.store.listMessages(channelId, query);
  }

  /**
   * One message (ReadHistory).
   * @param caller - who
   * @param channelId - where
   * @param messageId - which
   * @returns the message
   */
  async getMessage(caller: Caller, channelId: string, messageId: string): Promise<Message> {
    await this.requireChannel(caller, channelId, Permission.ReadHistory);
    const m = await this.store.getMessage(channelId, messageId);
    if (!m) throw notFound('message');
    return m;
  }

  /**
   * Adds or removes the caller's reaction (AddReactions).
   * @param caller - who
   * @param channelId - where
   * @param messageId - which message
   * @param emoji - the reaction (1..32 characters)
   * @param add - true to add, false to remove
   */
  async react(caller: Caller, channelId: string, messageId: string, emoji: string, add: boolean): Promise<void> {
    const c = await this.requireChannel(caller, channelId, Permission.AddReactions);
    const changed = add ? await this.store.addReaction(channelId, messageId, caller.userId, emoji) : await this.store.removeReaction(channelId, messageId, caller.userId, emoji);
    if (!changed) {
      if (!(await this.store.getMessage(channelId, messageId))) throw notFound('message');
      return;
    }
    this.fanOut.publish(this.topicOf(c), { t: add ? 'MESSAGE_REACTION_ADD' : 'MESSAGE_REACTION_REMOVE', d: { channelId, messageId, userId: caller.userId, emoji, guildId: c.guildId } });
  }

  /**
   * Announces that the caller is typing (SendMessages); nothing is stored.
   * @param caller - who
   * @param channelId - where
   */
  async typing(caller: Caller, channelId: string): Promise<void> {
    const c = await this.requireChannel(caller, channelId, Permission.SendMessages);
    this.fanOut.publish(this.topicOf(c), { t: 'TYPING_START', d: { channelId, guildId: c.guildId, userId: caller.userId, timestamp: this.now() } });
  }
}

