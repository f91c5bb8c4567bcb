// Shared fast-check generators: valid ladders and tracks, and the reference greedy allocator.
import fc from 'fast-check';
import type { Layer, TrackInput } from '../src/index.js';

/** A valid ladder: spatial x temporal grid with bitrates rising along both axes. */
export const ladderArb: fc.Arbitrary<Layer[]> = fc
  .record({
    spatial: fc.integer({ min: 1, max: 3 }),
    temporal: fc.integer({ min: 1, max: 3 }),
    base: fc.integer({ min: 10_000, max: 300_000 }),
    sx: fc.double({ min: 1.2, max: 4, noNaN: true }),
    tx: fc.double({ min: 1.05, max: 1.6, noNaN: true }),
  })
  .map(({ spatial, temporal, base, sx, tx }) => {
    const out: Layer[] = [];
    for (let s = 0; s < spatial; s++) {
      for (let t = 0; t < temporal; t++) {
        out.push({ spatial: s, temporal: t, bitrateBps: Math.round(base * sx ** s * tx ** t), width: 320 * 2 ** s, height: 180 * 2 ** s, fps: 7.5 * 2 ** t });
      }
    }
    return out;
  });

export const viewportArb: fc.Arbitrary<{ width: number; height: number } | null> = fc.option(
  fc.record({ width: fc.integer({ min: 100, max: 2000 }), height: fc.integer({ min: 100, max: 1200 }) }),
  { freq: 4 },
);

export const opus: Layer[] = [{ spatial: 0, temporal: 0, bitrateBps: 40_000, width: 0, height: 0, fps: 50 }];

/** 1-8 tracks with unique ids; about one in five is audio. */
export const tracksArb: fc.Arbitrary<TrackInput[]> = fc
  .array(
    fc.record({
      kind: fc.constantFrom('audio', 'video', 'video', 'screen', 'video') as fc.Arbitrary<'audio' | 'video' | 'screen'>,
      ladder: ladderArb,
      viewport: viewportArb,
      priority: fc.integer({ min: 0, max: 3 }),
      speaking: fc.boolean(),
    }),
    { minLength: 1, maxLength: 8 },
  )
  .map((ts) =>
    ts.map((t, i) => ({
      id: `t${i}`,
      kind: t.kind,
      layers: t.kind === 'audio' ? opus : t.ladder,
      viewport: t.kind === 'audio' ? null : t.viewport,
      priority: t.priority,
      speaking: t.speaking,
    })),
  );
