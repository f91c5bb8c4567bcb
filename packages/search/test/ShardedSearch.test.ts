import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SearchError, SearchIndex, ShardedSearch } from '../src/index.js';

describe('ShardedSearch', () => {
  it('creates shards lazily and searches one, several or all', () => {
    const guilds = new ShardedSearch({ fields: ['text'] });
    expect(guilds.shards).toEqual([]);
    guilds.add('g1', 'm1', { text: 'raid tonight at nine' });
    guilds.add('g2', 'm7', { text: 'raid cancelled' });
    guilds.add('g3', 'm9', { text: 'nothing here' });
    expect(guilds.shards).toEqual(['g1', 'g2', 'g3']);
    expect(guilds.search('raid', { shards: ['g1'] })).toEqual([{ shard: 'g1', id: 'm1', score: expect.any(Number) }]);
    expect(guilds.search('raid').map((h) => h.shard).sort()).toEqual(['g1', 'g2']);
    expect(guilds.search('raid', { shards: ['g3', 'unknown'] })).toEqual([]);
    expect(guilds.shards).toEqual(['g1', 'g2', 'g3']);
    expect(guilds.has('g1', 'm1')).toBe(true);
    expect(guilds.remove('g1', 'm1')).toBe(true);
    expect(guilds.remove('nowhere', 'm1')).toBe(false);
    expect(guilds.dropShard('g2')).toBe(true);
    expect(guilds.search('raid')).toEqual([]);
  });

  it('merged top-k equals the best of every shard’s own ranking', () => {
    const doc = fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('g1', 'g2', 'g3'), doc), { maxLength: 60 }), fc.constantFrom('a', 'b c', 'd'), fc.integer({ min: 1, max: 8 }), (docs, q, limit) => {
        const sharded = new ShardedSearch({ fields: ['text'] });
        const alone = new Map<string, SearchIndex>();
        docs.forEach(([g, text], i) => {
          sharded.add(g, i, { text });
          if (!alone.has(g)) alone.set(g, new SearchIndex({ fields: ['text'] }));
          alone.get(g)!.add(i, { text });
        });
        const want = [...alone]
          .flatMap(([g, s], order) => s.search(q, { limit }).map((h, rank) => ({ shard: g, id: h.id, score: h.score, order, rank })))
          .sort((x, y) => y.score - x.score || x.order - y.order || x.rank - y.rank)
          .slice(0, limit)
          .map(({ shard, id, score }) => ({ shard, id, score }));
        expect(sharded.search(q, { limit })).toEqual(want);
      }),
      { numRuns: 80 },
    );
  });

  it('accounts memory per shard, largest first', () => {
    const guilds = new ShardedSearch({ fields: ['text'] });
    for (let i = 0; i < 500; i++) guilds.add('big', i, { text: `message number ${i} with words` });
    guilds.add('small', 1, { text: 'hi' });
    const m = guilds.memoryUsage();
    expect(m.map((s) => s.shard)).toEqual(['big', 'small']);
    expect(m[0]!.docs).toBe(500);
    expect(m[0]!.bytes).toBeGreaterThan(m[1]!.bytes);
  });

  it('snapshots and reloads one shard', () => {
    const guilds = new ShardedSearch({ fields: ['text'] });
    guilds.add('g', 'x', { text: 'hello there' });
    const bytes = guilds.snapshotShard('g')!;
    const other = new ShardedSearch({ fields: ['text'] });
    other.loadShard('g', bytes);
    expect(other.search('hello')).toEqual(guilds.search('hello'));
    expect(guilds.snapshotShard('none')).toBeUndefined();
  });

  it('validates shard keys, the shard cap and the query even for empty shards', () => {
    const guilds = new ShardedSearch({ fields: ['text'], maxShards: 1 });
    guilds.add('g', 1, { text: 'x' });
    expect(() => guilds.add('h', 1, { text: 'x' })).toThrow(SearchError);
    expect(() => guilds.add('', 1, { text: 'x' })).toThrow(expect.objectContaining({ code: 'INVALID_ID' }));
    expect(() => guilds.search('x', { shards: [42 as never] })).toThrow(expect.objectContaining({ code: 'INVALID_ID' }));
    expect(() => guilds.search('x', { shards: ['nope'], limit: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    expect(() => new ShardedSearch({ fields: [] })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
  });
});
