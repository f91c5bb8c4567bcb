// Loads the link-capacity traces of ../shared/data/bandwidth (gzip, read with zlib here so that
// the package's parsers stay free of Node APIs), or generates stand-ins when the data is absent.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseMahimahi, parseThroughputLog, seededRandom, sliceTrace, stepTrace, traceDurationMs, type CapacityTrace } from '@chorus/simulcast/sim';
import type { BenchContext } from '../harness/suite.js';

export interface NamedTrace {
  set: string;
  trace: CapacityTrace;
}

/** How many FCC traces a run samples from each file (evenly spaced), and how long quick runs are. */
const FCC_SAMPLE = { full: 10, quick: 1 };
const QUICK_MS = 60_000;

export function loadTraces(ctx: BenchContext): NamedTrace[] {
  const dir = ctx.realData('bandwidth');
  if (dir === undefined) {
    ctx.useGenerated('12 random-walk capacity traces of 120 s, 0.2-8 Mbit/s, seeded');
    return generated(ctx.quick ? 3 : 12);
  }
  const out: NamedTrace[] = [];
  const mm = join(dir, 'mahimahi');
  let names = readdirSync(mm).filter((f) => f.endsWith('.gz')).sort();
  if (ctx.quick) names = names.filter((_, i) => i % 4 === 0);
  for (const f of names) out.push({ set: 'mahimahi', trace: parseMahimahi(gunzipSync(readFileSync(join(mm, f))), f.slice(0, -3)) });
  const tl = join(dir, 'throughput-logs');
  for (const f of readdirSync(tl).filter((x) => x.endsWith('.tsv.gz')).sort()) {
    const set = f.slice(0, -7);
    let traces = parseThroughputLog(gunzipSync(readFileSync(join(tl, f))), { clampNegative: true }, set);
    const clamped = traces.reduce((n, t) => n + (t.clampedRows ?? 0), 0);
    if (clamped > 0) ctx.log(`${f}: ${clamped} negative throughput rows read as 0`);
    if (set.startsWith('fcc')) {
      const n = ctx.quick ? FCC_SAMPLE.quick : FCC_SAMPLE.full;
      const step = Math.max(1, Math.floor(traces.length / n));
      traces = traces.filter((_, i) => i % step === 0).slice(0, n);
    } else if (ctx.quick) traces = traces.filter((_, i) => i % 40 === 0);
    for (const trace of traces) out.push({ set, trace });
  }
  if (ctx.quick) {
    ctx.log(`quick: ${out.length} traces (every 4th mahimahi trace, 2 Norway, 1 per FCC file), first ${QUICK_MS / 1000} s of each`);
    return out.map((t) => ({ set: t.set, trace: traceDurationMs(t.trace) > QUICK_MS ? sliceTrace(t.trace, 0, QUICK_MS) : t.trace }));
  }
  ctx.log(`full: ${out.length} traces (all mahimahi and Norway traces, ${FCC_SAMPLE.full} evenly spaced traces of each FCC file), full length`);
  return out;
}

function generated(n: number): NamedTrace[] {
  const rand = seededRandom(7);
  const out: NamedTrace[] = [];
  for (let k = 0; k < n; k++) {
    let bps = 2e6;
    const steps = [];
    for (let s = 0; s < 120; s++) {
      bps = Math.min(8e6, Math.max(2e5, bps * Math.exp((rand() - 0.5) * 0.6)));
      steps.push({ ms: 1000, bps });
    }
    out.push({ set: 'generated', trace: stepTrace(steps, `random-walk-${k}`) });
  }
  return out;
}
