import { WireError } from './WireError.js';

/** A value that JSON can carry: what generic (schema-less) payloads may hold. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Checks that `value` is JSON-like: plain objects and arrays, strings, finite numbers, booleans,
 * null; at most `maxDepth` levels; no `__proto__`, `constructor` or `prototype` keys, which
 * would let a payload reach object prototypes in careless consumers.
 * @throws {@link WireError} `invalid-field` or `too-large` (depth).
 * @internal
 */
export function assertJson(value: unknown, path: string, maxDepth: number, depth = 0): asserts value is JsonValue {
  jsonLevels(value, path, maxDepth, depth);
}

/**
 * {@link assertJson} that also says how many levels of arrays and objects `value` nests
 * (0 for a primitive), so that a pre-encoded value knows where it may be placed.
 * @internal
 */
export function jsonLevels(value: unknown, path: string, maxDepth: number, depth = 0): number {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return 0;
    case 'number':
      if (!Number.isFinite(value)) throw new WireError('invalid-field', 'numbers must be finite', path);
      return 0;
    case 'object': {
      if (value === null) return 0;
      if (depth >= maxDepth) throw new WireError('too-large', `payload nests deeper than ${maxDepth}`, path);
      let deepest = 0;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) deepest = Math.max(deepest, jsonLevels(value[i], `${path}[${i}]`, maxDepth, depth + 1));
        return deepest + 1;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) {
        throw new WireError('invalid-field', 'only plain objects, arrays and primitives are allowed', path);
      }
      for (const key of Object.keys(value)) {
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          throw new WireError('invalid-field', `key "${key}" is not allowed`, path);
        }
        deepest = Math.max(deepest, jsonLevels((value as Record<string, unknown>)[key], path === '' ? key : `${path}.${key}`, maxDepth, depth + 1));
      }
      return deepest + 1;
    }
    default:
      throw new WireError('invalid-field', `${typeof value} is not a JSON value`, path);
  }
}

/**
 * A JSON value validated and encoded once, to be sent many times: a history page is fifty
 * messages that the next reader asks for again, and encoding them dominates the cost of a read.
 * Made by {@link encodeJson}; {@link FrameCodec.encodeResponse} copies its bytes instead of
 * encoding the value again. Holds a copy of the bytes, so it never changes after creation.
 */
export class EncodedJson {
  /** @internal Use {@link encodeJson}. */
  constructor(
    /** The value, as given (pre-encoded elements replaced by their values). */
    readonly value: JsonValue,
    /** @internal Its msgpack encoding. */
    readonly bytes: Uint8Array,
    /** @internal How many levels of arrays and objects it nests. */
    readonly levels: number,
  ) {}

  /** Size of the encoding in bytes. */
  get byteLength(): number {
    return this.bytes.length;
  }
}
