import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchError, SearchIndex, type SearchErrorCode } from '../src/index.js';

function throwsCode(fn: () => unknown, code: SearchErrorCode): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SearchError);
    expect((e as SearchError).code).toBe(code);
    expect((e as SearchError).message.length).toBeGreaterThan(10);
    return;
  }
  throw new Error(`expected SearchError ${code}`);
}

const fresh = (): SearchIndex => {
  const index = new SearchIndex({ fields: ['text'], stored: { channel: 'string', time: 'number' } });
  index.add('a', { text: 'hello world', channel: 'c', time: 1 });
  return index;
};

describe('hostile input', () => {
  it('rejects bad ids', () => {
    const index = fresh();
    for (const id of ['', 'x'.repeat(513), Number.NaN, Number.POSITIVE_INFINITY, 1.5, 2 ** 60, {}, null, undefined, true]) {
      throwsCode(() => index.add(id as never, { text: 'x' }), 'INVALID_ID');
    }
    throwsCode(() => index.add('a', { text: 'again' }), 'DUPLICATE_ID');
    expect(index.size).toBe(1);
  });

  it('rejects bad documents and oversize fields, leaving the index unchanged', () => {
    const index = fresh();
    for (const doc of [null, [], 'text', 42]) throwsCode(() => index.add('b', doc as never), 'INVALID_DOCUMENT');
    throwsCode(() => index.add('b', { text: 42 }), 'INVALID_DOCUMENT');
    throwsCode(() => index.add('b', { text: 'ok', channel: 7 }), 'INVALID_DOCUMENT');
    throwsCode(() => index.add('b', { text: 'ok', time: Number.NaN }), 'INVALID_DOCUMENT');
    throwsCode(() => index.add('b', { text: 'ok', time: Number.POSITIVE_INFINITY }), 'INVALID_DOCUMENT');
    throwsCode(() => index.add('b', { text: 'x'.repeat(100_001) }), 'DOCUMENT_TOO_LARGE');
    throwsCode(() => index.update('a', { text: 'ok', channel: 'y'.repeat(2000) }), 'INVALID_DOCUMENT');
    expect(index.has('b')).toBe(false);
    expect(index.search('hello').map((h) => h.id)).toEqual(['a']);
  });

  it('ignores prototype-pollution keys in documents and filters', () => {
    const index = fresh();
    const doc = JSON.parse('{"text": "polluted", "__proto__": {"channel": "evil"}, "constructor": {"prototype": {"x": 1}}}') as object;
    index.add('p', doc);
    expect(index.stored('p')).toEqual({});
    expect(({} as Record<string, unknown>).channel).toBeUndefined();
    throwsCode(() => index.search('polluted', { filter: JSON.parse('{"__proto__": "c"}') as never }), 'INVALID_OPTIONS');
    throwsCode(() => new SearchIndex({ fields: ['__proto__'] }), 'INVALID_OPTIONS');
    throwsCode(() => new SearchIndex({ fields: ['text'], stored: JSON.parse('{"__proto__": "string"}') as never }), 'INVALID_OPTIONS');
  });

  it('rejects bad options', () => {
    const bad: unknown[] = [
      undefined,
      {},
      { fields: [] },
      { fields: ['a', 'a'] },
      { fields: [{ name: 'a', boost: Number.NaN }] },
      { fields: [{ name: 'a', boost: -1 }] },
      { fields: ['a'], scoring: 'pagerank' },
      { fields: ['a'], bm25: { k1: Number.NaN } },
      { fields: ['a'], bm25: { b: 2 } },
      { fields: ['a'], stored: { x: 'date' } },
      { fields: ['a'], maxQueryLength: 0 },
      { fields: ['a'], compactThreshold: 0 },
      { fields: ['a'], tokenizer: { stem: 'yes' } },
    ];
    for (const o of bad) throwsCode(() => new SearchIndex(o as never), 'INVALID_OPTIONS');
  });

  it('rejects bad search options and filters', () => {
    const index = fresh();
    for (const o of [{ limit: -1 }, { limit: 1.5 }, { limit: 1e9 }, { mode: 'xor' }, { fuzzy: 3 }, { fuzzy: Number.NaN }, { prefix: 1 }, null]) {
      throwsCode(() => index.search('hello', o as never), 'INVALID_OPTIONS');
    }
    for (const filter of [{ nope: 'x' }, { time: 'x' }, { time: { gte: Number.NaN } }, { time: { near: 1 } }, { channel: { gte: 1 } }, { channel: [1] }, []]) {
      throwsCode(() => index.search('hello', { filter: filter as never }), 'INVALID_OPTIONS');
    }
    throwsCode(() => index.search(42 as never), 'INVALID_QUERY');
  });

  it('bounds the work of huge and pathological queries', () => {
    const index = fresh();
    for (let i = 0; i < 2000; i++) index.add(i, { text: `w${i} common ${'x'.repeat(i % 40)}` });
    throwsCode(() => index.search('a'.repeat(1025)), 'QUERY_TOO_LONG');
    throwsCode(() => index.search(Array.from({ length: 200 }, (_, i) => `t${i}`).join(' ')), 'TOO_MANY_TERMS');
    // Fuzzy on long words and prefix on a single letter stay bounded (maxExpansions).
    expect(index.search(`${'x'.repeat(37)}yy`, { fuzzy: 2 }).length).toBeGreaterThan(0);
    expect(index.search('x'.repeat(60), { fuzzy: 2 })).toEqual([]);
    expect(index.search('w', { prefix: true, mode: 'or', limit: 5 }).length).toBe(5);
    expect(index.search('"""""" ----- "" -').length).toBe(0);
  });

  it('a custom tokenizer returning garbage gives INVALID_TOKENIZER', () => {
    const index = new SearchIndex({ fields: ['text'], tokenizer: () => [1, 2] as never });
    throwsCode(() => index.add(1, { text: 'x' }), 'INVALID_TOKENIZER');
    const index2 = new SearchIndex({ fields: ['text'], tokenizer: () => 'nope' as never });
    throwsCode(() => index2.search('x'), 'INVALID_TOKENIZER');
  });

  it('shows hostile option values without calling their toString (found by the fuzz below)', () => {
    const hostile = { toString: {} };
    const index = fresh();
    throwsCode(() => index.search('hello', { limit: hostile } as never), 'INVALID_OPTIONS');
    throwsCode(() => index.search('hello', { mode: hostile } as never), 'INVALID_OPTIONS');
    throwsCode(() => index.search('hello', { fuzzy: Object.create(null) } as never), 'INVALID_OPTIONS');
    throwsCode(() => new SearchIndex({ fields: ['text'], scoring: hostile } as never), 'INVALID_OPTIONS');
  });

  it('failed operations never change results (fuzz)', () => {
    const anyValue = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.double(), fc.constant(null), fc.constant(undefined), fc.object({ maxDepth: 1 }), fc.array(fc.integer(), { maxLength: 2 }));
    fc.assert(
      fc.property(fc.array(fc.tuple(anyValue, anyValue, anyValue), { maxLength: 30 }), (ops) => {
        const index = fresh();
        const before = JSON.stringify(index.search('hello world'));
        for (const [id, text, channel] of ops) {
          try {
            index.add(id as never, { text, channel } as never);
            index.remove(id as never);
          } catch (e) {
            expect(e).toBeInstanceOf(SearchError);
          }
          try {
            index.search(text as never, { limit: channel } as never);
          } catch (e) {
            expect(e).toBeInstanceOf(SearchError);
          }
        }
        expect(JSON.stringify(index.search('hello world'))).toBe(before);
        expect(index.size).toBe(1);
      }),
      { numRuns: 150 },
    );
  });
});
