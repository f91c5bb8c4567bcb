import type { PolicyKind } from './errors.js';
import { checkKeys, duration, invalid, numberIn } from './options.js';

/** How a delay is spread: not at all, uniformly below the exponential curve, or decorrelated (AWS). */
export type Jitter = 'none' | 'full' | 'decorrelated';

/** Exponential backoff settings. */
export interface BackoffOptions {
  /** Delay before the first retry (before jitter). @defaultValue 100 */
  readonly initialMs?: number;
  /** No delay exceeds this. @defaultValue 30_000 */
  readonly maxMs?: number;
  /** Growth per retry (>= 1). @defaultValue 2 */
  readonly multiplier?: number;
  /** @defaultValue 'full' */
  readonly jitter?: Jitter;
}

/** {@link BackoffOptions} with every default filled in and checked. */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
  readonly jitter: Jitter;
}

/**
 * Checks backoff options and fills in defaults.
 *
 * @param options - the settings to check
 * @param policy - named in error messages
 * @returns complete settings
 * @throws BreakerError `INVALID_OPTION` for an unknown key, a non-positive delay, `maxMs < initialMs` or an unknown jitter
 */
export function resolveBackoff(options: BackoffOptions | undefined, policy: PolicyKind = 'retry'): Backoff {
  const o = checkKeys(policy, options, ['initialMs', 'maxMs', 'multiplier', 'jitter']);
  const initialMs = duration(policy, 'backoff.initialMs', o.initialMs, 100, true);
  const maxMs = duration(policy, 'backoff.maxMs', o.maxMs, Math.max(30_000, initialMs), true);
  if (maxMs < initialMs) invalid(policy, 'backoff.maxMs', maxMs, `>= backoff.initialMs (${initialMs})`);
  const multiplier = numberIn(policy, 'backoff.multiplier', o.multiplier, 2, 1, 1000);
  const jitter = o.jitter ?? 'full';
  if (jitter !== 'none' && jitter !== 'full' && jitter !== 'decorrelated') {
    invalid(policy, 'backoff.jitter', jitter, '"none", "full" or "decorrelated"');
  }
  return { initialMs, maxMs, multiplier, jitter };
}

/**
 * The delay before retry number `retry` (1 for the first retry). `none`: the exponential curve
 * `initialMs * multiplier^(retry-1)` capped at `maxMs`; `full`: uniform in [0, curve);
 * `decorrelated`: uniform in [initialMs, 3 * previousMs] capped at `maxMs`, which spreads
 * clients apart better when they all failed at once.
 *
 * @param b - settings from {@link resolveBackoff}
 * @param retry - which retry, >= 1
 * @param previousMs - the previous delay (decorrelated jitter grows from it; pass `initialMs` first)
 * @param random - uniform in [0, 1)
 * @returns the delay in ms, within [0, maxMs]
 * @example
 * ```ts
 * const b = resolveBackoff({ initialMs: 100, jitter: 'none' });
 * backoffDelay(b, 3, 100, Math.random); // 400
 * ```
 */
export function backoffDelay(b: Backoff, retry: number, previousMs: number, random: () => number): number {
  if (b.jitter === 'decorrelated') {
    const hi = Math.max(b.initialMs, previousMs * 3);
    return Math.min(b.maxMs, b.initialMs + random() * (hi - b.initialMs));
  }
  const curve = Math.min(b.maxMs, b.initialMs * b.multiplier ** (retry - 1));
  return b.jitter === 'full' ? random() * curve : curve;
}
