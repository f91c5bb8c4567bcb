import { JitterError } from './JitterError.js';
import type { TracePacket } from './trace.js';
import { optionalNumber } from './validate.js';

const MAX_TEXT = 256 * 1024 * 1024;

function lines(text: unknown, name: string): string[] {
  if (typeof text !== 'string') throw new JitterError('INVALID_TRACE', `${name} must be a string (the file's text)`);
  if (text.length > MAX_TEXT) throw new JitterError('INVALID_TRACE', `${name} is ${text.length} characters; at most ${MAX_TEXT} are supported`);
  const out = text.split(/\r?\n/);
  while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
  return out;
}

/**
 * Parses an irtt one-way-delay trace as published with the Starlink measurements of Tian et al.
 * (one integer delay in nanoseconds per line, one line per probe, probe i sent at
 * i × `intervalMs`) and its optional loss file (`0` delivered, `1` lost, one line per probe).
 *
 * @param delayText - the delay file's text
 * @param lossText - the loss file's text, or undefined when no packet was lost
 * @param intervalMs - the probe interval, in ms
 * @returns the trace, arrival = send + delay, lost probes with `arrivalMs: null`
 * @throws JitterError `INVALID_TRACE` for a line that is not a non-negative integer, a loss line
 *   other than 0/1, or files of different lengths
 * @defaultValue intervalMs 10
 * @example
 * ```ts
 * const trace = parseIrttOwd(readFileSync('LEO_uplink_delay.txt', 'utf8'), readFileSync('LEO_uplink_loss.txt', 'utf8'));
 * ```
 */
export function parseIrttOwd(delayText: string, lossText?: string, intervalMs = 10): TracePacket[] {
  const step = optionalNumber('intervalMs', intervalMs, 10, 0.001, 1e6);
  const delays = lines(delayText, 'delayText');
  const losses = lossText === undefined ? undefined : lines(lossText, 'lossText');
  if (losses !== undefined && losses.length !== delays.length) {
    throw new JitterError('INVALID_TRACE', `the loss file has ${losses.length} lines but the delay file ${delays.length}; they must match line for line`);
  }
  return delays.map((line, i) => {
    const s = line.trim();
    if (!/^\d{1,15}$/.test(s)) throw new JitterError('INVALID_TRACE', `delay line ${i + 1} (${JSON.stringify(s.slice(0, 20))}) must be a non-negative integer of nanoseconds`);
    const lost = losses?.[i]?.trim();
    if (lost !== undefined && lost !== '0' && lost !== '1') throw new JitterError('INVALID_TRACE', `loss line ${i + 1} must be 0 or 1, got ${JSON.stringify(lost.slice(0, 20))}`);
    const sendMs = i * step;
    return { sendMs, arrivalMs: lost === '1' ? null : sendMs + Number(s) / 1e6 };
  });
}

/**
 * Parses the text output of Linux `ping` into a trace: each `icmp_seq=N ... time=X ms` reply is a
 * packet sent at (N - first N) × `intervalMs` arriving half its round-trip time later; sequence
 * numbers without a reply are lost packets. Header, summary and error lines are skipped.
 *
 * @param text - the ping log
 * @param intervalMs - the ping interval, in ms
 * @returns the trace in sequence order
 * @throws JitterError `INVALID_TRACE` when no reply line is found or a time is not a number
 * @defaultValue intervalMs 1000
 * @example
 * ```ts
 * parsePingLog('64 bytes from 10.0.0.1: icmp_seq=1 ttl=64 time=24.3 ms'); // [{ sendMs: 0, arrivalMs: 12.15 }]
 * ```
 */
export function parsePingLog(text: string, intervalMs = 1000): TracePacket[] {
  const step = optionalNumber('intervalMs', intervalMs, 1000, 0.001, 1e7);
  const rtt = new Map<number, number>();
  for (const line of lines(text, 'text')) {
    const m = /icmp_seq=(\d{1,9})\b.*?\btime[=<]([0-9.]+) ?ms/.exec(line);
    if (m === null) continue;
    const v = Number(m[2]);
    if (!Number.isFinite(v)) throw new JitterError('INVALID_TRACE', `ping time ${JSON.stringify(m[2])} is not a number`);
    const seq = Number(m[1]);
    if (!rtt.has(seq)) rtt.set(seq, v);
  }
  if (rtt.size === 0) throw new JitterError('INVALID_TRACE', 'no "icmp_seq=N ... time=X ms" reply line found; is this a ping log?');
  const seqs = [...rtt.keys()];
  const first = Math.min(...seqs);
  const last = Math.max(...seqs);
  if (last - first > 10_000_000) throw new JitterError('INVALID_TRACE', `sequence numbers span ${last - first}; at most 10 000 000 are supported`);
  const out: TracePacket[] = [];
  for (let s = first; s <= last; s++) {
    const sendMs = (s - first) * step;
    const r = rtt.get(s);
    out.push({ sendMs, arrivalMs: r === undefined ? null : sendMs + r / 2 });
  }
  return out;
}
