import { describe, expect, it } from 'vitest';
import { eventLoopPressure } from '../src/eventLoopLag.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('eventLoopPressure', () => {
  it('reports a blocked event loop, then resets with each reading', async () => {
    const lag = eventLoopPressure(100);
    try {
      await sleep(30);
      const until = Date.now() + 400;
      while (Date.now() < until) {
        // Block the loop, as an overloaded server would.
      }
      await sleep(30);
      expect(lag.pressure()).toBe(true);
      // Each reading starts a new window; a generous threshold is not crossed by an idle loop.
    } finally {
      lag.stop();
    }
    const calm = eventLoopPressure(5_000);
    try {
      await sleep(50);
      expect(calm.pressure()).toBe(false);
    } finally {
      calm.stop();
    }
  });

  it('is off at 0', () => {
    expect(eventLoopPressure(0).pressure()).toBe(false);
  });
});
