import { BoundedLoad } from '@chorus/shard';
import type { Built } from './contenders.js';

/** Result of replaying a request stream with a sliding window of live units. */
export interface SkewResult {
  /** Worst hottest-node / mean-load ratio seen at the checkpoints. */
  worst: number;
  /** The same ratio at the end of the stream. */
  final: number;
}

/**
 * Replays `stream` (key indexes into `keys`): each request acquires one unit; once `window`
 * units are live, the oldest request's key first releases one (a session ends as another
 * starts), so exactly `window` units are live at every acquire after warm-up. Checkpoints every
 * `every` requests after the window is full.
 */
export function replayBounded(bl: BoundedLoad, keys: readonly string[], stream: Int32Array, window: number, every: number): SkewResult {
  let worst = 0;
  for (let i = 0; i < stream.length; i++) {
    if (i >= window) bl.release(keys[stream[i - window]!]!);
    bl.acquire(keys[stream[i]!]!);
    if (i >= window && i % every === 0) worst = Math.max(worst, bl.maxOverMean());
  }
  return { worst, final: bl.maxOverMean() };
}

/** The same replay for a placement without load tracking: each unit sits on lookup(key). */
export function replayPlain(p: Built, nodes: readonly string[], keys: readonly string[], stream: Int32Array, window: number, every: number): SkewResult {
  const index = new Map(nodes.map((n, i) => [n, i]));
  const owner = new Map<number, number>();
  const load = new Float64Array(nodes.length);
  const ownerOf = (k: number): number => {
    let o = owner.get(k);
    if (o === undefined) {
      o = index.get(p.lookup(keys[k]!))!;
      owner.set(k, o);
    }
    return o;
  };
  const ratio = (): number => {
    let max = 0;
    for (const l of load) max = Math.max(max, l);
    return max / (window / nodes.length);
  };
  let worst = 0;
  for (let i = 0; i < stream.length; i++) {
    if (i >= window) load[ownerOf(stream[i - window]!)]!--;
    load[ownerOf(stream[i]!)]!++;
    if (i >= window && i % every === 0) worst = Math.max(worst, ratio());
  }
  return { worst, final: ratio() };
}
