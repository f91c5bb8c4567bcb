import { AimdRateController, type RateControlState } from './AimdRateController.js';
import { describe, finiteAtLeast, integerIn, optionAtLeast } from './check.js';
import { SimulcastError } from './errors.js';
import { LossBasedBound } from './LossBasedBound.js';
import { OveruseDetector, type BandwidthUsage } from './OveruseDetector.js';
import { RateWindow } from './RateWindow.js';
import { ThroughputEstimator } from './ThroughputEstimator.js';
import { TrendlineEstimator } from './TrendlineEstimator.js';

/** Tuning of {@link BandwidthEstimator}. */
export interface BandwidthEstimatorOptions {
  /** The clock, in milliseconds. @defaultValue `() => performance.now()` */
  readonly now?: () => number;
  /** Start estimate. @defaultValue 300_000 */
  readonly initialBps?: number;
  /** Floor of the estimate: below Opus plus overhead a voice link is of no use, and a floor under the audio rate would pause the very packets whose feedback lets the estimate recover. @defaultValue 50_000 */
  readonly minBps?: number;
  /** Ceiling of the estimate. @defaultValue 100_000_000 */
  readonly maxBps?: number;
  /** Round-trip time until {@link BandwidthEstimator.setRttMs} says otherwise. @defaultValue 100 */
  readonly rttMs?: number;
  /** Sent packets older than this are forgotten; feedback for them counts as unknown. @defaultValue 10_000 */
  readonly historyMs?: number;
}

/** One packet handed to the network. */
export interface SentPacket {
  /** Transport-wide sequence number, unwrapped (monotonic integer). */
  readonly seq: number;
  readonly sizeBytes: number;
  /** Defaults to `now()`. */
  readonly sendTimeMs?: number;
  /** Set on packets of a probe cluster started with {@link BandwidthEstimator.startProbe}. */
  readonly probeClusterId?: number;
}

/** Transport-wide feedback for one packet: its arrival time at the receiver, or null when lost. */
export interface PacketReport {
  readonly seq: number;
  readonly arrivalTimeMs: number | null;
}

/** Network reality the estimator tolerated rather than threw on. */
export interface EstimatorCounters {
  readonly sent: number;
  readonly received: number;
  readonly lost: number;
  /** Feedback for a sequence number never sent or already forgotten. */
  readonly unknown: number;
  /** Feedback repeated for a packet already reported received. */
  readonly duplicate: number;
  /** Packets that arrived out of send order; left out of the delay gradient. */
  readonly reordered: number;
}

/** A snapshot of the estimator. */
export interface EstimatorState {
  readonly estimateBps: number;
  readonly delayBasedBps: number;
  readonly lossBasedBps: number;
  readonly ackedBps: number;
  /** The smoothed acknowledged rate a back-off never goes below 85% of; NaN before 500 ms of feedback. */
  readonly throughputBps: number;
  readonly usage: BandwidthUsage;
  readonly rateControl: RateControlState;
  readonly lossRatio: number;
  readonly trendMs: number;
  readonly thresholdMs: number;
  readonly probing: boolean;
  readonly counters: EstimatorCounters;
}

interface Sent {
  sendMs: number;
  size: number;
  probe: number;
  acked: boolean;
}

interface Probe {
  targetBps: number;
  startMs: number;
  firstSend: number;
  lastSend: number;
  sentBytes: number;
  lastSize: number;
  firstArrival: number;
  lastArrival: number;
  recvBytes: number;
  firstSize: number;
  received: number;
}

const GROUP_MS = 5;
// libwebrtc's InterArrival: packets arriving within 5 ms of the group's last one, faster than they
// were sent, are one burst (a link delivering what queued during a stall), for at most 100 ms.
const BURST_DELTA_MS = 5;
const MAX_BURST_MS = 100;
const ACK_WINDOW_MS = 500;
const PROBE_MIN_PACKETS = 5;
const PROBE_TIMEOUT_MS = 1000;

/**
 * A Google-Congestion-Control-style send-side bandwidth estimator: packet groups' delay
 * gradient through a trendline filter, an adaptive overuse threshold, an AIMD rate controller
 * capped by the acknowledged rate, a loss-based bound, and probe clusters that let the estimate
 * jump to a measured rate. As in libwebrtc, packets that arrive in a burst faster than they were
 * sent (a link delivering what queued during a stall) form one group, and back-offs read a
 * smoothed acknowledged rate, so that a cellular stall is one delay step, not a spiral of cuts.
 * Pure logic: it reads time only through the injected `now()`.
 *
 * Feedback for unknown, duplicate or reordered packets is counted, never thrown on: that is the
 * network's doing. Malformed calls (non-integer sequence numbers, NaN times) throw.
 *
 * @example
 * ```ts
 * const bwe = new BandwidthEstimator({ now: () => clock.ms });
 * bwe.onPacketSent({ seq: 1, sizeBytes: 1200 });
 * bwe.onFeedback([{ seq: 1, arrivalTimeMs: 1030 }]);
 * selector.update(tracks, bwe.estimateBps());
 * ```
 */
export class BandwidthEstimator {
  private readonly now: () => number;
  private readonly historyMs: number;
  private rttMs: number;
  private readonly sent = new Map<number, Sent>();
  private readonly trend = new TrendlineEstimator();
  private readonly detector = new OveruseDetector();
  private readonly aimd: AimdRateController;
  private readonly loss: LossBasedBound;
  private readonly probes = new Map<number, Probe>();
  private nextProbeId = 1;
  private usage: BandwidthUsage = 'normal';
  // The packet group being filled and the last completed one (send/arrival of their last packet).
  private groupFirstSend = Number.NaN;
  private groupFirstArrival = Number.NaN;
  private groupLastSend = Number.NaN;
  private groupLastArrival = Number.NaN;
  private prevGroupSend = Number.NaN;
  private prevGroupArrival = Number.NaN;
  private highestSendMs = -Infinity;
  private readonly acked = new RateWindow(ACK_WINDOW_MS);
  private readonly throughput = new ThroughputEstimator();
  // Send rate (probes excluded) over the same window length, to compare with the acked rate.
  private readonly sentRate = new RateWindow(ACK_WINDOW_MS);
  private counters = { sent: 0, received: 0, lost: 0, unknown: 0, duplicate: 0, reordered: 0 };

  /**
   * @param options - clock, start rate, bounds
   * @throws {@link SimulcastError} `INVALID_OPTION` for invalid options
   */
  constructor(options: BandwidthEstimatorOptions = {}) {
    if (options.now !== undefined && typeof options.now !== 'function') throw new SimulcastError('INVALID_OPTION', 'now must be a function returning milliseconds');
    this.now = options.now ?? (() => performance.now());
    const minBps = optionAtLeast(options.minBps, 50_000, 1, 'minBps');
    const maxBps = optionAtLeast(options.maxBps, 100_000_000, minBps, 'maxBps');
    const initial = optionAtLeast(options.initialBps, 300_000, minBps, 'initialBps');
    if (initial > maxBps) throw new SimulcastError('INVALID_OPTION', `initialBps ${initial} must be <= maxBps ${maxBps}`);
    this.rttMs = optionAtLeast(options.rttMs, 100, 0, 'rttMs');
    this.historyMs = optionAtLeast(options.historyMs, 10_000, 100, 'historyMs');
    this.aimd = new AimdRateController(initial, minBps, maxBps);
    this.loss = new LossBasedBound(initial);
  }

  /**
   * The estimate to allocate against: the lower of the delay-based and loss-based rates.
   *
   * @returns bits per second, always finite and within [minBps, maxBps]
   */
  estimateBps(): number {
    return Math.min(this.aimd.bps, Math.max(this.loss.bps, 0));
  }

  /**
   * Updates the round-trip time used to pace decreases.
   *
   * @param rttMs - a finite, non-negative round-trip time
   * @throws {@link SimulcastError} `INVALID_NUMBER` otherwise
   */
  setRttMs(rttMs: number): void {
    this.rttMs = Math.min(finiteAtLeast(rttMs, 0, 'rttMs'), 10_000);
  }

  /**
   * Records a packet handed to the network.
   *
   * @param packet - sequence number, size, optional send time and probe cluster
   * @throws {@link SimulcastError} `INVALID_PACKET` for a malformed record
   */
  onPacketSent(packet: SentPacket): void {
    if (typeof packet !== 'object' || packet === null) throw new SimulcastError('INVALID_PACKET', `packet must be an object, got ${describe(packet)}`);
    const seq = integerIn(packet.seq, 0, Number.MAX_SAFE_INTEGER, 'packet seq', 'INVALID_PACKET');
    const size = integerIn(packet.sizeBytes, 1, 65_535, 'packet sizeBytes', 'INVALID_PACKET');
    const sendMs = packet.sendTimeMs === undefined ? this.now() : finiteAtLeast(packet.sendTimeMs, -Infinity, 'packet sendTimeMs', 'INVALID_PACKET');
    const probeId = packet.probeClusterId === undefined ? 0 : integerIn(packet.probeClusterId, 1, Number.MAX_SAFE_INTEGER, 'packet probeClusterId', 'INVALID_PACKET');
    if (this.sent.has(seq)) throw new SimulcastError('INVALID_PACKET', `packet seq ${seq} was already sent; sequence numbers must be unique (unwrap 16-bit transport-wide numbers first)`);
    this.sent.set(seq, { sendMs, size, probe: probeId, acked: false });
    this.counters.sent++;
    if (probeId === 0) this.sentRate.add(sendMs, size);
    const p = probeId === 0 ? undefined : this.probes.get(probeId);
    if (p !== undefined) {
      if (Number.isNaN(p.firstSend)) p.firstSend = sendMs;
      p.lastSend = sendMs;
      p.sentBytes += size;
      p.lastSize = size;
    }
    this.prune(sendMs);
  }

  /**
   * Folds in one transport-wide feedback message.
   *
   * @param reports - per packet, arrival time at the receiver (its clock) or null when lost
   * @throws {@link SimulcastError} `INVALID_PACKET` for a malformed report (NaN times, non-integer seq)
   */
  onFeedback(reports: readonly PacketReport[]): void {
    if (!Array.isArray(reports)) throw new SimulcastError('INVALID_PACKET', `feedback must be an array of reports, got ${describe(reports)}`);
    const now = finiteAtLeast(this.now(), -Infinity, 'now()', 'INVALID_OPTION');
    const arrived: { seq: number; s: Sent; arrival: number }[] = [];
    let lost = 0;
    for (const r of reports as readonly unknown[]) {
      if (typeof r !== 'object' || r === null) throw new SimulcastError('INVALID_PACKET', `each report must be an object, got ${describe(r)}`);
      const rep = r as Record<string, unknown>;
      const seq = integerIn(rep['seq'], 0, Number.MAX_SAFE_INTEGER, 'report seq', 'INVALID_PACKET');
      const at = rep['arrivalTimeMs'];
      if (at !== null) finiteAtLeast(at, -Infinity, 'report arrivalTimeMs', 'INVALID_PACKET');
      const s = this.sent.get(seq);
      if (s === undefined) {
        this.counters.unknown++;
        continue;
      }
      if (s.acked) {
        this.counters.duplicate++;
        continue;
      }
      if (at === null) {
        lost++;
        continue;
      }
      s.acked = true;
      arrived.push({ seq, s, arrival: at as number });
    }
    arrived.sort((a, b) => a.arrival - b.arrival || a.seq - b.seq);
    for (const a of arrived) this.onArrival(a.s, a.arrival);
    this.counters.received += arrived.length;
    this.counters.lost += lost;
    this.finishProbes(now);
    const acked = this.ackedBps();
    const delayBased = this.aimd.update(this.usage, acked, now, this.rttMs, this.sentRate.bps(now - this.rttMs), this.throughput.bps());
    this.loss.onReports(arrived.length, lost, now, delayBased, this.rttMs);
  }

  /**
   * Starts a probe cluster: send at least 5 packets (padding or media) tagged with the returned
   * id at `targetBps`; when their feedback shows the link carried that rate, the estimate jumps.
   *
   * @param targetBps - the rate to try
   * @returns the probe cluster id to put on the packets
   * @throws {@link SimulcastError} `INVALID_NUMBER` for a non-positive or non-finite rate
   */
  startProbe(targetBps: number): number {
    finiteAtLeast(targetBps, 1, 'targetBps');
    const id = this.nextProbeId++;
    this.probes.set(id, {
      targetBps,
      startMs: this.now(),
      firstSend: Number.NaN,
      lastSend: Number.NaN,
      sentBytes: 0,
      lastSize: 0,
      firstArrival: Number.NaN,
      lastArrival: Number.NaN,
      recvBytes: 0,
      firstSize: 0,
      received: 0,
    });
    return id;
  }

  /**
   * A snapshot of the estimate and its inputs.
   *
   * @returns rates, detector state and counters
   */
  state(): EstimatorState {
    return {
      estimateBps: this.estimateBps(),
      delayBasedBps: this.aimd.bps,
      lossBasedBps: this.loss.bps,
      ackedBps: this.ackedBps(),
      throughputBps: this.throughput.bps(),
      usage: this.usage,
      rateControl: this.aimd.state,
      lossRatio: this.loss.lossRatio,
      trendMs: this.trend.modifiedTrend(),
      thresholdMs: this.detector.thresholdMs,
      probing: this.probes.size > 0,
      counters: { ...this.counters },
    };
  }

  private onArrival(s: Sent, arrival: number): void {
    this.acked.add(arrival, s.size);
    this.throughput.add(arrival, s.size);
    if (s.probe !== 0) {
      const p = this.probes.get(s.probe);
      if (p !== undefined) {
        if (Number.isNaN(p.firstArrival)) {
          p.firstArrival = arrival;
          p.firstSize = s.size;
        }
        p.lastArrival = arrival;
        p.recvBytes += s.size;
        p.received++;
      }
    }
    if (s.sendMs < this.highestSendMs - GROUP_MS) {
      this.counters.reordered++;
      return;
    }
    this.highestSendMs = Math.max(this.highestSendMs, s.sendMs);
    if (Number.isNaN(this.groupFirstSend)) {
      this.groupFirstSend = s.sendMs;
      this.groupLastSend = s.sendMs;
      this.groupLastArrival = arrival;
      this.groupFirstArrival = arrival;
      return;
    }
    if (s.sendMs - this.groupFirstSend <= GROUP_MS || this.inBurst(s.sendMs, arrival)) {
      this.groupLastSend = Math.max(this.groupLastSend, s.sendMs);
      this.groupLastArrival = Math.max(this.groupLastArrival, arrival);
      return;
    }
    // A group is complete: compare it with the one before it.
    if (!Number.isNaN(this.prevGroupSend)) {
      const sendDelta = this.groupLastSend - this.prevGroupSend;
      const arrivalDelta = this.groupLastArrival - this.prevGroupArrival;
      this.trend.update(arrivalDelta - sendDelta, this.groupLastArrival);
      this.usage = this.detector.detect(this.trend.modifiedTrend(), sendDelta, this.groupLastArrival);
    }
    this.prevGroupSend = this.groupLastSend;
    this.prevGroupArrival = this.groupLastArrival;
    this.groupFirstSend = s.sendMs;
    this.groupLastSend = s.sendMs;
    this.groupLastArrival = arrival;
    this.groupFirstArrival = arrival;
  }

  /** Whether a packet continues the current group's arrival burst (see BURST_DELTA_MS). */
  private inBurst(sendMs: number, arrival: number): boolean {
    const arrivalDelta = arrival - this.groupLastArrival;
    const sendDelta = sendMs - this.groupLastSend;
    return arrivalDelta - sendDelta < 0 && arrivalDelta <= BURST_DELTA_MS && arrival - this.groupFirstArrival < MAX_BURST_MS;
  }

  private ackedBps(): number {
    const last = this.acked.lastMs;
    return Number.isNaN(last) ? 0 : this.acked.bps(last);
  }

  private finishProbes(now: number): void {
    for (const [id, p] of this.probes) {
      if (p.received >= PROBE_MIN_PACKETS && p.lastArrival > p.firstArrival && p.lastSend > p.firstSend) {
        const sendBps = ((p.sentBytes - p.lastSize) * 8 * 1000) / (p.lastSend - p.firstSend);
        const recvBps = ((p.recvBytes - p.firstSize) * 8 * 1000) / (p.lastArrival - p.firstArrival);
        const result = Math.min(sendBps, recvBps);
        // A receive rate well below the send rate means the probe hit the bottleneck: trust it less.
        const measured = recvBps < 0.9 * sendBps ? 0.95 * result : result;
        if (this.usage !== 'overuse' && measured > this.aimd.bps) {
          this.aimd.set(measured);
          this.loss.raiseTo(measured);
        }
        this.probes.delete(id);
      } else if (now - p.startMs > PROBE_TIMEOUT_MS) this.probes.delete(id);
    }
  }

  private prune(nowMs: number): void {
    for (const [seq, s] of this.sent) {
      if (s.sendMs >= nowMs - this.historyMs && this.sent.size <= 100_000) break;
      this.sent.delete(seq);
    }
  }
}
