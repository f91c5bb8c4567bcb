import { BandwidthEstimator, type BandwidthEstimatorOptions, type PacketReport } from '../BandwidthEstimator.js';
import { describe, finiteAtLeast, integerIn, optionAtLeast } from '../check.js';
import { SimulcastError } from '../errors.js';
import { LayerForwarder } from '../LayerForwarder.js';
import { sameLayer, validateLadder, type Layer, type LayerRef } from '../layers.js';
import { prepareTracks } from '../tracks.js';
import { BottleneckLink, type LinkPacket } from './BottleneckLink.js';
import { MAX_TRACE_MS, traceDurationMs, type CapacityTrace } from './CapacityTrace.js';
import { estimatorMetrics, summarise, type EstimatorMetrics, type SimSummary, type SimWindow, type TrackStats } from './metrics.js';
import { seededRandom } from './rng.js';
import { defaultScenario, type Scenario } from './scenario.js';
import { stableSelector, type SimSelector } from './SimSelector.js';

/** `true-capacity` gives the selector the link's real capacity; `estimator` puts a {@link BandwidthEstimator} in the loop. */
export type SimMode = 'true-capacity' | 'estimator';

/** Options of {@link simulate}; all optional. */
export interface SimOptions {
  /** @defaultValue `'true-capacity'` */
  readonly mode?: SimMode;
  /** @defaultValue {@link defaultScenario} */
  readonly scenario?: Scenario;
  /** Factory of the policy under test. @defaultValue `stableSelector()` */
  readonly selector?: () => SimSelector;
  /** Simulated time; the trace loops when longer. @defaultValue the trace's duration */
  readonly durationMs?: number;
  /** Selector period. @defaultValue 100 */
  readonly tickMs?: number;
  /** Publishers also send a keyframe on every layer this often (0: only when asked). @defaultValue 0 */
  readonly keyframeIntervalMs?: number;
  /** Delay from a keyframe request to the keyframe reaching the SFU. @defaultValue 100 */
  readonly keyframeDelayMs?: number;
  /** Keyframe size relative to the layer's mean frame size at full frame rate. @defaultValue 3 */
  readonly keyframeScale?: number;
  /** Seeds talk spurts. @defaultValue 1 */
  readonly seed?: number;
  /** One-way propagation delay each way (estimator mode). @defaultValue 20 */
  readonly oneWayDelayMs?: number;
  /** Transport-wide feedback period (estimator mode). @defaultValue 50 */
  readonly feedbackIntervalMs?: number;
  /** Bottleneck drop-tail queue (estimator mode). @defaultValue 100_000 */
  readonly queueLimitBytes?: number;
  /**
   * Probe at most this often while demand exceeds the estimate; 0 disables (estimator mode). A probe
   * cluster lasts 30 ms (at least 5 packets) at 2x the estimate (3x the first time): as libwebrtc's
   * pacer does, the media leaving the pacer meanwhile goes at that rate and carries the cluster's
   * id, and padding makes up the rest. @defaultValue 2000
   */
  readonly probeIntervalMs?: number;
  /**
   * Pacer rate as a multiple of the estimate (estimator mode). At 1 a frame burst waits in the
   * pacer rather than in the bottleneck's queue, where it would read as overuse (1, 1.2 and 1.5
   * tried; see the README). @defaultValue 1
   */
  readonly pacingFactor?: number;
  /**
   * Estimator mode as a bound: when above 0, the selector and the pacer get this fraction of the
   * true capacity of the current 1 s window instead of the estimator's estimate (no probes), so
   * that the estimator's share of a shortfall is told apart from the selector's and the traffic's.
   * The windows' `estimateBps` (and the estimate-error figures) then describe that budget.
   * @defaultValue 0 (off)
   */
  readonly perfectEstimate?: number;
  /**
   * Share of the estimate the policy is not given (estimator mode): the budget is
   * `(1 - estimateHeadroom) * estimate`, to leave room for the estimate's overshoots after a
   * probe and for the frames' bursts. Since LayerSelector's `maxBurstMs` keeps large frames off
   * slow links and the pacer runs at the estimate, none is needed on the benchmark traces (0, 0.05
   * tried; see the README). @defaultValue 0
   */
  readonly estimateHeadroom?: number;
  /**
   * Where a `perfectEstimate` comes from: `'window'` is the capacity of the current 1 s window
   * (it knows the rest of the second: a clairvoyant bound), `'last-second'` the capacity of the
   * last 1000 ms (what a causal estimator could know at best, with no measurement noise).
   * @defaultValue `'window'`
   */
  readonly perfectEstimateFrom?: 'window' | 'last-second';
  /** Estimator tuning (estimator mode); the clock is the simulator's. */
  readonly estimator?: Omit<BandwidthEstimatorOptions, 'now'>;
}

/** What one run measured. See the README for each metric's definition. */
export interface SimResult extends SimSummary {
  readonly trace: string;
  readonly mode: SimMode;
  readonly durationMs: number;
  readonly tracks: readonly TrackStats[];
  /** The per-window timeline, for recomputing any of the above. */
  readonly windows: readonly SimWindow[];
  /** Estimator figures; null in true-capacity mode. */
  readonly estimator: EstimatorMetrics | null;
}

interface VideoState {
  id: string;
  visible: boolean;
  ladder: Layer[];
  fwd: LayerForwarder;
  target: LayerRef | null;
  frameMs: number;
  nextFrameMs: number;
  frame: number;
  pattern: readonly number[];
  keyDue: Map<number, number>;
  lastKeyReqMs: number;
  nextPeriodicMs: number;
  switches: number;
  spatialSwitches: number;
  visibleMs: number;
  freezeMs: number;
  pausedMs: number;
  waitingMs: number;
  layerMs: Float64Array;
}

interface AudioState {
  id: string;
  on: boolean;
  bytes: number;
  talking: boolean;
  nextToggleMs: number;
  nextPacketMs: number;
}

const PATTERNS: readonly (readonly number[])[] = [[0], [0, 1], [0, 2, 1, 2]];
const MTU = 1200;
const DTX_PACKET_BYTES = 12;
/** A probe cluster lasts 30 ms (and has at least 5 packets), as libwebrtc's ProbeController asks. */
const PROBE_MS = 30;
const PROBE_MIN_PACKETS = 5;

/**
 * Replays a capacity trace through a bottleneck and runs a layer-selection policy against it,
 * for one subscriber, millisecond by millisecond. Deterministic for given inputs and seed.
 *
 * In `true-capacity` mode the selector's budget is the capacity of the current 1 s window, so the
 * figures measure the selector alone. In `estimator` mode packets (paced, with probe clusters)
 * cross a drop-tail bottleneck, transport-wide feedback returns after the propagation delay, and
 * the budget is the {@link BandwidthEstimator}'s estimate.
 *
 * @param trace - the bottleneck's capacity over time
 * @param options - mode, scenario, policy and model parameters
 * @returns aggregate metrics, per-track statistics and the per-window timeline
 * @throws `SimulcastError` (from `@chorus/simulcast`) `INVALID_OPTION` for invalid options; `UNKNOWN_TRACK` when the policy names a track the scenario lacks
 * @example
 * ```ts
 * const r = simulate(parseMahimahi(text, 'ATT-LTE-driving.up'), { mode: 'estimator' });
 * console.log(r.utilisation, r.estimator?.queueDelayP95Ms);
 * ```
 */
export function simulate(trace: CapacityTrace, options: SimOptions = {}): SimResult {
  const mode = options.mode ?? 'true-capacity';
  if (mode !== 'true-capacity' && mode !== 'estimator') throw new SimulcastError('INVALID_OPTION', `mode must be "true-capacity" or "estimator", got ${describe(mode)}`);
  const durationMs = Math.round(optionAtLeast(options.durationMs, traceDurationMs(trace), 1000, 'durationMs'));
  if (durationMs > MAX_TRACE_MS) throw new SimulcastError('INVALID_OPTION', `durationMs must be <= ${MAX_TRACE_MS}`);
  const tickMs = integerIn(options.tickMs ?? 100, 1, 10_000, 'tickMs', 'INVALID_OPTION');
  const keyframeIntervalMs = optionAtLeast(options.keyframeIntervalMs, 0, 0, 'keyframeIntervalMs');
  const keyframeDelayMs = optionAtLeast(options.keyframeDelayMs, 100, 0, 'keyframeDelayMs');
  const keyframeScale = optionAtLeast(options.keyframeScale, 3, 1, 'keyframeScale');
  const oneWay = Math.round(optionAtLeast(options.oneWayDelayMs, 20, 0, 'oneWayDelayMs'));
  const feedbackMs = integerIn(options.feedbackIntervalMs ?? 50, 1, 10_000, 'feedbackIntervalMs', 'INVALID_OPTION');
  const probeIntervalMs = optionAtLeast(options.probeIntervalMs, 2000, 0, 'probeIntervalMs');
  const pacingFactor = optionAtLeast(options.pacingFactor, 1, 1, 'pacingFactor');
  const perfectEstimate = optionAtLeast(options.perfectEstimate, 0, 0, 'perfectEstimate');
  if (perfectEstimate > 10) throw new SimulcastError('INVALID_OPTION', `perfectEstimate must be at most 10, got ${perfectEstimate}`);
  const estimateHeadroom = optionAtLeast(options.estimateHeadroom, 0, 0, 'estimateHeadroom');
  if (estimateHeadroom >= 1) throw new SimulcastError('INVALID_OPTION', `estimateHeadroom must be below 1, got ${estimateHeadroom}`);
  const causal = options.perfectEstimateFrom === 'last-second';
  if (!causal && options.perfectEstimateFrom !== undefined && options.perfectEstimateFrom !== 'window') {
    throw new SimulcastError('INVALID_OPTION', `perfectEstimateFrom must be "window" or "last-second", got ${describe(options.perfectEstimateFrom)}`);
  }
  const seed = finiteAtLeast(options.seed ?? 1, -Infinity, 'seed', 'INVALID_OPTION');
  const scenario = options.scenario ?? defaultScenario();
  const selector = (options.selector ?? stableSelector())();
  const rand = seededRandom(seed);
  const prepared = prepareTracks(scenario.tracks);
  const talkMs = optionAtLeast(scenario.talkSpurtMs, 3000, 1, 'talkSpurtMs');
  const silenceMs = optionAtLeast(scenario.silenceMs, 2000, 1, 'silenceMs');

  const nWin = Math.ceil(durationMs / 1000);
  let lastSecondT = 0;
  let lastSecondBits = 0;
  const capBits = new Float64Array(nWin);
  const fwdBits = new Float64Array(nWin);
  const padBits = new Float64Array(nWin);
  const estSum = new Float64Array(nWin);
  const estN = new Float64Array(nWin);
  const winVisible = new Float64Array(nWin);
  const winFreeze = new Float64Array(nWin);
  const winSwitches = new Float64Array(nWin);
  const winSpatial = new Float64Array(nWin);
  const slots = trace.bytesPerSlot;
  for (let t = 0; t < durationMs; t++) capBits[Math.floor(t / 1000)]! += (slots[Math.floor(t / trace.slotMs) % slots.length]! * 8) / trace.slotMs;
  let demandBps = 0;
  // The cheapest allocation that freezes nothing: audio plus every visible track's lowest layer.
  let floorBps = 0;
  for (const t of prepared) {
    if (t.visible) demandBps += t.eligible[t.eligible.length - 1]!.bitrateBps;
    if (t.kind === 'audio') floorBps += t.eligible[t.eligible.length - 1]!.bitrateBps;
    else if (t.visible) floorBps += t.eligible[0]!.bitrateBps;
  }

  const videos: VideoState[] = [];
  const videoById = new Map<string, VideoState>();
  const audios: AudioState[] = [];
  for (const t of prepared) {
    if (t.kind === 'audio') {
      const top = t.eligible[t.eligible.length - 1]!;
      audios.push({ id: t.id, on: false, bytes: Math.max(1, Math.round((top.bitrateBps * 0.02) / 8)), talking: true, nextToggleMs: expo(rand, talkMs), nextPacketMs: 0 });
      continue;
    }
    const ladder = validateLadder(scenario.tracks.find((x) => x.id === t.id)!.layers, t.id);
    const maxT = Math.min(2, Math.max(...ladder.map((l) => l.temporal)));
    const topFps = Math.max(...ladder.map((l) => l.fps), 1);
    const v: VideoState = {
      id: t.id,
      visible: t.visible,
      ladder,
      fwd: new LayerForwarder('simulcast'),
      target: null,
      frameMs: 1000 / topFps,
      nextFrameMs: videos.length * 7,
      frame: 0,
      pattern: PATTERNS[maxT]!,
      keyDue: new Map(),
      lastKeyReqMs: -Infinity,
      nextPeriodicMs: keyframeIntervalMs > 0 ? keyframeIntervalMs : Infinity,
      switches: 0,
      spatialSwitches: 0,
      visibleMs: 0,
      freezeMs: 0,
      pausedMs: 0,
      waitingMs: 0,
      layerMs: new Float64Array(ladder.length),
    };
    videos.push(v);
    videoById.set(t.id, v);
  }

  // Estimator-mode machinery.
  const est = mode === 'estimator' ? new BandwidthEstimator({ ...options.estimator, now: () => clock }) : null;
  const link = new BottleneckLink(trace, options.queueLimitBytes === undefined ? {} : { queueLimitBytes: options.queueLimitBytes });
  let clock = 0;
  let seq = 0;
  const pacer: { size: number; media: boolean; createdMs: number }[] = [];
  let pacerHead = 0;
  let pacerBudget = 0;
  // The probe cluster being sent: as libwebrtc's pacer does, media leaving the pacer during the
  // cluster carries its id and is paced at the probe rate, and padding fills up to that rate.
  let probe: { id: number; rateBps: number; startMs: number; endMs: number; bytes: number; packets: number } | null = null;
  // Like GCC's initial probing: an early cluster at 3x the start rate, then 2x periodically.
  let nextProbeMs = probeIntervalMs > 0 && perfectEstimate === 0 ? 200 : Infinity;
  let probes = 0;
  const arrivals: { seq: number; atMs: number }[] = [];
  let arrivalHead = 0;
  let lastReported = -1;
  const feedbacks: { atMs: number; reports: PacketReport[] }[] = [];
  let feedbackHead = 0;
  const delays: number[] = [];

  const send = (size: number, media: boolean, w: number, cluster: number, createdMs: number): void => {
    const p: LinkPacket = { seq: seq++, sizeBytes: size, enqueuedMs: clock, createdMs };
    est!.onPacketSent(cluster === 0 ? { seq: p.seq, sizeBytes: size, sendTimeMs: clock } : { seq: p.seq, sizeBytes: size, sendTimeMs: clock, probeClusterId: cluster });
    if (media) fwdBits[w]! += size * 8;
    else padBits[w]! += size * 8;
    link.enqueue(p, clock);
  };
  const sendPaced = (size: number, media: boolean, w: number, createdMs: number): void => {
    if (probe === null) return send(size, media, w, 0, createdMs);
    probe.bytes += size;
    probe.packets++;
    send(size, media, w, probe.id, createdMs);
  };
  const forward = (bytes: number, w: number, bypassPacer: boolean): void => {
    if (est === null) {
      fwdBits[w]! += bytes * 8;
      return;
    }
    for (let left = bytes; left > 0; left -= MTU) {
      const size = Math.min(MTU, left);
      if (bypassPacer) send(size, true, w, 0, clock);
      else pacer.push({ size, media: true, createdMs: clock });
    }
  };
  const deliver = (p: LinkPacket, atMs: number): void => {
    delays.push(atMs - (p.createdMs ?? p.enqueuedMs));
    arrivals.push({ seq: p.seq, atMs: atMs + oneWay });
  };

  for (let t = 0; t < durationMs; t++) {
    clock = t;
    const w = Math.floor(t / 1000);
    if (t % tickMs === 0) {
      const estimate = est === null ? 0 : perfectEstimate > 0 ? perfectEstimate * knownBps(t, w) : est.estimateBps();
      const budget = est === null ? windowBps(w) : perfectEstimate > 0 ? estimate : (1 - estimateHeadroom) * estimate;
      if (est !== null) {
        // The timeline records the estimate itself, so that its error is the estimator's alone.
        estSum[w]! += estimate;
        estN[w]!++;
      }
      for (const d of selector.select(scenario.tracks, budget, t)) {
        const v = videoById.get(d.id);
        const a = v === undefined ? audios.find((x) => x.id === d.id) : undefined;
        if (a !== undefined) {
          a.on = d.layer !== null;
          continue;
        }
        if (v === undefined) {
          if (prepared.some((p) => p.id === d.id)) continue;
          throw new SimulcastError('UNKNOWN_TRACK', `the selector returned track ${JSON.stringify(String(d.id)).slice(0, 60)}, which the scenario does not have`);
        }
        if (!sameLayer(v.target, d.layer)) {
          v.switches++;
          const spatial = v.target === null || d.layer === null || v.target.spatial !== d.layer.spatial;
          if (spatial) v.spatialSwitches++;
          if (v.visible) {
            winSwitches[w]!++;
            if (spatial) winSpatial[w]!++;
          }
          v.target = d.layer;
          if (v.fwd.setTarget(d.layer) && d.layer !== null) requestKey(v, d.layer.spatial, t);
        }
        if (v.fwd.state === 'waiting-keyframe' && v.target !== null && t - v.lastKeyReqMs >= 1000) requestKey(v, v.target.spatial, t);
      }
    }
    for (const a of audios) {
      if (t >= a.nextToggleMs) {
        a.talking = !a.talking;
        a.nextToggleMs = t + expo(rand, a.talking ? talkMs : silenceMs);
      }
      if (t >= a.nextPacketMs) {
        if (a.on) forward(a.talking ? a.bytes : DTX_PACKET_BYTES, w, true);
        a.nextPacketMs = t + (a.talking ? 20 : 400);
      }
    }
    for (const v of videos) {
      while (t >= v.nextFrameMs) {
        v.nextFrameMs += v.frameMs;
        emitFrame(v, t, w);
      }
      if (!v.visible) continue;
      v.visibleMs++;
      winVisible[w]!++;
      const state = v.fwd.state;
      if (state === 'forwarding') {
        const cur = v.fwd.current!;
        const i = v.ladder.findIndex((l) => l.spatial === cur.spatial && l.temporal === cur.temporal);
        if (i >= 0) v.layerMs[i]!++;
      } else {
        v.freezeMs++;
        winFreeze[w]!++;
        if (state === 'paused') v.pausedMs++;
        else v.waitingMs++;
      }
    }
    if (est !== null) {
      const estimate = perfectEstimate > 0 ? perfectEstimate * knownBps(t, w) : est.estimateBps();
      if (probe !== null && t >= probe.endMs && probe.packets >= PROBE_MIN_PACKETS) probe = null;
      if (probe === null && t >= nextProbeMs) {
        nextProbeMs = t + probeIntervalMs;
        if (demandBps > estimate * 1.05 && est.state().usage !== 'overuse') {
          const rate = Math.min((probes++ === 0 ? 3 : 2) * estimate, demandBps * 1.2);
          probe = { id: est.startProbe(rate), rateBps: rate, startMs: t, endMs: t + PROBE_MS, bytes: 0, packets: 0 };
        }
      }
      const perMs = Math.max(pacingFactor * estimate, probe === null ? 0 : probe.rateBps) / 8000;
      pacerBudget += perMs;
      while (pacerHead < pacer.length && pacerBudget > 0) {
        const p = pacer[pacerHead++]!;
        pacerBudget -= p.size;
        sendPaced(p.size, p.media, w, p.createdMs);
      }
      if (probe !== null) {
        // Padding tops the cluster up to its rate (and to its minimum packet count at the end).
        const due = (probe.rateBps * (t - probe.startMs + 1)) / 8000;
        while (probe.bytes + MTU <= due || (t + 1 >= probe.endMs && probe.packets < PROBE_MIN_PACKETS)) sendPaced(MTU, false, w, t);
      }
      if (pacerHead === pacer.length) {
        pacer.length = 0;
        pacerHead = 0;
        pacerBudget = Math.min(pacerBudget, perMs * 5);
      }
      link.step(t, deliver);
      if (t % feedbackMs === 0 && arrivalHead < arrivals.length && arrivals[arrivalHead]!.atMs <= t) {
        const got = new Map<number, number>();
        let highest = lastReported;
        while (arrivalHead < arrivals.length && arrivals[arrivalHead]!.atMs <= t) {
          const a = arrivals[arrivalHead++]!;
          got.set(a.seq, a.atMs);
          highest = Math.max(highest, a.seq);
        }
        const reports: PacketReport[] = [];
        for (let s = lastReported + 1; s <= highest; s++) reports.push({ seq: s, arrivalTimeMs: got.get(s) ?? null });
        lastReported = highest;
        feedbacks.push({ atMs: t + oneWay, reports });
        if (arrivalHead > 4096) {
          arrivals.splice(0, arrivalHead);
          arrivalHead = 0;
        }
      }
      while (feedbackHead < feedbacks.length && feedbacks[feedbackHead]!.atMs <= t) est.onFeedback(feedbacks[feedbackHead++]!.reports);
    }
  }

  /** The capacity a perfect estimate knows at time t (see `perfectEstimateFrom`); t only grows. */
  function knownBps(t: number, w: number): number {
    if (!causal || t === 0) return windowBps(w);
    // A running sum over the last 1000 ms: the pacer asks every millisecond.
    while (lastSecondT < t) {
      lastSecondBits += slotBits(lastSecondT);
      if (lastSecondT >= 1000) lastSecondBits -= slotBits(lastSecondT - 1000);
      lastSecondT++;
    }
    // Floating-point drift of the running sum must not make an empty second negative.
    return Math.max(0, (lastSecondBits * 1000) / Math.min(t, 1000));
  }

  function slotBits(u: number): number {
    return (slots[Math.floor(u / trace.slotMs) % slots.length]! * 8) / trace.slotMs;
  }

  function windowBps(w: number): number {
    return capBits[w]! / (Math.min(durationMs, (w + 1) * 1000) / 1000 - w);
  }

  function requestKey(v: VideoState, spatial: number, t: number): void {
    const due = t + keyframeDelayMs;
    const prev = v.keyDue.get(spatial);
    if (prev === undefined || prev > due) v.keyDue.set(spatial, due);
    v.lastKeyReqMs = t;
  }

  function emitFrame(v: VideoState, t: number, w: number): void {
    const k = v.frame++;
    let tid = v.pattern[k % v.pattern.length]!;
    const periodic = t >= v.nextPeriodicMs;
    if (periodic) v.nextPeriodicMs += keyframeIntervalMs;
    const cur = v.fwd.current;
    const tgt = v.fwd.target;
    const spatials = cur !== null && tgt !== null && cur.spatial !== tgt.spatial ? [cur.spatial, tgt.spatial] : cur !== null ? [cur.spatial] : tgt !== null ? [tgt.spatial] : [];
    for (const s of spatials) {
      const due = v.keyDue.get(s);
      const key = periodic || (due !== undefined && due <= t);
      if (key) {
        v.keyDue.delete(s);
        tid = 0;
      }
      if (!v.fwd.onFrame({ spatial: s, temporal: tid, keyframe: key, switchPoint: tid === 0 })) continue;
      forward(key ? keyframeBytes(v.ladder, s, keyframeScale) : frameBytes(v.ladder, s, tid), w, false);
    }
  }

  const windows: SimWindow[] = [];
  for (let w = 0; w < nWin; w++) {
    const sec = (Math.min(durationMs, (w + 1) * 1000) - w * 1000) / 1000;
    windows.push({
      startMs: w * 1000,
      capacityBps: capBits[w]! / sec,
      forwardedBps: fwdBits[w]! / sec,
      paddingBps: padBits[w]! / sec,
      demandBps,
      floorBps,
      estimateBps: estN[w]! > 0 ? estSum[w]! / estN[w]! : null,
      visibleMs: winVisible[w]!,
      freezeMs: winFreeze[w]!,
      switches: winSwitches[w]!,
      spatialSwitches: winSpatial[w]!,
    });
  }
  const tracks: TrackStats[] = videos.map((v) => {
    const layerMs: Record<string, number> = {};
    v.ladder.forEach((l, i) => {
      if (v.layerMs[i]! > 0) layerMs[`S${l.spatial}T${l.temporal}`] = v.layerMs[i]!;
    });
    return { id: v.id, visible: v.visible, visibleMs: v.visibleMs, switches: v.switches, spatialSwitches: v.spatialSwitches, freezeMs: v.freezeMs, pausedMs: v.pausedMs, waitingKeyframeMs: v.waitingMs, layerMs };
  });
  const summary = summarise(windows, tracks, durationMs);
  return {
    trace: trace.name,
    mode,
    durationMs,
    ...summary,
    tracks,
    windows,
    estimator: est === null ? null : estimatorMetrics(windows, delays, est.state().counters),
  };
}

function expo(rand: () => number, mean: number): number {
  return Math.max(1, Math.round(-Math.log(1 - rand()) * mean));
}

function frameBytes(ladder: readonly Layer[], s: number, t: number): number {
  const at = ladder.find((l) => l.spatial === s && l.temporal === t);
  if (at === undefined) return 0;
  const below = t === 0 ? undefined : ladder.find((l) => l.spatial === s && l.temporal === t - 1);
  const bits = below === undefined ? at.bitrateBps / Math.max(at.fps, 1) : (at.bitrateBps - below.bitrateBps) / Math.max(at.fps - below.fps, 1);
  return Math.max(1, Math.round(bits / 8));
}

function keyframeBytes(ladder: readonly Layer[], s: number, scale: number): number {
  let top: Layer | undefined;
  for (const l of ladder) if (l.spatial === s && (top === undefined || l.temporal > top.temporal)) top = l;
  return top === undefined ? 0 : Math.max(1, Math.round((scale * top.bitrateBps) / Math.max(top.fps, 1) / 8));
}
