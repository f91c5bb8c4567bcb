// Node-only: the embedded store behind `npm start`. Handlers see only the Store interface.
import Database from 'better-sqlite3';
import type { FeatureStore } from './features/FeatureStore.js';
import { SqliteFeatureStore } from './features/SqliteFeatureStore.js';
import type { Override } from './permissions.js';
import { RecentMessages } from './RecentMessages.js';
import { WalCheckpointer } from './walCheckpointer.js';
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
import { migrateSqlite } from './migrations.js';

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, or `:memory:`. */
  file: string;
  /**
   * `normal`: a committed write survives a crash of the process (SIGKILL) but the last
   * transactions may be lost on power failure; `full`: fsync on every commit, survives both.
   * @defaultValue 'normal'
   */
  synchronous?: 'normal' | 'full';
  /**
   * Newest messages held in memory per recently read channel, so that latest-page history reads
   * need no query (0 turns it off). Pages up to this size are served from it.
   * @defaultValue 100
   */
  recentPerChannel?: number;
  /**
   * Copy the write-ahead log back into the database from a worker thread (its own connection)
   * every this many ms, rather than inside the commit that fills it, which stops the event loop
   * for the copy and two fsyncs. 0 leaves checkpoints to SQLite. Ignored for `:memory:`.
   * @defaultValue 200
   */
  checkpointIntervalMs?: number;
  /**
   * Schedules a group commit: the inserts queued until `commit` runs share one transaction.
   * The server passes one that also queues the gateway's socket writes right behind it, so that
   * what the commit publishes leaves in the same turn of the event loop.
   * @defaultValue setImmediate
   */
  scheduleCommit?: (commit: () => void) => void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
  nickname TEXT NOT NULL, about TEXT NOT NULL, presence TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, user_agent TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS guilds (id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
  owner_id INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS guild_topics (guild_id INTEGER NOT NULL REFERENCES guilds(id) ON DELETE CASCADE, topic TEXT NOT NULL,
  PRIMARY KEY (guild_id, topic)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS roles (id INTEGER PRIMARY KEY, guild_id INTEGER NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
  name TEXT NOT NULL, permissions INTEGER NOT NULL, position INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS roles_guild ON roles(guild_id);
CREATE TABLE IF NOT EXISTS members (guild_id INTEGER NOT NULL REFERENCES guilds(id) ON DELETE CASCADE, user_id INTEGER NOT NULL,
  joined_at INTEGER NOT NULL, PRIMARY KEY (guild_id, user_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS members_user ON members(user_id);
CREATE TABLE IF NOT EXISTS member_roles (guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL,
  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE, PRIMARY KEY (guild_id, user_id, role_id),
  FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS member_roles_role ON member_roles(role_id);
CREATE TABLE IF NOT EXISTS invites (code TEXT PRIMARY KEY, guild_id INTEGER NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
  inviter_id INTEGER NOT NULL, max_uses INTEGER NOT NULL, uses INTEGER NOT NULL, expires_at INTEGER NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS invites_guild ON invites(guild_id);
CREATE TABLE IF NOT EXISTS channels (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, guild_id INTEGER REFERENCES guilds(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES channels(id) ON DELETE CASCADE, name TEXT NOT NULL, topic TEXT NOT NULL, position INTEGER NOT NULL,
  owner_id INTEGER, created_at INTEGER NOT NULL, dm_key TEXT UNIQUE);
CREATE INDEX IF NOT EXISTS channels_guild ON channels(guild_id);
CREATE INDEX IF NOT EXISTS channels_parent ON channels(parent_id);
CREATE TABLE IF NOT EXISTS overrides (channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE, target_type TEXT NOT NULL,
  target_id INTEGER NOT NULL, allow INTEGER NOT NULL, deny INTEGER NOT NULL, PRIMARY KEY (channel_id, target_type, target_id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recipients (channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE, user_id INTEGER NOT NULL,
  role TEXT NOT NULL, PRIMARY KEY (channel_id, user_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS recipients_user ON recipients(user_id);
CREATE TABLE IF NOT EXISTS messages (id INTEGER PRIMARY KEY, channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  author_id INTEGER NOT NULL, content TEXT NOT NULL, reply_to INTEGER, mentions TEXT NOT NULL, edited_at INTEGER,
  reacted INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS messages_channel ON messages(channel_id, id);
CREATE TABLE IF NOT EXISTS reactions (message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE, emoji TEXT NOT NULL,
  user_id INTEGER NOT NULL, PRIMARY KEY (message_id, emoji, user_id)) WITHOUT ROWID;
`;


// Messages are read often: ids come back as text and the rest as plain numbers, which costs far
// less than a BigInt per column (the statements that use this turn safe integers off).
const MESSAGE_COLUMNS =
  'CAST(id AS TEXT) AS id, CAST(channel_id AS TEXT) AS channel_id, CAST(author_id AS TEXT) AS author_id, content, CAST(reply_to AS TEXT) AS reply_to, mentions, edited_at, reacted';


interface PendingMessage {
  message: Omit<Message, 'reactions' | 'editedAt'>;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * The {@link Store} on SQLite through better-sqlite3, in WAL mode. Message inserts that arrive
 * in the same event-loop turn are committed together in one transaction (group commit), and
 * each caller is answered only after that commit: many small writes cost one commit.
 * Node-only.
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ file: '.data/chorus.db' });
 * await store.getUser('1');
 * await store.close();
 * ```
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private pending: PendingMessage[] = [];
  private flushScheduled = false;
  private readonly insertMessage: Database.Statement;
  private readonly insertBatch: (batch: PendingMessage[]) => void;
  private readonly stmts = new Map<string, Database.Statement>();
  private readonly recent: RecentMessages | undefined;
  /** Media, friends and notifications, on the same connection. */
  readonly features: FeatureStore;
  private readonly checkpointer: WalCheckpointer | undefined;
  private readonly scheduleCommit: (commit: () => void) => void;
  private readonly flushNow = (): void => this.flush();

  /**
   * Opens (creating when missing) the database and its tables.
   *
   * @param options - file and durability level
   * @throws Error from SQLite when the file cannot be opened or is not a database
   */
  constructor(options: SqliteStoreOptions) {
    this.db = new Database(options.file);
    this.db.defaultSafeIntegers(true);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(SCHEMA);
    this.scheduleCommit = options.scheduleCommit ?? setImmediate;
    const every = options.checkpointIntervalMs ?? 200;
    if (every > 0 && options.file !== ':memory:' && options.file !== '') {
      // SQLite checkpoints on its own until the worker runs, and again if the worker dies.
      const inline = (): void => {
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 1000');
      };
      this.checkpointer = new WalCheckpointer(options.file, every, inline);
      this.checkpointer.ready.then(() => {
        if (this.db.open) this.db.pragma('wal_autocheckpoint = 0');
      }, inline);
    }
    this.features = new SqliteFeatureStore(this.db);
    // The baseline tables exist now (core and features); later changes come as migrations.
    migrateSqlite(this.db);
    const perChannel = options.recentPerChannel ?? 100;
    this.recent = perChannel > 0 ? new RecentMessages({ perChannel }) : undefined;
    this.insertMessage = this.db.prepare(
      'INSERT INTO messages (id, channel_id, author_id, content, reply_to, mentions, edited_at) VALUES (?, ?, ?, ?, ?, ?, NULL)',
    );
    this.insertBatch = this.db.transaction((batch: PendingMessage[]) => {
      for (const p of batch) this.runInsert(p.message);
    });
  }

  private q(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }
  /** A cached statement that returns plain numbers (for queries whose ids are cast to text). */
  private mq(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql).safeIntegers(false);
      this.stmts.set(sql, s);
    }
    return s;
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

  async createUser(u: User): Promise<boolean> {
    const n = this.run(
      'INSERT INTO users (id, username, password_hash, nickname, about, presence, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(username) DO NOTHING',
      BigInt(u.id), u.username, u.passwordHash, u.nickname, u.about, u.presence, u.createdAt,
    );
    return n === 1;
  }
  async getUser(id: string): Promise<User | undefined> {
    const r = this.get('SELECT * FROM users WHERE id = ?', BigInt(id));
    return r && toUser(r);
  }
  async getUserByName(username: string): Promise<User | undefined> {
    const r = this.get('SELECT * FROM users WHERE username = ?', username);
    return r && toUser(r);
  }
  async updateUser(id: string, patch: Partial<Pick<User, 'nickname' | 'about' | 'presence'>>): Promise<User | undefined> {
    return this.tx(() => {
      const r = this.get('SELECT * FROM users WHERE id = ?', BigInt(id));
      if (!r) return undefined;
      const u = { ...toUser(r), ...patch };
      this.run('UPDATE users SET nickname = ?, about = ?, presence = ? WHERE id = ?', u.nickname, u.about, u.presence, BigInt(id));
      return u;
    });
  }
  async createSession(s: Session): Promise<void> {
    this.run(
      'INSERT INTO sessions (id, user_id, token_hash, created_at, last_seen_at, user_agent) VALUES (?, ?, ?, ?, ?, ?)',
      BigInt(s.id), BigInt(s.userId), s.tokenHash, s.createdAt, s.lastSeenAt, s.userAgent,
    );
  }
  async getSessionByTokenHash(tokenHash: string): Promise<Session | undefined> {
    const r = this.get('SELECT * FROM sessions WHERE token_hash = ?', tokenHash);
    return r && toSession(r);
  }
  async listSessions(userId: string): Promise<Session[]> {
    return this.all('SELECT * FROM sessions WHERE user_id = ? ORDER BY id', BigInt(userId)).map(toSession);
  }
  async deleteSession(userId: string, sessionId: string): Promise<boolean> {
    return this.run('DELETE FROM sessions WHERE id = ? AND user_id = ?', BigInt(sessionId), BigInt(userId)) === 1;
  }
  async touchSession(sessionId: string, at: number): Promise<void> {
    this.run('UPDATE sessions SET last_seen_at = ? WHERE id = ?', at, BigInt(sessionId));
  }

  async createGuild(g: Guild, roles: Role[], channels: Channel[]): Promise<void> {
    this.tx(() => {
      this.run('INSERT INTO guilds (id, name, description, owner_id, created_at) VALUES (?, ?, ?, ?, ?)', BigInt(g.id), g.name, g.description, BigInt(g.ownerId), g.createdAt);
      for (const t of g.topics) this.run('INSERT OR IGNORE INTO guild_topics (guild_id, topic) VALUES (?, ?)', BigInt(g.id), t);
      for (const r of roles) this.insertRole(r);
      this.run('INSERT INTO members (guild_id, user_id, joined_at) VALUES (?, ?, ?)', BigInt(g.id), BigInt(g.ownerId), g.createdAt);
      for (const c of channels) this.insertChannel(c, null);
    });
  }
  private insertRole(r: Role): void {
    this.run('INSERT INTO roles (id, guild_id, name, permissions, position) VALUES (?, ?, ?, ?, ?)', BigInt(r.id), BigInt(r.guildId), r.name, r.permissions, r.position);
  }
  private insertChannel(c: Channel, dmKey: string | null): void {
    this.run(
      'INSERT INTO channels (id, kind, guild_id, parent_id, name, topic, position, owner_id, created_at, dm_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      BigInt(c.id), c.kind, c.guildId === null ? null : BigInt(c.guildId), c.parentId === null ? null : BigInt(c.parentId),
      c.name, c.topic, c.position, c.ownerId === null ? null : BigInt(c.ownerId), c.createdAt, dmKey,
    );
  }
  private guildRow(r: Row): Guild {
    const id = BigInt(str(r['id']));
    const topics = this.all('SELECT topic FROM guild_topics WHERE guild_id = ? ORDER BY topic', id).map((t) => str(t['topic']));
    return { id: str(r['id']), name: str(r['name']), description: str(r['description']), ownerId: str(r['owner_id']), topics, createdAt: num(r['created_at']) };
  }
  async getGuild(id: string): Promise<Guild | undefined> {
    const r = this.get('SELECT * FROM guilds WHERE id = ?', BigInt(id));
    return r && this.guildRow(r);
  }
  async updateGuild(id: string, patch: Partial<Pick<Guild, 'name' | 'description' | 'ownerId'>>): Promise<Guild | undefined> {
    return this.tx(() => {
      const r = this.get('SELECT * FROM guilds WHERE id = ?', BigInt(id));
      if (!r) return undefined;
      const g = { ...this.guildRow(r), ...patch };
      this.run('UPDATE guilds SET name = ?, description = ?, owner_id = ? WHERE id = ?', g.name, g.description, BigInt(g.ownerId), BigInt(id));
      return g;
    });
  }
  async deleteGuild(id: string): Promise<boolean> {
    // Its channels and their messages go by cascade.
    this.recent?.clear();
    return this.run('DELETE FROM guilds WHERE id = ?', BigInt(id)) === 1;
  }
  async addTopic(guildId: string, topic: string, maxTopics: number): Promise<'added' | 'exists' | 'full'> {
    return this.tx(() => {
      const g = BigInt(guildId);
      if (this.get('SELECT 1 FROM guild_topics WHERE guild_id = ? AND topic = ?', g, topic)) return 'exists';
      if (num(this.get('SELECT count(*) AS n FROM guild_topics WHERE guild_id = ?', g)?.['n']) >= maxTopics) return 'full';
      this.run('INSERT INTO guild_topics (guild_id, topic) VALUES (?, ?)', g, topic);
      return 'added';
    });
  }
  async removeTopic(guildId: string, topic: string): Promise<boolean> {
    return this.run('DELETE FROM guild_topics WHERE guild_id = ? AND topic = ?', BigInt(guildId), topic) === 1;
  }
  async listGuildsOfUser(userId: string): Promise<Guild[]> {
    return this.all('SELECT g.* FROM guilds g JOIN members m ON m.guild_id = g.id WHERE m.user_id = ? ORDER BY g.id', BigInt(userId)).map((r) => this.guildRow(r));
  }

  private memberRow(r: Row): Member {
    const roles = this.all('SELECT role_id FROM member_roles WHERE guild_id = ? AND user_id = ? ORDER BY role_id', r['guild_id'], r['user_id']).map((x) => str(x['role_id']));
    return { guildId: str(r['guild_id']), userId: str(r['user_id']), roles, joinedAt: num(r['joined_at']) };
  }
  async getMember(guildId: string, userId: string): Promise<Member | undefined> {
    const r = this.get('SELECT * FROM members WHERE guild_id = ? AND user_id = ?', BigInt(guildId), BigInt(userId));
    return r && this.memberRow(r);
  }
  async listMembers(guildId: string, after: string | undefined, limit: number): Promise<Member[]> {
    return this.all('SELECT * FROM members WHERE guild_id = ? AND user_id > ? ORDER BY user_id LIMIT ?', BigInt(guildId), BigInt(after ?? '0'), limit).map((r) => this.memberRow(r));
  }
  async addMember(m: Omit<Member, 'roles'>): Promise<boolean> {
    return this.run('INSERT INTO members (guild_id, user_id, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', BigInt(m.guildId), BigInt(m.userId), m.joinedAt) === 1;
  }
  async removeMember(guildId: string, userId: string): Promise<boolean> {
    return this.run('DELETE FROM members WHERE guild_id = ? AND user_id = ?', BigInt(guildId), BigInt(userId)) === 1;
  }
  async createRole(role: Role): Promise<void> {
    this.insertRole(role);
  }
  async updateRole(guildId: string, roleId: string, patch: Partial<Pick<Role, 'name' | 'permissions' | 'position'>>): Promise<Role | undefined> {
    return this.tx(() => {
      const r = this.get('SELECT * FROM roles WHERE id = ? AND guild_id = ?', BigInt(roleId), BigInt(guildId));
      if (!r) return undefined;
      const role = { ...toRole(r), ...patch };
      this.run('UPDATE roles SET name = ?, permissions = ?, position = ? WHERE id = ?', role.name, role.permissions, role.position, BigInt(roleId));
      return role;
    });
  }
  async deleteRole(guildId: string, roleId: string): Promise<boolean> {
    return this.run('DELETE FROM roles WHERE id = ? AND guild_id = ?', BigInt(roleId), BigInt(guildId)) === 1;
  }
  async listRoles(guildId: string): Promise<Role[]> {
    return this.all('SELECT * FROM roles WHERE guild_id = ? ORDER BY position, id', BigInt(guildId)).map(toRole);
  }
  async assignRole(guildId: string, userId: string, roleId: string): Promise<boolean> {
    return this.tx(() => {
      const g = BigInt(guildId);
      if (!this.get('SELECT 1 FROM roles WHERE id = ? AND guild_id = ?', BigInt(roleId), g)) return false;
      if (!this.get('SELECT 1 FROM members WHERE guild_id = ? AND user_id = ?', g, BigInt(userId))) return false;
      return this.run('INSERT INTO member_roles (guild_id, user_id, role_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', g, BigInt(userId), BigInt(roleId)) === 1;
    });
  }
  async revokeRole(guildId: string, userId: string, roleId: string): Promise<boolean> {
    return this.run('DELETE FROM member_roles WHERE guild_id = ? AND user_id = ? AND role_id = ?', BigInt(guildId), BigInt(userId), BigInt(roleId)) === 1;
  }
  async sharesSpace(a: string, b: string): Promise<boolean> {
    const A = BigInt(a);
    const B = BigInt(b);
    return (
      this.get('SELECT 1 FROM members x JOIN members y ON x.guild_id = y.guild_id WHERE x.user_id = ? AND y.user_id = ? LIMIT 1', A, B) !== undefined ||
      this.get('SELECT 1 FROM recipients x JOIN recipients y ON x.channel_id = y.channel_id WHERE x.user_id = ? AND y.user_id = ? LIMIT 1', A, B) !== undefined
    );
  }

  async createInvite(i: Invite): Promise<void> {
    this.run(
      'INSERT INTO invites (code, guild_id, inviter_id, max_uses, uses, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      i.code, BigInt(i.guildId), BigInt(i.inviterId), i.maxUses, i.uses, i.expiresAt, i.createdAt,
    );
  }
  async listInvites(guildId: string): Promise<Invite[]> {
    return this.all('SELECT * FROM invites WHERE guild_id = ? ORDER BY created_at, code', BigInt(guildId)).map(toInvite);
  }
  async deleteInvite(guildId: string, code: string): Promise<boolean> {
    return this.run('DELETE FROM invites WHERE code = ? AND guild_id = ?', code, BigInt(guildId)) === 1;
  }
  async useInvite(code: string, userId: string, now: number): Promise<InviteUse> {
    return this.tx((): InviteUse => {
      const r = this.get('SELECT * FROM invites WHERE code = ?', code);
      if (!r) return { ok: false, reason: 'not_found' };
      const inv = toInvite(r);
      if (inv.expiresAt !== 0 && now >= inv.expiresAt) return { ok: false, reason: 'expired' };
      const g = BigInt(inv.guildId);
      if (this.get('SELECT 1 FROM members WHERE guild_id = ? AND user_id = ?', g, BigInt(userId))) return { ok: true, guildId: inv.guildId, alreadyMember: true };
      if (inv.maxUses !== 0 && inv.uses >= inv.maxUses) return { ok: false, reason: 'used_up' };
      this.run('UPDATE invites SET uses = uses + 1 WHERE code = ?', code);
      this.run('INSERT INTO members (guild_id, user_id, joined_at) VALUES (?, ?, ?)', g, BigInt(userId), now);
      return { ok: true, guildId: inv.guildId, alreadyMember: false };
    });
  }

  async createChannel(c: Channel, recipients: Recipient[]): Promise<void> {
    const dmKey = c.kind === 'dm' ? recipients.map((r) => r.userId).sort().join(':') : null;
    this.tx(() => {
      this.insertChannel(c, dmKey);
      for (const r of recipients) this.run('INSERT INTO recipients (channel_id, user_id, role) VALUES (?, ?, ?)', BigInt(r.channelId), BigInt(r.userId), r.role);
    });
  }
  async getChannel(id: string): Promise<Channel | undefined> {
    const r = this.get('SELECT * FROM channels WHERE id = ?', BigInt(id));
    return r && toChannel(r);
  }
  async updateChannel(id: string, patch: Partial<Pick<Channel, 'name' | 'topic' | 'position' | 'parentId'>>): Promise<Channel | undefined> {
    return this.tx(() => {
      const r = this.get('SELECT * FROM channels WHERE id = ?', BigInt(id));
      if (!r) return undefined;
      const c = { ...toChannel(r), ...patch };
      this.run('UPDATE channels SET name = ?, topic = ?, position = ?, parent_id = ? WHERE id = ?', c.name, c.topic, c.position, c.parentId === null ? null : BigInt(c.parentId), BigInt(id));
      return c;
    });
  }
  async deleteChannel(id: string): Promise<boolean> {
    // Sub-channels and their messages go by cascade.
    this.recent?.clear();
    return this.run('DELETE FROM channels WHERE id = ?', BigInt(id)) === 1;
  }
  async listGuildChannels(guildId: string): Promise<Channel[]> {
    return this.all('SELECT * FROM channels WHERE guild_id = ? ORDER BY position, id', BigInt(guildId)).map(toChannel);
  }
  async listPrivateChannels(userId: string): Promise<Channel[]> {
    return this.all('SELECT c.* FROM channels c JOIN recipients r ON r.channel_id = c.id WHERE r.user_id = ? ORDER BY c.id', BigInt(userId)).map(toChannel);
  }
  async findDm(a: string, b: string): Promise<Channel | undefined> {
    const r = this.get('SELECT * FROM channels WHERE dm_key = ?', [a, b].sort().join(':'));
    return r && toChannel(r);
  }
  async setOverride(channelId: string, o: Override): Promise<void> {
    this.run(
      'INSERT INTO overrides (channel_id, target_type, target_id, allow, deny) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET allow = excluded.allow, deny = excluded.deny',
      BigInt(channelId), o.targetType, BigInt(o.targetId), o.allow, o.deny,
    );
  }
  async deleteOverride(channelId: string, targetType: Override['targetType'], targetId: string): Promise<boolean> {
    return this.run('DELETE FROM overrides WHERE channel_id = ? AND target_type = ? AND target_id = ?', BigInt(channelId), targetType, BigInt(targetId)) === 1;
  }
  async listOverrides(channelId: string): Promise<Override[]> {
    return this.all('SELECT * FROM overrides WHERE channel_id = ? ORDER BY target_type, target_id', BigInt(channelId)).map(toOverride);
  }
  async getRecipient(channelId: string, userId: string): Promise<Recipient | undefined> {
    const r = this.get('SELECT * FROM recipients WHERE channel_id = ? AND user_id = ?', BigInt(channelId), BigInt(userId));
    return r && toRecipient(r);
  }
  async listRecipients(channelId: string, after: string | undefined, limit: number): Promise<Recipient[]> {
    return this.all('SELECT * FROM recipients WHERE channel_id = ? AND user_id > ? ORDER BY user_id LIMIT ?', BigInt(channelId), BigInt(after ?? '0'), limit).map(toRecipient);
  }
  async addRecipient(r: Recipient, max: number): Promise<'added' | 'exists' | 'full'> {
    return this.tx(() => {
      const c = BigInt(r.channelId);
      if (this.get('SELECT 1 FROM recipients WHERE channel_id = ? AND user_id = ?', c, BigInt(r.userId))) return 'exists';
      if (num(this.get('SELECT count(*) AS n FROM recipients WHERE channel_id = ?', c)?.['n']) >= max) return 'full';
      this.run('INSERT INTO recipients (channel_id, user_id, role) VALUES (?, ?, ?)', c, BigInt(r.userId), r.role);
      return 'added';
    });
  }
  async removeRecipient(channelId: string, userId: string): Promise<boolean> {
    return this.run('DELETE FROM recipients WHERE channel_id = ? AND user_id = ?', BigInt(channelId), BigInt(userId)) === 1;
  }

  private runInsert(m: Omit<Message, 'reactions' | 'editedAt'>): void {
    this.insertMessage.run(BigInt(m.id), BigInt(m.channelId), BigInt(m.authorId), m.content, m.replyTo === null ? null : BigInt(m.replyTo), JSON.stringify(m.mentions));
  }
  createMessage(message: Omit<Message, 'reactions' | 'editedAt'>): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.scheduleCommit(this.flushNow);
      }
    });
  }
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      this.insertBatch(batch);
      for (const p of batch) this.committed(p);
    } catch {
      // One bad row (e.g. its channel was deleted meanwhile) must not fail the others.
      for (const p of batch) {
        try {
          this.runInsert(p.message);
          this.committed(p);
        } catch (e) {
          p.reject(e);
        }
      }
    }
  }
  private committed(p: PendingMessage): void {
    const m = p.message;
    this.recent?.added({ id: m.id, channelId: m.channelId, authorId: m.authorId, content: m.content, replyTo: m.replyTo, mentions: m.mentions, editedAt: null, reactions: [] });
    p.resolve();
  }
  private messageRows(rows: Row[]): Message[] {
    if (rows.length === 0) return [];
    const reacts = new Map<string, ReactionCount[]>();
    // Only messages that were ever reacted to are looked up: most pages need no second query.
    const ids = rows.filter((r) => r['reacted'] !== 0).map((r) => BigInt(r['id'] as string));
    const placeholders = ids.map(() => '?').join(',');
    const found = ids.length === 0 ? [] : this.all(`SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN (${placeholders}) ORDER BY message_id, emoji, user_id`, ...ids);
    for (const r of found) {
      const mid = str(r['message_id']);
      let list = reacts.get(mid);
      if (!list) reacts.set(mid, (list = []));
      const emoji = str(r['emoji']);
      let rc = list.find((x) => x.emoji === emoji);
      if (!rc) list.push((rc = { emoji, count: 0, userIds: [] }));
      rc.count++;
      rc.userIds.push(str(r['user_id']));
    }
    return rows.map((r) => {
      const mentions = r['mentions'] as string;
      return {
        id: r['id'] as string,
        channelId: r['channel_id'] as string,
        authorId: r['author_id'] as string,
        content: r['content'] as string,
        replyTo: r['reply_to'] as string | null,
        mentions: mentions === '[]' ? [] : (JSON.parse(mentions) as string[]),
        editedAt: r['edited_at'] as number | null,
        reactions: reacts.get(r['id'] as string) ?? [],
      };
    });
  }
  async getMessage(channelId: string, id: string): Promise<Message | undefined> {
    const r = this.mq(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE id = ? AND channel_id = ?`).get(BigInt(id), BigInt(channelId)) as Row | undefined;
    return r ? this.messageRows([r])[0] : undefined;
  }
  async editMessage(channelId: string, id: string, content: string, mentions: string[], editedAt: number): Promise<Message | undefined> {
    const n = this.run('UPDATE messages SET content = ?, mentions = ?, edited_at = ? WHERE id = ? AND channel_id = ?', content, JSON.stringify(mentions), editedAt, BigInt(id), BigInt(channelId));
    if (n !== 1) return undefined;
    const m = await this.getMessage(channelId, id);
    if (m) this.recent?.edited(m);
    return m;
  }
  async deleteMessage(channelId: string, id: string): Promise<boolean> {
    const gone = this.run('DELETE FROM messages WHERE id = ? AND channel_id = ?', BigInt(id), BigInt(channelId)) === 1;
    if (gone) this.recent?.removed(channelId, id);
    return gone;
  }
  async listMessages(channelId: string, query: HistoryQuery): Promise<Message[]> {
    const c = BigInt(channelId);
    let rows: Row[];
    if ('after' in query) {
      rows = this.mq(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = ? AND id > ? ORDER BY id LIMIT ?`).all(c, BigInt(query.after), query.limit) as Row[];
    } else if ('around' in query) {
      const older = this.mq(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = ? AND id <= ? ORDER BY id DESC LIMIT ?`).all(c, BigInt(query.around), Math.ceil(query.limit / 2)) as Row[];
      const newer = this.mq(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = ? AND id > ? ORDER BY id LIMIT ?`).all(c, BigInt(query.around), Math.floor(query.limit / 2)) as Row[];
      rows = [...older.reverse(), ...newer];
    } else if (query.before === undefined && this.recent && query.limit <= this.recent.perChannel) {
      // The latest page, the read nearly every client makes: from memory when held.
      // Frozen and shared by every read until the channel changes (see RecentMessages.latest).
      const held = this.recent.latest(channelId, query.limit);
      if (held) return held as Message[];
      const newest = this.messageRows((this.mq(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = ? ORDER BY id DESC LIMIT ?`).all(c, this.recent.perChannel) as Row[]).reverse());
      this.recent.fill(channelId, newest);
      return newest.slice(Math.max(0, newest.length - query.limit));
    } else {
      const before = query.before === undefined ? (1n << 63n) - 1n : BigInt(query.before);
      rows = (this.mq(`SELECT ${MESSAGE_COLUMNS} FROM messages WHERE channel_id = ? AND id < ? ORDER BY id DESC LIMIT ?`).all(c, before, query.limit) as Row[]).reverse();
    }
    return this.messageRows(rows);
  }
  async addReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
    // Held pages carry reaction counts: read them afresh next time.
    this.recent?.forget(channelId);
    return this.tx(() => {
      if (this.run('UPDATE messages SET reacted = 1 WHERE id = ? AND channel_id = ?', BigInt(messageId), BigInt(channelId)) === 0) return false;
      return this.run('INSERT INTO reactions (message_id, emoji, user_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', BigInt(messageId), emoji, BigInt(userId)) === 1;
    });
  }
  async removeReaction(channelId: string, messageId: string, userId: string, emoji: string): Promise<boolean> {
    if (!this.get('SELECT 1 FROM messages WHERE id = ? AND channel_id = ?', BigInt(messageId), BigInt(channelId))) return false;
    this.recent?.forget(channelId);
    return this.run('DELETE FROM reactions WHERE message_id = ? AND emoji = ? AND user_id = ?', BigInt(messageId), emoji, BigInt(userId)) === 1;
  }

  async close(): Promise<void> {
    this.flush();
    await this.checkpointer?.stop();
    this.db.close();
  }
}
