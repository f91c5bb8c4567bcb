import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AdaptiveThrottle, BreakerError, HealthChecker, ManualClock, TrafficShifter, seededRandom, type HealthChange, type ShiftChange } from '../src/index.js';

async function settle<T>(p: Promise<T>): Promise<T | unknown> {
  return p.catch((e: unknown) => e);
}

describe('AdaptiveThrottle', () => {
  it('refuses nothing while the backend accepts, and about (requests - 2 accepts)/(requests + 1) when it refuses', async () => {
    const clock = new ManualClock();
    const t = new AdaptiveThrottle({ clock, random: seededRandom(1) });
    for (let i = 0; i < 100; i++) await t.execute(() => 1);
    expect(t.rejectProbability()).toBe(0);
    // Backend now refuses everything: the throttle converges on refusing most requests locally.
    let sent = 0;
    let throttled = 0;
    for (let i = 0; i < 2000; i++) {
      const r = await settle(t.execute(() => (sent++, Promise.reject(new Error('overloaded')))));
      if (r instanceof BreakerError && r.code === 'THROTTLED') throttled++;
    }
    const m = t.metrics();
    expect(m.rejectProbability).toBeCloseTo((m.requests - 2 * m.accepts) / (m.requests + 1), 10);
    // Each request passes with probability (2A + 1)/(R + 1), A = 100 accepts: summed over the
    // 2,000 requests that is about 201 ln(2101 / 101) ≈ 610 sent, not 2,000.
    const expected = 201 * Math.log(2101 / 101);
    expect(sent).toBeGreaterThan(expected * 0.8);
    expect(sent).toBeLessThan(expected * 1.2);
    expect(throttled).toBe(2000 - sent);
  });

  it('errors the backend did not refuse count as accepted', async () => {
    const t = new AdaptiveThrottle({ clock: new ManualClock(), isRejectedByBackend: (e) => !(e instanceof RangeError) });
    for (let i = 0; i < 50; i++) await settle(t.execute(() => Promise.reject(new RangeError('not found'))));
    expect(t.rejectProbability()).toBe(0);
  });

  it('forgets history older than the window', async () => {
    const clock = new ManualClock();
    const t = new AdaptiveThrottle({ clock, windowMs: 1000, buckets: 10, random: () => 0.99 });
    for (let i = 0; i < 50; i++) await settle(t.execute(() => Promise.reject(new Error('x'))));
    expect(t.rejectProbability()).toBeGreaterThan(0.9);
    clock.advance(1000);
    expect(t.rejectProbability()).toBe(0);
  });

  it('the refusal probability always lies in [0, 1) (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { maxLength: 200 }), fc.double({ min: 1, max: 10, noNaN: true }), async (outcomes, k) => {
        const t = new AdaptiveThrottle({ clock: new ManualClock(), k, random: seededRandom(7) });
        for (const ok of outcomes) {
          await settle(t.execute(() => (ok ? 1 : Promise.reject(new Error('x')))));
          const p = t.rejectProbability();
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThan(1);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('HealthChecker', () => {
  it('becomes healthy after N successes and unhealthy after M failures, probing every interval', async () => {
    const clock = new ManualClock();
    let up = true;
    let probes = 0;
    const h = new HealthChecker({ clock, intervalMs: 100, healthyThreshold: 2, unhealthyThreshold: 3, probe: () => (probes++, up ? 'ok' : Promise.reject(new Error('down'))) });
    const changes: HealthChange[] = [];
    h.on('change', (c) => changes.push(c));
    h.start();
    await clock.advanceAsync(0);
    expect(h.status).toBe('unknown');
    await clock.advanceAsync(100);
    expect(h.status).toBe('healthy');
    up = false;
    await clock.advanceAsync(200);
    expect(h.status).toBe('healthy'); // two failures are not enough
    await clock.advanceAsync(100);
    expect(h.status).toBe('unhealthy');
    h.stop();
    const before = probes;
    await clock.advanceAsync(1000);
    expect(probes).toBe(before);
    expect(clock.pendingTimers).toBe(0);
    expect(changes.map((c) => c.to)).toEqual(['healthy', 'unhealthy']);
    expect((changes[1]!.error as Error).message).toBe('down');
  });

  it('a probe slower than timeoutMs fails', async () => {
    const clock = new ManualClock();
    const h = new HealthChecker({ clock, timeoutMs: 50, unhealthyThreshold: 1, probe: () => new Promise(() => {}) });
    const p = h.check();
    clock.advance(50);
    expect(await p).toBe('unhealthy');
  });
});

describe('TrafficShifter', () => {
  it('routes exactly the stage weight to the canary', () => {
    const s = new TrafficShifter({ clock: new ManualClock(), stages: [0.1, 1], minCallsPerStage: 1_000_000 });
    let canary = 0;
    for (let i = 0; i < 1000; i++) if (s.route() === 'canary') canary++;
    expect(canary).toBe(100);
  });

  it('advances 10% → 50% → 100% → promoted when the canary stays within budget', async () => {
    const clock = new ManualClock();
    const s = new TrafficShifter({ clock, stageMs: 1000, minCallsPerStage: 10, minCallsToJudge: 5, errorBudget: 0.1 });
    const seen: ShiftChange[] = [];
    s.on('change', (c) => seen.push(c));
    const weights: number[] = [];
    for (let step = 0; step < 4; step++) {
      weights.push(s.weight);
      for (let i = 0; i < 200; i++) await s.execute({ stable: () => 's', canary: () => 'c' });
      clock.advance(1000);
    }
    expect(weights).toEqual([0.1, 0.5, 1, 1]);
    expect(s.state).toBe('promoted');
    expect(seen.map((c) => c.state)).toEqual(['shifting', 'shifting', 'promoted']);
  });

  it('rolls back when the canary error rate exceeds the budget', async () => {
    const s = new TrafficShifter({ clock: new ManualClock(), minCallsToJudge: 5, errorBudget: 0.2 });
    for (let i = 0; i < 100; i++) await settle(s.execute({ stable: () => 's', canary: () => Promise.reject(new Error('bad build')) }));
    expect(s.state).toBe('rolled-back');
    expect(s.weight).toBe(0);
    expect(s.route()).toBe('stable');
  });

  it('the canary share of any prefix is within one call of the weight (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.integer({ min: 1, max: 500 }), (w, n) => {
        const s = new TrafficShifter({ clock: new ManualClock(), stages: [w, 1], minCallsPerStage: 1e9 });
        let canary = 0;
        for (let i = 1; i <= n; i++) {
          if (s.route() === 'canary') canary++;
          expect(Math.abs(canary - w * i)).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
