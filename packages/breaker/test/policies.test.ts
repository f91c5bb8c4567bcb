import { describe, expect, expectTypeOf, it } from 'vitest';
import fc from 'fast-check';
import {
  BreakerError,
  Bulkhead,
  CircuitBreaker,
  LoadShedder,
  ManualClock,
  Retry,
  RetryBudget,
  Timeout,
  backoffDelay,
  resolveBackoff,
  retry,
  seededRandom,
  wrap,
} from '../src/index.js';

async function settle<T>(p: Promise<T>): Promise<T | unknown> {
  return p.catch((e: unknown) => e);
}

function failing(times: number, err: () => unknown = () => new Error('fail')): { fn: () => Promise<string>; calls: () => number } {
  let n = 0;
  return {
    fn: () => (++n <= times ? Promise.reject(err()) : Promise.resolve(`ok after ${n}`)),
    calls: () => n,
  };
}

describe('Retry', () => {
  it('retries with exponential delays and returns the first success', async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const r = new Retry({ clock, maxAttempts: 4, backoff: { initialMs: 10, jitter: 'none' }, onRetry: (e) => delays.push(e.delayMs) });
    const f = failing(3);
    const p = r.execute(f.fn);
    await clock.advanceAsync(1000);
    expect(await p).toBe('ok after 4');
    expect(delays).toEqual([10, 20, 40]);
  });

  it('throws the last error unchanged when attempts run out', async () => {
    const clock = new ManualClock();
    const f = failing(10, () => new RangeError('still down'));
    const p = settle(retry(f.fn, { clock, maxAttempts: 3, backoff: { initialMs: 1 } }));
    await clock.advanceAsync(100);
    const err = await p;
    expect(err).toBeInstanceOf(RangeError);
    expect(f.calls()).toBe(3);
  });

  it('waits at least the retry-after hint and gives up on a hint above maxRetryAfterMs', async () => {
    const clock = new ManualClock();
    const delays: number[] = [];
    const hinted = (ms: number): Error => Object.assign(new Error('busy'), { retryAfterMs: ms });
    const f = failing(1, () => hinted(500));
    const p = new Retry({ clock, backoff: { initialMs: 1, jitter: 'none' }, onRetry: (e) => delays.push(e.delayMs) }).execute(f.fn);
    await clock.advanceAsync(1000);
    expect(await p).toBe('ok after 2');
    expect(delays).toEqual([500]);
    const g = failing(1, () => hinted(120_000));
    const err = await settle(new Retry({ clock }).execute(g.fn));
    expect((err as Error).message).toBe('busy');
    expect(g.calls()).toBe(1);
  });

  it('stops at the budget with RETRY_BUDGET_EXHAUSTED carrying the last error', async () => {
    const clock = new ManualClock();
    const budget = new RetryBudget({ clock, ratio: 0.5, minPerSecond: 0, windowMs: 10_000 });
    const r = new Retry({ clock, budget, maxAttempts: 5, backoff: { initialMs: 1 } });
    let calls = 0;
    const down = (): Promise<never> => {
      calls++;
      return Promise.reject(new Error('down'));
    };
    const all = Array.from({ length: 10 }, () => settle(r.execute(down)));
    await clock.advanceAsync(1000);
    const errs = await Promise.all(all);
    // 10 requests at ratio 0.5 allow 5 retries in all, not 40.
    expect(calls).toBe(15);
    const stopped = errs.filter((e) => e instanceof BreakerError && e.code === 'RETRY_BUDGET_EXHAUSTED');
    expect(stopped.length).toBeGreaterThan(0);
    expect((stopped[0] as BreakerError).cause).toBeInstanceOf(Error);
  });

  it('does not retry refusals of other policies by default, but does retry timeouts', async () => {
    const clock = new ManualClock();
    const r = new Retry({ clock, backoff: { initialMs: 1 } });
    let calls = 0;
    const open = await settle(r.execute(() => (calls++, Promise.reject(new BreakerError('CIRCUIT_OPEN', 'circuit-breaker', 'open', { retryAfterMs: 5000 })))));
    expect((open as BreakerError).code).toBe('CIRCUIT_OPEN');
    expect(calls).toBe(1);
    const f = failing(1, () => new BreakerError('TIMEOUT', 'timeout', 'slow'));
    const p = r.execute(f.fn);
    await clock.advanceAsync(10);
    expect(await p).toBe('ok after 2');
  });

  it('an abort during the wait stops the retries with ABORTED', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const p = settle(new Retry({ clock, backoff: { initialMs: 100, jitter: 'none' } }).execute(failing(5).fn, ac.signal));
    await clock.advanceAsync(10);
    ac.abort();
    expect(((await p) as BreakerError).code).toBe('ABORTED');
  });

  it('backoff delays stay within their bounds (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 1, max: 10, noNaN: true }),
        fc.constantFrom('none', 'full', 'decorrelated' as const),
        fc.integer({ min: 1, max: 60 }),
        fc.integer(),
        (initialMs, extra, multiplier, jitter, retries, seed) => {
          const b = resolveBackoff({ initialMs, maxMs: initialMs + extra, multiplier, jitter });
          const random = seededRandom(seed);
          let prev = b.initialMs;
          for (let k = 1; k <= retries; k++) {
            const d = backoffDelay(b, k, prev, random);
            expect(d).toBeGreaterThanOrEqual(jitter === 'decorrelated' ? Math.min(b.initialMs, b.maxMs) : 0);
            expect(d).toBeLessThanOrEqual(b.maxMs);
            if (jitter === 'none') expect(d).toBe(Math.min(b.maxMs, initialMs * multiplier ** (k - 1)));
            prev = d;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Timeout', () => {
  it('rejects with TIMEOUT at the limit and aborts the signal given to the call', async () => {
    const clock = new ManualClock();
    let seen: AbortSignal | undefined;
    const p = settle(new Timeout({ ms: 100, clock }).execute((s) => {
      seen = s;
      return new Promise(() => {});
    }));
    clock.advance(100);
    const err = (await p) as BreakerError;
    expect(err.code).toBe('TIMEOUT');
    expect(err.policy).toBe('timeout');
    expect(seen?.aborted).toBe(true);
    expect(clock.pendingTimers).toBe(0);
  });

  it('passes results through and leaves no timer behind', async () => {
    const clock = new ManualClock();
    expect(await new Timeout({ ms: 100, clock }).execute(() => 5)).toBe(5);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('Bulkhead', () => {
  it('runs at most maxConcurrent, queues up to maxQueue in order, refuses the rest', async () => {
    const b = new Bulkhead({ maxConcurrent: 2, maxQueue: 1 });
    const gates: Array<() => void> = [];
    const order: number[] = [];
    const job = (i: number) => () => new Promise<number>((r) => gates.push(() => (order.push(i), r(i))));
    const p = [1, 2, 3].map((i) => b.execute(job(i)));
    const full = await settle(b.execute(job(4)));
    expect((full as BreakerError).code).toBe('BULKHEAD_FULL');
    expect(b.active).toBe(2);
    expect(b.queued).toBe(1);
    gates[0]!();
    await p[0];
    expect(gates.length).toBe(3);
    gates[1]!();
    gates[2]!();
    expect(await Promise.all(p)).toEqual([1, 2, 3]);
  });

  it('an abort removes a waiting call from the queue', async () => {
    const b = new Bulkhead({ maxConcurrent: 1, maxQueue: 5 });
    let release!: () => void;
    const first = b.execute(() => new Promise<void>((r) => (release = r)));
    const ac = new AbortController();
    const waiting = settle(b.execute(() => 'never', ac.signal));
    ac.abort();
    expect(((await waiting) as BreakerError).code).toBe('ABORTED');
    expect(b.queued).toBe(0);
    release();
    await first;
  });
});

describe('LoadShedder', () => {
  const pending = (): { fn: () => Promise<void>; release: () => void } => {
    let release!: () => void;
    const p = new Promise<void>((r) => (release = r));
    return { fn: () => p, release };
  };

  it('sheds a call that waited longer than maxQueueMs when its turn comes', async () => {
    const clock = new ManualClock();
    const s = new LoadShedder({ clock, priorities: ['a'], maxConcurrent: 1, maxQueueMs: 50, intervalMs: 10_000 });
    const blocker = pending();
    const running = s.execute(blocker.fn);
    const stale = settle(s.execute(() => 'late'));
    clock.advance(60);
    blocker.release();
    await running;
    const err = (await stale) as BreakerError;
    expect(err.code).toBe('LOAD_SHED');
    expect(err.message).toContain('maxQueueMs');
  });

  it('sheds on an outside pressure signal even with an empty queue, and recovers when it clears', async () => {
    // Arrange: no queueing at all; only the pressure signal (e.g. event-loop lag) says overload.
    const clock = new ManualClock();
    let lagging = true;
    const s = new LoadShedder({ clock, priorities: ['critical', 'background'], maxConcurrent: 10, intervalMs: 100, pressure: () => lagging });
    // Act: four judged intervals under pressure.
    for (let i = 0; i < 4; i++) {
      clock.advance(100);
      await s.execute(() => 0, undefined, 'critical');
    }
    // Assert: background is shed with a message naming the signal; critical still runs.
    expect(s.metrics().admitted).toEqual(['critical']);
    const shed = (await settle(s.execute(() => 'bg', undefined, 'background'))) as BreakerError;
    expect(shed.code).toBe('LOAD_SHED');
    expect(await s.execute(() => 'ok', undefined, 'critical')).toBe('ok');
    lagging = false;
    for (let i = 0; i < 10; i++) {
      clock.advance(100);
      await s.execute(() => 0, undefined, 'critical');
    }
    expect(await s.execute(() => 'back', undefined, 'background')).toBe('back');
  });

  it('refuses a pressure option that is not a function', () => {
    expect(() => new LoadShedder({ priorities: ['a'], maxConcurrent: 1, pressure: 1 as unknown as () => boolean })).toThrow(/pressure/);
  });

  it('starts waiting calls most important first', async () => {
    const clock = new ManualClock();
    const s = new LoadShedder({ clock, priorities: ['high', 'low'], maxConcurrent: 1, maxQueue: 10 });
    const first = pending();
    const started: string[] = [];
    const p0 = s.execute(first.fn, undefined, 'high');
    const pl = s.execute(async () => void started.push('low'), undefined, 'low');
    const ph = s.execute(async () => void started.push('high'), undefined, 'high');
    first.release();
    await Promise.all([p0, pl, ph]);
    expect(started).toEqual(['high', 'low']);
  });

  it('sheds the least important class first when the queue delay stays above target, then recovers', async () => {
    const clock = new ManualClock();
    const s = new LoadShedder({ clock, priorities: ['critical', 'normal', 'background'], maxConcurrent: 1, maxQueue: 100, targetQueueMs: 10, intervalMs: 100, maxQueueMs: 10_000 });
    const blocker = pending();
    const running = s.execute(blocker.fn, undefined, 'critical');
    const background = settle(s.execute(() => 'bg', undefined, 'background'));
    // Act: the single worker stays busy, so the queue delay grows every interval.
    const levels: number[] = [];
    const critical: Array<Promise<number>> = [];
    for (let i = 0; i < 7; i++) {
      clock.advance(100);
      critical.push(s.execute(() => i, undefined, 'critical'));
      levels.push(s.metrics().level);
    }
    // The first interval saw a call start at once (no standing queue); from then on nothing
    // starts and the oldest waiting call only gets older.
    expect(levels).toEqual([3, 2.75, 2.5, 2.25, 2, 1.75, 1.5]);
    const dropped = (await background) as BreakerError;
    expect(dropped.code).toBe('LOAD_SHED'); // dropped from the queue when the level reached 2
    expect(s.metrics().admitted).toEqual(['critical', 'normal']);
    // At level 1.5 half of the normal calls get in, deterministically every other one.
    const normalCalls = [1, 2, 3, 4].map((i) => settle(s.execute(() => i, undefined, 'normal')));
    blocker.release();
    await running;
    const normal = await Promise.all(normalCalls);
    expect(normal.filter((r) => r instanceof BreakerError && r.code === 'LOAD_SHED' && r.retryAfterMs === 1000).length).toBe(2);
    expect(await Promise.all(critical)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    // Calm intervals raise the level by an eighth each until every class is admitted again.
    for (let i = 0; i < 20; i++) {
      clock.advance(100);
      await s.execute(() => 0, undefined, 'critical');
    }
    expect(s.metrics().level).toBe(3);
    expect(await s.execute(() => 'back', undefined, 'background')).toBe('back');
  });

  it('when the queue is full, evicts the newest less important call', async () => {
    const clock = new ManualClock();
    const s = new LoadShedder({ clock, priorities: ['a', 'b'], maxConcurrent: 1, maxQueue: 1 });
    const blocker = pending();
    const running = s.execute(blocker.fn, undefined, 'a');
    const low = settle(s.execute(() => 'b', undefined, 'b'));
    const high = s.execute(() => 'a', undefined, 'a');
    expect(((await low) as BreakerError).code).toBe('LOAD_SHED');
    const refused = await settle(s.execute(() => 'b2', undefined, 'b'));
    expect((refused as BreakerError).code).toBe('LOAD_SHED');
    blocker.release();
    await running;
    expect(await high).toBe('a');
  });

  it('on a full queue a caller with few waiting calls takes the place of the heaviest caller’s newest', async () => {
    // Arrange: one worker, busy; flow "heavy" fills the queue.
    const clock = new ManualClock();
    const s = new LoadShedder({ clock, priorities: ['send'], maxConcurrent: 1, maxQueue: 4 });
    const blocker = pending();
    const running = s.execute(blocker.fn, undefined, 'send', 'heavy');
    const heavy = [1, 2, 3, 4].map((i) => settle(s.execute(() => `heavy ${i}`, undefined, 'send', 'heavy')));
    // Act: two light callers arrive, then heavy again, then a caller that names no flow.
    const light = settle(s.execute(() => 'light', undefined, 'send', 'light'));
    const other = settle(s.execute(() => 'other', undefined, 'send', 'other'));
    const heavyAgain = settle(s.execute(() => 'heavy 5', undefined, 'send', 'heavy'));
    const anonymous = settle(s.execute(() => 'anonymous', undefined, 'send'));
    blocker.release();
    await running;
    // Assert: heavy's two newest waiting calls were shed for the light callers; heavy's next
    // call and the flowless one found the queue full and were refused.
    const results = await Promise.all([...heavy, light, other, heavyAgain, anonymous]);
    const shed = (r: unknown): boolean => r instanceof BreakerError && r.code === 'LOAD_SHED';
    expect(results.map((r) => (shed(r) ? 'shed' : r))).toEqual(['heavy 1', 'heavy 2', 'shed', 'shed', 'light', 'other', 'shed', 'shed']);
    expect((results[2] as BreakerError).message).toContain('fewer waiting calls');
    expect(s.metrics().shed).toEqual({ send: 4 });
  });

  it('never evicts a more important call for fairness, nor one of a flow only one call heavier', async () => {
    const clock = new ManualClock();
    const s = new LoadShedder({ clock, priorities: ['high', 'low'], maxConcurrent: 1, maxQueue: 3 });
    const blocker = pending();
    const running = s.execute(blocker.fn, undefined, 'high');
    const queued = [settle(s.execute(() => 'h1', undefined, 'high', 'x')), settle(s.execute(() => 'h2', undefined, 'high', 'x')), settle(s.execute(() => 'y1', undefined, 'high', 'y'))];
    // x holds 2, y holds 1: a low call of z may not evict x's high calls; a high call of y may
    // not evict x (2 < 1 + 2); a high call of z may (2 >= 0 + 2).
    const lowZ = settle(s.execute(() => 'low z', undefined, 'low', 'z'));
    const highY = settle(s.execute(() => 'y2', undefined, 'high', 'y'));
    const highZ = settle(s.execute(() => 'z1', undefined, 'high', 'z'));
    blocker.release();
    await running;
    const out = await Promise.all([...queued, lowZ, highY, highZ]);
    const why = (r: unknown): unknown => (r instanceof BreakerError ? (r.message.includes('fewer waiting calls') ? 'evicted' : 'refused') : r);
    expect(out.map(why)).toEqual(['h1', 'evicted', 'y1', 'refused', 'refused', 'z1']);
  });

  it('property: fair eviction never inverts priority, never exceeds the queue, and every call settles once', async () => {
    const arrival = fc.record({ flow: fc.constantFrom('a', 'b', 'c', 'd', undefined), rank: fc.integer({ min: 0, max: 2 }), abort: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(fc.array(arrival, { maxLength: 40 }), fc.integer({ min: 1, max: 6 }), async (arrivals, maxQueue) => {
        const clock = new ManualClock();
        const priorities = ['p0', 'p1', 'p2'] as const;
        const s = new LoadShedder({ clock, priorities, maxConcurrent: 1, maxQueue, maxQueueMs: 1e9, targetQueueMs: 1e9 });
        const blocker = pending();
        const running = s.execute(blocker.fn, undefined, 'p0');
        const state: Array<'waiting' | 'shed' | 'aborted' | 'ran'> = [];
        const settled: Array<Promise<void>> = [];
        const controllers: AbortController[] = [];
        const flush = (): Promise<void> => new Promise((r) => setImmediate(r));
        for (const [i, a] of arrivals.entries()) {
          const live = (): number[] => state.flatMap((st, j) => (st === 'waiting' ? [j] : []));
          const before = live();
          const controller = new AbortController();
          controllers.push(controller);
          state.push('waiting');
          settled.push(
            s.execute(() => void (state[i] = 'ran'), controller.signal, priorities[a.rank], a.flow).then(
              () => undefined,
              (e: unknown) => void (state[i] = (e as BreakerError).code === 'ABORTED' ? 'aborted' : 'shed'),
            ),
          );
          await flush();
          const after = live();
          // The queue never holds more than maxQueue calls.
          expect(after.length).toBeLessThanOrEqual(maxQueue);
          // A call that left the queue on this arrival was no more important than the arrival.
          for (const j of before) if (!after.includes(j)) expect(arrivals[j]!.rank).toBeGreaterThanOrEqual(a.rank);
          if (state[i] === 'shed') {
            // Refused on arrival: the queue was full, nothing less important waited, and no
            // fullest flow two or more calls ahead of this one's held a call it could take.
            expect(before.length).toBe(maxQueue);
            expect(before.every((j) => arrivals[j]!.rank <= a.rank)).toBe(true);
            if (a.flow !== undefined) {
              const count = (f: string | undefined): number => before.filter((j) => arrivals[j]!.flow === f).length;
              const flows = ['a', 'b', 'c', 'd'];
              const top = Math.max(...flows.map(count));
              if (top >= count(a.flow) + 2) {
                for (const f of flows.filter((f) => count(f) === top)) expect(before.some((j) => arrivals[j]!.flow === f && arrivals[j]!.rank >= a.rank)).toBe(false);
              }
            }
          }
          // Abort some waiting calls along the way: the flow bookkeeping must follow.
          if (a.abort && after.length > 0) {
            controllers[after[0]!]!.abort();
            await flush();
          }
        }
        blocker.release();
        await running;
        await Promise.all(settled);
        expect(state.every((st) => st !== 'waiting')).toBe(true);
        expect(s.metrics().queued).toEqual({ p0: 0, p1: 0, p2: 0 });
      }),
      { numRuns: 150 },
    );
  });

  it('rejects an unknown class with INVALID_OPTION', async () => {
    const s = new LoadShedder({ priorities: ['a'], maxConcurrent: 1 });
    const err = await settle(s.execute(() => 1, undefined, 'zzz' as 'a'));
    expect((err as BreakerError).code).toBe('INVALID_OPTION');
    expect((err as BreakerError).message).toContain('"a"');
  });
});

describe('wrap', () => {
  it('runs policies outermost first and recognises every part’s rejections', async () => {
    const clock = new ManualClock();
    const breaker = new CircuitBreaker({ clock, minimumCalls: 2, window: { kind: 'count', size: 2 } });
    const policy = wrap(new Retry({ clock, maxAttempts: 3, backoff: { initialMs: 1 }, retryOn: (e) => !breaker.isRejection(e) }), breaker, new Timeout({ ms: 50, clock }));
    const f = failing(1);
    const p = policy.execute(f.fn);
    await clock.advanceAsync(10);
    expect(await p).toBe('ok after 2');
    const hang = settle(policy.execute(() => new Promise(() => {})));
    await clock.advanceAsync(200);
    const err = await hang;
    expect(policy.isRejection(err)).toBe(true);
    expect(['TIMEOUT', 'CIRCUIT_OPEN']).toContain((err as BreakerError).code);
    expect(policy.isRejection(new Error('x'))).toBe(false);
  });
});

describe('wrap types', () => {
  it('isRejection narrows to the union of the parts’ codes', () => {
    const policy = wrap(new Retry(), new CircuitBreaker(), new Timeout({ ms: 10 }));
    const err: unknown = new BreakerError('TIMEOUT', 'timeout', 'late');
    if (policy.isRejection(err)) {
      expectTypeOf(err.code).toEqualTypeOf<'RETRY_BUDGET_EXHAUSTED' | 'ABORTED' | 'CIRCUIT_OPEN' | 'HALF_OPEN_FULL' | 'TIMEOUT'>();
      expect(err.code).toBe('TIMEOUT');
    } else throw new Error('expected a rejection');
    expectTypeOf(policy.execute(() => 5)).toEqualTypeOf<Promise<number>>();
    const shed = new LoadShedder({ priorities: ['hi', 'lo'], maxConcurrent: 1 });
    expectTypeOf(shed.policy).parameter(0).toEqualTypeOf<'hi' | 'lo'>();
  });
});
