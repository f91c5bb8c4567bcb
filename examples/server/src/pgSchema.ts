// Node-only: the PostgreSQL tables of PgStore and PgFeatureStore, and how they are created.
import type pg from 'pg';
import { migratePostgres } from './migrations.js';

// The same tables as SqliteStore's. Ids and Unix-ms times are BIGINT (pg returns them as
// decimal strings, which is what ids are). Text that is sorted or compared for uniqueness is
// COLLATE "C", so orders are byte orders as in SQLite, whatever the database's locale.
const CORE = `
CREATE TABLE IF NOT EXISTS users (id BIGINT PRIMARY KEY, username TEXT COLLATE "C" NOT NULL UNIQUE, password_hash TEXT NOT NULL,
  nickname TEXT NOT NULL, about TEXT NOT NULL, presence TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  token_hash TEXT COLLATE "C" NOT NULL UNIQUE, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, user_agent TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_user ON sessions(user_id);
CREATE TABLE IF NOT EXISTS guilds (id BIGINT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL,
  owner_id BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS guild_topics (guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE, topic TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (guild_id, topic));
CREATE TABLE IF NOT EXISTS roles (id BIGINT PRIMARY KEY, guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
  name TEXT NOT NULL, permissions BIGINT NOT NULL, position BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS roles_guild ON roles(guild_id);
CREATE TABLE IF NOT EXISTS members (guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE, user_id BIGINT NOT NULL,
  joined_at BIGINT NOT NULL, PRIMARY KEY (guild_id, user_id));
CREATE INDEX IF NOT EXISTS members_user ON members(user_id);
CREATE TABLE IF NOT EXISTS member_roles (guild_id BIGINT NOT NULL, user_id BIGINT NOT NULL,
  role_id BIGINT NOT NULL REFERENCES roles(id) ON DELETE CASCADE, PRIMARY KEY (guild_id, user_id, role_id),
  FOREIGN KEY (guild_id, user_id) REFERENCES members(guild_id, user_id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS member_roles_role ON member_roles(role_id);
CREATE TABLE IF NOT EXISTS invites (code TEXT COLLATE "C" PRIMARY KEY, guild_id BIGINT NOT NULL REFERENCES guilds(id) ON DELETE CASCADE,
  inviter_id BIGINT NOT NULL, max_uses BIGINT NOT NULL, uses BIGINT NOT NULL, expires_at BIGINT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS invites_guild ON invites(guild_id);
CREATE TABLE IF NOT EXISTS channels (id BIGINT PRIMARY KEY, kind TEXT NOT NULL, guild_id BIGINT REFERENCES guilds(id) ON DELETE CASCADE,
  parent_id BIGINT REFERENCES channels(id) ON DELETE CASCADE, name TEXT NOT NULL, topic TEXT NOT NULL, position BIGINT NOT NULL,
  owner_id BIGINT, created_at BIGINT NOT NULL, dm_key TEXT COLLATE "C" UNIQUE);
CREATE INDEX IF NOT EXISTS channels_guild ON channels(guild_id);
CREATE INDEX IF NOT EXISTS channels_parent ON channels(parent_id);
CREATE TABLE IF NOT EXISTS overrides (channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE, target_type TEXT COLLATE "C" NOT NULL,
  target_id BIGINT NOT NULL, allow BIGINT NOT NULL, deny BIGINT NOT NULL, PRIMARY KEY (channel_id, target_type, target_id));
CREATE TABLE IF NOT EXISTS recipients (channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE, user_id BIGINT NOT NULL,
  role TEXT NOT NULL, PRIMARY KEY (channel_id, user_id));
CREATE INDEX IF NOT EXISTS recipients_user ON recipients(user_id);
CREATE TABLE IF NOT EXISTS messages (id BIGINT PRIMARY KEY, channel_id BIGINT NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
  author_id BIGINT NOT NULL, content TEXT NOT NULL, reply_to BIGINT, mentions TEXT NOT NULL, edited_at BIGINT,
  reacted BOOLEAN NOT NULL DEFAULT false);
CREATE INDEX IF NOT EXISTS messages_channel ON messages(channel_id, id);
CREATE TABLE IF NOT EXISTS reactions (message_id BIGINT NOT NULL REFERENCES messages(id) ON DELETE CASCADE, emoji TEXT COLLATE "C" NOT NULL,
  user_id BIGINT NOT NULL, PRIMARY KEY (message_id, emoji, user_id));
`;

// Media, friends, blocks and notifications: SqliteFeatureStore's tables. Attachment rows are
// written before their message, so they carry no foreign key to it.
const FEATURES = `
CREATE TABLE IF NOT EXISTS media (id BIGINT PRIMARY KEY, owner_id BIGINT NOT NULL, content_type TEXT NOT NULL, filename TEXT NOT NULL,
  size BIGINT NOT NULL, digest TEXT NOT NULL, manifest TEXT NOT NULL, created_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS media_owner ON media(owner_id);
CREATE TABLE IF NOT EXISTS attachments (media_id BIGINT NOT NULL REFERENCES media(id) ON DELETE CASCADE, channel_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL, PRIMARY KEY (media_id, message_id));
CREATE INDEX IF NOT EXISTS attachments_message ON attachments(message_id);
CREATE TABLE IF NOT EXISTS avatars (user_id BIGINT PRIMARY KEY, media_id BIGINT NOT NULL REFERENCES media(id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS avatars_media ON avatars(media_id);
CREATE TABLE IF NOT EXISTS friend_requests (from_id BIGINT NOT NULL, to_id BIGINT NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (from_id, to_id));
CREATE INDEX IF NOT EXISTS friend_requests_to ON friend_requests(to_id);
CREATE TABLE IF NOT EXISTS friendships (a BIGINT NOT NULL, b BIGINT NOT NULL, since BIGINT NOT NULL, interactions BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (a, b));
CREATE INDEX IF NOT EXISTS friendships_b ON friendships(b);
CREATE TABLE IF NOT EXISTS blocks (blocker BIGINT NOT NULL, blocked BIGINT NOT NULL, created_at BIGINT NOT NULL,
  PRIMARY KEY (blocker, blocked));
CREATE INDEX IF NOT EXISTS blocks_blocked ON blocks(blocked);
CREATE TABLE IF NOT EXISTS notifications (id BIGINT PRIMARY KEY, user_id BIGINT NOT NULL, kind TEXT NOT NULL, actor_id BIGINT NOT NULL,
  guild_id BIGINT, channel_id BIGINT, message_id BIGINT, code TEXT, created_at BIGINT NOT NULL, read BOOLEAN NOT NULL DEFAULT false);
CREATE INDEX IF NOT EXISTS notifications_user ON notifications(user_id, id);
CREATE TABLE IF NOT EXISTS read_states (user_id BIGINT NOT NULL, channel_id BIGINT NOT NULL, last_read BIGINT NOT NULL,
  PRIMARY KEY (user_id, channel_id));
`;

/** Schema names accepted by PgStore: a plain lower-case identifier, so it needs no quoting rules. */
export const SCHEMA_NAME: RegExp = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the schema and every table of the store when missing, then runs the schema
 * migrations it has not run (migrations.ts), in one transaction under an
 * advisory lock: several processes starting at once on an empty database do not race on
 * `CREATE TABLE IF NOT EXISTS` (which is not safe against concurrent creators in PostgreSQL).
 *
 * @param client - a connection whose `search_path` is `schema`
 * @param schema - schema name, already checked against {@link SCHEMA_NAME}
 * @throws pg's DatabaseError when the role may not create the schema or its tables
 */
export async function createTables(client: pg.PoolClient, schema: string): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('chorus_schema:' || $1))", [schema]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(CORE);
    await client.query(FEATURES);
    await migratePostgres(client);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
