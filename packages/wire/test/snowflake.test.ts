import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSnowflake, parseSnowflake } from '../src/snowflake.js';

describe('snowflake halves', () => {
  it('agree with BigInt for every 64-bit value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), (v) => {
        const { hi, lo } = parseSnowflake(v.toString(), '');
        expect(BigInt(hi) * 2n ** 32n + BigInt(lo)).toBe(v);
        expect(formatSnowflake(hi, lo)).toBe(v.toString());
      }),
      { numRuns: 5000 },
    );
  });

  it('refuse what is not an unsigned 64-bit decimal', () => {
    for (const bad of ['', '01', '-1', '1.0', '18446744073709551616', '99999999999999999999', 'abc', ' 1', '1e3']) {
      expect(() => parseSnowflake(bad, 'id'), bad).toThrow(/snowflake/);
    }
    expect(formatSnowflake(0xffffffff, 0xffffffff)).toBe('18446744073709551615');
  });
});
