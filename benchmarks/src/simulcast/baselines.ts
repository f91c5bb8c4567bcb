// The two peers the simulcast benchmark compares LayerSelector with. There is no npm package of
// SFU layer selection to install, so these are the textbook policies written out plainly.
import { prepareTracks, type LayerRef, type PreparedTrack, type TrackInput } from '@chorus/simulcast';
import type { SimSelector } from '@chorus/simulcast/sim';

type Choice = { id: string; layer: LayerRef | null };

/** Greedy: in service order, each track takes the highest layer that fits what is left. */
export function naiveIndexes(prepared: readonly PreparedTrack[], budgetBps: number): Int32Array {
  const idx = new Int32Array(prepared.length).fill(-1);
  let left = budgetBps;
  for (let i = 0; i < prepared.length; i++) {
    const t = prepared[i]!;
    if (!t.visible && t.kind !== 'audio') continue;
    for (let j = t.eligible.length - 1; j >= 0; j--) {
      if (t.eligible[j]!.bitrateBps <= left || t.kind === 'audio') {
        idx[i] = j;
        left -= t.eligible[j]!.bitrateBps;
        break;
      }
    }
  }
  return idx;
}

function toChoices(prepared: readonly PreparedTrack[], idx: Int32Array): Choice[] {
  return prepared.map((t, i) => ({ id: t.id, layer: idx[i]! < 0 ? null : t.eligible[idx[i]!]! }));
}

/** Naive selector: the highest layers that fit, recomputed every tick, no hysteresis. */
export function naiveSelector(): () => SimSelector {
  return () => ({
    select(tracks: readonly TrackInput[], budgetBps: number): Choice[] {
      const prepared = prepareTracks(tracks);
      return toChoices(prepared, naiveIndexes(prepared, budgetBps));
    },
  });
}

/**
 * Fixed-hysteresis selector: keeps its layers while they fit; when over budget recomputes at once;
 * raises a track only when the raised total stays below budget / (1 + margin).
 */
export function fixedHysteresisSelector(margin = 0.25): () => SimSelector {
  return () => {
    const kept = new Map<string, number>();
    return {
      select(tracks: readonly TrackInput[], budgetBps: number): Choice[] {
        const prepared = prepareTracks(tracks);
        const cur = new Int32Array(prepared.length);
        let total = 0;
        prepared.forEach((t, i) => {
          const k = kept.get(t.id);
          cur[i] = k === undefined || !t.visible ? -1 : Math.min(k, t.eligible.length - 1);
          if (t.kind === 'audio') cur[i] = t.eligible.length - 1;
          if (cur[i]! >= 0) total += t.eligible[cur[i]!]!.bitrateBps;
        });
        let next: Int32Array;
        if (total > budgetBps) next = naiveIndexes(prepared, budgetBps);
        else {
          const roomy = naiveIndexes(prepared, budgetBps / (1 + margin));
          next = cur.slice();
          let sum = total;
          for (let i = 0; i < prepared.length; i++) {
            if (roomy[i]! <= next[i]!) continue;
            const t = prepared[i]!;
            const delta = t.eligible[roomy[i]!]!.bitrateBps - (next[i]! < 0 ? 0 : t.eligible[next[i]!]!.bitrateBps);
            if (sum + delta <= budgetBps / (1 + margin)) {
              sum += delta;
              next[i] = roomy[i]!;
            }
          }
        }
        prepared.forEach((t, i) => kept.set(t.id, next[i]!));
        return toChoices(prepared, next);
      },
    };
  };
}
