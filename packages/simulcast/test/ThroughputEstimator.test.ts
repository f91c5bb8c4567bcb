import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulcastError, ThroughputEstimator } from '../src/index.js';

/** Feeds 1200-byte packets at `bps` from `fromMs` to `toMs`, skipping the stalls. */
function feed(tp: ThroughputEstimator, bps: number, fromMs: number, toMs: number, stalls: readonly [number, number][] = []): void {
  const gap = (1200 * 8 * 1000) / bps;
  for (let t = fromMs; t < toMs; t += gap) {
    const stall = stalls.find(([a, b]) => t >= a && t < b);
    // A stalled link delivers nothing, then everything that queued at once.
    tp.add(stall === undefined ? t : stall[1], 1200);
  }
}

describe('ThroughputEstimator', () => {
  it('is unknown until the first 500 ms window completes, then reads a steady rate', () => {
    const tp = new ThroughputEstimator();
    feed(tp, 2_000_000, 0, 400);
    expect(tp.bps()).toBeNaN();
    feed(tp, 2_000_000, 400, 5000);
    expect(tp.bps()).toBeGreaterThan(1_850_000);
    expect(tp.bps()).toBeLessThan(2_150_000);
  });

  it('is slow to believe a short dip or a stall, but follows a sustained change', () => {
    // Arrange: a steady 2 Mbit/s.
    const dip = new ThroughputEstimator();
    feed(dip, 2_000_000, 0, 6000);
    // Act: 450 ms at a quarter of the rate (three 150 ms windows at 0.5 Mbit/s).
    feed(dip, 500_000, 6000, 6450);
    // Assert: the far-off samples are distrusted (the last 500 ms average 0.5 Mbit/s).
    expect(dip.bps()).toBeGreaterThan(1_200_000);
    // A full stall (nothing for longer than a window) restarts the sum instead of reading 0.
    const stall = new ThroughputEstimator();
    feed(stall, 2_000_000, 0, 6000);
    const before = stall.bps();
    feed(stall, 2_000_000, 6000, 6400, [[6000, 6400]]);
    expect(stall.bps()).toBe(before);
    // A real halving is believed within a few seconds.
    const halved = new ThroughputEstimator();
    feed(halved, 2_000_000, 0, 6000);
    feed(halved, 1_000_000, 6000, 9000);
    expect(halved.bps()).toBeLessThan(1_100_000);
  });

  it('stays finite, non-negative and below the densest window, whatever the arrivals', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.double({ min: -50, max: 700, noNaN: true }), bytes: fc.integer({ min: 0, max: 65_535 }) }), { maxLength: 300 }), (ops) => {
        const tp = new ThroughputEstimator();
        let t = 0;
        for (const op of ops) {
          t += op.dt;
          tp.add(t, op.bytes);
          const bps = tp.bps();
          if (Number.isNaN(bps)) continue;
          expect(Number.isFinite(bps)).toBe(true);
          expect(bps).toBeGreaterThanOrEqual(0);
          // Every window's sample is at most all bytes seen over 150 ms; the estimate is a
          // weighted mean of samples, so it cannot exceed that.
          expect(bps).toBeLessThanOrEqual(((ops.reduce((n, o) => n + o.bytes, 0) * 8) / 150) * 1000 + 1e-6);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('rejects non-finite times and negative sizes with SimulcastError', () => {
    const tp = new ThroughputEstimator();
    for (const f of [() => tp.add(Number.NaN, 10), () => tp.add(Infinity, 10), () => tp.add(0, -1), () => tp.add(0, Number.NaN)]) {
      expect(f).toThrowError(SimulcastError);
    }
    expect(tp.bps()).toBeNaN();
  });
});
