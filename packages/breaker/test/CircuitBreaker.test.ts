import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BreakerError, CircuitBreaker, ManualClock, type StateChange } from '../src/index.js';

const boom = (): Promise<never> => Promise.reject(new Error('boom'));
const ok = (): Promise<string> => Promise.resolve('ok');

async function settle<T>(p: Promise<T>): Promise<T | unknown> {
  return p.catch((e: unknown) => e);
}

describe('CircuitBreaker', () => {
  it('opens at the failure-rate threshold once the minimum number of calls is reached', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, window: { kind: 'count', size: 10 }, minimumCalls: 4, failureRateThreshold: 0.5 });
    await b.execute(ok);
    await b.execute(ok);
    await settle(b.execute(boom));
    expect(b.state).toBe('closed'); // 3 calls < minimumCalls
    await settle(b.execute(boom));
    expect(b.state).toBe('open'); // 2/4 = 0.5 >= 0.5
    const err = await settle(b.execute(ok));
    expect(err).toBeInstanceOf(BreakerError);
    expect((err as BreakerError).code).toBe('CIRCUIT_OPEN');
    expect((err as BreakerError).policy).toBe('circuit-breaker');
    expect((err as BreakerError).retryAfterMs).toBe(10_000);
  });

  it('a success that completes the minimum number of calls can open the circuit', async () => {
    const b = new CircuitBreaker({ clock: new ManualClock(), window: { kind: 'count', size: 10 }, minimumCalls: 4 });
    for (let i = 0; i < 3; i++) await settle(b.execute(boom));
    expect(b.state).toBe('closed');
    await b.execute(ok); // 3 failures of 4 calls
    expect(b.state).toBe('open');
  });

  it('rejects while open without calling the function, then admits exactly N trial calls', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, window: { kind: 'count', size: 4 }, minimumCalls: 1, openMs: 1000, halfOpenCalls: 3 });
    await settle(b.execute(boom));
    let called = 0;
    await settle(b.execute(() => ++called));
    expect(called).toBe(0);
    clock.advance(1000);
    // Arrange: a burst of 1,000 concurrent calls that stay pending.
    const resolvers: Array<() => void> = [];
    const burst = Array.from({ length: 1000 }, () =>
      settle(b.execute(() => new Promise<void>((r) => resolvers.push(() => r())))),
    );
    expect(resolvers.length).toBe(3);
    expect(b.metrics().halfOpenInFlight).toBe(3);
    for (const r of resolvers) r();
    const results = await Promise.all(burst);
    const rejected = results.filter((e) => e instanceof BreakerError && e.code === 'HALF_OPEN_FULL');
    expect(rejected.length).toBe(997);
    expect(b.state).toBe('closed');
  });

  it('reopens with a grown open time when trials fail, and resets the growth on close', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, window: { kind: 'count', size: 2 }, minimumCalls: 1, openMs: 100, openMultiplier: 2, halfOpenCalls: 1 });
    await settle(b.execute(boom));
    expect(b.metrics().openUntil).toBe(100);
    clock.advance(100);
    await settle(b.execute(boom));
    expect(b.metrics().openUntil).toBe(300);
    clock.advance(200);
    await settle(b.execute(boom));
    expect(b.metrics().openUntil).toBe(300 + 400);
    clock.advance(400);
    await b.execute(ok);
    expect(b.state).toBe('closed');
    await settle(b.execute(boom));
    expect(b.metrics().openUntil).toBe(700 + 100);
  });

  it('judges a time window and forgets failures older than the window', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, window: { kind: 'time', ms: 1000, buckets: 10 }, minimumCalls: 3 });
    await settle(b.execute(boom));
    await settle(b.execute(boom));
    clock.advance(1000);
    await settle(b.execute(boom));
    expect(b.state).toBe('closed');
    expect(b.metrics().calls).toBe(1);
  });

  it('counts slow calls and opens on the slow-call rate', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, window: { kind: 'count', size: 5 }, minimumCalls: 2, slowCallMs: 50, slowCallRateThreshold: 1 });
    const slow = (): Promise<void> => new Promise((r) => clock.setTimeout(r, 60));
    const p1 = b.execute(slow);
    clock.advance(60);
    await p1;
    const p2 = b.execute(slow);
    clock.advance(60);
    await p2;
    expect(b.state).toBe('open');
  });

  it('counts filtered errors as successes, and caller aborts as nothing', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, minimumCalls: 1, isFailure: (e) => !(e instanceof TypeError) });
    await settle(b.execute(() => Promise.reject(new TypeError('bad request'))));
    expect(b.state).toBe('closed');
    const ac = new AbortController();
    const p = b.execute(() => new Promise((_, rej) => ac.signal.addEventListener('abort', () => rej(new Error('aborted')))), ac.signal);
    ac.abort();
    await settle(p);
    expect(b.state).toBe('closed');
    expect(b.metrics().calls).toBe(1);
    const pre = await settle(b.execute(ok, ac.signal));
    expect((pre as BreakerError).code).toBe('ABORTED');
  });

  it('emits state changes and supports trip, isolate and reset', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, openMs: 10 });
    const changes: StateChange[] = [];
    const off = b.on('state', (c) => changes.push(c));
    b.trip();
    expect(b.state).toBe('open');
    b.isolate();
    clock.advance(1_000_000);
    expect(b.state).toBe('isolated');
    expect(((await settle(b.execute(ok))) as BreakerError).code).toBe('CIRCUIT_OPEN');
    b.reset();
    expect(await b.execute(ok)).toBe('ok');
    off();
    b.trip();
    expect(changes.map((c) => `${c.from}>${c.to}:${c.reason}`)).toEqual(['closed>open:trip', 'open>isolated:isolate', 'isolated>closed:reset']);
  });

  it('ignores outcomes of calls admitted before a state change', async () => {
    const clock = new ManualClock();
    const b = new CircuitBreaker({ clock, window: { kind: 'count', size: 10 }, minimumCalls: 1, openMs: 10, halfOpenCalls: 1 });
    let release!: () => void;
    const slowFail = b.execute(() => new Promise<never>((_, rej) => (release = () => rej(new Error('late')))));
    await settle(b.execute(boom));
    expect(b.state).toBe('open');
    clock.advance(10);
    await b.execute(ok); // trial passes: closed
    release();
    await settle(slowFail);
    expect(b.state).toBe('closed');
  });

  it('handles synchronous functions, values and throws', async () => {
    const b = new CircuitBreaker({ clock: new ManualClock(), minimumCalls: 1 });
    expect(await b.execute(() => 7)).toBe(7);
    const err = await settle(
      b.execute(() => {
        throw new Error('sync');
      }),
    );
    expect((err as Error).message).toBe('sync');
    expect(b.state).toBe('open');
  });

  it('state follows a brute-force model of the rules (property)', async () => {
    // Model: closed judges the last `size` outcomes; open lasts `openMs`; half-open admits `trials`
    // calls that run one at a time here; they decide with the same threshold.
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 8 }),
        fc.double({ min: 0.05, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.record({ fail: fc.boolean(), wait: fc.integer({ min: 0, max: 30 }) }), { maxLength: 60 }),
        async (size, minCalls, threshold, trials, steps) => {
          const clock = new ManualClock();
          const b = new CircuitBreaker({ clock, window: { kind: 'count', size }, minimumCalls: minCalls, failureRateThreshold: threshold, openMs: 20, halfOpenCalls: trials });
          let state: 'closed' | 'open' | 'half-open' = 'closed';
          let outcomes: boolean[] = [];
          let openUntil = 0;
          let tDone = 0;
          let tFail = 0;
          for (const s of steps) {
            clock.advance(s.wait);
            if (state === 'open' && clock.now() >= openUntil) {
              state = 'half-open';
              tDone = tFail = 0;
            }
            const r = await settle(b.execute(() => (s.fail ? Promise.reject(new Error('x')) : Promise.resolve(1))));
            if (state === 'open') {
              expect((r as BreakerError).code).toBe('CIRCUIT_OPEN');
            } else if (state === 'closed') {
              outcomes.push(s.fail);
              if (outcomes.length > size) outcomes.shift();
              const f = outcomes.filter(Boolean).length;
              if (outcomes.length >= minCalls && f >= threshold * outcomes.length) {
                state = 'open';
                openUntil = clock.now() + 20;
              }
            } else {
              tDone++;
              if (s.fail) tFail++;
              if (tFail >= threshold * trials) {
                state = 'open';
                openUntil = clock.now() + 20;
              } else if (tFail + (trials - tDone) < threshold * trials) {
                state = 'closed';
                outcomes = [];
              }
            }
            expect(b.state).toBe(state === 'open' && clock.now() >= openUntil ? 'half-open' : state);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
