// Rows of the SQL stores (SQLite and PostgreSQL) as domain objects: both read the same column
// names, with ids as decimal strings, so one set of mappers serves both.
import type { AttachmentRef, MediaRecord, Notification, NotificationKind } from './features/FeatureStore.js';
import type { Override } from './permissions.js';
import type { Channel, Invite, Recipient, Role, Session, User } from './Store.js';

/** A result row: column name to value. */
export type Row = Record<string, unknown>;

/** @returns the value as a string (ids arrive as decimal text) */
export const str = (v: unknown): string => String(v);
/** @returns the value as a number */
export const num = (v: unknown): number => Number(v);
/** @returns the id as a string, or null for SQL NULL */
export const idOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/** @returns the row as its domain object */
export function toUser(r: Row): User {
  return {
    id: str(r['id']),
    username: str(r['username']),
    passwordHash: str(r['password_hash']),
    nickname: str(r['nickname']),
    about: str(r['about']),
    presence: str(r['presence']) as User['presence'],
    createdAt: num(r['created_at']),
  };
}

/** @returns the row as its domain object */
export function toSession(r: Row): Session {
  return {
    id: str(r['id']),
    userId: str(r['user_id']),
    tokenHash: str(r['token_hash']),
    createdAt: num(r['created_at']),
    lastSeenAt: num(r['last_seen_at']),
    userAgent: str(r['user_agent']),
  };
}

/** @returns the row as its domain object */
export function toRole(r: Row): Role {
  return { id: str(r['id']), guildId: str(r['guild_id']), name: str(r['name']), permissions: num(r['permissions']), position: num(r['position']) };
}

/** @returns the row as its domain object */
export function toInvite(r: Row): Invite {
  return {
    code: str(r['code']),
    guildId: str(r['guild_id']),
    inviterId: str(r['inviter_id']),
    maxUses: num(r['max_uses']),
    uses: num(r['uses']),
    expiresAt: num(r['expires_at']),
    createdAt: num(r['created_at']),
  };
}

/** @returns the row as its domain object */
export function toChannel(r: Row): Channel {
  return {
    id: str(r['id']),
    kind: str(r['kind']) as Channel['kind'],
    guildId: idOrNull(r['guild_id']),
    parentId: idOrNull(r['parent_id']),
    name: str(r['name']),
    topic: str(r['topic']),
    position: num(r['position']),
    ownerId: idOrNull(r['owner_id']),
    createdAt: num(r['created_at']),
  };
}

/** @returns the row as its domain object */
export function toOverride(r: Row): Override {
  return { targetType: str(r['target_type']) as Override['targetType'], targetId: str(r['target_id']), allow: num(r['allow']), deny: num(r['deny']) };
}

/** @returns the row as its domain object */
export function toRecipient(r: Row): Recipient {
  return { channelId: str(r['channel_id']), userId: str(r['user_id']), role: str(r['role']) as Recipient['role'] };
}

/** @returns the row as its domain object */
export function toMedia(r: Row): MediaRecord {
  return { id: str(r['id']), ownerId: str(r['owner_id']), contentType: str(r['content_type']), filename: str(r['filename']), size: num(r['size']), digest: str(r['digest']), manifest: str(r['manifest']), createdAt: num(r['created_at']) };
}

/** @returns the row as its domain object */
export function toRef(r: Row): AttachmentRef {
  return { mediaId: str(r['media_id']), channelId: str(r['channel_id']), messageId: str(r['message_id']) };
}

/** @returns the row as its domain object (`read` is 0/1 in SQLite and a boolean in PostgreSQL; `Number` reads both) */
export function toNotification(r: Row): Notification {
  return {
    id: str(r['id']),
    userId: str(r['user_id']),
    kind: str(r['kind']) as NotificationKind,
    actorId: str(r['actor_id']),
    guildId: idOrNull(r['guild_id']),
    channelId: idOrNull(r['channel_id']),
    messageId: idOrNull(r['message_id']),
    code: idOrNull(r['code']),
    createdAt: num(r['created_at']),
    read: num(r['read']) === 1,
  };
}
