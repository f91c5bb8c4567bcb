import { Concealer } from './Concealer.js';
import { DelayEstimator } from './DelayEstimator.js';
import { GapWaitEstimator } from './GapWaitEstimator.js';
import { JitterError } from './JitterError.js';
import { isOpusDtx, opusPacketInfo } from './opusPacket.js';
import { SampleQueue } from './SampleQueue.js';
import { accelerate, decelerate, stretchInputSamples } from './timeStretch.js';
import type { BlockType, FrameDecoder, JitterPacket, JitterStats, OutputBlock } from './types.js';
import { Unwrapper } from './Unwrapper.js';
import { checkInteger, checkNumber, checkObject, describe, optionalNumber } from './validate.js';

/** Options of {@link JitterBuffer}. */
export interface JitterBufferOptions {
  /** Output sample rate; Opus RTP always runs at 48 kHz. @defaultValue 48000 */
  sampleRate?: 48000;
  /** Output block length in ms: each `pull()` returns this much audio. @defaultValue 10 */
  blockMs?: 10 | 20;
  /**
   * Duration of a packet whose payload does not tell (timing-only mode, corrupt payload), in ms:
   * one of 2.5, 5, 10, 20, 40, 60, 80, 100, 120.
   * @defaultValue 20
   */
  packetMs?: number;
  /** Least time the fastest packet waits in the buffer, in ms. @defaultValue 0 */
  minDelayMs?: number;
  /** Most time the fastest packet waits in the buffer, in ms (10-10000). @defaultValue 1000 */
  maxDelayMs?: number;
  /**
   * Target share of packets that arrive in time (late-loss quantile): the delay estimate is this
   * quantile of recent arrival delays.
   * @defaultValue 0.95
   */
  quantile?: number;
  /** Histogram forgetting factor per packet of the delay estimator. @defaultValue 0.998 */
  forgetFactor?: number;
  /** Sliding window of the delay estimator's minimum, in ms. @defaultValue 3000 */
  windowMs?: number;
  /** Delay assumed before any packet has arrived, in ms. @defaultValue 40 */
  startDelayMs?: number;
  /** The decoder; without one the buffer runs in timing-only mode and blocks carry no `pcm`. */
  decoder?: FrameDecoder;
  /** The clock, used when `pull()` or `push()` get no time. @defaultValue `performance.now()`, or `Date.now()` where there is no `performance` */
  now?: () => number;
  /** Most packets held; more (a flood) resets the buffer. @defaultValue 2 × maxDelayMs / 2.5 + 16 */
  maxPackets?: number;
  /** Samples a timing-only accelerate removes or decelerate inserts, in ms. @defaultValue half a block */
  stretchMs?: number;
  /** Seed of the comfort-noise generator. @defaultValue 1 */
  seed?: number;
  /**
   * Least time past the target that a missing packet is waited for (concealing in place) once
   * later packets have arrived, before it is declared lost, in ms.
   * @defaultValue 20
   */
  lossWaitMs?: number;
  /**
   * Most time past the target that a missing packet is waited for, in ms. Between `lossWaitMs`
   * and this the wait is learned from earlier gaps (see {@link GapWaitEstimator}): long on a path
   * that reorders, short on one that loses packets.
   * @defaultValue 150
   */
  maxLossWaitMs?: number;
}

interface Stored {
  seq: number;
  ts: number;
  arrivalMs: number;
  payload: Uint8Array;
  dtx: boolean;
  duration: number;
  corrupt: boolean;
}

const RATE = 48000;
const PER_MS = RATE / 1000;
const PACKET_MS = [2.5, 5, 10, 20, 40, 60, 80, 100, 120];
const MAX_PAYLOAD = 16384;
const MAX_SEQ_JUMP = 3000;
const CLOCK_JUMP_MS = 10_000;
const PLAYED_RING = 1024;
const CROSSFADE = 120;
const MIN_PERIOD = 120;
const MAX_PERIOD = 720;
const STRETCH_PAUSE = 2;

function emptyStats(): JitterStats {
  return {
    packetsReceived: 0,
    packetsDiscarded: 0,
    packetsLost: 0,
    jitter: 0,
    jitterBufferDelay: 0,
    jitterBufferTargetDelay: 0,
    jitterBufferMinimumDelay: 0,
    jitterBufferEmittedCount: 0,
    totalSamplesReceived: 0,
    concealedSamples: 0,
    silentConcealedSamples: 0,
    concealmentEvents: 0,
    insertedSamplesForDeceleration: 0,
    removedSamplesForAcceleration: 0,
    packetsDuplicated: 0,
    resets: 0,
    decoderErrors: 0,
  };
}

/**
 * An adaptive jitter buffer for Opus voice, after WebRTC's NetEq: `push()` packets as they
 * arrive, `pull()` one block of audio per audio callback. It reorders and deduplicates packets,
 * unwraps sequence numbers and timestamps, tracks the delay that lets a chosen share of packets
 * arrive in time (a quantile of recent arrival delays), and steers the playout toward it by
 * time-stretching speech (accelerate/decelerate by whole pitch periods) or, preferably, by
 * lengthening or cutting silence. Missing packets are concealed; DTX silence becomes comfort
 * noise. Without a decoder it runs in timing-only mode, which the simulator uses.
 *
 * It touches no Node or DOM API, so it runs in an AudioWorklet.
 *
 * @example
 * ```ts
 * const jb = new JitterBuffer({ decoder: await createOpusDecoder() });
 * socket.onpacket = (p) => jb.push({ seq: p.seq, timestamp: p.ts, arrivalMs: performance.now(), payload: p.data });
 * // in the audio callback, every 10 ms:
 * const block = jb.pull(performance.now()); play(block.pcm);
 * ```
 */
export class JitterBuffer {
  private readonly blockSamples: number;
  private readonly packetSamples: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly maxPackets: number;
  private readonly stretchSamples: number;
  private readonly gapWait: GapWaitEstimator;
  private readonly decoder: FrameDecoder | undefined;
  private readonly now: () => number;
  private readonly estimator: DelayEstimator;
  private readonly concealer: Concealer;
  private readonly seqs = new Unwrapper(16);
  private readonly stamps = new Unwrapper(32);
  private readonly sync: SampleQueue;
  private readonly played = new Float64Array(PLAYED_RING).fill(Number.NaN);
  private store: Stored[] = [];
  private started = false;
  private nextTs = 0;
  private lastSeq = 0;
  private lastDtx = false;
  private lastDuration: number;
  private lastPullMs: number | undefined;
  private lastArrivalMs: number | undefined;
  private lastTransit: number | undefined;
  private firstSeq: number | undefined;
  private highestSeq = 0;
  private highestTs = 0;
  private uniqueReceived = 0;
  private concealing = false;
  private appendedConceal = false;
  // The first packet after silence fades in: the decoder may still hold the state of audio
  // played before a reset, and its first samples need not start near zero.
  private fadeIn = true;
  private stretchPause = 0;
  // The missing packet being waited for (the first of a gap), and one given up on whose fate is
  // still unknown: both teach the gap-wait estimator.
  private gapTs: number | undefined;
  private pendingTs: number | undefined;
  private pendingUntil = 0;
  private s: JitterStats = emptyStats();

  /**
   * @param options - see {@link JitterBufferOptions}
   * @throws JitterError `INVALID_OPTION` for an out-of-range or mistyped option
   */
  constructor(options: JitterBufferOptions = {}) {
    const o = checkObject('INVALID_OPTION', 'options', options);
    if (o.sampleRate !== undefined && o.sampleRate !== RATE) {
      throw new JitterError('INVALID_OPTION', `sampleRate must be 48000 (Opus RTP runs at 48 kHz), got ${describe(o.sampleRate)}`);
    }
    if (o.blockMs !== undefined && o.blockMs !== 10 && o.blockMs !== 20) {
      throw new JitterError('INVALID_OPTION', `blockMs must be 10 or 20, got ${describe(o.blockMs)}`);
    }
    const blockMs = options.blockMs ?? 10;
    this.blockSamples = blockMs * PER_MS;
    const packetMs = options.packetMs ?? 20;
    if (!PACKET_MS.includes(packetMs)) {
      throw new JitterError('INVALID_OPTION', `packetMs must be one of ${PACKET_MS.join(', ')}, got ${describe(packetMs)}`);
    }
    this.packetSamples = packetMs * PER_MS;
    this.lastDuration = this.packetSamples;
    this.maxDelayMs = optionalNumber('maxDelayMs', options.maxDelayMs, 1000, 10, 10_000);
    this.minDelayMs = optionalNumber('minDelayMs', options.minDelayMs, 0, 0, this.maxDelayMs);
    this.maxPackets = Math.floor(optionalNumber('maxPackets', options.maxPackets, (2 * this.maxDelayMs) / 2.5 + 16, 4, 100_000));
    this.stretchSamples = Math.round(optionalNumber('stretchMs', options.stretchMs, blockMs / 2, 1, blockMs) * PER_MS);
    const lossWaitMs = optionalNumber('lossWaitMs', options.lossWaitMs, 20, 0, this.maxDelayMs);
    const maxLossWaitMs = optionalNumber('maxLossWaitMs', options.maxLossWaitMs, Math.min(this.maxDelayMs, Math.max(150, lossWaitMs)), lossWaitMs, this.maxDelayMs);
    this.gapWait = new GapWaitEstimator({ minWaitMs: lossWaitMs, maxWaitMs: maxLossWaitMs });
    if (options.decoder !== undefined && (typeof options.decoder !== 'object' || typeof options.decoder.decode !== 'function')) {
      throw new JitterError('INVALID_OPTION', 'decoder must be an object with a decode(payload) method');
    }
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new JitterError('INVALID_OPTION', 'now must be a function returning the time in ms');
    }
    this.decoder = options.decoder;
    // AudioWorkletGlobalScope has no `performance`: fall back to Date.now() there.
    this.now = options.now ?? ((): number => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
    this.estimator = new DelayEstimator({
      rangeMs: this.maxDelayMs * 2,
      ...(options.quantile !== undefined && { quantile: options.quantile }),
      ...(options.forgetFactor !== undefined && { forgetFactor: options.forgetFactor }),
      ...(options.windowMs !== undefined && { windowMs: options.windowMs }),
      ...(options.startDelayMs !== undefined && { startDelayMs: Math.min(options.startDelayMs, this.maxDelayMs) }),
    });
    this.concealer = new Concealer(options.seed !== undefined ? { seed: options.seed } : {});
    this.sync = new SampleQueue(this.decoder !== undefined, 8 * 5760);
  }

  /** Packets waiting in the buffer. */
  get size(): number {
    return this.store.length;
  }

  /**
   * Hands the buffer one received packet. Reordered packets are put in place, duplicates and
   * packets too late to play are counted and dropped.
   *
   * @param packet - see {@link JitterPacket}
   * @throws JitterError `INVALID_PACKET` when a field is missing, non-finite, out of range or the
   *   payload is larger than 16 KiB
   */
  push(packet: JitterPacket): void {
    const p = checkObject('INVALID_PACKET', 'packet', packet);
    const seq = checkInteger('INVALID_PACKET', 'packet.seq', p.seq, 0, 0xffff);
    const timestamp = checkInteger('INVALID_PACKET', 'packet.timestamp', p.timestamp, 0, 0xffffffff);
    const arrivalMs = p.arrivalMs === undefined ? this.now() : checkNumber('INVALID_PACKET', 'packet.arrivalMs', p.arrivalMs, -1e15, 1e15);
    const payload = p.payload;
    if (!(payload instanceof Uint8Array)) throw new JitterError('INVALID_PACKET', 'packet.payload must be a Uint8Array (empty in timing-only mode)');
    if (payload.length > MAX_PAYLOAD) throw new JitterError('INVALID_PACKET', `packet.payload has ${payload.length} bytes; at most ${MAX_PAYLOAD} are accepted`);
    if (p.dtx !== undefined && typeof p.dtx !== 'boolean') throw new JitterError('INVALID_PACKET', 'packet.dtx must be a boolean when given');

    let duration = this.packetSamples;
    let corrupt = false;
    if (payload.length > 0) {
      try {
        duration = opusPacketInfo(payload).durationSamples;
      } catch {
        corrupt = true;
      }
    } else if (this.decoder !== undefined) corrupt = true;
    const dtx = (p.dtx as boolean | undefined) ?? isOpusDtx(payload);

    if (this.isDiscontinuity(seq, timestamp, arrivalMs)) this.reset();
    this.s.packetsReceived++;
    const useq = this.seqs.unwrap(seq);
    const ts = this.stamps.unwrap(timestamp);
    this.trackArrival(useq, ts, arrivalMs);

    if (this.played[((useq % PLAYED_RING) + PLAYED_RING) % PLAYED_RING] === useq || this.findSeq(useq, ts)) {
      this.s.packetsDuplicated++;
      return;
    }
    this.uniqueReceived++;
    if (ts === this.gapTs || ts === this.pendingTs) {
      // A packet that was missing turned up: how far past the target tells the gap-wait estimator
      // how long waiting would have had to be.
      this.gapWait.recordLate(arrivalMs - ts / PER_MS - this.targetOffset());
      if (ts === this.gapTs) this.gapTs = undefined;
      else this.pendingTs = undefined;
    }
    this.estimator.update(arrivalMs, ts / PER_MS);
    if (this.started && ts < this.nextTs) {
      this.s.packetsDiscarded++;
      return;
    }
    if (this.store.length >= this.maxPackets) {
      // A flood: flush rather than grow or stall; the packet starts the stream afresh.
      this.flush();
    }
    this.insert({ seq: useq, ts, arrivalMs, payload, dtx, duration, corrupt });
  }

  private isDiscontinuity(seq: number, timestamp: number, arrivalMs: number): boolean {
    if (this.lastArrivalMs === undefined) return false;
    if (arrivalMs < this.lastArrivalMs - CLOCK_JUMP_MS || arrivalMs > this.lastArrivalMs + CLOCK_JUMP_MS) return true;
    if (Math.abs(this.seqs.peek(seq) - this.highestSeq) > MAX_SEQ_JUMP) return true;
    return Math.abs(this.stamps.peek(timestamp) - this.highestTs) > (this.maxDelayMs + CLOCK_JUMP_MS) * PER_MS;
  }

  private trackArrival(useq: number, ts: number, arrivalMs: number): void {
    if (this.firstSeq === undefined) {
      this.firstSeq = useq;
      this.highestSeq = useq;
    }
    if (useq > this.highestSeq) this.highestSeq = useq;
    if (this.firstSeq === useq || ts > this.highestTs) this.highestTs = ts;
    // RFC 3550 section 6.4.1 interarrival jitter, in seconds.
    const transit = arrivalMs - ts / PER_MS;
    if (this.lastTransit !== undefined) this.s.jitter += (Math.abs(transit - this.lastTransit) / 1000 - this.s.jitter) / 16;
    this.lastTransit = transit;
    this.lastArrivalMs = arrivalMs;
  }

  private findSeq(useq: number, ts: number): boolean {
    const i = this.lowerBound(ts);
    const at = this.store[i];
    if (at !== undefined && at.ts === ts) return true;
    // A duplicate seq with a different timestamp is still a duplicate.
    for (const q of this.store) if (q.seq === useq) return true;
    return false;
  }

  private lowerBound(ts: number): number {
    let lo = 0;
    let hi = this.store.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.store[mid]!.ts < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private insert(q: Stored): void {
    const last = this.store[this.store.length - 1];
    if (last === undefined || last.ts < q.ts) this.store.push(q);
    else this.store.splice(this.lowerBound(q.ts), 0, q);
  }

  private flush(): void {
    this.s.resets++;
    this.s.packetsDiscarded += this.store.length;
    this.store = [];
    this.sync.clear();
    this.started = false;
    this.gapTs = undefined;
    this.pendingTs = undefined;
  }

  /** Drops every packet and all timing history, keeping the counters; counts a reset. */
  reset(): void {
    this.s.packetsLost = this.stats().packetsLost;
    this.uniqueReceived = 0;
    this.flush();
    this.estimator.reset();
    this.gapWait.reset();
    this.seqs.reset();
    this.stamps.reset();
    this.played.fill(Number.NaN);
    this.firstSeq = undefined;
    this.lastTransit = undefined;
    this.lastArrivalMs = undefined;
    this.lastPullMs = undefined;
    this.lastDtx = false;
  }

  /** The playout offset the buffer aims at, in ms (arrival time minus media time of a packet that just makes it). */
  private targetOffset(): number {
    const m = this.estimator.minOffsetMs();
    const est = this.estimator.targetOffsetMs();
    return Math.min(Math.max(est, m + this.minDelayMs), m + this.maxDelayMs);
  }

  /** Offset of the pull that will need the packet at `nextTs` if the queue holds `queued` samples. */
  private needOffset(t: number, queued: number): number {
    const B = this.blockSamples;
    return t + (queued - (queued % B) - this.nextTs) / PER_MS;
  }

  /**
   * Produces the next block of audio.
   *
   * @param nowMs - the current time on the clock of `arrivalMs`; defaults to the `now` option
   * @returns the block: its type, the packets it consumed and, with a decoder, its PCM
   * @throws JitterError `INVALID_TIME` when `nowMs` is not a finite number
   */
  pull(nowMs?: number): OutputBlock {
    const t = nowMs === undefined ? this.now() : nowMs;
    checkNumber('INVALID_TIME', 'nowMs', t, -1e15, 1e15);
    if (this.lastPullMs !== undefined && (t < this.lastPullMs - CLOCK_JUMP_MS || t > this.lastPullMs + CLOCK_JUMP_MS)) this.reset();
    this.lastPullMs = t;
    if (this.pendingTs !== undefined && t > this.pendingUntil) {
      this.gapWait.recordLost();
      this.pendingTs = undefined;
    }
    const B = this.blockSamples;
    const block: Fetch = { kinds: 0, seqs: [], seqOffsets: [] };
    if (!this.started && !this.tryStart(t)) return this.emit(block, 'silence');

    this.dropStale();
    this.steer(t, block);
    while (this.sync.length < B) this.fetch(t, block, B);
    return this.emit(block, undefined);
  }

  private tryStart(t: number): boolean {
    const first = this.store[0];
    if (first === undefined) return false;
    if (t < this.targetOffset() + first.ts / PER_MS) return false;
    this.started = true;
    this.fadeIn = true;
    this.nextTs = first.ts;
    this.lastSeq = first.seq - 1;
    this.lastDtx = false;
    return true;
  }

  private dropStale(): void {
    let k = 0;
    while (k < this.store.length && this.store[k]!.ts < this.nextTs) k++;
    if (k > 0) {
      this.s.packetsDiscarded += k;
      this.store.splice(0, k);
    }
  }

  /** True when the next thing to play is silence: DTX, or a timestamp gap with no missing packet. */
  private inSilence(): boolean {
    const p = this.store[0];
    if (p === undefined) return this.lastDtx;
    return p.ts > this.nextTs && (this.lastDtx || p.seq === this.lastSeq + 1);
  }

  /** Moves the playout toward the target: in silence by cutting or adding silence, in speech by time-stretching. */
  private steer(t: number, block: Fetch): void {
    const B = this.blockSamples;
    const target = this.targetOffset();
    const S = this.sync.length;
    if (S < B && this.inSilence()) {
      const N = this.needOffset(t, S);
      const p = this.store[0];
      if (N > target) {
        const room = p === undefined ? Infinity : p.ts - this.nextTs;
        const cut = Math.min(Math.floor((N - target) * PER_MS), room);
        if (cut > 0) this.nextTs += cut;
      } else if (N < target) {
        this.appendFiller(B - S, 'cn', block);
      }
      return;
    }
    if (this.concealing) return;
    if (this.stretchPause > 0) {
      this.stretchPause--;
      return;
    }
    if (this.needOffset(t, S) < target) this.stretch(t, block, 1);
    else this.stretch(t, block, -1);
  }

  /** Tries one accelerate (-1) or decelerate (+1); an accelerate only if it keeps the need offset at or above target. */
  private stretch(t: number, block: Fetch, sign: 1 | -1): void {
    const target = this.targetOffset();
    if (!this.sync.pcm) {
      const R = this.stretchSamples;
      this.fillContiguous(t, block, this.blockSamples + R);
      const S = this.sync.length;
      if (S < this.blockSamples + R) return;
      if (sign === -1 && this.needOffset(t, S - R) < target) return;
      this.sync.replaceHead(R, sign === 1 ? 2 * R : 0);
      this.noteStretch(block, sign, R);
      return;
    }
    let options = {};
    if (sign === -1) {
      // The most an accelerate may remove and keep the need offset at or above target: the
      // queue must still hold the whole blocks that lie before the target.
      const B = this.blockSamples;
      this.fillContiguous(t, block, 2 * MAX_PERIOD + B);
      const keep = Math.ceil(((target - t) * PER_MS + this.nextTs) / B) * B;
      const room = Math.min(this.sync.length - keep, MAX_PERIOD);
      // Skip the pitch search when even the shortest period would take the playout below target.
      if (room < MIN_PERIOD) return;
      options = { maxPeriodMs: room / PER_MS };
    }
    const need = stretchInputSamples(options);
    this.fillContiguous(t, block, need + this.blockSamples);
    if (this.sync.length < need) return;
    const head = this.sync.head(need);
    const r = sign === 1 ? decelerate(head) : accelerate(head, options);
    if (r.changed === 0) {
      // The signal does not repeat here (onset, noise): let it move on before searching again.
      this.stretchPause = STRETCH_PAUSE;
      return;
    }
    this.sync.replaceHead(need, r.output);
    this.noteStretch(block, sign, r.changed);
  }

  private noteStretch(block: Fetch, sign: 1 | -1, n: number): void {
    if (sign === 1) {
      this.s.insertedSamplesForDeceleration += n;
      block.kinds |= DECEL;
    } else {
      this.s.removedSamplesForAcceleration += n;
      block.kinds |= ACCEL;
    }
  }

  /** Decodes packets that follow on without a gap until the queue holds `want` samples. */
  private fillContiguous(t: number, block: Fetch, want: number): void {
    while (this.sync.length < want) {
      const p = this.store[0];
      if (p === undefined || p.ts !== this.nextTs) return;
      this.consume(t, block);
    }
  }

  /** Appends what comes next: the next packet, comfort noise across a silence gap, or concealment. */
  private fetch(t: number, block: Fetch, want: number): void {
    const p = this.store[0];
    const missing = want - this.sync.length;
    if (p !== undefined && p.ts < this.nextTs) {
      // Overlaps audio already queued (timestamps closer than the packet durations): too late.
      this.store.shift();
      this.s.packetsDiscarded++;
      return;
    }
    if (p !== undefined && p.ts === this.nextTs) {
      this.consume(t, block);
      return;
    }
    if (this.inSilence()) {
      const n = p === undefined ? missing : Math.min(missing, p.ts - this.nextTs);
      this.appendFiller(n, 'cn', block);
      this.nextTs += n;
      return;
    }
    if (p !== undefined && this.needOffset(t, this.sync.length) >= this.targetOffset() + this.gapWait.waitMs()) {
      // Later packets are here and waiting longer costs more than the packet is likely worth:
      // declare the next packet lost and conceal it in its place.
      if (this.gapTs === this.nextTs) this.giveUp(t);
      const n = Math.min(p.ts - this.nextTs, this.lastDuration);
      this.appendFiller(n, 'conceal', block);
      this.nextTs += n;
      this.lastSeq++;
      return;
    }
    // Underrun or a packet still expected: conceal in place, which lets the delay grow.
    if (p !== undefined && (this.gapTs === undefined || this.gapTs < this.nextTs)) this.gapTs = this.nextTs;
    this.appendFiller(missing, 'conceal', block);
  }

  /** Gives up on the packet waited for; its fate (late, or never) is learned when known. */
  private giveUp(t: number): void {
    if (this.pendingTs !== undefined) this.gapWait.recordLost();
    this.pendingTs = this.gapTs;
    this.pendingUntil = t + 2 * this.gapWait.maxWaitMs;
    this.gapTs = undefined;
  }

  private consume(t: number, block: Fetch): void {
    const p = this.store.shift()!;
    const offset = this.sync.length;
    block.seqs.push(p.seq & 0xffff);
    block.seqOffsets.push(offset);
    const playMs = t + offset / PER_MS;
    this.s.jitterBufferDelay += ((playMs - p.arrivalMs) / 1000) * p.duration;
    const m = this.estimator.minOffsetMs();
    this.s.jitterBufferTargetDelay += ((this.targetOffset() - m) / 1000) * p.duration;
    this.s.jitterBufferMinimumDelay += (Math.max(0, this.estimator.targetOffsetMs() - m) / 1000) * p.duration;
    this.s.jitterBufferEmittedCount += p.duration;
    this.played[((p.seq % PLAYED_RING) + PLAYED_RING) % PLAYED_RING] = p.seq;
    this.nextTs = p.ts + p.duration;
    this.lastSeq = p.seq;
    this.lastDtx = p.dtx;
    this.lastDuration = p.duration;
    if (this.decoder === undefined) {
      this.sync.append(p.duration);
      this.concealing = false;
      return;
    }
    // The concealment would have gone on; fade from its continuation into the decoded audio,
    // since the decoder's state need not match what was played (libopus conceals whole frames ahead).
    const tail = this.appendedConceal ? this.concealment(CROSSFADE) : undefined;
    const pcm = this.decode(p);
    if (pcm === undefined) {
      this.appendFiller(p.duration, 'conceal', block);
      return;
    }
    if (tail !== undefined || this.fadeIn) {
      const n = Math.min(CROSSFADE, pcm.length);
      for (let i = 0; i < n; i++) {
        const w = (i + 0.5) / n;
        pcm[i] = pcm[i]! * w + (tail === undefined ? 0 : tail[i]! * (1 - w));
      }
    }
    this.fadeIn = false;
    this.sync.append(pcm);
    this.concealing = false;
    this.appendedConceal = false;
  }

  private decode(p: Stored): Float32Array | undefined {
    if (p.corrupt) {
      this.s.decoderErrors++;
      return undefined;
    }
    try {
      const pcm = this.decoder!.decode(p.payload);
      if (pcm instanceof Float32Array && pcm.length === p.duration) {
        for (let i = 0; i < pcm.length; i++) if (!Number.isFinite(pcm[i]!)) return this.decoderFailed();
        return pcm;
      }
    } catch {
      // A throwing decoder is a decoder failure like any other: conceal and count.
    }
    return this.decoderFailed();
  }

  private decoderFailed(): undefined {
    this.s.decoderErrors++;
    return undefined;
  }

  /** Appends `n` samples of concealment ('conceal') or comfort noise ('cn'). */
  private appendFiller(n: number, kind: 'conceal' | 'cn', block: Fetch): void {
    if (n <= 0) return;
    if (kind === 'conceal') {
      if (!this.concealing) this.s.concealmentEvents++;
      this.concealing = true;
      block.kinds |= CONCEAL;
    } else {
      block.kinds |= CN;
      this.s.silentConcealedSamples += n;
    }
    this.s.concealedSamples += n;
    if (!this.sync.pcm) {
      this.sync.append(n);
      return;
    }
    this.appendedConceal = kind === 'conceal';
    this.sync.append(kind === 'cn' ? this.concealer.comfortNoise(n) : this.concealment(n));
  }

  /** `n` samples of concealment: the decoder's own if it has one and it works, else pitch repetition. */
  private concealment(n: number): Float32Array {
    if (this.decoder?.conceal !== undefined) {
      try {
        const out = this.decoder.conceal(n);
        if (out instanceof Float32Array && out.length === n && out.every(Number.isFinite)) return out;
      } catch {
        // Counted below like a wrong-sized result.
      }
      this.s.decoderErrors++;
    }
    return this.concealer.conceal(n);
  }

  private emit(block: Fetch, forced: BlockType | undefined): OutputBlock {
    const B = this.blockSamples;
    this.s.totalSamplesReceived += B;
    let type: BlockType = forced ?? 'normal';
    if (forced === undefined) {
      if (block.kinds & CONCEAL) type = 'conceal';
      else if (block.kinds & ACCEL) type = 'accelerate';
      else if (block.kinds & DECEL) type = 'decelerate';
      else if (block.kinds & CN) type = 'comfort-noise';
    }
    const out: OutputBlock = { type, seqs: block.seqs, seqOffsets: block.seqOffsets, samples: B };
    if (this.sync.pcm) {
      const pcm = new Float32Array(B);
      if (forced === undefined) this.sync.shift(B, pcm);
      if (type !== 'conceal' && type !== 'silence' && type !== 'comfort-noise') this.concealer.remember(pcm);
      out.pcm = pcm;
    } else if (forced === undefined) this.sync.shift(B, undefined);
    return out;
  }

  /**
   * The counters so far, named as in W3C RTCInboundRtpStreamStats.
   * @returns a fresh copy
   */
  stats(): JitterStats {
    const expected = this.firstSeq === undefined ? 0 : this.highestSeq - this.firstSeq + 1;
    return { ...this.s, packetsLost: this.s.packetsLost + Math.max(0, expected - this.uniqueReceived) };
  }

  /**
   * The current target delay: how long the fastest recent packet waits before it plays, in ms.
   * @returns the target in ms
   */
  targetDelayMs(): number {
    return this.targetOffset() - this.estimator.minOffsetMs();
  }
}

const CONCEAL = 1;
const ACCEL = 2;
const DECEL = 4;
const CN = 8;

interface Fetch {
  kinds: number;
  seqs: number[];
  seqOffsets: number[];
}
