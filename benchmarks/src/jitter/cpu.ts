// CPU: timing-only pull() against a plain fixed-delay buffer, and the audio path (decode +
// stretch + conceal through the buffer) against opus-decoder decoding the same packets alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createOpusDecoder, JitterBuffer, parseOggOpus } from '@chorus/jitter';
import { generateTrace, type TracePacket } from '@chorus/jitter/sim';
import { OpusDecoder } from 'opus-decoder';
import type { BenchContext } from '../harness/suite.js';
import { FixedDelayBuffer } from './FixedDelayBuffer.js';

const EMPTY = new Uint8Array(0);

interface Arrival {
  seq: number;
  ts: number;
  arrivalMs: number;
}

function arrivals(trace: TracePacket[]): Arrival[] {
  const out: Arrival[] = [];
  trace.forEach((p, i) => {
    if (p.arrivalMs !== null) out.push({ seq: i, ts: Math.round(p.sendMs * 48), arrivalMs: p.arrivalMs });
  });
  return out.sort((a, b) => a.arrivalMs - b.arrivalMs);
}

/** Replays arrivals with 10 ms pulls; returns [elapsed ms, pulls]. */
function replay(list: Arrival[], push: (a: Arrival) => void, pull: (t: number) => void): [number, number] {
  const end = list[list.length - 1]!.arrivalMs + 500;
  let k = 0;
  let pulls = 0;
  const t0 = performance.now();
  for (let t = list[0]!.arrivalMs; t <= end; t += 10) {
    while (k < list.length && list[k]!.arrivalMs <= t) push(list[k++]!);
    pull(t);
    pulls++;
  }
  return [performance.now() - t0, pulls];
}

function median(ctx: BenchContext, c: string, impl: string, metric: string): number {
  const r = ctx.results.find((x) => x.case === c && x.impl === impl && x.metric === metric);
  if (r === undefined) throw new Error(`no result ${c} / ${impl} / ${metric}`);
  return r.median;
}

export async function runCpu(ctx: BenchContext, timingTrace: TracePacket[]): Promise<void> {
  // Timing-only pull(): push the packets that arrived, pull one 10 ms block.
  const list = arrivals(timingTrace);
  const timingCase = 'timing-only pull (10 ms blocks)';
  await ctx.compare({
    case: timingCase,
    contenders: [
      {
        impl: '@chorus/jitter',
        measure: () => {
          const jb = new JitterBuffer();
          const [ms, pulls] = replay(list, (a) => jb.push({ seq: a.seq & 0xffff, timestamp: a.ts, arrivalMs: a.arrivalMs, payload: EMPTY }), (t) => jb.pull(t));
          return [{ metric: 'time per pull', unit: 'µs', value: (1000 * ms) / pulls }];
        },
      },
      {
        impl: 'fixed-delay baseline',
        measure: () => {
          const fb = new FixedDelayBuffer(60, 10);
          const [ms, pulls] = replay(list, (a) => fb.push(a.seq, a.arrivalMs), (t) => fb.pull(t));
          return [{ metric: 'time per pull', unit: 'µs', value: (1000 * ms) / pulls }];
        },
      },
    ],
  });
  const jitterPull = median(ctx, timingCase, '@chorus/jitter', 'time per pull');
  ctx.record({ case: timingCase, impl: '@chorus/jitter', metric: 'time vs fixed-delay baseline', unit: 'x', median: jitterPull / median(ctx, timingCase, 'fixed-delay baseline', 'time per pull') });
  ctx.log(`timing-only pull: ${jitterPull.toFixed(2)} µs per call (goal <= 5 µs: ${jitterPull <= 5 ? 'met' : 'MISSED'})`);

  // Audio path on real speech.
  const speech = ctx.realData('speech');
  let packets: Uint8Array[];
  if (speech !== undefined) packets = parseOggOpus(new Uint8Array(readFileSync(join(speech, 'jfk_48k_mono_20ms.opus')))).packets;
  else {
    ctx.useGenerated('no ../shared/data/speech: audio CPU case skipped');
    return;
  }
  const jittery = arrivals(generateTrace({ packets: packets.length, seed: 21, pareto: { scaleMs: 6, shape: 2.5 }, spikes: { probability: 0.01, heightMs: 80, decayMs: 200 } }));
  const audioCase = 'audio: JFK speech, 20 ms Opus, jittery arrivals';
  const bare = new OpusDecoder({ channels: 1, sampleRate: 48000 });
  await bare.ready;
  const adapter = await createOpusDecoder();
  let sink = 0;
  await ctx.compare({
    case: audioCase,
    contenders: [
      {
        impl: 'opus-decoder alone',
        measure: () => {
          const t0 = performance.now();
          for (const p of packets) sink += bare.decodeFrame(p).samplesDecoded;
          const ms = performance.now() - t0;
          return [{ metric: 'time per 20 ms of audio', unit: 'µs', value: (1000 * ms) / packets.length }];
        },
      },
      {
        impl: '@chorus/jitter + opus-decoder',
        measure: () => {
          const jb = new JitterBuffer({ decoder: adapter });
          const [ms, pulls] = replay(
            jittery,
            (a) => jb.push({ seq: a.seq & 0xffff, timestamp: a.ts, arrivalMs: a.arrivalMs, payload: packets[a.seq]! }),
            (t) => {
              sink += jb.pull(t).pcm!.length;
            },
          );
          const blocks20 = pulls / 2;
          return [{ metric: 'time per 20 ms of audio', unit: 'µs', value: (1000 * ms) / blocks20 }];
        },
      },
    ],
  });
  const full = median(ctx, audioCase, '@chorus/jitter + opus-decoder', 'time per 20 ms of audio');
  const alone = median(ctx, audioCase, 'opus-decoder alone', 'time per 20 ms of audio');
  ctx.record({ case: audioCase, impl: '@chorus/jitter + opus-decoder', metric: 'time vs opus-decoder alone', unit: 'x', median: full / alone });
  ctx.record({ case: audioCase, impl: '@chorus/jitter + opus-decoder', metric: 'share of real time', unit: '%', median: (100 * full) / 20_000 });
  ctx.log(`audio path: ${full.toFixed(1)} µs per 20 ms block = ${((100 * full) / 20_000).toFixed(2)}% of real time (goal <= 200 µs, 1%: ${full <= 200 ? 'met' : 'MISSED'}); sink ${sink > 0}`);
  bare.free();
  adapter.free();
}
