import { ShardError, shown } from './errors.js';

// xxHash32 (XXH32 as specified in xxHash's doc/xxhash_spec.md, Yann Collet). Every step is a
// 32-bit operation, so in JavaScript it is Math.imul and shifts on int32 values: several times
// cheaper than XXH64's 64-bit multiplies on 32-bit halves. The ring uses it for key positions,
// which are 32-bit anyway.

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

const encoder = new TextEncoder();

// One 16-byte-stripe lane step: rotl(v + lane * P2, 13) * P1.
function lane(v: number, x: number): number {
  v = (v + Math.imul(x, P2)) | 0;
  return Math.imul((v << 13) | (v >>> 19), P1);
}

function avalanche(h: number): number {
  h = Math.imul(h ^ (h >>> 15), P2);
  h = Math.imul(h ^ (h >>> 13), P3);
  return (h ^ (h >>> 16)) >>> 0;
}

function le32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/**
 * XXH32 of `b[0..len)` with a 32-bit seed, as an unsigned 32-bit number.
 *
 * @internal
 */
export function xxh32Bytes(b: Uint8Array, len: number, seed: number): number {
  let p = 0;
  let h: number;
  if (len >= 16) {
    let v1 = (seed + P1 + P2) | 0, v2 = (seed + P2) | 0, v3 = seed | 0, v4 = (seed - P1) | 0;
    for (; p + 16 <= len; p += 16) {
      v1 = lane(v1, le32(b, p));
      v2 = lane(v2, le32(b, p + 4));
      v3 = lane(v3, le32(b, p + 8));
      v4 = lane(v4, le32(b, p + 12));
    }
    h = ((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20)) + ((v4 << 18) | (v4 >>> 14));
  } else h = seed + P5;
  h = (h + len) | 0;
  for (; p + 4 <= len; p += 4) {
    h = (h + Math.imul(le32(b, p), P3)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), P4);
  }
  for (; p < len; p++) {
    h = (h + Math.imul(b[p]!, P5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), P1);
  }
  return avalanche(h);
}

/**
 * XXH32 of a string's UTF-8 bytes. ASCII strings are read straight from their UTF-16 code units
 * (an ASCII unit is its UTF-8 byte), with no copy; anything else is encoded and hashed as bytes,
 * so the result is always the UTF-8 hash. Keys under 16 units (most ids) take this small
 * function alone, which V8 can inline into a lookup; longer ones go on to {@link xxh32Long}.
 *
 * @internal
 */
export function xxh32String(s: string, seed: number): number {
  const len = s.length;
  if (len >= 16) return xxh32Long(s, seed);
  // The primes as locals, not the module constants: V8 reloads and type-checks a bundled module's
  // top-level bindings at every use, which cost about as much as the multiplies here.
  const p1 = 0x9e3779b1 | 0, p2 = 0x85ebca77 | 0, p3 = 0xc2b2ae3d | 0, p4 = 0x27d4eb2f, p5 = 0x165667b1;
  let h = (seed + p5 + len) | 0;
  let p = 0;
  let wide = 0;
  let c0: number, c1: number, c2: number, c3: number;
  for (; p + 4 <= len; p += 4) {
    c0 = s.charCodeAt(p); c1 = s.charCodeAt(p + 1); c2 = s.charCodeAt(p + 2); c3 = s.charCodeAt(p + 3);
    wide |= c0 | c1 | c2 | c3;
    h = (h + Math.imul(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), p3)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), p4);
  }
  for (; p < len; p++) {
    c0 = s.charCodeAt(p);
    wide |= c0;
    h = (h + Math.imul(c0, p5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), p1);
  }
  if (wide >= 0x80) return xxh32Utf8(s, seed);
  h = Math.imul(h ^ (h >>> 15), p2);
  h = Math.imul(h ^ (h >>> 13), p3);
  return (h ^ (h >>> 16)) >>> 0;
}

let scratch = new Uint8Array(256);

/** XXH32 of a string that is not all ASCII: encoded to UTF-8 into a reused buffer first. */
function xxh32Utf8(s: string, seed: number): number {
  if (s.length * 3 > scratch.length) scratch = new Uint8Array(Math.max(s.length * 3, scratch.length * 2));
  return xxh32Bytes(scratch, encoder.encodeInto(s, scratch).written, seed);
}

/** {@link xxh32String} for strings of 16 units or more: the four-lane stripe loop first. */
function xxh32Long(s: string, seed: number): number {
  const len = s.length;
  let p = 0;
  let wide = 0;
  let c0: number, c1: number, c2: number, c3: number;
  let v1 = (seed + P1 + P2) | 0, v2 = (seed + P2) | 0, v3 = seed | 0, v4 = (seed - P1) | 0;
  for (; p + 16 <= len; p += 16) {
    c0 = s.charCodeAt(p); c1 = s.charCodeAt(p + 1); c2 = s.charCodeAt(p + 2); c3 = s.charCodeAt(p + 3);
    wide |= c0 | c1 | c2 | c3;
    v1 = lane(v1, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
    c0 = s.charCodeAt(p + 4); c1 = s.charCodeAt(p + 5); c2 = s.charCodeAt(p + 6); c3 = s.charCodeAt(p + 7);
    wide |= c0 | c1 | c2 | c3;
    v2 = lane(v2, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
    c0 = s.charCodeAt(p + 8); c1 = s.charCodeAt(p + 9); c2 = s.charCodeAt(p + 10); c3 = s.charCodeAt(p + 11);
    wide |= c0 | c1 | c2 | c3;
    v3 = lane(v3, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
    c0 = s.charCodeAt(p + 12); c1 = s.charCodeAt(p + 13); c2 = s.charCodeAt(p + 14); c3 = s.charCodeAt(p + 15);
    wide |= c0 | c1 | c2 | c3;
    v4 = lane(v4, c0 | (c1 << 8) | (c2 << 16) | (c3 << 24));
  }
  let h = ((v1 << 1) | (v1 >>> 31)) + ((v2 << 7) | (v2 >>> 25)) + ((v3 << 12) | (v3 >>> 20)) + ((v4 << 18) | (v4 >>> 14));
  h = (h + len) | 0;
  for (; p + 4 <= len; p += 4) {
    c0 = s.charCodeAt(p); c1 = s.charCodeAt(p + 1); c2 = s.charCodeAt(p + 2); c3 = s.charCodeAt(p + 3);
    wide |= c0 | c1 | c2 | c3;
    h = (h + Math.imul(c0 | (c1 << 8) | (c2 << 16) | (c3 << 24), P3)) | 0;
    h = Math.imul((h << 17) | (h >>> 15), P4);
  }
  for (; p < len; p++) {
    c0 = s.charCodeAt(p);
    wide |= c0;
    h = (h + Math.imul(c0, P5)) | 0;
    h = Math.imul((h << 11) | (h >>> 21), P1);
  }
  if (wide >= 0x80) return xxh32Utf8(s, seed);
  return avalanche(h);
}

/**
 * XXH32 of the 8 little-endian bytes of the 64-bit integer (hi, lo): the same value as
 * {@link xxh32Bytes} on those bytes, without writing them anywhere.
 *
 * @internal
 */
export function xxh32Word(hi: number, lo: number, seed: number): number {
  // Local primes for the reason given in xxh32String.
  const p2 = 0x85ebca77 | 0, p3 = 0xc2b2ae3d | 0, p4 = 0x27d4eb2f;
  let h = (seed + 0x165667b1 + 8) | 0;
  h = (h + Math.imul(lo, p3)) | 0;
  h = Math.imul((h << 17) | (h >>> 15), p4);
  h = (h + Math.imul(hi, p3)) | 0;
  h = Math.imul((h << 17) | (h >>> 15), p4);
  h = Math.imul(h ^ (h >>> 15), p2);
  h = Math.imul(h ^ (h >>> 13), p3);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * xxHash32 (XXH32) of bytes or of a string's UTF-8 encoding — the same 32-bit value as the
 * reference C implementation and `xxhsum -H0`. `HashRing` places keys at this hash (seeded
 * with its seed folded to 32 bits), so other languages can compute the same ring positions.
 *
 * @param input - bytes, or a string hashed as UTF-8
 * @param seed - unsigned 32-bit seed
 * @defaultValue seed 0
 * @returns the hash, 0 to 2^32 - 1
 * @throws ShardError `BAD_KEY` when input is neither a string nor a Uint8Array; `BAD_OPTION` for a
 * seed that is not an integer from 0 to 2^32 - 1
 * @example
 * ```ts
 * xxHash32(''); // 0x02cc5d05
 * ```
 */
export function xxHash32(input: Uint8Array | string, seed = 0): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new ShardError('BAD_OPTION', `an xxHash32 seed must be an integer from 0 to 2^32 - 1, got ${shown(seed)}`);
  }
  if (typeof input === 'string') return xxh32String(input, seed | 0);
  if (input instanceof Uint8Array) return xxh32Bytes(input, input.length, seed | 0);
  throw new ShardError('BAD_KEY', `xxHash32 takes a string or a Uint8Array, got ${input === null ? 'null' : typeof input}`);
}
