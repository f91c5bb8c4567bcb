import type { Clock } from './Clock.js';
import { invalid } from './options.js';

/**
 * A clock whose `now()` reuses one reading of `base` for up to `maxAgeMs`, as nginx and Envoy
 * cache time per event-loop turn. Reading a clock costs 20–250 ns depending on the machine
 * (often more than everything else a closed breaker does per call); with a cached clock a busy
 * breaker reads the real clock at most once per `maxAgeMs`. The cache is dropped by a single
 * timer, set only when a reading is taken and unref'd where the platform allows, so an idle
 * process keeps no timer: after the last call it fires once and nothing is scheduled again.
 * Readings may lag by `maxAgeMs` plus any event-loop delay — fine for windows of seconds,
 * not for measuring sub-millisecond durations.
 *
 * @param base - the clock to read and to set the expiry timer on
 * @param maxAgeMs - how long one reading is reused, > 0. @defaultValue 1
 * @returns a Clock whose timers are `base`'s
 * @throws BreakerError `INVALID_OPTION` when `maxAgeMs` is not a positive finite number
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ clock: cachedClock(systemClock, 5) });
 * ```
 */
export function cachedClock(base: Clock, maxAgeMs = 1): Clock {
  if (typeof maxAgeMs !== 'number' || !Number.isFinite(maxAgeMs) || maxAgeMs <= 0) {
    invalid('options', 'maxAgeMs', maxAgeMs, 'a finite number of milliseconds > 0');
  }
  let cached = 0;
  let valid = false;
  const expire = (): void => {
    valid = false;
  };
  return {
    now(): number {
      if (valid) return cached;
      cached = base.now();
      valid = true;
      const handle = base.setTimeout(expire, maxAgeMs) as { unref?: () => void } | undefined;
      if (typeof handle === 'object' && handle !== null && typeof handle.unref === 'function') handle.unref();
      return cached;
    },
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
    clearTimeout: (handle) => base.clearTimeout(handle),
  };
}
