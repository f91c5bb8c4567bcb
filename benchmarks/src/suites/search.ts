// Benchmark `search`: @chorus/search against MiniSearch, FlexSearch, lunr and Orama on chat
// messages (first 200,000 #ubuntu IRC messages + 5,560 Russian tweets; --quick: 20,000 + 2,000):
// build time and retained heap, AND top-10 query latency (p50/p99), remove and update rates,
// snapshot size and load time; ranking quality (nDCG@10, MAP) on judged Cranfield queries
// against MiniSearch and a plain reference BM25.
import { SearchIndex } from '@chorus/search';
import MiniSearch from 'minisearch';
import { performance } from 'node:perf_hooks';
import { quantile } from '../harness/stats.js';
import type { BenchContext, Measurement, Suite } from '../harness/suite.js';
import { averagePrecision, loadCranfield, ndcgAt, referenceBm25 } from '../search/cranfield.js';
import { generateChat, loadChat, sampleQueries, type ChatDoc } from '../search/corpus.js';
import { allPeers, type Engine, type Peer } from '../search/peers.js';

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();
const heapNow = (): number => {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/** Builds and returns [build time, retained heap]; the engine is kept for the later cases. */
async function buildOnce(peer: Peer, docs: readonly ChatDoc[], keep: Map<string, Engine>): Promise<Measurement[]> {
  keep.delete(peer.name);
  const before = heapNow();
  const t0 = performance.now();
  const engine = await peer.build(docs);
  const ms = performance.now() - t0;
  const bytes = heapNow() - before;
  keep.set(peer.name, engine);
  return [
    { metric: 'build time', unit: 'ms', value: ms },
    { metric: 'heap', unit: 'MB', value: bytes / 1e6 },
  ];
}

/** One pass over the queries (a prefix of them for slow engines, within `budgetMs`). */
async function queryPass(engine: Engine, queries: readonly string[], budgetMs: number): Promise<Measurement[]> {
  const lat: number[] = [];
  let answered = 0;
  const start = performance.now();
  for (const q of queries) {
    const t0 = performance.now();
    const r = await engine.query(q);
    const t1 = performance.now();
    lat.push((t1 - t0) * 1000);
    if (r.length > 0) answered++;
    if (t1 - start > budgetMs && lat.length >= 50) break;
  }
  return [
    { metric: 'query p50', unit: 'µs', value: quantile(lat, 0.5) },
    { metric: 'query p99', unit: 'µs', value: quantile(lat, 0.99) },
    { metric: 'queries answered', unit: 'ratio', value: answered / lat.length },
    { metric: 'queries timed', unit: 'count', value: lat.length },
  ];
}

/** Removes (or updates) a window of documents, timed, then restores them untimed. */
async function churn(engine: Engine, docs: readonly ChatDoc[], from: number, count: number, budgetMs: number): Promise<Measurement[]> {
  const out: Measurement[] = [];
  const batch = docs.slice(from, from + count);
  if (engine.remove !== undefined && engine.add !== undefined) {
    let done = 0;
    const t0 = performance.now();
    for (const d of batch) {
      await engine.remove(d);
      done++;
      if (performance.now() - t0 > budgetMs) break;
    }
    const rate = done / ((performance.now() - t0) / 1000);
    for (const d of batch.slice(0, done)) await engine.add(d);
    out.push({ metric: 'remove rate', unit: 'docs/s', value: rate });
  }
  if (engine.update !== undefined) {
    let done = 0;
    const t0 = performance.now();
    for (let i = 0; i < batch.length; i++) {
      // New text: another message's, so that postings really change.
      await engine.update(batch[i]!, docs[(from + i + 7919) % docs.length]!.text);
      done++;
      if (performance.now() - t0 > budgetMs) break;
    }
    out.push({ metric: 'update rate', unit: 'docs/s', value: done / ((performance.now() - t0) / 1000) });
  }
  return out;
}

async function quality(ctx: BenchContext): Promise<void> {
  const dir = ctx.realData('ir-test-collections');
  if (dir === undefined) {
    ctx.log('note: ../shared/data/ir-test-collections is missing; ranking quality is not measured');
    return;
  }
  const cran = loadCranfield(`${dir}/cranfield`);
  // Quotes and minus signs are query syntax for @chorus/search; the reference ignores them.
  const clean = (q: string): string => q.replace(/["-]/g, ' ');
  const ours = new SearchIndex({ fields: ['text'], maxQueryTerms: 256, maxQueryLength: 4000 });
  const oursPlain = new SearchIndex({ fields: ['text'], maxQueryTerms: 256, maxQueryLength: 4000, tokenizer: { stem: false } });
  for (const d of cran.docs) {
    ours.add(d.id, d);
    oursPlain.add(d.id, d);
  }
  const mini = new MiniSearch<{ id: number; text: string }>({ fields: ['text'] });
  mini.addAll(cran.docs);
  const ref = referenceBm25(cran.docs);
  const K = 1000;
  const systems: [string, (q: string) => number[]][] = [
    ['@chorus/search', (q) => ours.search(clean(q), { mode: 'or', limit: K }).map((h) => h.id as number)],
    ['@chorus/search (no stemming)', (q) => oursPlain.search(clean(q), { mode: 'or', limit: K }).map((h) => h.id as number)],
    ['minisearch', (q) => mini.search(q).slice(0, K).map((h) => h.id as number)],
    ['reference BM25', (q) => ref(q, K)],
  ];
  for (const [impl, run] of systems) {
    let ndcg = 0;
    let map = 0;
    cran.queries.forEach((q, i) => {
      const ranked = run(q);
      ndcg += ndcgAt(ranked, cran.qrels[i]!, 10);
      map += averagePrecision(ranked, cran.qrels[i]!);
    });
    const n = cran.queries.length;
    ctx.record({ case: `Cranfield ${n} queries (OR, top ${K})`, impl, metric: 'nDCG@10', unit: 'ratio', median: ndcg / n });
    ctx.record({ case: `Cranfield ${n} queries (OR, top ${K})`, impl, metric: 'MAP', unit: 'ratio', median: map / n });
  }
}

export const suite: Suite = {
  name: 'search',
  title: 'full-text search: @chorus/search vs MiniSearch, FlexSearch, lunr, Orama',
  async run(ctx) {
    const started = performance.now();
    const english = ctx.quick ? 20_000 : 200_000;
    const russian = ctx.quick ? 2_000 : 5_560;
    const dir = ctx.realData('chat-text');
    let docs: ChatDoc[];
    if (dir !== undefined) docs = loadChat(dir, english, russian);
    else {
      docs = generateChat(english + russian, 1);
      ctx.useGenerated(`${docs.length} Zipf-distributed messages`);
    }
    const label = `${docs.length} chat messages${ctx.quick ? ' (quick slice)' : ''}`;
    ctx.log(`corpus: ${label}`);
    const engines = new Map<string, Engine>();
    const fast = allPeers.filter((p) => p.name !== 'lunr' && p.name !== 'orama');
    const slow = allPeers.filter((p) => p.name === 'lunr' || p.name === 'orama');
    // lunr and Orama take several times longer to build: one measured build each.
    await ctx.compare({
      case: `build ${label}`,
      runs: 3,
      warmup: 0,
      contenders: fast.map((p) => ({ impl: p.name, measure: () => buildOnce(p, docs, engines) })),
    });
    await ctx.compare({
      case: `build ${label}`,
      runs: 1,
      warmup: 0,
      contenders: slow.map((p) => ({ impl: p.name, measure: () => buildOnce(p, docs, engines) })),
    });

    const queries = sampleQueries(docs, ctx.quick ? 300 : 2000, 42);
    const budget = ctx.quick ? 1000 : 2500;
    await ctx.compare({
      case: `AND query, top 10, ${queries.length} sampled 1-3 word queries`,
      runs: ctx.quick ? 3 : 5,
      warmup: 1,
      contenders: allPeers.map((p) => ({ impl: p.name, measure: () => queryPass(engines.get(p.name)!, queries, budget) })),
    });

    const batch = ctx.quick ? 1000 : 5000;
    const windows = new Map<string, number>();
    await ctx.compare({
      case: `remove / update batches of ${batch}`,
      runs: 3,
      warmup: 1,
      contenders: allPeers
        .filter((p) => engines.get(p.name)!.update !== undefined)
        .map((p) => ({
          impl: p.name,
          measure: () => {
            // Each round churns a fresh window of documents.
            const w = windows.get(p.name) ?? 0;
            windows.set(p.name, w + 1);
            return churn(engines.get(p.name)!, docs, (w * batch) % (docs.length - batch), batch, ctx.quick ? 400 : 1500);
          },
        })),
    });

    // Removes and updates leave tombstones; past 25% of slots the next change compacts. Its time
    // divided by the tombstones it drops is the amortised cost to add to each remove or update.
    const ours = engines.get('@chorus/search')!;
    const t0 = performance.now();
    ours.compact!();
    ctx.record({ case: `compaction of ${label}`, impl: '@chorus/search', metric: 'compact time', unit: 'ms', median: performance.now() - t0 });

    await ctx.compare({
      case: `snapshot of ${label}`,
      runs: 2,
      warmup: 0,
      contenders: allPeers
        .filter((p) => engines.get(p.name)!.snapshot !== undefined)
        .map((p) => ({
          impl: p.name,
          measure: () => {
            const t0 = performance.now();
            const snap = engines.get(p.name)!.snapshot!();
            const t1 = performance.now();
            snap.load();
            const t2 = performance.now();
            return [
              { metric: 'snapshot size', unit: 'MB', value: snap.bytes / 1e6 },
              { metric: 'save time', unit: 'ms', value: t1 - t0 },
              { metric: 'load time', unit: 'ms', value: t2 - t1 },
            ];
          },
        })),
    });
    engines.clear();
    await quality(ctx);
    ctx.log(`search suite ran for ${((performance.now() - started) / 1000).toFixed(1)} s`);
  },
};
