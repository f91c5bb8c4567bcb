import { SimulcastError } from './errors.js';
import { describe, finiteAtLeast, integerIn } from './check.js';

/**
 * One decodable operating point of a track: a simulcast encoding at a temporal level, or an
 * SVC (spatial, temporal) pair. `bitrateBps` is what forwarding this layer costs, including the
 * lower temporal (and, for SVC, spatial) layers it depends on.
 */
export interface Layer {
  readonly spatial: number;
  readonly temporal: number;
  readonly bitrateBps: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

/** A (spatial, temporal) pair naming a layer. */
export interface LayerRef {
  readonly spatial: number;
  readonly temporal: number;
}

/** Media kinds; audio is always served first, screen shares before cameras. */
export type TrackKind = 'audio' | 'video' | 'screen';

/** The size a subscriber renders a track at, in CSS or device pixels (be consistent with layers). */
export interface Viewport {
  readonly width: number;
  readonly height: number;
}

/** Most layers a ladder may hold (3 spatial x 3 temporal is typical; this leaves ample room). */
export const MAX_LAYERS: number = 64;
/** Highest spatial or temporal id accepted. */
export const MAX_LAYER_ID: number = 15;

/**
 * Validates a ladder and returns a copy sorted by ascending bitrate, which is the order in
 * which the allocator climbs.
 *
 * A ladder is valid when it is non-empty, each (spatial, temporal) pair is unique, numbers are
 * finite and non-negative, and bitrate rises with the temporal id within a spatial layer and
 * with the spatial id at a given temporal id (otherwise "higher" would not mean "costlier").
 *
 * @param layers - the layers a publisher offers for one track
 * @param what - names the track in error messages
 * @returns the layers sorted by ascending bitrate (a new array of frozen copies)
 * @throws {@link SimulcastError} `INVALID_LADDER` describing the first rule broken
 * @example
 * ```ts
 * const ladder = validateLadder([{ spatial: 0, temporal: 0, bitrateBps: 150_000, width: 320, height: 180, fps: 30 }]);
 * ```
 */
export function validateLadder(layers: unknown, what = 'track'): Layer[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new SimulcastError('INVALID_LADDER', `${what}: layers must be a non-empty array, got ${describe(layers)}`);
  }
  if (layers.length > MAX_LAYERS) {
    throw new SimulcastError('INVALID_LADDER', `${what}: at most ${MAX_LAYERS} layers are supported, got ${layers.length}`);
  }
  const out: Layer[] = [];
  const seen = new Map<number, Layer>();
  for (let i = 0; i < layers.length; i++) {
    const l: unknown = layers[i];
    if (typeof l !== 'object' || l === null) throw new SimulcastError('INVALID_LADDER', `${what}: layer ${i} must be an object`);
    const r = l as Record<string, unknown>;
    const at = `${what}: layer ${i}`;
    const layer: Layer = Object.freeze({
      spatial: integerIn(r['spatial'], 0, MAX_LAYER_ID, `${at} spatial`, 'INVALID_LADDER'),
      temporal: integerIn(r['temporal'], 0, MAX_LAYER_ID, `${at} temporal`, 'INVALID_LADDER'),
      bitrateBps: finiteAtLeast(r['bitrateBps'], 0, `${at} bitrateBps`, 'INVALID_LADDER'),
      width: finiteAtLeast(r['width'], 0, `${at} width`, 'INVALID_LADDER'),
      height: finiteAtLeast(r['height'], 0, `${at} height`, 'INVALID_LADDER'),
      fps: finiteAtLeast(r['fps'], 0, `${at} fps`, 'INVALID_LADDER'),
    });
    const key = layer.spatial * 16 + layer.temporal;
    if (seen.has(key)) {
      throw new SimulcastError('INVALID_LADDER', `${at} repeats spatial ${layer.spatial} temporal ${layer.temporal}; each pair must appear once`);
    }
    seen.set(key, layer);
    out.push(layer);
  }
  for (const l of out) {
    const up = seen.get(l.spatial * 16 + l.temporal + 1);
    if (up !== undefined && up.bitrateBps <= l.bitrateBps) {
      throw new SimulcastError('INVALID_LADDER', `${what}: bitrate must rise with temporal id (S${l.spatial}T${l.temporal} ${l.bitrateBps} bps >= S${up.spatial}T${up.temporal} ${up.bitrateBps} bps)`);
    }
    const right = seen.get((l.spatial + 1) * 16 + l.temporal);
    if (right !== undefined && right.bitrateBps <= l.bitrateBps) {
      throw new SimulcastError('INVALID_LADDER', `${what}: bitrate must rise with spatial id (S${l.spatial}T${l.temporal} ${l.bitrateBps} bps >= S${right.spatial}T${right.temporal} ${right.bitrateBps} bps)`);
    }
  }
  out.sort((a, b) => a.bitrateBps - b.bitrateBps || a.spatial - b.spatial || a.temporal - b.temporal);
  return out;
}

/**
 * Whether two layer references name the same layer (both null counts as equal).
 *
 * @param a - a layer or null (paused)
 * @param b - a layer or null (paused)
 * @returns true when both are null or both name the same (spatial, temporal)
 * @example
 * ```ts
 * sameLayer({ spatial: 1, temporal: 2 }, { spatial: 1, temporal: 2 }); // true
 * ```
 */
export function sameLayer(a: LayerRef | null, b: LayerRef | null): boolean {
  if (a === null || b === null) return a === b;
  return a.spatial === b.spatial && a.temporal === b.temporal;
}

/**
 * Builds the common 3x3 simulcast ladder (S0..S2 x T0..T2) from the top-temporal bitrate of each
 * spatial layer; lower temporal layers get 40% and 65% of it, as VP8 temporal layering does.
 *
 * @param spatial - per spatial layer: top bitrate and size
 * @param fps - frame rate of the top temporal layer
 * @defaultValue fps 30
 * @returns a ladder ready for {@link validateLadder}
 * @example
 * ```ts
 * const ladder = simulcastLadder([
 *   { bitrateBps: 150_000, width: 320, height: 180 },
 *   { bitrateBps: 500_000, width: 640, height: 360 },
 *   { bitrateBps: 1_500_000, width: 1280, height: 720 },
 * ]);
 * ```
 */
export function simulcastLadder(spatial: readonly { bitrateBps: number; width: number; height: number }[], fps = 30): Layer[] {
  const shares = [0.4, 0.65, 1];
  const out: Layer[] = [];
  spatial.forEach((s, si) => {
    shares.forEach((share, ti) => {
      out.push({ spatial: si, temporal: ti, bitrateBps: Math.round(s.bitrateBps * share), width: s.width, height: s.height, fps: fps / 2 ** (2 - ti) });
    });
  });
  return out;
}
