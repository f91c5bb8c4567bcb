import { SimulcastError } from './errors.js';
import { describe, finiteAtLeast } from './check.js';
import { validateLadder, type Layer, type TrackKind, type Viewport } from './layers.js';

/** One subscribed track as the allocator sees it. */
export interface TrackInput {
  /** Unique within one subscriber. */
  readonly id: string;
  readonly kind: TrackKind;
  /** Higher is served earlier among tracks of the same class. @defaultValue 0 */
  readonly priority?: number;
  /** The layers the publisher currently offers. */
  readonly layers: readonly Layer[];
  /** Where the subscriber renders the track, or null when it is hidden (audio ignores this). */
  readonly viewport: Viewport | null;
  /** Whether the track's publisher is the active speaker. @defaultValue false */
  readonly speaking?: boolean;
}

/** A validated track: ladder sorted by bitrate and the layers the viewport allows. */
export interface PreparedTrack {
  readonly id: string;
  readonly kind: TrackKind;
  readonly priority: number;
  readonly speaking: boolean;
  readonly visible: boolean;
  /** Layers the viewport allows, ascending bitrate; the allocator picks among these. */
  readonly eligible: readonly Layer[];
  /** Whether the viewport removed layers the publisher offers. */
  readonly cappedByViewport: boolean;
}

// Validating a ladder is most of an allocation's cost; callers pass the same ladder array tick
// after tick, so the sorted copy is remembered per array (ladders are treated as immutable).
const ladderCache = new WeakMap<object, Layer[]>();

function ladderOf(layers: unknown, what: string): Layer[] {
  if (typeof layers === 'object' && layers !== null) {
    const hit = ladderCache.get(layers);
    if (hit !== undefined) return hit;
  }
  const ladder = validateLadder(layers, `track ${describe(what)}`);
  ladderCache.set(layers as object, ladder);
  return ladder;
}

const KINDS: ReadonlySet<string> = new Set(['audio', 'video', 'screen']);
const MAX_TRACKS = 10_000;

/**
 * Validates tracks and orders them by service class: audio, then screen shares, then the active
 * speaker, then by priority and viewport area (ties by id, so the order is deterministic).
 *
 * "Never more resolution than the viewport": a video layer is eligible when it fits inside the
 * viewport; when even the smallest layer is larger, the smallest spatial layer stays eligible.
 *
 * Ladders are validated once per array object and remembered: pass a new array when a ladder
 * changes rather than mutating the old one.
 *
 * @param tracks - the subscriber's tracks
 * @returns prepared tracks in service order
 * @throws {@link SimulcastError} `INVALID_TRACK`, `DUPLICATE_TRACK` or `INVALID_LADDER`
 * @example
 * ```ts
 * const order = prepareTracks([{ id: 'mic', kind: 'audio', layers: [opus], viewport: null }]);
 * ```
 */
export function prepareTracks(tracks: readonly TrackInput[]): PreparedTrack[] {
  if (!Array.isArray(tracks)) throw new SimulcastError('INVALID_TRACK', `tracks must be an array, got ${describe(tracks)}`);
  if (tracks.length > MAX_TRACKS) throw new SimulcastError('INVALID_TRACK', `at most ${MAX_TRACKS} tracks per subscriber, got ${tracks.length}`);
  const ids = new Set<string>();
  const out: { t: PreparedTrack; cls: number; area: number }[] = [];
  for (const raw of tracks as readonly unknown[]) {
    if (typeof raw !== 'object' || raw === null) throw new SimulcastError('INVALID_TRACK', `each track must be an object, got ${describe(raw)}`);
    const t = raw as Record<string, unknown>;
    const id = t['id'];
    if (typeof id !== 'string' || id.length === 0) throw new SimulcastError('INVALID_TRACK', `track id must be a non-empty string, got ${describe(id)}`);
    if (ids.has(id)) throw new SimulcastError('DUPLICATE_TRACK', `track id ${describe(id)} appears twice; ids must be unique per subscriber`);
    ids.add(id);
    const kind = t['kind'];
    if (typeof kind !== 'string' || !KINDS.has(kind)) throw new SimulcastError('INVALID_TRACK', `track ${describe(id)}: kind must be "audio", "video" or "screen", got ${describe(kind)}`);
    const priority = t['priority'] === undefined ? 0 : finiteAtLeast(t['priority'], -1e9, () => `track ${describe(id)} priority`, 'INVALID_TRACK');
    const speaking = t['speaking'] === undefined ? false : t['speaking'];
    if (typeof speaking !== 'boolean') throw new SimulcastError('INVALID_TRACK', `track ${describe(id)}: speaking must be a boolean`);
    const ladder = ladderOf(t['layers'], id);
    const vp = t['viewport'];
    let visible = true;
    let area = 0;
    let eligible: Layer[] = ladder;
    if (kind !== 'audio') {
      if (vp === null) visible = false;
      else {
        if (typeof vp !== 'object' || vp === undefined) throw new SimulcastError('INVALID_TRACK', `track ${describe(id)}: viewport must be {width, height} or null (hidden)`);
        const v = vp as Record<string, unknown>;
        const w = finiteAtLeast(v['width'], 0, () => `track ${describe(id)} viewport width`, 'INVALID_TRACK');
        const h = finiteAtLeast(v['height'], 0, () => `track ${describe(id)} viewport height`, 'INVALID_TRACK');
        area = w * h;
        eligible = eligibleFor(ladder, w, h);
      }
    }
    const prepared: PreparedTrack = { id, kind: kind as TrackKind, priority, speaking, visible, eligible, cappedByViewport: eligible.length < ladder.length };
    out.push({ t: prepared, cls: kind === 'audio' ? 0 : kind === 'screen' ? 1 : speaking ? 2 : 3, area });
  }
  out.sort((a, b) => a.cls - b.cls || b.t.priority - a.t.priority || b.area - a.area || (a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0));
  const sorted: PreparedTrack[] = new Array(out.length);
  for (let i = 0; i < out.length; i++) sorted[i] = out[i]!.t;
  return sorted;
}

// Viewports repeat tick after tick, so each ladder remembers its eligible subset per size.
const eligibleCache = new WeakMap<Layer[], Map<number, Map<number, Layer[]>>>();

function eligibleFor(ladder: Layer[], w: number, h: number): Layer[] {
  let byW = eligibleCache.get(ladder);
  if (byW === undefined) eligibleCache.set(ladder, (byW = new Map()));
  let byH = byW.get(w);
  if (byH === undefined) {
    if (byW.size > 64) byW.clear();
    byW.set(w, (byH = new Map()));
  }
  let hit = byH.get(h);
  if (hit === undefined) {
    hit = ladder.filter((l) => l.width <= w && l.height <= h);
    if (hit.length === 0) {
      const minSpatial = Math.min(...ladder.map((l) => l.spatial));
      hit = ladder.filter((l) => l.spatial === minSpatial);
    }
    if (byH.size > 64) byH.clear();
    byH.set(h, hit);
  }
  return hit;
}
