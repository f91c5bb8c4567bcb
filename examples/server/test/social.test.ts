import { FrameCodec, Op, type Frame } from '@chorus/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Features } from '../src/features/Features.js';
import type { PersonSuggestion } from '../src/features/Social.js';
import { Gateway, type Message } from '../src/index.js';
import { makeFeatureWorld, type FeatureWorld } from './featureHelpers.js';
import type { TestUser } from './helpers.js';

const codec = new FrameCodec();
const status = async (w: FeatureWorld, who: TestUser, method: string, path: string, body?: unknown, query: [string, string][] = []): Promise<number> => (await w.call(who, method, path, body, query)).status;

async function befriend(w: FeatureWorld, a: TestUser, b: TestUser): Promise<void> {
  await w.ok(a, 'PUT', `/users/me/friend-requests/${b.id}`);
  await w.ok(b, 'POST', `/users/me/friend-requests/${a.id}/accept`);
}

const people = async (w: FeatureWorld, who: TestUser): Promise<PersonSuggestion[]> => w.ok<PersonSuggestion[]>(who, 'GET', '/users/me/suggestions/people', undefined, [['limit', '100']]);

describe('friends', () => {
  it('sends, accepts, declines and cancels requests; crossing requests become a friendship', async () => {
    const w = await makeFeatureWorld();
    const [a, b, c] = [await w.user('ann'), await w.user('bob'), await w.user('cid')];
    expect(await w.ok(a, 'PUT', `/users/me/friend-requests/${b.id}`)).toEqual({ status: 'pending' });
    expect(await w.ok(b, 'GET', '/users/me/friend-requests')).toMatchObject({ incoming: [{ fromId: a.id, toId: b.id }], outgoing: [] });
    await w.ok(b, 'POST', `/users/me/friend-requests/${a.id}/accept`);
    expect((await w.ok<{ user: { id: string } }[]>(a, 'GET', '/users/me/friends')).map((f) => f.user.id)).toEqual([b.id]);
    expect(await status(w, a, 'PUT', `/users/me/friend-requests/${b.id}`)).toBe(409);
    expect(await status(w, a, 'PUT', `/users/me/friend-requests/${a.id}`)).toBe(400);
    expect(await status(w, a, 'POST', `/users/me/friend-requests/${c.id}/accept`)).toBe(404);
    // Decline and cancel.
    await w.ok(c, 'PUT', `/users/me/friend-requests/${a.id}`);
    await w.ok(a, 'DELETE', `/users/me/friend-requests/${c.id}`);
    expect(await w.ok(c, 'GET', '/users/me/friend-requests')).toEqual({ incoming: [], outgoing: [] });
    await w.ok(c, 'PUT', `/users/me/friend-requests/${b.id}`);
    await w.ok(c, 'DELETE', `/users/me/friend-requests/${b.id}`);
    expect(await status(w, c, 'DELETE', `/users/me/friend-requests/${b.id}`)).toBe(404);
    // Crossing requests.
    await w.ok(c, 'PUT', `/users/me/friend-requests/${b.id}`);
    expect(await w.ok(b, 'PUT', `/users/me/friend-requests/${c.id}`)).toEqual({ status: 'accepted' });
    await w.ok(a, 'DELETE', `/users/me/friends/${b.id}`);
    expect(await w.ok(a, 'GET', '/users/me/friends')).toEqual([]);
    expect(await status(w, a, 'DELETE', `/users/me/friends/${b.id}`)).toBe(404);
    expect(await status(w, a, 'PUT', '/users/me/friend-requests/999999')).toBe(404);
  });

  it('lets friends see each other\'s profile without a shared space, and only while friends', async () => {
    const w = await makeFeatureWorld();
    const [a, b] = [await w.user('ann'), await w.user('bob')];
    expect(await status(w, a, 'GET', `/users/${b.id}`)).toBe(404);
    await befriend(w, a, b);
    expect(await w.ok<{ username: string }>(a, 'GET', `/users/${b.id}`)).toMatchObject({ username: 'bob' });
    expect(await status(w, b, 'GET', `/users/${a.id}`)).toBe(200);
    await w.ok(a, 'DELETE', `/users/me/friends/${b.id}`);
    expect(await status(w, a, 'GET', `/users/${b.id}`)).toBe(404);
  });

  it('counts messages between friends as interactions', async () => {
    const w = await makeFeatureWorld();
    const [a, b] = [await w.user('ann'), await w.user('bob')];
    const g = await w.ok<{ id: string; channels: { id: string }[] }>(a, 'POST', '/guilds', { name: 'g' });
    const inv = await w.ok<{ code: string }>(a, 'POST', `/guilds/${g.id}/invites`, {});
    await w.ok(b, 'POST', `/invites/${inv.code}`);
    await befriend(w, a, b);
    const dm = await w.ok<{ id: string }>(a, 'POST', `/users/${b.id}/dm`);
    await w.ok(a, 'POST', `/channels/${dm.id}/messages`, { content: 'hi' });
    await w.ok(b, 'POST', `/channels/${dm.id}/messages`, { content: 'hey' });
    await w.ok(a, 'POST', `/channels/${g.channels[0]!.id}/messages`, { content: `look <@${b.id}>` });
    const [f] = await w.ok<{ interactions: number }[]>(a, 'GET', '/users/me/friends');
    expect(f!.interactions).toBe(3);
    expect(w.features.social.graph.interaction(a.id, b.id)).toBeCloseTo(1 + Math.log2(4), 5);
  });
});

describe('blocks', () => {
  it('make two users invisible to each other: no requests, DMs, messages, suggestions or DM search', async () => {
    const w = await makeFeatureWorld();
    const [a, b, c] = [await w.user('ann'), await w.user('bob'), await w.user('cid')];
    const g = await w.ok<{ id: string }>(a, 'POST', '/guilds', { name: 'g' });
    const inv = await w.ok<{ code: string }>(a, 'POST', `/guilds/${g.id}/invites`, {});
    await w.ok(b, 'POST', `/invites/${inv.code}`);
    await befriend(w, a, c);
    await befriend(w, c, b);
    const dm = await w.ok<{ id: string }>(a, 'POST', `/users/${b.id}/dm`);
    await w.ok(b, 'POST', `/channels/${dm.id}/messages`, { content: 'secret hello' });
    await w.ok(a, 'POST', `/channels/${dm.id}/messages`, { content: 'hello back' });
    // Positive controls before the block.
    expect((await people(w, a)).map((s) => s.user.id)).toContain(b.id);
    expect(await w.ok<unknown[]>(a, 'GET', `/channels/${dm.id}/search`, undefined, [['q', 'hello']])).toHaveLength(2);
    // Act
    await w.ok(b, 'PUT', `/users/me/blocks/${a.id}`);
    // Assert
    expect(await w.ok(b, 'GET', '/users/me/blocks')).toEqual([a.id]);
    expect(await status(w, a, 'PUT', `/users/me/friend-requests/${b.id}`)).toBe(404);
    expect(await status(w, b, 'PUT', `/users/me/friend-requests/${a.id}`)).toBe(404);
    expect(await status(w, a, 'POST', `/channels/${dm.id}/messages`, { content: 'hi?' })).toBe(403);
    expect(await status(w, b, 'POST', `/channels/${dm.id}/messages`, { content: 'hi?' })).toBe(403);
    expect((await people(w, a)).map((s) => s.user.id)).not.toContain(b.id);
    expect((await people(w, b)).map((s) => s.user.id)).not.toContain(a.id);
    const hits = await w.ok<{ message: Message }[]>(a, 'GET', `/channels/${dm.id}/search`, undefined, [['q', 'hello']]);
    expect(hits.map((h) => h.message.authorId)).toEqual([a.id]);
    // A new DM between them cannot be opened (the old one exists; a fresh pair shows it).
    await w.ok(c, 'PUT', `/users/me/blocks/${a.id}`);
    expect(await status(w, a, 'POST', `/users/${c.id}/dm`)).toBe(404);
    expect(await w.ok(a, 'GET', '/users/me/friends')).toEqual([]);
    // Presence: hidden in profiles and in Ready, and presence dispatches are dropped.
    await w.service.updateProfile(a.caller, { presence: 'online' });
    expect((await w.ok<{ presence: string }>(b, 'GET', `/users/${a.id}`)).presence).toBe('offline');
    expect((await w.service.readyState(b.caller)).presences.map((p) => p.userId)).not.toContain(a.id);
    expect(w.service.hooks.hidesPresence?.(b.id, a.id)).toBe(true);
    const gateway = new Gateway({ service: w.service, api: w.api, now: w.now });
    const frames: Frame[] = [];
    gateway.open({ send: (x) => void frames.push(codec.decode(x)), close: () => undefined, bufferedAmount: 0 }).receive(codec.encode({ op: Op.Identify, d: { token: b.token } }));
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    await w.service.updateProfile(a.caller, { presence: 'idle' });
    const eve = await w.user('eve');
    await w.ok(eve, 'POST', `/invites/${inv.code}`);
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    await w.service.updateProfile(eve.caller, { presence: 'idle' });
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    const seen = frames.filter((f) => f.op === Op.Dispatch && (f as { t: string }).t === 'PRESENCE_UPDATE').map((f) => (f as { d: { userId: string } }).d.userId);
    expect(seen).not.toContain(a.id);
    expect(seen).toContain(eve.id); // positive control: other members' presence arrives
    gateway.closeAll();
    // Unblocking restores messaging.
    await w.ok(b, 'DELETE', `/users/me/blocks/${a.id}`);
    expect(await status(w, a, 'POST', `/channels/${dm.id}/messages`, { content: 'hi again' })).toBe(201);
    expect(await status(w, b, 'DELETE', `/users/me/blocks/${a.id}`)).toBe(404);
    expect(await status(w, a, 'PUT', `/users/me/blocks/${a.id}`)).toBe(400);
  });
});

describe('friends’ presence', () => {
  it('reaches friends who share no guild: in Ready, when they become friends and live; not after unfriending', async () => {
    // Arrange: ann and bob share nothing; bob is on the gateway.
    const w = await makeFeatureWorld();
    const [a, b, c] = [await w.user('ann'), await w.user('bob'), await w.user('cid')];
    await w.service.updateProfile(a.caller, { presence: 'idle' });
    expect(await status(w, b, 'GET', `/users/${a.id}`)).toBe(404);
    const gateway = new Gateway({ service: w.service, api: w.api, now: w.now });
    const frames: Frame[] = [];
    const turns = async (): Promise<void> => {
      for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    };
    gateway.open({ send: (x) => void frames.push(codec.decode(x)), close: () => undefined, bufferedAmount: 0 }).receive(codec.encode({ op: Op.Identify, d: { token: b.token } }));
    await turns();
    const presences = (): { userId: string; status: string }[] =>
      frames.flatMap((f) => (f.op === Op.Dispatch && f.t === 'PRESENCE_UPDATE' ? [f.d as { userId: string; status: string }] : []));
    // Act + assert: a stranger's presence change does not reach bob.
    await w.service.updateProfile(c.caller, { presence: 'online' });
    await turns();
    expect(presences()).toEqual([]);
    // Becoming friends tells bob ann's current presence, and ann's changes follow.
    await befriend(w, b, a);
    await turns();
    expect(presences()).toContainEqual(expect.objectContaining({ userId: a.id, status: 'idle' }));
    await w.service.updateProfile(a.caller, { presence: 'online', nickname: 'Ann' });
    await turns();
    expect(presences().at(-1)).toEqual({ userId: a.id, status: 'online', guildId: null });
    expect(frames.some((f) => f.op === Op.Dispatch && f.t === 'USER_UPDATE' && (f.d as { nickname: string }).nickname === 'Ann')).toBe(true);
    expect((await w.service.readyState(b.caller)).presences).toContainEqual({ userId: a.id, presence: 'online' });
    // After unfriending, ann's changes no longer reach bob, and Ready leaves her out.
    await w.ok(a, 'DELETE', `/users/me/friends/${b.id}`);
    const before = presences().length;
    await w.service.updateProfile(a.caller, { presence: 'idle' });
    await turns();
    expect(presences().length).toBe(before);
    expect((await w.service.readyState(b.caller)).presences.map((p) => p.userId)).not.toContain(a.id);
    // Friends may open a DM though they share no guild; strangers may not.
    expect(await status(w, b, 'POST', `/users/${a.id}/dm`)).toBe(404);
    await befriend(w, a, b);
    expect(await status(w, b, 'POST', `/users/${a.id}/dm`)).toBe(200);
    expect(await status(w, b, 'POST', `/users/${c.id}/dm`)).toBe(404);
    gateway.closeAll();
  });
});

describe('suggestions', () => {
  it('give reasons and follow friendships, memberships and guild deletion without a rebuild', async () => {
    const w = await makeFeatureWorld();
    const [a, b, c, d] = [await w.user('ann'), await w.user('bob'), await w.user('cid'), await w.user('dan')];
    await befriend(w, a, b);
    await befriend(w, b, c);
    expect(await people(w, a)).toMatchObject([{ user: { id: c.id }, mutualFriends: 1, sharedGuilds: 0 }]);
    // A guild shared with d makes d a candidate through the guild.
    const g = await w.ok<{ id: string }>(d, 'POST', '/guilds', { name: 'chess' });
    const inv = await w.ok<{ code: string }>(d, 'POST', `/guilds/${g.id}/invites`, {});
    await w.ok(a, 'POST', `/invites/${inv.code}`);
    expect((await people(w, a)).find((s) => s.user.id === d.id)).toMatchObject({ mutualFriends: 0, sharedGuilds: 1 });
    // Communities friends are in: b's friend a is in chess, b is not.
    expect(await w.ok(b, 'GET', '/users/me/suggestions/guilds')).toMatchObject([{ guildId: g.id, name: 'chess', friends: 1, members: 2 }]);
    await w.ok(b, 'POST', `/invites/${inv.code}`);
    expect(await w.ok(b, 'GET', '/users/me/suggestions/guilds')).toEqual([]);
    expect(await w.ok(c, 'GET', '/users/me/suggestions/guilds')).toMatchObject([{ guildId: g.id, friends: 1 }]);
    await w.ok(d, 'DELETE', `/guilds/${g.id}`);
    expect(await w.ok(c, 'GET', '/users/me/suggestions/guilds')).toEqual([]);
    // Becoming friends removes the suggestion; a pending request too.
    await befriend(w, a, c);
    expect((await people(w, a)).map((s) => s.user.id)).not.toContain(c.id);
    await w.ok(d, 'PUT', `/users/me/friend-requests/${b.id}`);
    expect((await people(w, c)).map((s) => s.user.id)).not.toContain(d.id);
  });

  it('never suggest oneself, friends, pending requests or blocked users, and equal a rebuild from the store (property)', async () => {
    const action = fc.record({ kind: fc.constantFrom('request', 'accept', 'block', 'unblock', 'unfriend', 'decline'), from: fc.nat(5), to: fc.nat(5) });
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 40 }), async (actions) => {
        const w = await makeFeatureWorld();
        const users: TestUser[] = [];
        for (let i = 0; i < 6; i++) users.push(await w.user(`u${i}`));
        for (const x of actions) {
          const [a, b] = [users[x.from]!, users[x.to]!];
          const path = {
            request: ['PUT', `/users/me/friend-requests/${b.id}`],
            accept: ['POST', `/users/me/friend-requests/${b.id}/accept`],
            block: ['PUT', `/users/me/blocks/${b.id}`],
            unblock: ['DELETE', `/users/me/blocks/${b.id}`],
            unfriend: ['DELETE', `/users/me/friends/${b.id}`],
            decline: ['DELETE', `/users/me/friend-requests/${b.id}`],
          }[x.kind] as [string, string];
          const r = await w.call(a, path[0], path[1]);
          expect(r.status, JSON.stringify(r.body)).toBeLessThan(500);
        }
        const rebuilt = new Features({ service: w.service, store: w.store, fanOut: new (await import('../src/features/ObservedFanOut.js')).ObservedFanOut(w.service.fanOut), chunks: w.chunks });
        await rebuilt.load();
        for (const u of users) {
          const s = await people(w, u);
          const friends = new Set((await w.store.features.listFriends(u.id)).map((f) => f.friendId));
          const { incoming, outgoing } = await w.store.features.listRequests(u.id);
          for (const x of s) {
            expect(x.user.id).not.toBe(u.id);
            expect(friends.has(x.user.id)).toBe(false);
            expect(await w.store.features.blockedEither(u.id, x.user.id)).toBe(false);
            expect([...incoming.map((r) => r.fromId), ...outgoing.map((r) => r.toId)]).not.toContain(x.user.id);
            expect(x.mutualFriends).toBeGreaterThan(0);
          }
          // The graph kept current event by event equals one loaded from the store.
          const fresh = await rebuilt.social.suggestPeople(u.caller, 100);
          const key = (l: PersonSuggestion[]): string[] => l.map((x) => `${x.user.id}:${x.score.toFixed(9)}:${x.mutualFriends}`).sort();
          expect(key(s)).toEqual(key(fresh));
        }
        await w.store.close();
      }),
      { numRuns: 40 },
    );
  });
});
