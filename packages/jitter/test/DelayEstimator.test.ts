import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DelayEstimator } from '../src/index.js';
import { codeOf } from './helpers.js';

/** Brute force: the weighted quantile of (relative delay) with weight forget^(age), plus the prior. */
function bruteQuantile(rel: number[], forget: number, q: number, start: number, bucket: number): number {
  const n = rel.length;
  const w = (age: number): number => Math.pow(forget, age);
  const items = rel.map((r, i) => ({ b: Math.floor(r / bucket), w: w(n - 1 - i) }));
  items.push({ b: Math.floor(start / bucket), w: w(n) });
  const total = items.reduce((a, x) => a + x.w, 0);
  items.sort((a, b) => a.b - b.b);
  let acc = 0;
  for (const it of items) {
    acc += it.w;
    if (acc >= q * total - 1e-9 * total) return (it.b + 1) * bucket;
  }
  return (items[items.length - 1]!.b + 1) * bucket;
}

describe('DelayEstimator', () => {
  it('equals a brute-force forgetting-histogram quantile when the window minimum stays put', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 300, noNaN: true }), { minLength: 1, maxLength: 120 }),
        fc.constantFrom(0.5, 0.9, 0.97),
        fc.constantFrom(0.9, 0.99, 0.998),
        (extra, q, forget) => {
          // Packet 0 arrives with the smallest offset (0) and the window is long, so min = 0.
          const est = new DelayEstimator({ quantile: q, forgetFactor: forget, windowMs: 600_000, startDelayMs: 40 });
          const arrivals = [0, ...extra].map((r, i) => i * 20 + r);
          arrivals.forEach((a, i) => est.update(a, i * 20));
          // The offsets the estimator sees, rounding included (300 - 1e-14 + 200 - 200 is not 300 - 1e-14).
          const rel = arrivals.map((a, i) => a - i * 20);
          expect(est.minOffsetMs()).toBe(0);
          expect(est.relativeQuantileMs()).toBe(bruteQuantile(rel, forget, q, 40, 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 500, noNaN: true }), { maxLength: 100 }), (d) => {
        const a = new DelayEstimator();
        const b = new DelayEstimator();
        d.forEach((x, i) => {
          a.update(i * 20 + x, i * 20);
          b.update(i * 20 + x, i * 20);
        });
        expect(a.targetOffsetMs()).toBe(b.targetOffsetMs());
      }),
      { numRuns: 100 },
    );
  });

  it('rises at once and falls slowly', () => {
    const est = new DelayEstimator({ windowMs: 600_000, fallRateMsPerS: 10 });
    for (let i = 0; i < 500; i++) est.update(i * 20 + 5, i * 20);
    const calm = est.targetOffsetMs();
    est.update(500 * 20 + 300, 500 * 20); // one spike of 300 ms... a single packet is below the quantile
    for (let i = 501; i < 530; i++) est.update(i * 20 + 250, i * 20); // a burst of 29 late packets
    const high = est.targetOffsetMs();
    expect(high).toBeGreaterThan(calm + 200);
    // One second of calm traffic lowers the target by at most 10 ms.
    for (let i = 530; i < 580; i++) est.update(i * 20 + 5, i * 20);
    expect(est.targetOffsetMs()).toBeGreaterThanOrEqual(high - 10 - 1e-9);
  });

  it('uses the media timestamp, so a reordered packet counts with its true lateness', () => {
    const est = new DelayEstimator({ quantile: 0.5, windowMs: 600_000, startDelayMs: 0 });
    // Packet 1 overtakes packet 0 by 30 ms: packet 0's offset is 30 ms above the minimum.
    est.update(130, 20);
    est.update(140, 0);
    est.update(160, 40);
    expect(est.minOffsetMs()).toBe(110);
    expect(est.relativeQuantileMs()).toBeGreaterThan(0);
  });

  it('stays bounded under a flood of rising offsets', () => {
    const est = new DelayEstimator({ windowMs: 600_000 });
    for (let i = 0; i < 20_000; i++) est.update(i, 0);
    expect(Number.isFinite(est.targetOffsetMs())).toBe(true);
  });

  it('rejects out-of-range options', () => {
    expect(codeOf(() => new DelayEstimator({ quantile: 1.5 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new DelayEstimator({ forgetFactor: Number.NaN }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new DelayEstimator({ windowMs: -1 }))).toBe('INVALID_OPTION');
  });
});
