// Quality per trace: @chorus/jitter with default options against the hindsight-best fixed delay
// (at the same late loss and at a 1% budget) and plain fixed buffers of 20-200 ms.
import { fixedBuffer, oracleFixedDelay, simulate } from '@chorus/jitter/sim';
import type { BenchContext } from '../harness/suite.js';
import type { NamedTrace } from './traces.js';

const FIXED_MS = [20, 40, 60, 100, 150, 200];

export function runQuality(ctx: BenchContext, traces: NamedTrace[]): void {
  let met = 0;
  for (const { name, trace } of traces) {
    const r = simulate(trace);
    const same = oracleFixedDelay(trace, r.lateLossRate);
    const one = oracleFixedDelay(trace, 0.01);
    const ratio = r.meanDelayMs / same.delayMs;
    const rec = (impl: string, metric: string, unit: string, median: number): void => ctx.record({ case: name, impl, metric, unit, median });
    rec('@chorus/jitter', 'mean playout delay', 'ms', r.meanDelayMs);
    rec('@chorus/jitter', 'p95 playout delay', 'ms', r.p95DelayMs);
    rec('@chorus/jitter', 'late loss', '%', 100 * r.lateLossRate);
    rec('@chorus/jitter', 'concealed share', '%', 100 * r.concealedShare);
    // What the network lost: the oracle conceals only this, so the concealed share above it is
    // what the buffer pays (stalls while it waits) for its delay and late loss.
    rec('network', 'network loss', '%', 100 * r.networkLossRate);
    rec('@chorus/jitter', 'stretch share', '%', 100 * r.stretchShare);
    rec('@chorus/jitter', 'mean delay / oracle at equal late loss', 'x', ratio);
    rec('@chorus/jitter', 'mean delay / oracle at 1% budget', 'x', r.meanDelayMs / one.delayMs);
    rec('oracleFixedDelay (same late loss)', 'mean playout delay', 'ms', same.delayMs);
    rec('oracleFixedDelay (same late loss)', 'late loss', '%', 100 * same.lateLossRate);
    rec('oracleFixedDelay (1% budget)', 'mean playout delay', 'ms', one.delayMs);
    rec('oracleFixedDelay (1% budget)', 'late loss', '%', 100 * one.lateLossRate);
    for (const ms of FIXED_MS) {
      const f = fixedBuffer(trace, ms);
      rec(`fixed ${ms} ms buffer`, 'mean playout delay', 'ms', f.delayMs);
      rec(`fixed ${ms} ms buffer`, 'late loss', '%', 100 * f.lateLossRate);
    }
    const ok = r.lateLossRate <= 0.01 && ratio <= 1;
    if (ok) met++;
    ctx.log(
      `${name}: mean ${r.meanDelayMs.toFixed(1)} ms, p95 ${r.p95DelayMs.toFixed(1)} ms, late ${(100 * r.lateLossRate).toFixed(2)}%, ` +
        `concealed ${(100 * r.concealedShare).toFixed(1)}% (network loss ${(100 * r.networkLossRate).toFixed(1)}%), stretched ${(100 * r.stretchShare).toFixed(1)}% | oracle at equal late loss ${same.delayMs.toFixed(1)} ms ` +
        `(ratio ${ratio.toFixed(3)}), oracle at 1% ${one.delayMs.toFixed(1)} ms | goal ${ok ? 'met' : 'MISSED'}`,
    );
  }
  ctx.log(`quality goal (late loss <= 1% and mean delay <= 1.0x oracle at equal late loss): met on ${met} of ${traces.length} traces`);
}
