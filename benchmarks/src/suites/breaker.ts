// pnpm bench breaker: @chorus/breaker against cockatiel and opossum, in the same run.
// - per-call overhead with the circuit closed (ns added to an already-resolved async call),
// - the open-circuit reject path,
// - memory per breaker and CPU/timers of 10,000 idle breakers,
// - behaviour under a fake clock: time to trip and recover, half-open admission under a burst,
//   goodput and p99 latency with a load shedder at 1x, 2x and 5x overload.
import { nsPerOpAsync } from '../harness/measure.js';
import type { BenchContext, Contender, Suite } from '../harness/suite.js';
import {
  chorusCount,
  chorusTime,
  cockatielConsecutive,
  cockatielCount,
  cockatielSampling,
  opossumDefault,
  type BreakerImpl,
} from '../breaker/contenders.js';
import { idleCost, installTimerProbe, release, retainedBytesAsync } from '../breaker/heap.js';
import { halfOpenBurst, overload, tripAndRecover, type BurstImpl, type OverloadImpl, type TripImpl } from '../breaker/sim.js';

const IMPLS: BreakerImpl[] = [chorusTime, chorusCount, cockatielSampling, cockatielCount, cockatielConsecutive, opossumDefault];
const fn = (): Promise<number> => Promise.resolve(1);
const noop = (): void => {};

function overheadContender(ctx: BenchContext, impl: BreakerImpl): Contender {
  const b = impl.create(fn);
  return {
    impl: impl.impl,
    async measure() {
      // The bare call is timed in the same run, so the difference is what the breaker adds.
      const bare = await nsPerOpAsync(fn, ctx.minMs);
      const wrapped = await nsPerOpAsync(() => impl.call(b, fn), ctx.minMs);
      return [
        { metric: 'overhead per call', unit: 'ns', value: wrapped - bare },
        { metric: 'time per call', unit: 'ns', value: wrapped },
      ];
    },
  };
}

function rejectContender(ctx: BenchContext, impl: BreakerImpl): Contender {
  const b = impl.create(fn);
  impl.open(b);
  return {
    impl: impl.impl,
    async measure() {
      return [{ metric: 'time per rejected call', unit: 'ns', value: await nsPerOpAsync(() => impl.call(b, fn).catch(noop), ctx.minMs) }];
    },
  };
}

async function buildBreakers(impl: BreakerImpl, n: number): Promise<unknown[]> {
  const list: unknown[] = [];
  for (let i = 0; i < n; i++) list.push(impl.create(fn));
  await Promise.all(list.map((b) => impl.call(b, fn)));
  return list;
}

function memoryContender(impl: BreakerImpl, n: number): Contender {
  return {
    impl: impl.impl,
    async measure() {
      let built: unknown[] = [];
      const bytes = await retainedBytesAsync(async () => (built = await buildBreakers(impl, n)));
      for (const b of built) impl.dispose(b);
      release();
      return [{ metric: 'memory per breaker (after one call)', unit: 'B', value: bytes / n }];
    },
  };
}

const noBreakers: BreakerImpl = { impl: 'no breakers (baseline)', create: () => null, call: (_b, f) => f(), open: noop, dispose: noop };

function idleContender(impl: BreakerImpl, n: number, idleMs: number): Contender {
  return {
    impl: impl.impl,
    async measure() {
      const probe = installTimerProbe();
      let cost: { cpu: number; loop: number };
      let held: number;
      let fired: number;
      try {
        const built = await buildBreakers(impl, n);
        held = probe.created;
        // Let what the calls themselves started (timeouts, caches) run out before measuring.
        await new Promise((r) => setTimeout(r, 100));
        probe.reset();
        cost = await idleCost(idleMs);
        fired = Math.max(0, probe.fired - 1); // idleCost's own wait
        for (const b of built) impl.dispose(b);
      } finally {
        probe.uninstall();
      }
      return [
        { metric: `idle CPU, ${n} breakers (all threads)`, unit: 'core', value: cost.cpu },
        { metric: `idle event-loop utilisation, ${n} breakers`, unit: 'share', value: cost.loop },
        { metric: `timers created by ${n} breakers and one call each`, unit: 'timers', value: held },
        { metric: 'timer callbacks run while idle, per second', unit: '1/s', value: (fired * 1000) / idleMs },
      ];
    },
  };
}

export const suite: Suite = {
  name: 'breaker',
  title: 'circuit breaker overhead, memory, idle cost and behaviour vs cockatiel and opossum',
  async run(ctx) {
    ctx.useGenerated('synthetic calls and a simulated dependency/server under a fake clock; no data set applies');

    await ctx.compare({ case: 'closed circuit, resolved async call', contenders: IMPLS.map((i) => overheadContender(ctx, i)) });
    await ctx.compare({ case: 'open circuit, reject path', contenders: IMPLS.map((i) => rejectContender(ctx, i)) });

    const n = ctx.quick ? 2_000 : 10_000;
    await ctx.compare({ case: `memory, ${n} breakers`, runs: ctx.quick ? 1 : 3, warmup: 0, contenders: IMPLS.map((i) => memoryContender(i, n)) });
    await ctx.compare({
      case: 'idle, 10000 breakers',
      runs: ctx.quick ? 1 : 3,
      warmup: 0,
      contenders: [chorusTime, cockatielSampling, opossumDefault, noBreakers].map((i) => idleContender(i, 10_000, ctx.quick ? 1_200 : 3_000)),
    });

    // Fake-clock behaviour: deterministic, so one run each.
    const tripImpls: TripImpl[] = ['chorus (time window 30 s)', 'chorus (count window 100)', 'cockatiel (SamplingBreaker 30 s)', 'cockatiel (CountBreaker 100)'];
    for (const impl of tripImpls) {
      const r = await tripAndRecover(impl);
      const c = 'trip and recover, 100 req/s, 20 s outage (fake clock)';
      ctx.record({ case: c, impl, metric: 'time to trip', unit: 'ms', median: r.tripMs });
      ctx.record({ case: c, impl, metric: 'calls to the failing dependency before trip', unit: 'calls', median: r.failedCalls });
      ctx.record({ case: c, impl, metric: 'time to recover after healing', unit: 'ms', median: r.recoverMs });
    }
    for (const impl of ['chorus (halfOpenCalls 3)', 'cockatiel', 'opossum'] as BurstImpl[]) {
      ctx.record({ case: 'half-open, burst of 1000 concurrent calls', impl, metric: 'calls admitted', unit: 'calls', median: await halfOpenBurst(impl) });
    }
    const seconds = ctx.quick ? 3 : 10;
    for (const load of [1, 2, 5]) {
      for (const impl of ['chorus LoadShedder', 'cockatiel bulkhead (bounded queue)', 'FIFO queue (no shedding)'] as OverloadImpl[]) {
        const r = await overload(impl, load, seconds);
        const c = `overload ${load}x, 8 workers, 500 ms client deadline (fake clock)`;
        ctx.record({ case: c, impl, metric: 'goodput', unit: 'x capacity', median: r.goodput });
        ctx.record({ case: c, impl, metric: 'critical served in time', unit: 'share', median: r.criticalGoodput });
        ctx.record({ case: c, impl, metric: 'p99 latency (served)', unit: 'ms', median: r.p99Ms });
        ctx.record({ case: c, impl, metric: 'p99 latency (critical served)', unit: 'ms', median: r.criticalP99Ms });
      }
    }
  },
};
