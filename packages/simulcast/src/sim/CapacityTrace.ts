import { SimulcastError } from '../errors.js';
import { finiteAtLeast, integerIn } from '../check.js';

/**
 * A bottleneck's capacity over time: how many bytes it can deliver in each slot. Replays loop at
 * the end, as mahimahi does.
 */
export interface CapacityTrace {
  readonly name: string;
  /** Slot length in milliseconds. */
  readonly slotMs: number;
  /** Deliverable bytes per slot. */
  readonly bytesPerSlot: Float64Array;
  /** Input rows a lenient parser repaired (e.g. negative throughput read as 0); absent when none. */
  readonly clampedRows?: number;
}

/** Longest trace accepted, in ms (2 hours keeps a 1 ms-slot trace under 60 MB). */
export const MAX_TRACE_MS: number = 2 * 3600 * 1000;

/**
 * The trace's length before it loops.
 *
 * @param trace - a capacity trace
 * @returns duration in ms
 * @example
 * ```ts
 * traceDurationMs(parseMahimahi('0\n999\n')); // 1000
 * ```
 */
export function traceDurationMs(trace: CapacityTrace): number {
  return trace.bytesPerSlot.length * trace.slotMs;
}

/**
 * Mean capacity over [fromMs, toMs), looping the trace.
 *
 * @param trace - a capacity trace
 * @param fromMs - window start
 * @param toMs - window end, > fromMs
 * @returns bits per second
 * @throws `SimulcastError` (from `@chorus/simulcast`) `INVALID_NUMBER` for a non-finite or empty window
 * @example
 * ```ts
 * capacityBps(trace, 0, 1000);
 * ```
 */
export function capacityBps(trace: CapacityTrace, fromMs: number, toMs: number): number {
  finiteAtLeast(fromMs, 0, 'fromMs');
  finiteAtLeast(toMs, fromMs, 'toMs');
  if (toMs === fromMs) throw new SimulcastError('INVALID_NUMBER', `toMs must be after fromMs (${fromMs}); the window is empty`);
  const n = trace.bytesPerSlot.length;
  const s0 = Math.floor(fromMs / trace.slotMs);
  const s1 = Math.ceil(toMs / trace.slotMs);
  let bytes = 0;
  for (let s = s0; s < s1; s++) bytes += trace.bytesPerSlot[s % n]!;
  return (bytes * 8 * 1000) / ((s1 - s0) * trace.slotMs);
}

/**
 * A window of a trace, for short runs (the window loops around the end like the replay does).
 *
 * @param trace - a capacity trace
 * @param startMs - where the window starts
 * @param durationMs - its length, at least one slot
 * @returns a new trace named `<name>[start+duration]`
 * @throws `SimulcastError` (from `@chorus/simulcast`) `INVALID_NUMBER` for out-of-range arguments
 * @example
 * ```ts
 * const first30s = sliceTrace(trace, 0, 30_000);
 * ```
 */
export function sliceTrace(trace: CapacityTrace, startMs: number, durationMs: number): CapacityTrace {
  finiteAtLeast(startMs, 0, 'startMs');
  finiteAtLeast(durationMs, trace.slotMs, 'durationMs');
  if (durationMs > MAX_TRACE_MS) throw new SimulcastError('INVALID_NUMBER', `durationMs must be <= ${MAX_TRACE_MS}`);
  const n = trace.bytesPerSlot.length;
  const s0 = Math.floor(startMs / trace.slotMs);
  const len = Math.max(1, Math.round(durationMs / trace.slotMs));
  const out = new Float64Array(len);
  for (let i = 0; i < len; i++) out[i] = trace.bytesPerSlot[(s0 + i) % n]!;
  return { name: `${trace.name}[${startMs}+${durationMs}]`, slotMs: trace.slotMs, bytesPerSlot: out };
}

/**
 * A trace of constant capacity steps, for tests and step-response experiments.
 *
 * @param steps - consecutive segments of `{ ms, bps }`
 * @param name - the trace's name
 * @param slotMs - slot length
 * @defaultValue name `"steps"`, slotMs 1
 * @returns the trace
 * @throws `SimulcastError` (from `@chorus/simulcast`) `INVALID_TRACE` for empty, negative or non-finite steps
 * @example
 * ```ts
 * const t = stepTrace([{ ms: 10_000, bps: 2e6 }, { ms: 10_000, bps: 5e5 }]);
 * ```
 */
export function stepTrace(steps: readonly { ms: number; bps: number }[], name = 'steps', slotMs = 1): CapacityTrace {
  if (!Array.isArray(steps) || steps.length === 0) throw new SimulcastError('INVALID_TRACE', 'steps must be a non-empty array of { ms, bps }');
  integerIn(slotMs, 1, 1000, 'slotMs', 'INVALID_TRACE');
  let total = 0;
  for (const s of steps) total += Math.round(finiteAtLeast(s.ms, slotMs, 'step ms', 'INVALID_TRACE') / slotMs);
  if (total * slotMs > MAX_TRACE_MS) throw new SimulcastError('INVALID_TRACE', `steps add up to more than ${MAX_TRACE_MS} ms`);
  const out = new Float64Array(total);
  let at = 0;
  for (const s of steps) {
    const bytes = (finiteAtLeast(s.bps, 0, 'step bps', 'INVALID_TRACE') / 8) * (slotMs / 1000);
    const len = Math.round(s.ms / slotMs);
    out.fill(bytes, at, at + len);
    at += len;
  }
  return { name, slotMs, bytesPerSlot: out };
}
