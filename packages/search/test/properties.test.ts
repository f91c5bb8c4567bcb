import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, SearchIndex, type DocId } from '../src/index.js';
import { naiveLevenshtein, ReferenceIndex } from './reference.js';

// A small vocabulary makes terms common enough to span several 64-posting blocks, so block-max
// skipping, MaxScore and compaction are all exercised; the 3-4 letter words make fuzzy and
// prefix expansion meaningful.
const vocab = ['a', 'b', 'c', 'cat', 'cart', 'care', 'dog', 'dot', 'do', 'x'];
const word = fc.constantFrom(...vocab);
const text = fc.array(word, { maxLength: 12 }).map((w) => w.join(' '));
const doc = fc.record({ title: fc.option(text, { nil: undefined }), body: text, channel: fc.constantFrom('x', 'y') });
const op = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), id: fc.integer({ min: 0, max: 150 }), doc }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('remove' as const), id: fc.integer({ min: 0, max: 150 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
);
const clause = fc.oneof(
  { weight: 6, arbitrary: word },
  { weight: 1, arbitrary: fc.tuple(word, word).map(([x, y]) => `"${x} ${y}"`) },
  { weight: 1, arbitrary: word.map((w) => `-${w}`) },
  { weight: 1, arbitrary: fc.tuple(word, word).map(([x, y]) => `-"${x} ${y}"`) },
);
const query = fc.record({
  text: fc.array(clause, { minLength: 1, maxLength: 4 }).map((c) => c.join(' ')),
  mode: fc.constantFrom('and' as const, 'or' as const),
  prefix: fc.boolean(),
  fuzzy: fc.constantFrom(0 as const, 0 as const, 1 as const, 2 as const),
  channel: fc.option(fc.constantFrom('x', 'y'), { nil: undefined }),
  limit: fc.integer({ min: 1, max: 12 }),
});
const settings = fc.record({
  scoring: fc.constantFrom('bm25' as const, 'tfidf' as const),
  k1: fc.constantFrom(1.2, 0.5, 2),
  b: fc.constantFrom(0.75, 0, 1),
  titleBoost: fc.constantFrom(1, 2.5),
});

function agree(got: { id: DocId; score: number }[], want: { id: DocId; score: number }[], limit: number): void {
  const top = want.slice(0, limit);
  expect(got.length).toBe(top.length);
  const wantScore = new Map(want.map((h) => [h.id, h.score]));
  const eps = (s: number): number => 1e-9 * Math.max(1, Math.abs(s));
  for (let i = 0; i < got.length; i++) {
    // Same score at every rank, and each hit scored as the reference scores that document;
    // documents whose scores differ only by rounding may swap places.
    expect(Math.abs(got[i]!.score - top[i]!.score)).toBeLessThan(eps(top[i]!.score));
    expect(wantScore.has(got[i]!.id)).toBe(true);
    expect(Math.abs(got[i]!.score - wantScore.get(got[i]!.id)!)).toBeLessThan(eps(got[i]!.score));
    if (i > 0) expect(got[i]!.score).toBeLessThanOrEqual(got[i - 1]!.score);
  }
}

describe('SearchIndex equals a brute-force scan', () => {
  it('after any sequence of adds, updates, removes and compactions, for any query', () => {
    fc.assert(
      fc.property(settings, fc.array(op, { minLength: 1, maxLength: 300, size: 'max' }), fc.array(query, { minLength: 1, maxLength: 6 }), (set, ops, queries) => {
        // Arrange: the same operations on both.
        const fields = [
          { name: 'title', boost: set.titleBoost },
          { name: 'body', boost: 1 },
        ];
        const index = new SearchIndex({ fields, stored: { channel: 'string' }, scoring: set.scoring, bm25: { k1: set.k1, b: set.b }, tokenizer: { stem: false } });
        const ref = new ReferenceIndex({ fields, scoring: set.scoring, k1: set.k1, b: set.b });
        for (const o of ops) {
          if (o.kind === 'add') {
            if (index.has(o.id)) index.update(o.id, o.doc);
            else index.add(o.id, o.doc);
            ref.upsert(o.id, o.doc);
          } else if (o.kind === 'remove') {
            expect(index.remove(o.id)).toBe(ref.docs.has(o.id));
            ref.remove(o.id);
          } else index.compact();
        }
        expect(index.size).toBe(ref.docs.size);
        // Act and assert: every query ranks as the reference does.
        for (const q of queries) {
          const opts = { mode: q.mode, prefix: q.prefix, fuzzy: q.fuzzy, limit: q.limit, ...(q.channel === undefined ? {} : { filter: { channel: q.channel } }) };
          const got = index.search(q.text, opts);
          const want = ref.search(q.text, { mode: q.mode, prefix: q.prefix, fuzzy: q.fuzzy, ...(q.channel === undefined ? {} : { channel: q.channel }) });
          agree(got, want, q.limit);
        }
      }),
      { numRuns: 120 },
    );
  });

  it('on long posting lists (many skip blocks), with skewed term frequencies', () => {
    // 'the' is in most messages, 'rare' in few: AND queries lead with the rare list and jump
    // through the common one; single-word queries with small limits prune whole blocks.
    const skewed = fc.constantFrom('the', 'the', 'the', 'the', 'is', 'is', 'ok', 'rare', 'zz');
    const body = fc.array(skewed, { maxLength: 8 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(
        fc.array(body, { minLength: 200, maxLength: 700 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        fc.array(fc.record({ text: fc.constantFrom('the', 'is', 'rare', 'the rare', 'is ok', 'the is ok', 'ok -rare', '"the is"', 'zz the'), mode: fc.constantFrom('and' as const, 'or' as const), limit: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 8 }),
        (bodies, removals, queries) => {
          const fields = [{ name: 'body', boost: 1 }];
          const index = new SearchIndex({ fields, tokenizer: { stem: false } });
          const ref = new ReferenceIndex({ fields, scoring: 'bm25', k1: 1.2, b: 0.75 });
          bodies.forEach((b, i) => {
            index.add(i, { body: b });
            ref.upsert(i, { body: b });
          });
          for (const r of removals) {
            index.remove(r % bodies.length);
            ref.remove(r % bodies.length);
          }
          for (const q of queries) agree(index.search(q.text, { mode: q.mode, limit: q.limit }), ref.search(q.text, { mode: q.mode, prefix: false, fuzzy: 0 }), q.limit);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('is deterministic: the same inputs give bit-identical results', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), query, (ops, q) => {
        const build = (): SearchIndex => {
          const index = new SearchIndex({ fields: ['body'], tokenizer: { stem: false } });
          for (const o of ops) {
            if (o.kind === 'add') index.update(o.id, o.doc);
            else if (o.kind === 'remove') index.remove(o.id);
            else index.compact();
          }
          return index;
        };
        expect(build().search(q.text, { mode: q.mode, limit: q.limit })).toEqual(build().search(q.text, { mode: q.mode, limit: q.limit }));
      }),
      { numRuns: 60 },
    );
  });

  it('a larger limit extends a smaller one (top-k is a prefix of top-(k+n))', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), query, fc.integer({ min: 1, max: 20 }), (ops, q, extra) => {
        const index = new SearchIndex({ fields: ['body'], tokenizer: { stem: false } });
        for (const o of ops) if (o.kind === 'add') index.update(o.id, o.doc);
        const small = index.search(q.text, { mode: q.mode, limit: q.limit });
        const big = index.search(q.text, { mode: q.mode, limit: q.limit + extra });
        expect(big.slice(0, small.length).map((h) => h.score)).toEqual(small.map((h) => h.score));
      }),
      { numRuns: 80 },
    );
  });

  it('update is remove followed by add; removed ids never come back', () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 40 }), fc.array(fc.nat(), { maxLength: 40 }), (docs, removals) => {
        const index = new SearchIndex({ fields: ['body'], tokenizer: { stem: false } });
        docs.forEach((d, i) => index.add(i, d));
        const gone = new Set(removals.map((r) => r % docs.length));
        for (const r of gone) expect(index.remove(r)).toBe(true);
        for (const w of vocab) for (const h of index.search(w, { limit: 100 })) expect(gone.has(h.id as number)).toBe(false);
        expect(index.size).toBe(docs.length - gone.size);
      }),
      { numRuns: 60 },
    );
  });
});

describe('editDistance', () => {
  it('equals the full dynamic programme, capped at max + 1', () => {
    const s = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'ж'), maxLength: 9 });
    fc.assert(
      fc.property(s, s, fc.integer({ min: 0, max: 3 }), (a, b, max) => {
        expect(editDistance(a, b, max)).toBe(Math.min(naiveLevenshtein(a, b), max + 1));
      }),
      { numRuns: 2000 },
    );
  });

  it('is symmetric', () => {
    fc.assert(fc.property(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), (a, b) => editDistance(a, b, 2) === editDistance(b, a, 2)));
  });
});
