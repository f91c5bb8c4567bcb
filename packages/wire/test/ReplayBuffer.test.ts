import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayBuffer, WireError } from '../src/index.js';

type Step = { kind: 'send'; n: number; lost: boolean } | { kind: 'tick'; ms: number } | { kind: 'resume' } | { kind: 'ack' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('send' as const), n: fc.integer({ min: 1, max: 20 }), lost: fc.boolean() }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
  fc.constant({ kind: 'resume' as const }),
  fc.constant({ kind: 'ack' as const }),
);

describe('ReplayBuffer', () => {
  it('loses and duplicates nothing across any sequence of drops and resumes within its limits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1000, max: 20_000 }), fc.array(step, { maxLength: 60 }), (capacity, maxAgeMs, steps) => {
        let now = 0;
        const buffer = new ReplayBuffer({ capacity, maxAgeMs, now: () => now });
        const received: number[] = []; // what the client has, in order
        const sentAt = new Map<number, number>();
        let acked = 0;
        for (const st of steps) {
          if (st.kind === 'tick') now += st.ms;
          else if (st.kind === 'send') {
            for (let i = 0; i < st.n; i++) {
              const f = buffer.push('EVENT', { i });
              sentAt.set(f.s, now);
              if (!st.lost) {
                // A connection that dropped loses everything after the first lost frame.
                if (received.length === f.s - 1) received.push(f.s);
              }
            }
          } else if (st.kind === 'ack') {
            acked = received.length;
            buffer.ack(acked);
          } else {
            const last = received.length;
            const r = buffer.since(last);
            // Fillable exactly when every missed dispatch is within capacity, age and not acked away.
            const missed = [];
            for (let s = last + 1; s <= buffer.lastSeq; s++) missed.push(s);
            const fillable = missed.length <= capacity && missed.every((s) => sentAt.get(s)! >= now - maxAgeMs) && last >= acked;
            if (fillable) {
              expect(r.ok).toBe(true);
              if (r.ok) {
                expect(r.frames.map((f) => f.s)).toEqual(missed);
                received.push(...missed);
              }
            } else {
              expect(r).toEqual({ ok: false, reason: 'gap' });
            }
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('numbers dispatches from 1 and answers bad resume points without throwing', () => {
    const b = new ReplayBuffer({ capacity: 4 });
    expect(b.since(0)).toEqual({ ok: true, frames: [] });
    expect(b.push('A', 1).s).toBe(1);
    expect(b.since(5)).toEqual({ ok: false, reason: 'ahead' });
    expect(b.since(-1)).toEqual({ ok: false, reason: 'invalid' });
    expect(b.since(Number.NaN)).toEqual({ ok: false, reason: 'invalid' });
    expect(b.since(1.5)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('stays bounded by its capacity', () => {
    const b = new ReplayBuffer({ capacity: 3 });
    for (let i = 0; i < 1000; i++) b.push('A', i);
    expect(b.size).toBe(3);
    expect(b.since(997)).toMatchObject({ ok: true });
    expect(b.since(996)).toEqual({ ok: false, reason: 'gap' });
  });

  it('expires by the times pushes give, as by its clock (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 50 }), { minLength: 1, maxLength: 60 }), fc.nat({ max: 3000 }), fc.integer({ min: 1, max: 1000 }), (gaps, later, maxAgeMs) => {
        let clock = 0;
        const given = new ReplayBuffer({ capacity: 100, maxAgeMs, now: () => clock });
        const read = new ReplayBuffer({ capacity: 100, maxAgeMs, now: () => clock });
        for (const g of gaps) {
          clock += g;
          given.push('A', clock, clock);
          read.push('A', clock);
        }
        clock += later;
        for (let seq = 0; seq <= gaps.length; seq++) expect(given.since(seq)).toEqual(read.since(seq));
      }),
      { numRuns: 300 },
    );
  });

  it('pushSeq numbers and keeps exactly as push does, and replays the frames push returned (property)', () => {
    type Op = { kind: 'push'; seq: boolean } | { kind: 'ack'; back: number } | { kind: 'tick'; ms: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), seq: fc.boolean() }),
      fc.record({ kind: fc.constant('ack' as const), back: fc.integer({ min: -3, max: 10 }) }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.nat({ max: 400 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), fc.array(op, { maxLength: 80 }), (capacity, ops) => {
        let clock = 0;
        const mixed = new ReplayBuffer({ capacity, maxAgeMs: 1000, now: () => clock });
        const plain = new ReplayBuffer({ capacity, maxAgeMs: 1000, now: () => clock });
        const sent = new Map<number, unknown>();
        for (const [i, o] of ops.entries()) {
          if (o.kind === 'tick') clock += o.ms;
          else if (o.kind === 'ack') {
            mixed.ack(mixed.lastSeq - o.back);
            plain.ack(plain.lastSeq - o.back);
          } else {
            const payload = { i };
            const frame = plain.push('E', payload);
            const seq = o.seq ? mixed.pushSeq('E', payload) : mixed.push('E', payload).s;
            expect(seq).toBe(frame.s);
            sent.set(seq, frame);
          }
          expect(mixed.size).toBe(plain.size);
        }
        for (let seq = 0; seq <= mixed.lastSeq + 1; seq++) {
          const r = mixed.since(seq);
          expect(r).toEqual(plain.since(seq));
          // What is replayed is what was sent: same number, type and the very payload object.
          if (r.ok) for (const f of r.frames) expect(f).toEqual(sent.get(f.s));
          if (r.ok) for (const f of r.frames) expect(f.d).toBe((sent.get(f.s) as { d: unknown }).d);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a push time that is not a number, and holds a time that goes back at the previous one', () => {
    let clock = 1000;
    const b = new ReplayBuffer({ maxAgeMs: 100, now: () => clock });
    b.push('A', 1, 100);
    b.push('A', 2, 500);
    b.push('A', 3, 90); // the clock stepped back: kept as if at 500
    expect(() => b.push('A', 4, Number.NaN)).toThrowError(expect.objectContaining({ code: 'invalid-field', path: 'time' }) as Error);
    expect(() => b.push('A', 4, '7' as unknown as number)).toThrowError(WireError);
    expect(b.lastSeq).toBe(3);
    clock = 550;
    expect(b.since(1)).toMatchObject({ ok: true, frames: [{ s: 2 }, { s: 3 }] });
    expect(b.since(0)).toEqual({ ok: false, reason: 'gap' });
    clock = 601;
    expect(b.since(2)).toEqual({ ok: false, reason: 'gap' });
  });

  it('validates its options', () => {
    expect(() => new ReplayBuffer({ capacity: 0 })).toThrow(WireError);
    expect(() => new ReplayBuffer({ maxAgeMs: -1 })).toThrow(WireError);
    expect(() => new ReplayBuffer({ maxAgeMs: Number.NaN })).toThrow(WireError);
  });
});
