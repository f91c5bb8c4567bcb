import fc from 'fast-check';
import { FrameCodec, Op, type JsonValue } from '@chorus/wire';
import { describe, expect, it } from 'vitest';
import { withEncodedItems } from '../src/encodedItems.js';
import { deepFreeze } from '../src/jsonBody.js';

const codec = new FrameCodec();
// What a client decodes: JSON's rules (-0 is 0), and no prototype-reaching keys (wire refuses them).
const allowed = (v: unknown): boolean => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(v));
const json = fc
  .jsonValue({ maxDepth: 4 })
  .filter(allowed)
  .map((v) => JSON.parse(JSON.stringify(v)) as JsonValue);
const record = fc.dictionary(fc.string(), fc.string({ unit: 'binary' })).filter(allowed);
const answer = (body: unknown): unknown => codec.decode(codec.encodeResponse(1, withEncodedItems(body)));

describe('withEncodedItems', () => {
  it('answers exactly the body, frozen or not, read once or twice', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(json, record)), fc.boolean(), (list, freeze) => {
        const body = JSON.parse(JSON.stringify(list)) as JsonValue[];
        if (freeze) deepFreeze(body);
        const expected = { op: Op.Response, d: { id: 1, result: JSON.parse(JSON.stringify(list)) as unknown } };
        expect(answer(body)).toEqual(expected);
        expect(answer(body)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('never serves a stale page: an object that can still change is encoded afresh', () => {
    const m = { content: 'before' };
    const page = Object.freeze([deepFreeze({ content: 'fixed' }), m]);
    expect(answer(page)).toMatchObject({ d: { result: [{ content: 'fixed' }, { content: 'before' }] } });
    m.content = 'after';
    expect(answer(page)).toMatchObject({ d: { result: [{ content: 'fixed' }, { content: 'after' }] } });
  });

  it('encodes a frozen page of frozen messages once', () => {
    const page = deepFreeze([{ id: '1', content: 'a' }, { id: '2', content: 'b' }]);
    expect(withEncodedItems(page)).toBe(withEncodedItems(page));
  });
});
