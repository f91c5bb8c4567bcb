// Writes packages/shard/test/fixtures/hashring-vectors.json: placements computed by the npm
// package `hashring` itself, which the unit tests of @chorus/shard's compatible mode replay
// without needing hashring installed.
//   node --import tsx benchmarks/src/shard/hashringVectors.ts
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const HashRingPeer = require('hashring') as new (servers: unknown, algorithm?: string, options?: Record<string, unknown>) => {
  get(key: string): string;
  range(key: string, n: number): string[];
};

/** One configuration and the placements hashring gives for its keys. */
export interface HashringVectorCase {
  name: string;
  nodes: { node: string; weight: number }[];
  vnodes: number;
  pointsPerHash: 1 | 2 | 3 | 4;
  keys: string[];
  owner: string[];
  range3: string[][];
}

/** Builds the vector cases from a live hashring (also used by the benchmark's check). */
export function hashringCases(keysPerCase: number): HashringVectorCase[] {
  const configs: { name: string; nodes: { node: string; weight: number }[]; vnodes: number; pointsPerHash: 1 | 2 | 3 | 4 }[] = [
    { name: 'memcached x 5, defaults', nodes: [1, 2, 3, 4, 5].map((i) => ({ node: `10.0.0.${i}:11211`, weight: 1 })), vnodes: 40, pointsPerHash: 4 },
    { name: 'weighted x 7', nodes: [1, 2, 3, 4, 5, 6, 7].map((i) => ({ node: `cache-${i}.example:6379`, weight: (i % 3) + 1 })), vnodes: 40, pointsPerHash: 4 },
    { name: 'python hash_ring x 4, 3 points per digest', nodes: ['a', 'b', 'c', 'd'].map((n) => ({ node: n, weight: 1 })), vnodes: 40, pointsPerHash: 3 },
    { name: '50 nodes, vnode count 160', nodes: Array.from({ length: 50 }, (_, i) => ({ node: `node-${i}`, weight: 1 })), vnodes: 160, pointsPerHash: 4 },
  ];
  return configs.map((c) => {
    const weights: Record<string, number> = {};
    for (const n of c.nodes) weights[n.node] = n.weight;
    const ring = new HashRingPeer(weights, 'md5', { 'vnode count': c.vnodes, replicas: c.pointsPerHash });
    const keys = Array.from({ length: keysPerCase }, (_, i) => (i % 3 === 0 ? `user:${i}` : i % 3 === 1 ? `guild/${i * 7919}` : `é-${i}-漢`));
    return { ...c, keys, owner: keys.map((k) => ring.get(k)), range3: keys.map((k) => ring.range(k, 3)) };
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const out = new URL('../../../packages/shard/test/fixtures/hashring-vectors.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify({ generatedBy: 'benchmarks/src/shard/hashringVectors.ts', peer: 'hashring@3.2.0', cases: hashringCases(150) })}\n`);
  console.log(`wrote ${out.pathname}`);
}
