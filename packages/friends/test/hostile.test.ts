import { describe, expect, it } from 'vitest';
import { FriendsError, SocialGraph } from '../src/index.js';
import { evaluateLinkPrediction } from '../src/eval.js';

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
});
