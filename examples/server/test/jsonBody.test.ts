import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepFreeze, jsonBytes } from '../src/jsonBody.js';

const jsonBody = (v: unknown): string => jsonBytes(v).toString('utf8');

describe('jsonBytes', () => {
  it('equals JSON.stringify for any JSON value, frozen or not, read once or twice', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.string({ unit: 'binary' })))), fc.boolean(), (single, list, freeze) => {
        if (freeze) deepFreeze(list);
        expect(jsonBody(single)).toBe(JSON.stringify(single));
        expect(jsonBytes(list).equals(Buffer.from(JSON.stringify(list)))).toBe(true);
        expect(jsonBody(list)).toBe(JSON.stringify(list));
        expect(jsonBody(list)).toBe(JSON.stringify(list));
      }),
      { numRuns: 300 },
    );
  });

  it('renders holes, undefined and functions in arrays as null, as JSON.stringify does', () => {
    const body = [undefined, () => 1, Symbol('s'), { a: undefined }, Object.freeze({ b: 2 })];
    expect(jsonBody(body)).toBe(JSON.stringify(body));
  });

  it('never serves stale text for an object that can still change', () => {
    const m = { content: 'before' };
    expect(jsonBody([m])).toBe('[{"content":"before"}]');
    m.content = 'after';
    expect(jsonBody([m])).toBe('[{"content":"after"}]');
  });

  it('keeps a frozen page of frozen items whole, but not one holding an object that can change', () => {
    const page = deepFreeze([{ content: 'a' }, { content: 'b' }, 3]);
    expect(jsonBytes(page)).toBe(jsonBytes(page));
    const m = { content: 'before' };
    const mixed = Object.freeze([Object.freeze({ content: 'fixed' }), m]);
    expect(jsonBody(mixed)).toBe('[{"content":"fixed"},{"content":"before"}]');
    m.content = 'after';
    expect(jsonBody(mixed)).toBe('[{"content":"fixed"},{"content":"after"}]');
  });

  it('deepFreeze freezes nested objects and arrays', () => {
    const m = deepFreeze({ reactions: [{ emoji: 'x', userIds: ['1'] }], mentions: ['2'] });
    expect(Object.isFrozen(m.reactions[0]!.userIds)).toBe(true);
    expect(() => {
      (m.mentions as string[]).push('3');
    }).toThrow(TypeError);
  });
});
