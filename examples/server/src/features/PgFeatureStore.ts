// Node-only: the PostgreSQL side of the FeatureStore contract, on the PgStore's own pool.
import type pg from 'pg';
import { changes, exec, one, rows, transaction, type PgRow } from '../pgPool.js';
import type { AttachmentRef, FeatureStore, FriendRequest, Friendship, MediaRecord, Notification, UnreadCount } from './FeatureStore.js';
import { idOrNull, toMedia, toNotification, toRef } from '../rows.js';

// Tables are created by PgStore.open (pgSchema.ts), in the same schema as the chat core's, so
// the joins with messages and members are plain SQL.
const s = (v: unknown): string => String(v);
const n = (v: unknown): number => Number(v);
/** The two ids of a friendship in stored order (smaller first, compared as numbers). */
const pair = (a: string, b: string): [string, string] => (BigInt(a) < BigInt(b) ? [a, b] : [b, a]);
const MAX_ID = '9223372036854775807';

const MEDIA_COLUMNS = 'id, owner_id, content_type, filename, size, digest, manifest, created_at';
const NOTIFICATION_COLUMNS = 'id, user_id, kind, actor_id, guild_id, channel_id, message_id, code, created_at, read';

/** Parses an `a:b` paging cursor (checked here: it goes into SQL as two ids). */
function cursor(after: string | undefined): [string, string] {
  if (after === undefined) return ['-1', '-1'];
  const m = /^(-?[0-9]{1,19}):(-?[0-9]{1,19})$/.exec(after);
  if (!m) throw new RangeError('a paging cursor is two decimal ids joined by ":"');
  return [m[1]!, m[2]!];
}

/**
 * The {@link FeatureStore} on the PostgreSQL database of a `PgStore` (same pool and schema).
 * Node-only; made by `PgStore.open`, which creates its tables.
 *
 * @example
 * ```ts
 * const store = await PgStore.open({ url: 'postgres://postgres@127.0.0.1:5432/chorus' });
 * await store.features.getMedia('1'); // undefined
 * ```
 */
export class PgFeatureStore implements FeatureStore {
  /**
   * @param pool - the PgStore's pool, whose connections use the store's schema
   */
  constructor(private readonly pool: pg.Pool) {}

  async createMedia(m: MediaRecord): Promise<void> {
    await exec(this.pool, 'INSERT INTO media (id, owner_id, content_type, filename, size, digest, manifest, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
      m.id, m.ownerId, m.contentType, m.filename, m.size, m.digest, m.manifest, m.createdAt,
    ]);
  }
  async getMedia(id: string): Promise<MediaRecord | undefined> {
    const r = await one(this.pool, `SELECT ${MEDIA_COLUMNS} FROM media WHERE id = $1`, [id]);
    return r && toMedia(r);
  }
  async deleteMedia(id: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM media WHERE id = $1', [id])) === 1;
  }
  async mediaBytesOf(ownerId: string): Promise<number> {
    return n((await one(this.pool, 'SELECT coalesce(sum(size), 0) AS b FROM media WHERE owner_id = $1', [ownerId]))?.['b']);
  }
  async attach(refs: AttachmentRef[]): Promise<void> {
    if (refs.length === 0) return;
    // One statement: all the rows or none.
    await exec(this.pool, 
      'INSERT INTO attachments (media_id, channel_id, message_id) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) ON CONFLICT DO NOTHING',
      [refs.map((r) => r.mediaId), refs.map((r) => r.channelId), refs.map((r) => r.messageId)],
    );
  }
  async attachmentsOf(mediaId: string): Promise<AttachmentRef[]> {
    return (
      await rows(
        this.pool,
        'SELECT a.media_id, a.channel_id, a.message_id FROM attachments a JOIN messages m ON m.id = a.message_id AND m.channel_id = a.channel_id WHERE a.media_id = $1 ORDER BY a.message_id',
        [mediaId],
      )
    ).map(toRef);
  }
  async attachmentsOfMessages(channelId: string, messageIds: string[]): Promise<AttachmentRef[]> {
    if (messageIds.length === 0) return [];
    // In the order of the ids asked for, then by media id (as SqliteFeatureStore answers).
    return (
      await rows(
        this.pool,
        'SELECT a.media_id, a.channel_id, a.message_id FROM attachments a JOIN unnest($2::bigint[]) WITH ORDINALITY AS q(id, ord) ON a.message_id = q.id WHERE a.channel_id = $1 ORDER BY q.ord, a.media_id',
        [channelId, messageIds],
      )
    ).map(toRef);
  }
  async setAvatar(userId: string, mediaId: string | null): Promise<void> {
    if (mediaId === null) await exec(this.pool, 'DELETE FROM avatars WHERE user_id = $1', [userId]);
    else await exec(this.pool, 'INSERT INTO avatars (user_id, media_id) VALUES ($1, $2) ON CONFLICT (user_id) DO UPDATE SET media_id = excluded.media_id', [userId, mediaId]);
  }
  async getAvatar(userId: string): Promise<string | null> {
    return idOrNull((await one(this.pool, 'SELECT media_id FROM avatars WHERE user_id = $1', [userId]))?.['media_id']);
  }
  async sweepMedia(before: number): Promise<{ removed: number; live: MediaRecord[] }> {
    return transaction(this.pool, async (c) => {
      await exec(c, 'DELETE FROM attachments a WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = a.message_id AND m.channel_id = a.channel_id)');
      const removed = await changes(
        c,
        'DELETE FROM media WHERE created_at < $1 AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.media_id = media.id) AND NOT EXISTS (SELECT 1 FROM avatars v WHERE v.media_id = media.id)',
        [before],
      );
      return { removed, live: (await rows(c, `SELECT ${MEDIA_COLUMNS} FROM media ORDER BY id`)).map(toMedia) };
    });
  }

  async createRequest(r: FriendRequest): Promise<boolean> {
    return (await changes(this.pool, 'INSERT INTO friend_requests (from_id, to_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [r.fromId, r.toId, r.createdAt])) === 1;
  }
  async deleteRequest(fromId: string, toId: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM friend_requests WHERE from_id = $1 AND to_id = $2', [fromId, toId])) === 1;
  }
  async listRequests(userId: string): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
    const list = async (where: 'to_id' | 'from_id'): Promise<FriendRequest[]> =>
      (await rows(this.pool, `SELECT from_id, to_id, created_at FROM friend_requests WHERE ${where} = $1 ORDER BY created_at, from_id, to_id`, [userId])).map((r) => ({
        fromId: s(r['from_id']),
        toId: s(r['to_id']),
        createdAt: n(r['created_at']),
      }));
    const [incoming, outgoing] = await Promise.all([list('to_id'), list('from_id')]);
    return { incoming, outgoing };
  }
  async createFriendship(a: string, b: string, since: number): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      await exec(c, 'DELETE FROM friend_requests WHERE (from_id = $1 AND to_id = $2) OR (from_id = $2 AND to_id = $1)', [a, b]);
      return (await changes(c, 'INSERT INTO friendships (a, b, since) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [...pair(a, b), since])) === 1;
    });
  }
  async deleteFriendship(a: string, b: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM friendships WHERE a = $1 AND b = $2', pair(a, b))) === 1;
  }
  async listFriends(userId: string): Promise<Friendship[]> {
    const found = await rows(
      this.pool,
      'SELECT CASE WHEN a = $1 THEN b ELSE a END AS f, since, interactions FROM friendships WHERE a = $1 OR b = $1 ORDER BY CASE WHEN a = $1 THEN b ELSE a END',
      [userId],
    );
    return found.map((r) => ({ userId, friendId: s(r['f']), since: n(r['since']), interactions: n(r['interactions']) }));
  }
  async addInteraction(a: string, b: string): Promise<number | undefined> {
    const r = await one(this.pool, 'UPDATE friendships SET interactions = interactions + 1 WHERE a = $1 AND b = $2 RETURNING interactions', pair(a, b));
    return r === undefined ? undefined : n(r['interactions']);
  }
  async listAllFriendships(after: string | undefined, limit: number): Promise<Friendship[]> {
    const [a, b] = cursor(after);
    return (await rows(this.pool, 'SELECT a, b, since, interactions FROM friendships WHERE (a, b) > ($1::bigint, $2::bigint) ORDER BY a, b LIMIT $3', [a, b, limit])).map((r) => ({
      userId: s(r['a']),
      friendId: s(r['b']),
      since: n(r['since']),
      interactions: n(r['interactions']),
    }));
  }
  async block(blocker: string, blocked: string, at: number): Promise<boolean> {
    return transaction(this.pool, async (c) => {
      await exec(c, 'DELETE FROM friendships WHERE a = $1 AND b = $2', pair(blocker, blocked));
      await exec(c, 'DELETE FROM friend_requests WHERE (from_id = $1 AND to_id = $2) OR (from_id = $2 AND to_id = $1)', [blocker, blocked]);
      return (await changes(c, 'INSERT INTO blocks (blocker, blocked, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [blocker, blocked, at])) === 1;
    });
  }
  async unblock(blocker: string, blocked: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM blocks WHERE blocker = $1 AND blocked = $2', [blocker, blocked])) === 1;
  }
  async listBlocks(userId: string): Promise<string[]> {
    return (await rows(this.pool, 'SELECT blocked FROM blocks WHERE blocker = $1 ORDER BY blocked', [userId])).map((r) => s(r['blocked']));
  }
  async blockedEither(a: string, b: string): Promise<boolean> {
    return (await one(this.pool, 'SELECT 1 FROM blocks WHERE (blocker = $1 AND blocked = $2) OR (blocker = $2 AND blocked = $1) LIMIT 1', [a, b])) !== undefined;
  }
  async listAllBlocks(): Promise<[string, string][]> {
    return (await rows(this.pool, 'SELECT blocker, blocked FROM blocks ORDER BY blocker, blocked')).map((r) => [s(r['blocker']), s(r['blocked'])]);
  }
  async listMemberships(after: string | undefined, limit: number): Promise<[string, string][]> {
    const [g, u] = cursor(after);
    return (await rows(this.pool, 'SELECT user_id, guild_id FROM members WHERE (guild_id, user_id) > ($1::bigint, $2::bigint) ORDER BY guild_id, user_id LIMIT $3', [g, u, limit])).map((r) => [
      s(r['user_id']),
      s(r['guild_id']),
    ]);
  }

  async createNotification(x: Notification): Promise<void> {
    await exec(this.pool, 
      'INSERT INTO notifications (id, user_id, kind, actor_id, guild_id, channel_id, message_id, code, created_at, read) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [x.id, x.userId, x.kind, x.actorId, x.guildId, x.channelId, x.messageId, x.code, x.createdAt, x.read],
    );
  }
  async listNotifications(userId: string, before: string | undefined, limit: number, unreadOnly: boolean): Promise<Notification[]> {
    return (
      await rows(this.pool, `SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE user_id = $1 AND id < $2 ${unreadOnly ? 'AND NOT read' : ''} ORDER BY id DESC LIMIT $3`, [
        userId,
        before ?? MAX_ID,
        limit,
      ])
    ).map(toNotification);
  }
  async markNotificationsRead(userId: string, upTo: string | undefined): Promise<number> {
    return changes(this.pool, 'UPDATE notifications SET read = true WHERE user_id = $1 AND id <= $2 AND NOT read', [userId, upTo ?? MAX_ID]);
  }
  async markChannelRead(userId: string, channelId: string, messageId: string): Promise<void> {
    await exec(this.pool, 
      'INSERT INTO read_states (user_id, channel_id, last_read) VALUES ($1, $2, $3) ON CONFLICT (user_id, channel_id) DO UPDATE SET last_read = greatest(read_states.last_read, excluded.last_read)',
      [userId, channelId, messageId],
    );
  }
  async unreadCounts(userId: string, channelIds: string[]): Promise<UnreadCount[]> {
    if (channelIds.length === 0) return [];
    // Every channel in one round trip, answered in the order asked.
    const found = await rows(
      this.pool,
      `SELECT q.ord, r.last_read,
         (SELECT count(*) FROM messages m WHERE m.channel_id = q.id AND m.id > coalesce(r.last_read, -1) AND m.author_id <> $1) AS c
       FROM unnest($2::bigint[]) WITH ORDINALITY AS q(id, ord) LEFT JOIN read_states r ON r.user_id = $1 AND r.channel_id = q.id ORDER BY q.ord`,
      [userId, channelIds],
    );
    return channelIds.map((channelId, i) => {
      const r = found[i];
      return { channelId, count: n(r?.['c']), lastReadId: idOrNull(r?.['last_read']) };
    });
  }
}
