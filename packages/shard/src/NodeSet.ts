import { ShardError, shown } from './errors.js';
import type { NodeSpec } from './Placement.js';

/**
 * Validated node ids with their weights and an id → index map: the part every scheme shares.
 * Immutable once built.
 */
export class NodeSet {
  readonly ids: readonly string[];
  readonly weights: Float64Array;
  readonly totalWeight: number;
  private readonly index: Map<string, number>;

  private constructor(ids: string[], weights: number[]) {
    this.ids = Object.freeze(ids);
    this.weights = Float64Array.from(weights);
    this.index = new Map(ids.map((id, i) => [id, i]));
    let total = 0;
    for (const w of weights) total += w;
    this.totalWeight = total;
  }

  /**
   * Parses and validates node specs.
   *
   * @param specs - ids or `{ node, weight }` objects
   * @param weighted - false for schemes without weights: any weight other than 1 is refused
   * @param order - 'given' keeps the order; 'sorted' sorts by id so that equal sets give equal placements
   * @throws ShardError `BAD_NODE`, `DUPLICATE_NODE`, `BAD_WEIGHT`
   */
  static parse(specs: Iterable<NodeSpec>, weighted: boolean, order: 'given' | 'sorted'): NodeSet {
    if (specs === null || typeof specs !== 'object' || typeof (specs as Iterable<NodeSpec>)[Symbol.iterator] !== 'function') {
      throw new ShardError('BAD_NODE', 'nodes must be an iterable (e.g. an array) of node ids or { node, weight } objects');
    }
    const pairs: [string, number][] = [];
    const seen = new Set<string>();
    for (const spec of specs) {
      let id: unknown;
      let weight: unknown = 1;
      if (typeof spec === 'string') id = spec;
      else if (spec !== null && typeof spec === 'object') {
        id = (spec as { node?: unknown }).node;
        if ((spec as { weight?: unknown }).weight !== undefined) weight = (spec as { weight?: unknown }).weight;
      }
      NodeSet.checkId(id);
      NodeSet.checkWeight(id, weight, weighted);
      if (seen.has(id)) throw new ShardError('DUPLICATE_NODE', `node "${id}" is listed twice; node ids must be unique`);
      seen.add(id);
      pairs.push([id, weight]);
    }
    if (order === 'sorted') pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    return new NodeSet(
      pairs.map((p) => p[0]),
      pairs.map((p) => p[1]),
    );
  }

  /** @throws ShardError `BAD_NODE` unless `id` is a non-empty string */
  static checkId(id: unknown): asserts id is string {
    if (typeof id !== 'string' || id.length === 0) {
      throw new ShardError('BAD_NODE', `a node id must be a non-empty string, got ${id === '' ? 'an empty string' : typeof id}`);
    }
  }

  /** @throws ShardError `BAD_WEIGHT` unless `weight` is finite and > 0 (exactly 1 when not `weighted`) */
  static checkWeight(id: string, weight: unknown, weighted: boolean): asserts weight is number {
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) {
      throw new ShardError('BAD_WEIGHT', `node "${id}": a weight must be a finite number > 0, got ${shown(weight)}`);
    }
    if (!weighted && weight !== 1) {
      throw new ShardError('BAD_WEIGHT', `node "${id}": this scheme has no weights (got ${weight}); use Rendezvous, HashRing or Maglev for weighted nodes`);
    }
  }

  /** Index of `id`, or -1. */
  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  /** Weight of `id`. @throws ShardError `UNKNOWN_NODE` */
  weightOf(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new ShardError('UNKNOWN_NODE', `node ${typeof id === 'string' ? JSON.stringify(id.slice(0, 60)) : `of type ${typeof id}`} is not in this placement`);
    return this.weights[i]!;
  }

  /** The specs of a copy with `id` added. @throws ShardError `BAD_NODE`, `DUPLICATE_NODE`, `BAD_WEIGHT` */
  plus(id: string, weight: number | undefined, weighted: boolean): NodeSpec[] {
    NodeSet.checkId(id);
    const w = weight === undefined ? 1 : weight;
    NodeSet.checkWeight(id, w, weighted);
    if (this.index.has(id)) throw new ShardError('DUPLICATE_NODE', `node "${id}" is already in this placement`);
    return [...this.specs(), { node: id, weight: w }];
  }

  /** The specs of a copy without `id`. @throws ShardError `UNKNOWN_NODE` */
  minus(id: string): NodeSpec[] {
    if (typeof id !== 'string' || !this.index.has(id)) {
      throw new ShardError('UNKNOWN_NODE', `node ${typeof id === 'string' ? JSON.stringify(id.slice(0, 60)) : `of type ${typeof id}`} is not in this placement, so it cannot be removed`);
    }
    return this.specs().filter((s) => s.node !== id);
  }

  /** All nodes as `{ node, weight }`. */
  specs(): { node: string; weight: number }[] {
    return this.ids.map((node, i) => ({ node, weight: this.weights[i]! }));
  }
}

/**
 * @throws ShardError `EMPTY` when there are no nodes, `BAD_COUNT` unless n is an integer in [0, size]
 */
export function checkCount(n: number, size: number): void {
  if (!Number.isInteger(n) || n < 0 || n > size) {
    throw new ShardError(
      'BAD_COUNT',
      `lookupN needs an integer count from 0 to the number of nodes (${size}), got ${shown(n)}; ask for at most ${size} replicas or add nodes`,
    );
  }
}

/** @throws ShardError `EMPTY` */
export function emptyError(): ShardError {
  return new ShardError('EMPTY', 'this placement has no nodes; add one with withNode() before looking keys up');
}

/**
 * @throws ShardError `BAD_OPTION` unless `options` is an object; returns it
 */
export function checkOptions<T extends object>(options: T): T {
  if (options === null || typeof options !== 'object') {
    throw new ShardError('BAD_OPTION', `options must be an object (or left out), got ${options === null ? 'null' : typeof options}`);
  }
  return options;
}
