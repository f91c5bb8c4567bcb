import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JumpHash, ShardError, xxHash64 } from '../src/index.js';

const M64 = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n, P2 = 0xc2b2ae3d27d4eb4fn, P3 = 0x165667b19e3779f9n, P4 = 0x85ebca77c2b2ae63n, P5 = 0x27d4eb2f165667c5n;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;
const rd64 = (b: Uint8Array, i: number): bigint => {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]!);
  return v;
};
const rd32 = (b: Uint8Array, i: number): bigint => BigInt((b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0);
const round = (acc: bigint, x: bigint): bigint => (rotl((acc + x * P2) & M64, 31n) * P1) & M64;
const merge = (acc: bigint, v: bigint): bigint => (((acc ^ round(0n, v)) * P1) + P4) & M64;

// A direct BigInt transcription of the XXH64 specification (xxHash doc/xxhash_spec.md): slow and
// obviously right, the reference the 32-bit implementation must equal.
function xxh64Reference(b: Uint8Array, seed: bigint): bigint {
  const len = b.length;
  let p = 0;
  let acc: bigint;
  if (len >= 32) {
    let v1 = (seed + P1 + P2) & M64, v2 = (seed + P2) & M64, v3 = seed, v4 = (seed - P1) & M64;
    for (; p + 32 <= len; p += 32) {
      v1 = round(v1, rd64(b, p)); v2 = round(v2, rd64(b, p + 8)); v3 = round(v3, rd64(b, p + 16)); v4 = round(v4, rd64(b, p + 24));
    }
    acc = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    acc = merge(merge(merge(merge(acc, v1), v2), v3), v4);
  } else acc = (seed + P5) & M64;
  acc = (acc + BigInt(len)) & M64;
  for (; p + 8 <= len; p += 8) acc = ((rotl(acc ^ round(0n, rd64(b, p)), 27n) * P1) + P4) & M64;
  if (p + 4 <= len) { acc = ((rotl(acc ^ ((rd32(b, p) * P1) & M64), 23n) * P2) + P3) & M64; p += 4; }
  for (; p < len; p++) acc = (rotl(acc ^ ((BigInt(b[p]!) * P5) & M64), 11n) * P1) & M64;
  acc ^= acc >> 33n; acc = (acc * P2) & M64; acc ^= acc >> 29n; acc = (acc * P3) & M64; acc ^= acc >> 32n;
  return acc;
}

// The sanity buffer of xxHash's self-test (cli/xsum_sanity_check.c, XSUM_fillTestBuffer):
// byteGen starts at PRIME32, each byte is byteGen >> 56, then byteGen *= PRIME64 (mod 2^64).
const PRIME32 = 2654435761n;
const PRIME64 = 11400714785074694797n;
function sanityBuffer(len: number): Uint8Array {
  const b = new Uint8Array(len);
  let g = PRIME32;
  for (let i = 0; i < len; i++) {
    b[i] = Number(g >> 56n);
    g = (g * PRIME64) & M64;
  }
  return b;
}

// XSUM_XXH64_testdata in xxHash's cli/xsum_sanity_check.c (v0.8.x): { length, seed, XXH64 }.
const VECTORS: [number, bigint, bigint][] = [
  [0, 0n, 0xef46db3751d8e999n],
  [0, PRIME32, 0xac75fda2929b17efn],
  [1, 0n, 0xe934a84adb052768n],
  [1, PRIME32, 0x5014607643a9b4c3n],
  [4, 0n, 0x9136a0dca57457een],
  [14, 0n, 0x8282dcc4994e35c8n],
  [14, PRIME32, 0xc3bd6bf63deb6df0n],
  [222, 0n, 0xb641ae8cb691c174n],
  [222, PRIME32, 0x20cb8ab7ae10c14an],
];

describe('xxHash64', () => {
  it.each(VECTORS)('matches the xxHash sanity vector for %i bytes, seed %s', (len, seed, expected) => {
    const buf = sanityBuffer(len);
    expect(xxHash64(buf, seed)).toBe(expected);
    expect(xxh64Reference(buf, seed)).toBe(expected);
  });

  it('hashes strings as UTF-8 (ASCII fast path and encoder path agree with the bytes)', () => {
    for (const s of ['', 'a', 'abc', 'guild:123456789', 'x'.repeat(31), 'x'.repeat(32), 'x'.repeat(100), 'héllo', '漢字🙂', 'a\u0000b']) {
      expect(xxHash64(s)).toBe(xxHash64(new TextEncoder().encode(s)));
    }
    expect(xxHash64('abc')).toBe(0x44bc2cf5ad770999n);
  });

  it('equals the BigInt reference on arbitrary bytes and seeds (fuzz)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.bigInt({ min: 0n, max: M64 }), (bytes, seed) => {
        expect(xxHash64(bytes, seed)).toBe(xxh64Reference(bytes, seed));
      }),
      { numRuns: 400 },
    );
  });

  it('equals the reference on arbitrary strings, including lone surrogates and long ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 80 }), fc.nat(), (s, seed) => {
        expect(xxHash64(s, seed)).toBe(xxh64Reference(new TextEncoder().encode(s), BigInt(seed)));
      }),
      { numRuns: 40 },
    );
  });

  it('hashes an integer key as its 8 little-endian bytes', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), (k) => {
        const bytes = new Uint8Array(8);
        new DataView(bytes.buffer).setBigInt64(0, BigInt(k), true);
        const jump = new JumpHash(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
        expect(jump.bucketOf(k)).toBe(jump.bucketOf(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad seeds and inputs with ShardError', () => {
    for (const seed of [-1, 1.5, Number.NaN, Infinity, -1n, 1n << 64n]) {
      expect(() => xxHash64('x', seed)).toThrow(ShardError);
    }
    expect(() => xxHash64(42 as unknown as string)).toThrow(expect.objectContaining({ code: 'BAD_KEY' }));
  });
});
