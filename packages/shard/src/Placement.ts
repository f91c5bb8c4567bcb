import type { Key } from './key.js';

/** Which algorithm a placement uses, e.g. `new Maglev(['a']).scheme === 'maglev'`. */
export type Scheme = 'ring' | 'jump' | 'rendezvous' | 'maglev' | 'bounded';

/**
 * A node as given to a constructor: its id, or its id with a weight (default 1). A node with
 * weight 2 receives about twice the keys of a node with weight 1.
 *
 * @example
 * ```ts
 * const nodes: NodeSpec[] = ['a', { node: 'b', weight: 2 }];
 * ```
 */
export type NodeSpec = string | { readonly node: string; readonly weight?: number };

/**
 * The interface every scheme implements. Placements are immutable: `withNode` and
 * `withoutNode` return a new placement and leave this one unchanged, so a lookup never sees a
 * half-applied change and `rebalancePlan(before, after)` can compare the two.
 *
 * @example
 * ```ts
 * function owners(p: Placement, keys: string[]): string[] { return keys.map((k) => p.lookup(k)); }
 * ```
 */
export interface Placement {
  /** The algorithm. */
  readonly scheme: Scheme;
  /** Node ids, in the order the scheme numbers them. */
  readonly nodes: readonly string[];
  /** Number of nodes. */
  readonly size: number;
  /** Whether `node` is placed here. */
  has(node: string): boolean;
  /** The weight `node` was added with; throws `UNKNOWN_NODE` for a node that is not here. */
  weightOf(node: string): number;
  /** The node that owns `key`; throws `EMPTY` when there are no nodes. */
  lookup(key: Key): string;
  /** `n` distinct nodes for `key`, the owner first (replicas); throws `BAD_COUNT` unless 0 <= n <= size. */
  lookupN(key: Key, n: number): string[];
  /** A copy with `node` added; throws `DUPLICATE_NODE` when it is already here. */
  withNode(node: string, weight?: number): Placement;
  /** A copy without `node`; throws `UNKNOWN_NODE` when it is not here. */
  withoutNode(node: string): Placement;
}
