/**
 * Response bodies as UTF-8 JSON bytes, reusing the bytes of frozen objects. A history page is
 * fifty messages that the next reader asks for again; the store hands out frozen messages (they
 * never change in place — an edit is a new object), so each is serialised and encoded once, not
 * once per read, and the page is a copy of cached bytes with its length known (no second pass
 * over the text to count UTF-8 bytes). Only frozen objects are cached, so a value that can still
 * change is never served stale.
 */
const cache = new WeakMap<object, Buffer>();
const NULL = Buffer.from('null');

function itemBytes(item: unknown): Buffer {
  if (item === null || typeof item !== 'object' || !Object.isFrozen(item)) {
    const text = JSON.stringify(item);
    return text === undefined ? NULL : Buffer.from(text);
  }
  let b = cache.get(item);
  if (b === undefined) {
    b = Buffer.from(JSON.stringify(item));
    cache.set(item, b);
  }
  return b;
}

/**
 * The bytes of `JSON.stringify(body)` in UTF-8, with the elements of a top-level array that are
 * frozen objects taken from a cache keyed by identity.
 *
 * @param body - a response body
 * @returns its JSON, byte for byte what `Buffer.from(JSON.stringify(body))` gives
 */
export function jsonBytes(body: unknown): Buffer {
  if (!Array.isArray(body)) return Buffer.from(JSON.stringify(body) ?? 'null');
  const parts: Buffer[] = new Array(body.length);
  let length = body.length === 0 ? 2 : body.length + 1;
  for (let i = 0; i < body.length; i++) {
    const b = itemBytes(body[i]);
    parts[i] = b;
    length += b.length;
  }
  const out = Buffer.allocUnsafe(length);
  out[0] = 0x5b; // [
  let at = 1;
  for (let i = 0; i < parts.length; i++) {
    if (i > 0) out[at++] = 0x2c; // ,
    out.set(parts[i]!, at);
    at += parts[i]!.length;
  }
  out[at] = 0x5d; // ]
  return out;
}

/**
 * Freezes a value and everything reachable from it (plain objects and arrays), so that
 * {@link jsonBytes} may cache its bytes.
 *
 * @param value - a plain JSON-like value
 * @returns the same value, frozen
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
