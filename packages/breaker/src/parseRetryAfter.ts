import { BreakerError } from './errors.js';

const MAX_SECONDS = 2 ** 31 / 1000;

/**
 * Reads an HTTP `Retry-After` value — delay-seconds (`"120"`) or an HTTP-date
 * (`"Wed, 21 Oct 2026 07:28:00 GMT"`) — as milliseconds from `nowMs`. A date in the past gives 0.
 *
 * @param value - the header value
 * @param nowMs - the current wall-clock time, epoch ms (for dates). @defaultValue Date.now()
 * @returns the delay in ms, >= 0
 * @throws BreakerError `INVALID_OPTION` (policy `retry`) when the value is neither form, or absurdly large
 * @example
 * ```ts
 * parseRetryAfter('2'); // 2000
 * ```
 */
export function parseRetryAfter(value: string, nowMs: number = Date.now()): number {
  if (typeof value !== 'string') throw bad(value);
  const v = value.trim();
  if (/^\d{1,12}$/.test(v)) {
    const seconds = Number(v);
    if (seconds > MAX_SECONDS) throw bad(value);
    return seconds * 1000;
  }
  // IMF-fixdate and the two obsolete forms HTTP still accepts all start with a day name.
  if (v.length > 64 || !/^[A-Za-z]{3,9}, ?[0-9A-Za-z :-]+$/.test(v)) throw bad(value);
  const at = Date.parse(v);
  if (!Number.isFinite(at) || !Number.isFinite(nowMs)) throw bad(value);
  return Math.max(0, at - nowMs);
}

function bad(value: unknown): BreakerError<'INVALID_OPTION'> {
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 64)) : typeof value;
  return new BreakerError(
    'INVALID_OPTION',
    'retry',
    `Retry-After ${shown} is neither delay-seconds ("120", below 2^31 ms) nor an HTTP-date ("Wed, 21 Oct 2026 07:28:00 GMT")`,
  );
}
