// An acknowledged message is on disk: kill the server with SIGKILL while clients send, restart
// it, and check that every acknowledged message is there and readable. 20 cycles.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'chorus-durable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CYCLES = 20;
// The server is bundled once into plain JavaScript, so that each restart costs a Node start-up
// and not a TypeScript compile. It sits under node_modules so that its externals resolve.
const bundle = join(here, '../node_modules/.cache/chorus-durability/serve.mjs');
beforeAll(async () => {
  await build({
    entryPoints: [join(here, 'fixtures/serve.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    external: ['better-sqlite3', 'ws', 'hash-wasm'],
    alias: { '@chorus/wire': join(here, '../../../packages/wire/src/index.ts'), '@chorus/breaker': join(here, '../../../packages/breaker/src/index.ts') },
    logLevel: 'error',
  });
});

function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bundle], {
    cwd: join(here, '..'),
    env: { ...process.env, CHORUS_DATA_DIR: dir, CHORUS_ARGON2_MEMORY_KIB: '64', CHORUS_ARGON2_ITERATIONS: '1', CHORUS_SEND_PER_SECOND: '100000', CHORUS_SEND_BURST: '100000' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`)));
  });
}

function call(agent: Agent, url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const req = request(`${url}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

describe('durability', () => {
  it(`keeps every acknowledged message across ${CYCLES} SIGKILLs during sends`, async () => {
    const acked = new Set<string>();
    let token = '';
    let channelId = '';
    let killedInFlight = 0;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const { child, url } = await start();
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      if (cycle === 0) {
        const r = await call(agent, url, 'POST', '/auth/register', undefined, { username: 'durable', password: 'password123' });
        token = (r.body as { token: string }).token;
        const g = await call(agent, url, 'POST', '/guilds', token, { name: 'g' });
        channelId = (g.body as { channels: { id: string }[] }).channels[0]!.id;
      }
      // Every message acknowledged before the last kill is there (the session survived too).
      const stored = new Set<string>();
      let after = '1';
      for (;;) {
        const page = (await call(agent, url, 'GET', `/channels/${channelId}/messages?after=${after}&limit=100`, token)).body as { id: string; content: string }[];
        for (const m of page) {
          stored.add(m.id);
          expect(m.content).toMatch(/^c\d+-\d+$/);
        }
        if (page.length < 100) break;
        after = page.at(-1)!.id;
      }
      for (const id of acked) expect(stored.has(id), `message ${id} was acknowledged but is missing after cycle ${cycle}`).toBe(true);
      // Send from 4 clients; kill the server at a random moment while requests are in flight.
      let stop = false;
      let n = 0;
      const senders = Array.from({ length: 4 }, async () => {
        while (!stop) {
          try {
            const r = await call(agent, url, 'POST', `/channels/${channelId}/messages`, token, { content: `c${cycle}-${n++}` });
            if (r.status === 201) acked.add((r.body as { id: string }).id);
          } catch {
            killedInFlight++;
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      stop = true;
      await Promise.all(senders);
      agent.destroy();
    }
    const { child, url } = await start();
    const agent = new Agent({ keepAlive: true });
    const last = (await call(agent, url, 'GET', `/channels/${channelId}/messages?limit=100`, token)).body as { id: string }[];
    expect(last.length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    agent.destroy();
    expect(acked.size).toBeGreaterThan(CYCLES);
    expect(killedInFlight).toBeGreaterThan(0);
  });
});
