// The in-memory latest page must never differ from what the database says.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecentMessages } from '../src/RecentMessages.js';
import { SqliteStore } from '../src/SqliteStore.js';
import { SnowflakeGenerator, compareIds, type Message } from '../src/index.js';

const msg = (id: string, channelId = 'c', content = `m${id}`): Message => ({ id, channelId, authorId: '1', content, replyTo: null, mentions: [], editedAt: null, reactions: [] });

describe('RecentMessages', () => {
  it('hands out one frozen page per channel until the channel changes', () => {
    const recent = new RecentMessages({ perChannel: 10 });
    recent.fill('c', [msg('1'), msg('2'), msg('3')]);
    const page = recent.latest('c', 2)!;
    expect(Object.isFrozen(page)).toBe(true);
    expect(recent.latest('c', 2)).toBe(page);
    expect(recent.latest('c', 3)).toEqual([msg('1'), msg('2'), msg('3')]);
    const p2 = recent.latest('c', 2)!;
    expect(p2).toEqual(page);
    recent.added(msg('4'));
    expect(recent.latest('c', 2)).toEqual([msg('3'), msg('4')]);
    const p3 = recent.latest('c', 2)!;
    recent.edited(msg('4', 'c', 'edited'));
    expect(recent.latest('c', 2)).not.toBe(p3);
    expect(recent.latest('c', 2)![1]!.content).toBe('edited');
    recent.removed('c', '4');
    expect(recent.latest('c', 2)).toEqual([msg('2'), msg('3')]);
    // Changes to messages it does not hold leave the page as it was.
    const p4 = recent.latest('c', 2)!;
    recent.edited(msg('99'));
    recent.removed('c', '98');
    expect(recent.latest('c', 2)).toBe(p4);
  });

  it('answers only with exactly the newest messages, whatever the order of changes (property, brute-force reference)', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('add' as const), id: fc.integer({ min: 1, max: 24 }) }),
      fc.record({ k: fc.constant('remove' as const), id: fc.integer({ min: 1, max: 24 }) }),
      fc.record({ k: fc.constant('edit' as const), id: fc.integer({ min: 1, max: 24 }) }),
      fc.record({ k: fc.constant('read' as const), limit: fc.integer({ min: 1, max: 12 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.array(op, { minLength: 10, maxLength: 80 }), (perChannel, ops) => {
        const recent = new RecentMessages({ perChannel, channels: 4 });
        const truth = new Map<string, Message>();
        const newest = (limit: number): Message[] => [...truth.values()].sort((a, b) => compareIds(a.id, b.id)).slice(-limit);
        for (const o of ops) {
          if (o.k === 'add') {
            const m = msg(String(o.id));
            truth.set(m.id, m);
            recent.added(m);
          } else if (o.k === 'remove') {
            truth.delete(String(o.id));
            recent.removed('c', String(o.id));
          } else if (o.k === 'edit') {
            if (!truth.has(String(o.id))) continue;
            const m = { ...msg(String(o.id)), content: 'edited', editedAt: 5 };
            truth.set(m.id, m);
            recent.edited(m);
          } else {
            const limit = Math.min(o.limit, perChannel);
            const held = recent.latest('c', limit);
            if (held) expect(held).toEqual(newest(limit));
            else recent.fill('c', newest(perChannel));
            expect(recent.latest('c', limit)).toEqual(newest(limit));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('forgets the channel read longest ago when full', () => {
    const recent = new RecentMessages({ perChannel: 2, channels: 2 });
    recent.fill('a', [msg('1', 'a')]);
    recent.fill('b', [msg('2', 'b')]);
    recent.latest('a', 1);
    recent.fill('c', [msg('3', 'c')]);
    expect(recent.size).toBe(2);
    expect(recent.latest('b', 1)).toBeUndefined();
    expect(recent.latest('a', 1)).toEqual([msg('1', 'a')]);
  });

  it('refuses sizes that are not positive integers', () => {
    expect(() => new RecentMessages({ perChannel: 0 })).toThrow(RangeError);
    expect(() => new RecentMessages({ channels: Number.NaN })).toThrow(RangeError);
  });
});

describe('SqliteStore latest-page cache', () => {
  it('serves the same pages as the store without it through sends, edits, deletes and reactions (property)', async () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('send' as const), n: fc.integer({ min: 1, max: 4 }), ch: fc.integer({ min: 0, max: 1 }) }),
      fc.record({ k: fc.constant('edit' as const), pick: fc.nat() }),
      fc.record({ k: fc.constant('delete' as const), pick: fc.nat() }),
      fc.record({ k: fc.constant('react' as const), pick: fc.nat(), add: fc.boolean() }),
      { arbitrary: fc.record({ k: fc.constant('read' as const), limit: fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 1, max: 100 })), ch: fc.integer({ min: 0, max: 1 }) }), weight: 3 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 40 }), async (ops) => {
        // Arrange: the same guild in a cached store (small, to exercise trimming) and an uncached one.
        const cached = new SqliteStore({ file: ':memory:', recentPerChannel: 6 });
        const plain = new SqliteStore({ file: ':memory:', recentPerChannel: 0 });
        const stores = [cached, plain];
        const ids = new SnowflakeGenerator({ now: () => 1_800_000_000_000 });
        const g = ids.next();
        const chans = [ids.next(), ids.next()];
        for (const s of stores) {
          await s.createUser({ id: '7', username: 'ada', passwordHash: 'h', nickname: 'ada', about: '', presence: 'offline', createdAt: 1 });
          await s.createGuild(
            { id: g, name: 'g', description: '', ownerId: '7', topics: [], createdAt: 1 },
            [{ id: g, guildId: g, name: '@everyone', permissions: 6, position: 0 }],
            chans.map((id, i) => ({ id, kind: 'text' as const, guildId: g, parentId: null, name: `c${i}`, topic: '', position: i, ownerId: null, createdAt: 1 })),
          );
        }
        const sent: { id: string; ch: string }[] = [];
        for (const o of ops) {
          // Act on both, then Assert that reads agree.
          if (o.k === 'send') {
            const batch = Array.from({ length: o.n }, () => ({ id: ids.next(), channelId: chans[o.ch]!, authorId: '7', content: 'hi <@7>', replyTo: null, mentions: ['7'] }));
            for (const s of stores) await Promise.all(batch.map((m) => s.createMessage(m)));
            sent.push(...batch.map((m) => ({ id: m.id, ch: m.channelId })));
          } else if (o.k === 'read') {
            const [a, b] = await Promise.all(stores.map((s) => s.listMessages(chans[o.ch]!, { limit: o.limit })));
            expect(a).toEqual(b);
          } else if (sent.length > 0) {
            const t = sent[o.pick % sent.length]!;
            for (const s of stores) {
              if (o.k === 'edit') await s.editMessage(t.ch, t.id, 'changed', [], 9);
              else if (o.k === 'delete') await s.deleteMessage(t.ch, t.id);
              else if (o.add) await s.addReaction(t.ch, t.id, '7', '👍');
              else await s.removeReaction(t.ch, t.id, '7', '👍');
            }
          }
        }
        for (const ch of chans) expect(await cached.listMessages(ch, { limit: 100 })).toEqual(await plain.listMessages(ch, { limit: 100 }));
        await cached.close();
        await plain.close();
      }),
      { numRuns: 150 },
    );
  });
});
