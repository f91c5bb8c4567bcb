// Benchmark `simulcast`: @chorus/simulcast's LayerSelector (and BandwidthEstimator in the loop)
// against a naive highest-layer-that-fits selector and a fixed-hysteresis selector, replaying the
// real link traces of ../shared/data/bandwidth; plus allocation speed.
import { prepareTracks } from '@chorus/simulcast';
import { defaultScenario, simulate, type SimResult } from '@chorus/simulcast/sim';
import type { BenchContext, Suite } from '../harness/suite.js';
import { runQuality } from '../simulcast/quality.js';
import { runSpeed } from '../simulcast/speed.js';
import { loadTraces, type NamedTrace } from '../simulcast/traces.js';

/** The delay goal for the estimator-in-the-loop mode, in ms. */
const DELAY_GOAL_MS = 100;

/**
 * The estimator-mode goal (utilisation >= 75% with queueing delay p95 <= 100 ms) asks two things
 * of the estimator and the traffic at once. To tell them apart, LayerSelector is also run in the
 * loop with a perfect estimate (the true capacity of each 1 s window, and 80% of it) instead of
 * the BandwidthEstimator's: what those reach is what an estimator could give at best, with this
 * scenario's frames. Those two know the rest of the current second; the causal variants know only
 * the last 1000 ms of capacity (exactly), which is the most any estimator could know. Each variant
 * also counts the traces whose own p95 meets the delay goal, as the pooled rows quote only the
 * median trace's.
 */
function runEstimateBounds(ctx: BenchContext, traces: readonly NamedTrace[]): void {
  const variants = [
    { impl: '@chorus/simulcast LayerSelector', perfectEstimate: 0 },
    { impl: 'LayerSelector with a perfect estimate (bound)', perfectEstimate: 1 },
    { impl: 'LayerSelector with 80% of capacity as estimate (bound)', perfectEstimate: 0.8 },
    // Causal: the capacity of the last 1000 ms, known exactly; the bounds above know the rest of
    // the current second, which no estimator can.
    { impl: "LayerSelector with the last second's capacity as estimate (causal bound)", perfectEstimate: 1, from: 'last-second' as const },
    { impl: "LayerSelector with 80% of the last second's capacity as estimate (causal bound)", perfectEstimate: 0.8, from: 'last-second' as const },
    { impl: "LayerSelector with 70% of the last second's capacity as estimate (causal bound)", perfectEstimate: 0.7, from: 'last-second' as const },
  ];
  for (const v of variants) {
    let got = 0;
    let could = 0;
    let meeting = 0;
    const p95: number[] = [];
    for (const { trace } of traces) {
      const from = 'from' in v ? v.from : 'window';
      const r: SimResult = simulate(trace, v.perfectEstimate > 0 ? { mode: 'estimator', perfectEstimate: v.perfectEstimate, perfectEstimateFrom: from } : { mode: 'estimator' });
      for (const w of r.windows) {
        const sec = Math.min(1, (r.durationMs - w.startMs) / 1000);
        got += Math.min(w.forwardedBps, w.capacityBps) * sec;
        could += Math.min(w.capacityBps, w.demandBps) * sec;
      }
      const d = r.estimator!.queueDelayP95Ms;
      p95.push(d);
      if (d <= DELAY_GOAL_MS) meeting++;
    }
    const caseName = `estimator: OVERALL (${traces.length} traces)`;
    if (v.perfectEstimate > 0) {
      p95.sort((a, b) => a - b);
      const m = p95.length >> 1;
      const median = p95.length % 2 === 1 ? p95[m]! : (p95[m - 1]! + p95[m]!) / 2;
      ctx.record({ case: caseName, impl: v.impl, metric: 'utilisation', unit: '%', median: (100 * got) / could, runs: traces.length });
      ctx.record({ case: caseName, impl: v.impl, metric: 'queue delay p95 (median of traces)', unit: 'ms', median, min: p95[0]!, max: p95[p95.length - 1]!, runs: traces.length });
    }
    ctx.record({ case: caseName, impl: v.impl, metric: `traces with queue delay p95 <= ${DELAY_GOAL_MS} ms`, unit: '% of traces', median: (100 * meeting) / traces.length, runs: traces.length });
    ctx.log(`estimator / ${v.impl}: ${((100 * got) / could).toFixed(1)}% utilisation, ${meeting}/${traces.length} traces with p95 <= ${DELAY_GOAL_MS} ms`);
  }
}

/**
 * The freeze no audio-first policy can avoid without exceeding capacity: in each 1 s window, audio
 * first, then visible tracks at their cheapest layer, cheapest first, the last one for the share of
 * the window the capacity pays for; the rest must pause. Exact capacity, no keyframes, switching
 * within a window for free: a lower bound for the true-capacity freeze figure. Audio is charged its
 * nominal 40 kbit/s although Opus DTX sends almost nothing in silences; the strict variant
 * charges audio nothing at all, so that no audio-first policy, whatever it knows about speech,
 * can beat it.
 */
function recordFreezeBound(ctx: BenchContext, traces: readonly NamedTrace[]): void {
  const prepared = prepareTracks(defaultScenario().tracks);
  let audio = 0;
  const cheapest: number[] = [];
  for (const t of prepared) {
    if (t.kind === 'audio') audio += t.eligible[t.eligible.length - 1]!.bitrateBps;
    else if (t.visible) cheapest.push(t.eligible[0]!.bitrateBps);
  }
  cheapest.sort((a, b) => a - b);
  const pools = new Map<string, { frozen: number; strict: number; seconds: number; traces: number }>();
  for (const { set, trace } of traces) {
    const ms = trace.bytesPerSlot.length * trace.slotMs;
    for (const key of [set, 'OVERALL']) {
      const p = pools.get(key) ?? { frozen: 0, strict: 0, seconds: 0, traces: 0 };
      pools.set(key, p);
      p.traces++;
      for (let start = 0; start < ms; start += 1000) {
        const end = Math.min(ms, start + 1000);
        let bits = 0;
        for (let t = start; t < end; t++) bits += (trace.bytesPerSlot[Math.floor(t / trace.slotMs)]! * 8) / trace.slotMs;
        const sec = (end - start) / 1000;
        p.frozen += frozenShare(bits / sec - audio, cheapest) * sec;
        p.strict += frozenShare(bits / sec, cheapest) * sec;
        p.seconds += sec;
      }
    }
  }
  for (const [key, p] of pools) {
    const caseName = key === 'OVERALL' ? `true-capacity: OVERALL (${p.traces} traces)` : `true-capacity: all ${key} (${p.traces} traces)`;
    ctx.record({ case: caseName, impl: 'lower bound (no audio-first policy within capacity freezes less)', metric: 'freeze', unit: '% of time', median: (100 * p.frozen) / p.seconds, runs: p.traces });
    ctx.record({ case: caseName, impl: 'strict lower bound (audio free)', metric: 'freeze', unit: '% of time', median: (100 * p.strict) / p.seconds, runs: p.traces });
  }
}

/** The share of the visible tracks that must freeze when `bps` pays for their cheapest layers, cheapest first, fractionally. */
function frozenShare(bps: number, cheapest: readonly number[]): number {
  let left = bps;
  let shown = 0;
  for (const c of cheapest) {
    if (left <= 0) break;
    shown += Math.min(1, left / c);
    left -= c;
  }
  return (cheapest.length - shown) / cheapest.length;
}

export const suite: Suite = {
  name: 'simulcast',
  title: 'simulcast layer selection and bandwidth estimation on real link traces, vs naive and fixed-hysteresis selectors',
  async run(ctx: BenchContext): Promise<void> {
    await runSpeed(ctx);
    const traces = loadTraces(ctx);
    runQuality(ctx, traces);
    recordFreezeBound(ctx, traces);
    runEstimateBounds(ctx, traces);
  },
};
