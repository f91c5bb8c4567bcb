/** Metadata of one uploaded file; the bytes live in the chunk store, found through `manifest`. */
export interface MediaRecord {
  id: string;
  ownerId: string;
  /** Sniffed from the bytes, never taken from the client. */
  contentType: string;
  /** The client's file name, cleaned for display; never used as a path. */
  filename: string;
  size: number;
  /** SHA-256 hex of the whole file. */
  digest: string;
  /** The @chorus/cdc manifest, as JSON text. */
  manifest: string;
  createdAt: number;
}

/** Where a file is used: attached to a message in a channel. */
export interface AttachmentRef {
  mediaId: string;
  channelId: string;
  messageId: string;
}

/** A pending friend request. */
export interface FriendRequest {
  fromId: string;
  toId: string;
  createdAt: number;
}

/** A friendship, with how much the two talk to each other. */
export interface Friendship {
  userId: string;
  friendId: string;
  since: number;
  /** Messages exchanged (DMs, replies and mentions between the two). */
  interactions: number;
}

/** Kinds of notification. */
export type NotificationKind = 'mention' | 'reply' | 'friend_request' | 'friend_accept' | 'invite';

/** Something a user should look at. */
export interface Notification {
  id: string;
  userId: string;
  kind: NotificationKind;
  /** Who caused it. */
  actorId: string;
  guildId: string | null;
  channelId: string | null;
  messageId: string | null;
  /** Invite code, for `invite`. */
  code: string | null;
  createdAt: number;
  read: boolean;
}

/** Unread messages of one channel for one user. */
export interface UnreadCount {
  channelId: string;
  /** Messages by others after the last one read. */
  count: number;
  /** The last message read, or null when none was. */
  lastReadId: string | null;
}

/**
 * What media, friends, suggestions and notifications keep: part of the {@link Store} contract
 * (`store.features`), so every implementation (SQLite now, PostgreSQL later) runs the same
 * contract tests (`test/featureStoreContract.ts`). Every method is atomic.
 */
export interface FeatureStore {
  // Media
  /** Stores a file's metadata. @param media - the record */
  createMedia(media: MediaRecord): Promise<void>;
  /** @param id - media id @returns the record, if any */
  getMedia(id: string): Promise<MediaRecord | undefined>;
  /** Deletes the record and its attachment rows. @param id - media id @returns false when missing */
  deleteMedia(id: string): Promise<boolean>;
  /** @param ownerId - user @returns bytes of all their files */
  mediaBytesOf(ownerId: string): Promise<number>;
  /** Attaches files to a message (before the message itself is stored). @param refs - attachments */
  attach(refs: AttachmentRef[]): Promise<void>;
  /** @param mediaId - file @returns the messages it is attached to, that still exist */
  attachmentsOf(mediaId: string): Promise<AttachmentRef[]>;
  /** @param channelId - channel @param messageIds - messages @returns attachments of those messages */
  attachmentsOfMessages(channelId: string, messageIds: string[]): Promise<AttachmentRef[]>;
  /** Sets or clears a user's avatar. @param userId - user @param mediaId - file, or null */
  setAvatar(userId: string, mediaId: string | null): Promise<void>;
  /** @param userId - user @returns their avatar's media id, if any */
  getAvatar(userId: string): Promise<string | null>;
  /**
   * Deletes records of files no existing message and no avatar uses, created before `before`,
   * and returns the records that remain (whose chunks are live).
   * @param before - Unix ms: younger files may still be waiting to be attached
   * @returns removed count and the live records
   */
  sweepMedia(before: number): Promise<{ removed: number; live: MediaRecord[] }>;

  // Friends
  /** @returns false when this request already exists */
  createRequest(request: FriendRequest): Promise<boolean>;
  /** @returns false when there was none */
  deleteRequest(fromId: string, toId: string): Promise<boolean>;
  /** @param userId - user @returns requests to and from them */
  listRequests(userId: string): Promise<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }>;
  /** Makes two users friends and deletes requests between them. @returns false when already friends */
  createFriendship(a: string, b: string, since: number): Promise<boolean>;
  /** @returns false when they were not friends */
  deleteFriendship(a: string, b: string): Promise<boolean>;
  /** @param userId - user @returns their friendships (from their side), by friend id */
  listFriends(userId: string): Promise<Friendship[]>;
  /** Counts one interaction between two friends. @returns the new count, or undefined when not friends */
  addInteraction(a: string, b: string): Promise<number | undefined>;
  /** Every friendship once (a < b by id), paged. @param after - `a:b` of the last row seen @param limit - page size */
  listAllFriendships(after: string | undefined, limit: number): Promise<Friendship[]>;
  /** Blocks: also ends the friendship and requests between the two. @returns false when already blocked */
  block(blocker: string, blocked: string, at: number): Promise<boolean>;
  /** @returns false when there was no block */
  unblock(blocker: string, blocked: string): Promise<boolean>;
  /** @param userId - user @returns ids they block */
  listBlocks(userId: string): Promise<string[]>;
  /** @returns whether either blocks the other */
  blockedEither(a: string, b: string): Promise<boolean>;
  /** Every block as [blocker, blocked]. */
  listAllBlocks(): Promise<[string, string][]>;
  /** Every guild membership as [userId, guildId], paged by `guildId:userId`. */
  listMemberships(after: string | undefined, limit: number): Promise<[string, string][]>;

  // Notifications and unread state
  /** @param n - a new notification */
  createNotification(n: Notification): Promise<void>;
  /** Newest first, before an id. @param userId - whose @param before - page before this id @param limit - page size @param unreadOnly - only unread */
  listNotifications(userId: string, before: string | undefined, limit: number, unreadOnly: boolean): Promise<Notification[]>;
  /** Marks notifications read, up to and including `upTo` (all when undefined). @returns how many changed */
  markNotificationsRead(userId: string, upTo: string | undefined): Promise<number>;
  /** Moves a user's read marker forward (never back). @param userId - who @param channelId - where @param messageId - last read */
  markChannelRead(userId: string, channelId: string, messageId: string): Promise<void>;
  /** @param userId - who @param channelIds - which channels @returns unread counts, in the same order */
  unreadCounts(userId: string, channelIds: string[]): Promise<UnreadCount[]>;
}
