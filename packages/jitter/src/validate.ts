import { JitterError, type JitterErrorCode } from './JitterError.js';

// Shared guards for every outside input; each throws a JitterError naming the field.

/** @internal Throws unless `value` is a finite number within [min, max]. */
export function checkNumber(code: JitterErrorCode, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JitterError(code, `${name} must be a finite number, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new JitterError(code, `${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

/** @internal Throws unless `value` is an integer within [min, max]. */
export function checkInteger(code: JitterErrorCode, name: string, value: unknown, min: number, max: number): number {
  checkNumber(code, name, value, min, max);
  if (!Number.isInteger(value)) throw new JitterError(code, `${name} must be an integer, got ${String(value)}`);
  return value as number;
}

/** @internal Returns `value` when undefined-safe checks pass, else `fallback`. */
export function optionalNumber(name: string, value: unknown, fallback: number, min: number, max: number): number {
  return value === undefined ? fallback : checkNumber('INVALID_OPTION', name, value, min, max);
}

/** @internal Throws unless `value` is a non-null, non-array object. */
export function checkObject(code: JitterErrorCode, name: string, value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new JitterError(code, `${name} must be an object, got ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

/** @internal A short description of an unexpected value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'undefined') return String(value);
  if (typeof value === 'string') return `a string (${JSON.stringify(value.slice(0, 20))})`;
  return `a ${typeof value}`;
}
