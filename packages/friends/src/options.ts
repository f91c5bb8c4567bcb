import { FriendsError } from './errors.js';

/**
 * Reads an own property of an options bag, so that a polluted `Object.prototype` or an object
 * built with `Object.create(evil)` cannot inject settings.
 */
function own(options: object | undefined, name: string): unknown {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new FriendsError('invalid-option', `options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  return Object.hasOwn(options, name) ? (options as Record<string, unknown>)[name] : undefined;
}

/** Renders a bad option value without calling a hostile object's toString. */
export function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' || v == null ? String(v) : typeof v;
}

/**
 * An integer option within `[min, max]`, or `fallback` when absent.
 *
 * @throws {@link FriendsError} `invalid-option`
 */
export function intOption(options: object | undefined, name: string, min: number, max: number, fallback: number): number {
  const v = own(options, name);
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new FriendsError('invalid-option', `option ${name} must be an integer in [${min}, ${max}], got ${shown(v)}`);
  }
  return v;
}

/**
 * A finite number option within `[min, max]`, or `fallback` when absent.
 *
 * @throws {@link FriendsError} `invalid-option`
 */
export function numberOption(options: object | undefined, name: string, min: number, max: number, fallback: number): number {
  const v = own(options, name);
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw new FriendsError('invalid-option', `option ${name} must be a finite number in [${min}, ${max}], got ${shown(v)}`);
  }
  return v;
}

/**
 * One of `allowed`, or `fallback` when absent.
 *
 * @throws {@link FriendsError} `invalid-option`
 */
export function choiceOption<T extends string>(options: object | undefined, name: string, allowed: readonly T[], fallback: T): T {
  const v = own(options, name);
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new FriendsError('invalid-option', `option ${name} must be one of ${allowed.join(', ')}; got ${shown(v)}`);
  }
  return v as T;
}

/**
 * A boolean option, or `fallback` when absent.
 *
 * @throws {@link FriendsError} `invalid-option`
 */
export function boolOption(options: object | undefined, name: string, fallback: boolean): boolean {
  const v = own(options, name);
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new FriendsError('invalid-option', `option ${name} must be true or false, got ${shown(v)}`);
  return v;
}

/**
 * The raw own value of an option (for options with structured values), or undefined.
 *
 * @throws {@link FriendsError} `invalid-option` when `options` is not an object
 */
export function rawOption(options: object | undefined, name: string): unknown {
  return own(options, name);
}
