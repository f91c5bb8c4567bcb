import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FriendsError, SIMILARITY_METHODS, SocialGraph, type SimilarityMethod } from '../src/index.js';
import { build, graphSpec, usersOf } from './arbitraries.js';
import { close } from './reference.js';

const method = fc.constantFrom<SimilarityMethod>(...SIMILARITY_METHODS);

describe('similarity', () => {
  it('equals the brute-force formula, is symmetric, and stays in range', () => {
    fc.assert(
      fc.property(graphSpec, method, fc.double({ min: 0, max: 5, noNaN: true }), (spec, m, guildWeight) => {
        const { graph, naive } = build(spec);
        for (const a of usersOf(spec)) {
          for (const b of usersOf(spec)) {
            const s = graph.similarity(a, b, m, { guildWeight });
            expect(close(s, naive.similarity(a, b, m, guildWeight))).toBe(true);
            expect(s).toBe(graph.similarity(b, a, m, { guildWeight }));
            expect(s).toBeGreaterThanOrEqual(0);
            if (m === 'jaccard' || m === 'weighted-jaccard') expect(s).toBeLessThanOrEqual(1 + 1e-12);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('jaccard is 1 for users with identical friend sets and weighted-jaccard follows the weights', () => {
    const g = new SocialGraph();
    for (const z of ['x', 'y']) {
      g.addFriendship('a', z, { weight: 1 });
      g.addFriendship('b', z, { weight: 3 });
    }
    expect(g.similarity('a', 'b', 'jaccard')).toBe(1);
    expect(g.similarity('a', 'b', 'weighted-jaccard')).toBeCloseTo(2 / 6, 12);
    expect(g.similarity('a', 'b', 'common-neighbors')).toBe(2);
    expect(g.similarity('a', 'b', 'adamic-adar')).toBeCloseTo(2 / Math.log(2), 12);
    expect(g.similarity('a', 'b', 'resource-allocation')).toBe(1);
    expect(g.similarity('a', 'a', 'jaccard')).toBe(0);
  });

  it('rejects an unknown method or a bad guildWeight', () => {
    const g = new SocialGraph();
    expect(() => g.similarity('a', 'b', 'cosine' as SimilarityMethod)).toThrow(FriendsError);
    expect(() => g.similarity('a', 'b', 'hybrid', { guildWeight: -1 })).toThrow(/guildWeight/);
    expect(() => g.similarity('a', 'b', 'hybrid', { guildWeight: Number.NaN })).toThrow(FriendsError);
  });
});
