import { performance } from 'node:perf_hooks';
import { SocialGraph } from '@chorus/friends';
import { retainedBytes } from '../harness/measure.js';
import type { Measurement } from '../harness/suite.js';
import type { Edges } from './powerLaw.js';

/** A SocialGraph holding `edges` (numeric ids). */
export function buildSocialGraph(edges: Edges): SocialGraph {
  const g = new SocialGraph();
  const { src, dst } = edges;
  for (let i = 0; i < src.length; i++) g.addFriendship(src[i]!, dst[i]!);
  return g;
}

/**
 * Builds a graph once, reporting the insert rate (million edges per second, of this process's
 * CPU time and of wall time: on this shared machine wall time includes waiting for a core) and
 * the heap it retains per edge (after forced GCs; includes ids, nodes and slack).
 */
export function measureBuild(edges: Edges, build: (edges: Edges) => unknown): Measurement[] {
  let ms = 0;
  let cpuMs = 0;
  // The harness keeps the last measured object alive; drop the previous contender's graph first,
  // or its hundreds of MB would be marked by every GC of this build and bill it for them.
  retainedBytes(() => undefined);
  const bytes = retainedBytes(() => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const g = build(edges);
    const c = process.cpuUsage(c0);
    cpuMs = (c.user + c.system) / 1000;
    ms = performance.now() - t0;
    return g;
  });
  const n = edges.src.length;
  return [
    { metric: 'insert rate (CPU time)', unit: 'M edges/s', value: n / cpuMs / 1000 },
    { metric: 'insert rate (wall time)', unit: 'M edges/s', value: n / ms / 1000 },
    { metric: 'memory', unit: 'B/edge', value: bytes / n },
  ];
}
