import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CountWindow, TimeWindow } from '../src/index.js';

const outcome = fc.record({ failed: fc.boolean(), slow: fc.boolean() });

describe('CountWindow', () => {
  it('equals a brute-force count of the last `size` outcomes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.array(outcome, { maxLength: 400 }), (size, outcomes) => {
        const w = new CountWindow(size);
        outcomes.forEach((o, i) => {
          w.record(0, o.failed, o.slow);
          const last = outcomes.slice(Math.max(0, i + 1 - size), i + 1);
          expect(w.calls).toBe(last.length);
          expect(w.failures).toBe(last.filter((x) => x.failed).length);
          expect(w.slowCalls).toBe(last.filter((x) => x.slow).length);
        });
        w.clear();
        expect([w.calls, w.failures, w.slowCalls]).toEqual([0, 0, 0]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('TimeWindow', () => {
  it('equals a brute-force count of the outcomes in the last `buckets` buckets (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.array(fc.record({ gap: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5_000 })), failed: fc.boolean(), slow: fc.boolean() }), { maxLength: 200 }),
        (buckets, bucketMs, start, steps) => {
          const w = new TimeWindow(buckets * bucketMs, buckets);
          const seen: Array<{ t: number; failed: boolean; slow: boolean }> = [];
          let t = start;
          for (const s of steps) {
            t += s.gap;
            w.record(t, s.failed, s.slow);
            seen.push({ t, failed: s.failed, slow: s.slow });
            // Model: an outcome counts while its bucket is one of the newest `buckets` buckets.
            const head = Math.floor(t / bucketMs);
            const live = seen.filter((x) => Math.floor(x.t / bucketMs) > head - buckets);
            expect(w.calls).toBe(live.length);
            expect(w.failures).toBe(live.filter((x) => x.failed).length);
            expect(w.slowCalls).toBe(live.filter((x) => x.slow).length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a clock that steps back records into the newest bucket instead of losing the outcome', () => {
    const w = new TimeWindow(1000, 10);
    w.record(5000, true, false);
    w.record(4000, false, false);
    expect(w.calls).toBe(2);
    expect(w.failures).toBe(1);
  });

  it('ages everything out after a long idle gap, in one step', () => {
    const w = new TimeWindow(1000, 10);
    for (let i = 0; i < 100; i++) w.record(i, true, true);
    w.advance(1e12);
    expect([w.calls, w.failures, w.slowCalls]).toEqual([0, 0, 0]);
  });
});
