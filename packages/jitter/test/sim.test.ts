import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedBuffer, generateTrace, oracleFixedDelay, parseIrttOwd, parsePingLog, simulate, type TracePacket } from '../src/sim.js';
import { codeOf, fixture, onlyJitterErrors } from './helpers.js';

const text = (name: string): string => new TextDecoder().decode(fixture(name));
// 30 s of the real Starlink trace, every 2nd 10 ms probe = 20 ms packets.
const starlink = parseIrttOwd(text('starlink_owd_3000.txt'), text('starlink_loss_3000.txt')).filter((_, i) => i % 2 === 0);

const traceArb = fc
  .array(fc.record({ delay: fc.double({ min: 0, max: 300, noNaN: true }), lost: fc.boolean() }), { minLength: 1, maxLength: 80 })
  .map((xs): TracePacket[] => xs.map((x, i) => ({ sendMs: i * 20, arrivalMs: x.lost && i > 0 ? null : i * 20 + x.delay })));

describe('trace parsers', () => {
  it('reads the irtt Starlink format (CRLF, ns) with its loss file', () => {
    const t = parseIrttOwd(text('starlink_owd_3000.txt'), text('starlink_loss_3000.txt'));
    expect(t).toHaveLength(3000);
    expect(t[0]).toEqual({ sendMs: 0, arrivalMs: 32.349962 });
    expect(t.filter((p) => p.arrivalMs === null)).toHaveLength(4);
    expect(parseIrttOwd('1000000\n2000000\n', undefined, 20)).toEqual([
      { sendMs: 0, arrivalMs: 1 },
      { sendMs: 20, arrivalMs: 22 },
    ]);
  });

  it('rejects malformed irtt files', () => {
    expect(codeOf(() => parseIrttOwd('12\nabc\n'))).toBe('INVALID_TRACE');
    expect(codeOf(() => parseIrttOwd('12\n-5\n'))).toBe('INVALID_TRACE');
    expect(codeOf(() => parseIrttOwd('12\n13\n', '0\n'))).toBe('INVALID_TRACE');
    expect(codeOf(() => parseIrttOwd('12\n', '2\n'))).toBe('INVALID_TRACE');
    expect(codeOf(() => parseIrttOwd(42 as unknown as string))).toBe('INVALID_TRACE');
  });

  it('reads a Linux ping log, with missing replies as losses', () => {
    const log = [
      'PING 10.6.1.6 (10.6.1.6) 56(84) bytes of data.',
      '64 bytes from 10.6.1.6: icmp_seq=1 ttl=64 time=24.3 ms',
      '64 bytes from 10.6.1.6: icmp_seq=3 ttl=64 time=20.9 ms',
      'From 10.6.1.1 icmp_seq=4 Destination Host Unreachable',
      '64 bytes from 10.6.1.6: icmp_seq=5 ttl=64 time=11051 ms',
      '--- 10.6.1.6 ping statistics ---',
    ].join('\n');
    expect(parsePingLog(log)).toEqual([
      { sendMs: 0, arrivalMs: 12.15 },
      { sendMs: 1000, arrivalMs: null },
      { sendMs: 2000, arrivalMs: 2010.45 },
      { sendMs: 3000, arrivalMs: null },
      { sendMs: 4000, arrivalMs: 4000 + 5525.5 },
    ]);
    expect(codeOf(() => parsePingLog('no replies here'))).toBe('INVALID_TRACE');
    // A forged sequence range would allocate billions of entries: refused.
    expect(codeOf(() => parsePingLog('icmp_seq=1 ttl=1 time=1 ms\nicmp_seq=999999999 ttl=1 time=1 ms'))).toBe('INVALID_TRACE');
  });

  it('never crash on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.option(fc.string({ maxLength: 200 }), { nil: undefined }), (a, b) => {
        onlyJitterErrors(() => parseIrttOwd(a, b));
        onlyJitterErrors(() => parsePingLog(a));
      }),
      { numRuns: 500 },
    );
  });
});

describe('oracleFixedDelay and fixedBuffer', () => {
  it('equals a brute-force search over every candidate delay', () => {
    fc.assert(
      fc.property(traceArb, fc.double({ min: 0, max: 1, noNaN: true }), (trace, budget) => {
        const d = trace.filter((p) => p.arrivalMs !== null).map((p) => p.arrivalMs! - p.sendMs);
        const lateAt = (D: number): number => d.filter((x) => x > D).length / d.length;
        const best = Math.min(...d.filter((D) => lateAt(D) <= budget + 1e-12));
        const r = oracleFixedDelay(trace, budget);
        expect(r.delayMs).toBe(best);
        expect(r.lateLossRate).toBeCloseTo(lateAt(best), 12);
        expect(r.lateLossRate).toBeLessThanOrEqual(budget + 1e-12);
      }),
      { numRuns: 300 },
    );
  });

  it('is monotone: a larger budget never needs a longer delay', () => {
    fc.assert(
      fc.property(traceArb, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (t, a, b) => {
        const [lo, hi] = a < b ? [a, b] : [b, a];
        expect(oracleFixedDelay(t, hi).delayMs).toBeLessThanOrEqual(oracleFixedDelay(t, lo).delayMs);
      }),
      { numRuns: 200 },
    );
  });

  it('fixedBuffer plays behind the first packet and is never better than the oracle at its own late loss', () => {
    fc.assert(
      fc.property(traceArb, fc.double({ min: 0, max: 200, noNaN: true }), (t, b) => {
        const f = fixedBuffer(t, b);
        expect(f.delayMs).toBeCloseTo(t[0]!.arrivalMs! - t[0]!.sendMs + b, 9);
        expect(oracleFixedDelay(t, f.lateLossRate).delayMs).toBeLessThanOrEqual(f.delayMs + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad traces and budgets', () => {
    expect(codeOf(() => oracleFixedDelay([{ sendMs: 0, arrivalMs: null }], 0.01))).toBe('INVALID_TRACE');
    expect(codeOf(() => oracleFixedDelay([{ sendMs: 0, arrivalMs: 5 }], 2))).toBe('INVALID_OPTION');
    expect(codeOf(() => oracleFixedDelay([{ sendMs: Number.NaN, arrivalMs: 5 }], 0))).toBe('INVALID_TRACE');
    expect(codeOf(() => oracleFixedDelay([{ sendMs: 5, arrivalMs: 5 }, { sendMs: 1, arrivalMs: 9 }], 0))).toBe('INVALID_TRACE');
    expect(codeOf(() => simulate({} as unknown as TracePacket[]))).toBe('INVALID_TRACE');
    expect(codeOf(() => simulate([], { decoder: {} } as never))).toBe('INVALID_OPTION');
  });
});

describe('simulate', () => {
  it('is deterministic and accounts for every packet', () => {
    fc.assert(
      fc.property(traceArb, (trace) => {
        const a = simulate(trace);
        expect(simulate(trace)).toEqual(a);
        expect(a.played + a.late).toBe(a.received);
        expect(a.lateLossRate).toBeGreaterThanOrEqual(0);
        expect(a.lateLossRate).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });

  it('gives the same playout across sequence and timestamp wraparound', () => {
    const trace = generateTrace({ packets: 400, seed: 3, pareto: { scaleMs: 5, shape: 2.5 } });
    const a = simulate(trace);
    const b = simulate(trace, { seqStart: 65400, timestampStart: 2 ** 32 - 48000 });
    expect(b.meanDelayMs).toBeCloseTo(a.meanDelayMs, 9);
    expect(b.lateLossRate).toBe(a.lateLossRate);
    expect(b.stats.resets).toBe(0);
  });

  it('with default options keeps late loss within 1% and beats the hindsight-best fixed delay on 30 s of real Starlink delay', () => {
    const r = simulate(starlink);
    expect(r.lateLossRate).toBeLessThanOrEqual(0.01);
    expect(r.meanDelayMs).toBeLessThanOrEqual(oracleFixedDelay(starlink, r.lateLossRate).delayMs);
  });

  it('plays a DTX talk-spurt trace with comfort noise and without counting silence as loss', () => {
    const trace = generateTrace({ packets: 800, seed: 9, dtx: { talkMs: 1000, silenceMs: 800 } });
    const r = simulate(trace);
    expect(trace.some((p) => p.dtx)).toBe(true);
    expect(r.stats.silentConcealedSamples).toBeGreaterThan(0);
    expect(r.stats.packetsLost).toBe(0);
    expect(r.lateLossRate).toBe(0);
  });
});

describe('generateTrace', () => {
  it('is deterministic per seed and follows the declared model', () => {
    const m = { packets: 2000, seed: 4, gilbertElliott: { pGoodToBad: 0.05, pBadToGood: 0.5, lossGood: 0, lossBad: 1 }, reorder: 0.05 };
    expect(generateTrace(m)).toEqual(generateTrace(m));
    const t = generateTrace(m);
    const loss = t.filter((p) => p.arrivalMs === null).length / t.length;
    // Stationary bad-state share: 0.05 / (0.05 + 0.5) ≈ 9%.
    expect(loss).toBeGreaterThan(0.05);
    expect(loss).toBeLessThan(0.14);
    const reordered = t.filter((p, i) => i > 0 && p.arrivalMs !== null && t[i - 1]!.arrivalMs !== null && p.arrivalMs < t[i - 1]!.arrivalMs!).length;
    expect(reordered).toBeGreaterThan(20);
  });

  it('rejects impossible models', () => {
    expect(codeOf(() => generateTrace({ reorder: 2 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => generateTrace({ pareto: { scaleMs: 1, shape: 0 } }))).toBe('INVALID_OPTION');
    expect(codeOf(() => generateTrace({ frameMs: Number.NaN }))).toBe('INVALID_OPTION');
  });
});
