import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CdcError, MemoryChunkStore, chunkKey, parseChunkKey, parseManifest, putBlob, readBlob, type Manifest } from '../src/index.js';

const valid = async (): Promise<Manifest> => putBlob(new MemoryChunkStore(), new Uint8Array(5000).map((_, i) => (i * 7919) % 251), { minSize: 256, avgSize: 1024, maxSize: 4096 });

function expectInvalid(input: unknown): void {
  try {
    parseManifest(input);
  } catch (e) {
    expect(e).toBeInstanceOf(CdcError);
    expect((e as CdcError).code).toBe('INVALID_MANIFEST');
    return;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
}

describe('parseManifest', () => {
  it('round-trips a manifest through JSON', async () => {
    const m = await valid();
    expect(parseManifest(JSON.stringify(m))).toEqual(m);
  });

  it('rejects truncated JSON, wrong shapes, NaN / negative / oversize lengths and sums that do not add up', async () => {
    const m = await valid();
    const text = JSON.stringify(m);
    expectInvalid(text.slice(0, text.length - 5));
    expectInvalid('[]');
    expectInvalid(null);
    expectInvalid({ ...m, version: 2 });
    expectInvalid({ ...m, size: m.size + 1 });
    expectInvalid({ ...m, size: Number.NaN });
    expectInvalid({ ...m, digest: 'xyz' });
    expectInvalid({ ...m, digestAlgorithm: 'md5' });
    expectInvalid({ ...m, chunks: [{ ...m.chunks[0], length: -1 }, ...m.chunks.slice(1)] });
    expectInvalid({ ...m, chunks: [{ ...m.chunks[0], length: Number.POSITIVE_INFINITY }, ...m.chunks.slice(1)] });
    expectInvalid({ ...m, chunks: [{ ...m.chunks[0], length: 2 ** 30 }] , size: 2 ** 30 });
    expectInvalid({ ...m, chunks: 'all of them' });
    expectInvalid({ ...m, chunking: { ...m.chunking, minSize: 1 } });
    expectInvalid({ ...m, extra: true });
  });

  it('rejects prototype-pollution keys at every level', async () => {
    const m = await valid();
    const text = JSON.stringify(m);
    expectInvalid(text.replace('{"version"', '{"__proto__":{"polluted":1},"version"'));
    expectInvalid(text.replace('{"digest"', '{"constructor":{"prototype":{"polluted":1}},"digest"'));
    expectInvalid(text.replace('"chunking":{', '"chunking":{"__proto__":{"polluted":1},'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('throws only CdcError INVALID_MANIFEST on arbitrary bytes and values (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }).map((b) => new TextDecoder().decode(b)), fc.anything(), fc.json()), (input) => {
        expectInvalid(input);
      }),
      { numRuns: 400 },
    );
  });

  it('readBlob rejects a tampered manifest before reading anything', async () => {
    const m = await valid();
    const drain = async (): Promise<void> => {
      for await (const p of readBlob(new MemoryChunkStore(), { ...m, size: 1 })) void p;
    };
    await expect(drain()).rejects.toMatchObject({ code: 'INVALID_MANIFEST' });
  });

  it('parseChunkKey accepts exactly <algorithm>-<64 hex> and throws CdcError for anything else (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything(), fc.stringMatching(/^(sha256|blake3)-[0-9a-f]{60,68}$/)), (key) => {
        const ok = typeof key === 'string' && /^(sha256|blake3)-[0-9a-f]{64}$/.test(key);
        try {
          const parsed = parseChunkKey(key as string);
          expect(ok).toBe(true);
          expect(chunkKey(parsed.algorithm, parsed.hex)).toBe(key);
        } catch (e) {
          expect(ok).toBe(false);
          expect(e).toBeInstanceOf(CdcError);
        }
      }),
      { numRuns: 400 },
    );
  });
});
