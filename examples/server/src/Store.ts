import type { FeatureStore } from './features/FeatureStore.js';
import type { Override } from './permissions.js';

/** Presence a user shows to others. */
export type Presence = 'online' | 'idle' | 'offline';

/** An account. `passwordHash` never leaves the server. */
export interface User {
  id: string;
  username: string;
  passwordHash: string;
  nickname: string;
  about: string;
  presence: Presence;
  createdAt: number;
}

/** A login session; the bearer token itself is never stored, only its SHA-256. */
export interface Session {
  id: string;
  userId: string;
  tokenHash: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string;
}

/** A community. The `@everyone` role has the guild's id. */
export interface Guild {
  id: string;
  name: string;
  description: string;
  ownerId: string;
  topics: string[];
  createdAt: number;
}

/** A guild role. */
export interface Role {
  id: string;
  guildId: string;
  name: string;
  permissions: number;
  /** Higher outranks lower; `@everyone` is 0. */
  position: number;
}

/** Guild membership. */
export interface Member {
  guildId: string;
  userId: string;
  roles: string[];
  joinedAt: number;
}

/** An invitation code. */
export interface Invite {
  code: string;
  guildId: string;
  inviterId: string;
  /** 0 = unlimited. */
  maxUses: number;
  uses: number;
  /** Unix ms; 0 = never. */
  expiresAt: number;
  createdAt: number;
}

/**
 * Kinds of channel: `text` lives in a guild (optionally under a parent text channel);
 * `group` (up to 100 members), `broadcast` (up to 10,000 subscribers, only its admins post)
 * and `dm` (exactly two people) have recipients instead of a guild.
 */
export type ChannelKind = 'text' | 'group' | 'broadcast' | 'dm';

/** A channel. */
export interface Channel {
  id: string;
  kind: ChannelKind;
  guildId: string | null;
  parentId: string | null;
  name: string;
  topic: string;
  position: number;
  ownerId: string | null;
  createdAt: number;
}

/** A person in a group, broadcast or DM channel; `admin` may post in broadcasts and manage the channel. */
export interface Recipient {
  channelId: string;
  userId: string;
  role: 'admin' | 'member';
}

/** Aggregated reactions of one emoji on a message. */
export interface ReactionCount {
  emoji: string;
  count: number;
  userIds: string[];
}

/** A message. */
export interface Message {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  replyTo: string | null;
  mentions: string[];
  editedAt: number | null;
  reactions: ReactionCount[];
}

/** How to page through a channel's history; ids are exclusive bounds (`around` is inclusive). */
export type HistoryQuery =
  | { before?: string; limit: number }
  | { after: string; limit: number }
  | { around: string; limit: number };

/** Result of {@link Store.useInvite}. */
export type InviteUse = { ok: true; guildId: string; alreadyMember: boolean } | { ok: false; reason: 'not_found' | 'expired' | 'used_up' };

/**
 * Everything the service keeps. One contract, several implementations (SQLite now; PostgreSQL
 * later): handlers only ever see this interface, and `test/storeContract.ts` checks any
 * implementation against the same laws. Every method is atomic: it either happens entirely or
 * not at all, so a crash never leaves half an operation behind. Methods that create return
 * after the change is durable.
 */
export interface Store {
  // Accounts and sessions
  /** @returns false when the username is taken */
  /** Adds an account. @param user - the account @returns false when the username is taken */
  createUser(user: User): Promise<boolean>;
  /** @param id - user id @returns the account, if any */
  getUser(id: string): Promise<User | undefined>;
  /** @param username - exact username @returns the account, if any */
  getUserByName(username: string): Promise<User | undefined>;
  /** Changes profile fields. @param id - user id @param patch - fields to set @returns the account after the change, or undefined when missing */
  updateUser(id: string, patch: Partial<Pick<User, 'nickname' | 'about' | 'presence'>>): Promise<User | undefined>;
  /** Stores a session (its token only as a hash). @param session - the session */
  createSession(session: Session): Promise<void>;
  /** @param tokenHash - SHA-256 hex of a bearer token @returns its session, if not revoked */
  getSessionByTokenHash(tokenHash: string): Promise<Session | undefined>;
  /** @param userId - whose @returns sessions, oldest first */
  listSessions(userId: string): Promise<Session[]>;
  /** @returns false when there was no such session of this user */
  deleteSession(userId: string, sessionId: string): Promise<boolean>;
  /** Records activity. @param sessionId - which @param at - Unix ms */
  touchSession(sessionId: string, at: number): Promise<void>;

  // Guilds
  /** Creates the guild, its `@everyone` role (id = guild id), the given extra roles, the owner's membership and channels, all at once. */
  createGuild(guild: Guild, roles: Role[], channels: Channel[]): Promise<void>;
  /** @param id - guild id @returns the guild with its topics, if any */
  getGuild(id: string): Promise<Guild | undefined>;
  /** @param id - guild id @param patch - fields to set @returns the guild after the change */
  updateGuild(id: string, patch: Partial<Pick<Guild, 'name' | 'description' | 'ownerId'>>): Promise<Guild | undefined>;
  /** Deletes the guild with its roles, members, invites, channels and their messages. */
  deleteGuild(id: string): Promise<boolean>;
  /** Adds a topic unless present or the guild already has `maxTopics`. */
  addTopic(guildId: string, topic: string, maxTopics: number): Promise<'added' | 'exists' | 'full'>;
  /** @param guildId - guild @param topic - topic @returns false when it was not there */
  removeTopic(guildId: string, topic: string): Promise<boolean>;
  /** @param userId - member @returns the guilds they are in, by id */
  listGuildsOfUser(userId: string): Promise<Guild[]>;

  // Members and roles
  /** @param guildId - guild @param userId - user @returns the membership with role ids, if any */
  getMember(guildId: string, userId: string): Promise<Member | undefined>;
  /** Members ordered by user id, after `after`. */
  listMembers(guildId: string, after: string | undefined, limit: number): Promise<Member[]>;
  /** @returns false when already a member */
  addMember(member: Omit<Member, 'roles'>): Promise<boolean>;
  /** Removes a member and their role assignments. @param guildId - guild @param userId - user @returns false when not a member */
  removeMember(guildId: string, userId: string): Promise<boolean>;
  /** @param role - a new role */
  createRole(role: Role): Promise<void>;
  /** @param guildId - guild @param roleId - role @param patch - fields to set @returns the role after the change */
  updateRole(guildId: string, roleId: string, patch: Partial<Pick<Role, 'name' | 'permissions' | 'position'>>): Promise<Role | undefined>;
  /** Deletes a role and its assignments. @param guildId - guild @param roleId - role @returns false when missing */
  deleteRole(guildId: string, roleId: string): Promise<boolean>;
  /** @param guildId - guild @returns roles by position */
  listRoles(guildId: string): Promise<Role[]>;
  /** @returns false when the member or role is missing or already assigned */
  assignRole(guildId: string, userId: string, roleId: string): Promise<boolean>;
  /** @param guildId - guild @param userId - member @param roleId - role @returns false when not assigned */
  revokeRole(guildId: string, userId: string, roleId: string): Promise<boolean>;
  /** Whether two users share a guild or a private channel (profiles are visible then). */
  sharesSpace(a: string, b: string): Promise<boolean>;

  // Invites
  /** @param invite - a new invite */
  createInvite(invite: Invite): Promise<void>;
  /** @param guildId - guild @returns its invites, oldest first */
  listInvites(guildId: string): Promise<Invite[]>;
  /** @param guildId - guild @param code - invite code @returns false when missing */
  deleteInvite(guildId: string, code: string): Promise<boolean>;
  /** Atomically checks expiry and use count, counts one use and adds the member. */
  useInvite(code: string, userId: string, now: number): Promise<InviteUse>;

  // Channels
  /** Creates a channel with its recipients at once; a second DM between the same two people fails. @param channel - the channel @param recipients - for private channels */
  createChannel(channel: Channel, recipients: Recipient[]): Promise<void>;
  /** @param id - channel id @returns the channel, if any */
  getChannel(id: string): Promise<Channel | undefined>;
  /** @param id - channel id @param patch - fields to set @returns the channel after the change */
  updateChannel(id: string, patch: Partial<Pick<Channel, 'name' | 'topic' | 'position' | 'parentId'>>): Promise<Channel | undefined>;
  /** Deletes the channel, its sub-channels, overrides, recipients and messages. */
  deleteChannel(id: string): Promise<boolean>;
  /** @param guildId - guild @returns its channels by position */
  listGuildChannels(guildId: string): Promise<Channel[]>;
  /** @param userId - user @returns the groups, broadcasts and DMs they are in */
  listPrivateChannels(userId: string): Promise<Channel[]>;
  /** @param a - one user @param b - the other @returns their DM channel, if any */
  findDm(a: string, b: string): Promise<Channel | undefined>;
  /** Creates or replaces the override of one target. @param channelId - channel @param override - target and bits */
  setOverride(channelId: string, override: Override): Promise<void>;
  /** @param channelId - channel @param targetType - role or member @param targetId - which @returns false when missing */
  deleteOverride(channelId: string, targetType: Override['targetType'], targetId: string): Promise<boolean>;
  /** @param channelId - channel @returns its overrides */
  listOverrides(channelId: string): Promise<Override[]>;
  /** @param channelId - private channel @param userId - user @returns their membership, if any */
  getRecipient(channelId: string, userId: string): Promise<Recipient | undefined>;
  /** @param channelId - private channel @param after - page after this user id @param limit - page size @returns recipients by user id */
  listRecipients(channelId: string, after: string | undefined, limit: number): Promise<Recipient[]>;
  /** Adds a recipient unless the channel already has `max`. */
  addRecipient(recipient: Recipient, max: number): Promise<'added' | 'exists' | 'full'>;
  /** @param channelId - private channel @param userId - user @returns false when not a member */
  removeRecipient(channelId: string, userId: string): Promise<boolean>;

  // Messages
  /** Resolves once the message is durable. */
  createMessage(message: Omit<Message, 'reactions' | 'editedAt'>): Promise<void>;
  /** @param channelId - channel @param id - message id @returns the message with its reactions, if any */
  getMessage(channelId: string, id: string): Promise<Message | undefined>;
  /** @param channelId - channel @param id - message @param content - new content @param mentions - new mentions @param editedAt - Unix ms @returns the message after the change */
  editMessage(channelId: string, id: string, content: string, mentions: string[], editedAt: number): Promise<Message | undefined>;
  /** Deletes a message and its reactions. @param channelId - channel @param id - message @returns false when missing */
  deleteMessage(channelId: string, id: string): Promise<boolean>;
  /**
   * A page of history, ascending by id, at most `limit`: `before` gives the newest messages
   * older than the id (the latest when absent), `after` the oldest newer than it, `around`
   * the ceil(limit/2) up to and including the id and the floor(limit/2) after it.
   */
  listMessages(channelId: string, query: HistoryQuery): Promise<Message[]>;
  /** @returns false when this user already reacted with this emoji or the message is gone */
  addReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean>;
  /** @param channelId - channel @param messageId - message @param userId - who @param emoji - which @returns false when there was none */
  removeReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean>;

  /** Media, friends, blocks and notifications (their own tables, their own contract tests). */
  readonly features: FeatureStore;

  /** Flushes and releases resources. */
  close(): Promise<void>;
}
