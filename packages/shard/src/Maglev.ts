import { ShardError, shown } from './errors.js';
import { hashKeyInto, type Key } from './key.js';
import { NodeSet, checkCount, checkOptions, emptyError } from './NodeSet.js';
import type { NodeSpec, Placement } from './Placement.js';
import { PlacementBase } from './PlacementBase.js';

/** Options of {@link Maglev}. */
export interface MaglevOptions {
  /**
   * Lookup-table size M: a prime, at least the number of nodes. Each node gets M / n slots
   * (±1), so M >= 100 x nodes keeps the imbalance under about 1%, and a larger M also moves fewer
   * keys when a node joins or leaves. Placements derived with `withNode` / `withoutNode` keep it.
   * @defaultValue the first prime at or above max(65537, 100 x the initial node count)
   * (at most 2^24 - 3)
   */
  readonly tableSize?: number;
  /** Seed of the key and node hashes. @defaultValue 0 */
  readonly seed?: number | bigint;
}

const MAX_TABLE = 1 << 24;

/**
 * Whether `m` is prime (trial division; meant for table sizes up to 2^24).
 *
 * @param m - candidate table size
 * @returns true for a prime
 * @example
 * ```ts
 * isPrime(65537); // true
 * ```
 */
export function isPrime(m: number): boolean {
  if (!Number.isInteger(m) || m < 2) return false;
  if (m % 2 === 0) return m === 2;
  for (let d = 3; d * d <= m; d += 2) if (m % d === 0) return false;
  return true;
}

const LARGEST_PRIME_TABLE = 16777213; // 2^24 - 3

// The paper wants M >> N: 100 slots a node keep each node's share within ~1% and the slots
// that change owner on a membership change close to 1/n.
function defaultTableSize(nodes: number): number {
  let m = Math.min(Math.max(65537, 100 * nodes), LARGEST_PRIME_TABLE);
  while (!isPrime(m)) m++;
  return m;
}

/**
 * Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
 * Balancer", NSDI 2016): every node walks its own permutation of a prime-sized table and the
 * nodes take turns claiming free slots, so each owns M / n slots (±1) and a lookup is one hash
 * and one array read. When a node joins or leaves, most slots keep their owner (the paper's
 * "minimal disruption"; it is close to, not exactly, the ideal 1/n — the benchmark reports it).
 * Weights give a node proportionally more turns.
 *
 * @example
 * ```ts
 * const mag = new Maglev(['a', 'b', 'c'], { tableSize: 65537 });
 * mag.lookup('session:9'); // one table read
 * ```
 */
export class Maglev extends PlacementBase implements Placement {
  /** Always `'maglev'`. */
  readonly scheme: 'maglev' = 'maglev';
  /** Table size M. */
  readonly tableSize: number;
  private readonly table: Uint32Array;
  private readonly twoPow32ModM: number;
  // The node ids: an unfrozen copy of this.set.ids (V8 does not inline element loads from frozen
  // arrays; see HashRing).
  private readonly ids: readonly string[];

  /**
   * @param nodes - node ids or `{ node, weight }`; may be empty (lookups then throw `EMPTY`)
   * @param options - see {@link MaglevOptions}
   * @throws ShardError `BAD_NODE`, `DUPLICATE_NODE`, `BAD_WEIGHT`, `BAD_OPTION` (table size not a
   * prime, too large, or smaller than the node count)
   */
  constructor(nodes: Iterable<NodeSpec> = [], options: MaglevOptions = {}) {
    checkOptions(options);
    super(NodeSet.parse(nodes, true, 'sorted'), options.seed ?? 0);
    const m = options.tableSize ?? defaultTableSize(this.set.ids.length);
    if (!Number.isInteger(m) || m < 2 || m > MAX_TABLE || !isPrime(m)) {
      throw new ShardError('BAD_OPTION', `tableSize must be a prime from 2 to 2^24, got ${shown(m)} (65537 and 655373 are good choices)`);
    }
    const n = this.set.ids.length;
    this.tableSize = m;
    if (n > m) throw new ShardError('BAD_OPTION', `tableSize ${m} is smaller than the ${n} nodes; use a prime of at least 100 x nodes`);
    this.twoPow32ModM = 4294967296 % m;
    this.ids = this.set.ids.slice();
    this.table = n === 0 ? new Uint32Array(0) : this.populate();
  }

  // The paper's Populate(): node i's preference list is offset, offset + skip, ... (mod M); in
  // each round every node claims its next unclaimed preference. A node of weight w gets w / max
  // turns a round, so credit accumulates until it reaches one.
  private populate(): Uint32Array {
    const m = this.tableSize;
    const { ids, weights } = this.set;
    const n = ids.length;
    const offset = new Float64Array(n);
    const skip = new Float64Array(n);
    const next = new Float64Array(n);
    const credit = new Float64Array(n);
    const share = new Float64Array(n);
    let maxW = 0;
    for (const w of weights) maxW = Math.max(maxW, w);
    for (let i = 0; i < n; i++) {
      hashKeyInto(ids[i]!, this.seedHi, this.seedLo, this.out);
      offset[i] = this.out.hi % m;
      skip[i] = (this.out.lo % (m - 1)) + 1;
      share[i] = weights[i]! / maxW;
    }
    const entry = new Int32Array(m).fill(-1);
    let filled = 0;
    while (filled < m) {
      for (let i = 0; i < n && filled < m; i++) {
        credit[i]! += share[i]!;
        if (credit[i]! < 1) continue;
        credit[i]! -= 1;
        let c = (offset[i]! + next[i]! * skip[i]!) % m;
        while (entry[c]! >= 0) {
          next[i]!++;
          c = (offset[i]! + next[i]! * skip[i]!) % m;
        }
        entry[c] = i;
        next[i]!++;
        filled++;
      }
    }
    const slots = new Uint32Array(n);
    for (let c = 0; c < m; c++) slots[entry[c]!]!++;
    for (let i = 0; i < n; i++) {
      if (slots[i] === 0) {
        throw new ShardError('BAD_WEIGHT', `node "${ids[i]!}" got no slot of the ${m}: its weight ${weights[i]!} is too small next to ${maxW}; raise it or tableSize`);
      }
    }
    return Uint32Array.from(entry);
  }

  /**
   * The table slot of `key`: its 64-bit xxHash64 modulo M.
   *
   * @throws ShardError `BAD_KEY`
   */
  slotOf(key: Key): number {
    hashKeyInto(key, this.seedHi, this.seedLo, this.out);
    const m = this.tableSize;
    // (hi * 2^32 + lo) mod M without leaving 2^53: hi mod M times (2^32 mod M) stays below 2^48.
    return (((this.out.hi % m) * this.twoPow32ModM) + this.out.lo) % m;
  }

  /**
   * The node owning `key`.
   *
   * @throws ShardError `EMPTY`, `BAD_KEY`
   */
  lookup(key: Key): string {
    const slot = this.slotOf(key);
    if (this.table.length === 0) throw emptyError();
    return this.ids[this.table[slot]!]!;
  }

  /**
   * `n` distinct nodes for `key`: the owner, then the owners of the following slots that are
   * not yet chosen (the table is a pseudo-random interleaving of the nodes, so this spreads
   * replicas evenly).
   *
   * @throws ShardError `BAD_COUNT`, `BAD_KEY`
   */
  lookupN(key: Key, n: number): string[] {
    let slot = this.slotOf(key);
    checkCount(n, this.size);
    const res: string[] = [];
    const seen = new Set<number>();
    const m = this.tableSize;
    for (let k = 0; res.length < n && k < m; k++) {
      const o = this.table[slot]!;
      if (!seen.has(o)) {
        seen.add(o);
        res.push(this.set.ids[o]!);
      }
      if (++slot === m) slot = 0;
    }
    return res;
  }

  /** The owner of every slot, as indexes into {@link Maglev.nodes}; a copy. */
  entries(): Uint32Array {
    return this.table.slice();
  }

  /**
   * A placement with `node` added (same table size and seed).
   *
   * @param weight - @defaultValue 1
   * @throws ShardError `DUPLICATE_NODE`, `BAD_NODE`, `BAD_WEIGHT`, `BAD_OPTION`
   */
  withNode(node: string, weight?: number): Maglev {
    return new Maglev(this.set.plus(node, weight, true), { tableSize: this.tableSize, seed: this.seed });
  }

  /** A placement without `node`. @throws ShardError `UNKNOWN_NODE` */
  withoutNode(node: string): Maglev {
    return new Maglev(this.set.minus(node), { tableSize: this.tableSize, seed: this.seed });
  }
}
