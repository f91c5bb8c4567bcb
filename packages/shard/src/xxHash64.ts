import { ShardError, shown } from './errors.js';

// xxHash64 (XXH64 as specified in xxHash's doc/xxhash_spec.md, Yann Collet), on pairs of unsigned
// 32-bit halves (hi, lo) so that no BigInt is made on the hot path.
//
// The tail and finalisation run for every key, so they are written out with every 64-bit
// multiply expanded in place on int32 local variables: V8 keeps those in registers, while helper
// calls that return pairs through memory, or uint32 values above 2^31 (doubles), cost 3-4x more. A 64-bit product's low half is
// Math.imul; its carry comes from 16-bit limbs so that no partial product exceeds 2^53.
// The 32-byte stripe loop (only for keys of 32 bytes or more) uses small helpers instead.

const P1H = 0x9e3779b1 | 0, P1L = 0x85ebca87 | 0, P1L_0 = 0xca87, P1L_1 = 0x85eb;
const P2H = 0xc2b2ae3d | 0, P2L = 0x27d4eb4f | 0, P2L_0 = 0xeb4f, P2L_1 = 0x27d4;
const P3H = 0x165667b1 | 0, P3L = 0x9e3779f9 | 0, P3L_0 = 0x79f9, P3L_1 = 0x9e37;
const P4H = 0x85ebca77 | 0, P4L = 0xc2b2ae63 | 0, P4L_0 = 0xae63, P4L_1 = 0xc2b2;
const P5H = 0x27d4eb2f | 0, P5L = 0x165667c5 | 0, P5L_0 = 0x67c5, P5L_1 = 0x1656;
// P5's low half as an unsigned double, for products with a single byte (exact below 2^53).
const P5LU = P5L >>> 0;
const TWO_M32 = 2 ** -32;

/** Where the 64-bit hash lands: `hi` and `lo` are the unsigned 32-bit halves. */
export interface Hash64 {
  hi: number;
  lo: number;
}

// Stripe-loop helpers; results go to R, a typed array because V8 boxes non-Smi numbers stored
// in module variables.
const R = new Uint32Array(2);

// Low 64 bits of a * b.
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const t = a0 * b0;
  const m1 = a1 * b0 + (t >>> 16);
  const m2 = a0 * b1 + (m1 & 0xffff);
  const carry = a1 * b1 + (m1 >>> 16) + (m2 >>> 16);
  R[1] = Math.imul(al, bl) >>> 0;
  R[0] = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

function add(ah: number, al: number, bh: number, bl: number): void {
  const s = (al >>> 0) + (bl >>> 0);
  R[1] = s >>> 0;
  R[0] = (ah + bh + (s > 0xffffffff ? 1 : 0)) >>> 0;
}

// rotl for 0 < r < 32 (every rotation XXH64 uses).
function rotl(h: number, l: number, r: number): void {
  R[0] = ((h << r) | (l >>> (32 - r))) >>> 0;
  R[1] = ((l << r) | (h >>> (32 - r))) >>> 0;
}

// round(acc, input) = rotl(acc + input * P2, 31) * P1
function round(acch: number, accl: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(acch, accl, R[0]!, R[1]!);
  rotl(R[0]!, R[1]!, 31);
  mul(R[0]!, R[1]!, P1H, P1L);
}

function u32(b: Uint8Array, i: number): number {
  return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
}


/**
 * Tail and avalanche of XXH64 over b[p..len) given the accumulator (h, l) that already holds the
 * length. {@link finishAscii} is the same code reading a string instead of bytes: a shared reader
 * callback would cost a call per four bytes on the hottest path of every lookup.
 */
function finishBytes(b: Uint8Array, p: number, len: number, h: number, l: number, out: Hash64): void {
  // The primes as locals: V8 reloads and type-checks module constants at every use (see xxHash32.ts).
  const p1h = 0x9e3779b1 | 0, p1l = 0x85ebca87 | 0, p1l_0 = 0xca87, p1l_1 = 0x85eb;
  const p2h = 0xc2b2ae3d | 0, p2l = 0x27d4eb4f | 0, p2l_0 = 0xeb4f, p2l_1 = 0x27d4;
  const p3h = 0x165667b1 | 0, p3l = 0x9e3779f9 | 0, p3l_0 = 0x79f9, p3l_1 = 0x9e37;
  const p4h = 0x85ebca77 | 0, p4l = 0xc2b2ae63 | 0;
  const p5h = 0x27d4eb2f | 0, p5l = 0x165667c5 | 0, p5lu = 0x165667c5;
  const two_m32 = 2 ** -32;
  let a0: number, a1: number, t: number, m1: number, m2: number, kh: number, kl: number;
  for (; p + 8 <= len; p += 8) {
    kl = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24); kh = b[p + 4]! | (b[p + 4 + 1]! << 8) | (b[p + 4 + 2]! << 16) | (b[p + 4 + 3]! << 24);
    a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kh, p2l) + Math.imul(kl, p2h)) | 0; kl = Math.imul(kl, p2l); kh = t;
    t = kh; kh = (kh << 31) | (kl >>> 1); kl = (kl << 31) | (t >>> 1);
    a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kh, p1l) + Math.imul(kl, p1h)) | 0; kl = Math.imul(kl, p1l); kh = t;
    h = h ^ kh; l = l ^ kl;
    t = h; h = (h << 27) | (l >>> 5); l = (l << 27) | (t >>> 5);
    a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p1l) + Math.imul(l, p1h)) | 0; l = Math.imul(l, p1l); h = t;
    t = (l + p4l) | 0; h = (h + p4h + ((t >>> 0) < (l >>> 0) ? 1 : 0)) | 0; l = t;
  }
  if (p + 4 <= len) {
    kl = b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24);
    a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kl, p1h)) | 0; kl = Math.imul(kl, p1l); kh = t;
    h ^= kh; l ^= kl;
    t = h; h = (h << 23) | (l >>> 9); l = (l << 23) | (t >>> 9);
    a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p2l) + Math.imul(l, p2h)) | 0; l = Math.imul(l, p2l); h = t;
    t = (l + p3l) | 0; h = (h + p3h + ((t >>> 0) < (l >>> 0) ? 1 : 0)) | 0; l = t;
    p += 4;
  }
  for (; p < len; p++) {
    kl = b[p]!;
    kh = (Math.floor(kl * p5lu * two_m32) + Math.imul(kl, p5h)) | 0; kl = Math.imul(kl, p5l);
    h ^= kh; l ^= kl;
    t = h; h = (h << 11) | (l >>> 21); l = (l << 11) | (t >>> 21);
    a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p1l) + Math.imul(l, p1h)) | 0; l = Math.imul(l, p1l); h = t;
  }
  l ^= h >>> 1;
  a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p2l) + Math.imul(l, p2h)) | 0; l = Math.imul(l, p2l); h = t;
  l ^= (l >>> 29) | (h << 3); h ^= h >>> 29;
  a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p3l_0); m1 = (Math.imul(a1, p3l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p3l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p3l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p3l) + Math.imul(l, p3h)) | 0; l = Math.imul(l, p3l); h = t;
  out.hi = h >>> 0; out.lo = (l ^ h) >>> 0;
}

/**
 * Same as {@link finishBytes} over the UTF-16 code units of a string taken as bytes. Returns false
 * (and the result is to be discarded) when a unit is not ASCII, so that UTF-8 encoding is needed.
 */
function finishAscii(s: string, len: number, h: number, l: number, out: Hash64): boolean {
  // Primes as locals, as in finishBytes.
  const p1h = 0x9e3779b1 | 0, p1l = 0x85ebca87 | 0, p1l_0 = 0xca87, p1l_1 = 0x85eb;
  const p2h = 0xc2b2ae3d | 0, p2l = 0x27d4eb4f | 0, p2l_0 = 0xeb4f, p2l_1 = 0x27d4;
  const p3h = 0x165667b1 | 0, p3l = 0x9e3779f9 | 0, p3l_0 = 0x79f9, p3l_1 = 0x9e37;
  const p4h = 0x85ebca77 | 0, p4l = 0xc2b2ae63 | 0;
  const p5h = 0x27d4eb2f | 0, p5l = 0x165667c5 | 0, p5lu = 0x165667c5;
  const two_m32 = 2 ** -32;
  let p = 0;
  let c0: number, c1: number, c2: number, c3: number;
  let wide = 0;
  let a0: number, a1: number, t: number, m1: number, m2: number, kh: number, kl: number;
  for (; p + 8 <= len; p += 8) {
    kl = (c0 = s.charCodeAt(p)) | ((c1 = s.charCodeAt(p + 1)) << 8) | ((c2 = s.charCodeAt(p + 2)) << 16) | ((c3 = s.charCodeAt(p + 3)) << 24); wide |= c0 | c1 | c2 | c3; kh = (c0 = s.charCodeAt(p + 4)) | ((c1 = s.charCodeAt(p + 4 + 1)) << 8) | ((c2 = s.charCodeAt(p + 4 + 2)) << 16) | ((c3 = s.charCodeAt(p + 4 + 3)) << 24); wide |= c0 | c1 | c2 | c3;
    a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kh, p2l) + Math.imul(kl, p2h)) | 0; kl = Math.imul(kl, p2l); kh = t;
    t = kh; kh = (kh << 31) | (kl >>> 1); kl = (kl << 31) | (t >>> 1);
    a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kh, p1l) + Math.imul(kl, p1h)) | 0; kl = Math.imul(kl, p1l); kh = t;
    h = h ^ kh; l = l ^ kl;
    t = h; h = (h << 27) | (l >>> 5); l = (l << 27) | (t >>> 5);
    a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p1l) + Math.imul(l, p1h)) | 0; l = Math.imul(l, p1l); h = t;
    t = (l + p4l) | 0; h = (h + p4h + ((t >>> 0) < (l >>> 0) ? 1 : 0)) | 0; l = t;
  }
  if (p + 4 <= len) {
    kl = (c0 = s.charCodeAt(p)) | ((c1 = s.charCodeAt(p + 1)) << 8) | ((c2 = s.charCodeAt(p + 2)) << 16) | ((c3 = s.charCodeAt(p + 3)) << 24); wide |= c0 | c1 | c2 | c3;
    a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kl, p1h)) | 0; kl = Math.imul(kl, p1l); kh = t;
    h ^= kh; l ^= kl;
    t = h; h = (h << 23) | (l >>> 9); l = (l << 23) | (t >>> 9);
    a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p2l) + Math.imul(l, p2h)) | 0; l = Math.imul(l, p2l); h = t;
    t = (l + p3l) | 0; h = (h + p3h + ((t >>> 0) < (l >>> 0) ? 1 : 0)) | 0; l = t;
    p += 4;
  }
  for (; p < len; p++) {
    kl = s.charCodeAt(p); wide |= kl;
    kh = (Math.floor(kl * p5lu * two_m32) + Math.imul(kl, p5h)) | 0; kl = Math.imul(kl, p5l);
    h ^= kh; l ^= kl;
    t = h; h = (h << 11) | (l >>> 21); l = (l << 11) | (t >>> 21);
    a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
    t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p1l) + Math.imul(l, p1h)) | 0; l = Math.imul(l, p1l); h = t;
  }
  l ^= h >>> 1;
  a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p2l) + Math.imul(l, p2h)) | 0; l = Math.imul(l, p2l); h = t;
  l ^= (l >>> 29) | (h << 3); h ^= h >>> 29;
  a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p3l_0); m1 = (Math.imul(a1, p3l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p3l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p3l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p3l) + Math.imul(l, p3h)) | 0; l = Math.imul(l, p3l); h = t;
  out.hi = h >>> 0; out.lo = (l ^ h) >>> 0;
  return wide < 0x80;
}

/**
 * XXH64 of the 8 little-endian bytes of the 64-bit integer (vh, vl): the same value as
 * {@link xxh64Into} on those 8 bytes, without writing them anywhere.
 */
export function xxh64WordInto(vh: number, vl: number, sh: number, sl: number, out: Hash64): void {
  // Primes as locals, as in finishBytes.
  const p1h = 0x9e3779b1 | 0, p1l = 0x85ebca87 | 0, p1l_0 = 0xca87, p1l_1 = 0x85eb;
  const p2h = 0xc2b2ae3d | 0, p2l = 0x27d4eb4f | 0, p2l_0 = 0xeb4f, p2l_1 = 0x27d4;
  const p3h = 0x165667b1 | 0, p3l = 0x9e3779f9 | 0, p3l_0 = 0x79f9, p3l_1 = 0x9e37;
  const p4h = 0x85ebca77 | 0, p4l = 0xc2b2ae63 | 0;
  const p5h = 0x27d4eb2f | 0, p5l = 0x165667c5 | 0;
  let a0: number, a1: number, t: number, m1: number, m2: number, kh = vh, kl = vl;
  let h = sh | 0, l = sl | 0;
  t = (l + p5l) | 0; h = (h + p5h + ((t >>> 0) < (l >>> 0) ? 1 : 0)) | 0; l = t;
  t = (l + 8) | 0; h = (h + ((t >>> 0) < (l >>> 0) ? 1 : 0)) | 0; l = t;
  a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kh, p2l) + Math.imul(kl, p2h)) | 0; kl = Math.imul(kl, p2l); kh = t;
  t = kh; kh = (kh << 31) | (kl >>> 1); kl = (kl << 31) | (t >>> 1);
  a0 = kl & 0xffff; a1 = kl >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(kh, p1l) + Math.imul(kl, p1h)) | 0; kl = Math.imul(kl, p1l); kh = t;
  h = h ^ kh; l = l ^ kl;
  t = h; h = (h << 27) | (l >>> 5); l = (l << 27) | (t >>> 5);
  a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p1l_0); m1 = (Math.imul(a1, p1l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p1l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p1l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p1l) + Math.imul(l, p1h)) | 0; l = Math.imul(l, p1l); h = t;
  t = (l + p4l) | 0; h = (h + p4h + ((t >>> 0) < (l >>> 0) ? 1 : 0)) | 0; l = t;
  l ^= h >>> 1;
  a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p2l_0); m1 = (Math.imul(a1, p2l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p2l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p2l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p2l) + Math.imul(l, p2h)) | 0; l = Math.imul(l, p2l); h = t;
  l ^= (l >>> 29) | (h << 3); h ^= h >>> 29;
  a0 = l & 0xffff; a1 = l >>> 16; t = Math.imul(a0, p3l_0); m1 = (Math.imul(a1, p3l_0) + (t >>> 16)) | 0; m2 = (Math.imul(a0, p3l_1) + (m1 & 0xffff)) | 0;
  t = (Math.imul(a1, p3l_1) + (m1 >>> 16) + (m2 >>> 16) + Math.imul(h, p3l) + Math.imul(l, p3h)) | 0; l = Math.imul(l, p3l); h = t;
  out.hi = h >>> 0; out.lo = (l ^ h) >>> 0;
}

/**
 * XXH64 of `b[0..len)` with the seed (sh, sl), written into `out`.
 */
export function xxh64Into(b: Uint8Array, len: number, sh: number, sl: number, out: Hash64): void {
  let p = 0;
  let h: number, l: number;
  if (len >= 32) {
    add(sh, sl, P1H, P1L);
    add(R[0]!, R[1]!, P2H, P2L);
    let v1h = R[0]!, v1l = R[1]!;
    add(sh, sl, P2H, P2L);
    let v2h = R[0]!, v2l = R[1]!;
    let v3h = sh, v3l = sl;
    // seed - P1 = seed + (2^64 - P1); P1's low half is not 0, so no borrow reaches the high half.
    add(sh, sl, ~P1H >>> 0, -P1L >>> 0);
    let v4h = R[0]!, v4l = R[1]!;
    for (; p + 32 <= len; p += 32) {
      round(v1h, v1l, u32(b, p + 4), u32(b, p)); v1h = R[0]!; v1l = R[1]!;
      round(v2h, v2l, u32(b, p + 12), u32(b, p + 8)); v2h = R[0]!; v2l = R[1]!;
      round(v3h, v3l, u32(b, p + 20), u32(b, p + 16)); v3h = R[0]!; v3l = R[1]!;
      round(v4h, v4l, u32(b, p + 28), u32(b, p + 24)); v4h = R[0]!; v4l = R[1]!;
    }
    rotl(v1h, v1l, 1); h = R[0]!; l = R[1]!;
    rotl(v2h, v2l, 7); add(h, l, R[0]!, R[1]!); h = R[0]!; l = R[1]!;
    rotl(v3h, v3l, 12); add(h, l, R[0]!, R[1]!); h = R[0]!; l = R[1]!;
    rotl(v4h, v4l, 18); add(h, l, R[0]!, R[1]!); h = R[0]!; l = R[1]!;
    // mergeRound(acc, v) = (acc ^ round(0, v)) * P1 + P4, for v1..v4
    for (const [vh, vl] of [[v1h, v1l], [v2h, v2l], [v3h, v3l], [v4h, v4l]] as const) {
      round(0, 0, vh, vl);
      mul((h ^ R[0]!) >>> 0, (l ^ R[1]!) >>> 0, P1H, P1L);
      add(R[0]!, R[1]!, P4H, P4L);
      h = R[0]!; l = R[1]!;
    }
  } else {
    add(sh, sl, P5H, P5L);
    h = R[0]!; l = R[1]!;
  }
  // + length as a 64-bit number
  add(h, l, Math.floor(len / 0x100000000) >>> 0, len >>> 0);
  finishBytes(b, p, len, R[0]!, R[1]!, out);
}

/**
 * XXH64 of a string's UTF-8 bytes; `encodeInto` is only needed for non-ASCII or long strings.
 * `scratch` receives the bytes in that case and must hold 3 x length bytes.
 */
export function xxh64StringInto(s: string, sh: number, sl: number, out: Hash64, scratch: Uint8Array): void {
  // Primes as locals, as in finishBytes.
  const p5h = 0x27d4eb2f | 0, p5l = 0x165667c5 | 0;
  const len = s.length;
  if (len < 32) {
    // acc = seed + P5 + len; len < 32, so the low half carries at most 1.
    const t = (sl >>> 0) + (p5l >>> 0) + len;
    if (finishAscii(s, len, (sh + p5h + (t >= 0x100000000 ? 1 : 0)) | 0, t | 0, out)) return;
  }
  xxh64Into(scratch, encoder.encodeInto(s, scratch).written, sh, sl, out);
}

const encoder = new TextEncoder();

const MASK64 = (1n << 64n) - 1n;

/** Splits a seed given as a number or bigint into halves, rejecting what is not a 64-bit unsigned integer. */
export function seedHalves(seed: number | bigint): Hash64 {
  let s: bigint;
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed) || seed < 0) {
      throw new ShardError('BAD_OPTION', `seed must be a non-negative safe integer or a bigint below 2^64, got ${shown(seed)}`);
    }
    s = BigInt(seed);
  } else if (typeof seed === 'bigint') {
    if (seed < 0n || seed > MASK64) throw new ShardError('BAD_OPTION', `seed must be a bigint from 0 to 2^64 - 1, got ${seed}`);
    s = seed;
  } else {
    throw new ShardError('BAD_OPTION', `seed must be a number or a bigint, got ${typeof seed}`);
  }
  return { hi: Number(s >> 32n), lo: Number(s & 0xffffffffn) };
}

/**
 * xxHash64 (XXH64) of bytes or of a string's UTF-8 encoding — the same 64-bit value as the
 * reference C implementation and `xxhsum -H1`. Computed on 32-bit integer math; only the result
 * is turned into a BigInt, so use the placements' `lookup` on hot paths, not this.
 *
 * @param input - bytes, or a string hashed as UTF-8
 * @param seed - 64-bit seed as a non-negative safe integer or bigint
 * @defaultValue seed 0
 * @returns the hash as an unsigned 64-bit bigint
 * @throws ShardError `BAD_KEY` when input is neither a string nor a Uint8Array; `BAD_OPTION` for a bad seed
 * @example
 * ```ts
 * xxHash64(''); // 0xef46db3751d8e999n
 * ```
 */
export function xxHash64(input: Uint8Array | string, seed: number | bigint = 0): bigint {
  const s = seedHalves(seed);
  let bytes: Uint8Array;
  if (typeof input === 'string') bytes = encoder.encode(input);
  else if (input instanceof Uint8Array) bytes = input;
  else throw new ShardError('BAD_KEY', `xxHash64 takes a string or a Uint8Array, got ${typeof input}`);
  const out: Hash64 = { hi: 0, lo: 0 };
  xxh64Into(bytes, bytes.length, s.hi, s.lo, out);
  return (BigInt(out.hi) << 32n) | BigInt(out.lo);
}
