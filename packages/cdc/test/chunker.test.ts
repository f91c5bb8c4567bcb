import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { random } from './bytes.js';
import { chunk, createChunker, fastcdcReference, loadRabin, type Chunk, type ChunkAlgorithm, type ChunkerOptions } from '../src/index.js';

beforeAll(async () => {
  await loadRabin();
});

// Small sizes so that a few KiB of input crosses many boundaries, including odd ones.
const sizes = fc.record({
  minSize: fc.integer({ min: 64, max: 300 }),
  avgSize: fc.integer({ min: 300, max: 1200 }),
  maxSize: fc.integer({ min: 1200, max: 4000 }),
  normalization: fc.integer({ min: 0, max: 3 }),
});
const gearAlgorithm = fc.constantFrom<ChunkAlgorithm>('fastcdc2020', 'fastcdc2016');
// Low-entropy bytes too: runs of one value are where max-size cuts and sub-minimum tails happen.
const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 12_000 }),
  fc.uint8Array({ maxLength: 8, minLength: 1 }).chain((alphabet) =>
    fc.array(fc.constantFrom(...alphabet), { maxLength: 12_000 }).map((a) => Uint8Array.from(a)),
  ),
);

function splitPushes(data: Uint8Array, cuts: number[], options: ChunkerOptions): Chunk[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const chunker = createChunker(options);
  const out: Chunk[] = [];
  let from = 0;
  for (const p of [...points, data.length]) {
    out.push(...chunker.push(data.subarray(from, p)));
    from = p;
  }
  out.push(...chunker.finish());
  return out;
}

function expectTiling(chunks: Chunk[], total: number): void {
  let at = 0;
  for (const c of chunks) {
    expect(c.offset).toBe(at);
    expect(c.length).toBeGreaterThan(0);
    at += c.length;
  }
  expect(at).toBe(total);
}

describe('FastCDC chunking', () => {
  it('equals the brute-force BigInt reference (cut points)', () => {
    fc.assert(
      fc.property(bytes, sizes, gearAlgorithm, fc.nat({ max: 2 ** 40 }), (data, s, algorithm, seed) => {
        const options = { ...s, algorithm, ...(algorithm === 'fastcdc2020' ? { seed } : {}) };
        const expected = fastcdcReference(data, options).map(({ offset, length }) => ({ offset, length }));
        expect([...chunk(data, options)]).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('gives the same chunks however the input is split into pushes', () => {
    fc.assert(
      fc.property(bytes, sizes, gearAlgorithm, fc.array(fc.nat(), { maxLength: 40 }), (data, s, algorithm, cuts) => {
        const options = { ...s, algorithm };
        expect(splitPushes(data, cuts, options)).toEqual([...chunk(data, options)]);
      }),
      { numRuns: 150 },
    );
  });

  it('tiles the input, and every chunk but the last is within [min, max]', () => {
    fc.assert(
      fc.property(bytes, sizes, gearAlgorithm, (data, s, algorithm) => {
        const chunks = [...chunk(data, { ...s, algorithm })];
        expectTiling(chunks, data.length);
        // FastCDC 2020 walks byte pairs from min & ~1, as the reference does.
        const min = algorithm === 'fastcdc2020' ? s.minSize & ~1 : s.minSize;
        chunks.slice(0, -1).forEach((c) => {
          expect(c.length).toBeGreaterThanOrEqual(min);
          expect(c.length).toBeLessThanOrEqual(s.maxSize);
        });
        const last = chunks.at(-1);
        if (last) expect(last.length).toBeLessThanOrEqual(s.maxSize);
      }),
      { numRuns: 100 },
    );
  });

  it('ends exactly one byte after a would-be cut the way the reference does', () => {
    // FastCDC 2020 judges whole byte pairs, so when the input ends one byte after a position
    // that would pass, that position is not judged: a chunker must not decide early.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4000, maxLength: 8000 }), gearAlgorithm, (data, algorithm) => {
        const options = { algorithm, minSize: 64, avgSize: 256, maxSize: 1024 };
        for (const c of fastcdcReference(data, options).slice(0, -1)) {
          const cut = data.subarray(0, c.offset + c.length + 1);
          const expected = fastcdcReference(cut, options).map(({ offset, length }) => ({ offset, length }));
          expect([...chunk(cut, options)]).toEqual(expected);
        }
      }),
      { numRuns: 10 },
    );
  });

  it('cuts every maxSize bytes on data with no content boundaries (all zeros)', () => {
    const chunks = [...chunk(new Uint8Array(100_000), { minSize: 1024, avgSize: 4096, maxSize: 16384 })];
    expect(chunks.map((c) => c.length)).toEqual([...Array(6).fill(16384), 100_000 - 6 * 16384]);
  });

  it('streams large pushes through a bounded window (16 MiB through a 1.25 MiB chunker)', () => {
    // Arrange: pseudo-random bytes from a seeded xorshift, pushed in uneven 3 MiB pieces.
    const data = random(16 << 20, 2463534242);
    const options = { avgSize: 65536 };
    // Act
    const streamed = splitPushes(data, [3_000_001, 6_000_002, 9_000_003, 12_000_004], options);
    // Assert: same as one push, and the mean is near the target.
    expect(streamed).toEqual([...chunk(data, options)]);
    const mean = data.length / streamed.length;
    expect(mean).toBeGreaterThan(40_000);
    expect(mean).toBeLessThan(100_000);
  });

  it('is deterministic: the same input and options give the same cuts', () => {
    fc.assert(
      fc.property(bytes, sizes, (data, s) => {
        expect([...chunk(data, s)]).toEqual([...chunk(data.slice(), s)]);
      }),
      { numRuns: 30 },
    );
  });
});

describe('fixed-size and Rabin chunking', () => {
  it('fixed: cuts every avgSize bytes, split-invariant', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 256, max: 1000 }), fc.array(fc.nat(), { maxLength: 10 }), (data, size, cuts) => {
        const options = { algorithm: 'fixed' as const, avgSize: size, minSize: 64, maxSize: 4096 };
        const chunks = splitPushes(data, cuts, options);
        expectTiling(chunks, data.length);
        chunks.slice(0, -1).forEach((c) => expect(c.length).toBe(size));
      }),
      { numRuns: 50 },
    );
  });

  it('rabin: tiles the input within [min, max] and is split-invariant', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 20_000 }), fc.array(fc.nat(), { maxLength: 10 }), (data, cuts) => {
        const options = { algorithm: 'rabin' as const, minSize: 256, avgSize: 1024, maxSize: 4096 };
        const whole = [...chunk(data, options)];
        expectTiling(whole, data.length);
        whole.slice(0, -1).forEach((c) => {
          expect(c.length).toBeGreaterThanOrEqual(256);
          expect(c.length).toBeLessThanOrEqual(4096);
        });
        expect(splitPushes(data, cuts, options)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });
});

describe('chunker state and input errors', () => {
  it('rejects non-bytes with INVALID_INPUT and use after finish with STATE', () => {
    const c = createChunker();
    expect(() => c.push('abc' as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => chunk([1, 2, 3] as unknown as Uint8Array)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    c.finish();
    expect(() => c.push(new Uint8Array(1))).toThrow(expect.objectContaining({ code: 'STATE' }));
    expect(() => c.finish()).toThrow(expect.objectContaining({ code: 'STATE' }));
  });

  it('accepts empty input and empty pushes', () => {
    expect([...chunk(new Uint8Array(0))]).toEqual([]);
    const c = createChunker({ avgSize: 1024 });
    expect(c.push(new Uint8Array(0))).toEqual([]);
    expect(c.finish()).toEqual([]);
  });
});
