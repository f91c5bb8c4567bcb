import type { EstimatorCounters } from '../BandwidthEstimator.js';

/** One 1 s window of a simulation run. */
export interface SimWindow {
  readonly startMs: number;
  /** What the link could carry in this window. */
  readonly capacityBps: number;
  /** Media the SFU forwarded (audio and video). */
  readonly forwardedBps: number;
  /** Probe padding sent (estimator mode). */
  readonly paddingBps: number;
  /** Media at the top layers the viewports allow. */
  readonly demandBps: number;
  /** The cheapest allocation that freezes nothing: audio plus every visible video track's lowest layer. */
  readonly floorBps: number;
  /** Mean budget the estimator gave the selector; null in true-capacity mode. */
  readonly estimateBps: number | null;
  /** Visible video time in this window, summed over tracks (ms). */
  readonly visibleMs: number;
  /** Of that, time without a decodable picture (ms). */
  readonly freezeMs: number;
  /** Layer changes of visible video tracks decided in this window (spatial and temporal). */
  readonly switches: number;
  /**
   * Of those, the changes a viewer sees as a new picture: the spatial layer (resolution) changed,
   * or the track paused or resumed. The rest change only the temporal layer (frame rate).
   */
  readonly spatialSwitches: number;
}

/** Per video track statistics of a run. */
export interface TrackStats {
  readonly id: string;
  readonly visible: boolean;
  readonly visibleMs: number;
  /** Changes of the selected layer, pauses and resumes included. */
  readonly switches: number;
  /** Of those, changes of the spatial layer, pauses and resumes (the rest change only the temporal layer). */
  readonly spatialSwitches: number;
  /** Visible time without a decodable picture: paused or waiting for a keyframe. */
  readonly freezeMs: number;
  readonly pausedMs: number;
  readonly waitingKeyframeMs: number;
  /** Time forwarded at each layer, keyed `S<spatial>T<temporal>`. */
  readonly layerMs: Readonly<Record<string, number>>;
}

/** Aggregates over the timeline; see {@link SimResult}. */
export interface SimSummary {
  /** Sum over windows of min(forwarded, capacity) / sum of min(capacity, demand at the top layers). */
  readonly utilisation: number;
  /** Share of 1 s windows in which forwarded bits (media and padding) exceeded capacity. */
  readonly overshoot: number;
  /** Layer changes per minute, averaged over visible video tracks: spatial and temporal, pauses and resumes. */
  readonly switchesPerMinute: number;
  /**
   * Of those, spatial switches per minute: changes of resolution, pauses and resumes, which need a
   * keyframe and change the picture. `switchesPerMinute - spatialSwitchesPerMinute` changes only
   * the frame rate (a temporal layer), at a switching point, without a keyframe.
   */
  readonly spatialSwitchesPerMinute: number;
  /** Share of visible video time without a decodable picture (keyframe waits and pauses). */
  readonly freeze: number;
  /** Share of visible video time paused. */
  readonly paused: number;
  /** Share of windows whose capacity pays for {@link SimWindow.floorBps} (audio plus every visible track's lowest layer): where no policy needs to pause. */
  readonly feasible: number;
  /** {@link SimSummary.freeze} counted only in feasible windows (elsewhere any policy must pause or overshoot; the raw figure stays the headline). */
  readonly freezeFeasible: number;
  /** {@link SimSummary.switchesPerMinute} counted only in feasible windows. */
  readonly switchesPerMinuteFeasible: number;
}

/** Estimator-in-the-loop figures. */
export interface EstimatorMetrics {
  /** Mean over windows of |estimate - capacity| / capacity (windows with capacity > 0). */
  readonly meanAbsError: number;
  /** Mean over windows of (estimate - capacity) / capacity: > 0 overestimates. */
  readonly meanError: number;
  /** Median time for the estimate to come within 25% of the capacity after a step; NaN without steps. */
  readonly convergeMs: number;
  /** Capacity steps found (a 1 s window 1.5x above or below the 3 before it, holding 3 windows). */
  readonly steps: number;
  /** 95th percentile of per-packet queueing delay: pacer plus bottleneck queue, without propagation. */
  readonly queueDelayP95Ms: number;
  /** Packets lost (queue overflow) over packets sent. */
  readonly lossRatio: number;
  readonly counters: EstimatorCounters;
}

/**
 * Utilisation, overshoot, switches, freeze and paused shares from a run's timeline.
 *
 * @param windows - the per-window timeline
 * @param tracks - per-track statistics
 * @param durationMs - the run's length
 * @returns the aggregates
 * @example
 * ```ts
 * const again = summarise(result.windows, result.tracks, result.durationMs);
 * ```
 */
export function summarise(windows: readonly SimWindow[], tracks: readonly TrackStats[], durationMs: number): SimSummary {
  let got = 0;
  let could = 0;
  let over = 0;
  let feasible = 0;
  let fVisible = 0;
  let fFreeze = 0;
  let fSwitches = 0;
  let fMs = 0;
  for (const w of windows) {
    const sec = Math.min(1, (durationMs - w.startMs) / 1000);
    got += Math.min(w.forwardedBps, w.capacityBps) * sec;
    could += Math.min(w.capacityBps, w.demandBps) * sec;
    if (w.forwardedBps + w.paddingBps > w.capacityBps * (1 + 1e-9)) over++;
    if (w.capacityBps >= w.floorBps) {
      feasible++;
      fVisible += w.visibleMs;
      fFreeze += w.freezeMs;
      fSwitches += w.switches;
      fMs += sec * 1000;
    }
  }
  const visible = tracks.filter((t) => t.visible);
  let visibleMs = 0;
  let freezeMs = 0;
  let pausedMs = 0;
  let switches = 0;
  let spatialSwitches = 0;
  for (const t of visible) {
    spatialSwitches += t.spatialSwitches;
    visibleMs += t.visibleMs;
    freezeMs += t.freezeMs;
    pausedMs += t.pausedMs;
    switches += t.switches;
  }
  return {
    utilisation: could === 0 ? 1 : got / could,
    overshoot: windows.length === 0 ? 0 : over / windows.length,
    switchesPerMinute: visible.length === 0 ? 0 : switches / visible.length / (durationMs / 60_000),
    spatialSwitchesPerMinute: visible.length === 0 ? 0 : spatialSwitches / visible.length / (durationMs / 60_000),
    freeze: visibleMs === 0 ? 0 : freezeMs / visibleMs,
    paused: visibleMs === 0 ? 0 : pausedMs / visibleMs,
    feasible: windows.length === 0 ? 1 : feasible / windows.length,
    freezeFeasible: fVisible === 0 ? 0 : fFreeze / fVisible,
    switchesPerMinuteFeasible: visible.length === 0 || fMs === 0 ? 0 : fSwitches / visible.length / (fMs / 60_000),
  };
}

/**
 * Estimator accuracy, convergence after capacity steps and queueing delay.
 *
 * @param windows - the timeline of an estimator-mode run
 * @param delays - per-packet queueing delays in ms
 * @param counters - the estimator's counters at the end
 * @returns the figures
 * @example
 * ```ts
 * estimatorMetrics(result.windows, [3, 10, 40], state.counters);
 * ```
 */
export function estimatorMetrics(windows: readonly SimWindow[], delays: readonly number[], counters: EstimatorCounters): EstimatorMetrics {
  let abs = 0;
  let signed = 0;
  let n = 0;
  for (const w of windows) {
    if (w.estimateBps === null || w.capacityBps <= 0) continue;
    const e = (w.estimateBps - w.capacityBps) / w.capacityBps;
    abs += Math.abs(e);
    signed += e;
    n++;
  }
  const converge: number[] = [];
  for (let i = 3; i + 3 <= windows.length; i++) {
    const before = (windows[i - 1]!.capacityBps + windows[i - 2]!.capacityBps + windows[i - 3]!.capacityBps) / 3;
    const cap = windows[i]!.capacityBps;
    if (before <= 0 || cap <= 0 || (cap < 1.5 * before && cap > before / 1.5)) continue;
    let holds = true;
    for (let j = i + 1; j < i + 3; j++) if (Math.abs(windows[j]!.capacityBps - cap) > 0.25 * cap) holds = false;
    if (!holds) continue;
    let at = 10_000;
    for (let j = i; j < Math.min(windows.length, i + 10); j++) {
      const e = windows[j]!.estimateBps;
      if (e !== null && Math.abs(e - windows[j]!.capacityBps) <= 0.25 * windows[j]!.capacityBps) {
        at = (j - i) * 1000;
        break;
      }
    }
    converge.push(at);
    i += 2;
  }
  return {
    meanAbsError: n === 0 ? Number.NaN : abs / n,
    meanError: n === 0 ? Number.NaN : signed / n,
    convergeMs: converge.length === 0 ? Number.NaN : quantile(converge, 0.5),
    steps: converge.length,
    queueDelayP95Ms: delays.length === 0 ? 0 : quantile(delays, 0.95),
    lossRatio: counters.sent === 0 ? 0 : counters.lost / counters.sent,
    counters,
  };
}

/**
 * The q-quantile (nearest rank) of a list of numbers.
 *
 * @param values - a non-empty list
 * @param q - in [0, 1]
 * @returns the value at rank ceil(q * n)
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2
 * ```
 */
export function quantile(values: readonly number[], q: number): number {
  const s = Float64Array.from(values).sort();
  if (s.length === 0) return Number.NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}
