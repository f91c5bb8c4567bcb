import { EncodedJson, encodeJson, type JsonValue } from '@chorus/wire';

/**
 * Gateway answers with the wire encoding of frozen objects reused: the gateway's counterpart of
 * jsonBody.ts's cache. A history page read over the gateway is fifty frozen messages that the
 * next reader asks for again; encoding them was most of the cost of such a read, so each is
 * validated and encoded once, on first use, and so is a frozen page. Only frozen objects are
 * cached (an edited message is a new object, a changed channel a new page), so nothing is served
 * stale.
 */
const cache = new WeakMap<object, EncodedJson>();

/**
 * `body` ready for `FrameCodec.encodeResponse`: a top-level array's frozen object elements as
 * cached encodings, anything else as it is. A frozen array (the store's latest page, the same
 * array until its channel changes) is encoded whole once and cached too.
 *
 * @param body - a route's answer
 */
export function withEncodedItems(body: unknown): JsonValue | EncodedJson | (JsonValue | EncodedJson)[] {
  if (!Array.isArray(body)) return body as JsonValue;
  const cached = cache.get(body);
  if (cached !== undefined) return cached;
  const items = itemsOf(body);
  // Kept only when nothing in it can change: a frozen array of primitives and frozen objects.
  if (Object.isFrozen(body) && items.every((e) => e === null || typeof e !== 'object' || e instanceof EncodedJson)) {
    const page = encodeJson(items);
    cache.set(body, page);
    return page;
  }
  return items;
}

function itemsOf(body: readonly unknown[]): (JsonValue | EncodedJson)[] {
  const out: (JsonValue | EncodedJson)[] = new Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const item: unknown = body[i];
    if (item === null || typeof item !== 'object' || !Object.isFrozen(item)) {
      out[i] = item as JsonValue;
      continue;
    }
    let e = cache.get(item);
    if (e === undefined) {
      e = encodeJson(item as JsonValue);
      cache.set(item, e);
    }
    out[i] = e;
  }
  return out;
}
