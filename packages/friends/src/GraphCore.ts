import { IdInterner } from './IdInterner.js';
import { Scratch } from './Scratch.js';
import { SortedAdjacency } from './SortedAdjacency.js';

/**
 * The state behind a {@link SocialGraph}: interned ids and compact adjacency. Kept apart from the
 * public class so that the algorithms can read raw arrays while callers cannot reach them.
 *
 * @internal
 */
export class GraphCore {
  readonly users: IdInterner = new IdInterner();
  readonly guilds: IdInterner = new IdInterner();
  /** Undirected friendships, stored in both rows, weighted by interaction strength. */
  readonly friends: SortedAdjacency = new SortedAdjacency(true);
  /** Sum of each user's friendship weights, kept in step with `friends`. */
  strength: Float64Array = new Float64Array(64);
  readonly guildsOf: SortedAdjacency = new SortedAdjacency(false);
  readonly membersOf: SortedAdjacency = new SortedAdjacency(false);
  /** blocker -> blocked. */
  readonly blocks: SortedAdjacency = new SortedAdjacency(false);
  readonly requestsOut: SortedAdjacency = new SortedAdjacency(false);
  readonly requestsIn: SortedAdjacency = new SortedAdjacency(false);
  readonly userScratch: Scratch = new Scratch();
  readonly guildScratch: Scratch = new Scratch();

  /** Dense index of a user, creating it when new. */
  internUser(id: string | number): number {
    const u = this.users.intern(id);
    if (u >= this.strength.length) {
      const s = new Float64Array(Math.max(u + 1, this.strength.length * 2));
      s.set(this.strength);
      this.strength = s;
    }
    return u;
  }

  /** Whether either user blocked the other. */
  blockedEitherWay(a: number, b: number): boolean {
    return this.blocks.entries > 0 && (this.blocks.has(a, b) || this.blocks.has(b, a));
  }

  /** Adds the friendship; false (nothing changes) when it exists. */
  addFriendship(a: number, b: number, w: number): boolean {
    if (!this.friends.insert(a, b, w)) return false;
    this.friends.insert(b, a, w);
    this.strength[a]! += w;
    this.strength[b]! += w;
    return true;
  }

  removeFriendship(a: number, b: number): boolean {
    const w = this.friends.remove(a, b);
    if (w === undefined) return false;
    this.friends.remove(b, a);
    this.strength[a] = dropWeight(this.strength[a]!, w, this.friends.degree(a));
    this.strength[b] = dropWeight(this.strength[b]!, w, this.friends.degree(b));
    return true;
  }

  setWeight(a: number, b: number, w: number): boolean {
    const old = this.friends.setWeight(a, b, w);
    if (old === undefined) return false;
    this.friends.setWeight(b, a, w);
    this.strength[a]! += w - old;
    this.strength[b]! += w - old;
    return true;
  }

  /** Drops pending requests in both directions; returns how many were dropped. */
  clearRequests(a: number, b: number): number {
    if (this.requestsOut.entries === 0) return 0;
    let n = 0;
    if (this.requestsOut.remove(a, b) !== undefined) {
      this.requestsIn.remove(b, a);
      n++;
    }
    if (this.requestsOut.remove(b, a) !== undefined) {
      this.requestsIn.remove(a, b);
      n++;
    }
    return n;
  }
}

/** New strength after removing weight `w`; exact zero once no friend is left, so rounding cannot leave a residue. */
function dropWeight(s: number, w: number, remaining: number): number {
  return remaining === 0 ? 0 : s - w;
}
