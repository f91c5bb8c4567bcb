import { encodeJson, type EncodedJson, type JsonValue } from '@chorus/wire';

/**
 * Gateway answers with the wire encoding of frozen objects reused: the gateway's counterpart of
 * jsonBody.ts's cache. A history page read over the gateway is fifty frozen messages that the
 * next reader asks for again; encoding them was most of the cost of such a read, so each is
 * validated and encoded once, on first use. Only frozen objects are cached (an edited message is
 * a new object), so nothing is served stale.
 */
const cache = new WeakMap<object, EncodedJson>();

/**
 * `body` ready for `FrameCodec.encodeResponse`: a top-level array's frozen object elements as
 * cached encodings, anything else as it is.
 *
 * @param body - a route's answer
 */
export function withEncodedItems(body: unknown): JsonValue | (JsonValue | EncodedJson)[] {
  if (!Array.isArray(body)) return body as JsonValue;
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
