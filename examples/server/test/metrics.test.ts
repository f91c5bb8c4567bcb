import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DURATION_BUCKETS, escapeLabel, exposition, RequestMetrics } from '../src/metrics.js';
import { parseConfig } from '../src/config.js';
import { startServer } from '../src/node.js';
import { NO_SHEDDING } from './helpers.js';

/** Parses exposition text back into samples: name, labels, value. Throws on a line outside the format. */
function parse(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([\s\S]*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    if (m[3] !== undefined) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
      let lm: RegExpExecArray | null;
      let end = 0;
      while ((lm = re.exec(m[3])) !== null) {
        labels[lm[1]!] = lm[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
        end = re.lastIndex;
      }
      if (end !== m[3].length) throw new Error(`bad labels: ${m[3]}`);
    }
    out.push({ name: m[1]!, labels, value: m[4] === '+Inf' ? Infinity : Number(m[4]) });
  }
  return out;
}

describe('metrics exposition', () => {
  it('escapes label values so any string reads back the same (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (v) => {
        const text = exposition([{ name: 'x', help: 'h', type: 'gauge', samples: [{ labels: { v }, value: 1 }] }]);
        expect(parse(text)).toEqual([{ name: 'x', labels: { v }, value: 1 }]);
        expect(escapeLabel(v).includes('\n')).toBe(false);
      }),
    );
  });

  it('writes request histograms whose buckets are cumulative and end at the count (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('/a', '/b/{id}'), fc.constantFrom(200, 404), fc.double({ min: 0, max: 20, noNaN: true })), { maxLength: 60 }), (obs) => {
        const m = new RequestMetrics();
        for (const [route, status, s] of obs) m.observe('GET', route, status, s);
        const samples = parse(m.render());
        for (const route of ['/a', '/b/{id}']) {
          const mine = obs.filter((o) => o[0] === route);
          const buckets = samples.filter((x) => x.name === 'chorus_request_duration_seconds_bucket' && x.labels['route'] === route);
          if (mine.length === 0) {
            expect(buckets).toEqual([]);
            continue;
          }
          // One bucket per bound plus +Inf, each counting the observations at or under its bound.
          expect(buckets.map((b) => b.labels['le'])).toEqual([...DURATION_BUCKETS.map(String), '+Inf']);
          for (const b of buckets) {
            const bound = b.labels['le'] === '+Inf' ? Infinity : Number(b.labels['le']);
            expect(b.value).toBe(mine.filter((o) => o[2] <= bound).length);
          }
          const count = samples.find((x) => x.name === 'chorus_request_duration_seconds_count' && x.labels['route'] === route)!.value;
          expect(count).toBe(mine.length);
          const sum = samples.find((x) => x.name === 'chorus_request_duration_seconds_sum' && x.labels['route'] === route)!.value;
          expect(sum).toBeCloseTo(mine.reduce((a, o) => a + o[2], 0), 6);
          for (const status of [200, 404]) {
            const n = samples.find((x) => x.name === 'chorus_requests_total' && x.labels['route'] === route && x.labels['status'] === String(status))?.value ?? 0;
            expect(n).toBe(mine.filter((o) => o[1] === status).length);
          }
        }
      }),
    );
  });

  it('refuses a short metrics token and never echoes it', () => {
    expect(parseConfig({}).metricsToken).toBe('');
    expect(() => parseConfig({ CHORUS_METRICS_TOKEN: 'short-secret' })).toThrow(/16 to 256/);
    try {
      parseConfig({ CHORUS_METRICS_TOKEN: 'has a space in it, long enough' });
    } catch (e) {
      expect((e as Error).message).not.toContain('space in it');
    }
    expect(parseConfig({ CHORUS_METRICS_TOKEN: 'a-long-enough-scrape-token' }).metricsToken).toBe('a-long-enough-scrape-token');
  });
});

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; type: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /metrics', () => {
  it('is off without a token, refuses a wrong one, and reports requests over HTTP and the gateway', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-metrics-'));
    const secret = 'scrape-token-for-the-test';
    const off = await startServer({ port: 0, dataDir: join(dir, 'off'), argon2MemoryKiB: 64, argon2Iterations: 1, ...NO_SHEDDING });
    const on = await startServer({ port: 0, dataDir: join(dir, 'on'), argon2MemoryKiB: 64, argon2Iterations: 1, metricsToken: secret, ...NO_SHEDDING });
    try {
      expect((await get(`${off.url}/metrics`, { authorization: `Bearer ${secret}` })).status).toBe(404);
      expect((await get(`${on.url}/metrics`)).status).toBe(401);
      expect((await get(`${on.url}/metrics`, { authorization: 'Bearer scrape-token-for-the-tesT' })).status).toBe(401);
      // Traffic: a registration, an unauthorised read, a path no route has with a made-up method,
      // and a request over the gateway.
      const reg = await new Promise<string>((resolve, reject) => {
        const req = request(`${on.url}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { token: string }).token));
        });
        req.on('error', reject);
        req.end(JSON.stringify({ username: 'ada', password: 'password123' }));
      });
      expect((await get(`${on.url}/users/me`)).status).toBe(401);
      expect((await get(`${on.url}/no/such/${'x'.repeat(10)}`, {}, 'PURGE')).status).toBe(404);
      const ws = new WebSocket(on.gatewayUrl);
      const { FrameCodec, Op } = await import('@chorus/wire');
      const codec = new FrameCodec();
      await new Promise<void>((resolve, reject) => {
        ws.on('message', (data: Buffer) => {
          const f = codec.decode(new Uint8Array(data.buffer, data.byteOffset, data.length));
          if (f.op === Op.Hello) ws.send(codec.encode({ op: Op.Identify, d: { token: reg } }));
          if (f.op === Op.Ready) ws.send(codec.encode({ op: Op.Request, d: { id: 1, method: 'GET /users/me' } }));
          if (f.op === Op.Response) resolve();
        });
        ws.on('error', reject);
      });
      const scraped = await get(`${on.url}/metrics`, { authorization: `Bearer ${secret}` });
      expect(scraped.status).toBe(200);
      expect(scraped.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const samples = parse(scraped.text);
      const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
        samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
      expect(value('chorus_requests_total', { method: 'POST', route: '/auth/register', status: '201' })).toBe(1);
      expect(value('chorus_requests_total', { method: 'GET', route: '/users/me', status: '401' })).toBe(1);
      expect(value('chorus_requests_total', { method: 'GET', route: '/users/me', status: '200' })).toBe(1); // the gateway's
      expect(value('chorus_requests_total', { method: 'other', route: '(none)', status: '404' })).toBe(1);
      expect(value('chorus_request_duration_seconds_count', { method: 'GET', route: '/users/me' })).toBe(2);
      expect(value('chorus_gateway_connections')).toBe(1);
      expect(value('chorus_shed_total', { class: 'critical' })).toBe(0);
      expect(value('process_resident_memory_bytes')).toBeGreaterThan(0);
      // Nothing the clients sent as a path shows up as a label.
      expect(scraped.text).not.toContain('xxxxxxxxxx');
      expect(scraped.text).not.toContain(secret);
      ws.close();
    } finally {
      await off.close();
      await on.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
