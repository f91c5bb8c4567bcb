import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCode } from './errorCode.js';
import { SocialGraph } from '../src/index.js';

const code = errorCode;

describe('SocialGraph storage', () => {
  it('matches a Map-of-Maps model under random adds, removes and weight changes', () => {
    const op = fc.oneof(
      fc.tuple(fc.constant('add' as const), fc.nat(60), fc.nat(60), fc.integer({ min: 1, max: 100 })),
      fc.tuple(fc.constant('remove' as const), fc.nat(60), fc.nat(60), fc.constant(0)),
      fc.tuple(fc.constant('weight' as const), fc.nat(60), fc.nat(60), fc.integer({ min: 1, max: 100 })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600 }), (ops) => {
        const g = new SocialGraph();
        const model = new Map<number, Map<number, number>>();
        const row = (a: number): Map<number, number> => {
          let r = model.get(a);
          if (!r) model.set(a, (r = new Map()));
          return r;
        };
        for (const [kind, a, b, w] of ops) {
          if (a === b) continue;
          const present = row(a).has(b);
          if (kind === 'add' && !present) {
            g.addFriendship(a, b, { weight: w / 8 });
            row(a).set(b, w / 8);
            row(b).set(a, w / 8);
          } else if (kind === 'add') {
            expect(code(() => g.addFriendship(a, b))).toBe('duplicate-edge');
          } else if (kind === 'remove') {
            expect(g.removeFriendship(a, b)).toBe(present);
            row(a).delete(b);
            row(b).delete(a);
          } else if (present) {
            g.setInteraction(b, a, w);
            row(a).set(b, w);
            row(b).set(a, w);
          } else {
            expect(code(() => g.setInteraction(a, b, w))).toBe('not-found');
          }
        }
        let edges = 0;
        for (const [a, r] of model) {
          edges += r.size;
          expect(g.degree(a)).toBe(r.size);
          expect(new Set(g.friendsOf(a))).toEqual(new Set(r.keys()));
          for (const [b, w] of r) expect(g.interaction(a, b)).toBe(w);
        }
        expect(g.friendshipCount).toBe(edges / 2);
      }),
      { numRuns: 60 },
    );
  });

  it('keeps a hub of 20 000 friends sorted through inserts in random order', () => {
    const g = new SocialGraph();
    const ids = Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 20_000);
    for (const i of ids) g.addFriendship('hub', i);
    expect(g.degree('hub')).toBe(20_000);
    for (let i = 0; i < 20_000; i += 2) g.removeFriendship(i, 'hub');
    expect(g.degree('hub')).toBe(10_000);
    expect(g.hasFriendship('hub', 1)).toBe(true);
    expect(g.hasFriendship('hub', 2)).toBe(false);
  });

  it('keeps every row intact while rows grow, move to larger blocks and reuse freed ones', () => {
    // A few hubs and many small users, so that rows pass through many capacities, free blocks of
    // every size pile up and get reused, and the arena both grows and compacts.
    const user = fc.oneof(fc.nat(3), fc.nat(400));
    const op = fc.tuple(fc.boolean(), user, user, fc.integer({ min: 1, max: 64 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 3000 }), (ops) => {
        const g = new SocialGraph();
        const model = new Map<number, Map<number, number>>();
        const row = (a: number): Map<number, number> => {
          let r = model.get(a);
          if (!r) model.set(a, (r = new Map()));
          return r;
        };
        for (const [add, a, b, w] of ops) {
          if (a === b) continue;
          if (add && !row(a).has(b)) {
            g.addFriendship(a, b, { weight: w / 4 });
            row(a).set(b, w / 4);
            row(b).set(a, w / 4);
          } else if (!add) {
            expect(g.removeFriendship(a, b)).toBe(row(a).delete(b));
            row(b).delete(a);
          }
        }
        for (const [a, r] of model) {
          expect(g.degree(a)).toBe(r.size);
          expect(new Set(g.friendsOf(a))).toEqual(new Set(r.keys()));
          for (const [b, w] of r) expect(g.interaction(a, b)).toBe(w);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('compacts the arena when freed blocks pile up, keeping every row', () => {
    // Arrange: a hub grows to 5 000 friends, leaving its outgrown blocks free; then 20 000 small
    // rows fill the arena until it must grow, which compacts instead.
    const g = new SocialGraph();
    for (let i = 1; i <= 5000; i++) g.addFriendship('hub', i);
    for (let i = 0; i < 20_000; i++) g.addFriendship(`p${i}`, `q${i}`);
    // Act: remove and re-add a spread of edges after the moves.
    for (let i = 1; i <= 5000; i += 7) g.removeFriendship(i, 'hub');
    for (let i = 1; i <= 5000; i += 14) g.addFriendship('hub', i, { weight: 2 });
    // Assert
    const expected = Array.from({ length: 5000 }, (_, j) => j + 1).filter((i) => (i - 1) % 7 !== 0 || (i - 1) % 14 === 0);
    expect(new Set(g.friendsOf('hub'))).toEqual(new Set(expected));
    expect(g.interaction('hub', 15)).toBe(2);
    expect(g.interaction('hub', 2)).toBe(1);
    for (let i = 0; i < 20_000; i += 997) expect(g.friendsOf(`q${i}`)).toEqual([`p${i}`]);
    expect(g.friendshipCount).toBe(expected.length + 20_000);
  });

  it('accepts string and numeric ids as distinct users', () => {
    const g = new SocialGraph();
    g.addFriendship(1, '1');
    expect(g.friendsOf(1)).toEqual(['1']);
    expect(g.userCount).toBe(2);
  });
});

describe('SocialGraph relations', () => {
  it('memberships: add, list, remove, duplicate', () => {
    const g = new SocialGraph();
    g.addMembership('ann', 'chess');
    g.addMembership('bob', 'chess');
    expect(g.membersOf('chess')).toEqual(['ann', 'bob']);
    expect(g.guildsOf('ann')).toEqual(['chess']);
    expect(code(() => g.addMembership('ann', 'chess'))).toBe('duplicate-edge');
    expect(g.removeMembership('ann', 'chess')).toBe(true);
    expect(g.removeMembership('ann', 'chess')).toBe(false);
    expect(g.membersOf('chess')).toEqual(['bob']);
    expect(g.guildCount).toBe(1);
    expect(g.membersOf('nothing')).toEqual([]);
  });

  it('blocks end the friendship and requests, and forbid new ones until unblocked', () => {
    const g = new SocialGraph();
    g.addFriendship('ann', 'bob');
    g.block('bob', 'ann');
    expect(g.hasFriendship('ann', 'bob')).toBe(false);
    expect(g.isBlocked('bob', 'ann')).toBe(true);
    expect(g.isBlocked('ann', 'bob')).toBe(false);
    expect(code(() => g.addFriendship('ann', 'bob'))).toBe('blocked');
    expect(code(() => g.sendRequest('ann', 'bob'))).toBe('blocked');
    expect(code(() => g.block('bob', 'ann'))).toBe('duplicate-edge');
    expect(g.unblock('bob', 'ann')).toBe(true);
    expect(g.unblock('bob', 'ann')).toBe(false);
    g.addFriendship('ann', 'bob');
    expect(g.hasFriendship('bob', 'ann')).toBe(true);
  });

  it('requests: pending, accept, cancel, crossing requests become a friendship', () => {
    const g = new SocialGraph();
    expect(g.sendRequest('ann', 'bob')).toBe('pending');
    expect(g.incomingRequests('bob')).toEqual(['ann']);
    expect(g.outgoingRequests('ann')).toEqual(['bob']);
    expect(code(() => g.sendRequest('ann', 'bob'))).toBe('duplicate-edge');
    g.acceptRequest('ann', 'bob', { weight: 2 });
    expect(g.interaction('bob', 'ann')).toBe(2);
    expect(g.incomingRequests('bob')).toEqual([]);
    expect(code(() => g.acceptRequest('ann', 'bob'))).toBe('not-found');
    expect(code(() => g.sendRequest('bob', 'ann'))).toBe('duplicate-edge');

    expect(g.sendRequest('cid', 'dan')).toBe('pending');
    expect(g.cancelRequest('cid', 'dan')).toBe(true);
    expect(g.cancelRequest('cid', 'dan')).toBe(false);
    expect(g.sendRequest('cid', 'dan')).toBe('pending');
    expect(g.sendRequest('dan', 'cid')).toBe('accepted');
    expect(g.hasFriendship('cid', 'dan')).toBe(true);
    expect(g.hasRequest('cid', 'dan')).toBe(false);
  });

  it('rejects bad writes with a typed error and a message saying what to change', () => {
    const g = new SocialGraph();
    expect(code(() => g.addFriendship('a', 'a'))).toBe('self-loop');
    expect(code(() => g.addFriendship('a', 'b', { weight: -1 }))).toBe('invalid-weight');
    expect(code(() => g.addFriendship('a', 'b', { weight: 0 }))).toBe('invalid-weight');
    expect(code(() => g.addFriendship('a', 'b', { weight: Number.NaN }))).toBe('invalid-weight');
    expect(code(() => g.addFriendship('a', 'b', { weight: Number.POSITIVE_INFINITY }))).toBe('invalid-weight');
    expect(code(() => g.addFriendship('a', 'b', { weight: 1e39 }))).toBe('invalid-weight');
    expect(code(() => g.addFriendship('a', 'b', { weight: 1e-50 }))).toBe('invalid-weight');
    expect(code(() => g.addFriendship('a', 'b', { weight: '2' as unknown as number }))).toBe('invalid-weight');
    expect(code(() => g.addFriendship('', 'b'))).toBe('invalid-id');
    expect(code(() => g.addFriendship(1.5, 'b'))).toBe('invalid-id');
    expect(code(() => g.addFriendship(Number.NaN, 'b'))).toBe('invalid-id');
    expect(code(() => g.addFriendship({} as unknown as string, 'b'))).toBe('invalid-id');
    expect(code(() => g.addFriendship('x'.repeat(1025), 'b'))).toBe('invalid-id');
    expect(code(() => g.addFriendship('a', 'b', null as unknown as object))).toBe('invalid-option');
    g.addFriendship('a', 'b');
    expect(code(() => g.addFriendship('b', 'a'))).toBe('duplicate-edge');
    expect(code(() => g.setInteraction('a', 'b', Number.NaN))).toBe('invalid-weight');
    expect(code(() => g.block('a', 'a'))).toBe('self-loop');
    expect(code(() => g.sendRequest('a', 'a'))).toBe('self-loop');
    // Failed writes change nothing.
    expect(g.friendshipCount).toBe(1);
    expect(g.interaction('a', 'b')).toBe(1);
    try {
      g.addFriendship('a', 'b');
    } catch (e) {
      expect((e as Error).message).toMatch(/already friends/);
    }
  });

  it('reads of unknown users are empty, not errors', () => {
    const g = new SocialGraph();
    expect(g.friendsOf('ghost')).toEqual([]);
    expect(g.guildsOf('ghost')).toEqual([]);
    expect(g.degree('ghost')).toBe(0);
    expect(g.hasFriendship('ghost', 'x')).toBe(false);
    expect(g.interaction('ghost', 'x')).toBeUndefined();
    expect(g.removeFriendship('ghost', 'x')).toBe(false);
    expect(g.similarity('ghost', 'x')).toBe(0);
    expect(g.recommendGuilds('ghost')).toEqual([]);
  });
});
