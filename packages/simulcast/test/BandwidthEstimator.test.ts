import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BandwidthEstimator, SimulcastError, type PacketReport } from '../src/index.js';

/**
 * Drives an estimator through a fluid bottleneck of `capacityBps` with a sender at `sendBps`:
 * 1200-byte packets, feedback every 50 ms, a one-way delay of 20 ms.
 */
function drive(est: BandwidthEstimator, clock: { ms: number }, capacityBps: number, sendBps: number | (() => number), ms: number): void {
  let linkFreeAt = clock.ms;
  let seq = (est.state().counters.sent as number) + 1_000_000;
  let pending: PacketReport[] = [];
  let nextSend = clock.ms;
  const end = clock.ms + ms;
  for (; clock.ms < end; clock.ms++) {
    const rate = typeof sendBps === 'number' ? sendBps : sendBps();
    while (nextSend <= clock.ms) {
      est.onPacketSent({ seq, sizeBytes: 1200, sendTimeMs: clock.ms });
      linkFreeAt = Math.max(linkFreeAt, clock.ms) + (1200 * 8 * 1000) / capacityBps;
      pending.push({ seq, arrivalTimeMs: linkFreeAt + 20 });
      seq++;
      nextSend += (1200 * 8 * 1000) / rate;
    }
    if (clock.ms % 50 === 0) {
      const due = pending.filter((p) => (p.arrivalTimeMs as number) + 20 <= clock.ms);
      pending = pending.filter((p) => (p.arrivalTimeMs as number) + 20 > clock.ms);
      if (due.length > 0) est.onFeedback(due);
    }
  }
}

function clocked(opts: ConstructorParameters<typeof BandwidthEstimator>[0] = {}): { est: BandwidthEstimator; clock: { ms: number } } {
  const clock = { ms: 0 };
  return { est: new BandwidthEstimator({ ...opts, now: () => clock.ms }), clock };
}

describe('BandwidthEstimator', () => {
  it('grows while the link keeps up', () => {
    const { est, clock } = clocked({ initialBps: 300_000 });
    // The sender follows the estimate, as an allocator would; the link has 5 Mbit/s.
    drive(est, clock, 5_000_000, () => est.estimateBps(), 20_000);
    expect(est.estimateBps()).toBeGreaterThan(1_000_000);
    expect(est.state().usage).not.toBe('overuse');
  });

  it('detects a queue building and backs off below the capacity', () => {
    const { est, clock } = clocked({ initialBps: 2_000_000 });
    // Sending 2 Mbit/s into 1 Mbit/s: the delay gradient is positive.
    drive(est, clock, 1_000_000, 2_000_000, 3000);
    const s = est.state();
    expect(s.estimateBps).toBeLessThan(1_000_000);
    expect(s.estimateBps).toBeGreaterThan(100_000);
    expect(s.ackedBps).toBeGreaterThan(800_000);
  });

  it('reads a cellular stall as one back-off, not a spiral down to the floor', () => {
    // Arrange: a sender limited to 1.5 Mbit/s on a 3 Mbit/s link that stalls three times
    // (400, 300 and 500 ms) and then delivers what queued in one burst, as LTE traces do.
    const { est, clock } = clocked({ initialBps: 1_500_000 });
    const stalls = [
      [5000, 5400],
      [8000, 8300],
      [11_000, 11_500],
    ] as const;
    let linkFreeAt = 0;
    let seq = 0;
    let nextSend = 0;
    let pending: PacketReport[] = [];
    // Act
    for (; clock.ms < 14_000; clock.ms++) {
      const rate = Math.min(est.estimateBps(), 1_500_000);
      for (; nextSend <= clock.ms; seq++, nextSend += (1200 * 8 * 1000) / rate) {
        est.onPacketSent({ seq, sizeBytes: 1200, sendTimeMs: clock.ms });
        linkFreeAt = Math.max(linkFreeAt, clock.ms);
        for (const [a, b] of stalls) if (linkFreeAt >= a && linkFreeAt < b) linkFreeAt = b;
        linkFreeAt += (1200 * 8 * 1000) / 3_000_000;
        pending.push({ seq, arrivalTimeMs: linkFreeAt + 20 });
      }
      if (clock.ms % 50 === 0) {
        const due = pending.filter((p) => (p.arrivalTimeMs as number) + 20 <= clock.ms);
        pending = pending.filter((p) => (p.arrivalTimeMs as number) + 20 > clock.ms);
        if (due.length > 0) est.onFeedback(due);
      }
    }
    // Assert: backing off to the 500 ms acknowledged rate after each stall (which the stall
    // emptied) used to take the estimate to its 50 kbit/s floor here.
    expect(est.estimateBps()).toBeGreaterThan(1_200_000);
    expect(est.state().throughputBps).toBeGreaterThan(1_200_000);
  });

  it('jumps to the rate a probe cluster measured', () => {
    const { est, clock } = clocked({ initialBps: 300_000 });
    const id = est.startProbe(3_000_000);
    // 10 packets at 3 Mbit/s (3.2 ms apart) through a 10 Mbit/s link.
    const reports: PacketReport[] = [];
    for (let i = 0; i < 10; i++) {
      const sendTimeMs = i * 3.2;
      est.onPacketSent({ seq: i, sizeBytes: 1200, sendTimeMs, probeClusterId: id });
      reports.push({ seq: i, arrivalTimeMs: sendTimeMs + 20 + 0.96 });
    }
    clock.ms = 100;
    est.onFeedback(reports);
    expect(est.estimateBps()).toBeGreaterThan(2_500_000);
    expect(est.state().probing).toBe(false);
  });

  it('bounds the estimate by loss', () => {
    const { est, clock } = clocked({ initialBps: 1_000_000 });
    let seq = 0;
    for (let round = 0; round < 20; round++) {
      clock.ms += 100;
      const reports: PacketReport[] = [];
      for (let i = 0; i < 40; i++, seq++) {
        est.onPacketSent({ seq, sizeBytes: 1000, sendTimeMs: clock.ms - 100 + i * 2 });
        // 25% loss, steady delay.
        reports.push({ seq, arrivalTimeMs: i % 4 === 0 ? null : clock.ms - 100 + i * 2 + 30 });
      }
      est.onFeedback(reports);
    }
    const s = est.state();
    expect(s.lossRatio).toBeCloseTo(0.25, 2);
    expect(s.lossBasedBps).toBeLessThan(600_000);
    expect(s.estimateBps).toBe(Math.min(s.delayBasedBps, s.lossBasedBps));
  });

  it('reads Opus DTX (a packet every 400 ms) as neither loss nor congestion', () => {
    const { est, clock } = clocked({ initialBps: 500_000 });
    for (let seq = 0; seq < 50; seq++) {
      clock.ms = seq * 400;
      est.onPacketSent({ seq, sizeBytes: 12, sendTimeMs: clock.ms });
      clock.ms += 60;
      est.onFeedback([{ seq, arrivalTimeMs: clock.ms - 40 }]);
    }
    const s = est.state();
    expect(s.counters.lost).toBe(0);
    expect(s.usage).toBe('normal');
    expect(s.estimateBps).toBeGreaterThanOrEqual(500_000);
  });

  it('counts unknown, duplicate and reordered feedback instead of throwing', () => {
    const { est, clock } = clocked();
    for (let seq = 0; seq < 30; seq++) est.onPacketSent({ seq, sizeBytes: 1200, sendTimeMs: seq * 10 });
    clock.ms = 400;
    const reports = Array.from({ length: 30 }, (_, seq) => ({ seq, arrivalTimeMs: seq * 10 + 30 + (seq === 5 ? 100 : 0) }));
    est.onFeedback(reports);
    est.onFeedback([{ seq: 3, arrivalTimeMs: 63 }, { seq: 999, arrivalTimeMs: 10 }]);
    const c = est.state().counters;
    expect(c).toMatchObject({ sent: 30, received: 30, duplicate: 1, unknown: 1 });
    expect(c.reordered).toBeGreaterThanOrEqual(1);
  });

  it('throws SimulcastError on caller mistakes', () => {
    const { est } = clocked();
    est.onPacketSent({ seq: 1, sizeBytes: 100, sendTimeMs: 0 });
    const bad: (() => unknown)[] = [
      () => est.onPacketSent({ seq: 1, sizeBytes: 100 }),
      () => est.onPacketSent({ seq: -1, sizeBytes: 100 }),
      () => est.onPacketSent({ seq: 2.5, sizeBytes: 100 }),
      () => est.onPacketSent({ seq: 3, sizeBytes: 0 }),
      () => est.onPacketSent({ seq: 3, sizeBytes: 100, sendTimeMs: Number.NaN }),
      () => est.onPacketSent(null as never),
      () => est.onFeedback([{ seq: 1, arrivalTimeMs: Infinity }]),
      () => est.onFeedback([{ seq: Number.NaN, arrivalTimeMs: 1 }]),
      () => est.onFeedback('x' as never),
      () => est.startProbe(0),
      () => est.setRttMs(-1),
      () => new BandwidthEstimator({ minBps: 0 }),
      () => new BandwidthEstimator({ initialBps: 10, minBps: 100 }),
      () => new BandwidthEstimator({ maxBps: Number.NaN }),
    ];
    for (const f of bad) expect(f).toThrowError(SimulcastError);
  });

  it('never yields a NaN or out-of-range estimate, whatever the feedback', () => {
    const report = fc.record({ seq: fc.integer({ min: 0, max: 60 }), arrivalTimeMs: fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { freq: 4 }) });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ send: fc.integer({ min: 0, max: 60 }), size: fc.integer({ min: 1, max: 1500 }), dt: fc.double({ min: 0, max: 500, noNaN: true }) }), fc.array(report, { maxLength: 20 })), { maxLength: 60 }),
        (ops) => {
          const { est, clock } = clocked({ minBps: 50_000, maxBps: 20_000_000 });
          const sent = new Set<number>();
          for (const op of ops) {
            if (Array.isArray(op)) est.onFeedback(op);
            else {
              clock.ms += op.dt;
              if (!sent.has(op.send)) {
                sent.add(op.send);
                est.onPacketSent({ seq: op.send, sizeBytes: op.size });
              }
            }
            const e = est.estimateBps();
            expect(Number.isFinite(e)).toBe(true);
            expect(e).toBeGreaterThanOrEqual(50_000);
            expect(e).toBeLessThanOrEqual(20_000_000);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('is deterministic for the same inputs', () => {
    const run = (): unknown => {
      const { est, clock } = clocked();
      drive(est, clock, 2_000_000, () => est.estimateBps(), 5000);
      return est.state();
    };
    expect(run()).toEqual(run());
  });
});
