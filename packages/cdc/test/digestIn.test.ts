import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { DigestThread } from '../src/DigestThread.js';
import { chunkStream, createDigest, putBlob, MemoryChunkStore, type ChunkStreamOptions, type StreamChunk } from '../src/index.js';
import { random, splitAt } from './bytes.js';

async function* toAsync(pieces: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* pieces;
}

// Each chunk with its digest and, independently, node:crypto's digest of the bytes it yielded.
async function collect(pieces: Uint8Array[] | AsyncIterable<Uint8Array>, options: ChunkStreamOptions): Promise<{ offset: number; length: number; digest: string; bytes: string }[]> {
  const out = [];
  for await (const c of chunkStream(pieces, options) as AsyncGenerator<StreamChunk>) {
    out.push({ offset: c.offset, length: c.length, digest: c.digest, bytes: createHash('sha256').update(c.bytes).digest('hex') });
  }
  return out;
}

describe('digestIn: where chunk digests are computed', () => {
  it('gives the same chunks, bytes and digests in the worker, on the main thread and with auto, however the input is split', async () => {
    const small: ChunkStreamOptions = { minSize: 256, avgSize: 1024, maxSize: 4096 };
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 5 << 19 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(fc.nat(), { maxLength: 6 }), async (size, seed, cuts) => {
        const data = random(size, seed);
        const pieces = splitAt(data, cuts);
        const main = await collect(pieces, { ...small, digestIn: 'main' });
        const worker = await collect(pieces, { ...small, digestIn: 'worker' });
        const auto = await collect(pieces, small);
        // An async iterable may reuse its buffers, so it takes the copying path.
        const streamed = await collect(toAsync(pieces), { ...small, digestIn: 'worker' });
        expect(worker).toEqual(main);
        expect(auto).toEqual(main);
        expect(streamed).toEqual(main);
        // BLAKE3 runs in the worker too (hash-wasm loaded there).
        const b3 = { ...small, digest: 'blake3' } as const;
        expect(await collect(pieces, { ...b3, digestIn: 'worker' })).toEqual(await collect(pieces, { ...b3, digestIn: 'main' }));
      }),
      { numRuns: 12 },
    );
  });

  it('keeps digests with their bytes when the source reuses its buffer', async () => {
    // Arrange: a source that overwrites one buffer for every piece, as some readers do.
    const data = random(4 << 20, 7);
    async function* reusing(): AsyncGenerator<Uint8Array> {
      const buf = new Uint8Array(65536);
      for (let at = 0; at < data.length; at += buf.length) {
        buf.set(data.subarray(at, at + buf.length));
        yield buf.subarray(0, Math.min(buf.length, data.length - at));
      }
    }
    const sha = await createDigest('sha256');
    // Act / Assert: every chunk yielded by the worker path hashes to its digest and matches the data.
    for await (const c of chunkStream(reusing(), { avgSize: 8192, digestIn: 'worker' })) {
      expect(sha.hashHex(c.bytes)).toBe(c.digest);
      expect(Buffer.compare(c.bytes, data.subarray(c.offset, c.offset + c.length))).toBe(0);
    }
  });

  it('handles chunks larger than a worker group (maxSize 4 MiB)', async () => {
    const data = new Uint8Array(10 << 20).fill(3); // no content boundaries: cuts every maxSize
    const options: ChunkStreamOptions = { minSize: 1 << 18, avgSize: 1 << 20, maxSize: 1 << 22 };
    const main = await collect([data], { ...options, digestIn: 'main' });
    expect(main.map((c) => c.length)).toEqual([1 << 22, 1 << 22, 1 << 21]);
    expect(await collect([data], { ...options, digestIn: 'worker' })).toEqual(main);
    expect(await collect(toAsync([data]), { ...options, digestIn: 'worker' })).toEqual(main);
  });

  it('putBlob makes the same manifest wherever digests run', async () => {
    const data = random(3 << 20, 11);
    const a = await putBlob(new MemoryChunkStore(), data, { avgSize: 8192, digestIn: 'main' });
    const b = await putBlob(new MemoryChunkStore(), data, { avgSize: 8192, digestIn: 'worker' });
    const c = await putBlob(new MemoryChunkStore(), data, { avgSize: 8192 });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('never keeps the process from exiting, nor lets it exit while it waits for the worker', () => {
    // Arrange: scripts that end while the worker starts (auto, 4 MiB), wait for its start
    // (worker), and use it for many groups; each must print its total and exit 0 by itself.
    const index = new URL('../src/index.ts', import.meta.url).href;
    for (const [mode, mib] of [['auto', 4], ['worker', 1], ['worker', 8], ['auto', 8]] as const) {
      const script = `import { chunkStream } from ${JSON.stringify(index)};
        const data = new Uint8Array(${mib} << 20).map((_, i) => (i * 2654435761) >>> 24);
        let n = 0;
        for await (const c of chunkStream([data], { avgSize: 8192, digestIn: '${mode}' })) n += c.length;
        console.log(n);`;
      // Act
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000, cwd: fileURLToPath(new URL('../../..', import.meta.url)) });
      // Assert: exit 13 would be "unsettled top-level await", a timeout (null) a hang.
      expect({ mode, mib, status: r.status, out: r.stdout.trim() }).toEqual({ mode, mib, status: 0, out: String(mib << 20) });
    }
  });

  it('auto hands groups to a ready worker even when the stream never yields to the event loop', async () => {
    // Arrange: a started worker; an in-memory source, so the whole stream runs in microtasks and
    // readiness must be seen through shared memory, not a message. Fixed-size chunks: FastCDC
    // input held in memory goes to the worker by regions instead (regions.test.ts).
    const thread = DigestThread.get()!;
    await thread.whenReady();
    const sent = vi.spyOn(thread, 'digest');
    try {
      // Act
      let n = 0;
      for await (const c of chunkStream([random(8 << 20, 5)], { algorithm: 'fixed', avgSize: 8192 })) n += c.length;
      // Assert
      expect(n).toBe(8 << 20);
      expect(sent).toHaveBeenCalled();
    } finally {
      sent.mockRestore();
    }
  });

  it('digests in place rather than wait when the worker stalls (in-memory source)', async () => {
    // Arrange: a worker that takes its backlog of groups and never answers, as when it gets no
    // core; Rabin chunks, which take this path (FastCDC: regions.test.ts).
    const thread = DigestThread.get()!;
    await thread.whenReady();
    let sent = 0;
    const digest = vi.spyOn(thread, 'digest').mockImplementation(() => {
      sent++;
      return new Promise(() => undefined);
    });
    const backlog = vi.spyOn(thread, 'backlog').mockImplementation(() => sent);
    try {
      const data = random(16 << 20, 9);
      // Act
      const got = await collect([data], { algorithm: 'rabin', avgSize: 8192, digestIn: 'worker' });
      // Assert: the stalled groups were digested here instead, with the same result.
      expect(sent).toBe(4);
      expect(got).toEqual(await collect([data], { algorithm: 'rabin', avgSize: 8192, digestIn: 'main' }));
    } finally {
      digest.mockRestore();
      backlog.mockRestore();
    }
  });

  it('refuses the worker where it cannot compute the digest, and unknown places', async () => {
    const drain = async (options: ChunkStreamOptions): Promise<void> => {
      for await (const c of chunkStream(new Uint8Array(10), options)) void c;
    };
    await expect(drain({ digest: await createDigest('sha256', { implementation: 'hash-wasm' }), digestIn: 'worker' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(drain({ digestIn: 'gpu' as 'auto' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(drain(null as unknown as ChunkStreamOptions)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});
