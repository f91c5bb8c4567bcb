import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accelerate, decelerate } from '../src/index.js';
import { codeOf } from './helpers.js';

/** A voiced-like signal: harmonics of f0 with a slow amplitude change. */
function voiced(n: number, f0: number, phase = 0): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / 48000;
    x[i] = 0.5 * Math.sin(2 * Math.PI * f0 * t + phase) + 0.2 * Math.sin(4 * Math.PI * f0 * t) + 0.1 * Math.sin(6 * Math.PI * f0 * t + 1);
  }
  return x;
}

function maxStep(x: Float32Array): number {
  let m = 0;
  for (let i = 1; i < x.length; i++) m = Math.max(m, Math.abs(x[i]! - x[i - 1]!));
  return m;
}

describe('accelerate / decelerate (WSOLA)', () => {
  it('removes or inserts one pitch period of a periodic signal, without clicks', () => {
    fc.assert(
      fc.property(fc.double({ min: 70, max: 380, noNaN: true }), fc.double({ min: 0, max: 6, noNaN: true }), (f0, phase) => {
        const x = voiced(2400, f0, phase);
        const period = 48000 / f0;
        for (const [fn, sign] of [[accelerate, -1], [decelerate, 1]] as const) {
          const r = fn(x);
          expect(r.changed).toBeGreaterThan(0);
          expect(r.output.length).toBe(x.length + sign * r.changed);
          // The period found is the pitch period or a multiple of it (within rounding).
          const k = Math.round(r.changed / period);
          expect(k).toBeGreaterThanOrEqual(1);
          expect(Math.abs(r.changed - k * period)).toBeLessThanOrEqual(2 + k);
          expect(maxStep(r.output)).toBeLessThanOrEqual(maxStep(x) * 1.15 + 1e-6);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps the tail of the input untouched', () => {
    fc.assert(
      fc.property(fc.double({ min: 80, max: 300, noNaN: true }), (f0) => {
        const x = voiced(3000, f0);
        const a = accelerate(x);
        expect([...a.output.subarray(a.changed)]).toEqual([...x.subarray(2 * a.changed)]);
        const d = decelerate(x);
        expect([...d.output.subarray(2 * d.changed)]).toEqual([...x.subarray(d.changed)]);
      }),
      { numRuns: 30 },
    );
  });

  it('refuses signals that do not repeat, and inputs shorter than two periods', () => {
    let seed = 1;
    const noise = Float32Array.from({ length: 2000 }, () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
    expect(accelerate(noise, { minCorrelation: 0.9 }).changed).toBe(0);
    const short = voiced(1000, 100);
    const r = decelerate(short);
    expect(r.changed).toBe(0);
    expect(r.output).toBe(short);
  });

  it('stretches silence freely', () => {
    expect(accelerate(new Float32Array(1440)).changed).toBeGreaterThan(0);
  });

  it('rejects NaN/Infinity samples and bad options', () => {
    const x = voiced(1500, 120);
    x[700] = Number.NaN;
    expect(codeOf(() => accelerate(x))).toBe('INVALID_PCM');
    x[700] = Number.POSITIVE_INFINITY;
    expect(codeOf(() => decelerate(x))).toBe('INVALID_PCM');
    expect(codeOf(() => accelerate(voiced(1500, 120), { maxPeriodMs: 1000 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => accelerate(new Float64Array(1500) as unknown as Float32Array))).toBe('INVALID_PCM');
  });
});
