import { describe, expect, it } from 'vitest';
import { BreakerError, CircuitBreaker, ManualClock, cachedClock } from '../src/index.js';

describe('cachedClock', () => {
  it('reuses one reading for maxAgeMs, then reads again', () => {
    const base = new ManualClock(1000);
    const clock = cachedClock(base, 5);
    expect(clock.now()).toBe(1000);
    base.advance(3); // the expiry timer has not fired yet
    expect(clock.now()).toBe(1000);
    base.advance(2);
    expect(clock.now()).toBe(1005);
  });

  it('keeps at most one timer while read, and none once idle', () => {
    const base = new ManualClock();
    const clock = cachedClock(base, 1);
    for (let i = 0; i < 100; i++) clock.now();
    expect(base.pendingTimers).toBe(1);
    base.advance(1);
    expect(base.pendingTimers).toBe(0);
  });

  it('refuses a non-positive age', () => {
    expect(() => cachedClock(new ManualClock(), 0)).toThrow(BreakerError);
    expect(() => cachedClock(new ManualClock(), Number.NaN)).toThrow(BreakerError);
  });
});

describe('idle breakers', () => {
  it('10,000 breakers that have run calls hold no timer', async () => {
    const clock = new ManualClock();
    const breakers = Array.from({ length: 10_000 }, () => new CircuitBreaker({ clock }));
    await Promise.all(breakers.map((b) => b.execute(() => Promise.resolve(1))));
    await Promise.all(breakers.slice(0, 100).map((b) => b.execute(() => Promise.reject(new Error('x'))).catch(() => {})));
    breakers[0]!.trip();
    expect(clock.pendingTimers).toBe(0);
  });
});
