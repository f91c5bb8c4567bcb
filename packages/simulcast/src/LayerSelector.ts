import { describe, finiteAtLeast, optionAtLeast } from './check.js';
import { SimulcastError } from './errors.js';
import { allocateIndexes } from './allocate.js';
import type { Layer } from './layers.js';
import { prepareTracks, type PreparedTrack, type TrackInput } from './tracks.js';

/** Tuning of {@link LayerSelector}; every field is optional. */
export interface LayerSelectorOptions {
  /** The clock, in milliseconds. @defaultValue `() => performance.now()` */
  readonly now?: () => number;
  /**
   * Spatial upgrades need the budget to exceed the upgraded total by this fraction. @defaultValue 0.08
   */
  readonly upgradeMargin?: number;
  /** ...and the lowest budget over this many ms must pay for it (the budget held). @defaultValue 4000 */
  readonly upgradeHoldMs?: number;
  /**
   * Which budget of the hold window counts as "held": 0 is the lowest, 0.1 the 10th percentile
   * (a long window with a low quantile ignores single dips but not a trend). @defaultValue 0
   */
  readonly upgradeQuantile?: number;
  /** Paused tracks resume only with this much headroom. @defaultValue 0.03 */
  readonly resumeMargin?: number;
  /**
   * ...and the budget must have held that headroom this long, in ms. A paused track is frozen, so
   * it resumes soon (0: as soon as today's budget has the headroom). @defaultValue 0
   */
  readonly resumeHoldMs?: number;
  /**
   * An emergency downgrade that changes a spatial layer lowers tracks until this fraction of the
   * budget is left free, so that the keyframes the switch asks for fit too. @defaultValue 0.05
   */
  readonly headroom?: number;
  /**
   * The selected total counts as over budget above `(1 - fitMargin) × budget`: frames arrive in
   * bursts (a 15 fps screen share's base layer sends 3 or 4 frames in a given second), so a total
   * at the budget's edge overshoots it in about half the seconds. @defaultValue 0.02
   */
  readonly fitMargin?: number;
  /**
   * Minimum time between a track's spatial changes that are not emergencies, in ms (resumes and
   * restores are exempt). @defaultValue 4000
   */
  readonly minChangeIntervalMs?: number;
  /**
   * A track lowered by an emergency may return to the layer it had (no higher) as soon as the
   * budget has paid for that layer with `upgradeMargin` for this long, in ms, without waiting for
   * `upgradeHoldMs` or `minChangeIntervalMs`: the layer was sustained before the dip. @defaultValue 500
   */
  readonly restoreHoldMs?: number;
  /** How long after an emergency downgrade the track may still be restored that way, in ms. @defaultValue 10000 */
  readonly restoreWindowMs?: number;
  /**
   * Temporal fill: budget left over after the spatial decisions raises a track's frame rate
   * (a higher temporal layer of the spatial layer it has) when the budget has exceeded the raised
   * total by this fraction... @defaultValue 0.06
   */
  readonly temporalMargin?: number;
  /** ...for this long, in ms (the lowest budget over it counts). @defaultValue 2000 */
  readonly temporalHoldMs?: number;
  /**
   * ...and not sooner than this after the track's last change, in ms; this also spaces any
   * upgrade after a temporal change. @defaultValue 3000
   */
  readonly temporalMinIntervalMs?: number;
  /**
   * Frame bursts: a spatial layer whose base-temporal-layer frames (that layer's bitrate divided by
   * its frame rate) would take longer than this to cross a link running at the budget is not
   * chosen; the lowest spatial layer a track may have always can be. A large frame delays every
   * packet queued behind it, whatever the average rate: a 1.8 Mbit/s, 15 fps screen share sends
   * ~190 kbit base frames, ~95 ms at 2 Mbit/s, while its middle layer's 64 kbit take 32 ms.
   * 0 turns the rule off. @defaultValue 60
   */
  readonly maxBurstMs?: number;
}

/** The selector's answer for one track at one tick. */
export interface LayerDecision {
  readonly id: string;
  /** The layer to forward, or null when paused. */
  readonly layer: Layer | null;
  /** Whether `layer` differs from the previous tick's. */
  readonly changed: boolean;
  /** Ask the publisher for a keyframe: the spatial layer changed or the track resumed. */
  readonly requestKeyframe: boolean;
}

interface TrackState {
  layer: Layer | null;
  lastChangeMs: number;
  /** When the spatial layer last changed (or the track paused or resumed). */
  lastSpatialMs: number;
  /** The layer held before the last emergency downgrade, while it may still be restored. */
  restore: Layer | null;
  /** When that emergency downgrade happened. */
  restoreFromMs: number;
  /** The update that last listed this track. */
  generation: number;
}

/**
 * Stateful layer selection for one subscriber: {@link allocate}'s answer with stability rules so
 * that pictures neither congest the link nor flip between layers.
 *
 * - Over budget (above `1 - fitMargin` of it), tracks are lowered at once, lowest service class
 *   first, only as far as needed: by temporal layers alone (no keyframe, no change of resolution)
 *   when that suffices; otherwise one track's single step is preferred, so that a dip changes
 *   one track.
 * - A track's spatial layer is raised only when the budget has exceeded the raised total by
 *   `upgradeMargin` for `upgradeHoldMs` (its `upgradeQuantile`), and not sooner than
 *   `minChangeIntervalMs` after its last spatial change.
 * - Budget left over raises frame rates (temporal fill): a higher temporal layer of the spatial
 *   layer a track has, when the budget has exceeded the raised total by `temporalMargin` for
 *   `temporalHoldMs`, not sooner than `temporalMinIntervalMs` after the track's last change.
 * - A track an emergency lowered returns to its former layer (no higher) once the budget has paid
 *   for it with `upgradeMargin` for `restoreHoldMs`, within `restoreWindowMs` of the dip.
 * - A paused track resumes only with `resumeMargin` of headroom.
 * - Hidden tracks pause and viewport shrinks apply at once; a spatial change or resume asks for a
 *   keyframe (the forwarder switches when it arrives, see {@link LayerForwarder}).
 *
 * @example
 * ```ts
 * const selector = new LayerSelector({ now: () => clock.ms });
 * for (const d of selector.update(tracks, estimator.estimateBps())) {
 *   if (d.requestKeyframe) requestPli(d.id);
 * }
 * ```
 */
export class LayerSelector {
  private readonly now: () => number;
  private readonly upgradeMargin: number;
  private readonly upgradeHoldMs: number;
  private readonly upgradeQuantile: number;
  private readonly resumeMargin: number;
  private readonly minChangeIntervalMs: number;
  private readonly resumeHoldMs: number;
  private readonly headroom: number;
  private readonly restoreHoldMs: number;
  private readonly restoreWindowMs: number;
  private readonly temporalMargin: number;
  private readonly temporalHoldMs: number;
  private readonly temporalMinIntervalMs: number;
  private readonly fitMargin: number;
  private readonly maxBurstMs: number;
  private readonly states = new Map<string, TrackState>();
  private generation = 0;
  // Budgets of recent updates (time, bps), oldest first, spanning the longest hold window.
  private readonly histT: number[] = [];
  private readonly histB: number[] = [];

  /**
   * @param options - clock and stability tuning
   * @throws {@link SimulcastError} `INVALID_OPTION` for a negative or non-finite option
   */
  constructor(options: LayerSelectorOptions = {}) {
    if (options.now !== undefined && typeof options.now !== 'function') throw new SimulcastError('INVALID_OPTION', 'now must be a function returning milliseconds');
    this.now = options.now ?? (() => performance.now());
    this.upgradeMargin = optionAtLeast(options.upgradeMargin, 0.08, 0, 'upgradeMargin');
    this.upgradeHoldMs = optionAtLeast(options.upgradeHoldMs, 4000, 0, 'upgradeHoldMs');
    this.upgradeQuantile = optionAtLeast(options.upgradeQuantile, 0, 0, 'upgradeQuantile');
    if (this.upgradeQuantile >= 1) throw new SimulcastError('INVALID_OPTION', `upgradeQuantile must be below 1, got ${this.upgradeQuantile}`);
    this.resumeMargin = optionAtLeast(options.resumeMargin, 0.03, 0, 'resumeMargin');
    this.headroom = optionAtLeast(options.headroom, 0.05, 0, 'headroom');
    if (this.headroom >= 1) throw new SimulcastError('INVALID_OPTION', `headroom must be below 1, got ${this.headroom}`);
    this.resumeHoldMs = optionAtLeast(options.resumeHoldMs, 0, 0, 'resumeHoldMs');
    this.minChangeIntervalMs = optionAtLeast(options.minChangeIntervalMs, 4000, 0, 'minChangeIntervalMs');
    this.restoreHoldMs = optionAtLeast(options.restoreHoldMs, 500, 0, 'restoreHoldMs');
    this.restoreWindowMs = optionAtLeast(options.restoreWindowMs, 10_000, 0, 'restoreWindowMs');
    this.temporalMargin = optionAtLeast(options.temporalMargin, 0.06, 0, 'temporalMargin');
    this.temporalHoldMs = optionAtLeast(options.temporalHoldMs, 2000, 0, 'temporalHoldMs');
    this.temporalMinIntervalMs = optionAtLeast(options.temporalMinIntervalMs, 3000, 0, 'temporalMinIntervalMs');
    this.fitMargin = optionAtLeast(options.fitMargin, 0.02, 0, 'fitMargin');
    if (this.fitMargin >= 1) throw new SimulcastError('INVALID_OPTION', `fitMargin must be below 1, got ${this.fitMargin}`);
    this.maxBurstMs = optionAtLeast(options.maxBurstMs, 60, 0, 'maxBurstMs');
  }

  /**
   * Decides the layer of every track for this tick.
   *
   * @param tracks - the subscriber's current tracks (tracks no longer listed are forgotten)
   * @param budgetBps - the subscriber's available bandwidth, e.g. a {@link BandwidthEstimator} estimate
   * @returns one decision per track, in service order
   * @throws {@link SimulcastError} for an invalid budget, track or ladder
   */
  update(tracks: readonly TrackInput[], budgetBps: number): LayerDecision[] {
    finiteAtLeast(budgetBps, 0, 'budgetBps');
    const now = finiteAtLeast(this.now(), -Infinity, 'now()', 'INVALID_OPTION');
    const prepared = this.maxBurstMs > 0 ? capBursts(prepareTracks(tracks), (budgetBps * this.maxBurstMs) / 1000) : prepareTracks(tracks);
    const n = prepared.length;
    const ideal = allocateIndexes(prepared, budgetBps);
    this.remember(now, budgetBps);
    // "Held for a while" = the lowest budget seen over the whole hold window still pays for it;
    // scanned only when a paused or lowered track asks (-1: not yet).
    let resumeMemo = -1;
    let restoreMemo = -1;
    const heldResume = (): number => (resumeMemo >= 0 ? resumeMemo : (resumeMemo = this.held(now, this.resumeHoldMs, 0)));
    const heldRestore = (): number => (restoreMemo >= 0 ? restoreMemo : (restoreMemo = this.held(now, this.restoreHoldMs, 0) / (1 + this.upgradeMargin)));
    // The allocations below are computed only when some track may move (most ticks none can).
    const lazy = (bps: () => number): (() => Int32Array) => {
      let memo: Int32Array | undefined;
      return () => (memo ??= allocateIndexes(prepared, bps()));
    };
    const roomy = lazy(() => this.held(now, this.upgradeHoldMs, this.upgradeQuantile) / (1 + this.upgradeMargin));
    const resume = lazy(() => heldResume() / (1 + this.resumeMargin));
    const admit = lazy(() => budgetBps / (1 + this.resumeMargin));
    const roomyNow = lazy(() => budgetBps / (1 + this.upgradeMargin));
    const states: TrackState[] = [];
    const before: (Layer | null)[] = [];
    const cur = new Int32Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const t = prepared[i]!;
      let s = this.states.get(t.id);
      if (s === undefined) {
        // A new track starts paused and is admitted by the rules below, at once if it fits.
        s = { layer: null, lastChangeMs: -Infinity, lastSpatialMs: -Infinity, restore: null, restoreFromMs: -Infinity, generation: 0 };
      }
      states.push(s);
      before.push(s.layer);
      // Audio has no stability rules: it takes what a fresh allocation gives it, at once.
      cur[i] = t.kind === 'audio' ? ideal[i]! : t.visible ? indexAtOrBelow(t, s.layer) : -1;
      total += cost(t, cur[i]!);
    }
    const start = cur.slice();
    // Emergency: over budget, lower tracks at once. Temporal steps come first (below); otherwise
    // never below what a fresh allocation would give them, and one dip should change as few
    // tracks as possible: first look, from the back of the service order, for one track whose
    // single step down is enough; otherwise lower tracks from the back, each only as far as needed.
    const fit = budgetBps * (1 - this.fitMargin);
    if (total > fit) {
      // A spatial step gets the whole headroom (its keyframe); a temporal step half of it, for
      // the frames a layer's rate rounds over in one second.
      const goal = budgetBps * (1 - this.headroom);
      const enough = Math.min(fit, budgetBps * (1 - this.headroom / 2));
      const floor = allocateIndexes(prepared, goal);
      const lower = (i: number, j: number): void => {
        const s = states[i]!;
        total -= cost(prepared[i]!, cur[i]!) - cost(prepared[i]!, j);
        if (s.restore === null || now - s.restoreFromMs > this.restoreWindowMs) s.restore = before[i]!;
        s.restoreFromMs = now;
        cur[i] = j;
      };
      // Dropping temporal layers needs no keyframe and keeps every picture's resolution: when
      // that alone is enough, across tracks from the back of the service order, do only that.
      const trial = cur.slice();
      let sum = total;
      for (let i = n - 1; i >= 0 && sum > enough; i--) {
        const t = prepared[i]!;
        const c = trial[i]!;
        if (c <= 0 || t.kind === 'audio') continue;
        const sp = t.eligible[c]!.spatial;
        let j = c;
        while (j > 0 && t.eligible[j - 1]!.spatial === sp && sum - cost(t, c) + cost(t, j) > enough) j--;
        sum += cost(t, j) - cost(t, c);
        trial[i] = j;
      }
      if (sum <= enough) for (let i = 0; i < n; i++) if (trial[i] !== cur[i]) lower(i, trial[i]!);
      for (let i = n - 1; i >= 0 && total > enough; i--) {
        const t = prepared[i]!;
        const c = cur[i]!;
        if (c <= floor[i]! || c < 0) continue;
        const from = t.eligible[c]!;
        for (let j = c - 1; j >= floor[i]!; j--) {
          const to = j < 0 ? null : t.eligible[j]!;
          const limit = to !== null && to.spatial === from.spatial ? enough : goal;
          if (total - cost(t, c) + cost(t, j) <= limit) {
            lower(i, j);
            break;
          }
        }
      }
      for (let i = n - 1; i >= 0 && total > enough; i--) {
        const t = prepared[i]!;
        if (cur[i]! <= floor[i]!) continue;
        let j = cur[i]! - 1;
        while (j > floor[i]! && total - cost(t, cur[i]!) + cost(t, j) > goal) j--;
        lower(i, j);
      }
    }
    // Upgrades and resumes: only with margin, held for a while, spaced in time.
    for (let i = 0; i < n; i++) {
      const t = prepared[i]!;
      const s = states[i]!;
      if (t.kind === 'audio') continue;
      const paused = cur[i]! < 0;
      // A track never seen before is admitted at once, with resume headroom on the current budget.
      const fresh = before[i] === null && s.lastChangeMs === -Infinity;
      if (!fresh && !paused && (now - s.lastSpatialMs < this.minChangeIntervalMs || now - s.lastChangeMs < this.temporalMinIntervalMs || cur[i] === t.eligible.length - 1)) continue;
      const held = fresh ? admit()[i]! : paused ? resume()[i]! : roomy()[i]!;
      if (held <= cur[i]!) continue;
      // The held budget proved the next step safe; go as far as today's budget allows, so that
      // one change does the work of several small ones.
      const want = fresh || paused ? held : Math.max(held, roomyNow()[i]!);
      const limit = Math.min(fit, (fresh || !paused ? budgetBps : heldResume()) / (1 + (paused ? this.resumeMargin : this.upgradeMargin)));
      for (let j = want; j > cur[i]!; j--) {
        const delta = cost(t, j) - cost(t, cur[i]!);
        if (total + delta <= limit) {
          total += delta;
          cur[i] = j;
          break;
        }
      }
    }
    // Restores: a track the emergency lowered goes back to its former layer once the budget has
    // paid for it again for a short while; the layer held before the dip needs no long proof.
    for (let i = 0; i < n; i++) {
      const t = prepared[i]!;
      const s = states[i]!;
      if (s.restore === null) continue;
      const target = cur[i]! < 0 ? -1 : indexAtOrBelow(t, s.restore);
      if (target <= cur[i]! || now - s.restoreFromMs > this.restoreWindowMs) {
        s.restore = null;
        continue;
      }
      const delta = cost(t, target) - cost(t, cur[i]!);
      if (total + delta <= Math.min(heldRestore(), budgetBps / (1 + this.upgradeMargin), fit)) {
        total += delta;
        cur[i] = target;
        s.restore = null;
      }
    }
    // Temporal fill: budget the spatial rules leave unused raises frame rates within the spatial
    // layers the tracks have, which needs no keyframe and leaves every resolution alone; it
    // proves itself over a shorter hold than a spatial upgrade, as the next dip costs only a
    // temporal step back.
    let fillLimit = Infinity;
    for (let i = 0; i < n && total < fillLimit; i++) {
      const t = prepared[i]!;
      const c = cur[i]!;
      if (t.kind === 'audio' || c < 0 || c !== start[i] || c === t.eligible.length - 1 || now - states[i]!.lastChangeMs < this.temporalMinIntervalMs) continue;
      // Computed once, for the first track that may rise (on most ticks none may).
      if (fillLimit === Infinity) {
        fillLimit = Math.min(Math.min(this.held(now, this.temporalHoldMs, 0), budgetBps) / (1 + this.temporalMargin), fit);
        if (total >= fillLimit) break;
      }
      const sp = t.eligible[c]!.spatial;
      for (let j = t.eligible.length - 1; j > c; j--) {
        if (t.eligible[j]!.spatial !== sp) continue;
        const delta = cost(t, j) - cost(t, c);
        if (total + delta <= fillLimit) {
          total += delta;
          cur[i] = j;
          break;
        }
      }
    }
    const out: LayerDecision[] = [];
    const gen = ++this.generation;
    for (let i = 0; i < n; i++) {
      const t = prepared[i]!;
      const s = states[i]!;
      const layer = cur[i]! < 0 ? null : t.eligible[cur[i]!]!;
      const prev = before[i]!;
      const changed = layer !== prev && !(layer !== null && prev !== null && layer.spatial === prev.spatial && layer.temporal === prev.temporal);
      if (changed) s.lastChangeMs = now;
      if (changed && (layer === null || prev === null || layer.spatial !== prev.spatial)) s.lastSpatialMs = now;
      s.layer = layer;
      this.states.set(t.id, s);
      s.generation = gen;
      const requestKeyframe = changed && t.kind !== 'audio' && layer !== null && (prev === null || prev.spatial !== layer.spatial);
      out.push({ id: t.id, layer, changed, requestKeyframe });
    }
    // Forget tracks no longer listed (only when some are: the common case costs nothing).
    if (this.states.size > n) for (const [id, st] of this.states) if (st.generation !== gen) this.states.delete(id);
    return out;
  }

  private remember(now: number, budget: number): void {
    this.histT.push(now);
    this.histB.push(budget);
    const span = Math.max(this.upgradeHoldMs, this.resumeHoldMs, this.restoreHoldMs, this.temporalHoldMs);
    // Keep one entry at or before the window start: the budget in force when the window began.
    while (this.histT.length > 2 && this.histT[1]! <= now - span) {
      this.histT.shift();
      this.histB.shift();
    }
  }

  /**
   * The q-quantile of the budgets over the last `windowMs` (q = 0: the lowest); 0 when the
   * history does not yet cover the window.
   */
  private held(now: number, windowMs: number, q: number): number {
    const from = now - windowMs;
    if (this.histT[0]! > from) return windowMs === 0 ? this.histB[this.histB.length - 1]! : 0;
    let k = this.histT.length - 1;
    while (k > 0 && this.histT[k]! > from) k--;
    if (q === 0) {
      let min = Infinity;
      for (let i = k; i < this.histB.length; i++) min = Math.min(min, this.histB[i]!);
      return min;
    }
    const values = Float64Array.from(this.histB.slice(k)).sort();
    return values[Math.floor(q * (values.length - 1))]!;
  }

  /**
   * The layer chosen for a track at the last {@link update}.
   *
   * @param id - a track id
   * @returns the layer, null when paused
   * @throws {@link SimulcastError} `UNKNOWN_TRACK` when the id was not in the last update
   */
  layerOf(id: string): Layer | null {
    const s = this.states.get(id);
    if (s === undefined) throw new SimulcastError('UNKNOWN_TRACK', `no track ${describe(id)} in the last update`);
    return s.layer;
  }
}

/** Per eligible array: the bit (1 << id; ids are at most 15) of each spatial layer above the lowest, its base frame in bits, and the capped arrays by mask. */
interface BurstInfo {
  readonly bits: number[];
  readonly frameBits: number[];
  readonly all: number;
  readonly capped: Map<number, Layer[]>;
}

const burstCache = new WeakMap<readonly Layer[], BurstInfo>();

function burstInfo(el: readonly Layer[]): BurstInfo {
  let info = burstCache.get(el);
  if (info !== undefined) return info;
  let lowest = Infinity;
  for (const l of el) lowest = Math.min(lowest, l.spatial);
  const bits: number[] = [];
  const frameBits: number[] = [];
  let all = 0;
  for (const l of el) {
    const bit = 1 << l.spatial;
    all |= bit;
    if (l.spatial === lowest || bits.includes(bit)) continue;
    // The spatial layer's lowest temporal layer sends its largest frames (frame rate 0: unknown, never capped).
    let base = l;
    for (const m of el) if (m.spatial === l.spatial && m.temporal < base.temporal) base = m;
    bits.push(bit);
    frameBits.push(base.fps > 0 ? base.bitrateBps / base.fps : 0);
  }
  info = { bits, frameBits, all, capped: new Map() };
  burstCache.set(el, info);
  return info;
}

/**
 * Drops from each visible video track's eligible layers the spatial layers whose base-temporal-layer
 * frame exceeds `maxFrameBits` (the lowest eligible spatial layer stays). Tracks left whole are
 * kept as they are; the array is modified in place.
 */
function capBursts(prepared: PreparedTrack[], maxFrameBits: number): PreparedTrack[] {
  for (let i = 0; i < prepared.length; i++) {
    const t = prepared[i]!;
    if (t.kind === 'audio' || !t.visible) continue;
    const info = burstInfo(t.eligible);
    let allowed = info.all;
    for (let k = 0; k < info.bits.length; k++) if (info.frameBits[k]! > maxFrameBits) allowed &= ~info.bits[k]!;
    if (allowed === info.all) continue;
    let capped = info.capped.get(allowed);
    if (capped === undefined) info.capped.set(allowed, (capped = t.eligible.filter((l) => (allowed & (1 << l.spatial)) !== 0)));
    prepared[i] = { ...t, eligible: capped };
  }
  return prepared;
}

function cost(t: PreparedTrack, i: number): number {
  return i < 0 ? 0 : t.eligible[i]!.bitrateBps;
}

/** The index of `layer` among the eligible layers, or of the costliest eligible layer not above it. */
function indexAtOrBelow(t: PreparedTrack, layer: Layer | null): number {
  if (layer === null) return -1;
  let best = -1;
  for (let j = 0; j < t.eligible.length; j++) {
    const e = t.eligible[j]!;
    if (e.spatial === layer.spatial && e.temporal === layer.temporal) return j;
    if (e.bitrateBps <= layer.bitrateBps) best = j;
  }
  return best === -1 ? 0 : best;
}
