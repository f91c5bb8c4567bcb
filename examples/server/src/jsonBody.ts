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
 * frozen objects taken from a cache keyed by identity, and a frozen array of such elements (and
 * primitives) cached whole. The same Buffer may be returned again: send it, do not change it.
 *
 * @param body - a response body
 * @returns its JSON, byte for byte what `Buffer.from(JSON.stringify(body))` gives
 */
export function jsonBytes(body: unknown): Buffer {
  if (!Array.isArray(body)) return Buffer.from(JSON.stringify(body) ?? 'null');
  const held = cache.get(body);
  if (held !== undefined) return held;
  const parts: Buffer[] = new Array(body.length);
  let length = body.length === 0 ? 2 : body.length + 1;
  let stable = Object.isFrozen(body);
  for (let i = 0; i < body.length; i++) {
    const item: unknown = body[i];
    const b = itemBytes(item);
    parts[i] = b;
    length += b.length;
    if (item !== null && typeof item === 'object' && !Object.isFrozen(item)) stable = false;
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
  // A frozen page of frozen items (the store's latest page, the same array until its channel
  // changes) is kept whole. Callers get the same Buffer each time: they send it, never write to it.
  if (stable) cache.set(body, out);
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
