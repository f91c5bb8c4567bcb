import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ROUTES, ServiceError, array, id, integer, integerString, nullable, object, oneOf, optional, string } from '../src/index.js';

const body = object({ name: string({ min: 1, max: 10 }), n: optional(integer(0, 5)), tags: optional(array(oneOf(['a', 'b'] as const), 3)), parent: optional(nullable(id())) });

function outcome(f: () => unknown): 'ok' | 'validation' {
  try {
    f();
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceError);
    expect((e as ServiceError).code).toBe('validation');
    expect((e as ServiceError).message.length).toBeGreaterThan(5);
    return 'validation';
  }
}

describe('schemas', () => {
  it('accept exactly the values they describe and return them unchanged', () => {
    fc.assert(
      fc.property(
        fc.record({ name: fc.string({ minLength: 1, maxLength: 10, unit: 'grapheme-ascii' }), n: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }) }, { requiredKeys: ['name'] }),
        (v) => {
          const clean = Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined));
          expect(body.parse(clean, 'body')).toEqual(clean);
          return true;
        },
      ),
    );
  });

  it('never throw anything but a validation ServiceError, whatever the input (fuzz)', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withBigInt: true, withDate: true, withMap: true, withTypedArray: true, withSparseArray: true }), (v) => {
        outcome(() => body.parse(v, 'body'));
        for (const r of ROUTES) {
          outcome(() => r.params.parse(v, 'path'));
          if (r.body) outcome(() => r.body!.parse(v, 'body'));
        }
      }),
      { numRuns: 120 },
    );
  });

  it('refuse unknown fields and prototype-pollution keys, and do not pollute', () => {
    for (const json of ['{"name":"x","__proto__":{"polluted":1}}', '{"name":"x","constructor":{"prototype":{"polluted":1}}}', '{"name":"x","prototype":1}', '{"name":"x","nme":1}']) {
      expect(outcome(() => body.parse(JSON.parse(json), 'body'))).toBe('validation');
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('refuse oversize, lone surrogates, NUL, NaN, Infinity and non-integers', () => {
    const s = string({ max: 5 });
    expect(outcome(() => s.parse('x'.repeat(1_000_000), 'v'))).toBe('validation');
    expect(outcome(() => s.parse('ab\uD800', 'v'))).toBe('validation');
    expect(outcome(() => s.parse('\uDC00', 'v'))).toBe('validation');
    expect(outcome(() => s.parse('a\u0000', 'v'))).toBe('validation');
    expect(s.parse('😀😀😀😀😀', 'v')).toBe('😀😀😀😀😀'); // 5 characters, 10 UTF-16 units
    const n = integer(0, 10);
    for (const bad of [Number.NaN, Infinity, -Infinity, 1.5, '3', -1, 11]) expect(outcome(() => n.parse(bad, 'v'))).toBe('validation');
    const q = integerString(1, 100);
    for (const bad of ['', '1e2', '0x10', ' 5', '5 ', 'NaN', '101', '99999999999999999999']) expect(outcome(() => q.parse(bad, 'v'))).toBe('validation');
    expect(q.parse('42', 'v')).toBe(42);
  });

  it('ids: 1 to 19 digits, no leading zero, below 2^63', () => {
    const i = id();
    expect(i.parse('9223372036854775807', 'v')).toBe('9223372036854775807');
    for (const bad of ['0', '01', '9223372036854775808', '-1', '1.0', '', 'abc', 12]) expect(outcome(() => i.parse(bad, 'v'))).toBe('validation');
    fc.assert(fc.property(fc.bigInt({ min: 1n, max: (1n << 63n) - 1n }), (b) => {
      expect(i.parse(b.toString(), 'v')).toBe(b.toString());
    }));
  });

  it('publish the same rules as JSON Schema', () => {
    expect(body.json).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 10 },
        n: { type: 'integer', minimum: 0, maximum: 5 },
        tags: { type: 'array', items: { type: 'string', enum: ['a', 'b'] }, maxItems: 3 },
        parent: { anyOf: [{ type: 'string', pattern: '^[1-9][0-9]{0,18}$', description: 'snowflake id' }, { type: 'null' }] },
      },
      required: ['name'],
      additionalProperties: false,
    });
  });
});
