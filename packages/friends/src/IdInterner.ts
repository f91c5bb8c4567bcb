import { FriendsError } from './errors.js';

/**
 * A user or guild id as callers know it: a non-empty string of at most 1024 characters, or a
 * safe integer. `1` and `'1'` are different ids.
 */
export type Id = string | number;

/** Longest string id accepted; longer ones are almost certainly a bug or an attack. */
export const MAX_ID_LENGTH = 1024;

/**
 * Integer ids below this are looked up in a typed array, the rest in a Map. Ids arriving in a
 * sparse range below it (say 0 and 4 000 000) cost up to 16 MB of lookup table: the price of
 * the fast path, bounded here.
 */
const SMALL_LIMIT = 1 << 22;

/** Most distinct ids one interner holds (dense indices must fit an Int32Array). */
const MAX_IDS = 0x7fffffff;

/**
 * Throws unless `id` is a valid {@link Id}.
 *
 * @param id - the value to check
 * @param what - how the message names it ("user", "guild")
 * @throws {@link FriendsError} `invalid-id`
 */
export function checkId(id: unknown, what: string): asserts id is Id {
  if (typeof id === 'number') {
    if (!Number.isSafeInteger(id)) {
      throw new FriendsError('invalid-id', `${what} id ${String(id)} is not a safe integer; use an integer or a string`);
    }
    return;
  }
  if (typeof id === 'string') {
    if (id.length === 0) throw new FriendsError('invalid-id', `${what} id is an empty string; use a non-empty string or an integer`);
    if (id.length > MAX_ID_LENGTH) {
      throw new FriendsError('invalid-id', `${what} id is ${id.length} characters long; the limit is ${MAX_ID_LENGTH}`);
    }
    return;
  }
  throw new FriendsError('invalid-id', `${what} id must be a string or a safe integer, got ${id === null ? 'null' : typeof id}`);
}

/**
 * Maps outside ids to dense indices 0, 1, 2, ... in first-seen order, so that adjacency can live
 * in typed arrays. A `Map` (not a plain object) holds them, so `__proto__` is an ordinary id.
 */
export class IdInterner {
  private readonly index = new Map<Id, number>();
  private readonly ids: Id[] = [];
  /**
   * Index + 1 of small non-negative integer ids, by id: a typed-array lookup is several times
   * faster than a Map and costs 4 bytes per id value instead of a Map entry. 0 means absent.
   */
  private small: Int32Array = new Int32Array(0);

  /** How many ids have been interned. */
  get size(): number {
    return this.ids.length;
  }

  /**
   * The dense index of `id`, or -1 when it was never interned. Does not validate.
   *
   * @param id - an outside id
   * @returns its index or -1
   */
  lookup(id: Id): number {
    if (typeof id === 'number' && id >= 0 && id < SMALL_LIMIT && Number.isInteger(id)) {
      return id < this.small.length ? this.small[id]! - 1 : -1;
    }
    const i = this.index.get(id);
    return i === undefined ? -1 : i;
  }

  /**
   * The dense index of `id`, assigning the next one when it is new.
   *
   * @param id - a valid outside id (see {@link checkId})
   * @returns its index
   * @throws {@link FriendsError} `capacity` past 2^31 - 1 ids
   */
  intern(id: Id): number {
    const isSmall = typeof id === 'number' && id >= 0 && id < SMALL_LIMIT;
    if (isSmall) {
      if (id < this.small.length) {
        const i = this.small[id]!;
        if (i !== 0) return i - 1;
      } else {
        let size = Math.max(64, this.small.length * 2);
        while (size <= id) size *= 2;
        const bigger = new Int32Array(Math.min(size, SMALL_LIMIT));
        bigger.set(this.small);
        this.small = bigger;
      }
    } else {
      const i = this.index.get(id);
      if (i !== undefined) return i;
    }
    const n = this.ids.length;
    if (n >= MAX_IDS) throw new FriendsError('capacity', `more than ${MAX_IDS} distinct ids`);
    if (isSmall) this.small[id] = n + 1;
    else this.index.set(id, n);
    this.ids.push(id);
    return n;
  }

  /**
   * The outside id of dense index `i`.
   *
   * @param i - an index below {@link IdInterner.size}
   * @returns the id
   */
  idOf(i: number): Id {
    return this.ids[i]!;
  }
}
