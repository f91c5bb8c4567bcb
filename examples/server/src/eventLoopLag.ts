import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * An overload signal for the LoadShedder: true when the event loop's p99 delay since the last
 * reading exceeds `maxLagMs`. On one event loop, overload shows up as lag before it shows up in
 * the shedder's own queue (requests wait in the socket and parser, not in the queue).
 * `maxLagMs` 0 turns it off. Node-only.
 */
export function eventLoopPressure(maxLagMs: number): { pressure: () => boolean; stop(): void } {
  if (maxLagMs <= 0) return { pressure: () => false, stop: () => {} };
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  return {
    pressure: () => {
      const p99Ms = histogram.count === 0 ? 0 : histogram.percentile(99) / 1e6;
      histogram.reset();
      return p99Ms > maxLagMs;
    },
    stop: () => histogram.disable(),
  };
}
