import { hashKeyInto, type Key } from './key.js';
import { NodeSet, checkCount, checkOptions, emptyError } from './NodeSet.js';
import type { NodeSpec, Placement } from './Placement.js';
import { PlacementBase } from './PlacementBase.js';

/** Options of {@link Rendezvous}. */
export interface RendezvousOptions {
  /** Seed of the key and node hashes. @defaultValue 0 */
  readonly seed?: number | bigint;
}

// murmur3's 32-bit finaliser: a bijection with full avalanche, cheap enough to run per node.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const TWO_M32 = 1 / 4294967296;
const TWO_M53 = 1 / 9007199254740992;

/**
 * Weighted rendezvous (highest-random-weight) hashing: each node scores each key and the highest
 * score wins. Scores are w / -ln(u) with u uniform in (0, 1) from the pair (key, node) — the
 * logarithmic method, under which node i wins exactly a w_i / W share and adding or removing a
 * node moves only the keys it wins or held. Lookups cost O(nodes); use it for tens of nodes or
 * for replica sets (lookupN is the top n scores, which stay stable as nodes come and go).
 *
 * @example
 * ```ts
 * const hrw = new Rendezvous([{ node: 'big', weight: 3 }, 'small']);
 * hrw.lookup('room:7');         // 'big' for about 3 keys in 4
 * hrw.lookupN('room:7', 2);     // both, best first
 * ```
 */
export class Rendezvous extends PlacementBase implements Placement {
  /** Always `'rendezvous'`. */
  readonly scheme: 'rendezvous' = 'rendezvous';
  private readonly nodeHi: Int32Array;
  private readonly nodeLo: Int32Array;
  private readonly uniform: boolean;

  /**
   * @param nodes - node ids or `{ node, weight }`; may be empty (lookups then throw `EMPTY`)
   * @param options - see {@link RendezvousOptions}
   * @throws ShardError `BAD_NODE`, `DUPLICATE_NODE`, `BAD_WEIGHT`, `BAD_OPTION`
   */
  constructor(nodes: Iterable<NodeSpec> = [], options: RendezvousOptions = {}) {
    checkOptions(options);
    super(NodeSet.parse(nodes, true, 'sorted'), options.seed ?? 0);
    const n = this.set.ids.length;
    this.nodeHi = new Int32Array(n);
    this.nodeLo = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      hashKeyInto(this.set.ids[i]!, this.seedHi, this.seedLo, this.out);
      this.nodeHi[i] = this.out.hi;
      this.nodeLo[i] = this.out.lo;
    }
    const w = this.set.weights;
    this.uniform = w.every((x) => x === w[0]);
  }

  // Score of node i for the key hash (kh, kl); higher wins. With equal weights u itself is
  // compared (the logarithm is monotone), saving a Math.log per node.
  private score(i: number, kh: number, kl: number): number {
    const a = fmix32(kh ^ this.nodeHi[i]!);
    const b = fmix32((kl ^ this.nodeLo[i]!) + a);
    // 53 random bits, offset by half a step so that u is never 0 or 1.
    const u = ((a >>> 0) * 2097152 + (b >>> 11) + 0.5) * TWO_M53;
    return this.uniform ? u : this.set.weights[i]! / -Math.log(u);
  }

  /**
   * The node with the highest score for `key`.
   *
   * @throws ShardError `EMPTY`, `BAD_KEY`
   */
  lookup(key: Key): string {
    hashKeyInto(key, this.seedHi, this.seedLo, this.out);
    const n = this.set.ids.length;
    if (n === 0) throw emptyError();
    const kh = this.out.hi, kl = this.out.lo;
    let best = 0;
    let bestScore = -1;
    for (let i = 0; i < n; i++) {
      const s = this.score(i, kh, kl);
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return this.set.ids[best]!;
  }

  /**
   * The `n` highest-scoring nodes for `key`, best first.
   *
   * @throws ShardError `BAD_COUNT`, `BAD_KEY`
   */
  lookupN(key: Key, n: number): string[] {
    hashKeyInto(key, this.seedHi, this.seedLo, this.out);
    const size = this.set.ids.length;
    checkCount(n, size);
    const kh = this.out.hi, kl = this.out.lo;
    // Insertion into a short sorted list: n is small for replicas.
    const idx: number[] = [];
    const sc: number[] = [];
    for (let i = 0; i < size; i++) {
      const s = this.score(i, kh, kl);
      if (idx.length === n && (n === 0 || s <= sc[n - 1]!)) continue;
      let p = idx.length === n ? n - 1 : idx.length;
      while (p > 0 && sc[p - 1]! < s) {
        sc[p] = sc[p - 1]!;
        idx[p] = idx[p - 1]!;
        p--;
      }
      sc[p] = s;
      idx[p] = i;
    }
    return idx.map((i) => this.set.ids[i]!);
  }

  /**
   * A placement with `node` added.
   *
   * @param weight - @defaultValue 1
   * @throws ShardError `DUPLICATE_NODE`, `BAD_NODE`, `BAD_WEIGHT`
   */
  withNode(node: string, weight?: number): Rendezvous {
    return new Rendezvous(this.set.plus(node, weight, true), { seed: this.seed });
  }

  /** A placement without `node`. @throws ShardError `UNKNOWN_NODE` */
  withoutNode(node: string): Rendezvous {
    return new Rendezvous(this.set.minus(node), { seed: this.seed });
  }
}
