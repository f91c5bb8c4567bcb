import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameCodec, Op, s, type Frame } from '../src/index.js';

describe('schemas', () => {
  const v1 = { THING: { code: 64, schema: s.object({ a: s.int(), b: s.string(10) }) } };
  const v2 = { THING: { code: 64, schema: s.object({ a: s.int(), b: s.string(10), c: s.optional(s.boolean()) }) } };

  it('lets an older reader skip fields a newer writer appended', () => {
    const f = { op: Op.Dispatch, s: 1, t: 'THING', d: { a: 1, b: 'x', c: true } } as Frame;
    const decoded = new FrameCodec({ events: v1 }).decode(new FrameCodec({ events: v2 }).encode(f));
    expect(decoded).toEqual({ ...f, d: { a: 1, b: 'x' } });
  });

  it('lets a newer reader accept an older writer (missing trailing optional fields)', () => {
    const f = { op: Op.Dispatch, s: 1, t: 'THING', d: { a: 1, b: 'x' } } as Frame;
    expect(new FrameCodec({ events: v2 }).decode(new FrameCodec({ events: v1 }).encode(f))).toEqual(f);
  });

  it('checks integer bounds and literals both ways', () => {
    const events = { T: { code: 64, schema: s.object({ n: s.int(-5, 5), l: s.literal(['a', 'b']) }) } };
    const codec = new FrameCodec({ events });
    fc.assert(
      fc.property(fc.integer({ min: -5, max: 5 }), fc.constantFrom('a', 'b'), (n, l) => {
        const f = { op: Op.Dispatch, s: 0, t: 'T', d: { n, l } } as Frame;
        expect(codec.decode(codec.encode(f))).toEqual(f);
      }),
    );
    expect(() => codec.encode({ op: Op.Dispatch, s: 0, t: 'T', d: { n: 6, l: 'a' } })).toThrow(/outside/);
    expect(() => codec.encode({ op: Op.Dispatch, s: 0, t: 'T', d: { n: 1, l: 'c' } })).toThrow(/one of/);
    expect(() => codec.encode({ op: Op.Dispatch, s: 0, t: 'T', d: { n: Number.NaN, l: 'a' } })).toThrow(/integer/);
  });

  it('round-trips finite numbers, including non-integers and -0', () => {
    const codec = new FrameCodec({ events: { N: { code: 64, schema: s.object({ x: s.number() }) } } });
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const f = { op: Op.Dispatch, s: 0, t: 'N', d: { x } } as Frame;
        expect(codec.decode(codec.encode(f))).toEqual(f);
      }),
    );
    expect(() => codec.encode({ op: Op.Dispatch, s: 0, t: 'N', d: { x: Infinity } })).toThrow(/finite/);
  });

  it('does not let optional and nullable combine', () => {
    expect(() => s.optional(s.nullable(s.int()))).toThrow(TypeError);
  });
});
