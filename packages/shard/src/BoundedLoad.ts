import { ShardError, shown } from './errors.js';
import { HashRing, type HashRingOptions } from './HashRing.js';
import { keyIdentity, type Key } from './key.js';
import { checkCount, checkOptions } from './NodeSet.js';
import type { NodeSpec, Placement } from './Placement.js';

/** Options of {@link BoundedLoad}: the load bound plus the options of its {@link HashRing}. */
export interface BoundedLoadOptions extends HashRingOptions {
  /**
   * Slack over the average: no node holds more than ceil((1 + epsilon) x m x w / W) of the m
   * keys held (w its weight, W the total). Smaller is flatter but moves more keys on overflow.
   * At least 1e-6.
   * @defaultValue 0.25
   */
  readonly epsilon?: number;
}

interface Held {
  readonly key: Key;
  readonly nodes: string[];
}

/**
 * Consistent hashing with bounded loads (Mirrokni, Thorup & Zadimoghaddam, SODA 2018): a hash
 * ring where every node is capped at ceil((1 + epsilon) x average); a key whose node is full
 * goes clockwise to the next node with room. `acquire(key)` places one unit of load (a session,
 * a request) and `release(key)` frees it, so the cap follows the live load even under skewed,
 * Zipf-like key popularity. The same key may be acquired several times (it may then sit on
 * several nodes); release frees its most recent placement.
 *
 * This is the one stateful placement: `acquire` and `release` change loads in place.
 * `withNode` and `withoutNode` return a new BoundedLoad that keeps every held key where it is
 * and re-places the keys of a removed node.
 *
 * @example
 * ```ts
 * const bl = new BoundedLoad(['a', 'b', 'c'], { epsilon: 0.25 });
 * const node = bl.acquire('user:1'); // where this session lives
 * bl.release('user:1');
 * ```
 */
export class BoundedLoad implements Placement {
  /** Always `'bounded'`. */
  readonly scheme: 'bounded' = 'bounded';
  /** The slack over the average load. */
  readonly epsilon: number;
  /** The ring that orders the candidates of each key. */
  readonly ring: HashRing;
  // The ring's node ids, unfrozen: V8 does not inline element loads from frozen arrays.
  private readonly ids: readonly string[];
  private readonly index: Map<string, number>;
  private readonly weight: Float64Array;
  private readonly W: number;
  private readonly held: Map<string | number, Held> = new Map();
  private total = 0;
  private readonly loadByIndex: Float64Array;

  /**
   * @param nodes - node ids or `{ node, weight }`, or a ready {@link HashRing}
   * @param options - epsilon and ring options (ring options are ignored when a ring is given)
   * @throws ShardError `BAD_OPTION` for epsilon not finite or not > 0; the ring's own errors
   */
  constructor(nodes: Iterable<NodeSpec> | HashRing = [], options: BoundedLoadOptions = {}) {
    const epsilon = checkOptions(options).epsilon ?? 0.25;
    if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 1e-6) {
      throw new ShardError('BAD_OPTION', `epsilon must be a finite number of at least 1e-6, got ${shown(epsilon)}`);
    }
    this.epsilon = epsilon;
    if (nodes instanceof HashRing) this.ring = nodes;
    else {
      const { epsilon: _e, ...ringOptions } = options;
      this.ring = new HashRing(nodes, ringOptions);
    }
    const ids = this.ring.nodes;
    this.ids = ids.slice();
    this.index = new Map(ids.map((id, i) => [id, i]));
    this.weight = Float64Array.from(ids, (id) => this.ring.weightOf(id));
    let W = 0;
    for (const w of this.weight) W += w;
    this.W = W;
    this.loadByIndex = new Float64Array(this.ring.size);
  }

  /** Node ids, in ring order. */
  get nodes(): readonly string[] {
    return this.ring.nodes;
  }

  /** Number of nodes. */
  get size(): number {
    return this.ring.size;
  }

  /** Units of load held in total. */
  get totalLoad(): number {
    return this.total;
  }

  /** Whether `node` is here. */
  has(node: string): boolean {
    return this.ring.has(node);
  }

  /** The weight of `node`. @throws ShardError `UNKNOWN_NODE` */
  weightOf(node: string): number {
    return this.ring.weightOf(node);
  }

  /** Units of load `node` holds. @throws ShardError `UNKNOWN_NODE` */
  loadOf(node: string): number {
    return this.loadByIndex[this.indexOf(node)]!;
  }

  /**
   * The most `node` may hold when the total load is `total`: ceil((1 + epsilon) x total x w / W).
   *
   * @param total - total load to size the cap for @defaultValue the current total + 1
   * @throws ShardError `UNKNOWN_NODE`
   */
  capacityOf(node: string, total: number = this.total + 1): number {
    return this.cap(this.indexOf(node), total);
  }

  private cap(i: number, total: number): number {
    // (1 + 0.1) x 100000 / 100 is 1100.0000000000002 in binary floating point; the relative nudge
    // keeps ceil() from adding a whole unit for rounding noise (epsilon >= 1e-6 keeps room).
    return Math.ceil((((1 + this.epsilon) * total * this.weight[i]!) / this.W) * (1 - 1e-12));
  }

  private indexOf(node: string): number {
    const i = this.index.get(node);
    if (i === undefined) throw new ShardError('UNKNOWN_NODE', `node ${shown(node)} is not in this placement`);
    return i;
  }

  // Walks the ring from the key and returns the index of the first node with room for one more
  // unit (room >= 1 must exist: the caps add up to (1 + epsilon) x (total + 1) > total).
  private pick(key: Key): number {
    const ring = this.ring;
    let i = ring.startIndex(key);
    const total = this.total + 1;
    const len = ring.pointCount;
    for (let steps = 0; steps < len; steps++) {
      // The ring's own packed arcs: no copy of the owners, so the walk shares its cache lines.
      const o = ring.ownerAt(i);
      if (this.loadByIndex[o]! < this.cap(o, total)) return o;
      if (++i === len) i = 0;
    }
    throw new ShardError('EMPTY', 'no node has room; this cannot happen with epsilon > 0 unless the ring is empty');
  }

  /**
   * Where `key` would be placed now, without placing it.
   *
   * @throws ShardError `EMPTY`, `BAD_KEY`
   */
  lookup(key: Key): string {
    return this.ids[this.pick(key)]!;
  }

  /**
   * `n` distinct nodes for `key` in ring order, those with room first, then full ones.
   *
   * @throws ShardError `BAD_COUNT`, `BAD_KEY`, `EMPTY`
   */
  lookupN(key: Key, n: number): string[] {
    checkCount(n, this.size);
    if (n === 0) {
      keyIdentity(key);
      return [];
    }
    const ordered = this.ring.lookupN(key, this.size);
    const total = this.total + 1;
    const room = ordered.filter((id) => this.loadOf(id) < this.cap(this.indexOf(id), total));
    const full = ordered.filter((id) => !room.includes(id));
    return [...room, ...full].slice(0, n);
  }

  /**
   * Places one unit of load for `key` on the first node clockwise from it that is under its cap.
   *
   * @returns the node now holding it
   * @throws ShardError `EMPTY`, `BAD_KEY`
   */
  acquire(key: Key): string {
    const id = keyIdentity(key);
    const node = this.ids[this.pick(key)]!;
    this.place(id, key, node);
    return node;
  }

  /**
   * Frees one unit of load of `key` (its most recent placement).
   *
   * @returns the node it was freed from
   * @throws ShardError `NOT_ACQUIRED` when the key holds nothing; `BAD_KEY`
   */
  release(key: Key): string {
    const id = keyIdentity(key);
    const h = this.held.get(id);
    if (!h) throw new ShardError('NOT_ACQUIRED', 'release() of a key that holds no load; call acquire(key) first (or release it only once per acquire)');
    const node = h.nodes.pop()!;
    if (h.nodes.length === 0) this.held.delete(id);
    this.loadByIndex[this.indexOf(node)]!--;
    this.total--;
    return node;
  }

  /** The nodes holding `key`, oldest first (empty when it holds nothing). @throws ShardError `BAD_KEY` */
  holders(key: Key): string[] {
    return [...(this.held.get(keyIdentity(key))?.nodes ?? [])];
  }

  /** Highest load over mean load (1 is perfectly even; NaN when nothing is held). */
  maxOverMean(): number {
    let max = 0;
    for (const l of this.loadByIndex) max = Math.max(max, l);
    return max / (this.total / this.size);
  }

  private rebuilt(ring: HashRing): BoundedLoad {
    const next = new BoundedLoad(ring, { epsilon: this.epsilon });
    const orphans: Key[] = [];
    for (const h of this.held.values()) {
      for (const node of h.nodes) {
        if (ring.has(node)) next.place(keyIdentity(h.key), h.key, node);
        else orphans.push(h.key);
      }
    }
    for (const key of orphans) next.acquire(key);
    return next;
  }

  private place(id: string | number, key: Key, node: string): void {
    this.loadByIndex[this.indexOf(node)]!++;
    this.total++;
    const h = this.held.get(id);
    if (h) h.nodes.push(node);
    else this.held.set(id, { key, nodes: [node] });
  }

  /**
   * A copy with `node` added; held keys stay where they are (the new node fills as keys come).
   *
   * @throws ShardError `DUPLICATE_NODE`, `BAD_NODE`, `BAD_WEIGHT`
   */
  withNode(node: string, weight?: number): BoundedLoad {
    return this.rebuilt(this.ring.withNode(node, weight));
  }

  /**
   * A copy without `node`; the keys it held are re-acquired on the others.
   *
   * @throws ShardError `UNKNOWN_NODE`
   */
  withoutNode(node: string): BoundedLoad {
    return this.rebuilt(this.ring.withoutNode(node));
  }
}
