import { performance } from 'node:perf_hooks';

/** Keeps results observable so the JIT cannot drop the work being timed. */
export let sink: unknown;

/**
 * Time per operation of `fn`, in nanoseconds: calibrates a batch size that takes at least
 * ~5 ms (so timer resolution does not matter), then repeats batches until `minMs` have passed.
 */
export function nsPerOp(fn: () => unknown, minMs: number): number {
  let batch = 1;
  for (;;) {
    const t0 = performance.now();
    for (let i = 0; i < batch; i++) sink = fn();
    const dt = performance.now() - t0;
    if (dt >= 5 || batch >= 1 << 30) break;
    batch *= dt < 0.5 ? 10 : 2;
  }
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < batch; i++) sink = fn();
    ops += batch;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (elapsed * 1e6) / ops;
}

/** Async variant of {@link nsPerOp}; each call is awaited in turn. */
export async function nsPerOpAsync(fn: () => Promise<unknown>, minMs: number): Promise<number> {
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 64; i++) sink = await fn();
    ops += 64;
    elapsed = performance.now() - start;
  } while (elapsed < minMs);
  return (elapsed * 1e6) / ops;
}

/** Wall time of one call of `fn` in milliseconds. */
export async function timeMs(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  sink = await fn();
  return performance.now() - t0;
}

/** Heap growth caused by building what `build` returns, in bytes, after forced GCs (needs --expose-gc). */
export function retainedBytes(build: () => unknown): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('retainedBytes needs node --expose-gc (pnpm bench passes it)');
  gc();
  gc();
  const before = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  // Held in a module slot across the GCs so it cannot be collected early, then released so the
  // next measurement does not pay for collecting this one.
  held = build();
  gc();
  gc();
  const after = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
  held = undefined;
  return Math.max(0, after - before);
}

let held: unknown;
