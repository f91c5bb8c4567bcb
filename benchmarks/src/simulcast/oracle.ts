// An offline bound for the true-capacity goals: a policy that knows every future window's
// capacity, chooses among the allocator's levels (the allocations of the default scenario at every
// budget), never exceeds capacity less a small headroom, and trades utilisation against switches
// by dynamic programming (maximise forwarded bits minus lambda per track change). No causal
// selector can beat its utilisation at the same switch rate within those levels, so it shows how
// far the goals (>= 85% utilisation at <= 4 switches/min/track) sit from what is possible at all.
// It counts nominal bitrates (no keyframes, frames or freezes), so it is a bound, not a contender.
// Switches are counted either as any change of a track's layer or, like the benchmark's spatial
// switch figure, only as changes of resolution, pauses and resumes (temporal changes free).
import { allocateIndexes, prepareTracks, type PreparedTrack } from '@chorus/simulcast';
import { defaultScenario } from '@chorus/simulcast/sim';

export interface OraclePoint {
  lambda: number;
  utilisation: number;
  switchesPerMinute: number;
}

interface Levels {
  totals: number[];
  changes: Uint8Array;
  count: number;
  demand: number;
  videoTracks: number;
}

/** What counts as a switch: any change of a track's layer, or only spatial ones (resolution, pause, resume). */
export type SwitchCount = 'all' | 'spatial';

function spatialOf(t: PreparedTrack, j: number): number {
  return j < 0 ? -1 : t.eligible[j]!.spatial;
}

function levelsOf(prepared: readonly PreparedTrack[], count: SwitchCount): Levels {
  const seen = new Set<string>();
  const rows: Int32Array[] = [];
  const totals: number[] = [];
  let demand = 0;
  for (const t of prepared) if (t.visible || t.kind === 'audio') demand += t.eligible[t.eligible.length - 1]!.bitrateBps;
  for (let b = 0; b <= demand + 5000; b += 5000) {
    const idx = allocateIndexes(prepared, b);
    const key = idx.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(idx);
    totals.push(idx.reduce((n, j, i) => n + (j < 0 ? 0 : prepared[i]!.eligible[j]!.bitrateBps), 0));
  }
  const L = rows.length;
  const changes = new Uint8Array(L * L);
  for (let a = 0; a < L; a++) {
    for (let b = 0; b < L; b++) {
      let n = 0;
      for (let i = 0; i < prepared.length; i++) {
        const t = prepared[i]!;
        if (t.kind === 'audio') continue;
        const x = rows[a]![i]!;
        const y = rows[b]![i]!;
        if (count === 'all' ? x !== y : spatialOf(t, x) !== spatialOf(t, y)) n++;
      }
      changes[a * L + b] = n;
    }
  }
  return { totals, changes, count: L, demand, videoTracks: prepared.filter((t) => t.kind !== 'audio' && t.visible).length };
}

/** Best path for one trace: forwarded bits and track changes. */
function solve(caps: readonly number[], lv: Levels, lambda: number, headroom: number): { got: number; changes: number } {
  const L = lv.count;
  let value = new Float64Array(L);
  const back: Uint16Array[] = [];
  for (let w = 0; w < caps.length; w++) {
    const next = new Float64Array(L).fill(-Infinity);
    const from = new Uint16Array(L);
    const limit = caps[w]! * (1 - headroom);
    for (let j = 0; j < L; j++) {
      // Level 0 (everything the allocator pauses at budget 0) is always allowed: an outage.
      if (j > 0 && lv.totals[j]! > limit) continue;
      let best = -Infinity;
      let arg = 0;
      for (let i = 0; i < L; i++) {
        const v = value[i]! - lambda * lv.changes[i * L + j]!;
        if (v > best) {
          best = v;
          arg = i;
        }
      }
      next[j] = best + Math.min(lv.totals[j]!, caps[w]!);
      from[j] = arg;
    }
    back.push(from);
    value = next;
  }
  let j = 0;
  for (let i = 1; i < L; i++) if (value[i]! > value[j]!) j = i;
  let got = 0;
  let changes = 0;
  for (let w = caps.length - 1; w >= 0; w--) {
    const i = back[w]![j]!;
    got += Math.min(lv.totals[j]!, caps[w]!);
    if (w > 0) changes += lv.changes[i * L + j]!;
    j = i;
  }
  return { got, changes };
}

/**
 * The offline optimum's utilisation at the smallest lambda (from a fixed ladder) whose pooled
 * switch rate is at most `maxSwitches`, over the given per-trace capacity timelines (1 s windows).
 */
export function oracleBound(traces: readonly (readonly number[])[], maxSwitches: number, count: SwitchCount = 'all', headroom = 0.05): OraclePoint {
  const lv = levelsOf(prepareTracks(defaultScenario().tracks), count);
  let could = 0;
  let minutes = 0;
  for (const caps of traces) {
    for (const c of caps) could += Math.min(c, lv.demand);
    minutes += caps.length / 60;
  }
  let last: OraclePoint | undefined;
  for (const lambda of [25_000, 50_000, 100_000, 200_000, 300_000, 400_000, 600_000, 800_000, 1_200_000, 2_000_000]) {
    let got = 0;
    let changes = 0;
    for (const caps of traces) {
      const r = solve(caps, lv, lambda, headroom);
      got += r.got;
      changes += r.changes;
    }
    last = { lambda, utilisation: got / could, switchesPerMinute: changes / lv.videoTracks / minutes };
    if (last.switchesPerMinute <= maxSwitches) break;
  }
  return last!;
}
