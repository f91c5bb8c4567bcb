// Node-only: the SQLite side of the FeatureStore contract, on the SqliteStore's own connection.
import type Database from 'better-sqlite3';
import type { AttachmentRef, FeatureStore, FriendRequest, Friendship, MediaRecord, Notification, UnreadCount } from './FeatureStore.js';
import { idOrNull, toMedia, toNotification, toRef } from '../rows.js';

// Tables of their own (no change to the chat core's tables). Attachment rows are written before
// their message, so they carry no foreign key: rows whose message never arrived or was deleted
// are ignored by the joins and removed by sweepMedia.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS media (id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL, content_type TEXT NOT NULL, filename TEXT NOT NULL,
  size INTEGER NOT NULL, digest TEXT NOT NULL, manifest TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS media_owner ON media(owner_id);
CREATE TABLE IF NOT EXISTS attachments (media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE, channel_id INTEGER NOT NULL,
  message_id INTEGER NOT NULL, PRIMARY KEY (media_id, message_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS attachments_message ON attachments(message_id);
CREATE TABLE IF NOT EXISTS avatars (user_id INTEGER PRIMARY KEY, media_id INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS friend_requests (from_id INTEGER NOT NULL, to_id INTEGER NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (from_id, to_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS friend_requests_to ON friend_requests(to_id);
CREATE TABLE IF NOT EXISTS friendships (a INTEGER NOT NULL, b INTEGER NOT NULL, since INTEGER NOT NULL, interactions INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS friendships_b ON friendships(b);
CREATE TABLE IF NOT EXISTS blocks (blocker INTEGER NOT NULL, blocked INTEGER NOT NULL, created_at INTEGER NOT NULL,
  PRIMARY KEY (blocker, blocked)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS blocks_blocked ON blocks(blocked);
CREATE TABLE IF NOT EXISTS notifications (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, kind TEXT NOT NULL, actor_id INTEGER NOT NULL,
  guild_id INTEGER, channel_id INTEGER, message_id INTEGER, code TEXT, created_at INTEGER NOT NULL, read INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id, id);
CREATE TABLE IF NOT EXISTS read_states (user_id INTEGER NOT NULL, channel_id INTEGER NOT NULL, last_read INTEGER NOT NULL,
  PRIMARY KEY (user_id, channel_id)) WITHOUT ROWID;
`;

type Row = Record<string, unknown>;
const s = (v: unknown): string => String(v);
const n = (v: unknown): number => Number(v);
const big = (id: string): bigint => BigInt(id);
const pair = (a: string, b: string): [bigint, bigint] => (BigInt(a) < BigInt(b) ? [BigInt(a), BigInt(b)] : [BigInt(b), BigInt(a)]);

const MEDIA_COLUMNS = 'CAST(id AS TEXT) AS id, CAST(owner_id AS TEXT) AS owner_id, content_type, filename, size, digest, manifest, created_at';
const NOTIFICATION_COLUMNS =
  'CAST(id AS TEXT) AS id, CAST(user_id AS TEXT) AS user_id, kind, CAST(actor_id AS TEXT) AS actor_id, CAST(guild_id AS TEXT) AS guild_id, CAST(channel_id AS TEXT) AS channel_id, CAST(message_id AS TEXT) AS message_id, code, created_at, read';


/**
 * The {@link FeatureStore} on the SQLite database of a `SqliteStore` (same connection, so the
 * joins with messages and members are plain SQL). Creates its tables when missing. Node-only.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ file: ':memory:' });
 * await store.features.getMedia('1'); // undefined
 * ```
 */
export class SqliteFeatureStore implements FeatureStore {
  private readonly stmts = new Map<string, Database.Statement>();

  /**
   * @param db - an open better-sqlite3 database with the chat core's tables
   */
  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  // Ids are cast to text in SQL and everything else fits a double: plain numbers, no BigInt.
  private q(sql: string): Database.Statement {
    let st = this.stmts.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      if (st.reader) st.safeIntegers(false);
      this.stmts.set(sql, st);
    }
    return st;
  }
  private get(sql: string, ...args: unknown[]): Row | undefined {
    return this.q(sql).get(...args) as Row | undefined;
  }
  private all(sql: string, ...args: unknown[]): Row[] {
    return this.q(sql).all(...args) as Row[];
  }
  private run(sql: string, ...args: unknown[]): number {
    return this.q(sql).run(...args).changes;
  }
  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  async createMedia(m: MediaRecord): Promise<void> {
    this.run('INSERT INTO media (id, owner_id, content_type, filename, size, digest, manifest, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      big(m.id), big(m.ownerId), m.contentType, m.filename, m.size, m.digest, m.manifest, m.createdAt);
  }
  async getMedia(id: string): Promise<MediaRecord | undefined> {
    const r = this.get(`SELECT ${MEDIA_COLUMNS} FROM media WHERE id = ?`, big(id));
    return r && toMedia(r);
  }
  async deleteMedia(id: string): Promise<boolean> {
    return this.run('DELETE FROM media WHERE id = ?', big(id)) === 1;
  }
  async mediaBytesOf(ownerId: string): Promise<number> {
    return n(this.get('SELECT coalesce(sum(size), 0) AS b FROM media WHERE owner_id = ?', big(ownerId))?.['b']);
  }
  async attach(refs: AttachmentRef[]): Promise<void> {
    this.tx(() => {
      for (const r of refs) this.run('INSERT INTO attachments (media_id, channel_id, message_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', big(r.mediaId), big(r.channelId), big(r.messageId));
    });
  }
  async attachmentsOf(mediaId: string): Promise<AttachmentRef[]> {
    return this.all(
      'SELECT CAST(a.media_id AS TEXT) AS media_id, CAST(a.channel_id AS TEXT) AS channel_id, CAST(a.message_id AS TEXT) AS message_id FROM attachments a JOIN messages m ON m.id = a.message_id AND m.channel_id = a.channel_id WHERE a.media_id = ? ORDER BY a.message_id',
      big(mediaId),
    ).map(toRef);
  }
  async attachmentsOfMessages(channelId: string, messageIds: string[]): Promise<AttachmentRef[]> {
    const out: AttachmentRef[] = [];
    for (const id of messageIds) {
      for (const r of this.all('SELECT CAST(media_id AS TEXT) AS media_id, CAST(channel_id AS TEXT) AS channel_id, CAST(message_id AS TEXT) AS message_id FROM attachments WHERE message_id = ? AND channel_id = ? ORDER BY media_id', big(id), big(channelId))) out.push(toRef(r));
    }
    return out;
  }
  async setAvatar(userId: string, mediaId: string | null): Promise<void> {
    if (mediaId === null) this.run('DELETE FROM avatars WHERE user_id = ?', big(userId));
    else this.run('INSERT INTO avatars (user_id, media_id) VALUES (?, ?) ON CONFLICT DO UPDATE SET media_id = excluded.media_id', big(userId), big(mediaId));
  }
  async getAvatar(userId: string): Promise<string | null> {
    return idOrNull(this.get('SELECT CAST(media_id AS TEXT) AS m FROM avatars WHERE user_id = ?', big(userId))?.['m']);
  }
  async sweepMedia(before: number): Promise<{ removed: number; live: MediaRecord[] }> {
    return this.tx(() => {
      this.run('DELETE FROM attachments WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.id = attachments.message_id AND m.channel_id = attachments.channel_id)');
      const removed = this.run(
        'DELETE FROM media WHERE created_at < ? AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.media_id = media.id) AND NOT EXISTS (SELECT 1 FROM avatars v WHERE v.media_id = media.id)',
        before,
      );
      return { removed, live: this.all(`SELECT ${MEDIA_COLUMNS} FROM media ORDER BY id`).map(toMedia) };
    });
  }

  async createRequest(r: FriendRequest): Promise<boolean> {
    return this.run('INSERT INTO friend_requests (from_id, to_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', big(r.fromId), big(r.toId), r.createdAt) === 1;
  }
  async deleteRequest(fromId: string, toId: string): Promise<boolean> {
    return this.run('DELETE FROM friend_requests WHERE from_id = ? AND to_id = ?', big(fromId), big(toId)) === 1;
  }
  async listRequests(userId: string): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }> {
    const rows = (where: string): FriendRequest[] =>
      this.all(`SELECT CAST(from_id AS TEXT) AS f, CAST(to_id AS TEXT) AS t, created_at FROM friend_requests WHERE ${where} = ? ORDER BY created_at, from_id, to_id`, big(userId)).map((r) => ({
        fromId: s(r['f']),
        toId: s(r['t']),
        createdAt: n(r['created_at']),
      }));
    return { incoming: rows('to_id'), outgoing: rows('from_id') };
  }
  async createFriendship(a: string, b: string, since: number): Promise<boolean> {
    return this.tx(() => {
      this.run('DELETE FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)', big(a), big(b), big(b), big(a));
      return this.run('INSERT INTO friendships (a, b, since) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', ...pair(a, b), since) === 1;
    });
  }
  async deleteFriendship(a: string, b: string): Promise<boolean> {
    return this.run('DELETE FROM friendships WHERE a = ? AND b = ?', ...pair(a, b)) === 1;
  }
  async listFriends(userId: string): Promise<Friendship[]> {
    return this.all(
      'SELECT CAST(CASE WHEN a = @u THEN b ELSE a END AS TEXT) AS f, since, interactions FROM friendships WHERE a = @u OR b = @u ORDER BY CASE WHEN a = @u THEN b ELSE a END',
      { u: big(userId) },
    ).map((r) => ({ userId, friendId: s(r['f']), since: n(r['since']), interactions: n(r['interactions']) }));
  }
  async addInteraction(a: string, b: string): Promise<number | undefined> {
    const [x, y] = pair(a, b);
    if (this.run('UPDATE friendships SET interactions = interactions + 1 WHERE a = ? AND b = ?', x, y) === 0) return undefined;
    return n(this.get('SELECT interactions FROM friendships WHERE a = ? AND b = ?', x, y)?.['interactions']);
  }
  async listAllFriendships(after: string | undefined, limit: number): Promise<Friendship[]> {
    const [a, b] = after === undefined ? [-1n, -1n] : after.split(':').map((x) => BigInt(x));
    return this.all('SELECT CAST(a AS TEXT) AS a, CAST(b AS TEXT) AS b, since, interactions FROM friendships WHERE (a, b) > (?, ?) ORDER BY a, b LIMIT ?', a, b, limit).map((r) => ({
      userId: s(r['a']),
      friendId: s(r['b']),
      since: n(r['since']),
      interactions: n(r['interactions']),
    }));
  }
  async block(blocker: string, blocked: string, at: number): Promise<boolean> {
    return this.tx(() => {
      this.run('DELETE FROM friendships WHERE a = ? AND b = ?', ...pair(blocker, blocked));
      this.run('DELETE FROM friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)', big(blocker), big(blocked), big(blocked), big(blocker));
      return this.run('INSERT INTO blocks (blocker, blocked, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', big(blocker), big(blocked), at) === 1;
    });
  }
  async unblock(blocker: string, blocked: string): Promise<boolean> {
    return this.run('DELETE FROM blocks WHERE blocker = ? AND blocked = ?', big(blocker), big(blocked)) === 1;
  }
  async listBlocks(userId: string): Promise<string[]> {
    return this.all('SELECT CAST(blocked AS TEXT) AS b FROM blocks WHERE blocker = ? ORDER BY blocked', big(userId)).map((r) => s(r['b']));
  }
  async blockedEither(a: string, b: string): Promise<boolean> {
    return this.get('SELECT 1 FROM blocks WHERE (blocker = ? AND blocked = ?) OR (blocker = ? AND blocked = ?) LIMIT 1', big(a), big(b), big(b), big(a)) !== undefined;
  }
  async listAllBlocks(): Promise<[string, string][]> {
    return this.all('SELECT CAST(blocker AS TEXT) AS a, CAST(blocked AS TEXT) AS b FROM blocks ORDER BY blocker, blocked').map((r) => [s(r['a']), s(r['b'])]);
  }
  async listMemberships(after: string | undefined, limit: number): Promise<[string, string][]> {
    const [g, u] = after === undefined ? [-1n, -1n] : after.split(':').map((x) => BigInt(x));
    return this.all('SELECT CAST(user_id AS TEXT) AS u, CAST(guild_id AS TEXT) AS g FROM members WHERE (guild_id, user_id) > (?, ?) ORDER BY guild_id, user_id LIMIT ?', g, u, limit).map((r) => [s(r['u']), s(r['g'])]);
  }

  async createNotification(x: Notification): Promise<void> {
    const opt = (v: string | null): bigint | null => (v === null ? null : big(v));
    this.run('INSERT INTO notifications (id, user_id, kind, actor_id, guild_id, channel_id, message_id, code, created_at, read) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      big(x.id), big(x.userId), x.kind, big(x.actorId), opt(x.guildId), opt(x.channelId), opt(x.messageId), x.code, x.createdAt, x.read ? 1 : 0);
  }
  async listNotifications(userId: string, before: string | undefined, limit: number, unreadOnly: boolean): Promise<Notification[]> {
    const top = before === undefined ? (1n << 63n) - 1n : big(before);
    return this.all(`SELECT ${NOTIFICATION_COLUMNS} FROM notifications WHERE user_id = ? AND id < ? ${unreadOnly ? 'AND read = 0' : ''} ORDER BY id DESC LIMIT ?`, big(userId), top, limit).map(toNotification);
  }
  async markNotificationsRead(userId: string, upTo: string | undefined): Promise<number> {
    const top = upTo === undefined ? (1n << 63n) - 1n : big(upTo);
    return this.run('UPDATE notifications SET read = 1 WHERE user_id = ? AND id <= ? AND read = 0', big(userId), top);
  }
  async markChannelRead(userId: string, channelId: string, messageId: string): Promise<void> {
    this.run('INSERT INTO read_states (user_id, channel_id, last_read) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET last_read = max(last_read, excluded.last_read)', big(userId), big(channelId), big(messageId));
  }
  async unreadCounts(userId: string, channelIds: string[]): Promise<UnreadCount[]> {
    return channelIds.map((channelId) => {
      const last = this.get('SELECT CAST(last_read AS TEXT) AS l FROM read_states WHERE user_id = ? AND channel_id = ?', big(userId), big(channelId))?.['l'];
      const lastReadId = idOrNull(last);
      const count = n(this.get('SELECT count(*) AS c FROM messages WHERE channel_id = ? AND id > ? AND author_id != ?', big(channelId), lastReadId === null ? -1n : big(lastReadId), big(userId))?.['c']);
      return { channelId, count, lastReadId };
    });
  }
}
