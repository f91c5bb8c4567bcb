import { JitterError } from './JitterError.js';
import { describe } from './validate.js';

/** One packet of a delay trace: when it was sent and when (if ever) it arrived. */
export interface TracePacket {
  /** Send time on the sender's clock, in ms. */
  sendMs: number;
  /** Arrival time on the receiver's clock, in ms; `null` for a lost packet. */
  arrivalMs: number | null;
  /** The sender entered DTX silence with this packet. */
  dtx?: boolean;
}

/** A packet trace in send order. */
export type Trace = readonly TracePacket[];

const MAX_TRACE = 10_000_000;

/**
 * @internal Checks a trace: an array of packets in non-decreasing send order with finite times.
 * @throws JitterError `INVALID_TRACE` naming the first bad entry
 */
export function checkTrace(trace: unknown): Trace {
  if (!Array.isArray(trace)) throw new JitterError('INVALID_TRACE', `trace must be an array of { sendMs, arrivalMs }, got ${describe(trace)}`);
  if (trace.length > MAX_TRACE) throw new JitterError('INVALID_TRACE', `trace has ${trace.length} packets; at most ${MAX_TRACE} are supported`);
  let prev = -Infinity;
  for (let i = 0; i < trace.length; i++) {
    const p: unknown = trace[i];
    if (typeof p !== 'object' || p === null) throw new JitterError('INVALID_TRACE', `trace[${i}] must be an object, got ${describe(p)}`);
    const { sendMs, arrivalMs, dtx } = p as Record<string, unknown>;
    if (typeof sendMs !== 'number' || !Number.isFinite(sendMs)) throw new JitterError('INVALID_TRACE', `trace[${i}].sendMs must be a finite number, got ${describe(sendMs)}`);
    if (sendMs < prev) throw new JitterError('INVALID_TRACE', `trace[${i}].sendMs (${sendMs}) is before the previous packet's (${prev}); sort the trace by send time`);
    if (arrivalMs !== null && (typeof arrivalMs !== 'number' || !Number.isFinite(arrivalMs))) {
      throw new JitterError('INVALID_TRACE', `trace[${i}].arrivalMs must be a finite number or null (lost), got ${describe(arrivalMs)}`);
    }
    if (dtx !== undefined && typeof dtx !== 'boolean') throw new JitterError('INVALID_TRACE', `trace[${i}].dtx must be a boolean when given`);
    prev = sendMs;
  }
  return trace as Trace;
}
