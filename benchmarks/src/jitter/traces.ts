// The traces of the `jitter` benchmark: the real Starlink one-way-delay trace and the 5G ping
// log from ../shared/data/delay when present, plus generated traces from declared models.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateTrace, parseIrttOwd, parsePingLog, type TracePacket, type TraceModel } from '@chorus/jitter/sim';
import type { BenchContext } from '../harness/suite.js';

export interface NamedTrace {
  name: string;
  /** What the trace is, for the log. */
  note: string;
  trace: TracePacket[];
}

/** The generated traces: each model is declared here, seeds fixed so every run sees the same. */
export const MODELS: Record<string, TraceModel> = {
  'pareto-jitter': { seed: 2, pareto: { scaleMs: 4, shape: 2.5 } },
  'gilbert-elliott': { seed: 3, pareto: { scaleMs: 3, shape: 3 }, gilbertElliott: { pGoodToBad: 0.02, pBadToGood: 0.3, lossGood: 0.002, lossBad: 0.5 } },
  'delay-spikes': { seed: 4, pareto: { scaleMs: 2, shape: 3 }, spikes: { probability: 0.003, heightMs: 150, decayMs: 400 } },
  reordering: { seed: 5, pareto: { scaleMs: 3, shape: 3 }, reorder: 0.05 },
  'dtx-talkspurts': { seed: 6, pareto: { scaleMs: 4, shape: 2.5 }, dtx: { talkMs: 1500, silenceMs: 1000 }, spikes: { probability: 0.002, heightMs: 80, decayMs: 300 } },
};

export function loadTraces(ctx: BenchContext): NamedTrace[] {
  const packets = ctx.quick ? 3000 : 6000;
  const out: NamedTrace[] = [];
  const dir = ctx.realData('delay');
  if (dir !== undefined) {
    const owd = join(dir, 'starlink-irtt-owd');
    const starlink = parseIrttOwd(
      readFileSync(join(owd, 'LEO_uplink_delay-000001-12h.txt'), 'utf8'),
      readFileSync(join(owd, 'LEO_uplink_loss-000001-12h.txt'), 'utf8'),
    ).filter((_, i) => i % 2 === 0); // every 2nd 10 ms probe = one 20 ms Opus frame
    out.push({ name: 'starlink (real)', note: 'Starlink uplink irtt one-way delay, 100 s, every 2nd 10 ms probe as a 20 ms packet', trace: starlink });
    // The 5G log has one probe a second: its one-way delays (RTT/2) are replayed as consecutive
    // 20 ms packets, a real delay distribution with compressed time, declared as such.
    const ping = parsePingLog(readFileSync(join(dir, '5g-ping-rtt', 'ORAN_MEC__ping-cloud-ORAN.txt'), 'utf8'));
    const fiveG = ping.map((p, i) => ({ sendMs: i * 20, arrivalMs: p.arrivalMs === null ? null : i * 20 + (p.arrivalMs - p.sendMs) }));
    out.push({ name: '5g-ping (real, time-compressed)', note: '5G ping to cloud, RTT/2 of 1 s probes replayed 20 ms apart', trace: fiveG });
  } else {
    ctx.useGenerated('no ../shared/data/delay: only the generated traces below');
  }
  ctx.useGenerated(`jitter traces from generateTrace(), ${packets} packets of 20 ms each: ${Object.entries(MODELS).map(([n, m]) => `${n} ${JSON.stringify(m)}`).join('; ')}`);
  for (const [name, model] of Object.entries(MODELS)) {
    out.push({ name: `${name} (generated)`, note: JSON.stringify(model), trace: generateTrace({ packets, ...model }) });
  }
  return out;
}
