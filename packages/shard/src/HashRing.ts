import { ShardError, shown } from './errors.js';
import { hashKey32, hashKeyInto, scratchBytes, utf8Scratch, badKey, type Key } from './key.js';
import { md5Words } from './md5.js';
import { NodeSet, checkCount, checkOptions, emptyError } from './NodeSet.js';
import type { NodeSpec, Placement } from './Placement.js';
import { PlacementBase } from './PlacementBase.js';
import { nearestArcEnds, sortPoints } from './ringArcs.js';
import { xxh32String } from './xxHash32.js';
import { xxh64WordInto } from './xxHash64.js';

/** Options of {@link HashRing}. */
export interface HashRingOptions {
  /**
   * Native mode: points on the ring per unit of weight (a node of weight w gets round(w x vnodes)).
   * More points even out the load (max/mean falls roughly as 1 + 2.5/sqrt(2 x vnodes) at 100
   * nodes, since a key goes to its nearest point) at the cost of memory (about 4.3 bytes a
   * point) and build time. The default keeps 100 nodes within 1.05 of the mean.
   * With `compat: 'hashring'`: hashring's `vnode count` (digests per server; each digest gives
   * `pointsPerHash` points).
   * @defaultValue 2048 native; 40 with `compat: 'hashring'`
   */
  readonly vnodes?: number;
  /** Native mode only: 64-bit seed of the key positions (xxHash32, the seed folded to 32 bits: high half XOR low half) and the point positions (xxHash64). @defaultValue 0 */
  readonly seed?: number | bigint;
  /**
   * `'hashring'` reproduces the npm package `hashring` (3.x, md5, ketama continuum) exactly:
   * same points, same key positions, same owners, same `range()` order — so a service can switch
   * without moving a key. Nodes keep the order given, as hashring's server list does.
   */
  readonly compat?: 'hashring';
  /** With `compat: 'hashring'`: points taken from each md5 digest, hashring's `replicas` (4 = libketama, 3 = python hash_ring). @defaultValue 4 */
  readonly pointsPerHash?: 1 | 2 | 3 | 4;
}

const RANK = 2097152; // 2^21: the most nodes a ring holds, plus one
const MAX_POINTS = 1 << 24;

/**
 * Consistent hashing on a 32-bit ring with virtual nodes and weights (Karger et al. 1997).
 * A key belongs to the point nearest to its position on the circle (a tie goes to the point
 * counter-clockwise). Taking the nearest point rather than the next one clockwise halves the
 * spread of the nodes' shares for the same number of points, so the same balance costs half the
 * memory. In `compat: 'hashring'` mode a key belongs to the first point at or after its
 * position, as in hashring. Either way the ring is a list of arcs, each owned by one node:
 * adding a node moves only the keys its new points take over; removing one moves only its keys.
 *
 * Lookups hash the key once (xxHash32, or md5 in hashring mode) and find the arc through a
 * bucket index over the sorted arc ends, so their cost does not grow with the number of points.
 *
 * @example
 * ```ts
 * const ring = new HashRing(['a', 'b', { node: 'c', weight: 2 }]);
 * ring.lookup('guild:42');       // e.g. 'c'
 * ring.lookupN('guild:42', 2);   // owner and one replica
 * const bigger = ring.withNode('d'); // ring is unchanged
 * ```
 */
export class HashRing extends PlacementBase implements Placement {
  /** Always `'ring'`. */
  readonly scheme: 'ring' = 'ring';
  /** `'hashring'` in the compatible mode, else undefined. */
  readonly compat: 'hashring' | undefined;
  /** Points per unit weight (native) or hashring's vnode count (compat). */
  readonly vnodes: number;
  /** Points per md5 digest in compat mode. */
  readonly pointsPerHash: number;
  // The ring's arcs, sorted by where they end (the points themselves in compat mode), one 32-bit
  // word each: the position's low `shift` bits above the owner's index (`ownerBits` bits). The
  // position's high bits are the cell number: `starts[c]`
  // is the first arc of cell c. About 4.25 bytes a point in all, so more of the ring stays in cache.
  private readonly entries: Uint32Array;
  // The node ids: an unfrozen copy of this.set.ids, because V8 does not inline element loads from
  // frozen arrays (a lookup would pay a KeyedLoadIC call for its final ids[owner]).
  private readonly ids: readonly string[];
  private readonly starts: Uint32Array;
  private readonly shift: number;
  private readonly ownerBits: number;
  private readonly ownerMask: number;
  private readonly lowMask: number;
  private readonly md5: Uint32Array = new Uint32Array(4);
  private stamp: Uint32Array;
  private epoch = 0;
  // The seed folded to the 32 bits that xxHash32 takes: high half XOR low half.
  private readonly seed32: number;

  /**
   * @param nodes - node ids or `{ node, weight }`; may be empty (lookups then throw `EMPTY`)
   * @param options - see {@link HashRingOptions}
   * @throws ShardError `BAD_NODE`, `DUPLICATE_NODE`, `BAD_WEIGHT` (also when a weight is too small
   * to get a single point), `BAD_OPTION`
   */
  constructor(nodes: Iterable<NodeSpec> = [], options: HashRingOptions = {}) {
    checkOptions(options);
    super(NodeSet.parse(nodes, true, options.compat !== undefined ? 'given' : 'sorted'), options.seed ?? 0);
    const compat = options.compat;
    if (compat !== undefined && compat !== 'hashring') {
      throw new ShardError('BAD_OPTION', `compat must be 'hashring' or left out, got ${shown(compat)}`);
    }
    this.compat = compat;
    this.ids = this.set.ids.slice();
    this.seed32 = (this.seedHi ^ this.seedLo) | 0;
    const vnodes = options.vnodes ?? (compat ? 40 : 2048);
    if (!Number.isInteger(vnodes) || vnodes < 1 || vnodes > 65536) {
      throw new ShardError('BAD_OPTION', `vnodes must be an integer from 1 to 65536, got ${typeof vnodes === 'number' ? String(vnodes) : typeof vnodes}`);
    }
    this.vnodes = vnodes;
    const pph = options.pointsPerHash ?? 4;
    if (![1, 2, 3, 4].includes(pph)) throw new ShardError('BAD_OPTION', `pointsPerHash must be 1, 2, 3 or 4, got ${shown(pph)}`);
    if (!compat && options.pointsPerHash !== undefined) throw new ShardError('BAD_OPTION', "pointsPerHash only applies with compat: 'hashring'");
    if (compat && options.seed !== undefined) throw new ShardError('BAD_OPTION', "hashring has no seed; leave seed out with compat: 'hashring'");
    this.pointsPerHash = pph;
    if (this.set.ids.length >= RANK) throw new ShardError('BAD_OPTION', `a ring holds at most ${RANK - 1} nodes`);
    const { pos, own } = compat ? this.ketamaPoints() : this.nativePoints();
    sortPoints(pos, own);
    // Native mode gives a key to its nearest point, so the ring stores where each point's arc
    // ends instead of the point; compat mode keeps hashring's first-point-at-or-after rule.
    if (!compat) nearestArcEnds(pos, own);
    const n = pos.length;
    let ownerBits = 1;
    while (ownerBits < 21 && 1 << ownerBits < this.set.ids.length) ownerBits++;
    // Eight to sixteen points a cell: the scan reads one or two cache lines of the points, and the
    // cell index is 1/8 to 1/16 of their size, small enough to stay in cache while the points do
    // not (measured faster than two points a cell for 100 nodes x 2048 points under load). At
    // least ownerBits cell bits, so that the low position bits and the owner fit one 32-bit word.
    let bits = ownerBits;
    while (bits < 24 && 16 << bits < n) bits++;
    const shift = 32 - bits;
    this.shift = shift;
    this.ownerBits = ownerBits;
    this.ownerMask = (1 << ownerBits) - 1;
    this.lowMask = 2 ** shift - 1;
    this.entries = new Uint32Array(n);
    const cells = 1 << bits;
    this.starts = new Uint32Array(cells + 1);
    let c = 0;
    for (let i = 0; i < n; i++) {
      const p = pos[i]!;
      const cell = p >>> shift;
      while (c <= cell) this.starts[c++] = i;
      this.entries[i] = ((p & this.lowMask) << ownerBits) | own[i]!;
    }
    while (c <= cells) this.starts[c++] = n;
    this.stamp = new Uint32Array(this.set.ids.length);
    // A compatible ring takes its own lookup, so that the native one, which every other ring runs,
    // never sees an md5 position: V8 optimises a method for every path its callers have taken,
    // and a process holding a compatible ring next to native ones (as during a migration) made
    // the native lookups ~25% slower (integer keys, 100 nodes; measured in the shard benchmark).
    if (compat) this.lookup = this.compatLookup;
  }

  // Points in owner order: positions and owner indexes.
  private nativePoints(): { pos: Uint32Array; own: Uint32Array } {
    const { ids, weights } = this.set;
    const counts = ids.map((id, i) => {
      const c = Math.round(weights[i]! * this.vnodes);
      if (c < 1) throw new ShardError('BAD_WEIGHT', `node "${id}": weight ${weights[i]} x vnodes ${this.vnodes} gives no point on the ring; raise the weight or vnodes`);
      return c;
    });
    const total = counts.reduce((a, b) => a + b, 0);
    if (total > MAX_POINTS) throw new ShardError('BAD_OPTION', `the ring would hold ${total} points (limit ${MAX_POINTS}); lower vnodes or the weights`);
    const pos = new Uint32Array(total), own = new Uint32Array(total);
    const o = this.out;
    let k = 0;
    for (let i = 0; i < ids.length; i++) {
      // Point j of a node is xxHash64 of j seeded with the node's own hash: it depends on
      // nothing but the node, so other nodes never shift it.
      hashKeyInto(ids[i]!, this.seedHi, this.seedLo, o);
      const nh = o.hi, nl = o.lo;
      for (let j = 0; j < counts[i]!; j++) {
        xxh64WordInto(0, j, nh, nl, o);
        pos[k] = o.hi;
        own[k++] = i;
      }
    }
    return { pos, own };
  }

  // hashring 3.x `continuum()`: floor(weight / total x vnodes x servers) digests per server,
  // md5(`${server}-${i}`), each digest read as little-endian 32-bit words.
  private ketamaPoints(): { pos: Uint32Array; own: Uint32Array } {
    const { ids, weights, totalWeight } = this.set;
    const n = ids.length;
    const lengths = ids.map((id, i) => {
      const len = Math.floor((weights[i]! / totalWeight) * this.vnodes * n);
      if (len < 1) throw new ShardError('BAD_WEIGHT', `node "${id}": weight ${weights[i]} is too small to get a point (hashring would silently drop it); raise it or vnodes`);
      return len;
    });
    const total = lengths.reduce((a, b) => a + b, 0) * this.pointsPerHash;
    if (total > MAX_POINTS) throw new ShardError('BAD_OPTION', `the ring would hold ${total} points (limit ${MAX_POINTS}); lower vnodes`);
    const pos = new Uint32Array(total), own = new Uint32Array(total);
    const w = this.md5;
    let k = 0;
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < lengths[s]!; i++) {
        const len = utf8Scratch(`${ids[s]!}-${i}`);
        md5Words(scratchBytes(), len, w);
        for (let j = 0; j < this.pointsPerHash; j++) {
          pos[k] = w[j]!;
          own[k++] = s;
        }
      }
    }
    return { pos, own };
  }

  /** Number of points on the ring (memory is about 4.25 bytes each, cell index included). */
  get pointCount(): number {
    return this.entries.length;
  }

  /**
   * The key's position on the ring, 0 to 2^32 - 1: its xxHash32 seeded with the ring's seed
   * folded to 32 bits (high half XOR low half) in native mode, or the first little-endian word of
   * its md5 (hashring mode). {@link RebalancePlan} ranges are stated in these positions.
   *
   * @param key - string (hashed as UTF-8), bytes, or safe integer (its 8 little-endian bytes)
   * @returns the position, 0 to 2^32 - 1
   * @throws ShardError `BAD_KEY`
   */
  positionOf(key: Key): number {
    if (this.compat) {
      let len: number;
      let bytes: Uint8Array;
      if (typeof key === 'string') {
        len = utf8Scratch(key);
        bytes = scratchBytes();
      } else if (typeof key === 'number') {
        if (!Number.isSafeInteger(key)) throw badKey(key);
        // hashring hashes `key + ''`.
        len = utf8Scratch(String(key));
        bytes = scratchBytes();
      } else if (key instanceof Uint8Array) {
        bytes = key;
        len = key.length;
      } else throw badKey(key);
      md5Words(bytes, len, this.md5);
      return this.md5[0]!;
    }
    return hashKey32(key, this.seed32);
  }

  // Index of the first point at or after position h: a scan of h's cell, whose end is the first
  // point of the cells after it (wrapping to point 0 past the last).
  private indexAt(h: number): number {
    const c = h >>> this.shift;
    const low = h & this.lowMask;
    const e = this.entries;
    const ob = this.ownerBits;
    let i = this.starts[c]!;
    const end = this.starts[c + 1]!;
    while (i < end && e[i]! >>> ob < low) i++;
    return i === e.length ? 0 : i;
  }

  /**
   * The node owning `key`.
   *
   * @param key - string, bytes or safe integer
   * @returns the node id
   * @throws ShardError `EMPTY`, `BAD_KEY`
   */
  lookup(key: Key): string {
    // Native mode (compatible rings replace this method with compatLookup). String keys, the
    // common case, go straight to the hash; the cell scan is written out here rather than
    // calling indexAt, so the whole lookup is one small function.
    const h = typeof key === 'string' ? xxh32String(key, this.seed32) : hashKey32(key, this.seed32);
    const e = this.entries;
    if (e.length === 0) throw emptyError();
    const low = h & this.lowMask;
    const ob = this.ownerBits;
    const c = h >>> this.shift;
    let i = this.starts[c]!;
    const end = this.starts[c + 1]!;
    while (i < end && e[i]! >>> ob < low) i++;
    if (i === e.length) i = 0;
    return this.ids[e[i]! & this.ownerMask]!;
  }

  // lookup of a compatible ring: md5 positions, hashring's first point at or after the key.
  private compatLookup(key: Key): string {
    const h = this.positionOf(key);
    if (this.entries.length === 0) throw emptyError();
    return this.ids[this.entries[this.indexAt(h)]! & this.ownerMask]!;
  }

  /**
   * `n` distinct nodes for `key`: the owner, then the next distinct nodes clockwise (the
   * usual replica placement, and hashring's `range(key, n)` in hashring mode).
   *
   * @param key - string, bytes or safe integer
   * @param n - how many nodes, 0 to `size`
   * @returns node ids, owner first
   * @throws ShardError `BAD_COUNT`, `EMPTY`, `BAD_KEY`
   */
  lookupN(key: Key, n: number): string[] {
    const h = this.positionOf(key);
    checkCount(n, this.size);
    const res: string[] = [];
    if (n === 0) return res;
    if (this.epoch === 0xffffffff) {
      this.stamp.fill(0);
      this.epoch = 0;
    }
    const epoch = ++this.epoch;
    const { entries, stamp, ownerMask } = this;
    const ids = this.set.ids;
    const len = entries.length;
    let i = this.indexAt(h);
    while (res.length < n) {
      const o = entries[i]! & ownerMask;
      if (stamp[o] !== epoch) {
        stamp[o] = epoch;
        res.push(ids[o]!);
      }
      if (++i === len) i = 0;
    }
    return res;
  }

  /**
   * A ring with `node` added (same options).
   *
   * @param node - new node id
   * @param weight - its weight @defaultValue 1
   * @returns a new ring; this one is unchanged
   * @throws ShardError `DUPLICATE_NODE`, `BAD_NODE`, `BAD_WEIGHT`
   */
  withNode(node: string, weight?: number): HashRing {
    return new HashRing(this.set.plus(node, weight, true), this.options());
  }

  /**
   * A ring without `node` (same options).
   *
   * @param node - node id to remove
   * @returns a new ring; this one is unchanged
   * @throws ShardError `UNKNOWN_NODE`
   */
  withoutNode(node: string): HashRing {
    return new HashRing(this.set.minus(node), this.options());
  }

  /** The options this ring was built with. */
  options(): HashRingOptions {
    if (this.compat) return { compat: this.compat, vnodes: this.vnodes, pointsPerHash: this.pointsPerHash as 1 | 2 | 3 | 4 };
    return { vnodes: this.vnodes, seed: this.seed };
  }

  /** @internal Index of the arc that owns the key's position. @throws ShardError `EMPTY`, `BAD_KEY` */
  startIndex(key: Key): number {
    const h = typeof key === 'string' && this.compat === undefined ? xxh32String(key, this.seed32) : this.positionOf(key);
    if (this.entries.length === 0) throw emptyError();
    return this.indexAt(h);
  }

  /** @internal Owner index of arc i (0 to pointCount - 1), for walks around the ring. */
  ownerAt(i: number): number {
    return this.entries[i]! & this.ownerMask;
  }


  /**
   * @internal The arcs: sorted positions where each ends (native mode; the points themselves in
   * compat mode) and their owners' ids (unpacked copies), for rebalance plans. A position belongs
   * to the first arc whose end is at or after it, wrapping to the first.
   */
  arcs(): { points: Uint32Array; owners: Uint16Array | Uint32Array; ids: readonly string[] } {
    const n = this.entries.length;
    const points = new Uint32Array(n);
    const owners = new Uint32Array(n);
    for (let c = 0; c + 1 < this.starts.length; c++) {
      for (let i = this.starts[c]!; i < this.starts[c + 1]!; i++) {
        const e = this.entries[i]!;
        points[i] = c * 2 ** this.shift + (e >>> this.ownerBits);
        owners[i] = e & this.ownerMask;
      }
    }
    return { points, owners, ids: this.set.ids };
  }
}
