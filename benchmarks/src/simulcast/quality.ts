// Runs every trace through the simulator for each policy and mode and records per-trace (mahimahi)
// and pooled (per data set and overall) figures.
import { simulate, stableSelector, type SimMode, type SimResult, type SimSelector } from '@chorus/simulcast/sim';
import type { BenchContext } from '../harness/suite.js';
import { fixedHysteresisSelector, naiveSelector } from './baselines.js';
import { oracleBound } from './oracle.js';
import type { NamedTrace } from './traces.js';

export const POLICIES: readonly { impl: string; make: () => () => SimSelector }[] = [
  { impl: '@chorus/simulcast LayerSelector', make: () => stableSelector() },
  { impl: 'naive (highest that fits)', make: naiveSelector },
  { impl: 'fixed hysteresis (25%)', make: () => fixedHysteresisSelector(0.25) },
];

/** Sums that pool runs into one figure (time-weighted, as if the traces were played back to back). */
class Pool {
  got = 0;
  could = 0;
  windows = 0;
  over = 0;
  switches = 0;
  spatialSwitches = 0;
  trackMinutes = 0;
  freezeMs = 0;
  visibleMs = 0;
  // The same over windows whose capacity pays for the cheapest allocation (see SimWindow.floorBps).
  feasibleWindows = 0;
  feasibleFreezeMs = 0;
  feasibleVisibleMs = 0;
  feasibleSwitches = 0;
  feasibleTrackMinutes = 0;
  delayP95: number[] = [];
  absErr: number[] = [];
  traces = 0;

  add(r: SimResult): void {
    for (const w of r.windows) {
      const sec = Math.min(1, (r.durationMs - w.startMs) / 1000);
      this.got += Math.min(w.forwardedBps, w.capacityBps) * sec;
      this.could += Math.min(w.capacityBps, w.demandBps) * sec;
      if (w.forwardedBps + w.paddingBps > w.capacityBps * (1 + 1e-9)) this.over++;
      if (w.capacityBps >= w.floorBps) {
        this.feasibleWindows++;
        this.feasibleFreezeMs += w.freezeMs;
        this.feasibleVisibleMs += w.visibleMs;
        this.feasibleSwitches += w.switches;
        this.feasibleTrackMinutes += (sec * r.tracks.filter((t) => t.visible).length) / 60;
      }
    }
    this.windows += r.windows.length;
    for (const t of r.tracks) {
      if (!t.visible) continue;
      this.switches += t.switches;
      this.spatialSwitches += t.spatialSwitches;
      this.trackMinutes += t.visibleMs / 60_000;
      this.freezeMs += t.freezeMs;
      this.visibleMs += t.visibleMs;
    }
    if (r.estimator !== null) {
      this.delayP95.push(r.estimator.queueDelayP95Ms);
      if (Number.isFinite(r.estimator.meanAbsError)) this.absErr.push(r.estimator.meanAbsError);
    }
    this.traces++;
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function recordRun(ctx: BenchContext, caseName: string, impl: string, r: SimResult): void {
  ctx.record({ case: caseName, impl, metric: 'utilisation', unit: '%', median: 100 * r.utilisation });
  ctx.record({ case: caseName, impl, metric: 'overshoot', unit: '% of windows', median: 100 * r.overshoot });
  ctx.record({ case: caseName, impl, metric: 'switches', unit: '/min/track', median: r.switchesPerMinute });
  ctx.record({ case: caseName, impl, metric: 'spatial switches', unit: '/min/track', median: r.spatialSwitchesPerMinute });
  ctx.record({ case: caseName, impl, metric: 'freeze', unit: '% of time', median: 100 * r.freeze });
  if (r.estimator !== null) {
    ctx.record({ case: caseName, impl, metric: 'queue delay p95', unit: 'ms', median: r.estimator.queueDelayP95Ms });
    ctx.record({ case: caseName, impl, metric: 'estimate error', unit: '% of capacity', median: 100 * r.estimator.meanAbsError });
  }
}

function recordPool(ctx: BenchContext, caseName: string, impl: string, p: Pool): void {
  ctx.record({ case: caseName, impl, metric: 'utilisation', unit: '%', median: (100 * p.got) / p.could, runs: p.traces });
  ctx.record({ case: caseName, impl, metric: 'overshoot', unit: '% of windows', median: (100 * p.over) / p.windows, runs: p.traces });
  ctx.record({ case: caseName, impl, metric: 'switches', unit: '/min/track', median: p.switches / p.trackMinutes, runs: p.traces });
  ctx.record({ case: caseName, impl, metric: 'spatial switches', unit: '/min/track', median: p.spatialSwitches / p.trackMinutes, runs: p.traces });
  ctx.record({ case: caseName, impl, metric: 'freeze', unit: '% of time', median: (100 * p.freezeMs) / p.visibleMs, runs: p.traces });
  ctx.record({ case: caseName, impl, metric: 'feasible windows', unit: '% of windows', median: (100 * p.feasibleWindows) / p.windows, runs: p.traces });
  ctx.record({ case: caseName, impl, metric: 'freeze in feasible windows', unit: '% of time', median: (100 * p.feasibleFreezeMs) / Math.max(1, p.feasibleVisibleMs), runs: p.traces });
  ctx.record({ case: caseName, impl, metric: 'switches in feasible windows', unit: '/min/track', median: p.feasibleSwitches / Math.max(1e-9, p.feasibleTrackMinutes), runs: p.traces });
  if (p.delayP95.length > 0) {
    const d = p.delayP95;
    ctx.record({ case: caseName, impl, metric: 'queue delay p95 (median of traces)', unit: 'ms', median: median(d), min: Math.min(...d), max: Math.max(...d), runs: d.length });
    ctx.record({ case: caseName, impl, metric: 'estimate error (median of traces)', unit: '% of capacity', median: 100 * median(p.absErr), runs: p.absErr.length });
  }
}

export function runQuality(ctx: BenchContext, traces: readonly NamedTrace[]): void {
  const caps = new Map<string, number[][]>();
  for (const mode of ['true-capacity', 'estimator'] as const satisfies readonly SimMode[]) {
    for (const policy of POLICIES) {
      const sets = new Map<string, Pool>();
      const all = new Pool();
      for (const { set, trace } of traces) {
        const r = simulate(trace, { mode, selector: policy.make() });
        if (mode === 'true-capacity' && policy === POLICIES[0]) {
          const c = r.windows.map((w) => w.capacityBps);
          for (const k of [set, 'OVERALL']) caps.set(k, [...(caps.get(k) ?? []), c]);
        }
        if (set === 'mahimahi' || set === 'generated') recordRun(ctx, `${mode}: ${trace.name}`, policy.impl, r);
        let p = sets.get(set);
        if (p === undefined) sets.set(set, (p = new Pool()));
        p.add(r);
        all.add(r);
      }
      for (const [set, p] of sets) recordPool(ctx, `${mode}: all ${set} (${p.traces} traces)`, policy.impl, p);
      recordPool(ctx, `${mode}: OVERALL (${all.traces} traces)`, policy.impl, all);
      ctx.log(`${mode} / ${policy.impl}: ${all.traces} traces done`);
    }
  }
  // The offline bound: the best utilisation any policy choosing among the allocator's levels could
  // reach at <= 4 switches/min/track if it knew the future (see oracle.ts).
  for (const [set, list] of caps) {
    const caseName = set === 'OVERALL' ? `true-capacity: OVERALL (${list.length} traces)` : `true-capacity: all ${set} (${list.length} traces)`;
    // Counting every layer change, and counting only spatial ones (temporal changes free).
    for (const count of ['all', 'spatial'] as const) {
      const o = oracleBound(list, 4, count);
      const impl = count === 'all' ? 'offline optimum (bound, knows the future)' : 'offline optimum, spatial switches only (bound, knows the future)';
      const metric = count === 'all' ? 'switches' : 'spatial switches';
      ctx.record({ case: caseName, impl, metric: 'utilisation', unit: '%', median: 100 * o.utilisation, runs: list.length });
      ctx.record({ case: caseName, impl, metric, unit: '/min/track', median: o.switchesPerMinute, runs: list.length });
      ctx.log(`offline bound ${set} (${count}): ${(100 * o.utilisation).toFixed(1)}% at ${o.switchesPerMinute.toFixed(2)} ${metric}/min/track (lambda ${o.lambda})`);
    }
  }
}
