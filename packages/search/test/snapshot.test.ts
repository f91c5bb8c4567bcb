import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../src/crc32.js';
import { SearchError, SearchIndex } from '../src/index.js';

const vocab = ['ubuntu', 'install', 'wifi', 'книга', 'новый', '東京都', 'driver', 'kernel'];
const text = fc.array(fc.constantFrom(...vocab), { maxLength: 10 }).map((w) => w.join(' '));

function build(docs: { id: number; text: string; channel: string }[]): SearchIndex {
  const index = new SearchIndex({ fields: ['text'], stored: { channel: 'string', time: 'number' } });
  for (const d of docs) index.update(d.id, { text: d.text, channel: d.channel, time: d.id * 10 });
  return index;
}

function expectBad(bytes: Uint8Array): void {
  try {
    SearchIndex.fromSnapshot(bytes);
  } catch (e) {
    expect(e).toBeInstanceOf(SearchError);
    expect((e as SearchError).code).toBe('BAD_SNAPSHOT');
    return;
  }
  throw new Error('expected BAD_SNAPSHOT');
}

/** Wraps a msgpack body in a valid header, so that only the body's content is wrong. */
function framed(body: unknown): Uint8Array {
  const b = encode(body);
  const out = new Uint8Array(16 + b.length);
  out.set([0x43, 0x53, 0x49, 0x58]);
  const v = new DataView(out.buffer);
  v.setUint16(4, 1, true);
  v.setUint32(8, b.length, true);
  v.setUint32(12, crc32(b), true);
  out.set(b, 16);
  return out;
}

const docs = fc.array(fc.record({ id: fc.integer({ min: 0, max: 60 }), text, channel: fc.constantFrom('a', 'b') }), { maxLength: 80 });

describe('snapshots', () => {
  it('round-trip: the loaded index answers every query identically', () => {
    fc.assert(
      fc.property(docs, fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 20 }), (ds, removals) => {
        const index = build(ds);
        for (const r of removals) index.remove(r);
        const loaded = SearchIndex.fromSnapshot(index.toSnapshot());
        expect(loaded.size).toBe(index.size);
        for (const q of [...vocab, 'ubuntu install', '"install wifi"', 'kernel -driver', 'ubu']) {
          expect(loaded.search(q, { limit: 100, prefix: q === 'ubu' })).toEqual(index.search(q, { limit: 100, prefix: q === 'ubu' }));
          expect(loaded.search(q, { filter: { channel: 'a' } })).toEqual(index.search(q, { filter: { channel: 'a' } }));
        }
        for (const d of ds) expect(loaded.stored(d.id)).toEqual(index.stored(d.id));
        // A snapshot of the loaded index is the same bytes.
        expect(loaded.toSnapshot()).toEqual(index.toSnapshot());
      }),
      { numRuns: 60 },
    );
  });

  it('keeps settings: fields, boosts, scoring, tokenizer options', () => {
    const index = new SearchIndex({ fields: [{ name: 'title', boost: 2 }, 'body'], scoring: 'tfidf', bm25: { k1: 2, b: 0.5 }, tokenizer: { stem: false } });
    index.add('x', { title: 'running', body: 'dogs' });
    const loaded = SearchIndex.fromSnapshot(index.toSnapshot());
    expect(loaded.search('running')).toEqual(index.search('running'));
    expect(loaded.search('run')).toEqual([]);
  });

  it('a custom tokenizer must be passed again', () => {
    const tok = (t: string): string[] => t.split(' ');
    const index = new SearchIndex({ fields: ['text'], tokenizer: tok });
    index.add(1, { text: 'A b' });
    const bytes = index.toSnapshot();
    expect(() => SearchIndex.fromSnapshot(bytes)).toThrow(expect.objectContaining({ code: 'TOKENIZER_REQUIRED' }));
    expect(SearchIndex.fromSnapshot(bytes, { tokenizer: tok }).search('A')).toEqual(index.search('A'));
  });

  it('arbitrary bytes give BAD_SNAPSHOT, never a crash', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (b) => expectBad(b)), { numRuns: 500 });
    // Valid magic and header, random body.
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
        const out = new Uint8Array(16 + body.length);
        out.set([0x43, 0x53, 0x49, 0x58]);
        const v = new DataView(out.buffer);
        v.setUint16(4, 1, true);
        v.setUint32(8, body.length, true);
        v.setUint32(12, crc32(body), true);
        out.set(body, 16);
        expectBad(out);
      }),
      { numRuns: 500 },
    );
  });

  it('truncation, bit flips and a wrong version give BAD_SNAPSHOT', () => {
    const bytes = build([
      { id: 1, text: 'ubuntu install', channel: 'a' },
      { id: 2, text: 'книга', channel: 'b' },
    ]).toSnapshot();
    fc.assert(fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), (n) => expectBad(bytes.slice(0, n))));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: bytes.length - 1 }), fc.integer({ min: 0, max: 7 }), (i, bit) => {
        const b = bytes.slice();
        b[i]! ^= 1 << bit;
        expectBad(b);
      }),
    );
    const v2 = bytes.slice();
    v2[4] = 2;
    expectBad(v2);
  });

  it('well-framed but inconsistent bodies give BAD_SNAPSHOT', () => {
    const good = {
      s: { fields: [{ name: 'text', boost: 1 }], stored: {}, scoring: 'bm25', k1: 1.2, b: 0.75, tokenizer: {}, maxFieldLength: 100, maxQueryLength: 100, maxQueryTerms: 8, maxExpansions: 8, compactThreshold: 0.25 },
      t: ['a', 'b'],
      i: ['d1'],
      l: new Uint8Array([2]),
      f: new Uint8Array([0, 1]),
      c: {},
    };
    expect(SearchIndex.fromSnapshot(framed(good)).search('b').map((h) => h.id)).toEqual(['d1']);
    const variants: unknown[] = [
      { ...good, f: new Uint8Array([0, 5]) }, // term beyond the dictionary
      { ...good, f: new Uint8Array([0]) }, // shorter than the lengths
      { ...good, f: new Uint8Array([0, 1, 1]) }, // longer
      { ...good, f: new Uint8Array([0x80]) }, // truncated varint
      { ...good, l: new Uint8Array([2, 1]) }, // lengths for two docs
      { ...good, t: ['a', 'a'] }, // duplicate term
      { ...good, t: [1, 2] },
      { ...good, i: [''] },
      { ...good, i: ['d1', 'd1'], l: new Uint8Array([1, 1]) },
      { ...good, s: { ...good.s, k1: Number.NaN } },
      { ...good, s: { ...good.s, fields: 'text' } },
      { ...good, s: { ...good.s, stored: { ch: 'string' } } }, // column missing
      { ...good, s: { ...good.s, stored: { ch: 'number' } }, c: { ch: ['x'] } }, // wrong type
      { ...good, s: null },
      [1, 2, 3],
      'string',
    ];
    for (const v of variants) expectBad(framed(v));
  });
});
