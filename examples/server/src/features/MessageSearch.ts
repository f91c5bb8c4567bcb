import { SearchError, ShardedSearch, type SearchFilter } from '@chorus/search';
import { ServiceError } from '../errors.js';
import { Permission, has } from '../permissions.js';
import type { Caller, Service } from '../Service.js';
import { snowflakeTime } from '../snowflake.js';
import type { Channel, Message, Store } from '../Store.js';

/** A search request. */
export interface MessageQuery {
  /** Words, `"phrases"` and `-exclusions` (the @chorus/search syntax). */
  q: string;
  /** Only this channel. */
  channelId?: string;
  /** Only this author. */
  authorId?: string;
  /** Only messages sent at or after this time (Unix ms). */
  since?: number;
  /** Only messages sent before this time (Unix ms). */
  until?: number;
  /** Only messages with (true) or without (false) attachments. */
  hasAttachment?: boolean;
  /** @defaultValue 25 */
  limit?: number;
}

/** One hit: the message as it is now in the database. */
export interface MessageHit {
  message: Message;
  score: number;
}

/** What the index stores of a message, besides its text. */
export interface IndexedMessage {
  id: string;
  channelId: string;
  authorId: string;
  content: string;
  hasAttachment: boolean;
}

/** Options of {@link MessageSearch}. */
export interface MessageSearchOptions {
  service: Service;
  store: Store;
  /** Whether a message has attachments (for the filter). */
  hasAttachments(channelId: string, messageIds: string[]): Promise<Set<string>>;
  /** Whether either of two users blocks the other (DM search hides the blocked person's messages). */
  blockedEither(a: string, b: string): Promise<boolean>;
  /** Index shards (guilds and private channels) kept in memory. @defaultValue 10000 */
  maxShards?: number;
}

const STORED = { channel: 'string', author: 'string', time: 'number', att: 'number' } as const;
const PAGE = 500;

interface Shard {
  /** Changes that arrived while the shard was being built from the database. */
  buffered: (() => void)[] | undefined;
  ready: Promise<void>;
}

/**
 * Per-guild message search through @chorus/search. A guild's index (a shard; each private
 * channel is a shard of its own) is built from the database on its first search, then kept
 * current from the chat core's MESSAGE_CREATE / UPDATE / DELETE events; after a restart it is
 * rebuilt the same way. Searches run only over channels where the caller may read history.
 *
 * @example
 * ```ts
 * const search = new MessageSearch({ service, store, hasAttachments: async () => new Set(), blockedEither: async () => false });
 * const hits = await search.searchGuild(caller, guildId, { q: 'raid tonight' });
 * ```
 */
export class MessageSearch {
  private readonly index: ShardedSearch;
  private readonly shards = new Map<string, Shard>();
  private readonly options: MessageSearchOptions;
  private readonly maxShards: number;

  /**
   * @param options - service, store and lookups
   */
  constructor(options: MessageSearchOptions) {
    this.options = options;
    this.maxShards = options.maxShards ?? 10_000;
    this.index = new ShardedSearch({ fields: ['text'], stored: STORED, maxShards: this.maxShards + 1 });
  }

  /** Shards built so far. @returns the count */
  get shardCount(): number {
    return this.shards.size;
  }

  /**
   * Messages indexed for a guild (or, with `channelId` and a null guild, a private channel).
   * @param guildId - the guild, or null
   * @param channelId - for private channels
   * @returns the count, or undefined when the shard is not built
   */
  indexed(guildId: string | null, channelId = ''): number | undefined {
    const key = MessageSearch.keyOf({ id: channelId, guildId });
    const s = this.shards.get(key);
    if (!s || s.buffered) return undefined;
    return this.index.shard(key).size;
  }

  private static keyOf(channel: Pick<Channel, 'id' | 'guildId'>): string {
    return channel.guildId !== null ? `g${channel.guildId}` : `c${channel.id}`;
  }

  private static doc(m: IndexedMessage): Record<string, string | number> {
    return { text: m.content, channel: m.channelId, author: m.authorId, time: snowflakeTime(m.id), att: m.hasAttachment ? 1 : 0 };
  }

  /** Applies a change now, after the build, or not at all when the shard is not built. */
  private change(key: string, apply: () => void): void {
    const s = this.shards.get(key);
    if (!s) return;
    if (s.buffered) s.buffered.push(apply);
    else apply();
  }

  /**
   * A message was created or edited (idempotent: the latest text wins).
   * @param guildId - its guild, or null for private channels
   * @param m - the message
   */
  upsert(guildId: string | null, m: IndexedMessage): void {
    const key = MessageSearch.keyOf({ id: m.channelId, guildId });
    this.change(key, () => this.index.update(key, m.id, MessageSearch.doc(m)));
  }

  /**
   * A message was deleted.
   * @param guildId - its guild, or null
   * @param channelId - its channel
   * @param messageId - which
   */
  remove(guildId: string | null, channelId: string, messageId: string): void {
    const key = MessageSearch.keyOf({ id: channelId, guildId });
    this.change(key, () => void this.index.remove(key, messageId));
  }

  /**
   * A guild or channel is gone: its shard is dropped.
   * @param guildId - the guild, or null
   * @param channelId - for private channels
   */
  drop(guildId: string | null, channelId: string): void {
    const key = MessageSearch.keyOf({ id: channelId, guildId });
    this.shards.delete(key);
    this.index.dropShard(key);
  }

  /**
   * A guild channel is gone with its messages: they leave the index.
   * @param guildId - its guild
   * @param channelId - the channel
   */
  dropChannel(guildId: string, channelId: string): void {
    // Forgetting the guild's shard is the simple correct route: the next search rebuilds it
    // from the database, which no longer holds the channel's messages.
    this.drop(guildId, channelId);
  }

  private ensure(key: string, channels: () => Promise<Channel[]>): Promise<void> {
    let s = this.shards.get(key);
    if (s) return s.ready;
    if (this.shards.size >= this.maxShards) {
      // Forget the oldest shard; it is rebuilt from the database when searched again.
      const oldest = this.shards.keys().next().value as string;
      this.shards.delete(oldest);
      this.index.dropShard(oldest);
    }
    const shard: Shard = { buffered: [], ready: Promise.resolve() };
    shard.ready = this.build(key, channels, shard).catch((e: unknown) => {
      this.shards.delete(key);
      this.index.dropShard(key);
      throw e;
    });
    this.shards.set(key, shard);
    s = shard;
    return s.ready;
  }

  private async build(key: string, channels: () => Promise<Channel[]>, shard: Shard): Promise<void> {
    for (const c of await channels()) {
      let after: string | undefined;
      for (;;) {
        const page = after === undefined ? await this.options.store.listMessages(c.id, { after: '0', limit: PAGE }) : await this.options.store.listMessages(c.id, { after, limit: PAGE });
        if (page.length === 0) break;
        const att = await this.options.hasAttachments(c.id, page.map((m) => m.id));
        for (const m of page) this.index.update(key, m.id, MessageSearch.doc({ id: m.id, channelId: m.channelId, authorId: m.authorId, content: m.content, hasAttachment: att.has(m.id) }));
        after = page[page.length - 1]!.id;
        if (page.length < PAGE) break;
      }
    }
    // Changes seen during the build are replayed in order: each is idempotent on the final state.
    for (const apply of shard.buffered ?? []) apply();
    shard.buffered = undefined;
  }

  /**
   * Searches a guild's messages, over the channels where the caller may read history.
   * @param caller - a member
   * @param guildId - which guild
   * @param query - words and filters
   * @returns hits, best first, as the messages are now
   * @throws ServiceError `not_found` (not a member, or a channel filter the caller cannot read), `validation` (bad query)
   */
  async searchGuild(caller: Caller, guildId: string, query: MessageQuery): Promise<MessageHit[]> {
    const guild = await this.options.service.getGuild(caller, guildId);
    const readable: Channel[] = [];
    for (const c of guild.channels) if (has((await this.options.service.access(caller.userId, c.id)).bits, Permission.ReadHistory)) readable.push(c);
    if (query.channelId !== undefined && !readable.some((c) => c.id === query.channelId)) throw new ServiceError('not_found', 'channel does not exist or you cannot read it');
    // Every channel is indexed (permissions change; the filter applies them at query time).
    await this.ensure(`g${guildId}`, () => this.options.store.listGuildChannels(guildId));
    const channels = query.channelId !== undefined ? [query.channelId] : readable.map((c) => c.id);
    return this.run(`g${guildId}`, channels, query, async () => true);
  }

  /**
   * Searches one private channel (group, broadcast or DM) the caller may read. In a DM, the
   * messages of someone either person blocks are not found.
   * @param caller - a recipient
   * @param channelId - which channel
   * @param query - words and filters
   * @returns hits, best first
   * @throws ServiceError `not_found`, `validation`
   */
  async searchChannel(caller: Caller, channelId: string, query: MessageQuery): Promise<MessageHit[]> {
    const { channel, bits } = await this.options.service.access(caller.userId, channelId);
    if (!channel || !has(bits, Permission.ViewChannel | Permission.ReadHistory)) throw new ServiceError('not_found', 'channel does not exist or you cannot read it');
    if (channel.guildId !== null) return this.searchGuild(caller, channel.guildId, { ...query, channelId });
    const key = MessageSearch.keyOf(channel);
    await this.ensure(key, async () => [channel]);
    const blocked = new Map<string, boolean>();
    return this.run(key, [channelId], query, async (authorId) => {
      if (authorId === caller.userId) return true;
      let b = blocked.get(authorId);
      if (b === undefined) blocked.set(authorId, (b = await this.options.blockedEither(caller.userId, authorId)));
      return !b;
    });
  }

  private async run(key: string, channels: string[], query: MessageQuery, visibleAuthor: (authorId: string) => Promise<boolean>): Promise<MessageHit[]> {
    if (channels.length === 0) return [];
    const limit = query.limit ?? 25;
    const filter: Record<string, SearchFilter[string]> = { channel: channels };
    if (query.authorId !== undefined) filter['author'] = query.authorId;
    if (query.since !== undefined || query.until !== undefined) {
      const range: { gte?: number; lt?: number } = {};
      if (query.since !== undefined) range.gte = query.since;
      if (query.until !== undefined) range.lt = query.until;
      filter['time'] = range;
    }
    if (query.hasAttachment !== undefined) filter['att'] = query.hasAttachment ? 1 : 0;
    const out: MessageHit[] = [];
    // Hits of hidden authors are skipped; ask for more until the page is full or the index is exhausted.
    for (let want = limit; ; want *= 4) {
      let hits;
      try {
        hits = this.index.search(query.q, { shards: [key], limit: Math.min(want, 10_000), filter });
      } catch (e) {
        if (e instanceof SearchError) throw new ServiceError('validation', `query: ${e.message}`);
        throw e;
      }
      out.length = 0;
      for (const h of hits) {
        const stored = this.index.shard(key).stored(h.id);
        const channelId = String(stored?.['channel']);
        if (!(await visibleAuthor(String(stored?.['author'])))) continue;
        const message = await this.options.store.getMessage(channelId, String(h.id));
        if (message) out.push({ message, score: h.score });
        if (out.length === limit) return out;
      }
      if (hits.length < want || want >= 10_000) return out;
    }
  }
}
