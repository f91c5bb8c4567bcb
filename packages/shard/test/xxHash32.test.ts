import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashRing, ShardError, xxHash32 } from '../src/index.js';

// A direct BigInt transcription of the XXH32 specification (xxHash doc/xxhash_spec.md): slow and
// obviously right, the reference the Math.imul implementation must equal.
const M32 = 0xffffffffn;
const Q1 = 0x9e3779b1n, Q2 = 0x85ebca77n, Q3 = 0xc2b2ae3dn, Q4 = 0x27d4eb2fn, Q5 = 0x165667b1n;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (32n - r))) & M32;
const rd = (b: Uint8Array, i: number): bigint => BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
function xxh32Reference(b: Uint8Array, seed: bigint): number {
  const len = b.length;
  let p = 0;
  let acc: bigint;
  if (len >= 16) {
    const v = [(seed + Q1 + Q2) & M32, (seed + Q2) & M32, seed, (seed - Q1) & M32];
    for (; p + 16 <= len; p += 16) for (let k = 0; k < 4; k++) v[k] = (rotl((v[k]! + rd(b, p + 4 * k) * Q2) & M32, 13n) * Q1) & M32;
    acc = (rotl(v[0]!, 1n) + rotl(v[1]!, 7n) + rotl(v[2]!, 12n) + rotl(v[3]!, 18n)) & M32;
  } else acc = (seed + Q5) & M32;
  acc = (acc + BigInt(len)) & M32;
  for (; p + 4 <= len; p += 4) acc = (rotl((acc + rd(b, p) * Q3) & M32, 17n) * Q4) & M32;
  for (; p < len; p++) acc = (rotl((acc + BigInt(b[p]!) * Q5) & M32, 11n) * Q1) & M32;
  acc = ((acc ^ (acc >> 15n)) * Q2) & M32;
  acc = ((acc ^ (acc >> 13n)) * Q3) & M32;
  return Number(acc ^ (acc >> 16n));
}

// The sanity buffer of xxHash's self-test (cli/xsum_sanity_check.c, XSUM_fillTestBuffer).
function sanityBuffer(len: number): Uint8Array {
  const b = new Uint8Array(len);
  let g = 2654435761n;
  for (let i = 0; i < len; i++) {
    b[i] = Number(g >> 56n);
    g = (g * 11400714785074694797n) & ((1n << 64n) - 1n);
  }
  return b;
}

// XSUM_XXH32_testdata in xxHash's cli/xsum_sanity_check.c: { length, seed, XXH32 }.
const VECTORS: [number, number, number][] = [
  [0, 0, 0x02cc5d05],
  [0, 0x9e3779b1, 0x36b78ae7],
  [1, 0, 0xcf65b03e],
  [1, 0x9e3779b1, 0xb4545aa4],
  [4, 0, 0xa9de7ce9],
  [14, 0, 0x1208e7e2],
  [14, 0x9e3779b1, 0x6af1d1fe],
  [16, 0, 0x93ba3759],
  [17, 0, 0x89fdc23e],
  [32, 0, 0xd89829ec],
  [222, 0, 0x5bd11dbd],
  [222, 0x9e3779b1, 0x58803c5f],
];

describe('xxHash32', () => {
  it.each(VECTORS)('matches the xxHash sanity vector for %i bytes, seed %i', (len, seed, expected) => {
    const buf = sanityBuffer(len);
    expect(xxHash32(buf, seed)).toBe(expected);
    expect(xxh32Reference(buf, BigInt(seed))).toBe(expected);
  });

  it('equals the BigInt reference on arbitrary bytes and seeds (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat({ max: 0xffffffff }), (bytes, seed) => {
        expect(xxHash32(bytes, seed)).toBe(xxh32Reference(bytes, BigInt(seed)));
      }),
      { numRuns: 300 },
    );
  });

  it('hashes strings as UTF-8: the ASCII fast path and the encoder path agree with the bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 70 }), fc.string({ unit: 'binary', maxLength: 40 })), fc.nat({ max: 0xffffffff }), (s, seed) => {
        expect(xxHash32(s, seed)).toBe(xxh32Reference(new TextEncoder().encode(s), BigInt(seed)));
      }),
      { numRuns: 200 },
    );
  });

  it('places a ring key at its xxHash32; an integer key hashes as its 8 little-endian bytes', () => {
    const ring = new HashRing(['a', 'b'], { seed: 7 });
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.string({ maxLength: 30 }), (k, s) => {
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setBigInt64(0, BigInt(k), true);
        expect(ring.positionOf(k)).toBe(xxh32Reference(bytes, 7n));
        expect(ring.positionOf(s)).toBe(xxHash32(s, 7));
      }),
      { numRuns: 200 },
    );
    // The 64-bit seed is folded to 32 bits: high half XOR low half.
    expect(new HashRing(['a'], { seed: 0x500000003n }).positionOf('k')).toBe(xxHash32('k', 6));
  });

  it('rejects bad seeds and inputs with ShardError', () => {
    for (const seed of [-1, 1.5, Number.NaN, Infinity, 2 ** 32]) {
      expect(() => xxHash32('x', seed)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
    expect(() => xxHash32(42 as unknown as string)).toThrow(ShardError);
    expect(() => xxHash32(null as unknown as string)).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
  });
});
