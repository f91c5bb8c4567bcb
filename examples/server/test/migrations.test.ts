import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { checkMigrations, migratePostgres, migrateSqlite, MIGRATIONS, type Migration } from '../src/migrations.js';
import { PgStore } from '../src/PgStore.js';
import { SqliteStore } from '../src/SqliteStore.js';
import { PG_URL, connectTestPostgres } from './support/postgres.js';

/** Migration i creates table t<i> with column c<i>, and adds a column to the previous one. */
const synthetic = (n: number): Migration[] =>
  Array.from({ length: n }, (_, i) => {
    const id = i + 1;
    const sql = `CREATE TABLE t${id} (c${id} INTEGER)${id > 1 ? `; ALTER TABLE t${id - 1} ADD COLUMN d${id} TEXT` : ''}`;
    return { id, name: `step ${id}`, sqlite: sql, postgres: sql };
  });

const schemaOf = (db: Database.Database): string[] =>
  (db.prepare("SELECT name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string; sql: string }[]).map((r) => `${r.name}: ${r.sql}`);
const recorded = (db: Database.Database): number[] => (db.prepare('SELECT id FROM schema_migrations ORDER BY id').all() as { id: number }[]).map((r) => r.id);

describe('schema migrations on SQLite', () => {
  it('reach the same schema however many runs it takes, each migration once (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 8 }), fc.array(fc.nat({ max: 8 }), { maxLength: 4 }), (n, cuts) => {
        const all = synthetic(n);
        const direct = new Database(':memory:');
        expect(migrateSqlite(direct, all)).toEqual(all.map((m) => m.id));
        // The same list released in steps: each run applies what the previous ones did not.
        const stepped = new Database(':memory:');
        const ran: number[] = [];
        for (const k of [...cuts.map((c) => Math.min(c, n)).sort((a, b) => a - b), n]) ran.push(...migrateSqlite(stepped, all.slice(0, k)));
        expect(ran).toEqual(all.map((m) => m.id));
        expect(migrateSqlite(stepped, all)).toEqual([]);
        expect(schemaOf(stepped)).toEqual(schemaOf(direct));
        expect(recorded(stepped)).toEqual(recorded(direct));
      }),
      { numRuns: 60 },
    );
  });

  it('leaves a failing migration undone, keeps the ones before it, and says which failed', () => {
    const db = new Database(':memory:');
    const list: Migration[] = [synthetic(1)[0]!, { id: 2, name: 'broken', sqlite: 'CREATE TABLE half (x INTEGER); ALTER TABLE nowhere ADD COLUMN y TEXT', postgres: '' }];
    expect(() => migrateSqlite(db, list)).toThrow(/schema migration 2 \(broken\) failed: .*nowhere/);
    expect(recorded(db)).toEqual([1]);
    expect(schemaOf(db).some((s) => s.startsWith('half'))).toBe(false);
  });

  it('refuses a database migrated by a newer version, and ids out of order', () => {
    const db = new Database(':memory:');
    migrateSqlite(db, synthetic(3));
    expect(() => migrateSqlite(db, synthetic(2))).toThrow(/migration 3 applied.*knows only 2/);
    expect(() => checkMigrations([{ ...synthetic(1)[0]!, id: 2 }])).toThrow(/found 2 at position 1/);
    expect(() => checkMigrations(MIGRATIONS)).not.toThrow();
  });

  it('runs the service’s migrations once on a store file, however often it is opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-migrate-'));
    try {
      const file = join(dir, 'chorus.db');
      for (let i = 0; i < 2; i++) await new SqliteStore({ file, checkpointIntervalMs: 0 }).close();
      const db = new Database(file, { readonly: true });
      expect(recorded(db)).toEqual(MIGRATIONS.map((m) => m.id));
      expect(schemaOf(db).some((s) => s.startsWith('avatars_media:'))).toBe(true);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const server = await connectTestPostgres();

if (server === undefined) {
  describe.skip(`schema migrations on PostgreSQL (no server at ${PG_URL}; set CHORUS_TEST_PG_URL)`, () => {
    it('runs them once and gives PostgreSQL the indexes SQLite has', () => undefined);
  });
} else {
  const test = server;
  afterAll(() => test.dropAll());

  describe('schema migrations on PostgreSQL', () => {
    it('apply in steps inside a transaction, and a failing one rolls back', async () => {
      const client = new pg.Client({ connectionString: test.url });
      await client.connect();
      try {
        const schema = test.freshSchema();
        await client.query(`CREATE SCHEMA ${schema}`);
        await client.query(`SET search_path TO ${schema}`);
        expect(await migratePostgres(client as unknown as pg.PoolClient, synthetic(2))).toEqual([1, 2]);
        expect(await migratePostgres(client as unknown as pg.PoolClient, synthetic(4))).toEqual([3, 4]);
        await client.query('BEGIN');
        await expect(migratePostgres(client as unknown as pg.PoolClient, [...synthetic(4), { id: 5, name: 'broken', sqlite: '', postgres: 'ALTER TABLE nowhere ADD COLUMN y TEXT' }])).rejects.toThrow(/nowhere/);
        await client.query('ROLLBACK');
        expect((await client.query('SELECT id FROM schema_migrations ORDER BY id')).rows.map((r: { id: number }) => r.id)).toEqual([1, 2, 3, 4]);
        await expect(migratePostgres(client as unknown as pg.PoolClient, synthetic(3))).rejects.toThrow(/knows only 3/);
      } finally {
        await client.end();
      }
    });

    it('gives a PgStore schema the same indexes as a SQLite store, with the service’s migrations recorded', async () => {
      const schema = test.freshSchema();
      await (await PgStore.open({ url: test.url, schema, maxConnections: 1 })).close();
      await (await PgStore.open({ url: test.url, schema, maxConnections: 1 })).close();
      const client = new pg.Client({ connectionString: test.url });
      await client.connect();
      try {
        const pgIndexes = (await client.query('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [schema])).rows.map((r: { indexname: string }) => r.indexname).filter((n: string) => !n.endsWith('_pkey') && !n.endsWith('_key'));
        const ids = (await client.query(`SELECT id FROM ${schema}.schema_migrations ORDER BY id`)).rows.map((r: { id: number }) => r.id);
        expect(ids).toEqual(MIGRATIONS.map((m) => m.id));
        const sqlite = new SqliteStore({ file: ':memory:' });
        const db = (sqlite as unknown as { db: Database.Database }).db;
        const sqliteIndexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((r) => r.name);
        await sqlite.close();
        expect([...pgIndexes].sort()).toEqual([...sqliteIndexes].sort());
      } finally {
        await client.end();
      }
    });
  });
}
