import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FriendsError, SocialGraph } from '../src/index.js';
import { evaluateLinkPrediction, parseEdgeList, parseLabels, seededRandom } from '../src/eval.js';

/** Values that break naive code: throwing conversions, null prototypes, Symbols, BigInts, NaN. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    {
      toString(): string {
        throw new Error('toString called');
      },
      valueOf(): number {
        throw new Error('valueOf called');
      },
    },
    {
      [Symbol.toPrimitive](): never {
        throw new Error('toPrimitive called');
      },
    },
    Object.create(null),
    Symbol('id'),
    10n,
    Number.NaN,
    -0,
    Number.POSITIVE_INFINITY,
    2 ** 60,
    1.5,
    -5,
    '',
    'x'.repeat(2000),
    [1, 2],
    { length: 2, 0: 1, 1: 2 },
    () => 1,
    null,
    undefined,
  ),
  fc.anything({ withBigInt: true, withBoxedValues: true, withNullPrototype: true, withObjectString: true, maxDepth: 2 }),
);

/** Runs `f`; anything it throws must be a FriendsError. */
function onlyFriendsErrors(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FriendsError);
  }
}

describe('hostile input', () => {
  it('treats prototype-pollution keys as ordinary ids', () => {
    const g = new SocialGraph();
    g.addFriendship('__proto__', 'constructor');
    g.addFriendship('constructor', 'toString');
    g.addMembership('__proto__', '__proto__');
    expect(g.friendsOf('__proto__')).toEqual(['constructor']);
    expect(g.recommend('__proto__').map((r) => r.user)).toEqual(['toString']);
    expect(g.guildsOf('__proto__')).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>)['constructor']).toBe(Object);
  });

  it('ignores inherited option values and JSON __proto__ keys', () => {
    const g = new SocialGraph();
    g.addFriendship('a', 'b');
    g.addFriendship('b', 'c');
    const inherited = Object.create({ k: 0, method: 'nope' }) as object;
    expect(g.recommend('a', inherited)).toHaveLength(1);
    const parsed = JSON.parse('{"__proto__": {"k": -5}, "method": "jaccard"}') as object;
    expect(g.recommend('a', parsed)[0]!.score).toBe(1); // jaccard of {b} and {b}
    const weight = JSON.parse('{"__proto__": {"weight": -1}}') as object;
    g.addFriendship('x', 'y', weight);
    expect(g.interaction('x', 'y')).toBe(1);
  });

  it('rejects NaN, Infinity and non-integers in options', () => {
    const g = new SocialGraph();
    for (const bad of [{ k: Number.NaN }, { k: Number.POSITIVE_INFINITY }, { k: 2.5 }, { k: 10_001 }, { maxCandidates: 0 }, { hubDegreeCutoff: -1 }, { guildWeight: Number.NaN }, { method: 'cosine' }]) {
      expect(() => g.recommend('a', bad as object)).toThrow(FriendsError);
    }
    expect(() => g.recommend('a', 'k=5' as unknown as object)).toThrow(FriendsError);
    expect(() => g.recommendGuilds('a', { k: -1 })).toThrow(FriendsError);
    expect(() => evaluateLinkPrediction([[1, 2], [2, 3]], { seed: 1.5 })).toThrow(FriendsError);
  });

  it('rejects oversize ids instead of storing them', () => {
    const g = new SocialGraph();
    expect(() => g.addFriendship('a'.repeat(1_000_000), 'b')).toThrow(/limit is 1024/);
    expect(() => g.addMembership('a', 'g'.repeat(2000))).toThrow(FriendsError);
    expect(() => g.addFriendship(2 ** 53, 1)).toThrow(FriendsError);
    expect(g.userCount).toBe(0);
  });

  it('answers any value at any argument with a result or a FriendsError, never a TypeError', () => {
    const edges: Array<[number, number]> = [[1, 2], [2, 3], [3, 1], [3, 4]];
    const cheap = { aucSamples: 4 };
    fc.assert(
      fc.property(hostile, hostile, (x: any, y: any) => {
        const g = new SocialGraph();
        g.addFriendship('a', 'b');
        g.addFriendship('b', 'c');
        g.addMembership('a', 'chess');
        const calls: Array<() => unknown> = [
          () => g.addFriendship(x, 'b'),
          () => g.addFriendship('a', x),
          () => g.addFriendship('q', 'r', x),
          () => g.addFriendship('q', 's', { weight: x }),
          () => g.removeFriendship(x, y),
          () => g.hasFriendship(x, y),
          () => g.setInteraction('a', 'b', x),
          () => g.setInteraction(x, 'b', 2),
          () => g.interaction(x, y),
          () => g.addMembership(x, y),
          () => g.removeMembership(x, y),
          () => g.block(x, y),
          () => g.unblock(x, y),
          () => g.isBlocked(x, y),
          () => g.sendRequest(x, y),
          () => g.acceptRequest(x, 'b', y),
          () => g.cancelRequest(x, y),
          () => g.hasRequest(x, y),
          () => g.incomingRequests(x),
          () => g.outgoingRequests(x),
          () => g.friendsOf(x),
          () => g.degree(x),
          () => g.guildsOf(x),
          () => g.membersOf(x),
          () => g.recommend(x, y),
          () => g.recommend('a', { k: x, method: y }),
          () => g.recommend('a', { maxCandidates: x, hubDegreeCutoff: y }),
          () => g.recommendGuilds(x, y),
          () => g.recommendGuilds('a', { k: x }),
          () => g.similarity(x, y),
          () => g.similarity('a', 'c', x, y),
          () => parseEdgeList(x, y),
          () => parseEdgeList('0 1\n', { directed: x, selfLoops: y }),
          () => parseLabels(x, y),
          () => seededRandom(x),
          () => evaluateLinkPrediction(x, cheap),
          () => evaluateLinkPrediction(edges, { ...cheap, seed: x, holdout: y }),
          () => evaluateLinkPrediction(edges, { ...cheap, methods: x, recommend: y }),
          () => evaluateLinkPrediction(edges, { ...cheap, memberships: x, weights: y }),
          () => evaluateLinkPrediction(edges, { ...cheap, memberships: [[1, x]], weights: [1, 1, 1, y] }),
          () => evaluateLinkPrediction([[1, 2], [2, 3], [x, y]], cheap),
          () => evaluateLinkPrediction(edges, x),
        ];
        for (const call of calls) onlyFriendsErrors(call);
      }),
      { numRuns: 150 },
    );
  });
});
