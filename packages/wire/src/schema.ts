import { Decoder, Encoder } from '@msgpack/msgpack';
import type { ByteReader } from './ByteReader.js';
import { EncodedJson, assertJson, jsonLevels, type JsonValue } from './json.js';
import { ByteWriter } from './ByteWriter.js';
import { formatSnowflake, parseSnowflake } from './snowflake.js';
import { WireError, withPath } from './WireError.js';

/** Deepest nesting a generic (JSON) payload may have. */
export const MAX_JSON_DEPTH = 32;

/**
 * A field type of an event payload. A schema validates a value and writes it positionally
 * (objects become arrays in field order, so keys never travel), and reads it back.
 * Build schemas with {@link s}; `T` is the TypeScript type of the values it accepts.
 */
export interface Schema<T> {
  /** What the schema accepts, e.g. `'string'`, `'object'`; for messages and docs. */
  readonly kind: string;
  /** True for fields made with {@link s}.optional(): they may be absent. */
  readonly optional: boolean;
  /** @internal Validates `value` and writes it. */
  write(w: ByteWriter, value: unknown): void;
  /** @internal Reads and validates one value. */
  read(r: ByteReader): T;
}

type Infer<S> = S extends Schema<infer T> ? T : never;
type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<F extends Shape> = { [K in keyof F]: F[K]['optional'] extends true ? K : never }[keyof F];
/** The object type a {@link s}.object() schema accepts. */
export type ObjectOf<F extends Shape> = { [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & {
  [K in OptionalKeys<F>]?: Infer<F[K]>;
};

function make<T>(kind: string, write: (w: ByteWriter, v: unknown) => void, read: (r: ByteReader) => T): Schema<T> {
  return { kind, optional: false, write, read };
}

function intSchema(min: number, max: number): Schema<number> {
  const check = (v: unknown): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new WireError('invalid-field', 'expected an integer');
    if (v < min || v > max) throw new WireError('invalid-field', `${v} is outside ${min}..${max}`);
    return v;
  };
  return make(
    'int',
    (w, v) => w.int(check(v)),
    (r) => check(r.int('')),
  );
}

function stringSchema(max: number): Schema<string> {
  // UTF-8 needs at most 3 bytes per UTF-16 unit.
  const maxBytes = max * 3;
  return make(
    'string',
    (w, v) => {
      if (typeof v !== 'string') throw new WireError('invalid-field', 'expected a string');
      if (v.length > max) throw new WireError('too-large', `string of ${v.length} characters exceeds ${max}`);
      w.string(v);
    },
    (r) => {
      const v = r.string('', maxBytes);
      if (v.length > max) throw new WireError('too-large', `string of ${v.length} characters exceeds ${max}`);
      return v;
    },
  );
}

const jsonEncoder = new Encoder({ ignoreUndefined: false });
const jsonDecoder = new Decoder({ useBigInt64: false });

const ID_CACHE_SIZE = 1024;
const idCacheHi = new Float64Array(ID_CACHE_SIZE).fill(-1);
const idCacheLo = new Float64Array(ID_CACHE_SIZE);
const idCacheStr: string[] = new Array<string>(ID_CACHE_SIZE).fill('');

const snowflake: Schema<string> = make(
  'snowflake',
  (w, v) => {
    if (typeof v !== 'string') throw new WireError('invalid-field', 'expected a snowflake id string');
    const { hi, lo } = parseSnowflake(v, '');
    w.u64(hi, lo);
  },
  (r) => {
    const { hi, lo } = r.u64('');
    // Chat traffic repeats the same few ids (channel, guild, authors): a direct-mapped cache
    // turns most formats into two comparisons.
    const k = (lo ^ hi) & (ID_CACHE_SIZE - 1);
    if (idCacheHi[k] === hi && idCacheLo[k] === lo) return idCacheStr[k]!;
    const str = formatSnowflake(hi, lo);
    idCacheHi[k] = hi;
    idCacheLo[k] = lo;
    idCacheStr[k] = str;
    return str;
  },
);

/**
 * A JSON value, pre-encoded and limited to one level less than a payload may nest, so that it
 * stays within the limit as an element of an array. An array may hold values encoded earlier:
 * their bytes are copied, so a page can be encoded once from its cached messages.
 *
 * @param value - plain objects and arrays, strings, finite numbers, booleans, null; or an array
 * whose elements may be `EncodedJson`
 * @returns its encoding, for {@link FrameCodec.encodeResponse}
 * @throws {@link WireError} `invalid-field` for a value JSON cannot carry; `too-large` when it
 * nests deeper than {@link MAX_JSON_DEPTH} - 1 levels
 * @example
 * ```ts
 * const page = encodeJson(messages.map((m) => cache.get(m) ?? encodeJson(m)));
 * socket.send(codec.encodeResponse(requestId, page));
 * ```
 */
export function encodeJson(value: JsonValue | readonly (JsonValue | EncodedJson)[]): EncodedJson {
  if (hasEncoded(value)) {
    const w = new ByteWriter();
    // Its elements are checked two levels down: it must itself fit as an element.
    const levels = writeMixedArray(w, value, 2) + 1;
    if (levels > MAX_JSON_DEPTH - 1) throw new WireError('too-large', `payload nests deeper than ${MAX_JSON_DEPTH - 1}`);
    return new EncodedJson(value.map((e) => (e instanceof EncodedJson ? e.value : e)), w.bytes(), levels);
  }
  // Checked as an array element is: one level down.
  const levels = jsonLevels(value, '', MAX_JSON_DEPTH, 1);
  return new EncodedJson(value as JsonValue, jsonEncoder.encode(value), levels);
}

function hasEncoded(v: unknown): v is readonly (JsonValue | EncodedJson)[] {
  return Array.isArray(v) && v.some((e) => e instanceof EncodedJson);
}

/**
 * Writes an array some of whose elements are pre-encoded (copied as they are: msgpack encodes an
 * array as its header then each element alone, so the bytes are those of the plain array), the
 * others checked at nesting `depth` and encoded. Returns the deepest element's levels.
 */
function writeMixedArray(w: ByteWriter, v: readonly unknown[], depth: number): number {
  w.arrayHeader(v.length);
  let deepest = 0;
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    // Tested here so that the common case builds no path string.
    if (e instanceof EncodedJson) {
      w.rawShared(e.bytes);
      deepest = Math.max(deepest, e.levels);
    } else {
      deepest = Math.max(deepest, jsonLevels(e, `[${i}]`, MAX_JSON_DEPTH, depth));
      // The writer copies the bytes, so the encoder's own buffer can be lent rather than copied.
      w.raw(jsonEncoder.encodeSharedRef(e));
    }
  }
  return deepest;
}

const json: Schema<JsonValue> = make(
  'json',
  (w, v) => {
    // Pre-encoded values are copied as they are: whole, or as the elements of an array.
    if (v instanceof EncodedJson) w.rawShared(v.bytes);
    else if (hasEncoded(v)) writeMixedArray(w, v, 1);
    else {
      assertJson(v, '', MAX_JSON_DEPTH);
      w.raw(jsonEncoder.encodeSharedRef(v));
    }
  },
  (r) => {
    const { start, end } = r.skipValue('', MAX_JSON_DEPTH);
    let value: unknown;
    try {
      value = jsonDecoder.decode(r.buffer.subarray(start, end));
    } catch (err) {
      throw new WireError('invalid-field', `bad generic value: ${(err as Error).message}`);
    }
    assertJson(value, '', MAX_JSON_DEPTH);
    return value;
  },
);

/**
 * Schema builders. Objects are written as arrays in field order, so adding a field is
 * compatible only at the end (readers skip extra trailing fields and accept missing trailing
 * optional ones).
 *
 * @example
 * ```ts
 * const user = s.object({ id: s.snowflake(), name: s.string(32), bot: s.optional(s.boolean()) });
 * ```
 */
export const s: {
  string(maxLength: number): Schema<string>;
  int(min?: number, max?: number): Schema<number>;
  uint(max?: number): Schema<number>;
  number(): Schema<number>;
  boolean(): Schema<boolean>;
  snowflake(): Schema<string>;
  json(): Schema<JsonValue>;
  literal<const L extends readonly string[]>(values: L): Schema<L[number]>;
  array<T>(of: Schema<T>, maxLength: number): Schema<T[]>;
  nullable<T>(of: Schema<T>): Schema<T | null>;
  optional<T>(of: Schema<T>): Schema<T> & { readonly optional: true };
  object<F extends Shape>(fields: F): Schema<ObjectOf<F>>;
} = {
  /** A string of at most `maxLength` UTF-16 units. */
  string: stringSchema,
  /** A safe integer in `min..max`. */
  int: (min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) => intSchema(min, max),
  /** A non-negative safe integer up to `max`. */
  uint: (max = Number.MAX_SAFE_INTEGER) => intSchema(0, max),
  /** Any finite number. */
  number: () =>
    make(
      'number',
      (w, v) => {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new WireError('invalid-field', 'expected a finite number');
        if (Number.isSafeInteger(v) && !Object.is(v, -0)) w.int(v);
        else w.float(v);
      },
      (r) => {
        const v = r.number('');
        if (!Number.isFinite(v)) throw new WireError('invalid-field', 'expected a finite number');
        return v;
      },
    ),
  /** true or false. */
  boolean: () =>
    make(
      'boolean',
      (w, v) => {
        if (typeof v !== 'boolean') throw new WireError('invalid-field', 'expected a boolean');
        w.bool(v);
      },
      (r) => r.bool(''),
    ),
  /** An unsigned 64-bit id as a decimal string; travels as a msgpack uint64 (9 bytes, not 20). */
  snowflake: () => snowflake,
  /** Any JSON-like value (see {@link JsonValue}), encoded as plain msgpack. */
  json: () => json,
  /** One of a fixed list of strings; travels as its index. Append new values at the end only. */
  literal: <const L extends readonly string[]>(values: L): Schema<L[number]> => {
    const index = new Map<string, number>(values.map((v, i) => [v, i]));
    return make(
      'literal',
      (w, v) => {
        const i = typeof v === 'string' ? index.get(v) : undefined;
        if (i === undefined) throw new WireError('invalid-field', `expected one of ${values.join(', ')}`);
        w.int(i);
      },
      (r) => {
        const i = r.int('');
        const v = values[i];
        if (v === undefined) throw new WireError('invalid-field', `literal index ${i} is out of range`);
        return v;
      },
    );
  },
  /** An array of at most `maxLength` items. */
  array: <T>(of: Schema<T>, maxLength: number): Schema<T[]> =>
    make(
      'array',
      (w, v) => {
        if (!Array.isArray(v)) throw new WireError('invalid-field', 'expected an array');
        if (v.length > maxLength) throw new WireError('too-large', `array of ${v.length} items exceeds ${maxLength}`);
        w.arrayHeader(v.length);
        for (let i = 0; i < v.length; i++) {
          try {
            of.write(w, v[i]);
          } catch (err) {
            withPath(String(i), err);
          }
        }
      },
      (r) => {
        const n = r.arrayHeader('');
        if (n > maxLength) throw new WireError('too-large', `array of ${n} items exceeds ${maxLength}`);
        const out: T[] = new Array<T>(n);
        for (let i = 0; i < n; i++) {
          try {
            out[i] = of.read(r);
          } catch (err) {
            withPath(String(i), err);
          }
        }
        return out;
      },
    ),
  /** `of`, or null. */
  nullable: <T>(of: Schema<T>): Schema<T | null> =>
    make(
      `${of.kind} | null`,
      (w, v) => {
        if (v === null) w.nil();
        else of.write(w, v);
      },
      (r) => (r.nil('') ? null : of.read(r)),
    ),
  /** A field that may be absent (travels as nil). Not combinable with nullable. */
  optional: <T>(of: Schema<T>): Schema<T> & { readonly optional: true } => {
    if (of.optional || of.kind.endsWith('| null')) throw new TypeError('s.optional() takes a schema that is neither optional nor nullable');
    if (of.kind !== 'json') return { kind: of.kind, optional: true, write: of.write, read: of.read };
    // A JSON value may itself be null, which travels as nil like an absent field: box it in a
    // one-element array so that `null` and absent stay different.
    return {
      kind: of.kind,
      optional: true,
      write: (w, v) => {
        w.arrayHeader(1);
        of.write(w, v);
      },
      read: (r) => {
        if (r.arrayHeader('') !== 1) throw new WireError('invalid-field', 'expected a boxed value');
        return of.read(r);
      },
    };
  },
  /** An object with exactly these fields, written positionally. Unknown keys are refused. */
  object: <F extends Shape>(fields: F): Schema<ObjectOf<F>> => {
    const keys = Object.keys(fields);
    const schemas = keys.map((k) => fields[k]!);
    const known = new Set(keys);
    let required = keys.length;
    while (required > 0 && schemas[required - 1]!.optional) required--;
    return make(
      'object',
      (w, v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new WireError('invalid-field', 'expected an object');
        const o = v as Record<string, unknown>;
        w.arrayHeader(keys.length);
        let seen = 0;
        for (let i = 0; i < keys.length; i++) {
          const key = keys[i]!;
          const value = o[key];
          if (value === undefined) {
            if (!schemas[i]!.optional) throw new WireError('invalid-field', 'is required', key);
            if (Object.hasOwn(o, key)) seen++;
            w.nil();
            continue;
          }
          seen++;
          try {
            schemas[i]!.write(w, value);
          } catch (err) {
            withPath(key, err);
          }
        }
        // Counting instead of scanning keys keeps the common case (no extra keys) cheap.
        let present = 0;
        for (const _ in o) present++;
        if (seen !== present) {
          for (const key of Object.keys(o)) if (!known.has(key)) throw new WireError('invalid-field', 'is not a known field', key);
        }
      },
      (r) => {
        const n = r.arrayHeader('');
        if (n < required) throw new WireError('invalid-field', `object has ${n} fields, expected at least ${required}`);
        const out: Record<string, unknown> = {};
        const m = n < keys.length ? n : keys.length;
        for (let i = 0; i < m; i++) {
          const key = keys[i]!;
          const schema = schemas[i]!;
          if (schema.optional && r.nil('')) continue;
          try {
            out[key] = schema.read(r);
          } catch (err) {
            withPath(key, err);
          }
        }
        // Fields a newer peer appended: skip them.
        for (let i = m; i < n; i++) r.skipValue('', MAX_JSON_DEPTH);
        return out as ObjectOf<F>;
      },
    );
  },
};
