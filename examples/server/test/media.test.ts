import { readdirSync, statSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRange } from '../src/features/byteRange.js';
import { cleanFilename, sniffContentType } from '../src/features/sniff.js';
import { startServer, type RunningServer } from '../src/node.js';
import { makeFeatureWorld } from './featureHelpers.js';
import { NO_SHEDDING } from './helpers.js';

interface Res {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  json: unknown;
}

let server: RunningServer;
let dir: string;

function send(method: string, path: string, options: { body?: Uint8Array | string; headers?: Record<string, string>; token?: string; json?: unknown } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = 'application/json';
    }
    if (body !== undefined && headers['content-length'] === undefined && headers['transfer-encoding'] === undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const req = request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        let json: unknown;
        if (/json/.test(String(res.headers['content-type'])) && bytes.length > 0) json = JSON.parse(bytes.toString('utf8'));
        resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

async function register(username: string): Promise<{ id: string; token: string }> {
  const r = await send('POST', '/auth/register', { json: { username, password: 'password123' } });
  const b = r.json as { user: { id: string }; token: string };
  return { id: b.user.id, token: b.token };
}

const upload = (token: string, bytes: Uint8Array, filename = 'f.bin'): Promise<Res> => send('POST', `/media?filename=${encodeURIComponent(filename)}`, { body: bytes, token });

/** Bytes of every chunk file under the chunk store. */
function storeBytes(root: string): number {
  let total = 0;
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      const s = statSync(p);
      if (s.isDirectory()) walk(p);
      else total += s.size;
    }
  };
  walk(root);
  return total;
}

function seeded(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  let x = seed;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return out;
}

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);

let owner: { id: string; token: string };
let member: { id: string; token: string };
let outsider: { id: string; token: string };
let guildId: string;
let general: string;
let secret: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'chorus-media-'));
  server = await startServer({ port: 0, dataDir: dir, argon2MemoryKiB: 8, argon2Iterations: 1, sendPerSecond: 10_000, sendBurst: 10_000, ...NO_SHEDDING }, { log: () => undefined, mediaLimits: { userBytes: 80 << 20 } });
  owner = await register('owner');
  member = await register('member');
  outsider = await register('outsider');
  const g = (await send('POST', '/guilds', { token: owner.token, json: { name: 'g' } })).json as { id: string; channels: { id: string }[] };
  guildId = g.id;
  general = g.channels[0]!.id;
  const inv = (await send('POST', `/guilds/${guildId}/invites`, { token: owner.token, json: {} })).json as { code: string };
  await send('POST', `/invites/${inv.code}`, { token: member.token });
  secret = ((await send('POST', `/guilds/${guildId}/channels`, { token: owner.token, json: { name: 'secret' } })).json as { id: string }).id;
  await send('PUT', `/channels/${secret}/overrides/role/${guildId}`, { token: owner.token, json: { allow: 0, deny: 2 } });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('media over HTTP', () => {
  it('stores a 20 MB file uploaded twice plus a copy with 1 KB changed in about 20 MB', async () => {
    // Arrange
    const chunks = join(dir, 'chunks');
    const before = storeBytes(chunks);
    const file = seeded(20 << 20, 0x9e3779b9);
    const edited = file.slice();
    edited.set(seeded(1024, 7), 10 << 20);
    // Act
    const ids: string[] = [];
    for (const bytes of [file, file, edited]) {
      const r = await upload(owner.token, bytes);
      expect(r.status).toBe(201);
      ids.push((r.json as { id: string }).id);
    }
    // Assert: ~20 MB plus the few chunks around the edit (chunks average 64 KiB, at most 256 KiB).
    const grown = storeBytes(chunks) - before;
    expect(grown).toBeGreaterThanOrEqual(20 << 20);
    expect(grown).toBeLessThan((20 << 20) + 4 * 256 * 1024);
    const back = await send('GET', `/media/${ids[2]}/content`, { token: owner.token });
    expect(back.status).toBe(200);
    expect(createHash('sha256').update(back.bytes).digest('hex')).toBe(createHash('sha256').update(edited).digest('hex'));
  });

  it('sniffs the type, serves length, ETag and byte ranges, and never uses the file name as a path', async () => {
    const bytes = new Uint8Array([...PNG, ...seeded(5000, 3)]);
    const r = await upload(owner.token, bytes, '../../etc/passwd.exe');
    expect(r.status).toBe(201);
    const info = r.json as { id: string; contentType: string; filename: string; size: number; digest: string };
    expect(info).toMatchObject({ contentType: 'image/png', filename: 'passwd.exe', size: bytes.length });
    const whole = await send('GET', `/media/${info.id}/content`, { token: owner.token });
    expect(whole.headers['content-type']).toBe('image/png');
    expect(whole.headers['content-length']).toBe(String(bytes.length));
    expect(whole.headers['etag']).toBe(`"${info.digest}"`);
    expect(whole.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(whole.bytes, Buffer.from(bytes))).toBe(0);
    const part = await send('GET', `/media/${info.id}/content`, { token: owner.token, headers: { range: 'bytes=100-4199' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-4199/${bytes.length}`);
    expect(Buffer.compare(part.bytes, Buffer.from(bytes.subarray(100, 4200)))).toBe(0);
    const tail = await send('GET', `/media/${info.id}/content`, { token: owner.token, headers: { range: 'bytes=-10' } });
    expect(Buffer.compare(tail.bytes, Buffer.from(bytes.subarray(bytes.length - 10)))).toBe(0);
    expect((await send('GET', `/media/${info.id}/content`, { token: owner.token, headers: { range: `bytes=${bytes.length}-` } })).status).toBe(416);
    const head = await send('HEAD', `/media/${info.id}/content`, { token: owner.token });
    expect(head.headers['content-length']).toBe(String(bytes.length));
    expect(head.bytes.length).toBe(0);
    // A client claiming HTML gets it sniffed as plain text.
    const html = await send('POST', '/media?filename=x.html', { body: '<script>alert(1)</script>', token: owner.token, headers: { 'content-type': 'text/html' } });
    expect((html.json as { contentType: string }).contentType).toBe('text/plain; charset=utf-8');
  });

  it('lets only readers of the channel fetch an attachment', async () => {
    const open = (await upload(owner.token, new TextEncoder().encode('for everyone'), 'a.txt')).json as { id: string };
    const hidden = (await upload(owner.token, new TextEncoder().encode('for admins'), 'b.txt')).json as { id: string };
    const m = await send('POST', `/channels/${general}/messages`, { token: owner.token, json: { content: 'see file', attachments: [open.id] } });
    expect((m.json as { attachments: { id: string; size: number }[] }).attachments).toEqual([{ id: open.id, filename: 'a.txt', contentType: 'text/plain; charset=utf-8', size: 12 }]);
    await send('POST', `/channels/${secret}/messages`, { token: owner.token, json: { content: 'secret file', attachments: [hidden.id] } });
    expect((await send('GET', `/media/${open.id}/content`, { token: member.token })).bytes.toString()).toBe('for everyone');
    expect((await send('GET', `/media/${open.id}`, { token: member.token })).status).toBe(200);
    expect((await send('GET', `/media/${hidden.id}/content`, { token: member.token })).status).toBe(404);
    expect((await send('GET', `/media/${hidden.id}`, { token: member.token })).status).toBe(404);
    expect((await send('GET', `/media/${open.id}/content`, { token: outsider.token })).status).toBe(404);
    expect((await send('GET', `/media/${open.id}/content`)).status).toBe(401);
    // Someone else's upload cannot be attached.
    const r = await send('POST', `/channels/${general}/messages`, { token: member.token, json: { content: 'steal', attachments: [hidden.id] } });
    expect(r.status).toBe(404);
  });

  it('serves a file through a signed link without a token, only to those who may read it, and refuses a tampered one', async () => {
    // Arrange: an image attached in the channel everyone sees, and one in the hidden channel.
    const img = (await upload(owner.token, new Uint8Array([...PNG, ...seeded(3000, 11)]), 'pic.png')).json as { id: string };
    const hidden = (await upload(owner.token, new TextEncoder().encode('for admins only'), 'h.txt')).json as { id: string };
    await send('POST', `/channels/${general}/messages`, { token: owner.token, json: { content: 'pic', attachments: [img.id] } });
    await send('POST', `/channels/${secret}/messages`, { token: owner.token, json: { content: 'hidden', attachments: [hidden.id] } });
    // Act: the member asks for links.
    const made = await send('POST', `/media/${img.id}/links`, { token: member.token, json: { ttlSeconds: 120 } });
    expect(made.status).toBe(201);
    const link = made.json as { url: string; expiresAt: number };
    expect(link.expiresAt).toBeGreaterThan(Date.now() + 100_000);
    // Assert: the link opens without a token, with a cache lifetime no longer than its own.
    const got = await send('GET', link.url);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toBe('image/png');
    expect(Number(/max-age=(\d+)/.exec(String(got.headers['cache-control']))![1])).toBeLessThanOrEqual(120);
    expect((await send('GET', link.url, { headers: { range: 'bytes=0-7' } })).bytes).toEqual(Buffer.from(PNG.slice(0, 8)));
    // Nobody gets a link to what they may not read; default and bounded lifetimes.
    expect((await send('POST', `/media/${hidden.id}/links`, { token: member.token, json: {} })).status).toBe(404);
    expect((await send('POST', `/media/${img.id}/links`, { token: outsider.token, json: {} })).status).toBe(404);
    expect((await send('POST', `/media/${img.id}/links`, { token: member.token, json: { ttlSeconds: 86_401 } })).status).toBe(400);
    expect((await send('POST', `/media/${img.id}/links`)).status).toBe(401);
    // A link for one file does not open another; an altered expiry or signature is refused.
    const u = new URL(link.url, 'http://x');
    const other = `/media/${hidden.id}/content${u.search}`;
    expect((await send('GET', other)).status).toBe(403);
    const later = new URL(link.url, 'http://x');
    later.searchParams.set('expires', String(link.expiresAt + 1000));
    expect((await send('GET', `${later.pathname}${later.search}`)).status).toBe(403);
    const forged = new URL(link.url, 'http://x');
    forged.searchParams.set('signature', 'A'.repeat(43));
    expect((await send('GET', `${forged.pathname}${forged.search}`)).status).toBe(403);
  });

  it('refuses files over the limits before storing them, and uploads without a length', async () => {
    const chunks = join(dir, 'chunks');
    const before = storeBytes(chunks);
    const big = await send('POST', '/media', { token: member.token, headers: { 'content-length': String((25 << 20) + 1) }, body: new Uint8Array(10) }).catch((e: unknown) => e);
    if (!(big instanceof Error)) expect((big as Res).status).toBe(413);
    expect(storeBytes(chunks)).toBe(before);
    const chunked = await send('POST', '/media', { token: member.token, headers: { 'transfer-encoding': 'chunked' }, body: new Uint8Array(10) });
    expect(chunked.status).toBe(400);
    // The quota of this server is 80 MB a user; the owner already stored over 60 MB.
    const over = await upload(owner.token, seeded(20 << 20, 5));
    expect(over.status).toBe(422);
    expect(storeBytes(chunks)).toBe(before);
  });

  it('sets an image avatar that people sharing a guild can see', async () => {
    const txt = (await upload(member.token, new TextEncoder().encode('not an image'))).json as { id: string };
    expect((await send('PUT', '/users/me/avatar', { token: member.token, json: { mediaId: txt.id } })).status).toBe(415);
    const img = (await upload(member.token, PNG, 'me.png')).json as { id: string };
    expect((await send('PUT', '/users/me/avatar', { token: owner.token, json: { mediaId: img.id } })).status).toBe(404);
    expect((await send('PUT', '/users/me/avatar', { token: member.token, json: { mediaId: img.id } })).status).toBe(200);
    expect(((await send('GET', `/users/${member.id}/avatar`, { token: owner.token })).json as { id: string }).id).toBe(img.id);
    expect((await send('GET', `/media/${img.id}/content`, { token: owner.token })).status).toBe(200);
    expect((await send('GET', `/media/${img.id}/content`, { token: outsider.token })).status).toBe(404);
    expect((await send('GET', `/users/${member.id}/avatar`, { token: outsider.token })).status).toBe(404);
    // Changing it: the new one is served.
    const img2 = (await upload(member.token, new Uint8Array([...PNG, 1, 2, 3]), 'me2.png')).json as { id: string };
    await send('PUT', '/users/me/avatar', { token: member.token, json: { mediaId: img2.id } });
    expect(((await send('GET', `/users/${member.id}/avatar`, { token: owner.token })).json as { id: string }).id).toBe(img2.id);
  });
});

describe('media library', () => {
  it('collects chunks no message or avatar uses any more, after the grace time', async () => {
    const w = await makeFeatureWorld();
    const a = await w.user('ann');
    const g = await w.ok<{ channels: { id: string }[] }>(a, 'POST', '/guilds', { name: 'g' });
    const ch = g.channels[0]!.id;
    const kept = await w.features.media.upload(a.caller, [seeded(50_000, 1)], 50_000, 'kept');
    const dropped = await w.features.media.upload(a.caller, [seeded(50_000, 2)], 50_000, 'dropped');
    const pending = await w.features.media.upload(a.caller, [seeded(50_000, 3)], 50_000, 'pending');
    await w.ok(a, 'POST', `/channels/${ch}/messages`, { content: 'k', attachments: [kept.id] });
    const m = await w.ok<{ id: string }>(a, 'POST', `/channels/${ch}/messages`, { content: 'd', attachments: [dropped.id] });
    await w.ok(a, 'DELETE', `/channels/${ch}/messages/${m.id}`);
    w.advance(86_400_001);
    const fresh = await w.features.media.upload(a.caller, [seeded(50_000, 4)], 50_000, 'fresh');
    const report = await w.features.media.collectGarbage();
    expect(report.files).toBe(2); // dropped and pending; fresh is within its grace time
    for (const gone of [dropped, pending]) expect((await w.call(a, 'GET', `/media/${gone.id}`)).status).toBe(404);
    // What is kept still reads back whole.
    const file = await w.features.media.open(a.caller, kept.id);
    let n = 0;
    for await (const part of file.read()) n += part.length;
    expect(n).toBe(50_000);
    expect((await w.features.media.open(a.caller, fresh.id)).media.size).toBe(50_000);
    const keys: string[] = [];
    for await (const k of w.chunks.keys()) keys.push(k);
    expect(report.chunksKept).toBe(keys.length);
  });

  it('keeps the per-user quota when uploads run side by side', async () => {
    const w = await makeFeatureWorld({ mediaLimits: { userBytes: 25_000 } });
    const a = await w.user('ann');
    const results = await Promise.allSettled([1, 2, 3].map((i) => w.features.media.upload(a.caller, [seeded(10_000, i)], 10_000, `f${i}`)));
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(await w.store.features.mediaBytesOf(a.id)).toBe(20_000);
  });

  it('refuses a body longer or shorter than declared, and an empty one', async () => {
    const w = await makeFeatureWorld();
    const a = await w.user('ann');
    await expect(w.features.media.upload(a.caller, [new Uint8Array(20)], 10, 'x')).rejects.toMatchObject({ code: 'validation' });
    await expect(w.features.media.upload(a.caller, [new Uint8Array(5)], 10, 'x')).rejects.toMatchObject({ code: 'validation' });
    await expect(w.features.media.upload(a.caller, [], 0, 'x')).rejects.toMatchObject({ code: 'validation' });
    await expect(w.features.media.upload(a.caller, [], Number.NaN, 'x')).rejects.toMatchObject({ code: 'validation' });
    await expect(w.features.media.upload(a.caller, [], Number.POSITIVE_INFINITY, 'x')).rejects.toMatchObject({ code: 'validation' });
  });
});

describe('signed media links', () => {
  it('verify exactly what was signed, until it expires (property)', async () => {
    const { MediaLinks, MAX_LINK_TTL_SECONDS } = await import('../src/features/mediaLinks.js');
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 63n - 1n }), fc.integer({ min: 1, max: MAX_LINK_TTL_SECONDS }), fc.string({ minLength: 32, maxLength: 64 }), fc.nat(), (id, ttl, key, flip) => {
        let now = 1_700_000_000_000;
        const links = new MediaLinks({ secret: key, now: () => now });
        const mediaId = String(id);
        const q = new URL(links.sign(mediaId, ttl).url, 'http://x').searchParams;
        expect(links.verify(mediaId, q)).toBe(true);
        // Another id, another key, or any one character of the signature changed: refused.
        expect(links.verify(`${mediaId}0`, q)).toBe(false);
        expect(new MediaLinks({ secret: `${key}!`, now: () => now }).verify(mediaId, q)).toBe(false);
        const sig = q.get('signature')!;
        // Every position, the last (whose spare bits base64url decoders ignore) included.
        const at = flip % 2 === 0 ? sig.length - 1 : flip % sig.length;
        const altered = new URLSearchParams(q);
        altered.set('signature', sig.slice(0, at) + (sig[at] === 'A' ? 'B' : 'A') + sig.slice(at + 1));
        expect(links.verify(mediaId, altered)).toBe(false);
        // Valid up to its expiry, refused a millisecond after.
        now += ttl * 1000;
        expect(links.verify(mediaId, q)).toBe(true);
        now += 1;
        expect(links.verify(mediaId, q)).toBe(false);
      }),
    );
  });
});

describe('media parsers', () => {
  it('parseRange never throws and keeps ranges inside the file (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `bytes=${a}-${b}`), fc.nat().map((n) => `bytes=-${n}`), fc.nat().map((n) => `bytes=${n}-`)), fc.nat({ max: 1e9 }), (header, size) => {
        const r = parseRange(header, size);
        if (r === undefined || r === 'unsatisfiable') return;
        expect(r.start).toBeGreaterThanOrEqual(0);
        expect(r.end).toBeLessThan(size);
        expect(r.start).toBeLessThanOrEqual(r.end);
      }),
      { numRuns: 1000 },
    );
  });

  it('parseRange reads a-b as the inclusive range clipped to the file', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(1000), fc.integer({ min: 1, max: 1000 }), (a, b, size) => {
        const r = parseRange(`bytes=${a}-${b}`, size);
        if (a >= size) expect(r).toBe('unsatisfiable');
        else if (b < a) expect(r).toBeUndefined();
        else expect(r).toEqual({ start: a, end: Math.min(b, size - 1) });
      }),
    );
  });

  it('sniffs any bytes without throwing, and never answers with HTML', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        const t = sniffContentType(bytes);
        expect(t).not.toMatch(/html|xml|javascript/);
      }),
      { numRuns: 1000 },
    );
    expect(sniffContentType(new TextEncoder().encode('<html><body>hi</body></html>'))).toBe('text/plain; charset=utf-8');
    expect(sniffContentType(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffContentType(new Uint8Array([0, 1, 2, 3]))).toBe('application/octet-stream');
  });

  it('cleans any file name into one segment without control characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (name) => {
        const c = cleanFilename(name);
        expect(c).not.toMatch(/[\\/"\u0000-\u001f\u007f]/);
        expect(c.startsWith('.')).toBe(false);
        expect([...c].length).toBeLessThanOrEqual(100);
        expect(c.length).toBeGreaterThan(0);
        expect(() => encodeURIComponent(c)).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
