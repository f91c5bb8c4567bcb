import { WireError } from './WireError.js';

const TWO32 = 0x100000000;

/**
 * Parses a snowflake (an unsigned 64-bit id in decimal) into 32-bit halves without BigInt,
 * which is several times slower on this hot path.
 * @throws {@link WireError} `invalid-field` when it is not 1-20 digits, has a leading zero, or exceeds 2^64 - 1.
 * @internal
 */
export function parseSnowflake(s: string, path: string): { hi: number; lo: number } {
  const n = s.length;
  if (n === 0 || n > 20 || (n > 1 && s.charCodeAt(0) === 48)) {
    throw new WireError('invalid-field', 'expected a snowflake id (1-20 decimal digits, no leading zero)', path);
  }
  // Up to 15 digits are exact in a double; a longer id is head * 10^5 + tail.
  const split = n > 15 ? n - 5 : n;
  const head = digits(s, 0, split, path);
  let hi = Math.floor(head / TWO32);
  let lo = head - hi * TWO32;
  if (split < n) {
    const x = lo * 100000 + digits(s, split, n, path); // < 2^32 * 10^5, exact
    const carry = Math.floor(x / TWO32);
    lo = x - carry * TWO32;
    hi = hi * 100000 + carry;
    if (hi >= TWO32) throw new WireError('invalid-field', 'snowflake id exceeds 2^64 - 1', path);
  }
  return { hi, lo };
}

function digits(s: string, from: number, to: number, path: string): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new WireError('invalid-field', 'expected a snowflake id (decimal digits only)', path);
    v = v * 10 + d;
  }
  return v;
}

/**
 * Formats 32-bit halves as the decimal snowflake string.
 * Values above 2^53 are divided by 10^5 in exact double arithmetic until they fit.
 * @internal
 */
export function formatSnowflake(hi: number, lo: number): string {
  let tail = '';
  while (hi >= 0x200000) {
    const rh = hi % 100000;
    hi = (hi - rh) / 100000;
    const x = rh * TWO32 + lo; // < 1e5 * 2^32, exact
    const q = Math.floor(x / 100000);
    const r = x - q * 100000;
    lo = q;
    tail = (r + 100000).toString().slice(1) + tail;
  }
  return (hi * TWO32 + lo).toString() + tail;
}
