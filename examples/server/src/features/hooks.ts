import type { Attachment } from '@chorus/wire';
import type { Caller } from '../Service.js';
import type { Channel } from '../Store.js';

/**
 * Extension points of the chat core that the media, friends and notifications features plug
 * into. Each may refuse by throwing a `ServiceError`; the core calls them before it stores
 * anything.
 */
export interface ServiceHooks {
  /**
   * Before a message is stored: checks blocks (in DMs) and attaches files.
   * @param caller - the author
   * @param channel - where
   * @param messageId - the id the message will have
   * @param attachments - media ids the author wants attached
   * @returns the attachments as the message will carry them (an array at once when there is nothing to look up)
   */
  beforeSend?(caller: Caller, channel: Channel, messageId: string, attachments: readonly string[]): Attachment[] | Promise<Attachment[]>;
  /**
   * Before a direct-message channel is opened between two users.
   * @param caller - who opens it
   * @param userId - the other person
   */
  beforeOpenDm?(caller: Caller, userId: string): Promise<void>;
  /**
   * Whether `viewerId` must not see the presence of `userId` (blocked either way): presence
   * dispatches are dropped, Ready leaves them out and profiles show them offline.
   * @param viewerId - who would see it
   * @param userId - whose presence
   * @returns true to hide it
   */
  hidesPresence?(viewerId: string, userId: string): boolean;
  /**
   * Whether two users are friends: friends see each other's profile without sharing a space.
   * @param a - one user
   * @param b - the other
   * @returns true when they are friends
   */
  areFriends?(a: string, b: string): boolean;
  /**
   * A user's friends: their presence and profile changes are pushed to them, and their Ready
   * lists the friends' presences, whether or not they share a guild.
   * @param userId - the user
   * @returns the friends' ids
   */
  friendsOf?(userId: string): readonly string[];
}
