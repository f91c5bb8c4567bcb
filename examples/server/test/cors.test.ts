import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config.js';
import { startServer } from '../src/node.js';
import { NO_SHEDDING } from './helpers.js';

function call(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('CORS', () => {
  it('parses CHORUS_CORS_ORIGINS and refuses anything but origins', () => {
    expect(parseConfig({}).corsOrigins).toEqual([]);
    expect(parseConfig({ CHORUS_CORS_ORIGINS: 'http://localhost:5173, https://app.example.com' }).corsOrigins).toEqual(['http://localhost:5173', 'https://app.example.com']);
    expect(parseConfig({ CHORUS_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    for (const bad of ['localhost:5173', 'https://app.example.com/', 'https://app.example.com/path', 'ftp://x.org', 'https://a b']) {
      expect(() => parseConfig({ CHORUS_CORS_ORIGINS: bad }), bad).toThrow(/CHORUS_CORS_ORIGINS/);
    }
  });

  it('answers preflights and marks answers for allowed origins only; nothing without configuration', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-cors-'));
    const app = 'http://localhost:5173';
    const on = await startServer({ port: 0, dataDir: join(dir, 'on'), argon2MemoryKiB: 64, argon2Iterations: 1, corsOrigins: [app], ...NO_SHEDDING });
    const off = await startServer({ port: 0, dataDir: join(dir, 'off'), argon2MemoryKiB: 64, argon2Iterations: 1, ...NO_SHEDDING });
    try {
      const preflight = { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' };
      const ok = await call(`${on.url}/guilds`, 'OPTIONS', preflight);
      expect(ok.status).toBe(204);
      expect(ok.headers['access-control-allow-origin']).toBe(app);
      expect(String(ok.headers['access-control-allow-headers'])).toMatch(/Authorization/);
      expect(String(ok.headers['access-control-allow-methods'])).toMatch(/POST/);
      const other = await call(`${on.url}/guilds`, 'OPTIONS', { ...preflight, origin: 'https://evil.example' });
      expect(other.status).toBe(403);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      // Answers: allowed origin marked (errors too, so the page can read them), others not.
      const get = await call(`${on.url}/users/me`, 'GET', { origin: app });
      expect(get.status).toBe(401);
      expect(get.headers['access-control-allow-origin']).toBe(app);
      expect(String(get.headers['vary'])).toMatch(/Origin/);
      expect(String(get.headers['access-control-expose-headers'])).toMatch(/Retry-After/);
      expect((await call(`${on.url}/users/me`, 'GET', { origin: 'https://evil.example' })).headers['access-control-allow-origin']).toBeUndefined();
      expect((await call(`${on.url}/health`, 'GET', {})).headers['access-control-allow-origin']).toBeUndefined();
      // Off by default.
      const none = await call(`${off.url}/guilds`, 'OPTIONS', preflight);
      expect(none.headers['access-control-allow-origin']).toBeUndefined();
      expect(none.status).toBeGreaterThanOrEqual(400);
    } finally {
      await on.close();
      await off.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
