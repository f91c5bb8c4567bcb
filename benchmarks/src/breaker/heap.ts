// Async counterpart of the harness's retainedBytes: breakers are measured after each has run
import { performance } from 'node:perf_hooks';
// one call, which is asynchronous (the harness's helper only takes a synchronous builder).
let keep: unknown;

/** Heap + array-buffer growth caused by what `build` resolves to, after forced GCs. */
export async function retainedBytesAsync(build: () => Promise<unknown>): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('retainedBytesAsync needs node --expose-gc (pnpm bench passes it)');
  const used = (): number => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  gc();
  gc();
  const before = used();
  const kept = await build();
  gc();
  gc();
  const after = used();
  keep = kept;
  return Math.max(0, after - before);
}

/** Drops what the last measurement kept alive. */
export function release(): void {
  keep = undefined;
}

/** Counts of timers created and timer callbacks run since the probe was installed or reset. */
export interface TimerProbe {
  created: number;
  fired: number;
  reset(): void;
  uninstall(): void;
}

/**
 * Wraps the global setTimeout and setInterval so that timers and their callbacks are counted
 * (unref'd timers too, which the process's active-handle list leaves out).
 */
export function installTimerProbe(): TimerProbe {
  const g = globalThis as unknown as Record<'setTimeout' | 'setInterval', (fn: (...a: unknown[]) => void, ...rest: unknown[]) => unknown>;
  const real = { setTimeout: g.setTimeout, setInterval: g.setInterval };
  const probe: TimerProbe = {
    created: 0,
    fired: 0,
    reset() {
      probe.created = 0;
      probe.fired = 0;
    },
    uninstall() {
      g.setTimeout = real.setTimeout;
      g.setInterval = real.setInterval;
    },
  };
  const wrap =
    (create: (fn: (...a: unknown[]) => void, ...rest: unknown[]) => unknown) =>
    (fn: (...a: unknown[]) => void, ...rest: unknown[]): unknown => {
      probe.created++;
      return create((...a) => {
        probe.fired++;
        fn(...a);
      }, ...rest);
    };
  g.setTimeout = wrap(real.setTimeout);
  g.setInterval = wrap(real.setInterval);
  return probe;
}

/** What the process does while it only waits `ms`. */
export interface IdleCost {
  /** CPU time of all the process's threads (V8's GC and compiler included) per wall second, in cores. */
  cpu: number;
  /** Share of the time the event loop was busy running callbacks (0 = it only slept). */
  loop: number;
}

/** Measures {@link IdleCost} over `ms`, after a forced GC. */
export async function idleCost(ms: number): Promise<IdleCost> {
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const e0 = performance.eventLoopUtilization();
  await new Promise((r) => setTimeout(r, ms));
  const loop = performance.eventLoopUtilization(e0).utilization;
  const c = process.cpuUsage(c0);
  const wall = performance.now() - t0;
  return { cpu: (c.user + c.system) / 1000 / wall, loop };
}
