import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EncodedJson, FrameCodec, MAX_JSON_DEPTH, Op, WireError, encodeJson, type JsonValue } from '../src/index.js';
import { json, message } from './arbitraries.js';

const nest = (levels: number): JsonValue => {
  let v: JsonValue = 1;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
};

describe('pre-encoded JSON in responses', () => {
  it('gives the bytes of the plain value, whole or as array elements, and decodes to it', () => {
    const codec = new FrameCodec();
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.array(fc.tuple(json, fc.boolean())), json, (id, items, whole) => {
        const plain = items.map(([v]) => v);
        const mixed = items.map(([v, pre]) => (pre ? encodeJson(v) : v));
        const expected = codec.encode({ op: Op.Response, d: { id, result: plain } });
        expect(codec.encodeResponse(id, mixed)).toEqual(expected);
        expect(codec.decode(codec.encodeResponse(id, mixed))).toEqual({ op: Op.Response, d: { id, result: plain } });
        expect(codec.encodeResponse(id, encodeJson(whole))).toEqual(codec.encode({ op: Op.Response, d: { id, result: whole } }));
      }),
      { numRuns: 500 },
    );
  });

  it('gives, as parts, the bytes of encodeResponse, with large pre-encoded values shared and not copied (property)', () => {
    const codec = new FrameCodec({ maxFrameBytes: 1 << 20 });
    // Strings around the 1 KiB sharing threshold, so pieces fall on both sides of it.
    const text = fc.oneof(fc.string({ maxLength: 40 }), fc.integer({ min: 900, max: 5000 }).map((n) => 'x'.repeat(n)));
    const item = fc.oneof(json, fc.record({ id: fc.nat(), content: text }));
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.array(fc.tuple(item, fc.boolean()), { maxLength: 12 }), fc.boolean(), (id, items, wholePage) => {
        const mixed = items.map(([v, pre]) => (pre ? encodeJson(v as JsonValue) : (v as JsonValue)));
        const result = wholePage && items.length > 0 ? encodeJson(mixed) : mixed;
        const parts = codec.encodeResponseParts(id, result);
        const joined = Buffer.concat(parts);
        expect(joined.equals(codec.encodeResponse(id, result))).toBe(true);
        // Every pre-encoded value of 1 KiB or more is one of the parts itself.
        const shared = (result instanceof EncodedJson ? [result] : mixed.filter((m): m is EncodedJson => m instanceof EncodedJson)).filter((e) => e.byteLength >= 1024);
        for (const e of shared) expect(parts.some((p) => p === (e as unknown as { bytes: Uint8Array }).bytes)).toBe(true);
        // The codec goes on encoding whole frames afterwards.
        expect(codec.decode(codec.encodeResponse(id, result))).toEqual(codec.decode(joined));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses, as parts, a response over the frame limit as encodeResponse does', () => {
    const codec = new FrameCodec({ maxFrameBytes: 4096 });
    const big = encodeJson(['y'.repeat(5000)]);
    expect(() => codec.encodeResponseParts(1, big)).toThrowError(expect.objectContaining({ code: 'too-large' }) as Error);
    expect(() => codec.encodeResponse(1, big)).toThrowError(expect.objectContaining({ code: 'too-large' }) as Error);
    expect(codec.encodeResponseParts(2, encodeJson(['ok']))).toEqual([codec.encodeResponse(2, encodeJson(['ok']))]);
  });

  it('encodes an array of pre-encoded elements as the plain array, once for many answers', () => {
    const codec = new FrameCodec();
    fc.assert(
      fc.property(fc.nat(0xffffffff), fc.array(fc.tuple(json, fc.boolean()), { minLength: 1 }), (id, items) => {
        const plain = items.map(([v]) => v);
        const page = encodeJson(items.map(([v, pre], i) => (pre || i === 0 ? encodeJson(v) : v)));
        expect(page.bytes).toEqual(encodeJson(plain).bytes);
        expect(page.value).toEqual(plain);
        expect(codec.encodeResponse(id, page)).toEqual(codec.encode({ op: Op.Response, d: { id, result: plain } }));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps its own copy of the bytes: later encodings do not change it', () => {
    fc.assert(
      fc.property(message, json, (m, other) => {
        const pre = encodeJson(m as unknown as JsonValue);
        const before = Uint8Array.from(pre.bytes);
        const codec = new FrameCodec();
        codec.encodeResponse(1, [other, pre]);
        encodeJson(other);
        expect(pre.bytes).toEqual(before);
        expect(pre.byteLength).toBe(before.length);
        expect(pre).toBeInstanceOf(EncodedJson);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses what JSON cannot carry, with the reason', () => {
    expect(() => encodeJson({ a: Number.NaN })).toThrow(WireError);
    expect(() => encodeJson(new Map() as unknown as JsonValue)).toThrow(/plain objects/);
    expect(() => encodeJson(JSON.parse('{"__proto__": 1}') as JsonValue)).toThrow(/not allowed/);
    expect(() => new FrameCodec().encodeResponse(1, [encodeJson(1), undefined as unknown as JsonValue])).toThrow(/\[1\]/);
  });

  it('keeps within the nesting limit as an array element', () => {
    // The deepest value a payload may hold as an element of an array is one level shallower.
    const codec = new FrameCodec();
    const deepest = nest(MAX_JSON_DEPTH - 1);
    expect(codec.decode(codec.encodeResponse(1, [encodeJson(deepest)]))).toEqual({ op: Op.Response, d: { id: 1, result: [deepest] } });
    expect(() => encodeJson(nest(MAX_JSON_DEPTH))).toThrow(expect.objectContaining({ code: 'too-large' }) as Error);
    // An array of pre-encoded values is one level deeper than its deepest element, plain or not.
    const page = encodeJson([encodeJson(nest(MAX_JSON_DEPTH - 2))]);
    expect(codec.decode(codec.encodeResponse(1, [page]))).toEqual({ op: Op.Response, d: { id: 1, result: [[nest(MAX_JSON_DEPTH - 2)]] } });
    expect(() => encodeJson([encodeJson(nest(MAX_JSON_DEPTH - 1))])).toThrow(expect.objectContaining({ code: 'too-large' }) as Error);
    expect(() => encodeJson([encodeJson(1), nest(MAX_JSON_DEPTH - 1)])).toThrow(expect.objectContaining({ code: 'too-large' }) as Error);
    expect(() => encodeJson([encodeJson(1), { a: Number.NaN }])).toThrow(/\[1\]/);
  });

  it('is refused by a codec whose frame limit it exceeds', () => {
    const small = new FrameCodec({ maxFrameBytes: 64 });
    expect(() => small.encodeResponse(1, [encodeJson('x'.repeat(100))])).toThrow(expect.objectContaining({ code: 'too-large' }) as Error);
  });
});
