import type { ChunkStore } from '@chorus/cdc';
import type { Attachment, Message as WireMessage } from '@chorus/wire';
import { ServiceError } from '../errors.js';
import type { DispatchEvent } from '../FanOut.js';
import type { Caller, Service } from '../Service.js';
import type { Channel, Store } from '../Store.js';
import { MediaLinks } from './mediaLinks.js';
import { MediaLibrary, type MediaLimits } from './MediaLibrary.js';
import { MessageSearch } from './MessageSearch.js';
import { Notifications } from './Notifications.js';
import type { ObservedFanOut } from './ObservedFanOut.js';
import { Social } from './Social.js';

/** Options of {@link Features}. */
export interface FeaturesOptions {
  service: Service;
  store: Store;
  /** The service's fan-out, wrapped so that the features see every change. */
  fanOut: ObservedFanOut;
  /** Where media chunks go. */
  chunks: ChunkStore;
  /** Overrides of the media limits. */
  mediaLimits?: Partial<MediaLimits>;
  /** Average media chunk size. @defaultValue 65536 */
  avgChunkBytes?: number;
  /** Grace time of unattached uploads before garbage collection, ms. @defaultValue 86400000 */
  mediaGraceMs?: number;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
  /** Key of signed media links; share it between the processes of a deployment. @defaultValue 32 random bytes per process */
  mediaSecret?: string;
}

/**
 * Media, friends, suggestions, search and notifications, plugged into a {@link Service}: it
 * installs the service hooks (attachments, blocks) and follows the service's events through the
 * {@link ObservedFanOut} to keep search indexes, the social graph, interaction scores and
 * notifications current. Event work runs in order on one queue; {@link idle} waits for it.
 *
 * @example
 * ```ts
 * const fanOut = new ObservedFanOut(new InProcessFanOut());
 * const service = new Service({ store, fanOut });
 * const features = new Features({ service, store, fanOut, chunks: new MemoryChunkStore() });
 * await features.load();
 * ```
 */
export class Features {
  /** Uploads, downloads, avatars, attachments, garbage collection. */
  readonly media: MediaLibrary;
  /** Signed, expiring download links (for `<img src>`, which sends no token). */
  readonly links: MediaLinks;
  /** Per-guild message search. */
  readonly search: MessageSearch;
  /** Friends, requests, blocks, suggestions. */
  readonly social: Social;
  /** Notifications and unread counts. */
  readonly notifications: Notifications;
  /** Event handlers that failed (each is logged through `onError`). */
  errors = 0;
  /** Told of every failed event handler. */
  onError: (error: unknown, event: DispatchEvent) => void = () => undefined;
  private readonly service: Service;
  private readonly store: Store;
  private queue: Promise<void> = Promise.resolve();

  /**
   * @param options - service, store, fan-out, chunk store, limits
   */
  constructor(options: FeaturesOptions) {
    this.service = options.service;
    this.store = options.store;
    const now = options.now ?? Date.now;
    const media: ConstructorParameters<typeof MediaLibrary>[0] = { service: this.service, store: this.store.features, chunks: options.chunks, now };
    if (options.mediaLimits) media.limits = options.mediaLimits;
    if (options.avgChunkBytes !== undefined) media.avgChunkBytes = options.avgChunkBytes;
    if (options.mediaGraceMs !== undefined) media.graceMs = options.mediaGraceMs;
    this.media = new MediaLibrary(media);
    this.links = new MediaLinks({ now, ...(options.mediaSecret !== undefined ? { secret: options.mediaSecret } : {}) });
    this.social = new Social({
      service: this.service,
      store: this.store.features,
      now,
      notify: async (userId, kind, actorId) => void (await this.notifications.notify(userId, { kind, actorId })),
    });
    this.notifications = new Notifications({ service: this.service, store: this.store.features, now, blockedEither: (a, b) => this.social.blockedEither(a, b),
      areFriends: (a, b) => this.social.graph.hasFriendship(a, b),
    });
    this.search = new MessageSearch({
      service: this.service,
      store: this.store,
      hasAttachments: async (channelId, ids) => new Set((await this.store.features.attachmentsOfMessages(channelId, ids)).map((r) => r.messageId)),
      blockedEither: async (a, b) => this.social.blockedEither(a, b),
    });
    this.service.hooks = {
      beforeSend: (caller, channel, messageId, attachments) => {
        // Most messages: no files and no DM blocks to check, so nothing to wait for.
        if (channel.kind !== 'dm' && attachments.length === 0) return [];
        return this.checkSend(caller, channel, messageId, attachments);
      },
      hidesPresence: (viewerId, userId) => viewerId !== userId && this.social.blockedEither(viewerId, userId),
      areFriends: (a, b) => this.social.graph.hasFriendship(a, b),
      // The graph holds user ids as given: strings.
      friendsOf: (userId) => this.social.graph.friendsOf(userId) as string[],
      beforeOpenDm: async (caller, userId) => {
        if (this.social.blockedEither(caller.userId, userId)) throw new ServiceError('not_found', 'user does not exist or you cannot see them');
      },
    };
    options.fanOut.observe((topic, event) => this.observe(topic, event));
  }

  /** Blocks in DMs, then the files: the `beforeSend` hook when there is something to look up. */
  private async checkSend(caller: Caller, channel: Channel, messageId: string, attachments: readonly string[]): Promise<Attachment[]> {
    if (channel.kind === 'dm') {
      const other = (await this.store.listRecipients(channel.id, undefined, 2)).find((r) => r.userId !== caller.userId);
      if (other && this.social.blockedEither(caller.userId, other.userId)) throw new ServiceError('forbidden', 'you cannot message this user');
    }
    return this.media.attach(caller, channel, messageId, attachments);
  }

  /** Loads the social graph from the store; call once before serving. */
  async load(): Promise<void> {
    await this.social.load();
  }

  /** @returns a promise that settles once every event seen so far is handled */
  idle(): Promise<void> {
    return this.queue;
  }

  private observe(topic: string, event: DispatchEvent): void {
    const task = this.handler(topic, event);
    if (!task) return;
    this.queue = this.queue.then(task).catch((e: unknown) => {
      this.errors++;
      this.onError(e, event);
    });
  }

  private handler(topic: string, event: DispatchEvent): (() => Promise<void>) | undefined {
    const d = event.d as Record<string, unknown>;
    const str = (k: string): string => String(d[k]);
    const guildOrNull = (): string | null => (d['guildId'] === null || d['guildId'] === undefined ? null : String(d['guildId']));
    switch (event.t) {
      case 'MESSAGE_CREATE':
      case 'MESSAGE_UPDATE': {
        const m = event.d as WireMessage;
        return async () => {
          const hasAttachment = event.t === 'MESSAGE_CREATE' ? m.attachments.length > 0 : (await this.store.features.attachmentsOfMessages(m.channelId, [m.id])).length > 0;
          this.search.upsert(m.guildId, { id: m.id, channelId: m.channelId, authorId: m.author.id, content: m.content, hasAttachment });
          if (event.t === 'MESSAGE_CREATE') await this.afterCreate(m);
        };
      }
      case 'MESSAGE_DELETE':
        return async () => this.search.remove(guildOrNull(), str('channelId'), str('id'));
      case 'CHANNEL_DELETE':
        return async () => {
          const g = guildOrNull();
          if (g === null) this.search.drop(null, str('id'));
          else this.search.dropChannel(g, str('id'));
        };
      case 'GUILD_DELETE':
        // On a guild topic the guild is gone; on a user topic only that user left it.
        if (!topic.startsWith('guild:')) return undefined;
        return async () => {
          this.search.drop(str('guildId'), str('guildId'));
          this.social.guildDeleted(str('guildId'));
        };
      case 'GUILD_MEMBER_ADD':
      case 'GUILD_MEMBER_REMOVE':
        return async () => this.social.membership(str('userId'), str('guildId'), event.t === 'GUILD_MEMBER_ADD');
      case 'GUILD_CREATE':
        if (!topic.startsWith('user:')) return undefined;
        return async () => this.social.membership(topic.slice(5), str('id'), true);
      default:
        return undefined;
    }
  }

  private async afterCreate(m: WireMessage): Promise<void> {
    // Notifications and interaction scores come only from mentions, replies and DMs.
    if (m.mentions.length === 0 && m.replyTo === null && m.guildId !== null) return;
    const authorId = m.author.id;
    await this.notifications.onMessage({ id: m.id, channelId: m.channelId, guildId: m.guildId, authorId, mentions: m.mentions, replyTo: m.replyTo });
    // Interaction scores: DMs, replies and mentions between friends.
    const others = new Set(m.mentions);
    if (m.replyTo !== null) {
      const parent = await this.store.getMessage(m.channelId, m.replyTo);
      if (parent) others.add(parent.authorId);
    }
    if (m.guildId === null) {
      const c = await this.store.getChannel(m.channelId);
      if (c?.kind === 'dm') for (const r of await this.store.listRecipients(c.id, undefined, 2)) others.add(r.userId);
    }
    others.delete(authorId);
    for (const u of others) await this.social.interacted(authorId, u);
  }
}
