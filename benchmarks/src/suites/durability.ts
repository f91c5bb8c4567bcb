// pnpm bench durability: the example service's kill drill. Clients send messages, the server is
// killed with SIGKILL at a random moment, restarted, and every message it acknowledged must be
// there with the content that was sent. 100 cycles (10 with --quick). There is no peer: the
// figures are the count of lost messages (the promise is zero) and the restart time.
import { seededRandom as rng } from '@chorus/breaker';
import { bundleServer, killDrill } from '../../../examples/server/test/support/killDrill.js';
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
    const r = await killDrill(cycles, rng(5));
    const c = `${cycles} SIGKILL cycles during sends`;
    const impl = 'chorus example-server (SQLite WAL)';
    ctx.record({ case: c, impl, metric: 'messages acknowledged', unit: 'count', median: r.acknowledged });
    ctx.record({ case: c, impl, metric: 'acknowledged messages lost', unit: 'count', median: r.missing.length });
    ctx.record({ case: c, impl, metric: 'stored messages corrupted', unit: 'count', median: r.corrupt.length });
    ctx.record({ case: c, impl, metric: 'requests cut off by the kill', unit: 'count', median: r.killedInFlight });
    ctx.record({ case: c, impl, metric: 'restart to ready', unit: 'ms', median: quantile(r.restartMs, 0.5), min: Math.min(...r.restartMs), max: Math.max(...r.restartMs), runs: r.restartMs.length });
    ctx.record({ case: c, impl, metric: 'restart to ready p99', unit: 'ms', median: quantile(r.restartMs, 0.99) });
    if (r.missing.length > 0 || r.corrupt.length > 0) {
      throw new Error(`durability broken: ${r.missing.length} acknowledged messages missing, ${r.corrupt.length} corrupted`);
    }
  },
};
