// Option validation shared by every policy. Options often come from configuration files, so
// each check names the option, shows the bad value and says what range is accepted.
import { BreakerError, type PolicyKind } from './errors.js';

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined || value === null) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}

/** Throws `INVALID_OPTION` for `policy`: `name` got `value`, which must be `expected`. */
export function invalid(policy: PolicyKind, name: string, value: unknown, expected: string): never {
  throw new BreakerError('INVALID_OPTION', policy, `${policy}: option "${name}" is ${show(value)}; it must be ${expected}`);
}

/**
 * Returns `options` (or `{}`) after checking it is a plain object whose own keys are all in
 * `allowed` — this catches typos and hostile keys such as `__proto__` from parsed JSON.
 */
export function checkKeys<T extends object>(policy: PolicyKind, options: T | undefined, allowed: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    invalid(policy, 'options', options, 'an object');
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new BreakerError(
        'INVALID_OPTION',
        policy,
        `${policy}: unknown option ${JSON.stringify(key)}; the options are ${allowed.join(', ')}`,
      );
    }
  }
  return options;
}

/** A finite number in [min, max], or `fallback` when undefined. */
export function numberIn(policy: PolicyKind, name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    invalid(policy, name, value, `a finite number from ${min} to ${max}`);
  }
  return value;
}

/** A fraction in [0, 1] (a failure rate, a ratio), or `fallback`. */
export function ratio(policy: PolicyKind, name: string, value: unknown, fallback: number): number {
  return numberIn(policy, name, value, fallback, 0, 1);
}

/** A duration in ms, > 0 (or >= 0 when `allowZero`), finite, or `fallback`. */
export function duration(policy: PolicyKind, name: string, value: unknown, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0) || value > 2 ** 31 - 1) {
    invalid(policy, name, value, `a finite number of milliseconds ${allowZero ? '>= 0' : '> 0'} and below 2^31`);
  }
  return value;
}

/** An integer in [min, max], or `fallback`. */
export function integer(policy: PolicyKind, name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(policy, name, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** A function, or `fallback`. */
export function fn<F>(policy: PolicyKind, name: string, value: unknown, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') invalid(policy, name, value, 'a function');
  return value as F;
}
