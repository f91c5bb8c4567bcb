import { hashKeyInto, badKey, scratchBytes, utf8Scratch, type Key } from './key.js';
import type { Hash64 } from './xxHash64.js';

// The 64-bit key that JumpHash feeds to the jump: XXH64 of the key's bytes, except for keys of
// exactly 8 bytes (every safe integer, and strings or byte arrays of 8 bytes), which take
// MurmurHash3's 64-bit finalizer (fmix64) of their little-endian word XOR the seed. fmix64 is a
// bijection with full avalanche in two 64-bit multiplies where XXH64 of 8 bytes takes five: on
// 32-bit halves that is most of an integer lookup's cost. Keeping the rule by byte length, not
// by key type, keeps the integer 5 and the bytes 05 00 00 00 00 00 00 00 on the same bucket.

// fmix64's multipliers 0xff51afd7ed558ccd and 0xc4ceb9fe1a85ec53 as 32-bit halves and 16-bit limbs.
const C1H = 0xff51afd7 | 0, C1L = 0xed558ccd | 0, C1L0 = 0x8ccd, C1L1 = 0xed55;
const C2H = 0xc4ceb9fe | 0, C2L = 0x1a85ec53 | 0, C2L0 = 0xec53, C2L1 = 0x1a85;

/**
 * The low half of the last {@link fmix64} result, as an int32. A typed array, not a module
 * variable or an object field: V8 boxes numbers outside the small-integer range stored in those,
 * and an unsigned half is above 2^31 half of the time.
 *
 * @internal
 */
export const fmixLow: Int32Array = new Int32Array(1);

// One fmix64 round on (h, l): k ^= k >> 33, then k *= C (mod 2^64), C given as its halves and its
// low half's 16-bit limbs. Returns the high half; the low half goes to fmixLow. A helper of its
// own because fmix64 written out in one function is past V8's inlining limit (460 bytes of
// bytecode), and an integer lookup then pays a call; two small rounds inline.
function fmixRound(h: number, l: number, ch: number, cl: number, c0: number, c1: number): number {
  l ^= h >>> 1;
  const a0 = l & 0xffff, a1 = l >>> 16;
  const t = Math.imul(a0, c0);
  const m1 = (Math.imul(a1, c0) + (t >>> 16)) | 0;
  const m2 = (Math.imul(a0, c1) + (m1 & 0xffff)) | 0;
  fmixLow[0] = Math.imul(l, cl);
  return (Math.imul(a1, c1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, cl) + Math.imul(l, ch)) | 0;
}

/**
 * MurmurHash3's fmix64 of the 64-bit word (vh, vl): k ^= k >> 33; k *= C1; k ^= k >> 33;
 * k *= C2; k ^= k >> 33. Returns the high half as an int32 and leaves the low half in
 * {@link fmixLow}, so that an integer lookup keeps both halves in registers (a call that returns
 * the pair through an object costs a boxed double per half). Each 64-bit product's low half is
 * Math.imul; its carry comes from 16-bit limbs, as in xxHash64.ts.
 *
 * @internal
 */
export function fmix64(vh: number, vl: number): number {
  const h1 = fmixRound(vh | 0, vl | 0, C1H, C1L, C1L0, C1L1);
  const h = fmixRound(h1, fmixLow[0]!, C2H, C2L, C2L0, C2L1);
  fmixLow[0] = fmixLow[0]! ^ (h >>> 1);
  return h;
}

/** {@link fmix64} of (vh, vl) into `out` as unsigned halves. */
function fmix64Into(vh: number, vl: number, out: Hash64): void {
  out.hi = fmix64(vh, vl) >>> 0;
  out.lo = fmixLow[0]! >>> 0;
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
