import { ServiceError } from '../errors.js';
import { Permission, has } from '../permissions.js';
import type { Caller, Service } from '../Service.js';
import type { FeatureStore, Notification, NotificationKind, UnreadCount } from './FeatureStore.js';

/** Options of {@link Notifications}. */
export interface NotificationsOptions {
  service: Service;
  store: FeatureStore;
  /** Whether either user blocks the other (no notifications between them). */
  blockedEither(a: string, b: string): boolean;
  /** Whether two users are friends (friends may be sent invites without sharing a guild). */
  areFriends(a: string, b: string): boolean;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
}

/** What a new notification says besides who it is for. */
export interface NotificationInput {
  kind: NotificationKind;
  actorId: string;
  guildId?: string | null;
  channelId?: string | null;
  messageId?: string | null;
  code?: string | null;
}

/**
 * Mentions, replies, friend requests and invites: stored per user, delivered live over the
 * gateway as NOTIFICATION_CREATE on the user's topic, listed over REST, marked read; and unread
 * message counts per channel from a read marker per user and channel.
 *
 * @example
 * ```ts
 * const notifications = new Notifications({ service, store: store.features, blockedEither: () => false, areFriends: () => false });
 * await notifications.notify(userId, { kind: 'mention', actorId, channelId, messageId });
 * ```
 */
export class Notifications {
  private readonly service: Service;
  private readonly store: FeatureStore;
  private readonly blockedEither: (a: string, b: string) => boolean;
  private readonly areFriends: (a: string, b: string) => boolean;
  private readonly now: () => number;

  /**
   * @param options - service, store, block check, clock
   */
  constructor(options: NotificationsOptions) {
    this.service = options.service;
    this.store = options.store;
    this.blockedEither = options.blockedEither;
    this.areFriends = options.areFriends;
    this.now = options.now ?? Date.now;
  }

  /**
   * Stores a notification and pushes it to the user's gateway sessions. Nothing happens for
   * oneself or between users who block each other.
   * @param userId - for whom
   * @param input - what happened
   * @returns the notification, or undefined when none was due
   */
  async notify(userId: string, input: NotificationInput): Promise<Notification | undefined> {
    if (userId === input.actorId || this.blockedEither(userId, input.actorId)) return undefined;
    const n: Notification = {
      id: this.service.newId(),
      userId,
      kind: input.kind,
      actorId: input.actorId,
      guildId: input.guildId ?? null,
      channelId: input.channelId ?? null,
      messageId: input.messageId ?? null,
      code: input.code ?? null,
      createdAt: this.now(),
      read: false,
    };
    await this.store.createNotification(n);
    this.service.fanOut.publish(`user:${userId}`, { t: 'NOTIFICATION_CREATE', d: n });
    return n;
  }

  /**
   * Notifies the users a new message mentions or replies to, if they can see its channel.
   * @param m - the message as dispatched
   */
  async onMessage(m: { id: string; channelId: string; guildId: string | null; authorId: string; mentions: string[]; replyTo: string | null }): Promise<void> {
    const told = new Set<string>();
    if (m.replyTo !== null) {
      const parent = await this.service.store.getMessage(m.channelId, m.replyTo);
      if (parent && (await this.service.canView(parent.authorId, m.channelId))) {
        told.add(parent.authorId);
        await this.notify(parent.authorId, { kind: 'reply', actorId: m.authorId, guildId: m.guildId, channelId: m.channelId, messageId: m.id });
      }
    }
    for (const u of m.mentions) {
      if (told.has(u) || !(await this.service.canView(u, m.channelId))) continue;
      told.add(u);
      await this.notify(u, { kind: 'mention', actorId: m.authorId, guildId: m.guildId, channelId: m.channelId, messageId: m.id });
    }
  }

  /**
   * Sends an invite code to a friend, or to anyone who shares a space with the caller, as a
   * notification.
   * @param caller - a member of the invite's guild
   * @param userId - whom to invite
   * @param guildId - the guild
   * @param code - one of its invite codes
   * @returns the notification
   * @throws ServiceError `not_found` (no such invite, guild or visible user)
   */
  async sendInvite(caller: Caller, userId: string, guildId: string, code: string): Promise<Notification> {
    await this.service.getGuild(caller, guildId);
    if (!(await this.service.store.listInvites(guildId)).some((i) => i.code === code)) throw new ServiceError('not_found', 'invite does not exist');
    if (!this.areFriends(caller.userId, userId)) await this.service.profile(caller, userId);
    const n = await this.notify(userId, { kind: 'invite', actorId: caller.userId, guildId, code });
    if (!n) throw new ServiceError('not_found', 'user does not exist or you cannot see them');
    return n;
  }

  /**
   * The caller's notifications, newest first.
   * @param caller - who
   * @param before - page before this id
   * @param limit - page size
   * @param unreadOnly - only unread ones
   * @returns notifications
   */
  list(caller: Caller, before: string | undefined, limit: number, unreadOnly: boolean): Promise<Notification[]> {
    return this.store.listNotifications(caller.userId, before, limit, unreadOnly);
  }

  /**
   * Marks the caller's notifications read, up to an id (all when absent).
   * @param caller - who
   * @param upTo - last id to mark
   * @returns how many changed
   */
  async markRead(caller: Caller, upTo: string | undefined): Promise<number> {
    const changed = await this.store.markNotificationsRead(caller.userId, upTo);
    if (changed > 0) this.service.fanOut.publish(`user:${caller.userId}`, { t: 'NOTIFICATION_READ', d: { upTo: upTo ?? null } });
    return changed;
  }

  /**
   * Moves the caller's read marker in a channel to a message (never backwards).
   * @param caller - who
   * @param channelId - where (ReadHistory)
   * @param messageId - the last message read
   * @throws ServiceError `not_found` (channel or message)
   */
  async markChannelRead(caller: Caller, channelId: string, messageId: string): Promise<void> {
    const { channel, bits } = await this.service.access(caller.userId, channelId);
    if (!channel || !has(bits, Permission.ViewChannel | Permission.ReadHistory)) throw new ServiceError('not_found', 'channel does not exist or you cannot see it');
    if (!(await this.service.store.getMessage(channelId, messageId))) throw new ServiceError('not_found', 'message does not exist');
    await this.store.markChannelRead(caller.userId, channelId, messageId);
    this.service.fanOut.publish(`user:${caller.userId}`, { t: 'CHANNEL_READ', d: { channelId, messageId } });
  }

  /**
   * Unread counts of every channel the caller can read: visible guild channels and private ones.
   * @param caller - who
   * @returns one entry per channel
   */
  async unread(caller: Caller): Promise<UnreadCount[]> {
    const ids: string[] = [];
    for (const g of await this.service.listGuilds(caller)) {
      for (const c of (await this.service.getGuild(caller, g.id)).channels) if (has((await this.service.access(caller.userId, c.id)).bits, Permission.ReadHistory)) ids.push(c.id);
    }
    for (const c of await this.service.listPrivateChannels(caller)) ids.push(c.id);
    return this.store.unreadCounts(caller.userId, ids);
  }
}
