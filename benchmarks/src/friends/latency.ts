import { performance } from 'node:perf_hooks';
import { quantile } from '../harness/stats.js';
import type { Measurement } from '../harness/suite.js';

let sink: unknown;

/**
 * Per-user latency of `query` in microseconds: p50, p99 and mean over users.
 *
 * This machine is shared by many processes on 2 cores, so a single timing can include a
 * multi-millisecond preemption that has nothing to do with the query. Each user is therefore
 * timed in `passes` separate passes over all users (so caches are not kept warm for it) and its
 * fastest pass counts; `p99 single pass` keeps the raw first-pass figure for comparison.
 */
export function latencies(users: readonly number[], query: (u: number) => unknown, passes: number): Measurement[] {
  const best = new Array<number>(users.length).fill(Number.POSITIVE_INFINITY);
  const first = new Array<number>(users.length);
  for (let p = 0; p < passes; p++) {
    for (let i = 0; i < users.length; i++) {
      const t0 = performance.now();
      sink = query(users[i]!);
      const us = (performance.now() - t0) * 1000;
      if (p === 0) first[i] = us;
      if (us < best[i]!) best[i] = us;
    }
  }
  if (sink === Symbol.for('never')) console.log(sink);
  return [
    { metric: 'p50', unit: 'µs', value: quantile(best, 0.5) },
    { metric: 'p99', unit: 'µs', value: quantile(best, 0.99) },
    { metric: 'mean', unit: 'µs', value: best.reduce((s, t) => s + t, 0) / best.length },
    { metric: 'p99 single pass', unit: 'µs', value: quantile(first, 0.99) },
  ];
}
