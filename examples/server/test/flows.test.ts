import { describe, expect, it } from 'vitest';
import { Api, ROUTES, ServiceError } from '../src/index.js';
import { makeScene, makeWorld } from './helpers.js';

const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    return e.code;
  }
};

describe('accounts', () => {
  it('registers, logs in, lists and revokes sessions', async () => {
    const w = makeWorld();
    const a = await w.user('ada');
    expect(await code(w.service.register({ username: 'Ada!', password: 'password123' }))).toBe('validation');
    const second = await w.service.login({ username: 'ada', password: 'password123' }, 'phone');
    const sessions = await w.service.listSessions(a.caller);
    expect(sessions.map((s) => s.current)).toEqual([true, false]);
    expect(sessions[1]!.userAgent).toBe('phone');
    expect(JSON.stringify(sessions)).not.toContain(second.token);
    await w.service.revokeSession(a.caller, second.sessionId);
    expect(await code(w.service.authenticate(second.token))).toBe('unauthorized');
    expect(await code(w.service.authenticate(a.token))).toBe('ok');
  });

  it('shows profiles only to people who share a guild or channel, and announces presence', async () => {
    const s = await makeScene();
    s.w.listen(`guild:${s.guild.id}`);
    expect(await code(s.w.service.profile(s.outsider.caller, s.member.id))).toBe('not_found');
    expect((await s.w.service.profile(s.owner.caller, s.member.id)).username).toBe('member');
    await s.w.service.updateProfile(s.member.caller, { presence: 'idle', nickname: 'Mem' });
    expect(s.w.events.map((e) => e.event)).toContainEqual({ t: 'PRESENCE_UPDATE', d: { userId: s.member.id, status: 'idle', guildId: s.guild.id } });
  });
});

describe('guilds, roles, invites, channels', () => {
  it('bounds topics, nests channels one level, and hides channels by override', async () => {
    const s = await makeScene();
    for (let i = 0; i < 19; i++) await s.w.service.setTopic(s.owner.caller, s.guild.id, `t${i}`, true);
    expect(await code(s.w.service.setTopic(s.owner.caller, s.guild.id, 'one-too-many', true))).toBe('limit_reached');
    const sub = await s.w.service.createChannel(s.owner.caller, s.guild.id, { name: 'sub', parentId: s.general.id });
    expect(await code(s.w.service.createChannel(s.owner.caller, s.guild.id, { name: 'subsub', parentId: sub.id }))).toBe('validation');
    // The parent's override applies to the sub-channel.
    await s.w.service.setOverride(s.owner.caller, s.general.id, { targetType: 'member', targetId: s.member.id, allow: 0, deny: 2 });
    expect(await s.w.service.canView(s.member.id, sub.id)).toBe(false);
    await s.w.service.setOverride(s.owner.caller, sub.id, { targetType: 'member', targetId: s.member.id, allow: 2, deny: 0 });
    expect(await s.w.service.canView(s.member.id, sub.id)).toBe(true);
    await s.w.service.deleteChannel(s.owner.caller, s.general.id);
    expect(await code(s.w.service.getChannel(s.owner.caller, sub.id))).toBe('not_found');
  });

  it('expires invites and enforces use limits', async () => {
    const s = await makeScene();
    const inv = await s.w.service.createInvite(s.owner.caller, s.guild.id, { maxAgeSeconds: 60, maxUses: 1 });
    const x = await s.w.user('xx');
    const y = await s.w.user('yy');
    const z = await s.w.user('zz');
    expect(await code(s.w.service.acceptInvite(x.caller, inv.code))).toBe('ok');
    expect(await code(s.w.service.acceptInvite(y.caller, inv.code))).toBe('gone');
    const inv2 = await s.w.service.createInvite(s.owner.caller, s.guild.id, { maxAgeSeconds: 60 });
    s.w.advance(61_000);
    expect(await code(s.w.service.acceptInvite(z.caller, inv2.code))).toBe('gone');
  });

  it('keeps the role hierarchy: no grants above one’s rank or beyond one’s bits', async () => {
    const s = await makeScene();
    const manager = await s.w.service.createRole(s.owner.caller, s.guild.id, { name: 'mgr', permissions: 2 | 128, position: 5 });
    await s.w.service.setMemberRole(s.owner.caller, s.guild.id, s.member.id, manager.id, true);
    expect(await code(s.w.service.createRole(s.member.caller, s.guild.id, { name: 'x', permissions: 2, position: 5 }))).toBe('forbidden');
    expect(await code(s.w.service.createRole(s.member.caller, s.guild.id, { name: 'x', permissions: 1, position: 1 }))).toBe('forbidden');
    expect(await code(s.w.service.createRole(s.member.caller, s.guild.id, { name: 'x', permissions: 2, position: 1 }))).toBe('ok');
    expect(await code(s.w.service.deleteRole(s.owner.caller, s.guild.id, s.guild.id))).toBe('forbidden');
  });
});

describe('groups, broadcasts, DMs', () => {
  it('caps groups at 100 members and broadcasts at their subscriber limit', async () => {
    const w = makeWorld({ broadcastSubscribers: 3, groupMembers: 3 });
    const a = await w.user('aa');
    const others = [await w.user('bb'), await w.user('cc'), await w.user('dd')];
    const g = await w.service.createGuild(a.caller, { name: 'g' });
    const inv = await w.service.createInvite(a.caller, g.id, {});
    for (const o of others) await w.service.acceptInvite(o.caller, inv.code);
    expect(await code(w.service.createPrivateChannel(a.caller, { kind: 'group', name: 'x', memberIds: others.map((o) => o.id) }))).toBe('limit_reached');
    const grp = await w.service.createPrivateChannel(a.caller, { kind: 'group', name: 'x', memberIds: [others[0]!.id, others[1]!.id] });
    expect(await code(w.service.addRecipient(a.caller, grp.id, others[2]!.id))).toBe('limit_reached');
    const bc = await w.service.createPrivateChannel(a.caller, { kind: 'broadcast', name: 'news' });
    expect(await code(w.service.addRecipient(others[0]!.caller, bc.id, others[0]!.id))).toBe('ok');
    expect(await code(w.service.addRecipient(others[1]!.caller, bc.id, others[1]!.id))).toBe('ok');
    expect(await code(w.service.addRecipient(others[2]!.caller, bc.id, others[2]!.id))).toBe('limit_reached');
    expect(await code(w.service.sendMessage(others[0]!.caller, bc.id, { content: 'me too' }))).toBe('forbidden');
    expect(await code(w.service.sendMessage(a.caller, bc.id, { content: 'news' }))).toBe('ok');
    expect((await w.service.history(others[1]!.caller, bc.id, { limit: 10 })).map((m) => m.content)).toEqual(['news']);
  });

  it('opens one DM per pair and only with someone who shares a space', async () => {
    const s = await makeScene();
    expect((await s.w.service.openDm(s.member.caller, s.owner.id)).id).toBe(s.dm.id);
    expect(await code(s.w.service.openDm(s.outsider.caller, s.owner.id))).toBe('not_found');
    expect(await code(s.w.service.openDm(s.owner.caller, s.owner.id))).toBe('validation');
  });
});

describe('messages', () => {
  it('sends, replies, mentions, edits, reacts, deletes, and dispatches each change', async () => {
    const s = await makeScene();
    s.w.listen(`guild:${s.guild.id}`);
    const m = await s.w.service.sendMessage(s.member.caller, s.general.id, { content: `hi <@${s.owner.id}> <@${s.owner.id}>`, replyTo: s.msg.id });
    expect(m.mentions).toEqual([s.owner.id]);
    expect(m.replyTo).toBe(s.msg.id);
    await s.w.service.react(s.owner.caller, s.general.id, m.id, '🎉', true);
    await s.w.service.editMessage(s.member.caller, s.general.id, m.id, 'edited');
    await s.w.service.typing(s.owner.caller, s.general.id);
    await s.w.service.deleteMessage(s.owner.caller, s.general.id, m.id);
    expect(s.w.events.map((e) => e.event.t)).toEqual(['MESSAGE_CREATE', 'MESSAGE_REACTION_ADD', 'MESSAGE_UPDATE', 'TYPING_START', 'MESSAGE_DELETE']);
    const created = s.w.events[0]!.event.d as { author: { username: string }; timestamp: number };
    expect(created.author.username).toBe('member');
    expect(created.timestamp).toBe(s.w.now());
    expect(await code(s.w.service.getMessage(s.owner.caller, s.general.id, m.id))).toBe('not_found');
  });

  it('counts the 2,000-character limit in characters, and rate-limits sends per user', async () => {
    const w = makeWorld({ sendBurst: 3, sendPerSecond: 1 });
    const a = await w.user('aa');
    const g = await w.service.createGuild(a.caller, { name: 'g' });
    const ch = g.channels[0]!.id;
    expect(await code(w.service.sendMessage(a.caller, ch, { content: '😀'.repeat(2000) }))).toBe('ok');
    expect(await code(w.service.sendMessage(a.caller, ch, { content: '😀'.repeat(2001) }))).toBe('validation');
    expect(await code(w.service.sendMessage(a.caller, ch, { content: 'x' }))).toBe('ok');
    expect(await code(w.service.sendMessage(a.caller, ch, { content: 'x' }))).toBe('rate_limited');
    w.advance(1000);
    expect(await code(w.service.sendMessage(a.caller, ch, { content: 'x' }))).toBe('ok');
  });
});

describe('unexpected failures', () => {
  it('answer 500 without internals and are reported to onError', async () => {
    const w = makeWorld();
    const a = await w.user('aa');
    const g = await w.service.createGuild(a.caller, { name: 'g' });
    const seen: string[] = [];
    const api = new Api(w.service, ROUTES, undefined, (e, route) => seen.push(`${route.path}: ${(e as Error).message}`));
    const original = w.store.listMessages.bind(w.store);
    w.store.listMessages = () => Promise.reject(new Error('disk on fire at /var/secret/path'));
    const r = await api.handle({ method: 'GET', path: `/channels/${g.channels[0]!.id}/messages`, query: [], token: a.token, body: undefined, userAgent: '' });
    w.store.listMessages = original;
    expect(r).toEqual({ status: 500, body: { code: 'internal', message: 'internal error' } });
    expect(seen).toEqual(['/channels/{channelId}/messages: disk on fire at /var/secret/path']);
  });
});
