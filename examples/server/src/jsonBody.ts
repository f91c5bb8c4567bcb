/**
 * JSON text of response bodies, reusing the text of frozen objects. A history page is fifty
 * messages that the next reader asks for again; the store hands out frozen messages (they never
 * change in place — an edit is a new object), so each is stringified once, not once per read.
 * Only frozen objects are cached, so a mutable value can never be served stale.
 */
const texts = new WeakMap<object, string>();

function itemJson(item: unknown): string {
  if (item === null || typeof item !== 'object' || !Object.isFrozen(item)) return JSON.stringify(item) ?? 'null';
  let t = texts.get(item);
  if (t === undefined) {
    t = JSON.stringify(item);
    texts.set(item, t);
  }
  return t;
}

/**
 * `JSON.stringify(body)`, with the elements of a top-level array that are frozen objects taken
 * from a cache keyed by identity.
 *
 * @param body - a response body
 * @returns its JSON text, identical to `JSON.stringify(body)`
 */
export function jsonBody(body: unknown): string {
  if (!Array.isArray(body)) return JSON.stringify(body);
  let out = '[';
  for (let i = 0; i < body.length; i++) out += (i === 0 ? '' : ',') + itemJson(body[i]);
  return `${out}]`;
}

/**
 * Freezes a value and everything reachable from it (plain objects and arrays), so that
 * {@link jsonBody} may cache its text.
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
