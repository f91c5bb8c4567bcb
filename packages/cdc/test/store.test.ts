import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { FsChunkStore } from '../src/node.js';
import {
  chunk,
  chunkKey,
  chunkStream,
  collectGarbage,
  createDigest,
  dedupStats,
  MemoryChunkStore,
  putBlob,
  readBlob,
  type ChunkStore,
  type Manifest,
} from '../src/index.js';
import { concat, random, splitAt } from './bytes.js';

const small = { minSize: 256, avgSize: 1024, maxSize: 4096 };
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'cdc-store-'));
  dirs.push(d);
  return d;
}

// toEqual walks typed arrays element by element with diff bookkeeping: far too slow for 200 KB.
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

async function readAll(store: ChunkStore, manifest: Manifest): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of readBlob(store, manifest)) parts.push(p);
  return concat(parts);
}

function pieces(data: Uint8Array, cuts: number[]): Uint8Array[] {
  return splitAt(data, cuts).map((p) => p.slice());
}

describe('chunkStream', () => {
  it('yields the chunks of chunk(), with their bytes and digests, however the source is split', async () => {
    const sha = await createDigest('sha256');
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 20_000 }), fc.array(fc.nat(), { maxLength: 20 }), async (data, cuts) => {
        const got = [];
        for await (const c of chunkStream(pieces(data, cuts), small)) got.push(c);
        const expected = [...chunk(data, small)];
        expect(got.map(({ offset, length }) => ({ offset, length }))).toEqual(expected);
        for (const c of got) {
          expect(sameBytes(c.bytes, data.subarray(c.offset, c.offset + c.length))).toBe(true);
          expect(c.digest).toBe(sha.hashHex(c.bytes));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('reads web ReadableStreams and async iterables, and Rabin without loadRabin first', async () => {
    const data = random(50_000, 7);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const p of pieces(data, [100, 9000, 33_333])) controller.enqueue(p);
        controller.close();
      },
    });
    const viaStream = [];
    for await (const c of chunkStream(stream, { ...small, digest: 'blake3' })) viaStream.push(c.length);
    expect(viaStream).toEqual([...chunk(data, small)].map((c) => c.length));
    async function* gen(): AsyncGenerator<Uint8Array> {
      yield data.subarray(0, 20_000);
      yield data.subarray(20_000);
    }
    let total = 0;
    for await (const c of chunkStream(gen(), { ...small, algorithm: 'rabin' })) total += c.length;
    expect(total).toBe(data.length);
  });

  it('rejects sources that are not bytes', async () => {
    const drain = async (source: unknown): Promise<void> => {
      for await (const c of chunkStream(source as Uint8Array)) void c;
    };
    await expect(drain(['text'])).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(drain(42)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(drain(null)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe.each([
  ['MemoryChunkStore', async (): Promise<ChunkStore> => new MemoryChunkStore()],
  ['FsChunkStore', async (): Promise<ChunkStore> => new FsChunkStore(await tempDir())],
])('%s with putBlob / readBlob', (_name, makeStore) => {
  it('round-trips blobs, storing shared chunks once', async () => {
    const store = await makeStore();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 30_000 }), fc.constantFrom('sha256' as const, 'blake3' as const), async (data, digest) => {
        const manifest = await putBlob(store, data, { ...small, digest });
        expect(manifest.size).toBe(data.length);
        expect(sameBytes(await readAll(store, JSON.parse(JSON.stringify(manifest)) as Manifest), data)).toBe(true);
      }),
      { numRuns: 15 },
    );
  });

  it('stores an edited version mostly by reference and collects garbage', async () => {
    // Arrange: v2 is v1 with 10 bytes inserted in the middle.
    const store = await makeStore();
    const v1 = random(200_000, 3);
    const v2 = concat([v1.subarray(0, 100_000), random(10, 9), v1.subarray(100_000)]);
    // Act
    const m1 = await putBlob(store, v1, small);
    const m2 = await putBlob(store, v2, small);
    // Assert
    const stats = dedupStats([m1, m2]);
    expect(stats.logicalBytes).toBe(400_010);
    expect(stats.savedFraction).toBeGreaterThan(0.45);
    let keys = 0;
    for await (const k of store.keys()) if (k) keys++;
    expect(keys).toBe(stats.uniqueChunks);
    const report = await collectGarbage(store, [m2]);
    expect(report.kept + report.removed).toBe(stats.uniqueChunks);
    expect(report.removed).toBeGreaterThan(0);
    expect(sameBytes(await readAll(store, m2), v2)).toBe(true);
    await expect(readAll(store, m1)).rejects.toMatchObject({ code: 'MISSING_CHUNK' });
  });
});

describe('failure handling', () => {
  it('readBlob throws CORRUPT_CHUNK rather than return altered bytes', async () => {
    const store = new MemoryChunkStore();
    const m = await putBlob(store, random(20_000, 5), small);
    const key = chunkKey('sha256', m.chunks[1]!.digest);
    const bytes = (await store.get(key))!;
    bytes[0]! ^= 1;
    await store.delete(key);
    // Bypass put's key check: a tampering store returns the altered bytes under the old key.
    const tampering: ChunkStore = { ...wrap(store), get: async (k) => (k === key ? bytes : store.get(k)) };
    await expect(readAll(tampering, m)).rejects.toMatchObject({ code: 'CORRUPT_CHUNK' });
  });

  it('FsChunkStore verifies on read and never exposes temporary files as keys', async () => {
    const dir = await tempDir();
    const store = new FsChunkStore(dir);
    const m = await putBlob(store, random(10_000, 11), small);
    const hex = m.chunks[0]!.digest;
    const path = join(dir, 'sha256', hex.slice(0, 2), hex.slice(2, 4), hex);
    await writeFile(`${path}.abc.tmp`, 'partial');
    let keys = 0;
    for await (const k of store.keys()) if (k.startsWith('sha256-')) keys++;
    expect(keys).toBe(new Set(m.chunks.map((c) => c.digest)).size);
    await writeFile(path, 'not the chunk');
    await expect(store.get(chunkKey('sha256', hex))).rejects.toMatchObject({ code: 'CORRUPT_CHUNK' });
    await expect(readAll(store, m)).rejects.toMatchObject({ code: 'CORRUPT_CHUNK' });
  });

  it('a failed write rejects putBlob: no manifest is returned', async () => {
    const inner = new MemoryChunkStore();
    let puts = 0;
    const failing: ChunkStore = {
      ...wrap(inner),
      put: async (k, b) => {
        if (++puts === 3) throw new Error('disk full');
        await inner.put(k, b);
      },
    };
    await expect(putBlob(failing, random(50_000, 13), small)).rejects.toThrow('disk full');
  });

  it('stores the right bytes from a source that reuses one buffer, with writes in flight', async () => {
    // Arrange: a slow store (so writes overlap chunking) and a source refilling one buffer.
    const data = random(300_000, 21);
    const inner = new MemoryChunkStore();
    const slow: ChunkStore = {
      ...wrap(inner),
      put: async (k, b) => {
        await new Promise((r) => setTimeout(r, 1));
        await inner.put(k, b);
      },
    };
    async function* reusing(): AsyncGenerator<Uint8Array> {
      const buf = new Uint8Array(7000);
      for (let at = 0; at < data.length; at += buf.length) {
        const n = Math.min(buf.length, data.length - at);
        buf.set(data.subarray(at, at + n));
        yield buf.subarray(0, n);
      }
    }
    // Act
    const m = await putBlob(slow, reusing(), small);
    // Assert: every chunk verifies and the blob reads back whole.
    expect(await readAll(inner, m)).toEqual(data);
  });

  it('rejects malformed keys', async () => {
    const store = new MemoryChunkStore();
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await expect(new FsChunkStore(await tempDir()).put('sha256-../x', new Uint8Array(1))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(() => new FsChunkStore('')).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });

  it('keeps no manifest files of its own: the store holds chunks only', async () => {
    const dir = await tempDir();
    await putBlob(new FsChunkStore(dir), random(5000, 17), small);
    expect(await readdir(dir)).toEqual(['sha256']);
  });
});

function wrap(store: ChunkStore): ChunkStore {
  return {
    has: (k) => store.has(k),
    get: (k) => store.get(k),
    put: (k, b) => store.put(k, b),
    delete: (k) => store.delete(k),
    keys: () => store.keys(),
  };
}
