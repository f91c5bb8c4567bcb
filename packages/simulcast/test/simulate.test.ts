import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulcastError } from '../src/index.js';
import { defaultScenario, simulate, stableSelector, stepTrace, summarise, type SimSelector } from '../src/sim.js';

describe('simulate', () => {
  it('true-capacity: plenty of capacity means top layers, no freeze, no overshoot', () => {
    const r = simulate(stepTrace([{ ms: 20_000, bps: 10e6 }]));
    expect(r.overshoot).toBe(0);
    expect(r.utilisation).toBeGreaterThan(0.95);
    expect(r.freeze).toBeLessThan(0.02);
    const speaker = r.tracks.find((t) => t.id === 'speaker')!;
    expect(speaker.layerMs['S2T2']).toBeGreaterThan(18_000);
    expect(r.windows).toHaveLength(20);
    expect(r.estimator).toBeNull();
  });

  it('recomputes its aggregates from the exposed timeline', () => {
    const r = simulate(stepTrace([{ ms: 10_000, bps: 3e6 }, { ms: 10_000, bps: 8e5 }, { ms: 10_000, bps: 2e6 }]));
    expect(summarise(r.windows, r.tracks, r.durationMs)).toEqual({
      utilisation: r.utilisation,
      overshoot: r.overshoot,
      switchesPerMinute: r.switchesPerMinute,
      spatialSwitchesPerMinute: r.spatialSwitchesPerMinute,
      freeze: r.freeze,
      paused: r.paused,
      feasible: r.feasible,
      freezeFeasible: r.freezeFeasible,
      switchesPerMinuteFeasible: r.switchesPerMinuteFeasible,
    });
    // The per-window counts add up to the per-track ones.
    const sum = (f: (w: (typeof r.windows)[number]) => number): number => r.windows.reduce((n, w) => n + f(w), 0);
    expect(sum((w) => w.freezeMs)).toBe(r.tracks.reduce((n, t) => n + t.freezeMs, 0));
    expect(sum((w) => w.switches)).toBe(r.tracks.reduce((n, t) => n + t.switches, 0));
    expect(sum((w) => w.spatialSwitches)).toBe(r.tracks.reduce((n, t) => n + t.spatialSwitches, 0));
    // Spatial switches are a part of all switches, and the steps of this trace need some of each.
    for (const t of r.tracks) expect(t.spatialSwitches).toBeLessThanOrEqual(t.switches);
    expect(r.spatialSwitchesPerMinute).toBeGreaterThan(0);
    expect(r.spatialSwitchesPerMinute).toBeLessThan(r.switchesPerMinute);
    for (const w of r.windows) expect(w.demandBps).toBeGreaterThan(3.5e6);
  });

  it('counts spatial switches as a part of all switches, per track and per window alike', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ms: fc.integer({ min: 1000, max: 5000 }), bps: fc.integer({ min: 0, max: 6_000_000 }) }), { minLength: 2, maxLength: 5 }), (steps) => {
        const r = simulate(stepTrace(steps));
        const visible = r.tracks.filter((t) => t.visible);
        for (const t of r.tracks) expect(t.spatialSwitches).toBeLessThanOrEqual(t.switches);
        const byWindow = r.windows.reduce((n, w) => n + w.spatialSwitches, 0);
        expect(byWindow).toBe(visible.reduce((n, t) => n + t.spatialSwitches, 0));
        expect(r.spatialSwitchesPerMinute).toBeLessThanOrEqual(r.switchesPerMinute + 1e-9);
        expect(summarise(r.windows, r.tracks, r.durationMs).spatialSwitchesPerMinute).toBe(r.spatialSwitchesPerMinute);
      }),
      { numRuns: 15 },
    );
  });

  it('separates windows too small for the cheapest allocation', () => {
    // 40 k audio + 80 k screen + 3 x 60 k cameras = 300 k is the floor; 200 k cannot pay for it.
    const r = simulate(stepTrace([{ ms: 20_000, bps: 3e6 }, { ms: 20_000, bps: 2e5 }]));
    expect(r.windows[0]!.floorBps).toBe(300_000);
    expect(r.feasible).toBeCloseTo(0.5, 5);
    expect(r.freeze).toBeGreaterThan(0.1);
    expect(r.freezeFeasible).toBeLessThan(r.freeze);
    expect(r.freezeFeasible).toBeLessThan(0.02);
  });

  it('estimator mode: finds a steady link without a standing queue', () => {
    const r = simulate(stepTrace([{ ms: 60_000, bps: 2.5e6 }]), { mode: 'estimator' });
    const e = r.estimator!;
    expect(e.queueDelayP95Ms).toBeLessThan(200);
    expect(e.lossRatio).toBeLessThan(0.01);
    const late = r.windows.slice(30).map((w) => w.estimateBps!);
    expect(late.reduce((a, b) => a + b, 0) / late.length).toBeGreaterThan(1e6);
    expect(r.utilisation).toBeGreaterThan(0.4);
  });

  it('estimator mode with a perfect estimate budgets on the true capacity, without probes', () => {
    const t = stepTrace([{ ms: 20_000, bps: 2e6 }, { ms: 20_000, bps: 1e6 }]);
    const r = simulate(t, { mode: 'estimator', perfectEstimate: 0.8 });
    // Each window's budget is 80% of its capacity, and no probe padding is sent.
    for (const w of r.windows) expect(w.estimateBps).toBeCloseTo(0.8 * w.capacityBps, 3);
    expect(r.windows.every((w) => w.paddingBps === 0)).toBe(true);
    expect(r.overshoot).toBe(0);
    expect(r.utilisation).toBeGreaterThan(0.5);
    expect(() => simulate(t, { mode: 'estimator', perfectEstimate: -1 })).toThrowError(SimulcastError);
    expect(() => simulate(t, { mode: 'estimator', perfectEstimate: Number.NaN })).toThrowError(SimulcastError);
    expect(() => simulate(t, { mode: 'estimator', perfectEstimate: 11 })).toThrowError(SimulcastError);
  });

  it('a causal perfect estimate knows the last second, not the rest of the current one', () => {
    const t = stepTrace([{ ms: 5000, bps: 2e6 }, { ms: 5000, bps: 1e6 }]);
    const clairvoyant = simulate(t, { mode: 'estimator', perfectEstimate: 1 });
    const causal = simulate(t, { mode: 'estimator', perfectEstimate: 1, perfectEstimateFrom: 'last-second' });
    // The window after the step: the clairvoyant budget drops at once, the causal one over 1 s.
    expect(clairvoyant.windows[5]!.estimateBps).toBeCloseTo(1e6, 0);
    expect(causal.windows[5]!.estimateBps).toBeCloseTo(1.55e6, -3);
    expect(causal.windows[7]!.estimateBps).toBeCloseTo(1e6, 0);
    expect(() => simulate(t, { mode: 'estimator', perfectEstimate: 1, perfectEstimateFrom: 'future' as never })).toThrowError(SimulcastError);
  });

  it('gives the policy the estimate less its headroom', () => {
    // Arrange: a policy that forwards nothing (so both runs see the same link) and records budgets.
    const t = stepTrace([{ ms: 10_000, bps: 2e6 }]);
    const budgets = (estimateHeadroom: number): number[] => {
      const seen: number[] = [];
      const recorder = (): SimSelector => ({ select: (_tracks, budget) => (seen.push(budget), []) });
      simulate(t, { mode: 'estimator', selector: recorder, estimateHeadroom });
      return seen;
    };
    // Act
    const full = budgets(0);
    const less = budgets(0.25);
    // Assert
    expect(less).toHaveLength(full.length);
    less.forEach((b, i) => expect(b).toBeCloseTo(0.75 * full[i]!, 6));
    for (const bad of [-0.1, 1, Number.NaN]) expect(() => simulate(t, { mode: 'estimator', estimateHeadroom: bad })).toThrowError(SimulcastError);
  });

  it('sends a probe cluster at its rate with the media leaving the pacer, topped up with padding', () => {
    const t = stepTrace([{ ms: 5000, bps: 2e6 }]);
    const silent = (): SimSelector => ({ select: () => [] });
    // Arrange / Act: the first cluster (at 200 ms, 3x the 300 kbit/s start: 900 kbit/s for 30 ms)
    // with no media at all, and with the default scenario's media flowing.
    const alone = simulate(t, { mode: 'estimator', selector: silent });
    const withMedia = simulate(t, { mode: 'estimator' });
    // Assert: alone, the cluster is all padding, its minimum of 5 packets of 1200 bytes (900 kbit/s
    // for 30 ms is less); with media, media packets count toward it and less padding is needed.
    expect(alone.windows[0]!.paddingBps).toBe(5 * 1200 * 8);
    expect(withMedia.windows[0]!.paddingBps).toBeLessThan(alone.windows[0]!.paddingBps);
    expect(withMedia.windows[0]!.forwardedBps).toBeGreaterThan(0);
  });

  it('is deterministic', () => {
    const t = stepTrace([{ ms: 8000, bps: 1.5e6 }, { ms: 8000, bps: 4e6 }]);
    expect(simulate(t, { mode: 'estimator', seed: 9 })).toEqual(simulate(t, { mode: 'estimator', seed: 9 }));
  });

  it('counts a freeze while a track waits for its keyframe', () => {
    const slow = simulate(stepTrace([{ ms: 30_000, bps: 4e6 }, { ms: 30_000, bps: 6e5 }]), { keyframeDelayMs: 900 });
    const quick = simulate(stepTrace([{ ms: 30_000, bps: 4e6 }, { ms: 30_000, bps: 6e5 }]), { keyframeDelayMs: 10 });
    expect(slow.freeze).toBeGreaterThan(quick.freeze);
    expect(slow.tracks.some((t) => t.waitingKeyframeMs > 0)).toBe(true);
  });

  it('rejects bad options and policies that invent tracks', () => {
    const t = stepTrace([{ ms: 2000, bps: 1e6 }]);
    expect(() => simulate(t, { mode: 'oracle' as never })).toThrowError(SimulcastError);
    expect(() => simulate(t, { tickMs: 0 })).toThrowError(SimulcastError);
    expect(() => simulate(t, { durationMs: Number.NaN })).toThrowError(SimulcastError);
    const liar = (): SimSelector => ({ select: () => [{ id: 'ghost', layer: null }] });
    expect(() => simulate(t, { selector: liar })).toThrowError(expect.objectContaining({ code: 'UNKNOWN_TRACK' }) as Error);
  });

  it('runs the default scenario with any stable-selector tuning', () => {
    const r = simulate(stepTrace([{ ms: 5000, bps: 2e6 }]), { scenario: defaultScenario(), selector: stableSelector({ upgradeHoldMs: 0, minChangeIntervalMs: 0 }) });
    expect(r.tracks.map((t) => t.id)).toEqual(['screen', 'speaker', 'camera-2', 'camera-3']);
  });
});
