import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ManualClock } from '../src/index.js';

describe('ManualClock', () => {
  it('fires timers in due order, ties in creation order, skipping cleared ones (property vs a sort)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ ms: fc.integer({ min: -5, max: 50 }), clear: fc.boolean() }), { maxLength: 80 }), fc.integer({ min: 0, max: 60 }), (timers, step) => {
        const clock = new ManualClock();
        const fired: number[] = [];
        const handles = timers.map((t, i) => clock.setTimeout(() => fired.push(i), t.ms));
        timers.forEach((t, i) => t.clear && clock.clearTimeout(handles[i]));
        clock.advance(step);
        const expected = timers
          .map((t, i) => ({ i, due: Math.max(0, t.ms), clear: t.clear }))
          .filter((t) => !t.clear && t.due <= step)
          .sort((a, b) => a.due - b.due || a.i - b.i)
          .map((t) => t.i);
        expect(fired).toEqual(expected);
        expect(clock.now()).toBe(step);
        expect(clock.pendingTimers).toBe(timers.filter((t) => !t.clear && Math.max(0, t.ms) > step).length);
      }),
      { numRuns: 300 },
    );
  });

  it('timers set by timers fire within the same advance when due', () => {
    const clock = new ManualClock(100);
    const at: number[] = [];
    clock.setTimeout(() => {
      at.push(clock.now());
      clock.setTimeout(() => at.push(clock.now()), 5);
    }, 10);
    clock.advance(20);
    expect(at).toEqual([110, 115]);
  });

  it('refuses to go back in time', () => {
    const clock = new ManualClock();
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
  });
});
