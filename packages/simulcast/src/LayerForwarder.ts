import { SimulcastError } from './errors.js';
import { describe, integerIn } from './check.js';
import { MAX_LAYER_ID, type LayerRef } from './layers.js';

/**
 * How a track is encoded. `simulcast`: independent encodings, every spatial switch needs a
 * keyframe of the new encoding. `L1T3`: one spatial layer, three temporal. `L3T3`: full SVC
 * (upper spatial layers predict from lower ones every frame). `L3T3_KEY`: K-SVC (inter-layer
 * prediction only on keyframes). In all SVC modes lower layers decode alone, so dropping layers
 * (a downswitch) needs no keyframe; raising the spatial layer does.
 */
export type ScalabilityMode = 'simulcast' | 'L1T3' | 'L3T3' | 'L3T3_KEY';

/** One frame (or one spatial layer frame of an SVC superframe) as the forwarder sees it. */
export interface FrameInfo {
  readonly spatial: number;
  readonly temporal: number;
  /** An intra frame: decoding can start here (for SVC, a keyframe of the base layer). */
  readonly keyframe: boolean;
  /** A temporal switching-up point: a frame from which the higher temporal layer decodes. */
  readonly switchPoint: boolean;
}

/** What the subscriber can show. */
export type ForwarderState = 'forwarding' | 'waiting-keyframe' | 'paused';

const MODES: ReadonlySet<string> = new Set(['simulcast', 'L1T3', 'L3T3', 'L3T3_KEY']);

/** Tuning of {@link LayerForwarder}. */
export interface LayerForwarderOptions {
  /**
   * What a simulcast spatial downgrade forwards until the target's keyframe arrives: `bridge`
   * keeps the current encoding at its lowest temporal layer, so the picture never freezes for
   * the keyframe's round trip (a T0 layer costs about 40% of its full rate); `cut` stops it at
   * once and the picture waits. @defaultValue `'cut'`
   */
  readonly downswitch?: 'bridge' | 'cut';
}

/**
 * Per-track, per-subscriber packet filter that applies a {@link LayerSelector} decision where the
 * bitstream allows it: temporal downswitch at once, temporal upswitch at a switching point,
 * spatial switches at a keyframe of the target (SVC spatial downswitch at once, as layer
 * dropping). While a simulcast spatial switch waits for the keyframe that {@link setTarget}
 * asks for, the old encoding keeps the picture alive: on an upgrade as it was, on a downgrade at
 * its lowest temporal layer (the fewest bits that still decode), unless `downswitch: 'cut'`
 * stops it at once.
 *
 * @example
 * ```ts
 * const fwd = new LayerForwarder('simulcast');
 * if (fwd.setTarget({ spatial: 2, temporal: 2 })) requestKeyframe();
 * if (fwd.onFrame({ spatial: 2, temporal: 0, keyframe: true, switchPoint: true })) send(packet);
 * ```
 */
export class LayerForwarder {
  /** The encoding this forwarder filters. */
  readonly mode: ScalabilityMode;
  private readonly bridge: boolean;
  private cur: LayerRef | null = null;
  private tgt: LayerRef | null = null;
  private waiting = false;

  /**
   * @param mode - how the track is encoded
   * @defaultValue `'simulcast'`
   * @param options - how a simulcast downgrade bridges the keyframe wait
   * @throws {@link SimulcastError} `INVALID_OPTION` for an unknown mode or option
   */
  constructor(mode: ScalabilityMode = 'simulcast', options: LayerForwarderOptions = {}) {
    if (!MODES.has(mode)) throw new SimulcastError('INVALID_OPTION', `mode must be one of simulcast, L1T3, L3T3, L3T3_KEY; got ${describe(mode)}`);
    this.mode = mode;
    const downswitch: unknown = (options as { downswitch?: unknown } | null)?.downswitch ?? 'cut';
    if (downswitch !== 'bridge' && downswitch !== 'cut') throw new SimulcastError('INVALID_OPTION', `downswitch must be "bridge" or "cut", got ${describe(downswitch)}`);
    this.bridge = downswitch === 'bridge';
  }

  /** The layer being forwarded (null while paused or waiting for the first keyframe). */
  get current(): LayerRef | null {
    return this.waiting ? null : this.cur;
  }

  /** The layer asked for by the last {@link setTarget}. */
  get target(): LayerRef | null {
    return this.tgt;
  }

  /** Whether the subscriber has a decodable picture. */
  get state(): ForwarderState {
    if (this.tgt === null) return 'paused';
    return this.waiting ? 'waiting-keyframe' : 'forwarding';
  }

  /**
   * Sets the layer to forward (null pauses at once).
   *
   * @param target - the layer to move to, or null
   * @returns true when a keyframe must be requested from the publisher for the switch
   * @throws {@link SimulcastError} `INVALID_PACKET` for out-of-range ids
   */
  setTarget(target: LayerRef | null): boolean {
    if (target !== null) {
      integerIn(target.spatial, 0, MAX_LAYER_ID, 'target spatial', 'INVALID_PACKET');
      integerIn(target.temporal, 0, MAX_LAYER_ID, 'target temporal', 'INVALID_PACKET');
      target = { spatial: target.spatial, temporal: target.temporal };
    }
    this.tgt = target;
    if (target === null) {
      this.cur = null;
      this.waiting = false;
      return false;
    }
    const cur = this.waiting ? null : this.cur;
    if (cur === null) {
      this.waiting = true;
      return true;
    }
    if (cur.spatial === target.spatial) return false;
    if (this.mode !== 'simulcast' && target.spatial < cur.spatial) {
      // SVC: dropping upper spatial layers needs nothing from the publisher.
      this.cur = { spatial: target.spatial, temporal: Math.min(cur.temporal, target.temporal) };
      return false;
    }
    if (this.mode === 'simulcast' && target.spatial < cur.spatial) {
      if (this.bridge) {
        // Most of the cut happens now (T0 of the old encoding), yet the picture never stops.
        this.cur = { spatial: cur.spatial, temporal: 0 };
      } else {
        // Downgrades take effect at once so the link drains; the picture waits for the keyframe.
        this.cur = null;
        this.waiting = true;
      }
    }
    return true;
  }

  /**
   * Decides whether one frame is forwarded, switching layers where this frame allows it.
   *
   * @param frame - the frame's layer ids and flags
   * @returns true to forward the frame to the subscriber
   * @throws {@link SimulcastError} `INVALID_PACKET` for out-of-range ids or non-boolean flags
   */
  onFrame(frame: FrameInfo): boolean {
    const s = integerIn(frame.spatial, 0, MAX_LAYER_ID, 'frame spatial', 'INVALID_PACKET');
    const t = integerIn(frame.temporal, 0, MAX_LAYER_ID, 'frame temporal', 'INVALID_PACKET');
    if (typeof frame.keyframe !== 'boolean' || typeof frame.switchPoint !== 'boolean') {
      throw new SimulcastError('INVALID_PACKET', 'frame keyframe and switchPoint must be booleans');
    }
    const tgt = this.tgt;
    if (tgt === null) return false;
    const svc = this.mode !== 'simulcast';
    const keyLayer = svc ? 0 : tgt.spatial;
    // The keyframe must itself be forwarded (within the target temporal layer) to start decoding.
    if (frame.keyframe && s === keyLayer && t <= tgt.temporal && (this.waiting || this.cur === null || this.cur.spatial !== tgt.spatial)) {
      this.cur = { spatial: tgt.spatial, temporal: tgt.temporal };
      this.waiting = false;
    }
    const cur = this.cur;
    if (this.waiting || cur === null) return false;
    if (cur.temporal > tgt.temporal) this.cur = { spatial: cur.spatial, temporal: tgt.temporal };
    // (A simulcast encoding above the target only bridges a downgrade: it stays at its lowest layer.)
    else if (cur.temporal < tgt.temporal && frame.switchPoint && t <= tgt.temporal && (svc ? s <= cur.spatial : s === cur.spatial && s <= tgt.spatial)) {
      this.cur = { spatial: cur.spatial, temporal: tgt.temporal };
    }
    const now = this.cur!;
    return (svc ? s <= now.spatial : s === now.spatial) && t <= now.temporal;
  }
}
