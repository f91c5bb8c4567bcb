import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JumpHash, ShardError, jumpHash, rebalancePlan, xxHash64, type Key } from '../src/index.js';
import { anyKey, loads, sampleKeys } from './helpers.js';

const M64 = (1n << 64n) - 1n;

// Lamping & Veach 2014, figure 1, transcribed with BigInt.
function jumpReference(key: bigint, buckets: number): number {
  let b = -1n;
  let j = 0n;
  let k = key;
  while (j < BigInt(buckets)) {
    b = j;
    k = (k * 2862933555777941757n + 1n) & M64;
    j = BigInt(Math.floor(Number(b + 1n) * (Number(1n << 31n) / Number((k >> 33n) + 1n))));
  }
  return Number(b);
}

describe('jumpHash', () => {
  it('equals the paper’s algorithm on arbitrary 64-bit keys and bucket counts', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: M64 }), fc.integer({ min: 1, max: 1 << 20 }), (key, n) => {
        expect(jumpHash(key, n)).toBe(jumpReference(key, n));
      }),
      { numRuns: 1000 },
    );
    expect(jumpHash(M64, 0x7fffffff)).toBe(jumpReference(M64, 0x7fffffff));
  });

  it('equals the paper’s algorithm where j is a whole number or lands exactly on the bucket count', () => {
    // Arrange: a key whose LCG state after `steps` steps has (state >> 33) + 1 = 2^e, so that
    // step's quotient 2^31 / 2^e is exact and j = (b + 1) * 2^(31 - e) is a whole number; bucket
    // counts near powers of two make j = buckets happen too. Random keys almost never do either.
    const C = 2862933555777941757n;
    let inv = C; // C^-1 mod 2^64 by Newton's iteration (each round doubles the correct bits)
    for (let i = 0; i < 6; i++) inv = (inv * (2n - C * inv)) & M64;
    const keyBefore = (state: bigint, steps: number): bigint => {
      let k = state;
      for (let i = 0; i < steps; i++) k = ((k - 1n) * inv) & M64;
      return k;
    };
    const buckets = fc.oneof(
      fc.integer({ min: 1, max: 0x7fffffff }),
      fc.integer({ min: 0, max: 31 }).chain((e) => fc.integer({ min: Math.max(1, 2 ** e - 2), max: Math.min(0x7fffffff, 2 ** e + 2) })),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 31 }), fc.bigInt({ min: 0n, max: (1n << 33n) - 1n }), fc.integer({ min: 1, max: 6 }), buckets, (e, low, steps, n) => {
        const key = keyBefore((((1n << BigInt(e)) - 1n) << 33n) | low, steps);
        // Act / Assert
        expect(jumpHash(key, n)).toBe(jumpReference(key, n));
      }),
      { numRuns: 2000 },
    );
  });

  it('moves a key only to the new bucket when buckets grow (monotone)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: M64 }), fc.integer({ min: 1, max: 5000 }), (key, n) => {
        const a = jumpHash(key, n), b = jumpHash(key, n + 1);
        expect(b === a || b === n).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects bad keys and bucket counts', () => {
    expect(() => jumpHash(-1n, 3)).toThrow(ShardError);
    expect(() => jumpHash(1n << 64n, 3)).toThrow(ShardError);
    expect(() => jumpHash(5 as unknown as bigint, 3)).toThrow(ShardError);
    for (const n of [0, -1, 1.5, Number.NaN, 2 ** 31]) expect(() => jumpHash(1n, n)).toThrow(expect.objectContaining({ code: 'BAD_COUNT' }));
  });
});

// MurmurHash3's fmix64, transcribed with BigInt.
function fmix64Reference(k: bigint): bigint {
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & M64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & M64;
  return k ^ (k >> 33n);
}

// The jump key as documented: fmix64(word XOR seed) for 8-byte keys, XXH64 of the bytes otherwise.
function jumpKeyReference(key: Key, seed: bigint): bigint {
  let bytes: Uint8Array;
  if (typeof key === 'number') {
    bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setBigInt64(0, BigInt(key), true);
  } else bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (bytes.length !== 8) return xxHash64(bytes, seed);
  return fmix64Reference(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true) ^ seed);
}

describe('JumpHash', () => {
  const ids = Array.from({ length: 10 }, (_, i) => `s${i}`);

  it('buckets a key as the paper does with its documented 64-bit jump key', () => {
    const keys = fc.oneof(
      fc.maxSafeInteger(),
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.uint8Array({ minLength: 0, maxLength: 12 }),
      fc.uint8Array({ minLength: 8, maxLength: 8 }),
    );
    fc.assert(
      fc.property(keys, fc.integer({ min: 1, max: 1000 }), fc.bigInt({ min: 0n, max: M64 }), (key, n, seed) => {
        const jump = new JumpHash(Array.from({ length: n }, (_, i) => `b${i}`), { seed });
        const bucket = jumpReference(jumpKeyReference(key, seed), n);
        expect(jump.bucketOf(key)).toBe(bucket);
        // lookup has its own path for integer keys; it must name the same bucket.
        expect(jump.lookup(key)).toBe(`b${bucket}`);
      }),
      { numRuns: 300 },
    );
    // 8-byte strings (also when not ASCII) take the word path too.
    for (const s of ['abcdefgh', 'éééé', '€€ab']) {
      expect(new JumpHash(ids).bucketOf(s)).toBe(jumpReference(jumpKeyReference(s, 0n), ids.length));
    }
  });

  it('spreads keys evenly over buckets', () => {
    const jump = new JumpHash(ids);
    const keys = sampleKeys(50_000);
    const l = loads((k) => jump.lookup(k), keys);
    for (const id of ids) expect(Math.abs(l.get(id)! / 5000 - 1)).toBeLessThan(0.06);
  });

  it('withNode moves keys only to the new node; removing the last undoes it', () => {
    fc.assert(
      fc.property(fc.array(anyKey, { maxLength: 50 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom('mix' as const, 'raw' as const), (keys, n, integerKeys) => {
        const jump = new JumpHash(Array.from({ length: n }, (_, i) => `n${i}`), { integerKeys });
        const grown = jump.withNode('new');
        for (const k of keys) {
          const b = grown.lookup(k);
          expect(b === jump.lookup(k) || b === 'new').toBe(true);
          expect(grown.withoutNode('new').lookup(k)).toBe(jump.lookup(k));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('removing a middle node moves the last node into its bucket', () => {
    const jump = new JumpHash(ids);
    const smaller = jump.withoutNode('s3');
    expect(smaller.nodes).toEqual(['s0', 's1', 's2', 's9', 's4', 's5', 's6', 's7', 's8']);
    for (const k of sampleKeys(2000)) {
      const before = jump.lookup(k), after = smaller.lookup(k);
      if (before === 's3') expect(after).toBe('s9');
      else if (before !== 's9') expect(after).toBe(before);
    }
  });

  it('lookupN returns n distinct nodes, owner first, for every n up to size', () => {
    fc.assert(
      fc.property(anyKey, fc.integer({ min: 1, max: 12 }), fc.constantFrom('mix' as const, 'raw' as const), (key, size, integerKeys) => {
        const jump = new JumpHash(Array.from({ length: size }, (_, i) => `n${i}`), { integerKeys });
        for (let n = 0; n <= size; n++) {
          const r = jump.lookupN(key, n);
          expect(r).toHaveLength(n);
          expect(new Set(r).size).toBe(n);
          if (n > 0) expect(r[0]).toBe(jump.lookup(key));
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses weights', () => {
    expect(() => new JumpHash([{ node: 'a', weight: 2 }])).toThrow(expect.objectContaining({ code: 'BAD_WEIGHT' }));
    expect(() => new JumpHash(['a']).withNode('b', 3)).toThrow(expect.objectContaining({ code: 'BAD_WEIGHT' }));
    expect(new JumpHash([{ node: 'a', weight: 1 }]).weightOf('a')).toBe(1);
  });
});

describe("JumpHash with integerKeys: 'raw'", () => {
  const named = (n: number): string[] => Array.from({ length: n }, (_, i) => `b${i}`);

  it('jumps on the integer itself (its 64-bit two’s complement XOR the seed), as the paper’s code does', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.integer({ min: 1, max: 1000 }), fc.bigInt({ min: 0n, max: M64 }), (key, n, seed) => {
        const jump = new JumpHash(named(n), { seed, integerKeys: 'raw' });
        const bucket = jumpReference(BigInt.asUintN(64, BigInt(key)) ^ seed, n);
        expect(jump.bucketOf(key)).toBe(bucket);
        expect(jump.lookup(key)).toBe(`b${bucket}`);
        expect(jump.lookupN(key, 1)).toEqual([`b${bucket}`]);
      }),
      { numRuns: 500 },
    );
  });

  it('reproduces other implementations’ published buckets for integer keys', () => {
    // go-jump (github.com/dgryski/go-jump) jump_test.go: (key, buckets, bucket).
    const goJump: [number, number, number][] = [[1, 1, 0], [42, 57, 43], [0xdead10cc, 1, 0], [0xdead10cc, 666, 361], [256, 1024, 520]];
    for (const [key, n, bucket] of goJump) expect(new JumpHash(named(n), { integerKeys: 'raw' }).bucketOf(key)).toBe(bucket);
    // Guava's HashingTest: Hashing.consistentHash(i, 100) for i = 0..19.
    const guava100 = [0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83];
    const jump = new JumpHash(named(100), { integerKeys: 'raw' });
    expect(guava100.map((_, i) => jump.bucketOf(i))).toEqual(guava100);
    expect(guava100.map((_, i) => jump.lookup(i))).toEqual(guava100.map((b) => `b${b}`));
  });

  it('hashes strings and byte arrays exactly as the default mode does', () => {
    const keys = fc.oneof(fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ minLength: 8, maxLength: 8 }));
    fc.assert(
      fc.property(keys, fc.integer({ min: 1, max: 300 }), fc.bigInt({ min: 0n, max: M64 }), (key, n, seed) => {
        const raw = new JumpHash(named(n), { seed, integerKeys: 'raw' });
        const mix = new JumpHash(named(n), { seed });
        expect(raw.bucketOf(key)).toBe(mix.bucketOf(key));
        expect(raw.lookupN(key, Math.min(n, 3))).toEqual(mix.lookupN(key, Math.min(n, 3)));
      }),
      { numRuns: 300 },
    );
  });

  it('spreads sequential integer ids evenly', () => {
    const jump = new JumpHash(named(10), { integerKeys: 'raw' });
    const l = loads((k) => jump.lookup(k), Array.from({ length: 50_000 }, (_, i) => i));
    for (let b = 0; b < 10; b++) expect(Math.abs(l.get(`b${b}`)! / 5000 - 1)).toBeLessThan(0.06);
  });

  it('keeps its mode through withNode / withoutNode, and plans only between placements hashing alike', () => {
    const jump = new JumpHash(named(5), { integerKeys: 'raw', seed: 7 });
    expect(jump.integerKeys).toBe('raw');
    expect(new JumpHash(named(5)).integerKeys).toBe('mix');
    const grown = jump.withNode('b5');
    expect(grown.integerKeys).toBe('raw');
    expect(grown.seed).toBe(7n);
    expect(grown.withoutNode('b1').integerKeys).toBe('raw');
    expect(rebalancePlan(jump, grown).movedFraction).toBeCloseTo(1 / 6, 12);
    expect(() => rebalancePlan(new JumpHash(named(5)), grown)).toThrow(expect.objectContaining({ code: 'MISMATCH' }));
    expect(() => rebalancePlan(new JumpHash(named(5), { integerKeys: 'raw' }), grown)).toThrow(expect.objectContaining({ code: 'MISMATCH' }));
  });

  it('rejects unknown modes and unsafe integer keys', () => {
    for (const integerKeys of ['RAW', 'hash', '', 1, null]) {
      expect(() => new JumpHash(['a'], { integerKeys: integerKeys as unknown as 'raw' })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
    const jump = new JumpHash(['a', 'b'], { integerKeys: 'raw' });
    for (const key of [2 ** 53, -(2 ** 53), 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => jump.lookup(key)).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
      expect(() => jump.bucketOf(key)).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
      expect(() => jump.lookupN(key, 1)).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
    }
    expect(() => new JumpHash([], { integerKeys: 'raw' }).lookup(1)).toThrow(expect.objectContaining({ code: 'EMPTY' }));
  });
});
