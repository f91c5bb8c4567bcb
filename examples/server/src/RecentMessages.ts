import { compareIds } from './snowflake.js';
import { deepFreeze } from './jsonBody.js';
import type { Message } from './Store.js';

/** Options of {@link RecentMessages}. */
export interface RecentMessagesOptions {
  /** Latest messages kept per channel; also the largest page served from memory. @defaultValue 100 */
  perChannel?: number;
  /** Channels kept; the least recently read is forgotten first. @defaultValue 2000 */
  channels?: number;
}

interface Entry {
  /** Ascending by id: exactly the newest `messages.length` messages of the channel. */
  messages: Message[];
  /** Whether `messages` is every message of the channel. */
  all: boolean;
  /** The last page handed out, frozen, while nothing changed since (undefined after a change). */
  page: readonly Message[] | undefined;
}

/**
 * The newest messages of recently read channels, so that the common history read — the latest
 * page — needs no query. It stays exact because the store tells it of every committed change:
 * {@link RecentMessages.added} after a commit, {@link RecentMessages.edited},
 * {@link RecentMessages.removed}, and {@link RecentMessages.forget} for anything it does not
 * follow in detail (reactions, cascading deletes). Bounded in channels and per channel.
 * Browser-safe; pure (no I/O, no clock).
 *
 * @example
 * ```ts
 * const recent = new RecentMessages({ perChannel: 100 });
 * let page = recent.latest('42', 50);
 * if (!page) { recent.fill('42', newest100FromDb); page = recent.latest('42', 50)!; }
 * ```
 */
export class RecentMessages {
  /** Latest messages kept per channel. */
  readonly perChannel: number;
  private readonly maxChannels: number;
  private readonly entries = new Map<string, Entry>();

  /**
   * @param options - sizes
   * @throws RangeError for a size that is not a positive integer
   */
  constructor(options: RecentMessagesOptions = {}) {
    this.perChannel = options.perChannel ?? 100;
    this.maxChannels = options.channels ?? 2000;
    if (!Number.isSafeInteger(this.perChannel) || this.perChannel < 1) throw new RangeError('perChannel must be a positive integer');
    if (!Number.isSafeInteger(this.maxChannels) || this.maxChannels < 1) throw new RangeError('channels must be a positive integer');
  }

  /** Channels held. @returns the count */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The newest `limit` messages of a channel, ascending, when they are all held.
   * @param channelId - which channel
   * @param limit - page size (1..perChannel)
   * @returns the page, or undefined when it must be read from the store. The page is frozen and
   * is the same array for every read until the channel changes, so that encodings of it can be
   * cached by identity (the gateway and the HTTP layer do).
   */
  latest(channelId: string, limit: number): readonly Message[] | undefined {
    const e = this.entries.get(channelId);
    if (!e || (e.messages.length < limit && !e.all)) return undefined;
    // Most recently read last, so that eviction takes the channel read longest ago.
    this.entries.delete(channelId);
    this.entries.set(channelId, e);
    const size = Math.min(limit, e.messages.length);
    if (e.page === undefined || e.page.length !== size) e.page = Object.freeze(e.messages.slice(e.messages.length - size));
    return e.page;
  }

  /**
   * Holds what the store returned for a channel's newest page.
   * @param channelId - which channel
   * @param newest - its newest messages, ascending, at most perChannel (fewer means that is all of them)
   */
  fill(channelId: string, newest: readonly Message[]): void {
    const messages = newest.slice(Math.max(0, newest.length - this.perChannel));
    for (const m of messages) deepFreeze(m);
    this.entries.delete(channelId);
    if (this.entries.size >= this.maxChannels) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(channelId, { messages, all: newest.length < this.perChannel, page: undefined });
  }

  /**
   * A message was committed.
   * @param m - the new message
   */
  added(m: Message): void {
    const e = this.entries.get(m.channelId);
    if (!e) return;
    deepFreeze(m);
    e.page = undefined;
    const list = e.messages;
    let at = list.length;
    while (at > 0 && compareIds(list[at - 1]!.id, m.id) > 0) at--;
    if (at > 0 && list[at - 1]!.id === m.id) list[at - 1] = m;
    else if (at === 0 && !e.all) return; // older than all held: where it falls among those not held is unknown, and the held ones stay the newest
    else list.splice(at, 0, m);
    if (list.length > this.perChannel) {
      list.shift();
      e.all = false;
    }
  }

  /**
   * A message changed (edit): the held copy, if any, is replaced.
   * @param m - the message as it now is
   */
  edited(m: Message): void {
    const e = this.entries.get(m.channelId);
    if (!e) return;
    const i = e.messages.findIndex((x) => x.id === m.id);
    if (i < 0) return;
    e.messages[i] = deepFreeze(m);
    e.page = undefined;
  }

  /**
   * A message was deleted. The entry still holds the newest messages, one fewer.
   * @param channelId - its channel
   * @param id - which message
   */
  removed(channelId: string, id: string): void {
    const e = this.entries.get(channelId);
    if (!e) return;
    const i = e.messages.findIndex((x) => x.id === id);
    if (i < 0) return;
    e.messages.splice(i, 1);
    e.page = undefined;
  }

  /**
   * Drops what is held for a channel (it is read from the store next time).
   * @param channelId - which channel
   */
  forget(channelId: string): void {
    this.entries.delete(channelId);
  }

  /** Drops everything (after changes that cascade over channels). */
  clear(): void {
    this.entries.clear();
  }
}
