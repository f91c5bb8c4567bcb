// The FeatureStore contract (media, friends, blocks, notifications, read state), written once:
// every Store implementation runs it through `store.features`.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnowflakeGenerator, type Store } from '../src/index.js';
import type { MediaRecord, Notification } from '../src/features/FeatureStore.js';

/**
 * Runs the contract against fresh stores from `make`.
 * @param name - implementation name
 * @param make - a new, empty store
 */
export function describeFeatureStoreContract(name: string, make: () => Promise<Store>): void {
  describe(`FeatureStore contract: ${name}`, () => {
    let store: Store;
    const ids = new SnowflakeGenerator({ now: () => 1_800_000_000_000 });
    const users = ['ada', 'bob', 'cy', 'di'].map(() => ids.next()) as [string, string, string, string];
    const media = (ownerId: string, size: number, createdAt = 1): MediaRecord => ({ id: ids.next(), ownerId, contentType: 'image/png', filename: 'a.png', size, digest: 'd'.repeat(64), manifest: '{}', createdAt });

    /** A guild with a channel, its owner users[0] and member users[1]. */
    const guild = async (): Promise<{ guildId: string; channelId: string }> => {
      for (const [i, id] of users.entries()) await store.createUser({ id, username: `u${i}`, passwordHash: 'h', nickname: 'n', about: '', presence: 'offline', createdAt: 1 });
      const guildId = ids.next();
      const channelId = ids.next();
      await store.createGuild(
        { id: guildId, name: 'g', description: '', ownerId: users[0], topics: [], createdAt: 1 },
        [{ id: guildId, guildId, name: '@everyone', permissions: 0, position: 0 }],
        [{ id: channelId, kind: 'text', guildId, parentId: null, name: 'general', topic: '', position: 0, ownerId: null, createdAt: 1 }],
      );
      await store.addMember({ guildId, userId: users[1], joinedAt: 2 });
      return { guildId, channelId };
    };

    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    it('keeps media records, sums bytes per owner, and deletes them', async () => {
      const a = media(users[0], 100);
      const b = media(users[0], 50);
      await store.features.createMedia(a);
      await store.features.createMedia(b);
      await store.features.createMedia(media(users[1], 7));
      expect(await store.features.getMedia(a.id)).toEqual(a);
      expect(await store.features.mediaBytesOf(users[0])).toBe(150);
      expect(await store.features.mediaBytesOf(users[2])).toBe(0);
      expect(await store.features.deleteMedia(a.id)).toBe(true);
      expect(await store.features.deleteMedia(a.id)).toBe(false);
      expect(await store.features.getMedia(a.id)).toBeUndefined();
    });

    it('counts attachments only while their message exists, and sweeps what nothing uses', async () => {
      const { channelId } = await guild();
      const used = media(users[0], 10);
      const avatar = media(users[0], 10);
      const orphan = media(users[0], 10);
      const young = media(users[0], 10, 1000);
      for (const m of [used, avatar, orphan, young]) await store.features.createMedia(m);
      const messageId = ids.next();
      // Attachment rows come first, then the message (as the service writes them).
      await store.features.attach([{ mediaId: used.id, channelId, messageId }, { mediaId: orphan.id, channelId, messageId: ids.next() }]);
      expect(await store.features.attachmentsOf(used.id)).toEqual([]);
      await store.createMessage({ id: messageId, channelId, authorId: users[0], content: 'x', replyTo: null, mentions: [] });
      expect(await store.features.attachmentsOf(used.id)).toEqual([{ mediaId: used.id, channelId, messageId }]);
      expect(await store.features.attachmentsOfMessages(channelId, [messageId, ids.next()])).toEqual([{ mediaId: used.id, channelId, messageId }]);
      await store.features.setAvatar(users[0], avatar.id);
      expect(await store.features.getAvatar(users[0])).toBe(avatar.id);
      const swept = await store.features.sweepMedia(500);
      expect(swept.removed).toBe(1);
      expect(swept.live.map((m) => m.id).sort()).toEqual([used.id, avatar.id, young.id].sort());
      await store.deleteMessage(channelId, messageId);
      await store.features.setAvatar(users[0], null);
      expect(await store.features.getAvatar(users[0])).toBeNull();
      expect((await store.features.sweepMedia(500)).live.map((m) => m.id)).toEqual([young.id]);
    });

    it('turns requests into friendships, counts interactions, pages all friendships', async () => {
      const [a, b, c] = users;
      expect(await store.features.createRequest({ fromId: a, toId: b, createdAt: 1 })).toBe(true);
      expect(await store.features.createRequest({ fromId: a, toId: b, createdAt: 2 })).toBe(false);
      expect(await store.features.listRequests(b)).toEqual({ incoming: [{ fromId: a, toId: b, createdAt: 1 }], outgoing: [] });
      expect(await store.features.createFriendship(b, a, 5)).toBe(true);
      expect(await store.features.createFriendship(a, b, 5)).toBe(false);
      expect(await store.features.listRequests(a)).toEqual({ incoming: [], outgoing: [] });
      expect(await store.features.listFriends(a)).toEqual([{ userId: a, friendId: b, since: 5, interactions: 0 }]);
      expect(await store.features.addInteraction(b, a)).toBe(1);
      expect(await store.features.addInteraction(a, c)).toBeUndefined();
      await store.features.createFriendship(c, a, 6);
      const p1 = await store.features.listAllFriendships(undefined, 1);
      const p2 = await store.features.listAllFriendships(`${p1[0]!.userId}:${p1[0]!.friendId}`, 10);
      expect([...p1, ...p2].map((f) => [f.userId, f.friendId].sort().join())).toEqual([[a, b].sort().join(), [a, c].sort().join()].sort());
      expect(await store.features.deleteFriendship(b, a)).toBe(true);
      expect(await store.features.deleteFriendship(b, a)).toBe(false);
      expect(await store.features.deleteRequest(a, b)).toBe(false);
    });

    it('blocks end friendships and requests and are seen from both sides', async () => {
      const [a, b, c] = users;
      await store.features.createFriendship(a, b, 1);
      await store.features.createRequest({ fromId: b, toId: a, createdAt: 1 });
      expect(await store.features.block(a, b, 2)).toBe(true);
      expect(await store.features.block(a, b, 2)).toBe(false);
      expect(await store.features.listFriends(a)).toEqual([]);
      expect(await store.features.listRequests(a)).toEqual({ incoming: [], outgoing: [] });
      expect(await store.features.blockedEither(b, a)).toBe(true);
      expect(await store.features.blockedEither(a, c)).toBe(false);
      expect(await store.features.listBlocks(a)).toEqual([b]);
      expect(await store.features.listAllBlocks()).toEqual([[a, b]]);
      expect(await store.features.unblock(b, a)).toBe(false);
      expect(await store.features.unblock(a, b)).toBe(true);
      expect(await store.features.blockedEither(a, b)).toBe(false);
    });

    it('lists memberships of every guild in pages', async () => {
      const { guildId } = await guild();
      const first = await store.features.listMemberships(undefined, 1);
      const rest = await store.features.listMemberships(`${first[0]![1]}:${first[0]![0]}`, 10);
      expect([...first, ...rest].sort()).toEqual([[users[0], guildId], [users[1], guildId]].sort());
    });

    it('pages notifications newest first and marks them read up to an id', async () => {
      const [a, b] = users;
      const made: Notification[] = [];
      for (let i = 0; i < 5; i++) {
        const n: Notification = { id: ids.next(), userId: a, kind: 'mention', actorId: b, guildId: null, channelId: ids.next(), messageId: ids.next(), code: null, createdAt: i, read: false };
        made.push(n);
        await store.features.createNotification(n);
      }
      expect((await store.features.listNotifications(a, undefined, 2, false)).map((n) => n.id)).toEqual([made[4]!.id, made[3]!.id]);
      expect((await store.features.listNotifications(a, made[3]!.id, 10, false)).map((n) => n.id)).toEqual([made[2]!.id, made[1]!.id, made[0]!.id]);
      expect(await store.features.listNotifications(a, undefined, 10, false)).toContainEqual(made[0]);
      expect(await store.features.markNotificationsRead(a, made[1]!.id)).toBe(2);
      expect((await store.features.listNotifications(a, undefined, 10, true)).map((n) => n.id)).toEqual([made[4]!.id, made[3]!.id, made[2]!.id]);
      expect(await store.features.markNotificationsRead(a, undefined)).toBe(3);
      expect(await store.features.listNotifications(b, undefined, 10, false)).toEqual([]);
    });

    it('counts unread messages by others after a read marker that only moves forward', async () => {
      const { channelId } = await guild();
      const [a, b] = users;
      const sent: string[] = [];
      for (let i = 0; i < 4; i++) {
        const id = ids.next();
        sent.push(id);
        await store.createMessage({ id, channelId, authorId: i === 3 ? a : b, content: 'x', replyTo: null, mentions: [] });
      }
      expect(await store.features.unreadCounts(a, [channelId])).toEqual([{ channelId, count: 3, lastReadId: null }]);
      await store.features.markChannelRead(a, channelId, sent[1]!);
      await store.features.markChannelRead(a, channelId, sent[0]!);
      expect(await store.features.unreadCounts(a, [channelId])).toEqual([{ channelId, count: 1, lastReadId: sent[1] }]);
    });
  });
}
