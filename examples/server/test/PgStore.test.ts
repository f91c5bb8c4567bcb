// The same Store and FeatureStore contracts as SQLite's, on PostgreSQL, and the server started on it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { PgStore } from '../src/PgStore.js';
import { startServer } from '../src/server.js';
import { describeFeatureStoreContract } from './featureStoreContract.js';
import { describeStoreContract } from './storeContract.js';
import { PG_URL, connectTestPostgres } from './support/postgres.js';

const pg = await connectTestPostgres();

if (pg === undefined) {
  describe.skip(`PostgreSQL store (no server at ${PG_URL}; set CHORUS_TEST_PG_URL)`, () => {
    it('runs the Store and FeatureStore contracts and the server on PostgreSQL', () => undefined);
  });
} else {
  const db = pg;
  // Every store gets a schema of its own; all of them are dropped when the file is done.
  afterAll(() => db.dropAll());
  const make = (): Promise<PgStore> => PgStore.open({ url: db.url, schema: db.freshSchema(), maxConnections: 4 });

  describeStoreContract('PostgreSQL', make);
  describeFeatureStoreContract('PostgreSQL', make);

  describe('PgStore', () => {
    it('keeps data across reopening the same schema', async () => {
      const schema = db.freshSchema();
      const a = await PgStore.open({ url: db.url, schema });
      await a.createUser({ id: '5', username: 'ada', passwordHash: 'h', nickname: 'ada', about: '', presence: 'offline', createdAt: 1 });
      await a.close();
      const b = await PgStore.open({ url: db.url, schema });
      expect((await b.getUser('5'))?.username).toBe('ada');
      await b.close();
    });

    it('keeps ids beyond 2^53 exact', async () => {
      const store = await make();
      const id = '9223372036854775806';
      await store.createUser({ id, username: 'big', passwordHash: 'h', nickname: 'big', about: '', presence: 'offline', createdAt: 1_800_000_000_000 });
      expect(await store.getUser(id)).toMatchObject({ id, createdAt: 1_800_000_000_000 });
      await store.close();
    });

    it('commits every message of a concurrent burst and answers each only after', async () => {
      const store = await make();
      await store.createUser({ id: '1', username: 'ada', passwordHash: 'h', nickname: 'ada', about: '', presence: 'offline', createdAt: 1 });
      await store.createGuild({ id: '10', name: 'g', description: '', ownerId: '1', topics: [], createdAt: 1 }, [{ id: '10', guildId: '10', name: '@everyone', permissions: 0, position: 0 }], [
        { id: '11', kind: 'text', guildId: '10', parentId: null, name: 'general', topic: '', position: 0, ownerId: null, createdAt: 1 },
      ]);
      const ids = Array.from({ length: 300 }, (_, i) => String(1000 + i));
      await Promise.all(ids.map((id) => store.createMessage({ id, channelId: '11', authorId: '1', content: `m${id}`, replyTo: null, mentions: [] })));
      expect((await store.listMessages('11', { after: '0', limit: 1000 })).map((m) => m.id)).toEqual(ids);
      await store.close();
    });

    it('refuses a schema name that is not a plain identifier', async () => {
      await expect(PgStore.open({ url: db.url, schema: 'x; DROP TABLE users' })).rejects.toMatchObject({ code: 'validation' });
      expect(PgStore.describe('postgres://u:secret@h:5432/d', 's')).toBe('postgres://u@h:5432/d (schema s)');
    });
  });

  describe('server on PostgreSQL (CHORUS_DATABASE_URL)', () => {
    it('registers, creates a guild, sends and reads the history back', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chorus-pg-'));
      const schema = db.freshSchema();
      const cfg = parseConfig({ CHORUS_DATABASE_URL: db.url, CHORUS_DATABASE_SCHEMA: schema, CHORUS_PORT: '0', CHORUS_DATA_DIR: dir, CHORUS_ARGON2_MEMORY_KIB: '64', CHORUS_ARGON2_ITERATIONS: '1' });
      const server = await startServer(cfg, { log: () => undefined });
      try {
        expect(server.dataLocation).toContain(`(schema ${schema})`);
        const call = async (method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }> => {
          const res = await fetch(`${server.url}${path}`, {
            method,
            headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
        };
        const reg = await call('POST', '/auth/register', { username: 'ada', password: 'password123' });
        expect(reg.status).toBe(201);
        const token = reg.body.token as string;
        const guild = await call('POST', '/guilds', { name: 'engines' }, token);
        expect(guild.status).toBe(201);
        const channelId = guild.body.channels[0].id as string;
        const sent = await call('POST', `/channels/${channelId}/messages`, { content: 'hello from PostgreSQL' }, token);
        expect(sent.status).toBe(201);
        const history = await call('GET', `/channels/${channelId}/messages?limit=50`, undefined, token);
        expect(history.status).toBe(200);
        expect(history.body.map((m: { id: string; content: string }) => [m.id, m.content])).toEqual([[sent.body.id, 'hello from PostgreSQL']]);
        // The rows are in PostgreSQL: another store on the same schema sees them.
        const direct = await PgStore.open({ url: db.url, schema });
        expect((await direct.getMessage(channelId, sent.body.id))?.content).toBe('hello from PostgreSQL');
        await direct.close();
      } finally {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
