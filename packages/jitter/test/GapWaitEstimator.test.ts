import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GapWaitEstimator, JitterBuffer, type JitterPacket, type OutputBlock } from '../src/index.js';
import { codeOf } from './helpers.js';

/** An outcome: a late packet `excess` ms past the target, or a lost one (null). */
type Outcome = number | null;

/**
 * Brute force: the prior (weight 1 spread evenly over the buckets) and every outcome, each
 * weighted forget^(outcomes after it); for each candidate wait k buckets the expected cost is
 * summed item by item; the cheapest (smallest on ties) wins, clamped to [min, max].
 */
function bruteWait(outcomes: Outcome[], o: { min: number; max: number; cost: number; forget: number; bucket: number }): number {
  const B = Math.max(1, Math.ceil(o.max / o.bucket));
  const n = outcomes.length;
  const items: { b: number; w: number }[] = []; // b = Infinity for lost
  for (let b = 0; b < B; b++) items.push({ b, w: Math.pow(o.forget, n) / B });
  outcomes.forEach((x, i) => {
    const w = Math.pow(o.forget, n - 1 - i);
    if (x === null || !(x < o.max)) items.push({ b: Infinity, w });
    else items.push({ b: x <= 0 ? 0 : Math.min(B - 1, Math.floor(x / o.bucket)), w });
  });
  let bestK = 0;
  let best = Infinity;
  for (let k = 0; k <= B; k++) {
    let cost = 0;
    for (const it of items) {
      if (it.b < k) cost += it.w * (it.b + 0.5) * o.bucket;
      else cost += it.w * (k * o.bucket + (Number.isFinite(it.b) ? o.cost : 0));
    }
    if (cost < best - 1e-9) {
      best = cost;
      bestK = k;
    }
  }
  return Math.min(o.max, Math.max(o.min, bestK * o.bucket));
}

const outcome = fc.oneof(fc.constant(null), fc.double({ min: -50, max: 400, noNaN: true }));

function feed(g: GapWaitEstimator, outcomes: Outcome[]): void {
  for (const x of outcomes) {
    if (x === null) g.recordLost();
    else g.recordLate(x);
  }
}

describe('GapWaitEstimator', () => {
  it('equals a brute-force minimisation of the expected cost over every candidate wait', () => {
    fc.assert(
      fc.property(
        fc.array(outcome, { maxLength: 60 }),
        fc.record({
          min: fc.constantFrom(0, 20, 40),
          max: fc.constantFrom(60, 150, 300),
          cost: fc.constantFrom(0, 50, 200, 1000),
          forget: fc.constantFrom(0.5, 0.95, 1),
          bucket: fc.constantFrom(5, 10),
        }),
        (outcomes, o) => {
          const g = new GapWaitEstimator({ minWaitMs: o.min, maxWaitMs: o.max, lossCostMs: o.cost, forgetFactor: o.forget, bucketMs: o.bucket });
          feed(g, outcomes);
          expect(g.waitMs()).toBe(bruteWait(outcomes, o));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays within [minWaitMs, maxWaitMs] and is deterministic', () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 100 }), (outcomes) => {
        const a = new GapWaitEstimator({ minWaitMs: 15, maxWaitMs: 120 });
        const b = new GapWaitEstimator({ minWaitMs: 15, maxWaitMs: 120 });
        feed(a, outcomes);
        feed(b, outcomes);
        expect(a.waitMs()).toBeGreaterThanOrEqual(15);
        expect(a.waitMs()).toBeLessThanOrEqual(120);
        expect(a.waitMs()).toBe(b.waitMs());
      }),
      { numRuns: 200 },
    );
  });

  it('never waits longer after one more loss', () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 60 }), (outcomes) => {
        const g = new GapWaitEstimator();
        feed(g, outcomes);
        const before = g.waitMs();
        g.recordLost();
        expect(g.waitMs()).toBeLessThanOrEqual(before);
      }),
      { numRuns: 200 },
    );
  });

  it('waits for the first gaps, learns to stop on a lossy path and to wait on a reordering one', () => {
    const g = new GapWaitEstimator();
    expect(g.waitMs()).toBe(150);
    for (let i = 0; i < 5; i++) g.recordLost();
    expect(g.waitMs()).toBe(20);
    for (let i = 0; i < 40; i++) g.recordLate(85);
    expect(g.waitMs()).toBe(90);
    g.reset();
    expect(g.waitMs()).toBe(150);
  });

  it('rejects bad options', () => {
    expect(codeOf(() => new GapWaitEstimator({ minWaitMs: -1 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new GapWaitEstimator({ minWaitMs: 50, maxWaitMs: 40 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new GapWaitEstimator({ forgetFactor: Number.NaN }))).toBe('INVALID_OPTION');
    expect(codeOf(() => new GapWaitEstimator({ lossCostMs: Infinity }))).toBe('INVALID_OPTION');
  });
});

const EMPTY = new Uint8Array(0);
const pkt = (i: number, arrivalMs: number): JitterPacket => ({ seq: i, timestamp: i * 960, arrivalMs, payload: EMPTY });

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

describe('JitterBuffer: waiting for a missing packet', () => {
  it('plays a packet overtaken by its successors by 100 ms early in a stream, before anything is learned', () => {
    // Arrange: packet 30 arrives 110 ms late, after packets 31-35.
    const packets = Array.from({ length: 80 }, (_, i) => pkt(i, 1000 + i * 20 + (i === 30 ? 110 : 0)));
    const jb = new JitterBuffer();
    const blocks = run(jb, packets, 1000, 3000);
    expect(blocks.flatMap((b) => b.seqs)).toEqual(packets.map((p) => p.seq));
    expect(jb.stats().packetsDiscarded).toBe(0);
  });

  it('on a path that only reorders, plays every packet however late (up to the longest wait) each straggler comes', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 5, max: 140 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 25, max: 120 }),
        (late, extraMs) => {
          // Arrange: the chosen packets arrive `extraMs` after their successors would make them.
          const packets = Array.from({ length: 150 }, (_, i) => pkt(i, 1000 + i * 20 + (late.includes(i) ? extraMs : 0)));
          const jb = new JitterBuffer();
          const blocks = run(jb, packets, 1000, 5000);
          expect(blocks.flatMap((b) => b.seqs)).toEqual(packets.map((p) => p.seq));
          expect(jb.stats().packetsDiscarded).toBe(0);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('learns on a lossy path to give up sooner: later losses stall playout less than the first', () => {
    // Arrange: every 25th packet is lost, no jitter.
    const packets = Array.from({ length: 400 }, (_, i) => pkt(i, 1000 + i * 20)).filter((p) => p.seq % 25 !== 12);
    const jb = new JitterBuffer();
    const blocks = run(jb, packets, 1000, 9500);
    // Act: the concealed time of each run of concealment.
    const runs: number[] = [];
    let cur = 0;
    for (const b of blocks.slice(blocks.findIndex((x) => x.seqs.length > 0))) {
      if (b.type === 'conceal') cur++;
      else if (cur > 0) {
        runs.push(cur);
        cur = 0;
      }
    }
    // Assert: the first loss is waited for; once losses are known they cost one packet's time.
    expect(runs[0]!).toBeGreaterThan(runs[runs.length - 1]!);
    expect(runs.slice(-5).every((r) => r <= 3)).toBe(true);
    expect(blocks.flatMap((b) => b.seqs)).toEqual(packets.map((p) => p.seq));
  });
});
