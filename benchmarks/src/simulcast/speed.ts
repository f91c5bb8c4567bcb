// Allocation speed: one subscriber with 50 tracks, and one SFU tick of 1,000 subscribers.
import { allocate, LayerSelector, prepareTracks, simulcastLadder, type Layer, type TrackInput } from '@chorus/simulcast';
import { seededRandom } from '@chorus/simulcast/sim';
import { nsPerOp } from '../harness/measure.js';
import type { BenchContext } from '../harness/suite.js';
import { fixedHysteresisSelector, naiveIndexes } from './baselines.js';

const CAMERA: Layer[] = simulcastLadder([
  { bitrateBps: 150_000, width: 320, height: 180 },
  { bitrateBps: 500_000, width: 640, height: 360 },
  { bitrateBps: 1_500_000, width: 1280, height: 720 },
]);
const OPUS: Layer[] = [{ spatial: 0, temporal: 0, bitrateBps: 40_000, width: 0, height: 0, fps: 50 }];
const VIEWS = [null, { width: 320, height: 180 }, { width: 640, height: 360 }, { width: 1280, height: 720 }];

function tracksFor(n: number, rand: () => number): TrackInput[] {
  const out: TrackInput[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 5 === 0) out.push({ id: `a${i}`, kind: 'audio', layers: OPUS, viewport: null });
    else out.push({ id: `v${i}`, kind: i === 1 ? 'screen' : 'video', layers: CAMERA, viewport: VIEWS[Math.floor(rand() * VIEWS.length)]!, speaking: i === 2, priority: Math.floor(rand() * 3) });
  }
  return out;
}

export async function runSpeed(ctx: BenchContext): Promise<void> {
  const rand = seededRandom(3);
  const tracks50 = tracksFor(50, rand);
  const budgets = Array.from({ length: 64 }, () => 2e5 + rand() * 2e7);
  let b = 0;
  const nextBudget = (): number => budgets[b++ & 63]!;
  const ms = ctx.minMs;
  const selector = new LayerSelector({ now: () => b * 100 });
  const hyst = fixedHysteresisSelector()();
  await ctx.compare({
    case: 'allocate 50 tracks for one subscriber',
    contenders: [
      { impl: '@chorus/simulcast allocate', measure: () => [{ metric: 'time', unit: 'µs', value: nsPerOp(() => allocate(tracks50, nextBudget()), ms) / 1000 }] },
      { impl: '@chorus/simulcast LayerSelector.update', measure: () => [{ metric: 'time', unit: 'µs', value: nsPerOp(() => selector.update(tracks50, nextBudget()), ms) / 1000 }] },
      { impl: 'naive (highest that fits)', measure: () => [{ metric: 'time', unit: 'µs', value: nsPerOp(() => naiveIndexes(prepareTracks(tracks50), nextBudget()), ms) / 1000 }] },
      { impl: 'fixed hysteresis (25%)', measure: () => [{ metric: 'time', unit: 'µs', value: nsPerOp(() => hyst.select(tracks50, nextBudget(), 0), ms) / 1000 }] },
    ],
  });

  // One SFU tick: every subscriber of a 1,000-subscriber SFU gets a fresh decision.
  const subs = Array.from({ length: 1000 }, () => ({ tracks: tracksFor(5, rand), budget: 3e5 + rand() * 5e6 }));
  const selectors = subs.map((_, i) => new LayerSelector({ now: () => tick * 100 + i }));
  const hysts = subs.map(() => fixedHysteresisSelector()());
  let tick = 0;
  const jitter = (x: number): number => x * (0.8 + 0.4 * rand());
  await ctx.compare({
    case: 'SFU tick, 1,000 subscribers x 5 tracks',
    contenders: [
      {
        impl: '@chorus/simulcast LayerSelector.update',
        measure: () => [{ metric: 'time', unit: 'ms', value: nsPerOp(() => { tick++; for (let i = 0; i < 1000; i++) selectors[i]!.update(subs[i]!.tracks, jitter(subs[i]!.budget)); }, ms) / 1e6 }],
      },
      {
        impl: 'naive (highest that fits)',
        measure: () => [{ metric: 'time', unit: 'ms', value: nsPerOp(() => { for (let i = 0; i < 1000; i++) naiveIndexes(prepareTracks(subs[i]!.tracks), jitter(subs[i]!.budget)); }, ms) / 1e6 }],
      },
      {
        impl: 'fixed hysteresis (25%)',
        measure: () => [{ metric: 'time', unit: 'ms', value: nsPerOp(() => { for (let i = 0; i < 1000; i++) hysts[i]!.select(subs[i]!.tracks, jitter(subs[i]!.budget), 0); }, ms) / 1e6 }],
      },
    ],
  });
}
