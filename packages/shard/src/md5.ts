import { ShardError } from './errors.js';

// MD5 (RFC 1321) in plain TypeScript so the ketama-compatible ring works in browsers, where
// node:crypto does not exist. It is used to reproduce `hashring`'s placements, never for security.

const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
// K[i] = floor(2^32 * |sin(i + 1)|), as RFC 1321 section 3.4 defines the table.
const K = new Int32Array(64);
for (let i = 0; i < 64; i++) K[i] = Math.floor(Math.abs(Math.sin(i + 1)) * 0x100000000) | 0;

const X = new Int32Array(16);
let block = new Uint8Array(128);

function compress(b: Uint8Array, off: number, st: Int32Array): void {
  for (let i = 0; i < 16; i++) {
    const j = off + i * 4;
    X[i] = b[j]! | (b[j + 1]! << 8) | (b[j + 2]! << 16) | (b[j + 3]! << 24);
  }
  let a = st[0]!, bb = st[1]!, c = st[2]!, d = st[3]!;
  for (let i = 0; i < 64; i++) {
    let f: number, g: number;
    if (i < 16) { f = (bb & c) | (~bb & d); g = i; }
    else if (i < 32) { f = (d & bb) | (~d & c); g = (5 * i + 1) & 15; }
    else if (i < 48) { f = bb ^ c ^ d; g = (3 * i + 5) & 15; }
    else { f = c ^ (bb | ~d); g = (7 * i) & 15; }
    const s = S[((i >> 4) << 2) | (i & 3)]!;
    const t = (a + f + K[i]! + X[g]!) | 0;
    a = d; d = c; c = bb;
    bb = (bb + ((t << s) | (t >>> (32 - s)))) | 0;
  }
  st[0] = (st[0]! + a) | 0; st[1] = (st[1]! + bb) | 0; st[2] = (st[2]! + c) | 0; st[3] = (st[3]! + d) | 0;
}

/**
 * MD5 of `bytes[0..len)` as its four little-endian 32-bit state words (A, B, C, D) — exactly the
 * four unsigned integers ketama reads out of the digest — written into `out`.
 */
export function md5Words(bytes: Uint8Array, len: number, out: Uint32Array): void {
  const st = new Int32Array([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476]);
  let p = 0;
  for (; p + 64 <= len; p += 64) compress(bytes, p, st);
  const rest = len - p;
  const padded = rest < 56 ? 64 : 128;
  if (block.length < padded) block = new Uint8Array(padded);
  block.fill(0, 0, padded);
  block.set(bytes.subarray(p, len));
  block[rest] = 0x80;
  // Message length in bits, 64-bit little-endian.
  const bitsLo = (len * 8) >>> 0;
  const bitsHi = Math.floor((len * 8) / 0x100000000) >>> 0;
  for (let i = 0; i < 4; i++) {
    block[padded - 8 + i] = (bitsLo >>> (8 * i)) & 0xff;
    block[padded - 4 + i] = (bitsHi >>> (8 * i)) & 0xff;
  }
  compress(block, 0, st);
  if (padded === 128) compress(block, 64, st);
  for (let i = 0; i < 4; i++) out[i] = st[i]! >>> 0;
}

const encoder = new TextEncoder();

/**
 * MD5 digest (RFC 1321) of bytes or of a string's UTF-8 encoding, as lowercase hex. Pure
 * TypeScript, browser-safe; here for the ketama-compatible ring, not for security.
 *
 * @param input - bytes, or a string hashed as UTF-8
 * @returns 32 hex digits
 * @throws ShardError `BAD_KEY` when input is neither a string nor a Uint8Array
 * @example
 * ```ts
 * md5Hex('abc'); // '900150983cd24fb0d6963f7d28e17f72'
 * ```
 */
export function md5Hex(input: Uint8Array | string): string {
  let bytes: Uint8Array;
  if (typeof input === 'string') bytes = encoder.encode(input);
  else if (input instanceof Uint8Array) bytes = input;
  else throw new ShardError('BAD_KEY', `md5Hex takes a string or a Uint8Array, got ${typeof input}`);
  const w = new Uint32Array(4);
  md5Words(bytes, bytes.length, w);
  let hex = '';
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) hex += ((w[i]! >>> (8 * j)) & 0xff).toString(16).padStart(2, '0');
  }
  return hex;
}
