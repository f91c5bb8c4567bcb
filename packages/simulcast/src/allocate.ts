import { finiteAtLeast } from './check.js';
import type { Layer } from './layers.js';
import { prepareTracks, type PreparedTrack, type TrackInput } from './tracks.js';

/** Why a track got what it got. */
export type AllocationReason = 'allocated' | 'capped-by-viewport' | 'capped-by-budget' | 'hidden' | 'no-budget';

/** The allocator's answer for one track. */
export interface TrackAllocation {
  readonly id: string;
  /** The layer to forward, or null when the track is paused. */
  readonly layer: Layer | null;
  readonly reason: AllocationReason;
}

/** The allocator's answer for one subscriber. */
export interface AllocationResult {
  /** One entry per input track, in service order (audio, screen, speaker, rest). */
  readonly tracks: readonly TrackAllocation[];
  /** Sum of the chosen layers' bitrates; never above the budget. */
  readonly usedBps: number;
  /** Sum of the top eligible layers of every visible track: what an unlimited link would carry. */
  readonly demandBps: number;
}

/**
 * Stateless allocation of one budget across one subscriber's tracks: the best answer for this
 * instant, without hysteresis ({@link LayerSelector} adds the stability rules on top).
 *
 * Audio is served first with its best layer that fits (it is tiny and losing it is worst; only a
 * budget too small for audio itself, such as a link outage, pauses it). Then every visible video track
 * in service order gets its lowest eligible layer while the budget lasts, so that nothing freezes
 * needlessly; then, in the same order, each track climbs to the highest eligible layer that the
 * remaining budget pays for. Screen shares and the active speaker thus get sharp first.
 *
 * @param tracks - the subscriber's tracks
 * @param budgetBps - what the subscriber's downlink can take, in bits per second
 * @returns the chosen layer per track
 * @throws {@link SimulcastError} `INVALID_NUMBER` for a negative or non-finite budget, or any error of {@link prepareTracks}
 * @example
 * ```ts
 * const { tracks: out } = allocate(tracks, 1_200_000);
 * for (const t of out) console.log(t.id, t.layer ? `${t.layer.spatial}/${t.layer.temporal}` : 'paused');
 * ```
 */
export function allocate(tracks: readonly TrackInput[], budgetBps: number): AllocationResult {
  finiteAtLeast(budgetBps, 0, 'budgetBps');
  return allocatePrepared(prepareTracks(tracks), budgetBps);
}

/**
 * {@link allocate} on tracks already passed through {@link prepareTracks}.
 *
 * @param prepared - tracks in service order
 * @param budgetBps - a finite, non-negative budget (not re-checked)
 * @returns per track an index into its `eligible` layers, or -1 for paused
 * @example
 * ```ts
 * const idx = allocateIndexes(prepareTracks(tracks), 800_000);
 * ```
 */
export function allocateIndexes(prepared: readonly PreparedTrack[], budgetBps: number): Int32Array {
  const n = prepared.length;
  const idx = new Int32Array(n).fill(-1);
  let left = budgetBps;
  for (let i = 0; i < n; i++) {
    const t = prepared[i]!;
    if (t.kind !== 'audio') continue;
    for (let j = t.eligible.length - 1; j >= 0; j--) {
      if (t.eligible[j]!.bitrateBps <= left) {
        idx[i] = j;
        left -= t.eligible[j]!.bitrateBps;
        break;
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const t = prepared[i]!;
    if (idx[i] !== -1 || !t.visible) continue;
    const cost = t.eligible[0]!.bitrateBps;
    if (cost <= left) {
      idx[i] = 0;
      left -= cost;
    }
  }
  for (let i = 0; i < n; i++) {
    const t = prepared[i]!;
    const cur = idx[i]!;
    if (cur < 0 || t.kind === 'audio') continue;
    const base = t.eligible[cur]!.bitrateBps;
    let best = cur;
    for (let j = t.eligible.length - 1; j > cur; j--) {
      if (t.eligible[j]!.bitrateBps - base <= left) {
        best = j;
        break;
      }
    }
    left -= t.eligible[best]!.bitrateBps - base;
    idx[i] = best;
  }
  return idx;
}

function allocatePrepared(prepared: readonly PreparedTrack[], budgetBps: number): AllocationResult {
  const idx = allocateIndexes(prepared, budgetBps);
  let used = 0;
  let demand = 0;
  const out: TrackAllocation[] = prepared.map((t, i) => {
    const k = idx[i]!;
    const top = t.eligible[t.eligible.length - 1]!;
    if (t.visible) demand += top.bitrateBps;
    if (k < 0) return { id: t.id, layer: null, reason: t.visible ? 'no-budget' : 'hidden' };
    const layer = t.eligible[k]!;
    used += layer.bitrateBps;
    const reason: AllocationReason = k < t.eligible.length - 1 ? 'capped-by-budget' : t.cappedByViewport ? 'capped-by-viewport' : 'allocated';
    return { id: t.id, layer, reason };
  });
  return { tracks: out, usedBps: used, demandBps: demand };
}
