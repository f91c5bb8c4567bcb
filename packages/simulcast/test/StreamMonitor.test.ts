import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SimulcastError, StreamMonitor } from '../src/index.js';

function clocked(): { mon: StreamMonitor; clock: { ms: number } } {
  const clock = { ms: 0 };
  return { mon: new StreamMonitor({ now: () => clock.ms }), clock };
}

describe('StreamMonitor', () => {
  it('reads Opus DTX as dtx, not dead and not lossy', () => {
    const { mon, clock } = clocked();
    for (let i = 0; i < 20; i++) {
      clock.ms = i * 400;
      mon.onPacket(i);
    }
    clock.ms += 300;
    expect(mon.status()).toBe('dtx');
    expect(mon.stats()).toMatchObject({ received: 20, lost: 0, lossRatio: 0 });
    clock.ms += 2000;
    expect(mon.status()).toBe('dead');
  });

  it('counts sequence gaps across the 16-bit wrap, and late packets fill them', () => {
    const { mon } = clocked();
    mon.onPacket(65534);
    mon.onPacket(1); // 65535 and 0 missing
    expect(mon.stats().lost).toBe(2);
    mon.onPacket(0);
    expect(mon.stats().lost).toBe(1);
    mon.onPacket(0);
    expect(mon.stats().duplicates).toBe(1);
    expect(mon.status()).toBe('live');
  });

  it('ends with no loss when every packet arrives, whatever the reordering', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 65535 }), fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 2, maxLength: 200 }), (start, jitter) => {
        const { mon } = clocked();
        // Packet i arrives at position i + jitter[i]: local reordering only.
        const order = jitter.map((j, i) => ({ i, at: i + j })).sort((a, b) => a.at - b.at || a.i - b.i);
        mon.onPacket(start);
        for (const { i } of order) if (i > 0) mon.onPacket((start + i) & 0xffff);
        const s = mon.stats();
        expect(s.received).toBe(jitter.length);
        expect(s.lost).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects bad sequence numbers and options', () => {
    const { mon } = clocked();
    for (const seq of [-1, 65536, 1.5, Number.NaN]) expect(() => mon.onPacket(seq)).toThrowError(SimulcastError);
    expect(() => new StreamMonitor({ dtxAfterMs: 500, deadAfterMs: 100 })).toThrowError(SimulcastError);
  });
});
