import { SimulcastError, type SimulcastErrorCode } from './errors.js';

// Shared guards: every public entry validates numbers through these, so a NaN never reaches
// the arithmetic that would otherwise spread it into the estimate.

/** Names the checked value; a function so hot paths build no message unless they throw. */
export type What = string | (() => string);

function name(what: What): string {
  return typeof what === 'string' ? what : what();
}

/** Throws unless `value` is a finite number >= `min`. */
export function finiteAtLeast(value: unknown, min: number, what: What, code: SimulcastErrorCode = 'INVALID_NUMBER'): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new SimulcastError(code, `${name(what)} must be a finite number >= ${min}, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer in [min, max]. */
export function integerIn(value: unknown, min: number, max: number, what: What, code: SimulcastErrorCode = 'INVALID_NUMBER'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SimulcastError(code, `${name(what)} must be an integer in [${min}, ${max}], got ${describe(value)}`);
  }
  return value;
}

/** Reads an optional numeric option, validating it when present. */
export function optionAtLeast(value: unknown, fallback: number, min: number, what: string): number {
  return value === undefined ? fallback : finiteAtLeast(value, min, what, 'INVALID_OPTION');
}

/** Short, safe rendering of an arbitrary value for error messages. */
export function describe(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}
