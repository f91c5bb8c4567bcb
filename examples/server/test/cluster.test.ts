// Two server processes' worth of the service (two servers in this test process) sharing one
// PostgreSQL schema and one NATS prefix: a message sent through one reaches a gateway client
// connected to the other. Needs both servers; skipped with a reason without them, except in CI.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FrameCodec, Op, type Frame } from '@chorus/wire';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseConfig } from '../src/config.js';
import { startServer, type RunningServer } from '../src/server.js';
import { NATS_URL, reachableNats } from './support/nats.js';
import { PG_URL, connectTestPostgres } from './support/postgres.js';

const db = await connectTestPostgres();
const nats = await reachableNats();
const codec = new FrameCodec();

if (!db || !nats) {
  describe.skip(`two servers on PostgreSQL + NATS (need ${PG_URL} and ${NATS_URL})`, () => {
    it('fans out across servers', () => undefined);
  });
} else {
  afterAll(() => db.dropAll());
  describe('two servers on PostgreSQL + NATS', () => {
    it('delivers a message sent through one server to a gateway client of the other', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chorus-cluster-'));
      const env = {
        CHORUS_DATABASE_URL: db.url,
        CHORUS_DATABASE_SCHEMA: db.freshSchema(),
        CHORUS_NATS_URL: nats,
        CHORUS_NATS_PREFIX: `t${randomBytes(6).toString('hex')}`,
        CHORUS_PORT: '0',
        CHORUS_ARGON2_MEMORY_KIB: '64',
        CHORUS_ARGON2_ITERATIONS: '1',
        CHORUS_MAX_LAG_MS: '0',
      };
      const servers: RunningServer[] = [];
      const ws: WebSocket[] = [];
      try {
        expect(() => parseConfig(env)).toThrow(/CHORUS_WORKER/); // a cluster needs distinct worker ids
        servers.push(await startServer(parseConfig({ ...env, CHORUS_WORKER: '1', CHORUS_DATA_DIR: join(dir, 'a') }), { log: () => undefined }));
        servers.push(await startServer(parseConfig({ ...env, CHORUS_WORKER: '2', CHORUS_DATA_DIR: join(dir, 'b') }), { log: () => undefined }));
        const [a, b] = servers as [RunningServer, RunningServer];
        const status = async (server: RunningServer, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; text: string }> => {
          const res = await fetch(`${server.url}${path}`, {
            method,
            headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
            ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          });
          return { status: res.status, text: await res.text() };
        };
        const call = async (server: RunningServer, method: string, path: string, token: string | undefined, body?: unknown): Promise<any> => {
          const { status: code, text } = await status(server, method, path, token, body);
          expect(code, `${method} ${path}: ${text}`).toBeLessThan(300);
          return text ? JSON.parse(text) : undefined;
        };
        // Polls until `path` on `server` answers `want` (the other process's news travels over NATS).
        const becomes = async (server: RunningServer, path: string, token: string, want: number): Promise<void> => {
          const end = Date.now() + 3000;
          for (;;) {
            const { status: code } = await status(server, 'GET', path, token);
            if (code === want) return;
            if (Date.now() > end) throw new Error(`${path} still answers ${code}, not ${want}`);
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        // Ada lives on A, Bob on B; both see the same data.
        const ada = await call(a, 'POST', '/auth/register', undefined, { username: 'ada', password: 'password123' });
        const bob = await call(b, 'POST', '/auth/register', undefined, { username: 'bob', password: 'password123' });
        const guild = await call(a, 'POST', '/guilds', ada.token, { name: 'two servers' });
        const invite = await call(a, 'POST', `/guilds/${guild.id}/invites`, ada.token, {});
        await call(b, 'POST', `/invites/${invite.code}`, bob.token);
        const channelId = guild.channels[0].id as string;

        const frames: Frame[] = [];
        const sock = new WebSocket(b.gatewayUrl);
        ws.push(sock);
        sock.on('message', (data: Buffer) => frames.push(codec.decode(new Uint8Array(data))));
        const got = async (pred: (f: Frame) => boolean, what: string): Promise<Frame> => {
          const end = Date.now() + 5000;
          for (;;) {
            const f = frames.find(pred);
            if (f) return f;
            if (Date.now() > end) throw new Error(`no ${what} within 5 s; got ops ${frames.map((x) => `${x.op}${'t' in x ? `:${String(x.t)}` : ''}`).join(', ')}`);
            await new Promise((r) => setTimeout(r, 10));
          }
        };
        await new Promise((r) => sock.once('open', r));
        sock.send(codec.encode({ op: Op.Identify, d: { token: bob.token } }));
        await got((f) => f.op === Op.Ready, 'Ready');
        // Give B's subscription to the guild topic a moment to reach NATS.
        await new Promise((r) => setTimeout(r, 100));

        const sent = await call(a, 'POST', `/channels/${channelId}/messages`, ada.token, { content: 'across the cluster' });
        const d = (await got((f) => f.op === Op.Dispatch && f.t === 'MESSAGE_CREATE', 'MESSAGE_CREATE on B')) as { d: { id: string; content: string } };
        expect(d.d).toMatchObject({ id: sent.id, content: 'across the cluster' });
        // And the history Bob reads through B holds it.
        expect((await call(b, 'GET', `/channels/${channelId}/messages?limit=5`, bob.token)).map((m: { id: string }) => m.id)).toContain(sent.id);
        // Each event arrives once, not echoed back through NATS.
        await new Promise((r) => setTimeout(r, 100));
        expect(frames.filter((f) => f.op === Op.Dispatch && f.t === 'MESSAGE_CREATE')).toHaveLength(1);

        // B has Bob's membership cached now; a kick on A must hold on B at once, not after a restart.
        await call(b, 'GET', `/channels/${channelId}/messages?limit=5`, bob.token);
        await call(a, 'DELETE', `/guilds/${guild.id}/members/${bob.user.id}`, ada.token);
        await becomes(b, `/channels/${channelId}/messages?limit=5`, bob.token, 404);
        // A session revoked on A is refused on B, which had the token cached.
        await call(b, 'GET', '/guilds', ada.token);
        await call(a, 'POST', '/auth/logout', ada.token);
        await becomes(b, '/guilds', ada.token, 401);
      } finally {
        for (const s of ws) s.terminate();
        for (const s of servers) await s.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
