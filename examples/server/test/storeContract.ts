// The Store contract, written once: every implementation (SQLite now, PostgreSQL later) runs it.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnowflakeGenerator, compareIds, type Channel, type Guild, type Role, type Store, type User } from '../src/index.js';

/**
 * Runs the contract against fresh stores from `make`.
 * @param name - implementation name for the describe block
 * @param make - a new, empty store
 */
export function describeStoreContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    const ids = new SnowflakeGenerator({ now: () => 1_800_000_000_000 });
    const user = (username: string): User => ({ id: ids.next(), username, passwordHash: 'h', nickname: username, about: '', presence: 'offline', createdAt: 1 });
    const guildOf = (owner: User): { guild: Guild; roles: Role[]; channels: Channel[] } => {
      const id = ids.next();
      return {
        guild: { id, name: 'g', description: '', ownerId: owner.id, topics: ['a'], createdAt: 1 },
        roles: [{ id, guildId: id, name: '@everyone', permissions: 6, position: 0 }, { id: ids.next(), guildId: id, name: 'mod', permissions: 32, position: 1 }],
        channels: [{ id: ids.next(), kind: 'text', guildId: id, parentId: null, name: 'general', topic: '', position: 0, ownerId: null, createdAt: 1 }],
      };
    };

    /** Stores four users, then a guild owned by the first of them. */
    const setup = async (): Promise<{ users: [User, User, User, User]; guild: Guild; roles: Role[]; channels: Channel[] }> => {
      const users: [User, User, User, User] = [user('ada'), user('bob'), user('cy'), user('di')];
      for (const u of users) await store.createUser(u);
      const g = guildOf(users[0]!);
      await store.createGuild(g.guild, g.roles, g.channels);
      return { users, ...g };
    };

    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    it('keeps users unique by username and updates profiles', async () => {
      const a = user('ada');
      expect(await store.createUser(a)).toBe(true);
      expect(await store.createUser({ ...user('ada') })).toBe(false);
      expect(await store.getUserByName('ada')).toEqual(a);
      expect(await store.updateUser(a.id, { about: 'hi', presence: 'idle' })).toEqual({ ...a, about: 'hi', presence: 'idle' });
      expect(await store.getUser(a.id)).toEqual({ ...a, about: 'hi', presence: 'idle' });
      expect(await store.updateUser(ids.next(), { about: 'x' })).toBeUndefined();
    });

    it('stores sessions by token hash and deletes only the owner’s', async () => {
      const a = user('ada');
      const b = user('bob');
      await store.createUser(a);
      await store.createUser(b);
      const s = { id: ids.next(), userId: a.id, tokenHash: 'x'.repeat(64), createdAt: 1, lastSeenAt: 1, userAgent: 'ua' };
      await store.createSession(s);
      expect(await store.getSessionByTokenHash(s.tokenHash)).toEqual(s);
      expect(await store.listSessions(a.id)).toEqual([s]);
      expect(await store.deleteSession(b.id, s.id)).toBe(false);
      expect(await store.deleteSession(a.id, s.id)).toBe(true);
      expect(await store.getSessionByTokenHash(s.tokenHash)).toBeUndefined();
    });

    it('creates a guild atomically with roles, owner membership and channels, and deletes it entirely', async () => {
      const { users: [a], guild, roles, channels } = await setup();
      expect(await store.getGuild(guild.id)).toEqual(guild);
      expect(await store.listRoles(guild.id)).toEqual(roles);
      expect(await store.getMember(guild.id, a.id)).toEqual({ guildId: guild.id, userId: a.id, roles: [], joinedAt: 1 });
      expect(await store.listGuildChannels(guild.id)).toEqual(channels);
      expect(await store.listGuildsOfUser(a.id)).toEqual([guild]);
      // A failing create leaves nothing behind: the same ids again collide on the guild row.
      await expect(store.createGuild(guild, roles, channels)).rejects.toThrow();
      expect(await store.listRoles(guild.id)).toEqual(roles);
      await store.createMessage({ id: ids.next(), channelId: channels[0]!.id, authorId: a.id, content: 'x', replyTo: null, mentions: [] });
      expect(await store.deleteGuild(guild.id)).toBe(true);
      expect(await store.getGuild(guild.id)).toBeUndefined();
      expect(await store.listRoles(guild.id)).toEqual([]);
      expect(await store.getChannel(channels[0]!.id)).toBeUndefined();
      expect(await store.listMessages(channels[0]!.id, { limit: 10 })).toEqual([]);
      expect(await store.listGuildsOfUser(a.id)).toEqual([]);
    });

    it('bounds topics and keeps them unique', async () => {
      const { users: [a], guild, roles, channels } = await setup();
      expect(await store.addTopic(guild.id, 'a', 2)).toBe('exists');
      expect(await store.addTopic(guild.id, 'b', 2)).toBe('added');
      expect(await store.addTopic(guild.id, 'c', 2)).toBe('full');
      expect((await store.getGuild(guild.id))?.topics).toEqual(['a', 'b']);
      expect(await store.removeTopic(guild.id, 'a')).toBe(true);
      expect(await store.removeTopic(guild.id, 'a')).toBe(false);
    });

    it('assigns and revokes roles of members only, and drops them with the role or the membership', async () => {
      const { users: [a, b], guild, roles, channels } = await setup();
      const mod = roles[1]!.id;
      expect(await store.assignRole(guild.id, b.id, mod)).toBe(false); // not a member yet
      expect(await store.addMember({ guildId: guild.id, userId: b.id, joinedAt: 2 })).toBe(true);
      expect(await store.addMember({ guildId: guild.id, userId: b.id, joinedAt: 2 })).toBe(false);
      expect(await store.assignRole(guild.id, b.id, mod)).toBe(true);
      expect(await store.assignRole(guild.id, b.id, mod)).toBe(false);
      expect((await store.getMember(guild.id, b.id))?.roles).toEqual([mod]);
      expect(await store.sharesSpace(a.id, b.id)).toBe(true);
      expect(await store.revokeRole(guild.id, b.id, mod)).toBe(true);
      expect(await store.assignRole(guild.id, b.id, mod)).toBe(true);
      expect(await store.deleteRole(guild.id, mod)).toBe(true);
      expect((await store.getMember(guild.id, b.id))?.roles).toEqual([]);
      expect(await store.updateRole(guild.id, guild.id, { permissions: 7 })).toMatchObject({ permissions: 7 });
      expect(await store.removeMember(guild.id, b.id)).toBe(true);
      expect(await store.sharesSpace(a.id, b.id)).toBe(false);
      const page = await store.listMembers(guild.id, undefined, 10);
      expect(page.map((m) => m.userId)).toEqual([a.id]);
    });

    it('counts invite uses atomically and honours expiry and limits', async () => {
      const { users: [a, b, c, d], guild, roles, channels } = await setup();
      await store.createInvite({ code: 'abc', guildId: guild.id, inviterId: a.id, maxUses: 2, uses: 0, expiresAt: 1000, createdAt: 1 });
      expect(await store.useInvite('nope', b.id, 10)).toEqual({ ok: false, reason: 'not_found' });
      expect(await store.useInvite('abc', b.id, 10)).toEqual({ ok: true, guildId: guild.id, alreadyMember: false });
      expect(await store.useInvite('abc', b.id, 10)).toEqual({ ok: true, guildId: guild.id, alreadyMember: true });
      expect(await store.useInvite('abc', c.id, 10)).toEqual({ ok: true, guildId: guild.id, alreadyMember: false });
      expect(await store.useInvite('abc', d.id, 10)).toEqual({ ok: false, reason: 'used_up' });
      expect((await store.listInvites(guild.id))[0]?.uses).toBe(2);
      await store.createInvite({ code: 'old', guildId: guild.id, inviterId: a.id, maxUses: 0, uses: 0, expiresAt: 1000, createdAt: 1 });
      expect(await store.useInvite('old', d.id, 1000)).toEqual({ ok: false, reason: 'expired' });
      expect(await store.getMember(guild.id, d.id)).toBeUndefined();
      expect(await store.deleteInvite(guild.id, 'old')).toBe(true);
      expect(await store.deleteInvite(guild.id, 'old')).toBe(false);
    });

    it('keeps channel overrides, sub-channels, recipients with limits, and one DM per pair', async () => {
      const { users: [a, b], guild, roles, channels } = await setup();
      const parent = channels[0]!;
      const sub: Channel = { ...parent, id: ids.next(), parentId: parent.id, name: 'sub' };
      await store.createChannel(sub, []);
      await store.setOverride(sub.id, { targetType: 'role', targetId: guild.id, allow: 0, deny: 4 });
      await store.setOverride(sub.id, { targetType: 'role', targetId: guild.id, allow: 1, deny: 2 });
      expect(await store.listOverrides(sub.id)).toEqual([{ targetType: 'role', targetId: guild.id, allow: 1, deny: 2 }]);
      expect(await store.updateChannel(sub.id, { name: 'renamed' })).toMatchObject({ name: 'renamed', parentId: parent.id });
      expect(await store.deleteChannel(parent.id)).toBe(true);
      expect(await store.getChannel(sub.id)).toBeUndefined();
      expect(await store.listOverrides(sub.id)).toEqual([]);

      const group: Channel = { id: ids.next(), kind: 'group', guildId: null, parentId: null, name: 'grp', topic: '', position: 0, ownerId: a.id, createdAt: 1 };
      await store.createChannel(group, [{ channelId: group.id, userId: a.id, role: 'admin' }]);
      expect(await store.addRecipient({ channelId: group.id, userId: b.id, role: 'member' }, 1)).toBe('full');
      expect(await store.addRecipient({ channelId: group.id, userId: b.id, role: 'member' }, 2)).toBe('added');
      expect(await store.addRecipient({ channelId: group.id, userId: b.id, role: 'member' }, 2)).toBe('exists');
      expect(await store.getRecipient(group.id, b.id)).toEqual({ channelId: group.id, userId: b.id, role: 'member' });
      expect(await store.sharesSpace(a.id, b.id)).toBe(true);
      expect((await store.listPrivateChannels(b.id)).map((c) => c.id)).toEqual([group.id]);
      expect(await store.removeRecipient(group.id, b.id)).toBe(true);
      expect((await store.listRecipients(group.id, undefined, 10)).map((r) => r.userId)).toEqual([a.id]);

      const dm: Channel = { ...group, id: ids.next(), kind: 'dm', name: '', ownerId: null };
      await store.createChannel(dm, [{ channelId: dm.id, userId: a.id, role: 'member' }, { channelId: dm.id, userId: b.id, role: 'member' }]);
      expect((await store.findDm(b.id, a.id))?.id).toBe(dm.id);
      await expect(store.createChannel({ ...dm, id: ids.next() }, [{ channelId: dm.id, userId: b.id, role: 'member' }, { channelId: dm.id, userId: a.id, role: 'member' }])).rejects.toThrow();
    });

    it('edits, deletes and reacts to messages; reactions are per user and emoji', async () => {
      const { users: [a], guild, roles, channels } = await setup();
      const ch = channels[0]!.id;
      const m = { id: ids.next(), channelId: ch, authorId: a.id, content: 'hello <@1>', replyTo: null, mentions: ['1'] };
      await store.createMessage(m);
      expect(await store.addReaction(ch, m.id, a.id, '👍')).toBe(true);
      expect(await store.addReaction(ch, m.id, a.id, '👍')).toBe(false);
      expect(await store.addReaction(ch, ids.next(), a.id, '👍')).toBe(false);
      expect((await store.getMessage(ch, m.id))?.reactions).toEqual([{ emoji: '👍', count: 1, userIds: [a.id] }]);
      expect(await store.editMessage(ch, m.id, 'bye', [], 5)).toMatchObject({ content: 'bye', mentions: [], editedAt: 5 });
      expect(await store.removeReaction(ch, m.id, a.id, '👍')).toBe(true);
      expect(await store.deleteMessage(ch, m.id)).toBe(true);
      expect(await store.getMessage(ch, m.id)).toBeUndefined();
      expect(await store.editMessage(ch, m.id, 'x', [], 6)).toBeUndefined();
    });

    it('rejects a message for a missing channel without losing the others in its batch', async () => {
      const { users: [a], guild, roles, channels } = await setup();
      const ch = channels[0]!.id;
      const good = [1, 2, 3].map(() => ({ id: ids.next(), channelId: ch, authorId: a.id, content: 'ok', replyTo: null, mentions: [] }));
      const bad = { id: ids.next(), channelId: ids.next(), authorId: a.id, content: 'lost', replyTo: null, mentions: [] };
      const results = await Promise.allSettled([store.createMessage(good[0]!), store.createMessage(bad), store.createMessage(good[1]!), store.createMessage(good[2]!)]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((await store.listMessages(ch, { limit: 10 })).map((m) => m.id)).toEqual(good.map((m) => m.id));
    });

    it('pages history exactly like a brute-force scan (before / after / around)', async () => {
      const { users: [a], guild, roles, channels } = await setup();
      const ch = channels[0]!.id;
      const all: string[] = [];
      for (let i = 0; i < 60; i++) {
        const id = ids.next();
        all.push(id);
        await store.createMessage({ id, channelId: ch, authorId: a.id, content: `m${i}`, replyTo: null, mentions: [] });
      }
      const probe = fc.oneof(fc.constantFrom(...all), fc.constant('1'), fc.constant('9223372036854775807'));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom('before', 'after', 'around', 'latest'), probe, fc.integer({ min: 1, max: 100 }), async (kind, anchor, limit) => {
          // Arrange: what a scan of the sorted ids says the page must be.
          let expected: string[];
          if (kind === 'latest') expected = all.slice(-limit);
          else if (kind === 'before') expected = all.filter((x) => compareIds(x, anchor) < 0).slice(-limit);
          else if (kind === 'after') expected = all.filter((x) => compareIds(x, anchor) > 0).slice(0, limit);
          else expected = [...all.filter((x) => compareIds(x, anchor) <= 0).slice(-Math.ceil(limit / 2)), ...all.filter((x) => compareIds(x, anchor) > 0).slice(0, Math.floor(limit / 2))];
          const q = kind === 'latest' ? { limit } : kind === 'before' ? { before: anchor, limit } : kind === 'after' ? { after: anchor, limit } : { around: anchor, limit };
          // Act
          const page = await store.listMessages(ch, q);
          // Assert
          expect(page.map((m) => m.id)).toEqual(expected);
        }),
        { numRuns: 60 },
      );
    });
  });
}
