import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JitterBuffer, type JitterPacket, type OutputBlock } from '../src/index.js';
import { codeOf } from './helpers.js';

const EMPTY = new Uint8Array(0);

function pkt(i: number, arrivalMs: number, extra: Partial<JitterPacket> = {}, seq0 = 0, ts0 = 0): JitterPacket {
  return { seq: (seq0 + i) & 0xffff, timestamp: (ts0 + i * 960) % 2 ** 32, arrivalMs, payload: EMPTY, ...extra };
}

/** Pushes packets at their arrival times and pulls every 10 ms from `from` until `until`. */
function run(jb: JitterBuffer, packets: JitterPacket[], from: number, until: number): OutputBlock[] {
  const sorted = [...packets].sort((a, b) => a.arrivalMs - b.arrivalMs);
  const out: OutputBlock[] = [];
  let k = 0;
  for (let t = from; t <= until; t += 10) {
    while (k < sorted.length && sorted[k]!.arrivalMs <= t) jb.push(sorted[k++]!);
    out.push(jb.pull(t));
  }
  return out;
}

const playedSeqs = (blocks: OutputBlock[]): number[] => blocks.flatMap((b) => b.seqs);

describe('JitterBuffer: playout', () => {
  it('plays a clean stream in order, each packet once, after the start delay', () => {
    const jb = new JitterBuffer({ startDelayMs: 40 });
    const packets = Array.from({ length: 100 }, (_, i) => pkt(i, 1000 + i * 20));
    const blocks = run(jb, packets, 1000, 3200);
    expect(playedSeqs(blocks)).toEqual(packets.map((p) => p.seq));
    const firstPlay = blocks.findIndex((b) => b.seqs.length > 0);
    expect(blocks.slice(0, firstPlay).every((b) => b.type === 'silence')).toBe(true);
    // While packets flow there is no concealment, and every block is 10 ms.
    expect(blocks.every((b) => b.samples === 480)).toBe(true);
    const duringSpeech = blocks.slice(firstPlay, firstPlay + 180);
    expect(duringSpeech.some((b) => b.type === 'conceal')).toBe(false);
  });

  it('reorders packets and drops duplicates', () => {
    const jb = new JitterBuffer();
    const packets = Array.from({ length: 60 }, (_, i) => pkt(i, 1000 + i * 20 + (i % 3 === 1 ? 15 : 0)));
    const dup = packets.slice(10, 20).map((p) => ({ ...p, arrivalMs: p.arrivalMs + 5 }));
    const blocks = run(jb, [...packets, ...dup], 1000, 2600);
    expect(playedSeqs(blocks)).toEqual(packets.map((p) => p.seq));
    expect(jb.stats().packetsDuplicated).toBe(10);
    expect(jb.stats().packetsReceived).toBe(70);
  });

  it('handles sequence-number and timestamp wraparound without a reset', () => {
    const jb = new JitterBuffer();
    const packets = Array.from({ length: 80 }, (_, i) => pkt(i, 1000 + i * 20, {}, 65500, 2 ** 32 - 960 * 30));
    const blocks = run(jb, packets, 1000, 2800);
    expect(playedSeqs(blocks)).toEqual(packets.map((p) => p.seq));
    expect(jb.stats().resets).toBe(0);
  });

  it('plays DTX silence as comfort noise, not loss', () => {
    const jb = new JitterBuffer();
    // Talk 0-19, a DTX packet at 20, silence until talk resumes at timestamp of packet 50.
    const talk1 = Array.from({ length: 20 }, (_, i) => pkt(i, 1000 + i * 20));
    const dtx = pkt(20, 1000 + 20 * 20, { dtx: true });
    const talk2 = Array.from({ length: 20 }, (_, j) => ({ ...pkt(50 + j, 1000 + (50 + j) * 20), seq: 21 + j }));
    const blocks = run(jb, [...talk1, dtx, ...talk2], 1000, 2800);
    expect(blocks.some((b) => b.type === 'comfort-noise')).toBe(true);
    // No concealment until the last packet played (the stream then ends without DTX).
    const last = blocks.findLastIndex((b) => b.seqs.length > 0);
    expect(blocks.slice(0, last + 1).some((b) => b.type === 'conceal')).toBe(false);
    expect(jb.stats().packetsLost).toBe(0);
    expect(playedSeqs(blocks)).toEqual([...talk1, dtx, ...talk2].map((p) => p.seq));
  });

  it('conceals a lost packet and counts it', () => {
    const jb = new JitterBuffer();
    const packets = Array.from({ length: 60 }, (_, i) => pkt(i, 1000 + i * 20)).filter((p) => p.seq !== 30);
    const blocks = run(jb, packets, 1000, 2600);
    expect(blocks.some((b) => b.type === 'conceal')).toBe(true);
    expect(jb.stats().packetsLost).toBe(1);
    expect(jb.stats().concealmentEvents).toBeGreaterThanOrEqual(1);
    expect(playedSeqs(blocks)).toEqual(packets.map((p) => p.seq));
  });

  it('discards a packet that arrives after its playout time', () => {
    const jb = new JitterBuffer({ lossWaitMs: 0 });
    const packets = Array.from({ length: 60 }, (_, i) => pkt(i, 1000 + i * 20 + (i === 30 ? 400 : 0)));
    const blocks = run(jb, packets, 1000, 2800);
    expect(playedSeqs(blocks)).not.toContain(30);
    expect(jb.stats().packetsDiscarded).toBe(1);
  });

  it('lets the delay grow through a delay spike instead of losing the packets (FIFO network)', () => {
    const jb = new JitterBuffer();
    const packets = Array.from({ length: 150 }, (_, i) => pkt(i, 1000 + i * 20 + (i >= 50 && i < 60 ? 200 - (i - 50) * 20 : 0)));
    const blocks = run(jb, packets, 1000, 5000);
    expect(playedSeqs(blocks)).toEqual(packets.map((p) => p.seq));
    expect(jb.stats().removedSamplesForAcceleration).toBeGreaterThan(0);
  });
});

describe('JitterBuffer: injected clock', () => {
  it('reads arrival and pull times from `now` when they are not given', () => {
    let clock = 1000;
    const jb = new JitterBuffer({ now: () => clock, startDelayMs: 20 });
    const played: number[] = [];
    for (let i = 0; i < 40; i++) {
      jb.push({ seq: i, timestamp: i * 960, payload: EMPTY } as unknown as JitterPacket);
      for (let k = 0; k < 2; k++) {
        played.push(...jb.pull().seqs);
        clock += 10;
      }
    }
    expect(played).toEqual(Array.from({ length: played.length }, (_, i) => i));
    expect(played.length).toBeGreaterThan(35);
  });
});

describe('JitterBuffer: resets and bounds', () => {
  it('resets on a flood instead of growing', () => {
    const jb = new JitterBuffer({ maxPackets: 50 });
    for (let i = 0; i < 500; i++) {
      jb.push(pkt(i, 1000));
      expect(jb.size).toBeLessThanOrEqual(50);
    }
    expect(jb.stats().resets).toBeGreaterThan(0);
    expect(jb.pull(1001).samples).toBe(480);
  });

  it('resets on a huge sequence jump, a timestamp jump and a clock jump, and keeps playing', () => {
    const jb = new JitterBuffer();
    const a = Array.from({ length: 30 }, (_, i) => pkt(i, 1000 + i * 20));
    run(jb, a, 1000, 1700);
    jb.push(pkt(20000, 1720)); // sequence jump
    expect(jb.stats().resets).toBe(1);
    jb.push({ ...pkt(20001, 1740), timestamp: 123 }); // timestamp jump far from playout
    expect(jb.stats().resets).toBe(2);
    jb.push(pkt(20002, 1e9)); // clock jump
    expect(jb.stats().resets).toBe(3);
    const later = Array.from({ length: 30 }, (_, i) => pkt(20003 + i, 1e9 + (i + 1) * 20));
    const blocks = run(jb, later, 1e9, 1e9 + 1000);
    expect(playedSeqs(blocks).length).toBeGreaterThan(20);
  });

  it('resets when the pull clock jumps', () => {
    const jb = new JitterBuffer();
    run(jb, Array.from({ length: 10 }, (_, i) => pkt(i, i * 20)), 0, 300);
    jb.pull(1e7);
    expect(jb.stats().resets).toBe(1);
  });
});

describe('JitterBuffer: bad input', () => {
  const bad: [string, string, unknown][] = [
    ['seq below 0', 'seq', -1],
    ['seq above 65535', 'seq', 65536],
    ['fractional seq', 'seq', 1.5],
    ['NaN seq', 'seq', Number.NaN],
    ['string seq', 'seq', '1'],
    ['timestamp of 2^32', 'timestamp', 2 ** 32],
    ['infinite timestamp', 'timestamp', Number.POSITIVE_INFINITY],
    ['NaN arrival', 'arrivalMs', Number.NaN],
    ['-Infinity arrival', 'arrivalMs', Number.NEGATIVE_INFINITY],
    ['array payload', 'payload', [1, 2]],
    ['oversize payload', 'payload', new Uint8Array(20000)],
    ['string dtx', 'dtx', 'yes'],
  ];
  it.each(bad)('rejects a packet with %s (INVALID_PACKET)', (_label, field, value) => {
    const jb = new JitterBuffer();
    expect(codeOf(() => jb.push({ ...pkt(0, 0), [field]: value } as JitterPacket))).toBe('INVALID_PACKET');
    expect(jb.stats().packetsReceived).toBe(0);
  });

  it('discards packets whose timestamps overlap audio already queued, without stalling', () => {
    const jb = new JitterBuffer();
    // 20 ms packets whose timestamps advance by only 2 ms: each overlaps the one before.
    const packets = Array.from({ length: 100 }, (_, i) => ({ ...pkt(i, 1000 + i * 2), timestamp: i * 96 }));
    const blocks = run(jb, packets, 1000, 2500);
    expect(blocks.every((b) => b.samples === 480)).toBe(true);
    const s = jb.stats();
    expect(blocks.flatMap((b) => b.seqs).length + s.packetsDiscarded).toBe(100);
  });

  it('rejects non-objects and non-finite times', () => {
    const jb = new JitterBuffer();
    expect(codeOf(() => jb.push(null as unknown as JitterPacket))).toBe('INVALID_PACKET');
    expect(codeOf(() => jb.push([] as unknown as JitterPacket))).toBe('INVALID_PACKET');
    expect(codeOf(() => jb.pull(Number.NaN))).toBe('INVALID_TIME');
  });

  it('rejects bad options', () => {
    for (const o of [{ blockMs: 15 }, { sampleRate: 44100 }, { packetMs: 7 }, { maxDelayMs: 0 }, { quantile: 2 }, { minDelayMs: -5 }, { decoder: {} }, { now: 5 }]) {
      expect(codeOf(() => new JitterBuffer(o as never))).toBe('INVALID_OPTION');
    }
  });

  it('ignores prototype-pollution keys in packets and options', () => {
    const packet = JSON.parse('{"seq":1,"timestamp":960,"arrivalMs":5,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}') as Record<string, unknown>;
    const options = JSON.parse('{"__proto__":{"quantile":5},"blockMs":10}') as object;
    const jb = new JitterBuffer(options);
    jb.push({ ...packet, payload: EMPTY } as unknown as JitterPacket);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(jb.size).toBe(1);
  });

  it('survives any sequence of fuzzed pushes and pulls with bounded memory', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              seq: fc.oneof(fc.integer({ min: 0, max: 0xffff }), fc.double()),
              timestamp: fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.double()),
              arrivalMs: fc.oneof(fc.double({ min: 0, max: 1e6 }), fc.double()),
              dtx: fc.option(fc.boolean(), { nil: undefined }),
              payload: fc.uint8Array({ maxLength: 6 }),
            }),
            fc.double({ min: 0, max: 1e6 }),
          ),
          { maxLength: 200 },
        ),
        (ops) => {
          const jb = new JitterBuffer({ maxPackets: 64 });
          for (const op of ops) {
            try {
              if (typeof op === 'number') expect(jb.pull(op).samples).toBe(480);
              else jb.push(op as JitterPacket);
            } catch (e) {
              expect((e as { name?: string }).name).toBe('JitterError');
            }
            expect(jb.size).toBeLessThanOrEqual(64);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('JitterBuffer: properties over random traces', () => {
  const traceArb = fc.array(fc.record({ jitter: fc.integer({ min: 0, max: 120 }), lost: fc.boolean() }), { minLength: 5, maxLength: 150 });

  it('plays every packet at most once, in sequence order, and is deterministic', () => {
    fc.assert(
      fc.property(traceArb, fc.integer({ min: 0, max: 0xffff }), (tr, seq0) => {
        const packets = tr.flatMap((p, i) => (p.lost && i % 2 === 0 ? [] : [pkt(i, 5000 + i * 20 + p.jitter, {}, seq0)]));
        const a = playedSeqs(run(new JitterBuffer(), packets, 5000, 5000 + tr.length * 20 + 2000));
        const b = playedSeqs(run(new JitterBuffer(), packets, 5000, 5000 + tr.length * 20 + 2000));
        expect(a).toEqual(b);
        expect(new Set(a).size).toBe(a.length);
        const unwrapped = a.map((s) => (s - seq0 + 0x10000) % 0x10000);
        expect(unwrapped).toEqual([...unwrapped].sort((x, y) => x - y));
      }),
      { numRuns: 150 },
    );
  });

  it('accounts for every received packet: played + discarded + duplicated = received', () => {
    fc.assert(
      fc.property(traceArb, (tr) => {
        const packets = tr.map((p, i) => pkt(i, 5000 + i * 20 + p.jitter));
        const jb = new JitterBuffer({ lossWaitMs: 0 });
        const played = playedSeqs(run(jb, packets, 5000, 5000 + tr.length * 20 + 2000)).length;
        const s = jb.stats();
        expect(played + s.packetsDiscarded + s.packetsDuplicated).toBe(s.packetsReceived);
        expect(s.totalSamplesReceived % 480).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('never conceals a jitter-free, loss-free stream once playing', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 200 }), fc.double({ min: 0, max: 19.9, noNaN: true }), (n, phase) => {
        const packets = Array.from({ length: n }, (_, i) => pkt(i, 1000 + phase + i * 20));
        const blocks = run(new JitterBuffer(), packets, 1000, 1000 + n * 20 + 60);
        const first = blocks.findIndex((b) => b.seqs.length > 0);
        const last = blocks.findLastIndex((b) => b.seqs.length > 0);
        expect(blocks.slice(first, last + 1).some((b) => b.type === 'conceal')).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
