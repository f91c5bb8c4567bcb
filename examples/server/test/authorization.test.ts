// For every route: a caller who must be refused is refused, and (as a control, so the refusal
// is not an accident of a broken request) the right caller succeeds with the same request.
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../src/index.js';
import { makeScene, type Scene, type TestUser } from './helpers.js';

interface Case {
  route: string;
  path: (s: Scene) => string;
  body?: (s: Scene) => unknown;
  deny: (s: Scene) => TestUser | undefined;
  denyStatus: number;
  denyPath?: (s: Scene) => string;
  denyBody?: (s: Scene) => unknown;
  allow: (s: Scene) => TestUser | undefined;
}

const anon = (): undefined => undefined;
const C: Case[] = [
  { route: 'POST /auth/register', path: () => '/auth/register', denyBody: () => ({ username: 'owner', password: 'password123' }), body: () => ({ username: 'newbie', password: 'password123' }), deny: anon, denyStatus: 409, allow: anon },
  { route: 'POST /auth/login', path: () => '/auth/login', denyBody: () => ({ username: 'owner', password: 'wrong password' }), body: () => ({ username: 'owner', password: 'password123' }), deny: anon, denyStatus: 401, allow: anon },
  { route: 'POST /auth/logout', path: () => '/auth/logout', deny: anon, denyStatus: 401, allow: (s) => s.member },
  { route: 'GET /auth/sessions', path: () => '/auth/sessions', deny: anon, denyStatus: 401, allow: (s) => s.member },
  { route: 'DELETE /auth/sessions/{sessionId}', path: (s) => `/auth/sessions/${s.owner.caller.sessionId}`, deny: (s) => s.member, denyStatus: 404, allow: (s) => s.owner },
  { route: 'GET /users/me', path: () => '/users/me', deny: anon, denyStatus: 401, allow: (s) => s.member },
  { route: 'PATCH /users/me', path: () => '/users/me', body: () => ({ about: 'hi' }), deny: anon, denyStatus: 401, allow: (s) => s.member },
  { route: 'GET /users/{userId}', path: (s) => `/users/${s.member.id}`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.owner },
  { route: 'POST /users/{userId}/dm', path: (s) => `/users/${s.member.id}/dm`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.owner },
  { route: 'POST /guilds', path: () => '/guilds', body: () => ({ name: 'mine' }), deny: anon, denyStatus: 401, allow: (s) => s.outsider },
  { route: 'GET /guilds', path: () => '/guilds', deny: anon, denyStatus: 401, allow: (s) => s.outsider },
  { route: 'GET /guilds/{guildId}', path: (s) => `/guilds/${s.guild.id}`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'PATCH /guilds/{guildId}', path: (s) => `/guilds/${s.guild.id}`, body: () => ({ name: 'renamed' }), deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /guilds/{guildId}', path: (s) => `/guilds/${s.guild.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'PUT /guilds/{guildId}/topics/{topic}', path: (s) => `/guilds/${s.guild.id}/topics/music`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /guilds/{guildId}/topics/{topic}', path: (s) => `/guilds/${s.guild.id}/topics/a`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'GET /guilds/{guildId}/members', path: (s) => `/guilds/${s.guild.id}/members`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'DELETE /guilds/{guildId}/members/me', path: (s) => `/guilds/${s.guild.id}/members/me`, deny: (s) => s.owner, denyStatus: 403, allow: (s) => s.member },
  { route: 'DELETE /guilds/{guildId}/members/{userId}', path: (s) => `/guilds/${s.guild.id}/members/${s.member.id}`, denyPath: (s) => `/guilds/${s.guild.id}/members/${s.owner.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'GET /guilds/{guildId}/roles', path: (s) => `/guilds/${s.guild.id}/roles`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'POST /guilds/{guildId}/roles', path: (s) => `/guilds/${s.guild.id}/roles`, body: () => ({ name: 'r', permissions: 2 }), deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'PATCH /guilds/{guildId}/roles/{roleId}', path: (s) => `/guilds/${s.guild.id}/roles/${s.custom.id}`, body: () => ({ name: 'r2' }), deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /guilds/{guildId}/roles/{roleId}', path: (s) => `/guilds/${s.guild.id}/roles/${s.custom.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'PUT /guilds/{guildId}/members/{userId}/roles/{roleId}', path: (s) => `/guilds/${s.guild.id}/members/${s.member.id}/roles/${s.custom.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /guilds/{guildId}/members/{userId}/roles/{roleId}', path: (s) => `/guilds/${s.guild.id}/members/${s.member.id}/roles/${s.custom.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'POST /guilds/{guildId}/invites', path: (s) => `/guilds/${s.guild.id}/invites`, body: () => ({ maxUses: 1 }), deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'GET /guilds/{guildId}/invites', path: (s) => `/guilds/${s.guild.id}/invites`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /guilds/{guildId}/invites/{code}', path: (s) => `/guilds/${s.guild.id}/invites/${s.invite.code}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'POST /invites/{code}', path: (s) => `/invites/${s.invite.code}`, denyPath: () => '/invites/doesnotexist', deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.outsider },
  { route: 'POST /guilds/{guildId}/channels', path: (s) => `/guilds/${s.guild.id}/channels`, body: () => ({ name: 'new' }), deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'POST /channels', path: () => '/channels', body: () => ({ kind: 'group', name: 'g' }), deny: anon, denyStatus: 401, allow: (s) => s.member },
  { route: 'GET /channels', path: () => '/channels', deny: anon, denyStatus: 401, allow: (s) => s.member },
  { route: 'GET /channels/{channelId}', path: (s) => `/channels/${s.secret.id}`, deny: (s) => s.member, denyStatus: 404, allow: (s) => s.owner },
  { route: 'PATCH /channels/{channelId}', path: (s) => `/channels/${s.general.id}`, body: () => ({ topic: 't' }), deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /channels/{channelId}', path: (s) => `/channels/${s.general.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'GET /channels/{channelId}/overrides', path: (s) => `/channels/${s.secret.id}/overrides`, deny: (s) => s.member, denyStatus: 404, allow: (s) => s.owner },
  { route: 'PUT /channels/{channelId}/overrides/{targetType}/{targetId}', path: (s) => `/channels/${s.general.id}/overrides/member/${s.member.id}`, body: () => ({ allow: 0, deny: 4 }), deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /channels/{channelId}/overrides/{targetType}/{targetId}', path: (s) => `/channels/${s.secret.id}/overrides/role/${s.guild.id}`, deny: (s) => s.member, denyStatus: 404, allow: (s) => s.owner },
  { route: 'GET /channels/{channelId}/recipients', path: (s) => `/channels/${s.group.id}/recipients`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'PUT /channels/{channelId}/recipients/{userId}', path: (s) => `/channels/${s.broadcast.id}/recipients/${s.outsider.id}`, denyPath: (s) => `/channels/${s.broadcast.id}/recipients/${s.member.id}`, deny: (s) => s.outsider, denyStatus: 403, allow: (s) => s.outsider },
  { route: 'DELETE /channels/{channelId}/recipients/{userId}', path: (s) => `/channels/${s.group.id}/recipients/${s.member.id}`, denyPath: (s) => `/channels/${s.group.id}/recipients/${s.owner.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'POST /channels/{channelId}/messages', path: (s) => `/channels/${s.general.id}/messages`, body: () => ({ content: 'hi' }), deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'GET /channels/{channelId}/messages', path: (s) => `/channels/${s.secret.id}/messages`, deny: (s) => s.member, denyStatus: 404, allow: (s) => s.owner },
  { route: 'GET /channels/{channelId}/messages/{messageId}', path: (s) => `/channels/${s.general.id}/messages/${s.msg.id}`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'PATCH /channels/{channelId}/messages/{messageId}', path: (s) => `/channels/${s.general.id}/messages/${s.msg.id}`, body: () => ({ content: 'edited' }), deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'DELETE /channels/{channelId}/messages/{messageId}', path: (s) => `/channels/${s.general.id}/messages/${s.msg.id}`, deny: (s) => s.member, denyStatus: 403, allow: (s) => s.owner },
  { route: 'PUT /channels/{channelId}/messages/{messageId}/reactions/{emoji}', path: (s) => `/channels/${s.general.id}/messages/${s.msg.id}/reactions/%F0%9F%91%8D`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'DELETE /channels/{channelId}/messages/{messageId}/reactions/{emoji}', path: (s) => `/channels/${s.general.id}/messages/${s.msg.id}/reactions/x`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
  { route: 'POST /channels/{channelId}/typing', path: (s) => `/channels/${s.general.id}/typing`, deny: (s) => s.outsider, denyStatus: 404, allow: (s) => s.member },
];

describe('authorisation of every route', () => {
  it('has a case for every route', () => {
    expect(C.map((c) => c.route).sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
  });

  for (const c of C) {
    it(`${c.route}: refuses the wrong caller, serves the right one`, async () => {
      const s = await makeScene();
      const [method] = c.route.split(' ') as [string];
      // Act: the refused request first, so it cannot be explained by the control's side effects.
      const denied = await s.w.call(c.deny(s), method, (c.denyPath ?? c.path)(s), (c.denyBody ?? c.body)?.(s));
      const allowed = await s.w.call(c.allow(s), method, c.path(s), c.body?.(s));
      // Assert
      expect(denied.status, JSON.stringify(denied.body)).toBe(c.denyStatus);
      expect((denied.body as { code: string }).code).toBeTypeOf('string');
      expect(allowed.status, JSON.stringify(allowed.body)).toBeLessThan(300);
      await s.w.store.close();
    });
  }
});

describe('refusals that need more than one step', () => {
  it('a non-admin cannot post in a broadcast channel but its admin can', async () => {
    const s = await makeScene();
    expect((await s.w.call(s.member, 'POST', `/channels/${s.broadcast.id}/messages`, { content: 'x' })).status).toBe(403);
    expect((await s.w.call(s.owner, 'POST', `/channels/${s.broadcast.id}/messages`, { content: 'x' })).status).toBe(201);
  });

  it('a member whose role was denied SendMessages by an override cannot send', async () => {
    const s = await makeScene();
    await s.w.service.setOverride(s.owner.caller, s.general.id, { targetType: 'member', targetId: s.member.id, allow: 0, deny: 4 });
    expect((await s.w.call(s.member, 'POST', `/channels/${s.general.id}/messages`, { content: 'x' })).status).toBe(403);
  });

  it('a moderator cannot kick an admin, nor grant permissions they lack', async () => {
    const s = await makeScene();
    const roles = await s.w.service.listRoles(s.owner.caller, s.guild.id);
    const mod = roles.find((r) => r.name === 'moderator')!;
    const admin = roles.find((r) => r.name === 'admin')!;
    const third = await s.w.user('third');
    await s.w.service.acceptInvite(third.caller, s.invite.code);
    await s.w.service.setMemberRole(s.owner.caller, s.guild.id, s.member.id, mod.id, true);
    await s.w.service.setMemberRole(s.owner.caller, s.guild.id, third.id, admin.id, true);
    expect((await s.w.call(s.member, 'DELETE', `/guilds/${s.guild.id}/members/${third.id}`)).status).toBe(403);
    // The admin outranks the moderator and may kick them.
    expect((await s.w.call(third, 'DELETE', `/guilds/${s.guild.id}/members/${s.member.id}`)).status).toBe(204);
  });

  it('a revoked token stops working at once', async () => {
    const s = await makeScene();
    expect((await s.w.call(s.member, 'POST', '/auth/logout')).status).toBe(204);
    expect((await s.w.call(s.member, 'GET', '/users/me')).status).toBe(401);
  });
});
