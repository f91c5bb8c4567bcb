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
      const schema = db.freshSchema();
      const store = await PgStore.open({ url: db.url, schema });
      await store.createUser({ id: '1', username: 'ada', passwordHash: 'h', nickname: 'ada', about: '', presence: 'offline', createdAt: 1 });
      await store.createGuild({ id: '10', name: 'g', description: '', ownerId: '1', topics: [], createdAt: 1 }, [{ id: '10', guildId: '10', name: '@everyone', permissions: 0, position: 0 }], [
        { id: '11', kind: 'text', guildId: '10', parentId: null, name: 'general', topic: '', position: 0, ownerId: null, createdAt: 1 },
      ]);
      // Another pool on the same schema: what it sees is committed, not merely sent.
      const observer = await PgStore.open({ url: db.url, schema });
      const ids = Array.from({ length: 300 }, (_, i) => String(1000 + i));
      const seen = await Promise.all(
        ids.map((id) => store.createMessage({ id, channelId: '11', authorId: '1', content: `m${id}`, replyTo: null, mentions: [] }).then(async () => (await observer.getMessage('11', id))?.content)),
      );
      expect(seen).toEqual(ids.map((id) => `m${id}`));
      expect((await store.listMessages('11', { after: '0', limit: 1000 })).map((m) => m.id)).toEqual(ids);
      await Promise.all([store.close(), observer.close()]);
    });

    it('holds invite and recipient limits when two processes race for them', async () => {
      // Two stores = two pools = what two service processes on one database look like.
      const schema = db.freshSchema();
      const [a, b] = [await PgStore.open({ url: db.url, schema }), await PgStore.open({ url: db.url, schema })];
      const users = Array.from({ length: 12 }, (_, i) => String(100 + i));
      for (const id of users) await a.createUser({ id, username: `u${id}`, passwordHash: 'h', nickname: 'n', about: '', presence: 'offline', createdAt: 1 });
      await a.createGuild({ id: '10', name: 'g', description: '', ownerId: users[0]!, topics: [], createdAt: 1 }, [{ id: '10', guildId: '10', name: '@everyone', permissions: 0, position: 0 }], []);
      await a.createInvite({ code: 'race', guildId: '10', inviterId: users[0]!, maxUses: 3, uses: 0, expiresAt: 0, createdAt: 1 });
      const uses = await Promise.all(users.slice(1).map((u, i) => (i % 2 === 0 ? a : b).useInvite('race', u, 5)));
      expect(uses.filter((r) => r.ok).length).toBe(3);
      expect((await b.listInvites('10'))[0]?.uses).toBe(3);
      expect((await a.listMembers('10', undefined, 100)).length).toBe(4);

      await a.createChannel({ id: '20', kind: 'group', guildId: null, parentId: null, name: 'grp', topic: '', position: 0, ownerId: users[0]!, createdAt: 1 }, [{ channelId: '20', userId: users[0]!, role: 'admin' }]);
      const adds = await Promise.all(users.slice(1).map((u, i) => (i % 2 === 0 ? a : b).addRecipient({ channelId: '20', userId: u, role: 'member' }, 5)));
      expect(adds.filter((r) => r === 'added').length).toBe(4);
      expect((await a.listRecipients('20', undefined, 100)).length).toBe(5);
      const topics = await Promise.all(['t1', 't2', 't3', 't4', 't1'].map((t, i) => (i % 2 === 0 ? a : b).addTopic('10', t, 3)));
      expect(topics.filter((r) => r === 'added').length).toBe(3);
      await Promise.all([a.close(), b.close()]);
    });

    it('refuses a URL, schema name or pool size it cannot use, without a TypeError', async () => {
      await expect(PgStore.open({ url: db.url, schema: 'x; DROP TABLE users' })).rejects.toMatchObject({ code: 'validation' });
      await expect(PgStore.open({ url: 'mysql://x', schema: 'x' })).rejects.toMatchObject({ code: 'validation' });
      await expect(PgStore.open({ url: Symbol('x') as unknown as string })).rejects.toMatchObject({ code: 'validation' });
      await expect(PgStore.open({ url: db.url, schema: { toString: () => { throw new Error('no'); } } as unknown as string })).rejects.toMatchObject({ code: 'validation' });
      await expect(PgStore.open({ url: db.url, maxConnections: Number.NaN })).rejects.toMatchObject({ code: 'validation' });
      expect(PgStore.describe('postgres://u:secret@h:5432/d', 's')).toBe('postgres://u@h:5432/d (schema s)');
      expect(PgStore.describe('postgres://u@h/d?password=secret&sslmode=require')).toBe('postgres://u@h/d (schema public)');
      expect(PgStore.describe('postgres://u:sec ret@[bad', Symbol('s') as unknown as string)).not.toContain('sec');
    });
  });

  describe('server on PostgreSQL (CHORUS_DATABASE_URL)', () => {
    it('runs invites, mentions, reactions, friends, DMs, notifications, unread counts and search through the same handlers', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chorus-pg-'));
      const cfg = parseConfig({ CHORUS_DATABASE_URL: db.url, CHORUS_DATABASE_SCHEMA: db.freshSchema(), CHORUS_PORT: '0', CHORUS_DATA_DIR: dir, CHORUS_ARGON2_MEMORY_KIB: '64', CHORUS_ARGON2_ITERATIONS: '1', CHORUS_MAX_LAG_MS: '0' });
      const server = await startServer(cfg, { log: () => undefined });
      try {
        const call = async (method: string, path: string, token: string | undefined, body?: unknown): Promise<any> => {
          const res = await fetch(`${server.url}${path}`, {
            method,
            headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          const text = await res.text();
          expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
          return text ? JSON.parse(text) : undefined;
        };
        const ada = await call('POST', '/auth/register', undefined, { username: 'ada', password: 'password123' });
        const bob = await call('POST', '/auth/register', undefined, { username: 'bob', password: 'password123' });
        const guild = await call('POST', '/guilds', ada.token, { name: 'engines' });
        const channelId = guild.channels[0].id as string;
        const invite = await call('POST', `/guilds/${guild.id}/invites`, ada.token, {});
        await call('POST', `/invites/${invite.code}`, bob.token);
        const hello = await call('POST', `/channels/${channelId}/messages`, bob.token, { content: `hello <@${ada.user.id}>, the engine runs` });
        await call('PUT', `/channels/${channelId}/messages/${hello.id}/reactions/${encodeURIComponent('👍')}`, ada.token);
        expect((await call('GET', `/channels/${channelId}/messages/${hello.id}`, ada.token)).reactions).toEqual([{ emoji: '👍', count: 1, userIds: [ada.user.id] }]);
        await call('PATCH', `/channels/${channelId}/messages/${hello.id}`, bob.token, { content: 'hello again, the engine runs' });
        expect((await call('GET', `/channels/${channelId}/messages?around=${hello.id}&limit=3`, ada.token)).map((m: { content: string }) => m.content)).toEqual(['hello again, the engine runs']);
        expect((await call('GET', '/users/me/notifications', ada.token)).length).toBeGreaterThan(0);
        expect(JSON.stringify(await call('GET', '/users/me/unread', ada.token))).toContain(channelId);
        await call('PUT', `/users/me/friend-requests/${ada.user.id}`, bob.token);
        await call('POST', `/users/me/friend-requests/${bob.user.id}/accept`, ada.token);
        expect(JSON.stringify(await call('GET', '/users/me/friends', ada.token))).toContain(bob.user.id);
        const dm = await call('POST', `/users/${bob.user.id}/dm`, ada.token);
        await call('POST', `/channels/${dm.id}/messages`, ada.token, { content: 'just us' });
        expect(JSON.stringify(await call('GET', `/guilds/${guild.id}/search?q=engine`, ada.token))).toContain(hello.id);
        await call('DELETE', `/guilds/${guild.id}`, ada.token);
        expect((await call('GET', '/guilds', bob.token)).length).toBe(0);
      } finally {
        await server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

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
