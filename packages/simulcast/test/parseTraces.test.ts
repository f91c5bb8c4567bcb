import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulcastError } from '../src/index.js';
import { capacityBps, MAHIMAHI_PACKET_BYTES, parseMahimahi, parseThroughputLog, sliceTrace, stepTrace, traceDurationMs } from '../src/sim.js';

const fixture = (name: string): Uint8Array => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe('parseMahimahi', () => {
  it('reads the real ATT excerpt: one 1500-byte opportunity per line', () => {
    const bytes = fixture('ATT-LTE-driving-2016.up.head3000');
    const trace = parseMahimahi(bytes, 'att');
    const lines = new TextDecoder().decode(bytes).trim().split('\n');
    expect(traceDurationMs(trace)).toBe(Number(lines[lines.length - 1]) + 1);
    const total = trace.bytesPerSlot.reduce((a, b) => a + b, 0);
    expect(total).toBe(3000 * MAHIMAHI_PACKET_BYTES);
    expect(capacityBps(trace, 0, traceDurationMs(trace))).toBeCloseTo((3000 * 1500 * 8 * 1000) / traceDurationMs(trace), 6);
  });

  it('round-trips any non-decreasing list of opportunities', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1, maxLength: 300 }), (ms) => {
        ms.sort((a, b) => a - b);
        const trace = parseMahimahi(`${ms.join('\n')}\n`);
        const back: number[] = [];
        trace.bytesPerSlot.forEach((b, t) => {
          for (let k = 0; k < b / MAHIMAHI_PACKET_BYTES; k++) back.push(t);
        });
        expect(back).toEqual(ms);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects malformed traces with the line number', () => {
    const cases = ['', '5\n3\n', '1\nabc\n', '-4\n', '1.5\n', '99999999999\n', '1e3\n'];
    for (const text of cases) {
      expect(() => parseMahimahi(text)).toThrowError(SimulcastError);
    }
    expect(() => parseMahimahi('0\n1\nx\n')).toThrowError(/line 3/);
    expect(() => parseMahimahi(gzipSync('0\n1\n'))).toThrowError(/gzip/);
    expect(() => parseMahimahi(new Uint8Array([0x30, 0xff, 0xfe, 0x0a]))).toThrowError(/UTF-8/);
    expect(() => parseMahimahi(42 as unknown as string)).toThrowError(SimulcastError);
  });
});

describe('parseThroughputLog', () => {
  it('reads the real Norway excerpt', () => {
    const [trace, ...rest] = parseThroughputLog(fixture('norway-hsdpa-3g.head120.tsv'));
    expect(rest).toHaveLength(0);
    expect(trace!.name).toBe('norway_bus_1');
    expect(traceDurationMs(trace!)).toBeGreaterThan(70_000);
    const mean = capacityBps(trace!, 0, traceDurationMs(trace!));
    expect(mean).toBeGreaterThan(500_000);
    expect(mean).toBeLessThan(10_000_000);
  });

  it('holds each row over the interval ending at its time, and splits traces by name', () => {
    const traces = parseThroughputLog('trace\ttime_s\tthroughput_mbps\na\t0\t1\na\t1\t2\na\t3\t4\nb\t0.5\t8\n');
    expect(traces.map((t) => t.name)).toEqual(['a', 'b']);
    const a = traces[0]!;
    expect(capacityBps(a, 0, 1000)).toBeCloseTo(2e6, 6);
    expect(capacityBps(a, 1000, 3000)).toBeCloseTo(4e6, 6);
    expect(capacityBps(traces[1]!, 0, 500)).toBeCloseTo(8e6, 6);
    const plain = parseThroughputLog('0 1\n2 3\n', {}, 'plain');
    expect(plain[0]!.name).toBe('plain');
    expect(capacityBps(plain[0]!, 0, 2000)).toBeCloseTo(3e6, 6);
  });

  it('matches a brute-force per-ms evaluation', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ dt: fc.integer({ min: 1, max: 30 }), mbps: fc.double({ min: 0, max: 50, noNaN: true }) }), { minLength: 1, maxLength: 30 }), (rows) => {
        let t = 0;
        const text = rows.map((r) => `${(t += r.dt / 10).toFixed(1)} ${r.mbps}`).join('\n');
        const trace = parseThroughputLog(text, { slotMs: 100 })[0]!;
        // Brute force: the rate of the first row whose time is >= the slot's end.
        const times = text.split('\n').map((l) => Number(l.split(' ')[0]));
        expect(traceDurationMs(trace)).toBe(Math.max(100, Math.ceil(Math.round(times[times.length - 1]! * 1000) / 100) * 100));
        for (let slot = 0; slot < trace.bytesPerSlot.length; slot++) {
          const end = ((slot + 1) * 100) / 1000;
          const i = times.findIndex((x) => x >= end - 1e-9);
          const want = i < 0 ? 0 : (rows[i]!.mbps * 1e6) / 8 / 10;
          expect(trace.bytesPerSlot[slot]).toBeCloseTo(want, 3);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('rejects malformed logs, or clamps negative throughput when asked', () => {
    const bad = ['', 'trace\ttime\n', 'a b c d\n', 'x 1\n', '1 y\n', '1 NaN\n', '1 -1\n', '2 1\n1 1\n', '1 Infinity\n', 'trace t v\n__proto__ 1 1\n'];
    for (const text of bad) expect(() => parseThroughputLog(text)).toThrowError(SimulcastError);
    const [t] = parseThroughputLog('1 -2\n2 1\n', { clampNegative: true });
    expect(t!.clampedRows).toBe(1);
    expect(capacityBps(t!, 0, 1000)).toBe(0);
    expect(() => parseThroughputLog('1 1\n', { slotMs: 0 })).toThrowError(SimulcastError);
  });
});

describe('trace helpers', () => {
  it('slices with looping and builds step traces', () => {
    const t = stepTrace([{ ms: 1000, bps: 1e6 }, { ms: 1000, bps: 3e6 }]);
    expect(capacityBps(t, 0, 2000)).toBeCloseTo(2e6, 6);
    const s = sliceTrace(t, 1500, 1000);
    expect(capacityBps(s, 0, 500)).toBeCloseTo(3e6, 6);
    expect(capacityBps(s, 500, 1000)).toBeCloseTo(1e6, 6);
    expect(() => stepTrace([])).toThrowError(SimulcastError);
    expect(() => stepTrace([{ ms: 10, bps: Number.NaN }])).toThrowError(SimulcastError);
    expect(() => capacityBps(t, 5, 5)).toThrowError(SimulcastError);
  });
});

describe('fuzz', () => {
  it('either parses or throws SimulcastError on arbitrary bytes and text', () => {
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 300 }),
      fc.array(fc.oneof(fc.constantFrom('0', '12', '\n', ' ', '\t', '-', '.', 'e', 'trace', 'a', '#', '1e400', 'NaN')), { maxLength: 80 }).map((p) => p.join('')),
    );
    fc.assert(
      fc.property(inputs, (input) => {
        for (const parse of [(): unknown => parseMahimahi(input), (): unknown => parseThroughputLog(input)]) {
          try {
            parse();
          } catch (e) {
            expect(e).toBeInstanceOf(SimulcastError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
