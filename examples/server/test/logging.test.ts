import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { startServer } from '../src/node.js';
import { NO_SHEDDING } from './helpers.js';

function call(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('request logs', () => {
  it('are one JSON object per request with CHORUS_LOG=json, naming the route template and never the token, body or query', async () => {
    expect(parseConfig({ CHORUS_LOG: 'json' }).log).toBe('json');
    expect(parseConfig({ CHORUS_LOG: '1' }).log).toBe('text');
    expect(() => parseConfig({ CHORUS_LOG: 'yes' })).toThrow(/0, 1 or json/);
    const dir = mkdtempSync(join(tmpdir(), 'chorus-log-'));
    const lines: string[] = [];
    const server = await startServer({ port: 0, dataDir: dir, argon2MemoryKiB: 64, argon2Iterations: 1, log: 'json', ...NO_SHEDDING }, { log: (l) => void lines.push(l) });
    try {
      const reg = await call(`${server.url}/auth/register`, 'POST', { 'content-type': 'application/json' }, JSON.stringify({ username: 'ada', password: 'secret-password-1' }));
      const token = (JSON.parse(reg.text) as { token: string }).token;
      const me = (JSON.parse((await call(`${server.url}/users/me`, 'GET', { authorization: `Bearer ${token}` })).text) as { id: string }).id;
      await call(`${server.url}/users/${me}?q=private-query`, 'GET', { authorization: `Bearer ${token}` });
      const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(entries.map((e) => [e['method'], e['route'], e['status']])).toEqual([
        ['POST', '/auth/register', 201],
        ['GET', '/users/me', 200],
        ['GET', '/users/{userId}', 400], // an unknown query parameter is refused
      ]);
      for (const e of entries) {
        expect(Number.isNaN(Date.parse(e['time'] as string))).toBe(false);
        expect(typeof e['ms']).toBe('number');
      }
      const all = lines.join('\n');
      for (const secret of [token, 'secret-password-1', 'private-query', me]) expect(all).not.toContain(secret);
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
