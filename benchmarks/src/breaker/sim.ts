// Behaviour under a fake clock: time to trip and to recover, trial calls admitted in half-open
// under a burst, and a load shedder at 1x, 2x and 5x overload. Everything here is seeded and
// driven by a ManualClock, so these figures do not depend on the machine.
import { CircuitBreaker, LoadShedder, ManualClock, seededRandom } from '@chorus/breaker';
import { bulkhead, circuitBreaker, CircuitState, CountBreaker, ConsecutiveBreaker, handleAll, SamplingBreaker } from 'cockatiel';
import Opossum from 'opossum';

/** Runs `body` with Date.now reading `clock` (cockatiel reads Date.now lazily, so it follows). */
async function withFakeDate<T>(clock: ManualClock, body: () => Promise<T>): Promise<T> {
  const real = Date.now;
  Date.now = () => clock.now();
  try {
    return await body();
  } finally {
    Date.now = real;
  }
}

export type TripImpl = 'chorus (time window 30 s)' | 'chorus (count window 100)' | 'cockatiel (SamplingBreaker 30 s)' | 'cockatiel (CountBreaker 100)';

export interface TripResult {
  /** From the first failing response to the circuit opening, ms. */
  tripMs: number;
  /** From the dependency healing to the circuit closing again, ms. */
  recoverMs: number;
  /** Calls that reached the failing dependency before the circuit opened. */
  failedCalls: number;
}

/**
 * 100 requests/s to a dependency answering in 5 ms. It works for 60 s, fails every call for
 * 20 s, then works again. Open time 10 s (no growth), minimum 10 calls, threshold 50%.
 */
export async function tripAndRecover(impl: TripImpl): Promise<TripResult> {
  const clock = new ManualClock(1_000_000);
  const t0 = clock.now();
  const failFrom = t0 + 60_000;
  const healAt = failFrom + 20_000;
  let isOpen: () => boolean;
  let run: (fn: () => Promise<number>) => Promise<number>;
  if (impl.startsWith('chorus')) {
    const window = impl.includes('time') ? ({ kind: 'time', ms: 30_000, buckets: 10 } as const) : ({ kind: 'count', size: 100 } as const);
    const b = new CircuitBreaker({ clock, window, minimumCalls: 10, failureRateThreshold: 0.5, openMs: 10_000, halfOpenCalls: 1 });
    isOpen = () => b.state !== 'closed';
    run = (fn) => b.execute(fn);
  } else {
    const breaker = impl.includes('Sampling')
      ? new SamplingBreaker({ threshold: 0.5, duration: 30_000, minimumRps: 0.1 })
      : new CountBreaker({ threshold: 0.5, size: 100, minimumNumberOfCalls: 10 });
    const p = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker });
    isOpen = () => p.state !== CircuitState.Closed;
    run = (fn) => p.execute(fn);
  }
  let tripAt = Number.NaN;
  let closedAt = Number.NaN;
  let failedCalls = 0;
  const dependency = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const failing = clock.now() >= failFrom && clock.now() < healAt;
      if (failing && Number.isNaN(tripAt)) failedCalls++;
      clock.setTimeout(() => (failing ? reject(new Error('dependency down')) : resolve(1)), 5);
    });
  for (let t = 0; t < 100_000; t += 10) {
    clock.setTimeout(() => {
      void run(dependency).then(
        () => {},
        () => {},
      );
    }, t);
  }
  // Sample the state every 10 ms, after the calls of that instant have settled.
  for (let t = 1; t < 100_000; t += 10) {
    clock.setTimeout(() => {
      const now = clock.now();
      if (Number.isNaN(tripAt) && now >= failFrom && isOpen()) tripAt = now;
      if (!Number.isNaN(tripAt) && Number.isNaN(closedAt) && now >= healAt && !isOpen()) closedAt = now;
    }, t);
  }
  await withFakeDate(clock, () => clock.advanceAsync(100_000));
  return { tripMs: tripAt - failFrom, recoverMs: closedAt - healAt, failedCalls };
}

export type BurstImpl = 'chorus (halfOpenCalls 3)' | 'cockatiel' | 'opossum';

/**
 * Opens a breaker, lets its open time pass (30 ms, real time), then fires 1,000 concurrent
 * calls that stay pending; returns how many reached the dependency before any of them ended.
 */
export async function halfOpenBurst(impl: BurstImpl): Promise<number> {
  let admitted = 0;
  const gates: Array<() => void> = [];
  const pending = (): Promise<number> => {
    admitted++;
    return new Promise((resolve) => gates.push(() => resolve(1)));
  };
  let fire: () => Promise<unknown>;
  let cleanup = (): void => {};
  if (impl === 'cockatiel') {
    const p = circuitBreaker(handleAll, { halfOpenAfter: 30, breaker: new ConsecutiveBreaker(1) });
    await p.execute(() => Promise.reject(new Error('x'))).catch(() => {});
    fire = () => p.execute(pending);
  } else if (impl === 'opossum') {
    const b = new Opossum(pending, { resetTimeout: 30 });
    b.open();
    fire = () => b.fire();
    cleanup = () => b.shutdown();
  } else {
    const b = new CircuitBreaker({ openMs: 30, halfOpenCalls: 3 });
    b.trip();
    fire = () => b.execute(pending);
  }
  await new Promise((r) => setTimeout(r, 45));
  let settled = 0;
  const calls = Array.from({ length: 1000 }, () => fire().then(
    () => void settled++,
    () => void settled++,
  ));
  // What counts is how many reach the dependency while the trial calls are still pending;
  // cockatiel, for one, queues the others behind its trial and runs them once it has closed.
  await new Promise((r) => setTimeout(r, 20));
  const duringTrial = admitted;
  // Then open the gates (libraries start calls after a few awaits) until every call settles.
  while (settled < calls.length) {
    await new Promise((r) => setTimeout(r, 5));
    for (const g of gates.splice(0)) g();
  }
  await Promise.all(calls);
  cleanup();
  return duringTrial;
}

export type OverloadImpl = 'chorus LoadShedder' | 'cockatiel bulkhead (bounded queue)' | 'FIFO queue (no shedding)';

export interface OverloadResult {
  /** Responses within the deadline per second, as a fraction of capacity. */
  goodput: number;
  /** 99th percentile latency of served requests, ms. */
  p99Ms: number;
  /** Share of critical requests served within the deadline. */
  criticalGoodput: number;
  /** 99th percentile latency of served critical requests, ms. */
  criticalP99Ms: number;
}

const PRIORITIES = ['critical', 'normal', 'background'] as const;

/**
 * A server with 8 workers and 5–15 ms of work per request (capacity ≈ 800/s) receives Poisson
 * arrivals at `load` x capacity for `seconds`: 20% critical, 50% normal, 30% background.
 * Clients give up after 500 ms, so a later answer is not goodput.
 */
export async function overload(impl: OverloadImpl, load: number, seconds: number, seed = 1): Promise<OverloadResult> {
  const clock = new ManualClock();
  const random = seededRandom(seed);
  const workers = 8;
  const capacity = workers * 100; // mean service 10 ms
  const deadline = 500;
  let run: (work: () => Promise<void>, priority: (typeof PRIORITIES)[number]) => Promise<void>;
  if (impl === 'chorus LoadShedder') {
    const s = new LoadShedder({ clock, priorities: PRIORITIES, maxConcurrent: workers, maxQueue: 4 * workers, targetQueueMs: 20, intervalMs: 100 });
    run = (work, priority) => s.execute(work, undefined, priority);
  } else {
    const b = bulkhead(workers, impl === 'FIFO queue (no shedding)' ? Number.POSITIVE_INFINITY : 4 * workers);
    run = (work) => b.execute(work);
  }
  const latencies: number[] = [];
  const criticalLatencies: number[] = [];
  let good = 0;
  let critical = 0;
  let criticalGood = 0;
  const rate = (load * capacity) / 1000; // per ms
  for (let t = -Math.log(1 - random()) / rate; t < seconds * 1000; t += -Math.log(1 - random()) / rate) {
    const u = random();
    const priority = u < 0.2 ? 'critical' : u < 0.7 ? 'normal' : 'background';
    const serviceMs = 5 + 10 * random();
    if (priority === 'critical') critical++;
    clock.setTimeout(() => {
      const start = clock.now();
      run(() => new Promise<void>((r) => clock.setTimeout(r, serviceMs)), priority).then(
        () => {
          const ms = clock.now() - start;
          latencies.push(ms);
          if (priority === 'critical') criticalLatencies.push(ms);
          if (ms <= deadline) {
            good++;
            if (priority === 'critical') criticalGood++;
          }
        },
        () => {},
      );
    }, t);
  }
  await clock.advanceAsync(seconds * 1000 + 60_000);
  return {
    goodput: good / seconds / capacity,
    p99Ms: p99(latencies),
    criticalGoodput: critical === 0 ? 1 : criticalGood / critical,
    criticalP99Ms: p99(criticalLatencies),
  };
}

function p99(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))]!;
}
