import { SimulcastError } from '../errors.js';
import { integerIn } from '../check.js';
import { MAX_TRACE_MS, type CapacityTrace } from './CapacityTrace.js';

/** Bytes one mahimahi delivery opportunity carries. */
export const MAHIMAHI_PACKET_BYTES: number = 1500;
/** Largest trace input accepted, in bytes or UTF-16 units. */
export const MAX_TRACE_INPUT: number = 256 * 1024 * 1024;

/** Options of {@link parseThroughputLog}. */
export interface ThroughputLogOptions {
  /** Slot length of the resulting traces. @defaultValue 10 */
  readonly slotMs?: number;
  /**
   * Read negative throughput (a measurement glitch; real logs have a few) as 0 and count it in
   * the trace's `clampedRows`, instead of throwing. @defaultValue false
   */
  readonly clampNegative?: boolean;
}

function toText(input: string | Uint8Array, what: string): string {
  if (typeof input === 'string') {
    if (input.length > MAX_TRACE_INPUT) throw new SimulcastError('INVALID_TRACE', `${what}: input longer than ${MAX_TRACE_INPUT} characters`);
    return input;
  }
  if (!(input instanceof Uint8Array)) throw new SimulcastError('INVALID_TRACE', `${what}: input must be a string or Uint8Array (decompress .gz files first)`);
  if (input.byteLength > MAX_TRACE_INPUT) throw new SimulcastError('INVALID_TRACE', `${what}: input larger than ${MAX_TRACE_INPUT} bytes`);
  if (input.byteLength >= 2 && input[0] === 0x1f && input[1] === 0x8b) throw new SimulcastError('INVALID_TRACE', `${what}: input is gzip-compressed; decompress it first (zlib.gunzipSync or DecompressionStream)`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    throw new SimulcastError('INVALID_TRACE', `${what}: input is not valid UTF-8 text`);
  }
}

/**
 * Parses a mahimahi link trace: one integer per line, the millisecond (since the trace start) of
 * one opportunity to deliver a 1500-byte packet; a millisecond may repeat. Blank lines and
 * `#` comments are skipped.
 *
 * @param input - the trace text or its UTF-8 bytes (not gzip: decompress first)
 * @param name - a name for the trace
 * @defaultValue name `"mahimahi"`
 * @returns a 1 ms-slot trace lasting until the last opportunity
 * @throws `SimulcastError` (from `@chorus/simulcast`) `INVALID_TRACE` with the line number of the first bad line
 * @example
 * ```ts
 * const trace = parseMahimahi(readFileSync('ATT-LTE-driving.up', 'utf8'), 'ATT-LTE-driving.up');
 * ```
 */
export function parseMahimahi(input: string | Uint8Array, name = 'mahimahi'): CapacityTrace {
  const text = toText(input, name);
  const times: number[] = [];
  let prev = 0;
  let lineNo = 0;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (!/^\d{1,10}$/.test(line)) throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: expected a millisecond count (digits only), got ${JSON.stringify(line.slice(0, 30))}`);
    const ms = Number(line);
    if (ms >= MAX_TRACE_MS) throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: ${ms} ms is past the ${MAX_TRACE_MS} ms limit`);
    if (ms < prev) throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: times must not decrease (${ms} after ${prev})`);
    prev = ms;
    times.push(ms);
  }
  if (times.length === 0) throw new SimulcastError('INVALID_TRACE', `${name}: no delivery opportunities in the trace`);
  const slots = new Float64Array(times[times.length - 1]! + 1);
  for (const t of times) slots[t]! += MAHIMAHI_PACKET_BYTES;
  return { name, slotMs: 1, bytesPerSlot: slots };
}

/**
 * Parses throughput logs (the "cooked" format of Pensieve-style ABR traces): rows of time in
 * seconds and throughput in Mbit/s over the interval ending at that time. Accepts a tab- or
 * space-separated file with a header `trace time_s throughput_mbps` holding many traces, or a
 * headerless two-column file (one trace).
 *
 * @param input - the log text or its UTF-8 bytes (not gzip: decompress first)
 * @param options - slot length
 * @param name - the trace name for headerless two-column input
 * @defaultValue name `"throughput"`
 * @returns one trace per trace name, in order of first appearance
 * @throws `SimulcastError` (from `@chorus/simulcast`) `INVALID_TRACE` with the line number of the first bad line
 * @example
 * ```ts
 * const traces = parseThroughputLog(gunzipSync(readFileSync('norway-hsdpa-3g.tsv.gz')));
 * ```
 */
export function parseThroughputLog(input: string | Uint8Array, options: ThroughputLogOptions = {}, name = 'throughput'): CapacityTrace[] {
  const slotMs = options.slotMs === undefined ? 10 : integerIn(options.slotMs, 1, 1000, 'slotMs', 'INVALID_OPTION');
  const clamp = options.clampNegative === true;
  const text = toText(input, name);
  const rows = new Map<string, { t: number[]; v: number[]; clamped: number }>();
  let named = false;
  let lineNo = 0;
  let first = true;
  for (const raw of text.split('\n')) {
    lineNo++;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const cols = line.split(/\s+/);
    if (first) {
      first = false;
      if (cols[0] === 'trace') {
        if (cols.length !== 3) throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: header must be "trace time_s throughput_mbps"`);
        named = true;
        continue;
      }
    }
    const [id, ts, vs] = named ? cols : [name, cols[0], cols[1]];
    if (cols.length !== (named ? 3 : 2) || id === undefined || ts === undefined || vs === undefined) {
      throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: expected ${named ? 3 : 2} columns, got ${cols.length}`);
    }
    const t = Number(ts);
    let v = Number(vs);
    let clamped = 0;
    if (clamp && v < 0 && Number.isFinite(v)) {
      v = 0;
      clamped = 1;
    }
    if (!Number.isFinite(t) || t < 0 || t * 1000 >= MAX_TRACE_MS) throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: time must be seconds in [0, ${MAX_TRACE_MS / 1000}), got ${JSON.stringify(ts.slice(0, 30))}`);
    if (!Number.isFinite(v) || v < 0 || v > 1e5) throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: throughput must be Mbit/s in [0, 100000], got ${JSON.stringify(vs.slice(0, 30))}`);
    if (id === '__proto__' || id === 'constructor' || id === 'prototype') {
      // Names only key a Map, but refuse them anyway so callers turning results into objects are safe.
      throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: trace name ${JSON.stringify(id)} is reserved`);
    }
    let r = rows.get(id);
    if (r === undefined) {
      r = { t: [], v: [], clamped: 0 };
      rows.set(id, r);
    }
    const last = r.t[r.t.length - 1];
    if (last !== undefined && t < last) throw new SimulcastError('INVALID_TRACE', `${name} line ${lineNo}: times of trace ${JSON.stringify(id.slice(0, 40))} must not decrease (${t} after ${last})`);
    r.t.push(t);
    r.v.push(v);
    r.clamped += clamped;
  }
  if (rows.size === 0) throw new SimulcastError('INVALID_TRACE', `${name}: no rows`);
  const out: CapacityTrace[] = [];
  for (const [id, r] of rows) {
    const end = r.t[r.t.length - 1]!;
    const slots = new Float64Array(Math.max(1, slotsUntil(end, slotMs)));
    let from = 0;
    for (let i = 0; i < r.t.length; i++) {
      // Row i's throughput held over (t[i-1], t[i]]; the first row covers [0, t[0]].
      const to = Math.min(slots.length, slotsUntil(r.t[i]!, slotMs));
      const bytes = ((r.v[i]! * 1e6) / 8) * (slotMs / 1000);
      slots.fill(bytes, from, to);
      from = Math.max(from, to);
    }
    out.push(r.clamped > 0 ? { name: id, slotMs, bytesPerSlot: slots, clampedRows: r.clamped } : { name: id, slotMs, bytesPerSlot: slots });
  }
  return out;
}

/** Slots that end at or before `seconds`; rounds to the microsecond first, so 1.1 s is 1100 ms, not 1100.0000000000002. */
function slotsUntil(seconds: number, slotMs: number): number {
  return Math.ceil(Math.round(seconds * 1e6) / 1000 / slotMs - 1e-9);
}
