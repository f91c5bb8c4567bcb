// The peer: what a team would write today on graphology, the most used JavaScript graph library,
// which has no node-similarity or link-prediction function: a friends-of-friends loop with
// resource-allocation scores in a Map, then a sort.
import { UndirectedGraph } from 'graphology';

export type PeerGraph = UndirectedGraph;

/** An undirected graphology graph from edge arrays (mergeEdge creates missing nodes). */
export function buildGraphology(src: Int32Array, dst: Int32Array): PeerGraph {
  const g = new UndirectedGraph({ multi: false, allowSelfLoops: false });
  for (let i = 0; i < src.length; i++) g.mergeEdge(src[i]!, dst[i]!);
  return g;
}

/** Top-k resource-allocation suggestions for `u`, excluding `u` and its friends. */
export function graphologyRecommend(g: PeerGraph, u: string, k: number): string[] {
  if (!g.hasNode(u)) return [];
  const friends = new Set(g.neighbors(u));
  const scores = new Map<string, number>();
  for (const z of friends) {
    const share = 1 / g.degree(z);
    g.forEachNeighbor(z, (c: string) => {
      if (c === u || friends.has(c)) return;
      scores.set(c, (scores.get(c) ?? 0) + share);
    });
  }
  return [...scores]
    .sort((a, b) => b[1] - a[1])
    .slice(0, k)
    .map(([c]) => c);
}
