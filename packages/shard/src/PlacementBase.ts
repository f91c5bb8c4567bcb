import type { NodeSet } from './NodeSet.js';
import { seedHalves, type Hash64 } from './xxHash64.js';

/**
 * The part every node-set placement shares: ids, count, presence, weights and the hash seed.
 * Subclasses add the algorithm.
 *
 * @example
 * ```ts
 * const p: PlacementBase = new JumpHash(['a', 'b']);
 * p.size; // 2
 * ```
 */
export abstract class PlacementBase {
  /** The 64-bit seed of the key and node hashes. */
  readonly seed: bigint;
  /** @internal The validated nodes. */
  protected readonly set: NodeSet;
  /** @internal High half of the seed. */
  protected readonly seedHi: number;
  /** @internal Low half of the seed. */
  protected readonly seedLo: number;
  /** @internal Scratch output of the key hash (lookups are synchronous, so one per placement). */
  protected readonly out: Hash64 = { hi: 0, lo: 0 };

  /**
   * @internal
   * @param set - validated nodes, in the order the scheme numbers them
   * @param seed - non-negative safe integer or bigint below 2^64
   * @throws ShardError `BAD_OPTION` for a bad seed
   */
  protected constructor(set: NodeSet, seed: number | bigint) {
    this.set = set;
    const s = seedHalves(seed);
    this.seedHi = s.hi;
    this.seedLo = s.lo;
    this.seed = (BigInt(s.hi) << 32n) | BigInt(s.lo);
  }

  /** Node ids, in the order the scheme numbers them (sorted by id unless the scheme says otherwise). */
  get nodes(): readonly string[] {
    return this.set.ids;
  }

  /** Number of nodes. */
  get size(): number {
    return this.set.ids.length;
  }

  /** Whether `node` is here. */
  has(node: string): boolean {
    return this.set.indexOf(node) >= 0;
  }

  /**
   * The weight `node` was added with.
   *
   * @throws ShardError `UNKNOWN_NODE`
   */
  weightOf(node: string): number {
    return this.set.weightOf(node);
  }
}
