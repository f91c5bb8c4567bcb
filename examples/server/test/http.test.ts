import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../src/index.js';
import { startServer, type RunningServer } from '../src/node.js';
import { NO_SHEDDING } from './helpers.js';

let server: RunningServer;
let dir: string;
let token: string;
let channelId: string;

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function send(method: string, path: string, options: { body?: string | Buffer; headers?: Record<string, string>; token?: string } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    if (options.body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as unknown) : undefined });
      });
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-http-'));
  server = await startServer({ port: 0, dataDir: dir, argon2MemoryKiB: 64, argon2Iterations: 1, maxBodyBytes: 4096, ...NO_SHEDDING });
  const r = await send('POST', '/auth/register', { body: JSON.stringify({ username: 'ada', password: 'password123' }) });
  token = (r.body as { token: string }).token;
  const g = await send('POST', '/guilds', { token, body: JSON.stringify({ name: 'g' }) });
  channelId = (g.body as { channels: { id: string }[] }).channels[0]!.id;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = async (): Promise<number> => ((await send('GET', `/channels/${channelId}/messages?limit=100`, { token })).body as unknown[]).length;

describe('HTTP transport', () => {
  it('serves health and an OpenAPI document covering every route', async () => {
    const h = await send('GET', '/health');
    expect(h.status).toBe(200);
    expect(h.body).toMatchObject({ status: 'ok', ready: true });
    const doc = (await send('GET', '/openapi.json')).body as { openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op!.requestBody !== undefined).toBe(r.body !== undefined);
    }
  });

  it('answers bad input with clear 4xx errors and stores nothing half-way', async () => {
    const before = await count();
    const post = (body: string | Buffer, headers: Record<string, string> = {}): Promise<Res> => send('POST', `/channels/${channelId}/messages`, { token, body, headers });
    const cases: [Promise<Res>, number, string][] = [
      [post(JSON.stringify({ content: 'x'.repeat(5000) })), 413, 'payload_too_large'],
      [post('{"content": "tru'), 400, 'bad_request'],
      [post(JSON.stringify({ content: 'hi', extra: 1 })), 400, 'validation'],
      [post('{"content":"hi","__proto__":{"x":1}}'), 400, 'validation'],
      [post(JSON.stringify({ content: '' })), 400, 'validation'],
      [post(JSON.stringify({ content: 'x'.repeat(2001) })), 400, 'validation'],
      [post(JSON.stringify({ content: 'hi' }), { 'content-type': 'text/plain' }), 415, 'unsupported_media_type'],
      [post(JSON.stringify({ content: 'hi', replyTo: '01' })), 400, 'validation'],
      [post(JSON.stringify({ content: 'hi', replyTo: '123' })), 404, 'not_found'],
      [post(JSON.stringify([1, 2])), 400, 'validation'],
      [send('POST', '/channels/abc/messages', { token, body: '{"content":"hi"}' }), 400, 'validation'],
      [send('POST', '/channels/99999999999999999999/messages', { token, body: '{"content":"hi"}' }), 400, 'validation'],
      [send('GET', `/channels/${channelId}/messages?limit=0`, { token }), 400, 'validation'],
      [send('GET', `/channels/${channelId}/messages?limit=NaN`, { token }), 400, 'validation'],
      [send('GET', `/channels/${channelId}/messages?before=1&after=2`, { token }), 400, 'validation'],
      [send('GET', `/channels/${channelId}/messages?limit=5&limit=6`, { token }), 400, 'validation'],
      [send('GET', `/channels/${channelId}/messages?bogus=1`, { token }), 400, 'validation'],
      [send('GET', '/users/me', { token: 'x'.repeat(43) }), 401, 'unauthorized'],
      [send('GET', '/users/me', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized'],
      [send('PATCH', '/auth/login', { body: '{}' }), 405, 'method_not_allowed'],
      [send('GET', '/nope'), 404, 'not_found'],
      [send('GET', '/users/%E0%A4%A'), 404, 'not_found'],
      [send('POST', '/auth/logout', { token, body: '{"a":1}' }), 400, 'validation'],
    ];
    for (const [p, status, code] of cases) {
      const r = await p;
      expect(r.status, JSON.stringify(r.body)).toBe(status);
      expect((r.body as { code: string; message: string }).code).toBe(code);
      expect((r.body as { message: string }).message.length).toBeGreaterThan(10);
    }
    expect(await count()).toBe(before);
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
  });

  it('survives arbitrary bytes as bodies and paths (fuzz): always a JSON 4xx, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 40 }), async (bytes, path) => {
        const r = await send('POST', `/channels/${channelId}/messages`, { token, body: Buffer.from(bytes) });
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        const p = await send('GET', `/${encodeURI(path).replace(/[?#]/g, '')}`, { token });
        expect(p.status).toBeLessThan(500);
      }),
      { numRuns: 40 },
    );
    expect((await send('GET', '/health')).status).toBe(200);
  });

  it('limits login attempts per username with 429 and Retry-After', async () => {
    let last: Res | undefined;
    for (let i = 0; i < 8; i++) last = await send('POST', '/auth/login', { body: JSON.stringify({ username: 'ada', password: 'wrong password' }) });
    expect(last!.status).toBe(429);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    expect((last!.body as { code: string }).code).toBe('rate_limited');
  });

  it('never echoes a token or password in an error', async () => {
    const r = await send('POST', '/auth/login', { body: JSON.stringify({ username: 'nobody', password: 'secret-password-123' }) });
    expect(JSON.stringify(r.body)).not.toContain('secret-password-123');
    const t = await send('GET', '/users/me', { token: 'Z'.repeat(43) });
    expect(JSON.stringify(t.body)).not.toContain('Z'.repeat(43));
  });
});
