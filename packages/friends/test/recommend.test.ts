import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SIMILARITY_METHODS, SocialGraph, type SimilarityMethod } from '../src/index.js';
import { build, graphSpec, usersOf } from './arbitraries.js';
import { close } from './reference.js';

const method = fc.constantFrom<SimilarityMethod>(...SIMILARITY_METHODS);
const unbounded = { maxCandidates: 10_000_000, hubDegreeCutoff: 0x7fffffff };

describe('recommend', () => {
  it('returns the brute-force top k (scores equal, nothing better left out)', () => {
    fc.assert(
      fc.property(graphSpec, method, fc.integer({ min: 1, max: 8 }), (spec, m, k) => {
        const { graph, naive } = build(spec);
        for (const u of usersOf(spec)) {
          const got = graph.recommend(u, { ...unbounded, k, method: m });
          const want = naive.ranking(u, m, usersOf(spec));
          expect(got.length).toBe(Math.min(k, want.length));
          for (let i = 0; i < got.length; i++) {
            // Same score at each rank; ties may pick different users.
            expect(close(got[i]!.score, want[i]!.score)).toBe(true);
            expect(close(got[i]!.score, naive.similarity(u, got[i]!.user as number, m))).toBe(true);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never suggests the user, a friend, a blocked user either way, or a pending request', () => {
    fc.assert(
      fc.property(graphSpec, method, (spec, m) => {
        const { graph, naive } = build(spec);
        for (const u of usersOf(spec)) {
          for (const r of graph.recommend(u, { method: m, k: 50 })) {
            const c = r.user as number;
            expect(c).not.toBe(u);
            expect(graph.hasFriendship(u, c)).toBe(false);
            expect(naive.blocks.has(`${u} ${c}`) || naive.blocks.has(`${c} ${u}`)).toBe(false);
            expect(graph.hasRequest(u, c) || graph.hasRequest(c, u)).toBe(false);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is sorted by score, holds distinct users, and reports exact mutual friends and shared guilds', () => {
    fc.assert(
      fc.property(graphSpec, method, (spec, m) => {
        const { graph, naive } = build(spec);
        for (const u of usersOf(spec)) {
          const recs = graph.recommend(u, { method: m, k: 10 });
          expect(new Set(recs.map((r) => r.user)).size).toBe(recs.length);
          for (let i = 1; i < recs.length; i++) expect(recs[i - 1]!.score).toBeGreaterThanOrEqual(recs[i]!.score);
          for (const r of recs) {
            const c = r.user as number;
            const mutual = [...(naive.adj.get(u)?.keys() ?? [])].filter((z) => naive.adj.get(c)?.has(z)).length;
            const shared = [...(naive.guilds.get(u) ?? [])].filter((g) => naive.guilds.get(c)?.has(g)).length;
            expect(r.mutualFriends).toBe(mutual);
            expect(r.sharedGuilds).toBe(shared);
            expect(r.score).toBeGreaterThan(0);
          }
        }
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic: the same operations give the same answer', () => {
    fc.assert(
      fc.property(graphSpec, method, (spec, m) => {
        const a = build(spec).graph;
        const b = build(spec).graph;
        for (const u of usersOf(spec)) expect(a.recommend(u, { method: m })).toEqual(b.recommend(u, { method: m }));
      }),
      { numRuns: 40 },
    );
  });

  it('answers the same after updates as a graph built from scratch (incremental = rebuild)', () => {
    fc.assert(
      fc.property(graphSpec, fc.array(fc.tuple(fc.nat(23), fc.nat(23)), { maxLength: 20 }), (generated, removals) => {
        // Requests are left out: one skipped because its users were friends would be valid in the rebuild.
        const spec = { ...generated, requests: [] };
        const { graph } = build(spec);
        const removed = new Set<string>();
        for (const [a, b] of removals) if (graph.removeFriendship(a % spec.n, b % spec.n)) removed.add(`${Math.min(a % spec.n, b % spec.n)} ${Math.max(a % spec.n, b % spec.n)}`);
        const rest: typeof spec = { ...spec, edges: spec.edges.filter(([a, b]) => !removed.has(`${Math.min(a, b)} ${Math.max(a, b)}`)) };
        const fresh = build(rest).graph;
        for (const u of usersOf(spec)) {
          for (const m of SIMILARITY_METHODS) {
            const x = graph.recommend(u, { ...unbounded, method: m, k: 30 });
            const y = fresh.recommend(u, { ...unbounded, method: m, k: 30 });
            expect(x.map((r) => r.score).every((s, i) => close(s, y[i]!.score))).toBe(true);
            expect(x.length).toBe(y.length);
          }
        }
      }),
      { numRuns: 30 },
    );
  });

  it('admits at most maxCandidates candidates', () => {
    fc.assert(
      fc.property(graphSpec, fc.integer({ min: 1, max: 5 }), (spec, maxCandidates) => {
        const { graph } = build(spec);
        for (const u of usersOf(spec)) {
          expect(graph.recommend(u, { k: 100, maxCandidates }).length).toBeLessThanOrEqual(maxCandidates);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('does not expand hubs but may still recommend them', () => {
    // Arrange: ann - hub - {x1..x5}; ann - bob - hub2; hub2 is a hub too but a friend of bob only.
    const g = new SocialGraph();
    g.addFriendship('ann', 'hub');
    for (let i = 1; i <= 5; i++) g.addFriendship('hub', `x${i}`);
    g.addFriendship('ann', 'bob');
    g.addFriendship('bob', 'hub2');
    for (let i = 1; i <= 5; i++) g.addFriendship('hub2', `y${i}`);
    // Act
    const recs = g.recommend('ann', { hubDegreeCutoff: 3, method: 'common-neighbors' });
    // Assert: the hub's friends are not reached, the hub reached through bob is suggested.
    expect(recs.map((r) => r.user)).toEqual(['hub2']);
    expect(g.recommend('ann', { method: 'common-neighbors' }).map((r) => r.user)).toContain('x1');
  });

  it('bounds the work for a user with a huge friends-of-friends set', () => {
    const g = new SocialGraph();
    // 200 friends with 50 friends each: 10 000 friends of friends.
    for (let f = 0; f < 200; f++) {
      g.addFriendship('me', `f${f}`);
      for (let j = 0; j < 50; j++) g.addFriendship(`f${f}`, `ff${f}-${j}`);
    }
    const recs = g.recommend('me', { k: 10_000, maxCandidates: 300, method: 'common-neighbors' });
    expect(recs.length).toBeLessThanOrEqual(300);
    expect(recs.length).toBeGreaterThan(0);
  });

  it('uses shared small guilds under hybrid, and guildWeight 0 turns them off', () => {
    const g = new SocialGraph();
    g.addFriendship('ann', 'bob');
    g.addMembership('ann', 'chess');
    g.addMembership('cid', 'chess');
    const recs = g.recommend('ann');
    expect(recs).toEqual([{ user: 'cid', score: 0.5, mutualFriends: 0, sharedGuilds: 1 }]);
    expect(g.recommend('ann', { guildWeight: 0 })).toEqual([]);
    expect(g.recommend('ann', { method: 'resource-allocation' })).toEqual([]);
  });

  it('returns an empty list for an unknown user or a user without friends', () => {
    const g = new SocialGraph();
    g.addFriendship(1, 2);
    expect(g.recommend('nobody')).toEqual([]);
    expect(g.recommend(3)).toEqual([]);
    expect(g.recommend(1)).toEqual([]);
  });
});

describe('recommendGuilds', () => {
  it('ranks guilds of friends that the user is not in, with exact counts', () => {
    fc.assert(
      fc.property(graphSpec, fc.integer({ min: 1, max: 6 }), (spec, k) => {
        const { graph, naive } = build(spec);
        for (const u of usersOf(spec)) {
          const recs = graph.recommendGuilds(u, { k });
          // Brute force: every guild of a friend that u is not in.
          const friends = naive.adj.get(u) ?? new Map<number, number>();
          const expected = new Map<number, number>();
          for (const [g, members] of naive.members) {
            if (members.has(u)) continue;
            let s = 0;
            for (const m of members) s += friends.get(m) ?? 0;
            if (s > 0) expected.set(g, s / Math.log2(1 + members.size));
          }
          const best = [...expected.values()].sort((a, b) => b - a);
          expect(recs.length).toBe(Math.min(k, best.length));
          recs.forEach((r, i) => {
            expect(close(r.score, best[i]!)).toBe(true);
            expect(r.members).toBe(naive.members.get(r.guild as number)!.size);
            expect(r.friends).toBe([...naive.members.get(r.guild as number)!].filter((m) => friends.has(m)).length);
          });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('admits at most maxCandidates guilds', () => {
    const g = new SocialGraph();
    g.addFriendship('me', 'pal');
    for (let i = 0; i < 50; i++) g.addMembership('pal', `guild${i}`);
    expect(g.recommendGuilds('me', { k: 100, maxCandidates: 7 })).toHaveLength(7);
    expect(g.recommendGuilds('me', { k: 100 })).toHaveLength(50);
  });

  it('prefers a small circle of close friends to a big guild of acquaintances', () => {
    const g = new SocialGraph();
    for (const f of ['a', 'b']) {
      g.addFriendship('me', f, { weight: 3 });
      g.addMembership(f, 'circle');
    }
    for (let i = 0; i < 3; i++) {
      g.addFriendship('me', `m${i}`);
      g.addMembership(`m${i}`, 'mega');
    }
    for (let i = 0; i < 500; i++) g.addMembership(`x${i}`, 'mega');
    expect(g.recommendGuilds('me').map((r) => r.guild)).toEqual(['circle', 'mega']);
    expect(g.recommendGuilds('stranger')).toEqual([]);
  });
});
