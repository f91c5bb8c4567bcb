import { hashKeyInto, badKey, scratchBytes, utf8Scratch, type Key } from './key.js';
import { jumpBucket } from './jumpBucket.js';
import type { Hash64 } from './xxHash64.js';

// The 64-bit key that JumpHash feeds to the jump: XXH64 of the key's bytes, except for keys of
// exactly 8 bytes (every safe integer, and strings or byte arrays of 8 bytes), which take
// MurmurHash3's 64-bit finalizer (fmix64) of their little-endian word XOR the seed. fmix64 is a
// bijection with full avalanche in two 64-bit multiplies where XXH64 of 8 bytes takes five: on
// 32-bit halves that is most of an integer lookup's cost. Keeping the rule by byte length, not
// by key type, keeps the integer 5 and the bytes 05 00 00 00 00 00 00 00 on the same bucket.

/**
 * The jump bucket of the 8-byte key word (vh, vl), already XORed with the seed: fmix64 of the
 * word, then {@link jumpBucket}, with both halves kept in registers throughout. Integer lookups
 * take this path. Written out, with its constants as locals and not module constants, for the
 * reasons given in jumpBucket.ts, and small enough (under V8's 460 bytes of bytecode) to inline.
 *
 * @internal
 */
export function jumpWord(vh: number, vl: number, buckets: number): number {
  const imul = Math.imul;
  const m16 = 0xffff;
  // k ^= k >> 33 (the high half is unchanged); k *= 0xff51afd7_ed558ccd. Each product's low
  // half is Math.imul; the carry into the high half comes from 16-bit limbs, as in xxHash64.ts.
  let h = vh | 0, l = (vl ^ (vh >>> 1)) | 0;
  let a0 = l & m16, a1 = l >>> 16;
  let t = imul(a0, 0x8ccd);
  let m1 = (imul(a1, 0x8ccd) + (t >>> 16)) | 0;
  let m2 = (imul(a0, 0xed55) + (m1 & m16)) | 0;
  h = (imul(a1, 0xed55) + (m1 >>> 16) + (m2 >>> 16) + imul(h, 0xed558ccd | 0) + imul(l, 0xff51afd7 | 0)) | 0;
  // k ^= k >> 33; k *= 0xc4ceb9fe_1a85ec53
  l = imul(l, 0xed558ccd | 0) ^ (h >>> 1);
  a0 = l & m16;
  a1 = l >>> 16;
  t = imul(a0, 0xec53);
  m1 = (imul(a1, 0xec53) + (t >>> 16)) | 0;
  m2 = (imul(a0, 0x1a85) + (m1 & m16)) | 0;
  h = (imul(a1, 0x1a85) + (m1 >>> 16) + (m2 >>> 16) + imul(h, 0x1a85ec53) + imul(l, 0xc4ceb9fe | 0)) | 0;
  // k ^= k >> 33
  return jumpBucket(h, imul(l, 0x1a85ec53) ^ (h >>> 1), buckets);
}

// One fmix64 round on (h, l) into out: k ^= k >> 33, then k *= C (mod 2^64), C given as its
// halves and its low half's 16-bit limbs. For the generic path (bucketOf, lookupN), which needs
// the 64-bit key itself.
function fmixRound(h: number, l: number, ch: number, cl: number, c0: number, c1: number, out: Hash64): void {
  l ^= h >>> 1;
  const a0 = l & 0xffff, a1 = l >>> 16;
  const t = Math.imul(a0, c0);
  const m1 = (Math.imul(a1, c0) + (t >>> 16)) | 0;
  const m2 = (Math.imul(a0, c1) + (m1 & 0xffff)) | 0;
  out.hi = (Math.imul(a1, c1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, cl) + Math.imul(l, ch)) | 0;
  out.lo = Math.imul(l, cl);
}

/**
 * MurmurHash3's fmix64 of the 64-bit word (vh, vl) into `out` as unsigned halves: k ^= k >> 33;
 * k *= 0xff51afd7ed558ccd; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53; k ^= k >> 33.
 */
function fmix64Into(vh: number, vl: number, out: Hash64): void {
  fmixRound(vh | 0, vl | 0, 0xff51afd7 | 0, 0xed558ccd | 0, 0x8ccd, 0xed55, out);
  fmixRound(out.hi, out.lo, 0xc4ceb9fe | 0, 0x1a85ec53, 0xec53, 0x1a85, out);
  const h = out.hi;
  out.hi = h >>> 0;
  out.lo = (out.lo ^ (h >>> 1)) >>> 0;
}

function word8Into(b: Uint8Array, sh: number, sl: number, out: Hash64): void {
  const lo = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
  const hi = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24);
  fmix64Into(hi ^ sh, lo ^ sl, out);
}

/**
 * JumpHash's 64-bit key for `key` with the seed (sh, sl), into `out`: fmix64(word XOR seed) for
 * keys of exactly 8 bytes (safe integers as 8 little-endian two's-complement bytes), XXH64 of
 * the bytes (strings as UTF-8) otherwise.
 *
 * @internal
 * @throws ShardError `BAD_KEY` for anything but a string, Uint8Array or safe integer
 */
export function jumpKeyInto(key: Key, sh: number, sl: number, out: Hash64): void {
  if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) throw badKey(key);
    fmix64Into(Math.floor(key / 0x100000000) ^ sh, (key | 0) ^ sl, out);
  } else if (key instanceof Uint8Array) {
    if (key.length === 8) word8Into(key, sh, sl, out);
    else hashKeyInto(key, sh, sl, out);
  } else if (typeof key === 'string' && key.length <= 8) {
    // Up to 8 UTF-16 units can be 8 UTF-8 bytes (or fewer, or up to 24): encode to find out.
    const n = utf8Scratch(key);
    if (n === 8) word8Into(scratchBytes(), sh, sl, out);
    else hashKeyInto(scratchBytes().subarray(0, n), sh, sl, out);
  } else {
    hashKeyInto(key, sh, sl, out);
  }
}
