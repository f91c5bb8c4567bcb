import { seededRandom } from '@chorus/friends/eval';

/** An edge list as two aligned arrays of node ids. */
export interface Edges {
  src: Int32Array;
  dst: Int32Array;
  nodes: number;
}

/**
 * A Barabási–Albert preferential-attachment graph: `n` nodes, each new node linking to `m`
 * distinct earlier nodes chosen with probability proportional to degree. Its degrees follow a
 * power law (exponent ~3), with hubs of a few thousand friends at n = 100 000, m = 10.
 */
export function barabasiAlbert(n: number, m: number, seed: number): Edges {
  const rnd = seededRandom(seed);
  const count = (n - m) * m;
  const src = new Int32Array(count);
  const dst = new Int32Array(count);
  // Every edge endpoint once: sampling an entry uniformly is sampling a node by degree.
  const ends = new Int32Array(2 * count + m);
  let endCount = 0;
  for (let i = 0; i < m; i++) ends[endCount++] = i;
  let e = 0;
  const picked = new Set<number>();
  for (let v = m; v < n; v++) {
    picked.clear();
    while (picked.size < m) picked.add(ends[Math.floor(rnd() * endCount)]!);
    for (const t of picked) {
      src[e] = v;
      dst[e] = t;
      e++;
      ends[endCount++] = v;
      ends[endCount++] = t;
    }
  }
  return { src, dst, nodes: n };
}

/** The two arrays of a parsed edge list. */
export function toArrays(edges: ReadonlyArray<readonly [number, number]>, nodes: number): Edges {
  const src = new Int32Array(edges.length);
  const dst = new Int32Array(edges.length);
  edges.forEach(([a, b], i) => {
    src[i] = a;
    dst[i] = b;
  });
  return { src, dst, nodes };
}

/** `count` distinct node ids drawn with a seeded RNG (all of them when count >= nodes). */
export function sampleNodes(nodes: number, count: number, seed: number): number[] {
  const all = Array.from({ length: nodes }, (_, i) => i);
  const rnd = seededRandom(seed);
  for (let i = nodes - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, Math.min(count, nodes));
}
