// Node-only: the Store on PostgreSQL, for running several processes on one database.
// Handlers see only the Store interface; test/storeContract.ts checks this and SqliteStore alike.
import type pg from 'pg';
import { ServiceError } from './errors.js';
import type { FeatureStore } from './features/FeatureStore.js';
import { PgFeatureStore } from './features/PgFeatureStore.js';
import type { Override } from './permissions.js';
import { changes, createPool, exec, one, rows, transaction, type PgRow, type Queryable } from './pgPool.js';
import { SCHEMA_NAME, createTables } from './pgSchema.js';
import { idOrNull, num, str, toChannel, toInvite, toOverride, toRecipient, toRole, toSession, toUser, type Row } from './rows.js';
import type {
  Channel,
  Guild,
  HistoryQuery,
  Invite,
  InviteUse,
  Member,
  Message,
  Recipient,
  ReactionCount,
  Role,
  Session,
  Store,
  User,
} from './Store.js';

/** Options of {@link PgStore.open}. */
export interface PgStoreOptions {
  /** `postgres://user:password@host:port/database` (`postgresql://` too). */
  url: string;
  /**
   * Schema holding the tables, created when missing: a lower-case identifier
   * (`[a-z_][a-z0-9_]*`, at most 63 characters).
   * @defaultValue 'public'
   */
  schema?: string;
  /**
   * Most connections at once. Message inserts are group-committed on one of them; the others
   * serve reads and the remaining writes.
   * @defaultValue 10
   */
  maxConnections?: number;
  /** Told about errors of idle connections, which the pool replaces. @defaultValue ignore them */
  onError?: (e: Error) => void;
}

const MAX_ID = '9223372036854775807';


/**
 * `SET a = $2, b = $3` for the fields of a patch that are present (undefined means "keep").
 * Column names come from the caller's fixed map, never from the patch.
 */
function setClause(patch: Record<string, unknown>, columns: Record<string, string>, firstParam: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [key, column] of Object.entries(columns)) {
    const v = patch[key];
    if (v === undefined) continue;
    params.push(v);
    parts.push(`${column} = $${firstParam + params.length - 1}`);
  }
  return { sql: parts.join(', '), params };
}

interface PendingMessage {
  message: Omit<Message, 'reactions' | 'editedAt'>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const INSERT_MESSAGE = 'INSERT INTO messages (id, channel_id, author_id, content, reply_to, mentions) VALUES ($1, $2, $3, $4, $5, $6)';
const INSERT_MESSAGES =
  'INSERT INTO messages (id, channel_id, author_id, content, reply_to, mentions) SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::bigint[], $6::text[])';
const MESSAGE_COLUMNS = 'id, channel_id, author_id, content, reply_to, mentions, edited_at, reacted';

/**
 * The {@link Store} on PostgreSQL through `pg`, for several service processes sharing one
 * database. Tables are created on open in the configured schema. Message inserts that arrive
 * while the previous insert is still committing are sent together as one statement (group
 * commit): every caller is answered only after that commit, so an acknowledged message is
 * committed. Operations that check and then write (invites, topics, recipients) lock the row
 * they check, so concurrent processes cannot both pass the check. Unlike SqliteStore it holds
 * no history in memory: another process may have written since. Node-only.
 *
 * @example
 * ```ts
 * const store = await PgStore.open({ url: 'postgres://postgres@127.0.0.1:5432/chorus' });
 * await store.getUser('1');
 * await store.close();
 * ```
 */
export class PgStore implements Store {
  private pending: PendingMessage[] = [];
  private flushScheduled = false;
  private inFlight: Promise<void> | undefined;
  private closed = false;
  /** Media, friends and notifications, on the same pool. */
  readonly features: FeatureStore;

  private constructor(private readonly pool: pg.Pool) {
    this.features = new PgFeatureStore(pool);
  }

  /**
   * Connects and creates the schema and tables when missing.
   *
   * @param options - connection URL, schema and pool size
   * @returns the open store
   * @throws ServiceError `validation` when the URL, schema name or pool size is not accepted
   * @throws Error from pg when the server cannot be reached or refuses the login or the DDL
   */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    if (typeof options.url !== 'string' || !/^postgres(ql)?:\/\//.test(options.url)) throw new ServiceError('validation', 'url must be a postgres:// or postgresql:// URL');
    const schema = options.schema ?? 'public';
    if (typeof schema !== 'string' || !SCHEMA_NAME.test(schema)) throw new ServiceError('validation', 'schema must be a lower-case identifier: [a-z_][a-z0-9_]*, at most 63 characters');
    const max = options.maxConnections ?? 10;
    if (!Number.isSafeInteger(max) || max < 1 || max > 1000) throw new ServiceError('validation', 'maxConnections must be an integer from 1 to 1000');
    const pool = createPool(options.url, schema, max, options.onError ?? (() => undefined));
    try {
      const c = await pool.connect();
      try {
        await createTables(c, schema);
      } finally {
        c.release();
      }
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
    return new PgStore(pool);
  }

  /**
   * Where a store lives, fit for logs: the URL without its password or query, and the schema.
   * @param url - the connection URL
   * @param schema - the schema @defaultValue 'public'
   * @returns e.g. `postgres://chorus@db:5432/chorus (schema public)`
   */
  static describe(url: string, schema = 'public'): string {
    let shown = 'postgres://(unparseable URL)';
    try {
      const u = new URL(url);
      // The query may carry `password=` too: drop it whole.
      u.password = '';
      u.search = '';
      shown = u.toString();
    } catch {
      // Keep the placeholder: the raw text may hold a password.
    }
    return `${shown} (schema ${typeof schema === 'string' && SCHEMA_NAME.test(schema) ? schema : '(invalid)'})`;
  }

  private tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    return transaction(this.pool, fn);
  }

  async createUser(u: User): Promise<boolean> {
    const n = await changes(
      this.pool,
      'INSERT INTO users (id, username, password_hash, nickname, about, presence, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING',
      [u.id, u.username, u.passwordHash, u.nickname, u.about, u.presence, u.createdAt],
    );
    return n === 1;
  }
  async getUser(id: string): Promise<User | undefined> {
    const r = await one(this.pool, 'SELECT * FROM users WHERE id = $1', [id]);
    return r && toUser(r);
  }
  async getUserByName(username: string): Promise<User | undefined> {
    const r = await one(this.pool, 'SELECT * FROM users WHERE username = $1', [username]);
    return r && toUser(r);
  }
  async updateUser(id: string, patch: Partial<Pick<User, 'nickname' | 'about' | 'presence'>>): Promise<User | undefined> {
    const set = setClause(patch, { nickname: 'nickname', about: 'about', presence: 'presence' }, 2);
    const r = set.params.length === 0
      ? await one(this.pool, 'SELECT * FROM users WHERE id = $1', [id])
      : await one(this.pool, `UPDATE users SET ${set.sql} WHERE id = $1 RETURNING *`, [id, ...set.params]);
    return r && toUser(r);
  }
  async createSession(s: Session): Promise<void> {
    await exec(this.pool, 'INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, user_agent) VALUES ($1, $2, $3, $4, $5, $6)', [
      s.id, s.userId, s.tokenHash, s.createdAt, s.lastSeenAt, s.userAgent,
    ]);
  }
  async getSessionByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const r = await one(this.pool, 'SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]);
    return r && toSession(r);
  }
  async listSessions(userId: string): Promise<Session[]> {
    return (await rows(this.pool, 'SELECT * FROM sessions WHERE user_id = $1 ORDER BY id', [userId])).map(toSession);
  }
  async deleteSession(userId: string, sessionId: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM sessions WHERE id = $1 AND user_id = $2', [sessionId, userId])) === 1;
  }
  async touchSession(sessionId: string, at: number): Promise<void> {
    await exec(this.pool, 'UPDATE sessions SET last_seen_at = $1 WHERE id = $2', [at, sessionId]);
  }

  async createGuild(g: Guild, roles: Role[], channels: Channel[]): Promise<void> {
    await this.tx(async (c) => {
      await exec(c, 'INSERT INTO guilds (id, name, description, owner_id, created_at) VALUES ($1, $2, $3, $4, $5)', [g.id, g.name, g.description, g.ownerId, g.createdAt]);
      for (const t of g.topics) await exec(c, 'INSERT INTO guild_topics (guild_id, topic) VALUES ($1, $2) ON CONFLICT DO NOTHING', [g.id, t]);
      for (const r of roles) await this.insertRole(c, r);
      await exec(c, 'INSERT INTO members (guild_id, user_id, joined_at) VALUES ($1, $2, $3)', [g.id, g.ownerId, g.createdAt]);
      for (const ch of channels) await this.insertChannel(c, ch, null);
    });
  }
  private async insertRole(db: Queryable, r: Role): Promise<void> {
    await exec(db, 'INSERT INTO roles (id, guild_id, name, permissions, position) VALUES ($1, $2, $3, $4, $5)', [r.id, r.guildId, r.name, r.permissions, r.position]);
  }
  private async insertChannel(db: Queryable, c: Channel, dmKey: string | null): Promise<void> {
    await exec(db, 
      'INSERT INTO channels (id, kind, guild_id, parent_id, name, topic, position, owner_id, created_at, dm_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [c.id, c.kind, c.guildId, c.parentId, c.name, c.topic, c.position, c.ownerId, c.createdAt, dmKey],
    );
  }
  private async guildRow(db: Queryable, r: Row): Promise<Guild> {
    const topics = (await rows(db, 'SELECT topic FROM guild_topics WHERE guild_id = $1 ORDER BY topic', [r['id']])).map((t) => str(t['topic']));
    return { id: str(r['id']), name: str(r['name']), description: str(r['description']), ownerId: str(r['owner_id']), topics, createdAt: num(r['created_at']) };
  }
  async getGuild(id: string): Promise<Guild | undefined> {
    const r = await one(this.pool, 'SELECT * FROM guilds WHERE id = $1', [id]);
    return r && this.guildRow(this.pool, r);
  }
  async updateGuild(id: string, patch: Partial<Pick<Guild, 'name' | 'description' | 'ownerId'>>): Promise<Guild | undefined> {
    return this.tx(async (c) => {
      const set = setClause(patch, { name: 'name', description: 'description', ownerId: 'owner_id' }, 2);
      const r = set.params.length === 0
        ? await one(c, 'SELECT * FROM guilds WHERE id = $1', [id])
        : await one(c, `UPDATE guilds SET ${set.sql} WHERE id = $1 RETURNING *`, [id, ...set.params]);
      return r && this.guildRow(c, r);
    });
  }
  async deleteGuild(id: string): Promise<boolean> {
    // Its roles, members, invites, channels and their messages go by cascade.
    return (await changes(this.pool, 'DELETE FROM guilds WHERE id = $1', [id])) === 1;
  }
  async addTopic(guildId: string, topic: string, maxTopics: number): Promise<'added' | 'exists' | 'full'> {
    return this.tx(async (c) => {
      // The guild row's lock serialises concurrent adds, so the count cannot be passed twice.
      await exec(c, 'SELECT 1 FROM guilds WHERE id = $1 FOR UPDATE', [guildId]);
      if (await one(c, 'SELECT 1 FROM guild_topics WHERE guild_id = $1 AND topic = $2', [guildId, topic])) return 'exists';
      if (num((await one(c, 'SELECT count(*) AS n FROM guild_topics WHERE guild_id = $1', [guildId]))?.['n']) >= maxTopics) return 'full';
      await exec(c, 'INSERT INTO guild_topics (guild_id, topic) VALUES ($1, $2)', [guildId, topic]);
      return 'added';
    });
  }
  async removeTopic(guildId: string, topic: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM guild_topics WHERE guild_id = $1 AND topic = $2', [guildId, topic])) === 1;
  }
  async listGuildsOfUser(userId: string): Promise<Guild[]> {
    // Guilds with their topics in one round trip.
    const found = await rows(
      this.pool,
      `SELECT g.*, coalesce((SELECT array_agg(t.topic ORDER BY t.topic) FROM guild_topics t WHERE t.guild_id = g.id), '{}') AS topics
       FROM guilds g JOIN members m ON m.guild_id = g.id WHERE m.user_id = $1 ORDER BY g.id`,
      [userId],
    );
    return found.map((r) => ({ id: str(r['id']), name: str(r['name']), description: str(r['description']), ownerId: str(r['owner_id']), topics: (r['topics'] as unknown[]).map(str), createdAt: num(r['created_at']) }));
  }

  private static readonly MEMBER_COLUMNS =
    "m.guild_id, m.user_id, m.joined_at, coalesce((SELECT array_agg(r.role_id::text ORDER BY r.role_id) FROM member_roles r WHERE r.guild_id = m.guild_id AND r.user_id = m.user_id), '{}') AS roles";
  private static memberRow(r: Row): Member {
    return { guildId: str(r['guild_id']), userId: str(r['user_id']), roles: (r['roles'] as unknown[]).map(str), joinedAt: num(r['joined_at']) };
  }
  async getMember(guildId: string, userId: string): Promise<Member | undefined> {
    const r = await one(this.pool, `SELECT ${PgStore.MEMBER_COLUMNS} FROM members m WHERE m.guild_id = $1 AND m.user_id = $2`, [guildId, userId]);
    return r && PgStore.memberRow(r);
  }
  async listMembers(guildId: string, after: string | undefined, limit: number): Promise<Member[]> {
    return (await rows(this.pool, `SELECT ${PgStore.MEMBER_COLUMNS} FROM members m WHERE m.guild_id = $1 AND m.user_id > $2 ORDER BY m.user_id LIMIT $3`, [guildId, after ?? '0', limit])).map(
      PgStore.memberRow,
    );
  }
  async addMember(m: Omit<Member, 'roles'>): Promise<boolean> {
    return (await changes(this.pool, 'INSERT INTO members (guild_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [m.guildId, m.userId, m.joinedAt])) === 1;
  }
  async removeMember(guildId: string, userId: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM members WHERE guild_id = $1 AND user_id = $2', [guildId, userId])) === 1;
  }
  async createRole(role: Role): Promise<void> {
    await this.insertRole(this.pool, role);
  }
  async updateRole(guildId: string, roleId: string, patch: Partial<Pick<Role, 'name' | 'permissions' | 'position'>>): Promise<Role | undefined> {
    const set = setClause(patch, { name: 'name', permissions: 'permissions', position: 'position' }, 3);
    const r = set.params.length === 0
      ? await one(this.pool, 'SELECT * FROM roles WHERE id = $1 AND guild_id = $2', [roleId, guildId])
      : await one(this.pool, `UPDATE roles SET ${set.sql} WHERE id = $1 AND guild_id = $2 RETURNING *`, [roleId, guildId, ...set.params]);
    return r && toRole(r);
  }
  async deleteRole(guildId: string, roleId: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM roles WHERE id = $1 AND guild_id = $2', [roleId, guildId])) === 1;
  }
  async listRoles(guildId: string): Promise<Role[]> {
    return (await rows(this.pool, 'SELECT * FROM roles WHERE guild_id = $1 ORDER BY position, id', [guildId])).map(toRole);
  }
  async assignRole(guildId: string, userId: string, roleId: string): Promise<boolean> {
    return this.tx(async (c) => {
      if (!(await one(c, 'SELECT 1 FROM roles WHERE id = $1 AND guild_id = $2 FOR SHARE', [roleId, guildId]))) return false;
      if (!(await one(c, 'SELECT 1 FROM members WHERE guild_id = $1 AND user_id = $2 FOR SHARE', [guildId, userId]))) return false;
      return (await changes(c, 'INSERT INTO member_roles (guild_id, user_id, role_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [guildId, userId, roleId])) === 1;
    });
  }
  async revokeRole(guildId: string, userId: string, roleId: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM member_roles WHERE guild_id = $1 AND user_id = $2 AND role_id = $3', [guildId, userId, roleId])) === 1;
  }
  async sharesSpace(a: string, b: string): Promise<boolean> {
    const r = await one(
      this.pool,
      `SELECT EXISTS (SELECT 1 FROM members x JOIN members y ON x.guild_id = y.guild_id WHERE x.user_id = $1 AND y.user_id = $2)
           OR EXISTS (SELECT 1 FROM recipients x JOIN recipients y ON x.channel_id = y.channel_id WHERE x.user_id = $1 AND y.user_id = $2) AS shared`,
      [a, b],
    );
    return r?.['shared'] === true;
  }

  async createInvite(i: Invite): Promise<void> {
    await exec(this.pool, 'INSERT INTO invites (code, guild_id, inviter_id, max_uses, uses, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      i.code, i.guildId, i.inviterId, i.maxUses, i.uses, i.expiresAt, i.createdAt,
    ]);
  }
  async listInvites(guildId: string): Promise<Invite[]> {
    return (await rows(this.pool, 'SELECT * FROM invites WHERE guild_id = $1 ORDER BY created_at, code', [guildId])).map(toInvite);
  }
  async deleteInvite(guildId: string, code: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM invites WHERE code = $1 AND guild_id = $2', [code, guildId])) === 1;
  }
  async useInvite(code: string, userId: string, now: number): Promise<InviteUse> {
    return this.tx(async (c): Promise<InviteUse> => {
      // The invite row's lock serialises concurrent uses of one code: the limit holds.
      const r = await one(c, 'SELECT * FROM invites WHERE code = $1 FOR UPDATE', [code]);
      if (!r) return { ok: false, reason: 'not_found' };
      const inv = toInvite(r);
      if (inv.expiresAt !== 0 && now >= inv.expiresAt) return { ok: false, reason: 'expired' };
      if (await one(c, 'SELECT 1 FROM members WHERE guild_id = $1 AND user_id = $2', [inv.guildId, userId])) return { ok: true, guildId: inv.guildId, alreadyMember: true };
      if (inv.maxUses !== 0 && inv.uses >= inv.maxUses) return { ok: false, reason: 'used_up' };
      // Joined meanwhile by another path (another invite, a process racing): no use is counted.
      if ((await changes(c, 'INSERT INTO members (guild_id, user_id, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [inv.guildId, userId, now])) === 0) {
        return { ok: true, guildId: inv.guildId, alreadyMember: true };
      }
      await exec(c, 'UPDATE invites SET uses = uses + 1 WHERE code = $1', [code]);
      return { ok: true, guildId: inv.guildId, alreadyMember: false };
    });
  }

  async createChannel(c: Channel, recipients: Recipient[]): Promise<void> {
    const dmKey = c.kind === 'dm' ? recipients.map((r) => r.userId).sort().join(':') : null;
    await this.tx(async (db) => {
      await this.insertChannel(db, c, dmKey);
      for (const r of recipients) await exec(db, 'INSERT INTO recipients (channel_id, user_id, role) VALUES ($1, $2, $3)', [r.channelId, r.userId, r.role]);
    });
  }
  async getChannel(id: string): Promise<Channel | undefined> {
    const r = await one(this.pool, 'SELECT * FROM channels WHERE id = $1', [id]);
    return r && toChannel(r);
  }
  async updateChannel(id: string, patch: Partial<Pick<Channel, 'name' | 'topic' | 'position' | 'parentId'>>): Promise<Channel | undefined> {
    const set = setClause(patch, { name: 'name', topic: 'topic', position: 'position' }, 2);
    // parentId may be set to null (moved to the top level): present-and-null is a change.
    if ('parentId' in patch && patch.parentId !== undefined) {
      set.params.push(patch.parentId);
      set.sql = [set.sql, `parent_id = $${set.params.length + 1}`].filter(Boolean).join(', ');
    }
    const r = set.params.length === 0
      ? await one(this.pool, 'SELECT * FROM channels WHERE id = $1', [id])
      : await one(this.pool, `UPDATE channels SET ${set.sql} WHERE id = $1 RETURNING *`, [id, ...set.params]);
    return r && toChannel(r);
  }
  async deleteChannel(id: string): Promise<boolean> {
    // Sub-channels, overrides, recipients and messages go by cascade.
    return (await changes(this.pool, 'DELETE FROM channels WHERE id = $1', [id])) === 1;
  }
  async listGuildChannels(guildId: string): Promise<Channel[]> {
    return (await rows(this.pool, 'SELECT * FROM channels WHERE guild_id = $1 ORDER BY position, id', [guildId])).map(toChannel);
  }
  async listPrivateChannels(userId: string): Promise<Channel[]> {
    return (await rows(this.pool, 'SELECT c.* FROM channels c JOIN recipients r ON r.channel_id = c.id WHERE r.user_id = $1 ORDER BY c.id', [userId])).map(toChannel);
  }
  async findDm(a: string, b: string): Promise<Channel | undefined> {
    const r = await one(this.pool, 'SELECT * FROM channels WHERE dm_key = $1', [[a, b].sort().join(':')]);
    return r && toChannel(r);
  }
  async setOverride(channelId: string, o: Override): Promise<void> {
    await exec(this.pool, 
      'INSERT INTO overrides (channel_id, target_type, target_id, allow, deny) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel_id, target_type, target_id) DO UPDATE SET allow = excluded.allow, deny = excluded.deny',
      [channelId, o.targetType, o.targetId, o.allow, o.deny],
    );
  }
  async deleteOverride(channelId: string, targetType: Override['targetType'], targetId: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM overrides WHERE channel_id = $1 AND target_type = $2 AND target_id = $3', [channelId, targetType, targetId])) === 1;
  }
  async listOverrides(channelId: string): Promise<Override[]> {
    return (await rows(this.pool, 'SELECT * FROM overrides WHERE channel_id = $1 ORDER BY target_type, target_id', [channelId])).map(toOverride);
  }
  async getRecipient(channelId: string, userId: string): Promise<Recipient | undefined> {
    const r = await one(this.pool, 'SELECT * FROM recipients WHERE channel_id = $1 AND user_id = $2', [channelId, userId]);
    return r && toRecipient(r);
  }
  async listRecipients(channelId: string, after: string | undefined, limit: number): Promise<Recipient[]> {
    return (await rows(this.pool, 'SELECT * FROM recipients WHERE channel_id = $1 AND user_id > $2 ORDER BY user_id LIMIT $3', [channelId, after ?? '0', limit])).map(toRecipient);
  }
  async addRecipient(r: Recipient, max: number): Promise<'added' | 'exists' | 'full'> {
    return this.tx(async (c) => {
      // The channel row's lock serialises concurrent adds, so the limit cannot be passed twice.
      await exec(c, 'SELECT 1 FROM channels WHERE id = $1 FOR UPDATE', [r.channelId]);
      if (await one(c, 'SELECT 1 FROM recipients WHERE channel_id = $1 AND user_id = $2', [r.channelId, r.userId])) return 'exists';
      if (num((await one(c, 'SELECT count(*) AS n FROM recipients WHERE channel_id = $1', [r.channelId]))?.['n']) >= max) return 'full';
      await exec(c, 'INSERT INTO recipients (channel_id, user_id, role) VALUES ($1, $2, $3)', [r.channelId, r.userId, r.role]);
      return 'added';
    });
  }
  async removeRecipient(channelId: string, userId: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM recipients WHERE channel_id = $1 AND user_id = $2', [channelId, userId])) === 1;
  }

  createMessage(message: Omit<Message, 'reactions' | 'editedAt'>): Promise<void> {
    if (this.closed) return Promise.reject(new Error('the store is closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      this.scheduleFlush();
    });
  }
  private scheduleFlush(): void {
    // One batch commits at a time; what arrives meanwhile waits and goes in the next batch,
    // so under load each commit carries many messages (group commit).
    if (this.flushScheduled || this.inFlight) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.inFlight = this.flush().finally(() => {
        this.inFlight = undefined;
        if (this.pending.length > 0) this.scheduleFlush();
      });
    });
  }
  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const params = (ms: PendingMessage[]): unknown[][] => [
      ms.map((p) => p.message.id),
      ms.map((p) => p.message.channelId),
      ms.map((p) => p.message.authorId),
      ms.map((p) => p.message.content),
      ms.map((p) => p.message.replyTo),
      ms.map((p) => JSON.stringify(p.message.mentions)),
    ];
    try {
      // One statement is one transaction: all of the batch is committed, or none.
      await exec(this.pool, INSERT_MESSAGES, params(batch));
      for (const p of batch) p.resolve();
    } catch {
      // One bad row (e.g. its channel was deleted meanwhile) must not fail the others.
      await Promise.all(
        batch.map(async (p) => {
          try {
            const m = p.message;
            await exec(this.pool, INSERT_MESSAGE, [m.id, m.channelId, m.authorId, m.content, m.replyTo, JSON.stringify(m.mentions)]);
            p.resolve();
          } catch (e) {
            p.reject(e);
          }
        }),
      );
    }
  }
  private async messageRows(found: PgRow[]): Promise<Message[]> {
    if (found.length === 0) return [];
    const reacts = new Map<string, ReactionCount[]>();
    // Only messages that were ever reacted to are looked up: most pages need no second query.
    const ids = found.filter((r) => r['reacted'] === true).map((r) => str(r['id']));
    const reactions = ids.length === 0 ? [] : await rows(this.pool, 'SELECT message_id, emoji, user_id FROM reactions WHERE message_id = ANY($1::bigint[]) ORDER BY message_id, emoji, user_id', [ids]);
    for (const r of reactions) {
      const mid = str(r['message_id']);
      let list = reacts.get(mid);
      if (!list) reacts.set(mid, (list = []));
      const emoji = str(r['emoji']);
      let rc = list.find((x) => x.emoji === emoji);
      if (!rc) list.push((rc = { emoji, count: 0, userIds: [] }));
      rc.count++;
      rc.userIds.push(str(r['user_id']));
    }
    return found.map((r) => {
      const mentions = str(r['mentions']);
      const id = str(r['id']);
      return {
        id,
        channelId: str(r['channel_id']),
        authorId: str(r['author_id']),
        content: str(r['content']),
        replyTo: idOrNull(r['reply_to']),
        mentions: mentions === '[]' ? [] : (JSON.parse(mentions) as string[]),
        editedAt: r['edited_at'] === null ? null : num(r['edited_at']),
        reactions: reacts.get(id) ?? [],
      };
    });
  }
  async getMessage(channelId: string, id: string): Promise<Message | undefined> {
    const r = await one(this.pool, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND channel_id = $2`, [id, channelId]);
    return r ? (await this.messageRows([r]))[0] : undefined;
  }
  async editMessage(channelId: string, id: string, content: string, mentions: string[], editedAt: number): Promise<Message | undefined> {
    const n = await changes(this.pool, 'UPDATE messages SET content = $1, mentions = $2, edited_at = $3 WHERE id = $4 AND channel_id = $5', [content, JSON.stringify(mentions), editedAt, id, channelId]);
    if (n !== 1) return undefined;
    return this.getMessage(channelId, id);
  }
  async deleteMessage(channelId: string, id: string): Promise<boolean> {
    return (await changes(this.pool, 'DELETE FROM messages WHERE id = $1 AND channel_id = $2', [id, channelId])) === 1;
  }
  async listMessages(channelId: string, query: HistoryQuery): Promise<Message[]> {
    let found: PgRow[];
    if ('after' in query) {
      found = await rows(this.pool, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = $1 AND id > $2 ORDER BY id LIMIT $3`, [channelId, query.after, query.limit]);
    } else if ('around' in query) {
      // Both halves in one round trip; the older half is read newest first, then put in order.
      found = await rows(
        this.pool,
        `(SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = $1 AND id <= $2 ORDER BY id DESC LIMIT $3)
         UNION ALL (SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = $1 AND id > $2 ORDER BY id LIMIT $4) ORDER BY id`,
        [channelId, query.around, Math.ceil(query.limit / 2), Math.floor(query.limit / 2)],
      );
    } else {
      found = (await rows(this.pool, `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, [channelId, query.before ?? MAX_ID, query.limit])).reverse();
    }
    return this.messageRows(found);
  }
  async addReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
    // One statement: marks the message as reacted and adds the reaction, or neither when it is gone.
    const n = await changes(
      this.pool,
      `WITH m AS (UPDATE messages SET reacted = true WHERE id = $1 AND channel_id = $2 RETURNING id)
       INSERT INTO reactions (message_id, emoji, user_id) SELECT id, $3, $4 FROM m ON CONFLICT DO NOTHING`,
      [messageId, channelId, emoji, userId],
    );
    return n === 1;
  }
  async removeReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
    const n = await changes(
      this.pool,
      'DELETE FROM reactions r USING messages m WHERE r.message_id = $1 AND r.emoji = $2 AND r.user_id = $3 AND m.id = r.message_id AND m.channel_id = $4',
      [messageId, emoji, userId, channelId],
    );
    return n === 1;
  }

  /** Commits the messages still waiting, then closes every connection. Later calls do nothing. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.inFlight || this.flushScheduled || this.pending.length > 0) {
      if (this.inFlight) await this.inFlight;
      else if (this.pending.length > 0 && !this.flushScheduled) this.scheduleFlush();
      else await new Promise((ok) => setImmediate(ok));
    }
    await this.pool.end();
  }
}
