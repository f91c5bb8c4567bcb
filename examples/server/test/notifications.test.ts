import { FrameCodec, Op, type Frame } from '@chorus/wire';
import { describe, expect, it } from 'vitest';
import { Gateway } from '../src/index.js';
import type { Notification, UnreadCount } from '../src/features/FeatureStore.js';
import { guildScene, makeFeatureWorld, type FeatureWorld } from './featureHelpers.js';
import type { TestUser } from './helpers.js';

const codec = new FrameCodec();


const list = (w: FeatureWorld, who: TestUser, query: [string, string][] = []): Promise<Notification[]> => w.ok<Notification[]>(who, 'GET', '/users/me/notifications', undefined, query);

describe('notifications', () => {
  it('notify mentions and replies only to people who can see the channel', async () => {
    const w = await makeFeatureWorld();
    const s = await guildScene(w);
    const m = await w.ok<{ id: string }>(s.member, 'POST', `/channels/${s.general}/messages`, { content: 'question' });
    await w.ok(s.owner, 'POST', `/channels/${s.general}/messages`, { content: `answer <@${s.member.id}>`, replyTo: m.id });
    await w.ok(s.owner, 'POST', `/channels/${s.secret}/messages`, { content: `hidden <@${s.member.id}> <@${s.outsider.id}>` });
    await w.ok(s.owner, 'POST', `/channels/${s.general}/messages`, { content: `hey <@${s.member.id}> and me <@${s.owner.id}>` });
    const mine = await list(w, s.member);
    // One reply (it also mentioned them: told once), one mention; nothing from the hidden channel.
    expect(mine.map((n) => n.kind)).toEqual(['mention', 'reply']);
    expect(mine.every((n) => n.channelId === s.general && n.actorId === s.owner.id && !n.read)).toBe(true);
    expect(await list(w, s.outsider)).toEqual([]);
    expect(await list(w, s.owner)).toEqual([]);
  });

  it('notify friend requests, acceptances and invites; mark read', async () => {
    const w = await makeFeatureWorld();
    const s = await guildScene(w);
    await w.ok(s.outsider, 'PUT', `/users/me/friend-requests/${s.member.id}`);
    await w.ok(s.member, 'POST', `/users/me/friend-requests/${s.outsider.id}/accept`);
    expect((await list(w, s.outsider)).map((n) => n.kind)).toEqual(['friend_accept']);
    await w.ok(s.member, 'POST', `/users/${s.outsider.id}/invites`, { guildId: s.guildId, code: s.code });
    const n = await list(w, s.outsider);
    expect(n[0]).toMatchObject({ kind: 'invite', actorId: s.member.id, guildId: s.guildId, code: s.code });
    expect((await w.call(s.member, 'POST', `/users/${s.outsider.id}/invites`, { guildId: s.guildId, code: 'nope' })).status).toBe(404);
    expect((await w.call(s.outsider, 'POST', `/users/${s.member.id}/invites`, { guildId: s.guildId, code: s.code })).status).toBe(404);
    expect((await list(w, s.member)).map((x) => x.kind)).toEqual(['friend_request']);
    expect(await w.ok(s.outsider, 'POST', '/users/me/notifications/read', { upTo: n[1]!.id })).toEqual({ changed: 1 });
    expect((await list(w, s.outsider, [['unread', 'true']])).map((x) => x.kind)).toEqual(['invite']);
    expect(await w.ok(s.outsider, 'POST', '/users/me/notifications/read', {})).toEqual({ changed: 1 });
    expect(await list(w, s.outsider, [['unread', 'true']])).toEqual([]);
    // Blocked users do not notify each other.
    await w.ok(s.owner, 'PUT', `/users/me/blocks/${s.member.id}`);
    await w.ok(s.member, 'POST', `/channels/${s.general}/messages`, { content: `<@${s.owner.id}>` });
    expect(await list(w, s.owner)).toEqual([]);
  });

  it('count unread messages per channel and move the read marker', async () => {
    const w = await makeFeatureWorld();
    const s = await guildScene(w);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await w.ok<{ id: string }>(s.owner, 'POST', `/channels/${s.general}/messages`, { content: `m${i}` })).id);
    await w.ok(s.owner, 'POST', `/channels/${s.secret}/messages`, { content: 'hidden' });
    const unread = await w.ok<UnreadCount[]>(s.member, 'GET', '/users/me/unread');
    expect(unread).toEqual([{ channelId: s.general, count: 3, lastReadId: null }]);
    await w.ok(s.member, 'PUT', `/channels/${s.general}/read/${ids[1]}`);
    expect(await w.ok(s.member, 'GET', '/users/me/unread')).toEqual([{ channelId: s.general, count: 1, lastReadId: ids[1] }]);
    expect((await w.call(s.member, 'PUT', `/channels/${s.secret}/read/${ids[1]}`)).status).toBe(404);
    expect((await w.call(s.member, 'PUT', `/channels/${s.general}/read/12345`)).status).toBe(404);
    const owner = await w.ok<UnreadCount[]>(s.owner, 'GET', '/users/me/unread');
    expect(owner.map((u) => u.count)).toEqual([0, 0]);
  });

  it('are delivered live over the gateway', async () => {
    const w = await makeFeatureWorld();
    const s = await guildScene(w);
    const gateway = new Gateway({ service: w.service, api: w.api, now: w.now });
    const frames: Frame[] = [];
    const conn = gateway.open({ send: (b) => void frames.push(codec.decode(b)), close: () => undefined, bufferedAmount: 0 });
    conn.receive(codec.encode({ op: Op.Identify, d: { token: s.member.token } }));
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    await w.ok(s.owner, 'POST', `/channels/${s.general}/messages`, { content: `ping <@${s.member.id}>` });
    await w.ok(s.owner, 'PUT', `/users/me/friend-requests/${s.member.id}`);
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    const live = frames.filter((f) => f.op === Op.Dispatch && (f as { t: string }).t === 'NOTIFICATION_CREATE').map((f) => (f as { d: Notification }).d.kind);
    expect(live).toEqual(['mention', 'friend_request']);
    gateway.closeAll();
  });
});
