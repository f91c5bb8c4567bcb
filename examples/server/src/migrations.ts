import type Database from 'better-sqlite3';
import type { Queryable } from './pgPool.js';

/**
 * A change to the schema after the baseline (the tables `CREATE TABLE IF NOT EXISTS` makes on
 * an empty database), in both dialects the stores speak.
 */
export interface Migration {
  /** 1 for the first, then one more for each: the order they run in. */
  readonly id: number;
  /** What it does, for people reading `schema_migrations`. */
  readonly name: string;
  /** Statements for SQLite (several, separated by semicolons, are allowed). */
  readonly sqlite: string;
  /** Statements for PostgreSQL, run with `search_path` set to the store's schema. */
  readonly postgres: string;
}

/**
 * Every migration, oldest first. Append a new one to change the schema of a running service;
 * never edit or reorder one that has shipped (databases record the ids they have run). A fork
 * that adds tables or columns puts its `ALTER TABLE`/`CREATE INDEX` statements here, and every
 * store, new or old, reaches the same schema at start.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'index avatars by media on SQLite, as on PostgreSQL (deleting a media row looks up its avatars)',
    sqlite: 'CREATE INDEX IF NOT EXISTS avatars_media ON avatars(media_id)',
    postgres: 'CREATE INDEX IF NOT EXISTS avatars_media ON avatars(media_id)',
  },
];

const TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)';

/**
 * Checks that ids run 1, 2, 3, ... in order.
 * @param list - the migrations
 * @throws Error naming the first id out of place
 */
export function checkMigrations(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.id !== i + 1) throw new Error(`migration ids must run 1, 2, 3, ... in order: found ${m.id} at position ${i + 1} (${m.name})`);
  });
}

function pending(applied: number, list: readonly Migration[]): readonly Migration[] {
  checkMigrations(list);
  // A database ahead of the code was migrated by a newer version: this one would misread it.
  if (applied > list.length) throw new Error(`the database has schema migration ${applied} applied, but this version of the service knows only ${list.length}; run the newer version`);
  return list.slice(applied);
}

/**
 * Runs the migrations a SQLite database has not run yet, each in its own transaction with its
 * record in `schema_migrations`, so a failing one leaves the database as the previous one left it.
 * @param db - the database, with the baseline tables created
 * @param list - the migrations, @defaultValue {@link MIGRATIONS}
 * @param now - clock for `applied_at`, ms
 * @returns the ids run now
 * @throws Error when the database is ahead of `list`, when ids are out of order, or what SQLite throws for a failing migration (named in the message)
 */
export function migrateSqlite(db: Database.Database, list: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): number[] {
  db.exec(TABLE);
  const applied = Number((db.prepare('SELECT coalesce(max(id), 0) AS n FROM schema_migrations').get() as { n: number | bigint }).n);
  const ran: number[] = [];
  for (const m of pending(applied, list)) {
    try {
      db.transaction(() => {
        db.exec(m.sqlite);
        db.prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)').run(m.id, m.name, now());
      })();
    } catch (e) {
      throw new Error(`schema migration ${m.id} (${m.name}) failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    ran.push(m.id);
  }
  return ran;
}

/**
 * Runs the migrations a PostgreSQL schema has not run yet. Call inside the transaction that
 * creates the baseline under its advisory lock, so that processes starting together run each
 * migration once and a failure rolls everything back.
 * @param client - a connection in a transaction, `search_path` set to the schema
 * @param list - the migrations, @defaultValue {@link MIGRATIONS}
 * @param now - clock for `applied_at`, ms
 * @returns the ids run now
 * @throws Error when the schema is ahead of `list` or ids are out of order; pg's DatabaseError for a failing migration
 */
export async function migratePostgres(client: Queryable, list: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): Promise<number[]> {
  await client.query(TABLE);
  const applied = Number((await client.query('SELECT coalesce(max(id), 0) AS n FROM schema_migrations')).rows[0].n);
  const ran: number[] = [];
  for (const m of pending(applied, list)) {
    await client.query(m.postgres);
    await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [m.id, m.name, now()]);
    ran.push(m.id);
  }
  return ran;
}
