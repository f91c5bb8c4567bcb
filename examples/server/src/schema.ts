import { ServiceError } from './errors.js';
import { isSnowflake } from './snowflake.js';

/** The JSON Schema (OpenAPI 3.1 dialect) a {@link Schema} publishes. */
export type JsonSchema = { readonly [key: string]: unknown };

/**
 * A validator that also describes itself: `parse` checks a value from outside and returns it
 * typed; `json` is the same rule as JSON Schema for /openapi.json, so the document and the
 * checks cannot drift apart.
 */
export interface Schema<T> {
  /** The rule as JSON Schema. */
  readonly json: JsonSchema;
  /** Whether an object property with this schema may be absent. */
  readonly optional: boolean;
  /**
   * Checks `value`.
   *
   * @param value - untrusted input
   * @param path - where the value sits, for the error message (e.g. `body.name`)
   * @returns the value, typed
   * @throws ServiceError `validation` saying what is wrong and where
   */
  parse(value: unknown, path: string): T;
}

/** The type a schema produces. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Props = Record<string, Schema<unknown>>;
type RequiredKeys<P extends Props> = { [K in keyof P]: P[K] extends { optional: true } ? never : K }[keyof P];
type OptionalKeys<P extends Props> = { [K in keyof P]: P[K] extends { optional: true } ? K : never }[keyof P];
/** The object type an {@link object} schema produces. */
export type ObjectOf<P extends Props> = { [K in RequiredKeys<P>]: Infer<P[K]> } & { [K in OptionalKeys<P>]?: Infer<P[K]> };

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(path: string, what: string): never {
  throw new ServiceError('validation', `${path} ${what}`);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Options of {@link string}. */
export interface StringOptions {
  /** Fewest characters (code points). @defaultValue 0 */
  min?: number;
  /** Most characters (code points). */
  max: number;
  /** A pattern the whole string must match. */
  pattern?: RegExp;
  /** What the pattern means, for the error message. */
  patternHint?: string;
}

/**
 * A string of bounded length: well-formed Unicode (no lone surrogates) and no NUL characters.
 *
 * @param options - length bounds and pattern
 * @returns the schema
 * @example
 * ```ts
 * string({ min: 1, max: 100 }).parse('general', 'body.name');
 * ```
 */
export function string(options: StringOptions): Schema<string> {
  const min = options.min ?? 0;
  const json: Record<string, unknown> = { type: 'string', minLength: min, maxLength: options.max };
  if (options.pattern) json['pattern'] = options.pattern.source;
  return {
    json,
    optional: false,
    parse(value, path) {
      if (typeof value !== 'string') fail(path, `must be a string, got ${describe(value)}`);
      // Length bound before the code-point count, so a huge string costs nothing to refuse.
      if (value.length > options.max * 2) fail(path, `must be at most ${options.max} characters, got ${value.length}`);
      if (LONE_SURROGATE.test(value)) fail(path, 'must be well-formed Unicode (it contains a lone surrogate)');
      if (value.includes('\u0000')) fail(path, 'must not contain NUL characters');
      let n = 0;
      for (const _ of value) n++;
      if (n < min) fail(path, `must be at least ${min} characters, got ${n}`);
      if (n > options.max) fail(path, `must be at most ${options.max} characters, got ${n}`);
      if (options.pattern && !options.pattern.test(value)) fail(path, `must be ${options.patternHint ?? `like ${options.pattern.source}`}`);
      return value;
    },
  };
}

/**
 * A safe integer within bounds.
 *
 * @param min - smallest allowed
 * @param max - largest allowed
 * @returns the schema
 * @example
 * ```ts
 * integer(1, 100).parse(50, 'query.limit');
 * ```
 */
export function integer(min: number, max: number): Schema<number> {
  return {
    json: { type: 'integer', minimum: min, maximum: max },
    optional: false,
    parse(value, path) {
      if (typeof value !== 'number' || !Number.isInteger(value)) fail(path, `must be an integer, got ${describe(value)}`);
      if (value < min || value > max) fail(path, `must be between ${min} and ${max}, got ${value}`);
      return value;
    },
  };
}

/**
 * An integer sent as a decimal string, as query parameters are (`?limit=50`).
 *
 * @param min - smallest allowed
 * @param max - largest allowed
 * @returns the schema
 * @example
 * ```ts
 * integerString(1, 100).parse('50', 'query.limit'); // 50
 * ```
 */
export function integerString(min: number, max: number): Schema<number> {
  const inner = integer(min, max);
  return {
    json: { type: 'integer', minimum: min, maximum: max },
    optional: false,
    parse(value, path) {
      if (typeof value !== 'string' || !/^-?[0-9]{1,16}$/.test(value)) fail(path, `must be a decimal integer, got ${typeof value === 'string' ? JSON.stringify(value.slice(0, 20)) : describe(value)}`);
      return inner.parse(Number(value), path);
    },
  };
}

/**
 * A boolean.
 *
 * @returns the schema
 * @example
 * ```ts
 * boolean().parse(true, 'body.nsfw');
 * ```
 */
export function boolean(): Schema<boolean> {
  return {
    json: { type: 'boolean' },
    optional: false,
    parse(value, path) {
      if (typeof value !== 'boolean') fail(path, `must be true or false, got ${describe(value)}`);
      return value;
    },
  };
}

/**
 * A snowflake id: a decimal string of 1–19 digits below 2^63.
 *
 * @returns the schema
 * @example
 * ```ts
 * id().parse('175928847299117063', 'path.channelId');
 * ```
 */
export function id(): Schema<string> {
  return {
    json: { type: 'string', pattern: '^[1-9][0-9]{0,18}$', description: 'snowflake id' },
    optional: false,
    parse(value, path) {
      if (!isSnowflake(value)) fail(path, `must be an id (a decimal string of 1 to 19 digits), got ${JSON.stringify(typeof value === 'string' ? value.slice(0, 24) : describe(value))}`);
      return value;
    },
  };
}

/**
 * One of a fixed set of strings.
 *
 * @param values - the allowed strings
 * @returns the schema
 * @example
 * ```ts
 * oneOf(['online', 'idle', 'offline'] as const).parse('idle', 'body.status');
 * ```
 */
export function oneOf<const V extends string>(values: readonly V[]): Schema<V> {
  return {
    json: { type: 'string', enum: [...values] },
    optional: false,
    parse(value, path) {
      if (typeof value !== 'string' || !(values as readonly string[]).includes(value)) fail(path, `must be one of ${values.join(', ')}`);
      return value as V;
    },
  };
}

/**
 * An array of bounded length.
 *
 * @param items - the schema of each element
 * @param maxItems - most elements
 * @returns the schema
 * @example
 * ```ts
 * array(id(), 10).parse(['1', '2'], 'body.roles');
 * ```
 */
export function array<T>(items: Schema<T>, maxItems: number): Schema<T[]> {
  return {
    json: { type: 'array', items: items.json, maxItems },
    optional: false,
    parse(value, path) {
      if (!Array.isArray(value)) fail(path, `must be an array, got ${describe(value)}`);
      if (value.length > maxItems) fail(path, `must have at most ${maxItems} items, got ${value.length}`);
      return value.map((v, i) => items.parse(v, `${path}[${i}]`));
    },
  };
}

/**
 * Marks an object property as optional.
 *
 * @param inner - the schema when present
 * @returns the same schema, allowed to be absent
 * @example
 * ```ts
 * object({ about: optional(string({ max: 190 })) });
 * ```
 */
export function optional<T>(inner: Schema<T>): Schema<T> & { readonly optional: true } {
  return { json: inner.json, optional: true, parse: inner.parse };
}

/**
 * Allows `null` besides the inner schema (e.g. to clear a field).
 *
 * @param inner - the schema for non-null values
 * @returns the schema
 * @example
 * ```ts
 * nullable(id()).parse(null, 'body.parentId'); // null
 * ```
 */
export function nullable<T>(inner: Schema<T>): Schema<T | null> {
  return {
    json: { anyOf: [inner.json, { type: 'null' }] },
    optional: false,
    parse(value, path) {
      return value === null ? null : inner.parse(value, path);
    },
  };
}

/**
 * A plain object with exactly these properties: unknown fields are refused (a typo is an error,
 * not silently ignored), and so are prototype keys such as `__proto__`.
 *
 * @param props - a schema per property
 * @returns the schema
 * @example
 * ```ts
 * const body = object({ name: string({ min: 1, max: 100 }), topic: optional(string({ max: 1024 })) });
 * body.parse({ name: 'general' }, 'body');
 * ```
 */
export function object<P extends Props>(props: P): Schema<ObjectOf<P>> {
  const required = Object.keys(props).filter((k) => !props[k]!.optional);
  const properties: Record<string, JsonSchema> = {};
  for (const [k, v] of Object.entries(props)) properties[k] = v.json;
  return {
    json: { type: 'object', properties, required, additionalProperties: false },
    optional: false,
    parse(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, `must be an object, got ${describe(value)}`);
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail(path, 'must be a plain object');
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) {
        if (!Object.hasOwn(props, key)) fail(path, `has an unknown field "${key.slice(0, 40)}"; allowed: ${Object.keys(props).join(', ') || 'none'}`);
      }
      for (const [key, schema] of Object.entries(props)) {
        const v = (value as Record<string, unknown>)[key];
        if (v === undefined) {
          if (!schema.optional) fail(`${path}.${key}`, 'is required');
          continue;
        }
        out[key] = schema.parse(v, `${path}.${key}`);
      }
      return out as ObjectOf<P>;
    },
  };
}
