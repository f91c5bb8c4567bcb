import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LayerSelector, SimulcastError, prepareTracks, simulcastLadder, type Layer, type TrackInput } from '../src/index.js';
import { tracksArb } from './arbitraries.js';

const camera = simulcastLadder([
  { bitrateBps: 150_000, width: 320, height: 180 },
  { bitrateBps: 500_000, width: 640, height: 360 },
  { bitrateBps: 1_500_000, width: 1280, height: 720 },
]);
const speaker: TrackInput = { id: 'speaker', kind: 'video', layers: camera, viewport: { width: 1280, height: 720 }, speaking: true };

function clocked(options: ConstructorParameters<typeof LayerSelector>[0] = {}): { sel: LayerSelector; clock: { ms: number } } {
  const clock = { ms: 0 };
  return { sel: new LayerSelector({ ...options, now: () => clock.ms }), clock };
}

const cost = (l: Layer | null): number => (l === null ? 0 : l.bitrateBps);

describe('LayerSelector', () => {
  it('downgrades at once, upgrades only after the budget held with margin', () => {
    // (A temporalMargin of 100 turns the temporal fill off, and maxBurstMs 0 the burst cap: this
    // test is about the spatial rules.)
    const { sel, clock } = clocked({ maxBurstMs: 0, upgradeHoldMs: 3000, minChangeIntervalMs: 5000, upgradeMargin: 0.15, headroom: 0, restoreWindowMs: 0, fitMargin: 0, temporalMargin: 100, temporalMinIntervalMs: 0 });
    // A new track is admitted at once at what fits with resume headroom.
    let d = sel.update([speaker], 3_000_000)[0]!;
    expect(d.layer).toMatchObject({ spatial: 2, temporal: 2 });
    expect(d.requestKeyframe).toBe(true);
    // Budget drops: lowered in the same tick; dropping temporal layers needs no keyframe...
    clock.ms = 100;
    d = sel.update([speaker], 600_000)[0]!;
    expect(d.layer).toMatchObject({ spatial: 2, temporal: 0 });
    expect(d.changed).toBe(true);
    expect(d.requestKeyframe).toBe(false);
    // ...a spatial change does.
    d = sel.update([speaker], 400_000)[0]!;
    expect(d.layer).toMatchObject({ spatial: 1, temporal: 1 });
    expect(d.requestKeyframe).toBe(true);
    const low = d.layer;
    // Budget returns: nothing changes until both the hold and the change interval have passed.
    for (clock.ms = 200; clock.ms < 5100; clock.ms += 100) expect(sel.update([speaker], 3_000_000)[0]!.layer).toEqual(low);
    clock.ms = 5100;
    d = sel.update([speaker], 3_000_000)[0]!;
    expect(d.layer).toMatchObject({ spatial: 2, temporal: 2 });
    expect(sel.layerOf('speaker')).toEqual(d.layer);
  });

  it('restores the layer held before a dip once the budget is back, but no higher', () => {
    const { sel, clock } = clocked({ maxBurstMs: 0, upgradeHoldMs: 3000, minChangeIntervalMs: 5000, upgradeMargin: 0.15, headroom: 0, restoreHoldMs: 1000, fitMargin: 0, temporalMargin: 100, temporalMinIntervalMs: 0 });
    expect(sel.update([speaker], 1_300_000)[0]!.layer).toMatchObject({ spatial: 2, temporal: 1 }); // 975 k
    clock.ms = 100;
    expect(sel.update([speaker], 400_000)[0]!.layer).toMatchObject({ spatial: 1, temporal: 1 });
    // The budget must pay for the old layer with margin for a whole second first...
    for (clock.ms = 200; clock.ms <= 1100; clock.ms += 100) expect(sel.update([speaker], 3_000_000)[0]!.layer).toMatchObject({ spatial: 1, temporal: 1 });
    clock.ms = 1200;
    const d = sel.update([speaker], 3_000_000)[0]!;
    // ...then the track returns to S2T1, not to the S2T2 that 3 Mbit/s would pay for.
    expect(d.layer).toMatchObject({ spatial: 2, temporal: 1 });
    expect(d.requestKeyframe).toBe(true);
    // Higher than that only by the ordinary rules: after the change interval.
    for (clock.ms = 1300; clock.ms < 6200; clock.ms += 100) expect(sel.update([speaker], 3_000_000)[0]!.layer).toMatchObject({ spatial: 2, temporal: 1 });
    clock.ms = 6200;
    expect(sel.update([speaker], 3_000_000)[0]!.layer).toMatchObject({ spatial: 2, temporal: 2 });
  });

  it('with a quantile hold, one low budget in a long window does not block an upgrade', () => {
    const run = (upgradeQuantile: number): Layer | null => {
      const { sel, clock } = clocked({ maxBurstMs: 0, upgradeHoldMs: 5000, upgradeQuantile, minChangeIntervalMs: 0, restoreWindowMs: 0, headroom: 0, temporalMargin: 100, temporalMinIntervalMs: 0 });
      sel.update([speaker], 400_000);
      for (clock.ms = 100; clock.ms <= 6000; clock.ms += 100) sel.update([speaker], clock.ms === 3000 ? 200_000 : 3_000_000);
      return sel.layerOf('speaker');
    };
    // Admitted at S1T0 (200 k). The lowest budget of the window (200 k) pays for no step up; its
    // 20th percentile (3 M) does, and the upgrade goes as far as today's budget allows.
    expect(run(0)).toMatchObject({ spatial: 1, temporal: 0 });
    expect(run(0.2)).toMatchObject({ spatial: 2, temporal: 2 });
  });

  it('meets a small dip with one temporal step of one track', () => {
    const cams = ['a', 'b', 'c'].map((id): TrackInput => ({ id, kind: 'video', layers: camera, viewport: { width: 1280, height: 720 } }));
    const { sel, clock } = clocked({ headroom: 0.1 });
    const first = sel.update(cams, 10_000_000);
    const total = first.reduce((n, d) => n + cost(d.layer), 0); // 4.5 M: every track at S2T2
    clock.ms = 100;
    // 5% less: S2T2 -> S2T1 of the last track (saves 525 k) covers it; no keyframe, one change.
    const out = sel.update(cams, total * 0.95);
    expect(out.filter((d) => d.changed)).toHaveLength(1);
    expect(out.some((d) => d.requestKeyframe)).toBe(false);
  });

  it('fills leftover budget with a higher temporal layer before any spatial upgrade', () => {
    const { sel, clock } = clocked({ maxBurstMs: 0, upgradeHoldMs: 4000, minChangeIntervalMs: 8000, upgradeMargin: 0.08, temporalMargin: 0.05, temporalHoldMs: 1000, temporalMinIntervalMs: 2000, fitMargin: 0, restoreWindowMs: 0 });
    // Admitted at S1T0 (200 k of a 250 k budget; S1T1 costs 325 k).
    expect(sel.update([speaker], 250_000)[0]!.layer).toMatchObject({ spatial: 1, temporal: 0 });
    // The budget rises to 1.2 M. Before temporalMinIntervalMs nothing moves...
    for (clock.ms = 100; clock.ms < 2000; clock.ms += 100) expect(sel.update([speaker], 1_200_000)[0]!.changed).toBe(false);
    // ...then the frame rate rises within S1 (500 k fits 1.2 M / 1.05), without a keyframe...
    clock.ms = 2000;
    const d = sel.update([speaker], 1_200_000)[0]!;
    expect(d.layer).toMatchObject({ spatial: 1, temporal: 2 });
    expect(d.requestKeyframe).toBe(false);
    // ...and the resolution only after the spatial interval (S2T0 600 k; S2T1 975 k fits 1.2 M / 1.08).
    for (clock.ms = 2100; clock.ms < 8000; clock.ms += 100) expect(sel.update([speaker], 1_200_000)[0]!.layer).toMatchObject({ spatial: 1, temporal: 2 });
    clock.ms = 8000;
    const up = sel.update([speaker], 1_200_000)[0]!;
    expect(up.layer).toMatchObject({ spatial: 2, temporal: 1 });
    expect(up.requestKeyframe).toBe(true);
  });

  it('meets a dip with temporal steps of several tracks rather than a spatial step', () => {
    const cams = ['a', 'b'].map((id): TrackInput => ({ id, kind: 'video', layers: camera, viewport: { width: 1280, height: 720 } }));
    const { sel, clock } = clocked({ headroom: 0.1, fitMargin: 0 });
    sel.update(cams, 10_000_000); // both at S2T2: 3 M
    clock.ms = 100;
    // 2 M (1.9 M with half the headroom): the last track's temporal layers alone save at most
    // 900 k (S2T2 -> S2T0), so the first one drops a temporal layer too. A spatial step of one
    // track (S2T2 -> S1T2 saves 1 M) would be enough as well, but needs a keyframe.
    const out = sel.update(cams, 2_000_000);
    expect(out.map((d) => d.layer)).toMatchObject([
      { spatial: 2, temporal: 1 },
      { spatial: 2, temporal: 0 },
    ]);
    expect(out.some((d) => d.requestKeyframe)).toBe(false);
  });

  it('counts a total within fitMargin of the budget as over it', () => {
    const run = (fitMargin: number): Layer | null => {
      const { sel, clock } = clocked({ fitMargin, headroom: 0.1 });
      sel.update([speaker], 3_000_000);
      clock.ms = 100;
      // S2T2 (1.5 M) against 1.52 M: it fits, but by less than 4%.
      return sel.update([speaker], 1_520_000)[0]!.layer;
    };
    expect(run(0)).toMatchObject({ spatial: 2, temporal: 2 });
    expect(run(0.04)).toMatchObject({ spatial: 2, temporal: 1 });
    expect(() => new LayerSelector({ fitMargin: 1 })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTION' }) as Error);
    expect(() => new LayerSelector({ temporalHoldMs: -5 })).toThrowError(SimulcastError);
  });

  it('leaves headroom for keyframes when it must downgrade', () => {
    const { sel, clock } = clocked({ headroom: 0.2 });
    sel.update([speaker], 3_000_000);
    clock.ms = 100;
    // 1.5 M no longer fits 1.4 M; with 20% headroom the goal is 1.12 M, so S2T1 (975 k).
    expect(sel.update([speaker], 1_400_000)[0]!.layer).toMatchObject({ spatial: 2, temporal: 1 });
    expect(() => new LayerSelector({ headroom: 1 })).toThrowError(SimulcastError);
  });

  it('needs the margin: a budget just above the next layer does not upgrade', () => {
    const { sel, clock } = clocked({ upgradeHoldMs: 0, minChangeIntervalMs: 0, upgradeMargin: 0.2 });
    sel.update([speaker], 200_000);
    clock.ms = 1000;
    const d = sel.update([speaker], 1_550_000)[0]!; // top layer costs 1.5 M: fits, but not with 20% margin
    expect(d.layer!.bitrateBps).toBeLessThan(1_500_000);
  });

  it('pauses hidden tracks at once and resumes only with headroom', () => {
    const { sel, clock } = clocked({ resumeMargin: 0.5, resumeHoldMs: 1000 });
    sel.update([speaker], 2_000_000);
    clock.ms = 100;
    expect(sel.update([{ ...speaker, viewport: null }], 2_000_000)[0]!.layer).toBeNull();
    clock.ms = 200;
    // Cheapest layer costs 60 kbit/s; 80 kbit/s is not 50% headroom.
    expect(sel.update([speaker], 80_000)[0]!.layer).toBeNull();
    clock.ms = 300;
    sel.update([speaker], 200_000);
    clock.ms = 1300;
    const d = sel.update([speaker], 200_000)[0]!;
    expect(d.layer).not.toBeNull();
    expect(d.requestKeyframe).toBe(true);
  });

  it('forgets tracks that are gone and throws UNKNOWN_TRACK for them', () => {
    const { sel } = clocked();
    sel.update([speaker], 1e6);
    sel.update([], 1e6);
    expect(() => sel.layerOf('speaker')).toThrowError(expect.objectContaining({ code: 'UNKNOWN_TRACK' }) as Error);
  });

  it('rejects bad options and budgets', () => {
    expect(() => new LayerSelector({ upgradeMargin: -1 })).toThrowError(SimulcastError);
    expect(() => new LayerSelector({ minChangeIntervalMs: Number.NaN })).toThrowError(SimulcastError);
    expect(() => new LayerSelector({ upgradeQuantile: 1 })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTION' }) as Error);
    expect(() => new LayerSelector({ restoreHoldMs: -1 })).toThrowError(SimulcastError);
    expect(() => new LayerSelector({ restoreWindowMs: Number.POSITIVE_INFINITY })).toThrowError(SimulcastError);
    expect(() => new LayerSelector({ now: 5 as unknown as () => number })).toThrowError(SimulcastError);
    expect(() => new LayerSelector({ maxBurstMs: -1 })).toThrowError(expect.objectContaining({ code: 'INVALID_OPTION' }) as Error);
    expect(() => new LayerSelector({ maxBurstMs: Number.NaN })).toThrowError(SimulcastError);
    expect(() => clocked().sel.update([speaker], Number.NaN)).toThrowError(SimulcastError);
  });

  it('keeps spatial layers whose base frames would take longer than maxBurstMs at the budget off the link', () => {
    // The camera's S2 base layer (T0) is 600 kbit/s at 7.5 fps: 80 kbit frames. At 1.2 Mbit/s they
    // take 67 ms, more than 60 ms: S1 at its full frame rate instead (500 k, 27 kbit base frames).
    const { sel, clock } = clocked({ maxBurstMs: 60 });
    expect(sel.update([speaker], 1_200_000)[0]!.layer).toMatchObject({ spatial: 1, temporal: 2 });
    // A fresh selector at 1.5 Mbit/s (53 ms per 80 kbit frame) may take S2.
    expect(clocked({ maxBurstMs: 60 }).sel.update([speaker], 1_500_000)[0]!.layer).toMatchObject({ spatial: 2 });
    // Without the cap, 1.2 Mbit/s pays for S2T1 (975 k).
    expect(clocked({ maxBurstMs: 0 }).sel.update([speaker], 1_200_000)[0]!.layer).toMatchObject({ spatial: 2, temporal: 1 });
    // The lowest spatial layer is never capped: at 100 kbit/s its 8 kbit base frames take 80 ms,
    // and S0 still plays.
    clock.ms = 100;
    expect(sel.update([speaker], 100_000)[0]!.layer).toMatchObject({ spatial: 0 });
  });

  it('chooses only layers whose base frames fit maxBurstMs at the budget, or the lowest spatial layer', () => {
    fc.assert(
      fc.property(
        tracksArb,
        fc.array(fc.record({ budget: fc.integer({ min: 0, max: 6_000_000 }), dt: fc.integer({ min: 10, max: 3000 }) }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 1, max: 300 }),
        (tracks, steps, maxBurstMs) => {
          const { sel, clock } = clocked({ maxBurstMs });
          const eligible = new Map(prepareTracks(tracks).map((t) => [t.id, t.eligible]));
          for (const { budget, dt } of steps) {
            clock.ms += dt;
            for (const d of sel.update(tracks, budget)) {
              const el = eligible.get(d.id)!;
              if (d.layer === null || el.every((l) => l.fps === 0)) continue;
              // Arrange: the chosen spatial layer's base (lowest temporal) layer among the eligible ones.
              const lowest = Math.min(...el.map((l) => l.spatial));
              const base = el.filter((l) => l.spatial === d.layer!.spatial).reduce((a, b) => (b.temporal < a.temporal ? b : a));
              // Assert: the lowest spatial layer, or base frames that cross the budget within maxBurstMs.
              if (d.layer.spatial !== lowest) expect(base.bitrateBps / base.fps).toBeLessThanOrEqual((budget * maxBurstMs) / 1000 + 1e-6);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('with maxBurstMs 0 decides as with a cap no frame reaches', () => {
    fc.assert(
      fc.property(tracksArb, fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 20 }), (tracks, budgets) => {
        const run = (maxBurstMs: number): unknown[] => {
          const { sel, clock } = clocked({ maxBurstMs });
          return budgets.map((b) => {
            clock.ms += 700;
            return sel.update(tracks, b);
          });
        };
        expect(run(0)).toEqual(run(1e12));
      }),
      { numRuns: 50 },
    );
  });

  it('keeps its laws over random budget sequences', () => {
    fc.assert(
      fc.property(
        tracksArb,
        fc.array(fc.record({ budget: fc.integer({ min: 0, max: 6_000_000 }), dt: fc.integer({ min: 10, max: 3000 }) }), { minLength: 1, maxLength: 40 }),
        fc.constantFrom(0, 0.2),
        (tracks, steps, upgradeQuantile) => {
          const opts = {
            upgradeMargin: 0.15,
            upgradeHoldMs: 2000,
            upgradeQuantile,
            minChangeIntervalMs: 4000,
            resumeMargin: 0.3,
            resumeHoldMs: 1000,
            restoreHoldMs: 500,
            restoreWindowMs: 6000,
            temporalMargin: 0.05,
            temporalHoldMs: 1000,
            temporalMinIntervalMs: 1500,
            fitMargin: 0.03,
          };
          const { sel, clock } = clocked(opts);
          const last = new Map<string, { layer: Layer | null; at: number }>();
          // Per track: when its spatial layer last changed (pauses and resumes included).
          const lastSpatial = new Map<string, number>();
          // Per track: the layer before the latest emergency downgrade, and when it happened.
          const before = new Map<string, { layer: Layer; at: number }>();
          for (const { budget, dt } of steps) {
            clock.ms += dt;
            const out = sel.update(tracks, budget);
            const total = out.reduce((n, d) => n + cost(d.layer), 0);
            // Law 1: never over budget.
            expect(total).toBeLessThanOrEqual(budget + 1e-6);
            for (const d of out) {
              const t = tracks.find((x) => x.id === d.id)!;
              const prev = last.get(d.id);
              // Law 2: hidden video is paused.
              if (t.kind !== 'audio' && t.viewport === null) expect(d.layer).toBeNull();
              // Law 3: a raise of a playing track keeps a margin below the budget (the smaller of
              // the spatial and temporal ones, and the fit margin), and respects the minimum
              // intervals (any change: the temporal one; a spatial raise: minChangeIntervalMs since
              // the last spatial change) unless it restores (no higher than) the layer held before
              // a recent dip.
              if (t.kind !== 'audio' && prev !== undefined && prev.layer !== null && d.layer !== null && d.layer.bitrateBps > prev.layer.bitrateBps) {
                expect(total).toBeLessThanOrEqual(budget / (1 + Math.min(opts.upgradeMargin, opts.temporalMargin)) + 1e-6);
                expect(total).toBeLessThanOrEqual(budget * (1 - opts.fitMargin) + 1e-6);
                const spatialRaise = d.layer.spatial !== prev.layer.spatial;
                const early = clock.ms - prev.at < opts.temporalMinIntervalMs || (spatialRaise && clock.ms - (lastSpatial.get(d.id) ?? -Infinity) < opts.minChangeIntervalMs);
                if (early) {
                  const b = before.get(d.id);
                  expect(b).toBeDefined();
                  expect(d.layer.bitrateBps).toBeLessThanOrEqual(b!.layer.bitrateBps);
                  expect(clock.ms - b!.at).toBeLessThanOrEqual(opts.restoreWindowMs);
                }
              }
              if (prev !== undefined && prev.layer !== null && d.changed && t.kind !== 'audio' && (d.layer === null || d.layer.bitrateBps < prev.layer.bitrateBps)) {
                const b = before.get(d.id);
                if (b === undefined || clock.ms - b.at > opts.restoreWindowMs || b.layer.bitrateBps < prev.layer.bitrateBps) before.set(d.id, { layer: prev.layer, at: clock.ms });
                else b.at = clock.ms;
              }
              if (d.changed && (prev === undefined || prev.layer === null || d.layer === null || prev.layer.spatial !== d.layer.spatial)) lastSpatial.set(d.id, clock.ms);
              // Law 4: keyframes exactly on spatial changes and resumes of video.
              const spatialChange = d.layer !== null && (prev === undefined || prev.layer === null || prev.layer.spatial !== d.layer.spatial);
              expect(d.requestKeyframe).toBe(t.kind !== 'audio' && spatialChange);
              if (d.changed || prev === undefined) last.set(d.id, { layer: d.layer, at: clock.ms });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(tracksArb, fc.array(fc.integer({ min: 0, max: 5_000_000 }), { minLength: 1, maxLength: 20 }), (tracks, budgets) => {
        const run = (): unknown[] => {
          const { sel, clock } = clocked();
          return budgets.map((b) => {
            clock.ms += 700;
            return sel.update(tracks, b);
          });
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 50 },
    );
  });
});
