import { JitterError } from './JitterError.js';
import { checkTrace, type Trace } from './trace.js';
import { checkNumber } from './validate.js';

/** How a fixed playout delay fares on a trace. */
export interface FixedDelayResult {
  /** The fixed delay from send to playout, in ms (mean and p95 playout delay are both this). */
  delayMs: number;
  /** Share of received packets that arrive after their playout time. */
  lateLossRate: number;
  /** Received packets late at that delay. */
  late: number;
  /** Packets received (arrivalMs not null). */
  received: number;
}

/** Send-to-arrival delays of the received packets, sorted ascending. */
function sortedDelays(trace: Trace): Float64Array {
  const d: number[] = [];
  for (const p of trace) if (p.arrivalMs !== null) d.push(p.arrivalMs - p.sendMs);
  return Float64Array.from(d).sort();
}

/**
 * The best fixed delay in hindsight: the smallest send-to-playout delay D at which at most
 * `lateLossBudget` of the received packets arrive after their playout time (send + D). It knows
 * the whole trace and the sender's clock, so no real buffer can do better with one fixed delay;
 * it is the yardstick of the `jitter` benchmark.
 *
 * @param trace - packets in send order
 * @param lateLossBudget - allowed share of late packets, 0-1
 * @returns the delay and the late loss it gives
 * @throws JitterError `INVALID_TRACE` for a malformed trace or one with no received packet;
 *   `INVALID_OPTION` for a budget outside [0, 1]
 * @example
 * ```ts
 * oracleFixedDelay([{ sendMs: 0, arrivalMs: 30 }, { sendMs: 20, arrivalMs: 45 }], 0).delayMs; // 30
 * ```
 */
export function oracleFixedDelay(trace: Trace, lateLossBudget: number): FixedDelayResult {
  checkTrace(trace);
  const budget = checkNumber('INVALID_OPTION', 'lateLossBudget', lateLossBudget, 0, 1);
  const d = sortedDelays(trace);
  const n = d.length;
  if (n === 0) throw new JitterError('INVALID_TRACE', 'the trace has no received packet; an oracle delay needs at least one');
  // Allow the `allowed` largest delays to be late; D is the largest of the rest.
  const allowed = Math.floor(budget * n + 1e-9);
  let k = n - 1 - allowed;
  if (k < 0) k = 0;
  const delayMs = d[k]!;
  let late = 0;
  for (let i = k + 1; i < n; i++) if (d[i]! > delayMs) late++;
  return { delayMs, lateLossRate: late / n, late, received: n };
}

/**
 * A plain fixed jitter buffer, as a baseline: playout runs `bufferMs` behind the first received
 * packet (packet i plays at firstArrival + bufferMs + its send offset from the first packet), and
 * nothing adapts afterwards.
 *
 * @param trace - packets in send order
 * @param bufferMs - how long the first packet waits, in ms
 * @returns its playout delay and late loss
 * @throws JitterError `INVALID_TRACE` for a malformed trace or one with no received packet;
 *   `INVALID_OPTION` for a negative or non-finite buffer
 * @example
 * ```ts
 * fixedBuffer(trace, 60).lateLossRate;
 * ```
 */
export function fixedBuffer(trace: Trace, bufferMs: number): FixedDelayResult {
  checkTrace(trace);
  const buffer = checkNumber('INVALID_OPTION', 'bufferMs', bufferMs, 0, 1e6);
  const first = trace.find((p) => p.arrivalMs !== null);
  if (first === undefined || first.arrivalMs === null) throw new JitterError('INVALID_TRACE', 'the trace has no received packet');
  const delayMs = first.arrivalMs - first.sendMs + buffer;
  let late = 0;
  let received = 0;
  for (const p of trace) {
    if (p.arrivalMs === null) continue;
    received++;
    if (p.arrivalMs - p.sendMs > delayMs) late++;
  }
  return { delayMs, lateLossRate: late / received, late, received };
}
