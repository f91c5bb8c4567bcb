// Benchmark `friends`: link-prediction quality of every @chorus/friends index on SNAP
// ego-Facebook and email-Eu-core (10% of edges held out, k = 10, against a random baseline), and
// recommend() latency, edge-insert rate and memory per edge against graphology with a
// hand-written friends-of-friends loop, on ego-Facebook and on a generated power-law graph.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SocialGraph } from '@chorus/friends';
import { evaluateLinkPrediction, parseEdgeList, parseLabels, type LinkPredictionOptions } from '@chorus/friends/eval';
import { summarize } from '../harness/stats.js';
import type { BenchContext, Suite } from '../harness/suite.js';
import { buildSocialGraph, measureBuild } from '../friends/build.js';
import { buildGraphology, graphologyRecommend } from '../friends/graphologyPeer.js';
import { latencies } from '../friends/latency.js';
import { barabasiAlbert, sampleNodes, toArrays, type Edges } from '../friends/powerLaw.js';

const K = 10;
const HOLDOUT = 0.1;

type Pairs = Array<[number, number]>;

/** Evaluates over several seeds and records the median of each metric per method. */
function quality(ctx: BenchContext, name: string, edges: Pairs, options: LinkPredictionOptions): void {
  const seeds = ctx.quick ? [1] : [1, 2, 3];
  const samples = new Map<string, number[]>();
  for (const seed of seeds) {
    const report = evaluateLinkPrediction(edges, { ...options, seed, k: K, holdout: HOLDOUT });
    for (const m of report.methods) {
      for (const [metric, value] of [
        ['precision@10', m.precisionAtK],
        ['recall@10', m.recallAtK],
        ['MAP@10', m.map],
        ['AUC', m.auc],
      ] as const) {
        const key = `${m.method}\u0000${metric}`;
        samples.set(key, [...(samples.get(key) ?? []), value]);
      }
    }
  }
  for (const [key, values] of samples) {
    const [impl, metric] = key.split('\u0000') as [string, string];
    ctx.record({ case: name, impl, metric, unit: 'ratio', ...summarize(values), runs: values.length });
  }
}

async function speed(ctx: BenchContext, name: string, edges: Edges, users: number[], peerUsers: number[]): Promise<void> {
  await ctx.compare({
    case: `${name}: build`,
    runs: ctx.quick ? 2 : 5,
    warmup: 1,
    contenders: [
      { impl: '@chorus/friends', measure: () => measureBuild(edges, buildSocialGraph) },
      { impl: 'graphology', measure: () => measureBuild(edges, (e) => buildGraphology(e.src, e.dst)) },
    ],
  });
  const passes = ctx.quick ? 2 : 3;
  const ours = buildSocialGraph(edges);
  const peer = buildGraphology(edges.src, edges.dst);
  await ctx.compare({
    case: `${name}: recommend k=10 (${users.length} users)`,
    contenders: [
      { impl: '@chorus/friends hybrid', measure: () => latencies(users, (u) => ours.recommend(u, { k: K }), passes) },
      {
        impl: '@chorus/friends resource-allocation',
        measure: () => latencies(users, (u) => ours.recommend(u, { k: K, method: 'resource-allocation' }), passes),
      },
    ],
  });
  await ctx.compare({
    case: `${name}: recommend k=10, same users as graphology (${peerUsers.length} users)`,
    contenders: [
      { impl: '@chorus/friends hybrid', measure: () => latencies(peerUsers, (u) => ours.recommend(u, { k: K }), passes) },
      { impl: 'graphology + RA loop', measure: () => latencies(peerUsers, (u) => graphologyRecommend(peer, String(u), K), passes) },
    ],
  });
}

export const suite: Suite = {
  name: 'friends',
  title: 'friend recommendation: link-prediction quality, recommend latency, insert rate, memory per edge',
  async run(ctx) {
    const dir = ctx.realData('social-graph');
    let facebook: { edges: Pairs; nodes: number };
    if (dir !== undefined) {
      facebook = parseEdgeList(readFileSync(join(dir, 'facebook_combined.txt')));
      ctx.log(`ego-Facebook: ${facebook.edges.length} edges, ${facebook.nodes} nodes`);
      quality(ctx, 'quality: ego-Facebook, 10% held out, k=10', facebook.edges, {});

      const email = parseEdgeList(readFileSync(join(dir, 'email-Eu-core.txt')), { directed: true, selfLoops: 'drop' });
      const departments = parseLabels(readFileSync(join(dir, 'email-Eu-core-department-labels.txt')));
      ctx.log(
        `email-Eu-core: ${email.edges.length} undirected pairs from ${email.edges.length + email.merged + email.selfLoops} arcs ` +
          `(${email.merged} reverse/repeat arcs merged, ${email.selfLoops} self-loops dropped), ${departments.labels} departments`,
      );
      quality(ctx, 'quality: email-Eu-core, 10% held out, k=10', email.edges, {});
      quality(ctx, 'quality: email-Eu-core + arc-count weights + departments as guilds', email.edges, {
        weights: email.weights,
        memberships: departments.pairs,
        methods: ['weighted-jaccard', 'adamic-adar', 'resource-allocation', 'hybrid'],
      });
    } else {
      ctx.useGenerated('ego-Facebook missing: a Barabási–Albert graph of 4 039 nodes, m = 22, stands in; no quality figures');
      const g = barabasiAlbert(4039, 22, 7);
      facebook = { edges: Array.from(g.src, (s, i) => [s, g.dst[i]!] as [number, number]), nodes: g.nodes };
    }

    const fb = toArrays(facebook.edges, facebook.nodes);
    const fbUsers = sampleNodes(fb.nodes, ctx.quick ? 500 : fb.nodes, 11);
    await speed(ctx, 'ego-Facebook', fb, fbUsers, fbUsers.slice(0, ctx.quick ? 100 : 1000));

    const n = ctx.quick ? 25_000 : 100_000;
    ctx.useGenerated(`power-law graph: Barabási–Albert, ${n} nodes, m = 10, seed 5`);
    const pl = barabasiAlbert(n, 10, 5);
    const plName = `power-law ${(pl.src.length / 1e6).toFixed(2)} M edges`;
    await speed(ctx, plName, pl, sampleNodes(n, ctx.quick ? 500 : 5000, 13), sampleNodes(n, ctx.quick ? 100 : 500, 17));

    // A hostile shape: one user with 200 000 friends, each with 20 more. recommend() must stay bounded.
    const star = new SocialGraph();
    const fanout = ctx.quick ? 20_000 : 200_000;
    for (let f = 1; f <= fanout; f++) star.addFriendship(0, f);
    for (let f = 1; f <= fanout; f++) {
      for (let j = 0; j < 20; j++) star.addFriendship(f, fanout + 1 + ((f * 20 + j) % (fanout * 5)));
    }
    await ctx.compare({
      case: `star: user with ${fanout} friends, ${fanout * 20} friends-of-friends entries`,
      contenders: [
        {
          impl: '@chorus/friends hybrid',
          measure: () => latencies([0], (u) => star.recommend(u, { k: K }), 3).filter((m) => m.metric === 'p50').map((m) => ({ ...m, metric: 'latency (best of 3)' })),
        },
      ],
    });
  },
};
