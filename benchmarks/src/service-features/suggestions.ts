// Suggestion latency of the example service ("people you may know" through Social: pending
// requests from SQLite, @chorus/friends recommend, profiles from SQLite) against the graphology
// friends-of-friends loop a team would write, and against @chorus/friends alone.
import { performance } from 'node:perf_hooks';
import { quantile } from '../harness/stats.js';
import type { Contender } from '../harness/suite.js';
import { latencies } from '../friends/latency.js';
import { buildGraphology, graphologyRecommend } from '../friends/graphologyPeer.js';
import type { Edges } from '../friends/powerLaw.js';
import { InProcessFanOut, Service } from '../../../examples/server/src/index.js';
import { Social } from '../../../examples/server/src/features/Social.js';
import { SqliteStore } from '../../../examples/server/src/SqliteStore.js';

/** Users in SQLite, friendships in the Social graph (as Social.load would leave them). */
export async function buildSocial(edges: Edges): Promise<{ social: Social; store: SqliteStore; ids: string[] }> {
  const store = new SqliteStore({ file: ':memory:' });
  const service = new Service({ store, fanOut: new InProcessFanOut() });
  const ids = Array.from({ length: edges.nodes }, (_, i) => String(1_000_000 + i));
  for (const [i, id] of ids.entries()) await store.createUser({ id, username: `u${i}`, passwordHash: 'x', nickname: `u${i}`, about: '', presence: 'offline', createdAt: 1 });
  const social = new Social({ service, store: store.features, notify: async () => undefined });
  for (let e = 0; e < edges.src.length; e++) social.graph.addFriendship(ids[edges.src[e]!]!, ids[edges.dst[e]!]!);
  return { social, store, ids };
}

/**
 * The three contenders on the same users.
 * @param users - node numbers to query
 * @param passes - timing passes per user (the fastest counts; see latencies())
 */
export function suggestionContenders(edges: Edges, built: Awaited<ReturnType<typeof buildSocial>>, users: readonly number[], passes: number): Contender[] {
  const g = buildGraphology(edges.src, edges.dst);
  const { social, ids } = built;
  return [
    {
      impl: 'example-server suggestions (SQLite requests + @chorus/friends + profiles)',
      async measure() {
        // As latencies() does for the synchronous contenders: each user's fastest of `passes` passes.
        const best = new Array<number>(users.length).fill(Number.POSITIVE_INFINITY);
        for (let p = 0; p < passes; p++) {
          for (let i = 0; i < users.length; i++) {
            const t0 = performance.now();
            await social.suggestPeople({ userId: ids[users[i]!]!, sessionId: '1' }, 10);
            best[i] = Math.min(best[i]!, (performance.now() - t0) * 1000);
          }
        }
        return [
          { metric: 'p50', unit: 'µs', value: quantile(best, 0.5) },
          { metric: 'p99', unit: 'µs', value: quantile(best, 0.99) },
        ];
      },
    },
    {
      impl: '@chorus/friends recommend alone',
      measure: () => latencies(users, (u) => social.graph.recommend(ids[u]!, { k: 10 }), passes).slice(0, 2),
    },
    {
      impl: 'graphology friends-of-friends (resource allocation)',
      measure: () => latencies(users, (u) => graphologyRecommend(g, String(u), 10), passes).slice(0, 2),
    },
  ];
}
