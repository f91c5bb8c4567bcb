// pnpm bench durability: the example service's kill drill. Clients send messages, the server is
// killed with SIGKILL at a random moment, restarted, and every message it acknowledged must be
// there with the content that was sent. 100 cycles (10 with --quick). There is no peer: the
// figures are the count of lost messages (the promise is zero) and the restart time.
import { seededRandom as rng } from '@chorus/breaker';
import { bundlePath, bundleServer, killDrill, type DrillResult } from '../../../examples/server/test/support/killDrill.js';
import { connectTestPostgres } from '../../../examples/server/test/support/postgres.js';
import type { BenchContext, Suite } from '../harness/suite.js';

function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
}

export const suite: Suite = {
  name: 'durability',
  title: 'example service kill drill: acknowledged messages lost across SIGKILL restarts (must be 0), restart time',
  async run(ctx: BenchContext): Promise<void> {
    const cycles = ctx.quick ? 10 : 100;
    ctx.useGenerated(`${cycles} SIGKILL cycles, 4 HTTP clients sending short messages, kill after 20-100 ms`);
    await bundleServer();
    const c = `${cycles} SIGKILL cycles during sends`;
    const report = (impl: string, r: DrillResult): void => {
      ctx.record({ case: c, impl, metric: 'messages acknowledged', unit: 'count', median: r.acknowledged });
      ctx.record({ case: c, impl, metric: 'acknowledged messages lost', unit: 'count', median: r.missing.length });
      ctx.record({ case: c, impl, metric: 'stored messages corrupted', unit: 'count', median: r.corrupt.length });
      ctx.record({ case: c, impl, metric: 'requests cut off by the kill', unit: 'count', median: r.killedInFlight });
      ctx.record({ case: c, impl, metric: 'restart to ready', unit: 'ms', median: quantile(r.restartMs, 0.5), min: Math.min(...r.restartMs), max: Math.max(...r.restartMs), runs: r.restartMs.length });
      ctx.record({ case: c, impl, metric: 'restart to ready p99', unit: 'ms', median: quantile(r.restartMs, 0.99) });
      if (r.missing.length > 0 || r.corrupt.length > 0) {
        throw new Error(`${impl}: durability broken: ${r.missing.length} acknowledged messages missing, ${r.corrupt.length} corrupted`);
      }
    };
    report('chorus example-server (SQLite WAL)', await killDrill(cycles, { random: rng(5) }));
    // The same drill on PostgreSQL when a server is reachable (CI starts one; elsewhere it may be absent).
    const pg = await connectTestPostgres();
    if (pg) {
      const bundle = bundlePath('serve-pg-bench');
      await bundleServer(bundle);
      try {
        report('chorus example-server (PostgreSQL)', await killDrill(cycles, { random: rng(5), bundle, env: { CHORUS_DATABASE_URL: pg.url, CHORUS_DATABASE_SCHEMA: pg.freshSchema() } }));
      } finally {
        await pg.dropAll();
      }
    } else ctx.log('note: no PostgreSQL reachable; the PostgreSQL drill is left out');
  },
};
