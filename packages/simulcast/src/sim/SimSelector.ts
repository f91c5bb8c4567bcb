import type { LayerRef } from '../layers.js';
import { LayerSelector, type LayerSelectorOptions } from '../LayerSelector.js';
import type { TrackInput } from '../tracks.js';

/**
 * What the simulator drives once per tick: any layer-selection policy, so that baselines and
 * {@link LayerSelector} run on identical conditions.
 */
export interface SimSelector {
  /**
   * @param tracks - the scenario's tracks
   * @param budgetBps - the true capacity or the estimate, depending on the mode
   * @param nowMs - simulated time
   * @returns per track id the layer to forward, or null to pause
   */
  select(tracks: readonly TrackInput[], budgetBps: number, nowMs: number): readonly { readonly id: string; readonly layer: LayerRef | null }[];
}

/**
 * The package's {@link LayerSelector} as a {@link SimSelector}, on the simulator's clock.
 *
 * @param options - stability tuning (the clock is the simulator's)
 * @returns a factory of fresh selectors, one per run
 * @example
 * ```ts
 * simulate(trace, { selector: stableSelector({ upgradeHoldMs: 2000 }) });
 * ```
 */
export function stableSelector(options: Omit<LayerSelectorOptions, 'now'> = {}): () => SimSelector {
  return () => {
    let clock = 0;
    const sel = new LayerSelector({ ...options, now: () => clock });
    return {
      select(tracks, budgetBps, nowMs) {
        clock = nowMs;
        return sel.update(tracks, budgetBps);
      },
    };
  };
}
