import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { DigestThread } from '../src/DigestThread.js';
import { GearChunker } from '../src/GearChunker.js';
import { HeldBytes } from '../src/HeldBytes.js';
import { RegionPipeline } from '../src/RegionPipeline.js';
import { RegionStitcher } from '../src/RegionStitcher.js';
import { chunk, chunkStream, createDigest, resolveChunkerOptions, type Chunk, type ChunkAlgorithm, type ChunkerOptions, type ResolvedChunkerOptions } from '../src/index.js';
import { concat, random, splitAt as split } from './bytes.js';

// Small sizes so that a few KiB of input crosses many chunk and region boundaries.
const options = fc
  .record({
    minSize: fc.integer({ min: 64, max: 300 }),
    avgSize: fc.integer({ min: 300, max: 1200 }),
    maxSize: fc.integer({ min: 1200, max: 4000 }),
    normalization: fc.integer({ min: 0, max: 3 }),
    algorithm: fc.constantFrom<ChunkAlgorithm>('fastcdc2020', 'fastcdc2016'),
    seed: fc.nat({ max: 2 ** 40 }),
  })
  .map(({ seed, ...o }): ChunkerOptions => (o.algorithm === 'fastcdc2020' ? { ...o, seed } : o));
// Random stretches mixed with low-entropy ones (runs over a tiny alphabet): in the latter, cuts
// fall only at maxSize, so speculative cuts may never meet the true ones within a region.
const segment = fc.oneof(
  fc.uint8Array({ maxLength: 10_000 }),
  fc.uint8Array({ maxLength: 4, minLength: 1 }).chain((alphabet) =>
    fc.array(fc.constantFrom(...alphabet), { maxLength: 10_000 }).map((a) => Uint8Array.from(a)),
  ),
);
const data = fc.array(segment, { maxLength: 5 }).map(concat);

const plain = (chunks: Iterable<Chunk>): Chunk[] => [...chunks].map(({ offset, length }) => ({ offset, length }));

describe('HeldBytes', () => {
  it('reads any range of the joined pieces, as views or copies', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 8 }), fc.nat(), fc.nat(), (bytes, cuts, a, b) => {
        const held = new HeldBytes(split(bytes, cuts));
        const from = a % (bytes.length + 1);
        const to = from + (b % (bytes.length - from + 1));
        expect(held.length).toBe(bytes.length);
        expect([...held.view(from, to)]).toEqual([...bytes.subarray(from, to)]);
        expect([...concat([...held.slices(from, to)])]).toEqual([...bytes.subarray(from, to)]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('RegionStitcher: speculative regions joined into sequential chunking', () => {
  it('gives exactly the sequential chunks for every input, option set and region split', () => {
    fc.assert(
      fc.property(data, options, fc.array(fc.nat(), { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.boolean(), { maxLength: 12 }), (bytes, o, regionCuts, pieceCuts, fromTrue) => {
        // Arrange: regions at random places, the input in random pieces.
        const resolved = resolveChunkerOptions(o);
        const held = new HeldBytes(split(bytes, pieceCuts));
        const stitcher = new RegionStitcher(held, new GearChunker(resolved), Math.max(64, resolved.avgSize >> 2));
        const bounds = split(bytes, regionCuts).map((r) => r.byteOffset - bytes.byteOffset);
        // Act: each region chunked from its own start (or, at random, from the true cut when
        // that lies within it, as the pipeline does when nothing is pending), joined in order.
        const got: Chunk[] = [];
        bounds.forEach((at, k) => {
          const end = bounds[k + 1] ?? bytes.length;
          const start = fromTrue[k] === true && stitcher.pos >= at && stitcher.pos < end ? stitcher.pos : at;
          const region = stitcher.speculate(start, end);
          const { gaps, from } = stitcher.stitch(region);
          got.push(...gaps);
          for (let j = from; j < region.ends.length; j++) {
            const offset = region.start + (j === 0 ? 0 : region.ends[j - 1]!);
            got.push({ offset, length: region.start + region.ends[j]! - offset });
          }
        });
        got.push(...stitcher.finish());
        // Assert
        expect(got).toEqual(plain(chunk(bytes, o)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a region from the first cut it shares with the true chunking', () => {
    // Arrange: random bytes, 8 KiB average, a region starting 100 bytes into a true chunk.
    const bytes = random(1 << 20, 3);
    const resolved = resolveChunkerOptions({ minSize: 2048, avgSize: 8192, maxSize: 32768 });
    const truth = plain(chunk(bytes, resolved));
    const held = new HeldBytes([bytes]);
    const stitcher = new RegionStitcher(held, new GearChunker(resolved), 8192);
    const regionAt = truth[10]!.offset + 100;
    stitcher.stitch(stitcher.speculate(0, regionAt));
    // Act
    const { gaps, from } = stitcher.stitch(stitcher.speculate(regionAt, bytes.length));
    // Assert: a chunk or two re-cut here, the rest of the region's ~120 chunks kept.
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.length).toBeLessThan(4);
    expect(from).toBeLessThan(4);
    expect(stitcher.pos).toBe(bytes.length);
  });
});

// Each chunk with its digest and, independently, node:crypto's digest of the bytes it yielded.
async function drain(next: () => Promise<{ offset: number; length: number; bytes: Uint8Array; digest: string }[] | undefined>): Promise<{ offset: number; length: number; digest: string; bytes: string }[]> {
  const out = [];
  for (let batch = await next(); batch; batch = await next()) {
    for (const c of batch) out.push({ offset: c.offset, length: c.length, digest: c.digest, bytes: createHash('sha256').update(c.bytes).digest('hex') });
  }
  return out;
}

async function sequential(bytes: Uint8Array, o: ChunkerOptions, algorithm: 'sha256' | 'blake3'): Promise<{ offset: number; length: number; digest: string; bytes: string }[]> {
  const d = await createDigest(algorithm);
  return plain(chunk(bytes, o)).map((c) => {
    const b = bytes.subarray(c.offset, c.offset + c.length);
    return { ...c, digest: d.hashHex(b), bytes: createHash('sha256').update(b).digest('hex') };
  });
}

describe('RegionPipeline: both threads chunk', () => {
  let thread: DigestThread;
  beforeAll(async () => {
    thread = DigestThread.get()!;
    await thread.whenReady();
  });

  it('gives the sequential chunks, bytes and digests with the worker chunking regions of any size', async () => {
    await fc.assert(
      fc.asyncProperty(data, options, fc.integer({ min: 1, max: 6000 }), fc.array(fc.nat(), { maxLength: 6 }), fc.constantFrom<'sha256' | 'blake3'>('sha256', 'blake3'), async (bytes, o, regionBytes, pieceCuts, algorithm) => {
        const resolved: ResolvedChunkerOptions = resolveChunkerOptions(o);
        const pipeline = new RegionPipeline(new HeldBytes(split(bytes, pieceCuts)), resolved, await createDigest(algorithm), { thread, regionBytes });
        expect(await drain(() => pipeline.next())).toEqual(await sequential(bytes, o, algorithm));
      }),
      { numRuns: 60 },
    );
  });

  it('hands regions to the worker, which chunks them, even when the stream never yields to the event loop', async () => {
    // Arrange: an in-memory source, so the whole stream runs in microtasks and the worker's
    // progress must be seen through shared memory.
    const sent = vi.spyOn(thread, 'chunkAndDigest');
    const bytes = random(8 << 20, 5);
    try {
      // Act
      const got = [];
      for await (const c of chunkStream([bytes], { avgSize: 8192 })) got.push({ offset: c.offset, length: c.length, digest: c.digest });
      // Assert
      expect(sent).toHaveBeenCalled();
      expect(got).toEqual((await sequential(bytes, { avgSize: 8192 }, 'sha256')).map(({ offset, length, digest }) => ({ offset, length, digest })));
    } finally {
      sent.mockRestore();
    }
  });

  it('takes regions back from a slow worker, with the same result', async () => {
    // Arrange: a worker whose answers come 100 ms late (as when it gets no core), so that this
    // thread takes back the oldest region when too much waits behind it, and the queued ones at
    // the end rather than idle.
    let sent = 0;
    let answered = 0;
    const real = thread.chunkAndDigest.bind(thread);
    const slow = vi.spyOn(thread, 'chunkAndDigest').mockImplementation((...args) => {
      sent++;
      const reply = real(...args);
      return reply.then((got) => new Promise((resolve) => setTimeout(() => (answered++, resolve(got)), 100)));
    });
    const backlog = vi.spyOn(thread, 'backlog').mockImplementation(() => sent - answered);
    const withdrawn = vi.spyOn(thread, 'withdraw');
    try {
      const bytes = random(40 << 20, 9);
      const o = { avgSize: 8192 };
      const pipeline = new RegionPipeline(new HeldBytes([bytes]), resolveChunkerOptions(o), await createDigest('sha256'), { thread });
      // Act
      const got = await drain(() => pipeline.next());
      // Assert
      expect(withdrawn.mock.calls.length).toBeGreaterThan(0);
      expect(got).toEqual(await sequential(bytes, o, 'sha256'));
    } finally {
      slow.mockRestore();
      backlog.mockRestore();
      withdrawn.mockRestore();
    }
  });

  it('keeps concurrent streams with different gear tables apart in the one worker', async () => {
    // Arrange: two seeds (two gear tables) and two sizes, interleaved region by region.
    const bytes = random(6 << 20, 21);
    const a: ChunkerOptions = { avgSize: 8192, seed: 1 };
    const b: ChunkerOptions = { avgSize: 4096, seed: 2, normalization: 2 };
    const sha = await createDigest('sha256');
    const pa = new RegionPipeline(new HeldBytes([bytes]), resolveChunkerOptions(a), sha, { thread, regionBytes: 1 << 18 });
    const pb = new RegionPipeline(new HeldBytes([bytes]), resolveChunkerOptions(b), sha, { thread, regionBytes: 1 << 18 });
    // Act
    const [ga, gb] = await Promise.all([drain(() => pa.next()), drain(() => pb.next())]);
    // Assert
    expect(ga).toEqual(await sequential(bytes, a, 'sha256'));
    expect(gb).toEqual(await sequential(bytes, b, 'sha256'));
  });

  it('chunks a stream by regions too: same output from any piece split, buffers reused by the source, source closed on early stop', async () => {
    // Arrange: a source that overwrites one buffer for every piece, and notes when it is closed.
    const bytes = random(5 << 20, 33);
    let closed = false;
    async function* reusing(size: number): AsyncGenerator<Uint8Array> {
      const buf = new Uint8Array(size);
      try {
        for (let at = 0; at < bytes.length; at += size) {
          const n = Math.min(size, bytes.length - at);
          buf.set(bytes.subarray(at, at + n));
          yield buf.subarray(0, n);
        }
      } finally {
        closed = true;
      }
    }
    const o = { avgSize: 8192 };
    const expected = (await sequential(bytes, o, 'sha256')).map(({ offset, length, digest }) => ({ offset, length, digest }));
    for (const size of [1000, 65536, 3 << 20]) {
      // Act
      const got = [];
      for await (const c of chunkStream(reusing(size), o)) {
        expect(createHash('sha256').update(c.bytes).digest('hex')).toBe(c.digest);
        got.push({ offset: c.offset, length: c.length, digest: c.digest });
      }
      // Assert
      expect(got).toEqual(expected);
    }
    closed = false;
    for await (const c of chunkStream(reusing(65536), { ...o, digestIn: 'worker' })) if (c.offset > 1 << 20) break;
    expect(closed).toBe(true);
  });

  it('stays exact on input whose cuts never meet across regions (all one byte: cut only at maxSize)', async () => {
    const bytes = new Uint8Array(5 << 20).fill(7);
    const o = { minSize: 1024, avgSize: 4096, maxSize: 9999 };
    const pipeline = new RegionPipeline(new HeldBytes([bytes]), resolveChunkerOptions(o), await createDigest('sha256'), { thread, regionBytes: 100_003 });
    expect(await drain(() => pipeline.next())).toEqual(await sequential(bytes, o, 'sha256'));
  });
});

describe('GearChunker reuse', () => {
  it('hands an idle chunker out once, reset, and never the same one to two users', async () => {
    // Arrange: a chunker used, finished and put back (twice, which must not list it twice).
    const o = resolveChunkerOptions({ avgSize: 1024, minSize: 256, maxSize: 4096 });
    const used = GearChunker.acquire(o);
    used.push(random(10_000, 1));
    used.finish();
    GearChunker.release(used);
    GearChunker.release(used);
    // Act
    const a = GearChunker.acquire(o);
    const b = GearChunker.acquire(o);
    // Assert: one of them is the old one, starting over at offset 0; the other is new.
    expect(a === used || b === used).toBe(true);
    expect(a).not.toBe(b);
    const bytes = random(20_000, 2);
    expect([...a.push(bytes), ...a.finish()]).toEqual(plain(chunk(bytes, o)));
    // Concurrent streams with the same options each get their own chunker.
    const x = random(300_000, 3);
    const y = random(300_000, 4);
    const run = async (d: Uint8Array): Promise<Chunk[]> => {
      const out: Chunk[] = [];
      for await (const c of chunkStream(split(d, [1000, 70_000, 150_001]), { ...o, digestIn: 'main' })) out.push({ offset: c.offset, length: c.length });
      return out;
    };
    const [gx, gy] = await Promise.all([run(x), run(y)]);
    expect(gx).toEqual(plain(chunk(x, o)));
    expect(gy).toEqual(plain(chunk(y, o)));
  });
});
