import { s, type Schema } from './schema.js';
import type { JsonValue } from './json.js';

/** Longest message content, in characters, as the service enforces it. */
export const MAX_MESSAGE_LENGTH = 2000;

/** The author of a message as dispatched to clients. */
export interface MessageAuthor {
  id: string;
  username: string;
  nickname: string | null;
  avatar: string | null;
}

/** A file attached to a message. */
export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** A message, as MESSAGE_CREATE and MESSAGE_UPDATE carry it. Ids are snowflake strings; times are ms since the epoch. */
export interface Message {
  id: string;
  channelId: string;
  guildId: string | null;
  author: MessageAuthor;
  content: string;
  timestamp: number;
  editedTimestamp: number | null;
  mentions: string[];
  replyTo: string | null;
  attachments: Attachment[];
}

/** MESSAGE_DELETE. */
export interface MessageDelete {
  id: string;
  channelId: string;
  guildId: string | null;
}

/** MESSAGE_REACTION_ADD and MESSAGE_REACTION_REMOVE. */
export interface Reaction {
  messageId: string;
  channelId: string;
  guildId: string | null;
  userId: string;
  emoji: string;
}

/** TYPING_START. */
export interface TypingStart {
  channelId: string;
  guildId: string | null;
  userId: string;
  timestamp: number;
}

/** A user's presence. */
export type PresenceStatus = 'online' | 'idle' | 'offline';

/** PRESENCE_UPDATE. */
export interface PresenceUpdate {
  userId: string;
  status: PresenceStatus;
  guildId: string | null;
}

const author: Schema<MessageAuthor> = s.object({
  id: s.snowflake(),
  username: s.string(64),
  nickname: s.nullable(s.string(64)),
  avatar: s.nullable(s.string(256)),
});

const attachment: Schema<Attachment> = s.object({
  id: s.snowflake(),
  filename: s.string(255),
  contentType: s.string(255),
  size: s.uint(),
});

/** Schema of {@link Message}. Content is limited to 2 x {@link MAX_MESSAGE_LENGTH} UTF-16 units, so 2,000 characters fit even when every one is outside the BMP; the service enforces the character count. */
export const messageSchema: Schema<Message> = s.object({
  id: s.snowflake(),
  channelId: s.snowflake(),
  guildId: s.nullable(s.snowflake()),
  author,
  content: s.string(MAX_MESSAGE_LENGTH * 2),
  timestamp: s.uint(),
  editedTimestamp: s.nullable(s.uint()),
  mentions: s.array(s.snowflake(), 100),
  replyTo: s.nullable(s.snowflake()),
  attachments: s.array(attachment, 10),
});

const messageDelete: Schema<MessageDelete> = s.object({
  id: s.snowflake(),
  channelId: s.snowflake(),
  guildId: s.nullable(s.snowflake()),
});

const reaction: Schema<Reaction> = s.object({
  messageId: s.snowflake(),
  channelId: s.snowflake(),
  guildId: s.nullable(s.snowflake()),
  userId: s.snowflake(),
  emoji: s.string(64),
});

const typingStart: Schema<TypingStart> = s.object({
  channelId: s.snowflake(),
  guildId: s.nullable(s.snowflake()),
  userId: s.snowflake(),
  timestamp: s.uint(),
});

const presenceUpdate: Schema<PresenceUpdate> = s.object({
  userId: s.snowflake(),
  status: s.literal(['online', 'idle', 'offline']),
  guildId: s.nullable(s.snowflake()),
});

/** An event with a compact schema: its wire code (never reused) and payload schema. */
export interface EventSpec<D> {
  code: number;
  schema: Schema<D>;
}

/**
 * Events known to both sides, by name. Events not listed here still travel, as JSON-like
 * payloads validated structurally; listing one makes it smaller, faster and strictly validated.
 */
export type EventRegistry = Readonly<Record<string, EventSpec<unknown>>>;

/** Payload types of the built-in chat events, by event name. */
export interface ChatEvents {
  MESSAGE_CREATE: Message;
  MESSAGE_UPDATE: Message;
  MESSAGE_DELETE: MessageDelete;
  MESSAGE_REACTION_ADD: Reaction;
  MESSAGE_REACTION_REMOVE: Reaction;
  TYPING_START: TypingStart;
  PRESENCE_UPDATE: PresenceUpdate;
}

/**
 * The built-in registry: the high-volume chat events. Codes 1-63 are reserved for Chorus;
 * applications extend it with codes from 64 up: `{ ...chatEvents, MY_EVENT: { code: 64, schema } }`.
 */
export const chatEvents: { readonly [K in keyof ChatEvents]: EventSpec<ChatEvents[K]> } = {
  MESSAGE_CREATE: { code: 1, schema: messageSchema },
  MESSAGE_UPDATE: { code: 2, schema: messageSchema },
  MESSAGE_DELETE: { code: 3, schema: messageDelete },
  MESSAGE_REACTION_ADD: { code: 4, schema: reaction },
  MESSAGE_REACTION_REMOVE: { code: 5, schema: reaction },
  TYPING_START: { code: 6, schema: typingStart },
  PRESENCE_UPDATE: { code: 7, schema: presenceUpdate },
};


