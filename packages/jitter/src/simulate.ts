import { JitterBuffer, type JitterBufferOptions } from './JitterBuffer.js';
import { JitterError } from './JitterError.js';
import { checkTrace, type Trace } from './trace.js';
import type { JitterStats } from './types.js';
import { checkObject } from './validate.js';

/** Options of {@link simulate}: the buffer's options (no decoder: timing only) plus the replay's own. */
export interface SimulateOptions extends Omit<JitterBufferOptions, 'decoder' | 'now'> {
  /** First RTP timestamp, to exercise wraparound (timestamps are send time × 48 from here). @defaultValue 0 */
  timestampStart?: number;
  /** First RTP sequence number. @defaultValue 0 */
  seqStart?: number;
}

/** What {@link simulate} measured. */
export interface SimulateResult {
  /** The buffer's counters at the end. */
  stats: JitterStats;
  /** Mean send-to-playout delay of the packets played, in ms (playout = when the first sample plays). */
  meanDelayMs: number;
  /** 95th percentile of the same, in ms. */
  p95DelayMs: number;
  /** Share of received packets that were never played (arrived too late). */
  lateLossRate: number;
  /** Share of sent packets lost by the network. */
  networkLossRate: number;
  /** Share of output blocks that were loss concealment. */
  concealedShare: number;
  /** Share of output blocks that were accelerated or decelerated. */
  stretchShare: number;
  /** Packets played. */
  played: number;
  /** Packets received (arrivalMs not null). */
  received: number;
  /** Packets received but never played: arrived after their playout time. */
  late: number;
  /** Output blocks produced. */
  blocks: number;
}

/**
 * Replays a packet trace through a {@link JitterBuffer} in timing-only mode: packets are pushed at
 * their arrival times and a block is pulled every `blockMs`, then the playout delay and late loss
 * of every packet are measured. Deterministic: the same trace and options give the same result.
 *
 * @param trace - packets in send order (`arrivalMs: null` for lost ones)
 * @param options - see {@link SimulateOptions}; the rest pass through to the buffer
 * @returns delays, late loss, concealment and stretch shares and the buffer's stats
 * @throws JitterError `INVALID_TRACE` for a malformed trace; `INVALID_OPTION` for a bad option
 * @example
 * ```ts
 * const r = simulate(generateTrace({ pareto: { scaleMs: 5, shape: 2 } }), { quantile: 0.99 });
 * r.meanDelayMs; r.lateLossRate;
 * ```
 */
export function simulate(trace: Trace, options: SimulateOptions = {}): SimulateResult {
  checkTrace(trace);
  const o = checkObject('INVALID_OPTION', 'options', options);
  if ('decoder' in o || 'now' in o) throw new JitterError('INVALID_OPTION', 'simulate runs timing-only: pass no decoder and no clock');
  const { timestampStart = 0, seqStart = 0, ...bufferOptions } = options;
  if (!Number.isInteger(timestampStart) || timestampStart < 0 || timestampStart > 0xffffffff) {
    throw new JitterError('INVALID_OPTION', 'timestampStart must be an integer in [0, 2^32)');
  }
  if (!Number.isInteger(seqStart) || seqStart < 0 || seqStart > 0xffff) throw new JitterError('INVALID_OPTION', 'seqStart must be an integer in [0, 65535]');
  const jb = new JitterBuffer(bufferOptions);
  const blockMs = options.blockMs ?? 10;
  const empty = new Uint8Array(0);
  const t0 = trace.length > 0 ? trace[0]!.sendMs : 0;

  // Arrival order: stable sort of received packet indices by arrival time.
  const order: number[] = [];
  for (let i = 0; i < trace.length; i++) if (trace[i]!.arrivalMs !== null) order.push(i);
  order.sort((a, b) => trace[a]!.arrivalMs! - trace[b]!.arrivalMs! || a - b);
  const received = order.length;
  const bySeq = new Map<number, number>();
  const delays: number[] = [];
  let blocks = 0;
  let concealBlocks = 0;
  let stretchBlocks = 0;
  if (received > 0) {
    const first = trace[order[0]!]!.arrivalMs!;
    const lastArrival = trace[order[received - 1]!]!.arrivalMs!;
    const end = lastArrival + (options.maxDelayMs ?? 1000) + 2000;
    let k = 0;
    for (let t = first; t <= end; t += blockMs) {
      while (k < received && trace[order[k]!]!.arrivalMs! <= t) {
        const i = order[k++]!;
        const p = trace[i]!;
        const seq = (seqStart + i) & 0xffff;
        bySeq.set(seq, i);
        const packet = {
          seq,
          timestamp: (timestampStart + Math.round((p.sendMs - t0) * 48)) % 2 ** 32,
          arrivalMs: p.arrivalMs!,
          payload: empty,
          ...(p.dtx !== undefined && { dtx: p.dtx }),
        };
        jb.push(packet);
      }
      const block = jb.pull(t);
      blocks++;
      if (block.type === 'conceal') concealBlocks++;
      else if (block.type === 'accelerate' || block.type === 'decelerate') stretchBlocks++;
      for (let j = 0; j < block.seqs.length; j++) {
        const i = bySeq.get(block.seqs[j]!);
        if (i !== undefined) delays.push(t + block.seqOffsets[j]! / 48 - trace[i]!.sendMs);
      }
      if (k === received && jb.size === 0 && t > lastArrival + 1000) break;
    }
  }
  delays.sort((a, b) => a - b);
  const played = delays.length;
  const mean = played === 0 ? 0 : delays.reduce((a, b) => a + b, 0) / played;
  const p95 = played === 0 ? 0 : delays[Math.min(played - 1, Math.ceil(0.95 * played) - 1)]!;
  return {
    stats: jb.stats(),
    meanDelayMs: mean,
    p95DelayMs: p95,
    lateLossRate: received === 0 ? 0 : (received - played) / received,
    networkLossRate: trace.length === 0 ? 0 : (trace.length - received) / trace.length,
    concealedShare: blocks === 0 ? 0 : concealBlocks / blocks,
    stretchShare: blocks === 0 ? 0 : stretchBlocks / blocks,
    played,
    received,
    late: received - played,
    blocks,
  };
}
