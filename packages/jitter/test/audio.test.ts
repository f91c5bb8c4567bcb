import { beforeAll, describe, expect, it } from 'vitest';
import { createOpusDecoder, JitterBuffer, parseOggOpus, type FrameDecoder, type OpusFrameDecoder, type OutputBlock } from '../src/index.js';
import { generateTrace } from '../src/sim.js';
import { fixture } from './helpers.js';

const { packets } = parseOggOpus(fixture('jfk_first_2s.opus'));

/**
 * The worst click: the largest ratio of a sample-to-sample jump to the largest jump among its
 * neighbours within ±2.5 ms (the jump itself and two samples either side excluded). A splice
 * that breaks the waveform stands out from its surroundings even in quiet passages.
 */
function clickScore(chunks: Float32Array[]): number {
  const x = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    x.set(c, at);
    at += c.length;
  }
  const d = new Float32Array(x.length);
  for (let i = 1; i < x.length; i++) d[i] = Math.abs(x[i]! - x[i - 1]!);
  const W = 120;
  let worst = 0;
  for (let i = W + 1; i < d.length - W; i++) {
    if (d[i]! < 0.01) continue; // below ~-40 dBFS a jump is inaudible
    let around = 0;
    for (let j = i - W; j <= i + W; j++) if (j < i - 2 || j > i + 2) around = Math.max(around, d[j]!);
    worst = Math.max(worst, d[i]! / (around + 1e-4));
  }
  return worst;
}

/** Plays the fixture's packets through a buffer with the given arrival times; returns every block. */
function play(decoder: FrameDecoder, arrivals: (number | null)[], payload = (i: number): Uint8Array => packets[i]!): { blocks: OutputBlock[]; jb: JitterBuffer } {
  const jb = new JitterBuffer({ decoder });
  const order = arrivals.flatMap((a, i) => (a === null ? [] : [{ a, i }])).sort((x, y) => x.a - y.a);
  const blocks: OutputBlock[] = [];
  let k = 0;
  const end = Math.max(...order.map((o) => o.a)) + 600;
  for (let t = order[0]!.a; t <= end; t += 10) {
    while (k < order.length && order[k]!.a <= t) {
      const { a, i } = order[k++]!;
      jb.push({ seq: i, timestamp: i * 960, arrivalMs: a, payload: payload(i) });
    }
    blocks.push(jb.pull(t));
  }
  return { blocks, jb };
}

describe('audio through the buffer (JFK speech, opus-decoder)', () => {
  let reference: Float32Array[];
  let decoder: OpusFrameDecoder;
  beforeAll(async () => {
    const ref = await createOpusDecoder();
    reference = packets.map((p) => ref.decode(p));
    ref.free();
    decoder = await createOpusDecoder();
  });

  it('decodes every fixture packet to 20 ms', () => {
    expect(reference.every((x) => x.length === 960)).toBe(true);
  });

  it.each([11, 12, 13])('under jitter without loss (trace seed %i): no clicks, every packet played once, length equals wall-clock time', (seed) => {
    const trace = generateTrace({ packets: packets.length, seed, pareto: { scaleMs: 8, shape: 2.2 }, spikes: { probability: 0.02, heightMs: 60, decayMs: 120 } });
    const { blocks, jb } = play(decoder, trace.map((p) => p.arrivalMs));
    const pcm = blocks.map((b) => b.pcm!);
    // Length: one 10 ms block per pull, whatever was stretched or concealed.
    expect(pcm.every((x) => x.length === 480)).toBe(true);
    expect(jb.stats().totalSamplesReceived).toBe(blocks.length * 480);
    expect(blocks.flatMap((b) => b.seqs)).toEqual(packets.map((_, i) => i));
    // The stream was stretched, so the test covers the WSOLA joins too.
    expect(blocks.some((b) => b.type === 'accelerate' || b.type === 'decelerate')).toBe(true);
    // Clicks: no jump stands out from its neighbourhood more than in the clean decode.
    expect(clickScore(pcm)).toBeLessThanOrEqual(clickScore(reference) * 1.2);
    expect(jb.stats().decoderErrors).toBe(0);
  });

  it('turns a corrupt payload and a throwing decoder into concealment plus a counted error', () => {
    const corrupt = new Uint8Array([(31 << 3) | 3, 0]); // code 3 with zero frames: invalid
    const { blocks, jb } = play(decoder, packets.map((_, i) => 1000 + i * 20), (i) => (i === 40 ? corrupt : packets[i]!));
    expect(jb.stats().decoderErrors).toBe(1);
    expect(blocks.some((b) => b.type === 'conceal')).toBe(true);

    const flaky: FrameDecoder = {
      decode: (p) => {
        if (p === packets[30]) throw new Error('boom');
        return decoder.decode(p);
      },
    };
    const r = play(flaky, packets.map((_, i) => 1000 + i * 20));
    expect(r.jb.stats().decoderErrors).toBe(1);
    expect(r.blocks.every((b) => b.pcm!.every(Number.isFinite))).toBe(true);
  });

  it('the adapter counts bad packets instead of throwing, and conceals with libopus PLC', () => {
    const before = decoder.errors;
    expect(decoder.decode(new Uint8Array(0))).toHaveLength(0);
    expect(decoder.decode(new Uint8Array([0xff, 0xff]))).toHaveLength(0);
    expect(decoder.errors).toBe(before + 2);
    decoder.decode(packets[10]!);
    const plc = decoder.conceal(1000);
    expect(plc).toHaveLength(1000);
    expect(plc.some((v) => v !== 0)).toBe(true);
  });

  it('libopus concealment is the same however the gap is split into requests (whole frames, rest kept)', async () => {
    const a = await createOpusDecoder();
    const b = await createOpusDecoder();
    for (const p of packets.slice(0, 30)) {
      a.decode(p);
      b.decode(p);
    }
    for (const split of [[300, 700], [120, 120, 960, 2000], [5000, 760]]) {
      const total = split.reduce((x, y) => x + y, 0);
      const pieces = split.map((n) => a.conceal(n));
      const whole = b.conceal(total);
      const joined = new Float32Array(total);
      let at = 0;
      for (const piece of pieces) {
        joined.set(piece, at);
        at += piece.length;
      }
      expect(joined).toEqual(whole);
      // Decoding resumes the same way on both.
      expect(a.decode(packets[30]!)).toEqual(b.decode(packets[30]!));
    }
    a.free();
    b.free();
  });
});
