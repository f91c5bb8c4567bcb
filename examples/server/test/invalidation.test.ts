import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isInvalidation } from '../src/invalidation.js';

describe('isInvalidation (control messages from other processes)', () => {
  it('accepts exactly { kind, id } with a known kind and a snowflake id', () => {
    expect(isInvalidation({ kind: 'guild', id: '123' })).toBe(true);
    expect(isInvalidation({ kind: 'session', id: '9007199254740993' })).toBe(true);
    expect(isInvalidation({ kind: 'guild', id: 123 })).toBe(false);
    expect(isInvalidation({ kind: 'everything', id: '1' })).toBe(false);
    expect(isInvalidation({ kind: 'user', id: '1 OR 1' })).toBe(false);
    expect(isInvalidation(null)).toBe(false);
  });

  it('never throws, whatever arrives (fuzz)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ kind: fc.constantFrom('guild', 'session', 'channel', 'user', 'x'), id: fc.oneof(fc.string(), fc.bigInt().map(String)) })), (v) => {
        const ok = isInvalidation(v);
        if (ok) expect(/^[0-9]{1,19}$/.test(v.id)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
