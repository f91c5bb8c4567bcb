import fc from 'fast-check';
import { SocialGraph } from '../src/index.js';
import { NaiveGraph } from './reference.js';

export interface GraphSpec {
  n: number;
  edges: Array<[number, number, number]>;
  memberships: Array<[number, number]>;
  blocks: Array<[number, number]>;
  requests: Array<[number, number]>;
}

const WEIGHTS = [0.5, 1, 1, 2, 3.25, 0.1];

/** Small random social graphs: a few dozen users, weighted friendships, guilds, blocks, requests. */
export const graphSpec: fc.Arbitrary<GraphSpec> = fc.integer({ min: 2, max: 24 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.nat(WEIGHTS.length - 1)), { maxLength: n * 4 }),
    memberships: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(5)), { maxLength: n * 2 }),
    blocks: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 4 }),
    requests: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 4 }),
  }),
);

/** Applies the same valid operations to the real graph and the naive model. */
export function build(spec: GraphSpec): { graph: SocialGraph; naive: NaiveGraph } {
  const graph = new SocialGraph();
  const naive = new NaiveGraph();
  for (const [a, b, wi] of spec.edges) {
    if (a === b || naive.adj.get(a)?.has(b)) continue;
    const w = WEIGHTS[wi]!;
    graph.addFriendship(a, b, { weight: w });
    naive.addFriendship(a, b, w);
  }
  for (const [u, g] of spec.memberships) {
    if (naive.guilds.get(u)?.has(g)) continue;
    graph.addMembership(u, g);
    naive.addMembership(u, g);
  }
  for (const [a, b] of spec.blocks) {
    if (a === b || naive.blocks.has(`${a} ${b}`)) continue;
    graph.block(a, b);
    naive.blocks.add(`${a} ${b}`);
    naive.removeFriendship(a, b);
    naive.requests.delete(`${a} ${b}`);
    naive.requests.delete(`${b} ${a}`);
  }
  for (const [a, b] of spec.requests) {
    const blocked = naive.blocks.has(`${a} ${b}`) || naive.blocks.has(`${b} ${a}`);
    if (a === b || blocked || naive.adj.get(a)?.has(b) || naive.requests.has(`${a} ${b}`) || naive.requests.has(`${b} ${a}`)) continue;
    graph.sendRequest(a, b);
    naive.requests.add(`${a} ${b}`);
  }
  return { graph, naive };
}

/** Every user id the spec can mention. */
export function usersOf(spec: GraphSpec): number[] {
  return Array.from({ length: spec.n }, (_, i) => i);
}
