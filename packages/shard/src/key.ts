import { ShardError } from './errors.js';
import { xxh32Bytes, xxh32String, xxh32Word } from './xxHash32.js';
import { xxh64Into, xxh64StringInto, xxh64WordInto, type Hash64 } from './xxHash64.js';

/**
 * What can be placed: a string (hashed as UTF-8), raw bytes, or a safe integer (hashed as its
 * 8-byte little-endian two's-complement encoding, so `5` and the bytes `05 00 00 00 00 00 00 00`
 * land on the same node).
 *
 * @example
 * ```ts
 * const keys: Key[] = ['guild:42', 42, new TextEncoder().encode('room:7')];
 * ```
 */
export type Key = string | Uint8Array | number;

const encoder = new TextEncoder();
let scratch = new Uint8Array(256);

/** Writes the UTF-8 bytes of `s` into the shared scratch buffer and returns their count. */
export function utf8Scratch(s: string): number {
  const n = s.length;
  if (n * 3 > scratch.length) scratch = new Uint8Array(Math.max(n * 3, scratch.length * 2));
  const b = scratch;
  // ASCII is copied by hand: TextEncoder's call overhead dominates for short keys.
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return encoder.encodeInto(s, b).written;
    b[i] = c;
  }
  return n;
}

/** The shared scratch buffer that {@link utf8Scratch} filled. */
export function scratchBytes(): Uint8Array {
  return scratch;
}

/** Rejects anything that is not a {@link Key}. */
export function badKey(key: unknown): ShardError {
  if (typeof key === 'number') {
    return new ShardError('BAD_KEY', `integer keys must be safe integers (|k| <= 2^53 - 1), got ${String(key)}; pass larger ids as strings or bytes`);
  }
  return new ShardError('BAD_KEY', `a key must be a string, a Uint8Array or a safe integer, got ${key === null ? 'null' : typeof key}`);
}

/**
 * xxHash64 of a key with the seed (sh, sl), into `out`.
 *
 * @throws ShardError `BAD_KEY` for anything but a string, Uint8Array or safe integer
 */
export function hashKeyInto(key: Key, sh: number, sl: number, out: Hash64): void {
  if (typeof key === 'string') {
    if (key.length * 3 > scratch.length) scratch = new Uint8Array(Math.max(key.length * 3, scratch.length * 2));
    xxh64StringInto(key, sh, sl, out, scratch);
  } else if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) throw badKey(key);
    xxh64WordInto(Math.floor(key / 0x100000000) >>> 0, key >>> 0, sh, sl, out);
  } else if (key instanceof Uint8Array) {
    xxh64Into(key, key.length, sh, sl, out);
  } else {
    throw badKey(key);
  }
}

/**
 * xxHash32 of a key (same byte conventions as {@link hashKeyInto}) with a 32-bit seed.
 *
 * @throws ShardError `BAD_KEY` for anything but a string, Uint8Array or safe integer
 */
export function hashKey32(key: Key, seed: number): number {
  if (typeof key === 'string') return xxh32String(key, seed);
  if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) throw badKey(key);
    return xxh32Word(Math.floor(key / 0x100000000) | 0, key | 0, seed);
  }
  if (key instanceof Uint8Array) return xxh32Bytes(key, key.length, seed);
  throw badKey(key);
}

/**
 * A Map key that identifies a {@link Key} by value: strings and numbers are themselves; bytes
 * become a string of their code units (prefixed so they never equal a string key).
 */
export function keyIdentity(key: Key): string | number {
  // A leading NUL marks the byte form, so a string that itself starts with NUL is escaped.
  if (typeof key === 'string') return key.charCodeAt(0) === 0 ? `\u0000s:${key}` : key;
  if (typeof key === 'number') {
    if (!Number.isSafeInteger(key)) throw badKey(key);
    return key;
  }
  if (key instanceof Uint8Array) {
    let s = '\u0000b:';
    for (let i = 0; i < key.length; i++) s += String.fromCharCode(key[i]!);
    return s;
  }
  throw badKey(key);
}
