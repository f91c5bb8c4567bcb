import { seededRandom } from './rng.js';
import type { TracePacket } from './trace.js';
import { optionalNumber } from './validate.js';

/** What {@link generateTrace} puts into a synthetic trace; every impairment is off unless set. */
export interface TraceModel {
  /** Packets to send (DTX silences send fewer). @defaultValue 3000 */
  packets?: number;
  /** Packet interval, in ms. @defaultValue 20 */
  frameMs?: number;
  /** Seed: the same model and seed give the same trace. @defaultValue 1 */
  seed?: number;
  /** Fixed one-way delay, in ms. @defaultValue 30 */
  baseDelayMs?: number;
  /** Pareto-distributed extra delay: scale x_m (ms) and shape alpha (heavier tail when smaller). */
  pareto?: { scaleMs: number; shape: number };
  /** Gilbert-Elliott loss: P(good→bad), P(bad→good) per packet, and loss probability in each state. */
  gilbertElliott?: { pGoodToBad: number; pBadToGood: number; lossGood: number; lossBad: number };
  /** Delay spikes: probability per packet that one starts, its height and how long it takes to decay, in ms. */
  spikes?: { probability: number; heightMs: number; decayMs: number };
  /** Probability that a packet overtakes its predecessor (swapped arrival times). */
  reorder?: number;
  /** DTX talk spurts: mean talk and silence lengths, in ms (exponential); silence sends a DTX packet every 400 ms. */
  dtx?: { talkMs: number; silenceMs: number };
  /** Keep arrivals in send order (a FIFO network path) before reordering is applied. @defaultValue true */
  fifo?: boolean;
}

/**
 * Generates a synthetic packet trace from a declared model: Pareto jitter over a base delay,
 * Gilbert-Elliott bursty loss, decaying delay spikes, reordering and DTX talk spurts.
 *
 * @param model - see {@link TraceModel}
 * @returns the trace in send order
 * @throws JitterError `INVALID_OPTION` for an out-of-range model parameter
 * @example
 * ```ts
 * const trace = generateTrace({ pareto: { scaleMs: 5, shape: 2 }, gilbertElliott: { pGoodToBad: 0.01, pBadToGood: 0.3, lossGood: 0, lossBad: 0.5 } });
 * ```
 */
export function generateTrace(model: TraceModel = {}): TracePacket[] {
  const packets = Math.floor(optionalNumber('packets', model.packets, 3000, 0, 10_000_000));
  const frame = optionalNumber('frameMs', model.frameMs, 20, 0.5, 1000);
  const base = optionalNumber('baseDelayMs', model.baseDelayMs, 30, 0, 1e6);
  const rand = seededRandom(optionalNumber('seed', model.seed, 1, -(2 ** 31), 2 ** 32));
  const exp = (mean: number): number => -mean * Math.log(1 - rand());
  const pareto = model.pareto;
  if (pareto) {
    optionalNumber('pareto.scaleMs', pareto.scaleMs, 1, 0, 1e5);
    optionalNumber('pareto.shape', pareto.shape, 2, 0.5, 100);
  }
  const ge = model.gilbertElliott;
  if (ge) for (const k of ['pGoodToBad', 'pBadToGood', 'lossGood', 'lossBad'] as const) optionalNumber(`gilbertElliott.${k}`, ge[k], 0, 0, 1);
  const spikes = model.spikes;
  if (spikes) {
    optionalNumber('spikes.probability', spikes.probability, 0, 0, 1);
    optionalNumber('spikes.heightMs', spikes.heightMs, 0, 0, 1e5);
    optionalNumber('spikes.decayMs', spikes.decayMs, 1, 1, 1e6);
  }
  const reorder = optionalNumber('reorder', model.reorder, 0, 0, 1);
  const dtx = model.dtx;
  if (dtx) {
    optionalNumber('dtx.talkMs', dtx.talkMs, 1000, frame, 1e6);
    optionalNumber('dtx.silenceMs', dtx.silenceMs, 1000, frame, 1e6);
  }
  const fifo = model.fifo ?? true;

  const out: TracePacket[] = [];
  let bad = false;
  let spikeLeft = 0;
  let spikeStart = 0;
  let t = 0;
  let talkLeft = dtx ? exp(dtx.talkMs) : Infinity;
  let lastArrival = -Infinity;
  while (out.length < packets) {
    if (talkLeft <= 0 && dtx) {
      // Silence: one DTX packet now and every 400 ms, then talk resumes on the frame grid.
      const silence = Math.max(frame, exp(dtx.silenceMs));
      for (let s = 0; s < silence && out.length < packets - 1; s += 400) out.push(send(t + s, true));
      t += Math.ceil(silence / frame) * frame;
      talkLeft = exp(dtx.talkMs);
      continue;
    }
    out.push(send(t, false));
    t += frame;
    talkLeft -= frame;
  }
  if (reorder > 0) {
    for (let i = 1; i < out.length; i++) {
      const a = out[i - 1]!;
      const b = out[i]!;
      if (a.arrivalMs !== null && b.arrivalMs !== null && rand() < reorder) {
        const tmp = a.arrivalMs;
        out[i - 1] = { ...a, arrivalMs: b.arrivalMs };
        out[i] = { ...b, arrivalMs: tmp };
      }
    }
  }
  return out;

  function send(sendMs: number, isDtx: boolean): TracePacket {
    if (ge) bad = bad ? rand() >= ge.pBadToGood : rand() < ge.pGoodToBad;
    const lost = ge !== undefined && rand() < (bad ? ge.lossBad : ge.lossGood);
    let delay = base;
    if (pareto && pareto.scaleMs > 0) delay += pareto.scaleMs * (Math.pow(1 - rand(), -1 / pareto.shape) - 1);
    if (spikes) {
      if (spikeLeft <= 0 && rand() < spikes.probability) {
        spikeLeft = spikes.decayMs;
        spikeStart = sendMs;
      }
      if (spikeLeft > 0) {
        const age = sendMs - spikeStart;
        delay += spikes.heightMs * Math.max(0, 1 - age / spikes.decayMs);
        spikeLeft = spikes.decayMs - age;
      }
    }
    let arrival = sendMs + delay;
    if (fifo) arrival = Math.max(arrival, lastArrival);
    if (!lost) lastArrival = arrival;
    const p: TracePacket = { sendMs, arrivalMs: lost ? null : arrival };
    if (isDtx) p.dtx = true;
    return p;
  }
}
