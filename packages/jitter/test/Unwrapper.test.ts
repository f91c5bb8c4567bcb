import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Unwrapper } from '../src/index.js';

describe('Unwrapper', () => {
  it('continues across the 16-bit wrap', () => {
    const u = new Unwrapper(16);
    expect([65534, 65535, 0, 1].map((v) => u.unwrap(v))).toEqual([65534, 65535, 65536, 65537]);
  });

  it('places a packet reordered across the wrap before it', () => {
    const u = new Unwrapper(16);
    expect([65535, 1, 0].map((v) => u.unwrap(v))).toEqual([65535, 65537, 65536]);
  });

  it('recovers the true values of any walk with steps under half the range (16 and 32 bit)', () => {
    for (const bits of [16, 32] as const) {
      const m = 2 ** bits;
      fc.assert(
        fc.property(
          fc.double({ min: 0, max: m - 1, noNaN: true }).map(Math.floor),
          fc.array(fc.integer({ min: -(m / 4), max: m / 4 }), { maxLength: 200 }),
          (start, steps) => {
            const u = new Unwrapper(bits);
            let truth = start;
            const first = u.unwrap(start);
            let highest = truth;
            for (const s of steps) {
              // Keep every value within half the range of the highest seen, as the contract needs.
              if (truth + s > highest + m / 2 - 1 || truth + s < highest - m / 2 + 1) continue;
              truth += s;
              highest = Math.max(highest, truth);
              expect(u.unwrap(((truth % m) + m) % m) - first).toBe(truth - start);
            }
          },
        ),
        { numRuns: 300 },
      );
    }
  });

  it('starts afresh after reset', () => {
    const u = new Unwrapper(16);
    u.unwrap(100);
    u.reset();
    expect(u.unwrap(40000)).toBe(40000);
  });
});
