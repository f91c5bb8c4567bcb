import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedLoad, HashRing, JumpHash, Maglev, Rendezvous, movedKeys, rebalancePlan } from '../src/index.js';
import { anyKey, nodeIds, sampleKeys } from './helpers.js';

describe('rebalancePlan', () => {
  it('ring: a key moves exactly when its position is in a planned range, from and to as planned', () => {
    fc.assert(
      fc.property(nodeIds(6), nodeIds(6), fc.array(anyKey, { minLength: 1, maxLength: 40 }), (a, b, keys) => {
        const before = new HashRing(a, { vnodes: 8 });
        const after = new HashRing(b, { vnodes: 8 });
        const plan = rebalancePlan(before, after);
        for (const k of keys) {
          const pos = before.positionOf(k);
          const r = plan.ranges.find((x) => x.start <= pos && pos <= x.end);
          const from = before.lookup(k), to = after.lookup(k);
          if (from === to) expect(r).toBeUndefined();
          else expect(r).toMatchObject({ from, to });
        }
        // Ranges are disjoint, ordered, and add up to movedFraction.
        let sum = 0;
        for (let i = 0; i < plan.ranges.length; i++) {
          const r = plan.ranges[i]!;
          expect(r.start).toBeLessThanOrEqual(r.end);
          if (i > 0) expect(r.start).toBeGreaterThan(plan.ranges[i - 1]!.end);
          sum += (r.end - r.start + 1) / 2 ** 32;
        }
        expect(plan.movedFraction).toBeCloseTo(sum, 12);
      }),
      { numRuns: 120 },
    );
  });

  it('ring: adding a node plans only moves to it, close to the ideal share', () => {
    const ring = new HashRing(Array.from({ length: 10 }, (_, i) => `n${i}`), { vnodes: 512 });
    const plan = rebalancePlan(ring, ring.withNode('n10'));
    expect(plan.exact).toBe(true);
    expect(plan.moves.every((m) => m.to === 'n10')).toBe(true);
    expect(plan.idealFraction).toBeCloseTo(1 / 11, 10);
    expect(plan.movedFraction / plan.idealFraction).toBeGreaterThan(0.85);
    expect(plan.movedFraction / plan.idealFraction).toBeLessThan(1.15);
    const measured = movedKeys(ring, ring.withNode('n10'), sampleKeys(20_000)).fraction;
    expect(measured).toBeCloseTo(plan.movedFraction, 2);
  });

  it('maglev: the planned slots are exactly the slots whose owner changes', () => {
    const a = new Maglev(['a', 'b', 'c', 'd'], { tableSize: 1009 });
    const b = a.withoutNode('c');
    const plan = rebalancePlan(a, b);
    const ea = a.entries(), eb = b.entries();
    const changed = [...ea.keys()].filter((s) => a.nodes[ea[s]!] !== b.nodes[eb[s]!]);
    expect(plan.buckets.map((x) => x.bucket)).toEqual(changed);
    expect(plan.movedFraction).toBeCloseTo(changed.length / 1009, 12);
    for (const k of sampleKeys(500)) {
      const s = a.slotOf(k);
      const mv = plan.buckets.find((x) => x.bucket === s);
      expect(mv ? mv.to : a.lookup(k)).toBe(b.lookup(k));
    }
  });

  it('jump and rendezvous: expected flows match measured movement', () => {
    const keys = sampleKeys(30_000);
    const ids = Array.from({ length: 8 }, (_, i) => `n${i}`);
    for (const [before, after] of [
      [new JumpHash(ids), new JumpHash(ids).withNode('n8')],
      [new JumpHash(ids), new JumpHash(ids).withoutNode('n2')],
      [new Rendezvous(ids), new Rendezvous(ids).withNode('x', 2)],
      [new Rendezvous(ids), new Rendezvous(ids).withoutNode('n5')],
    ] as const) {
      const plan = rebalancePlan(before, after);
      expect(plan.exact).toBe(false);
      const measured = movedKeys(before, after, keys).fraction;
      expect(Math.abs(measured - plan.movedFraction)).toBeLessThan(0.01);
      // Every planned flow shows up among the measured pairs, and vice versa.
      const pairs = new Set<string>();
      for (const k of keys) {
        const f = before.lookup(k), t = after.lookup(k);
        if (f !== t) pairs.add(`${f}>${t}`);
      }
      expect(new Set(plan.moves.map((m) => `${m.from}>${m.to}`))).toEqual(pairs);
    }
    const jumpPlan = rebalancePlan(new JumpHash(ids), new JumpHash(ids).withoutNode('n2'));
    expect(jumpPlan.buckets).toEqual([{ bucket: 2, from: 'n2', to: 'n7' }]);
  });

  it('bounded load plans follow its ring', () => {
    const a = new BoundedLoad(['a', 'b', 'c']);
    const plan = rebalancePlan(a, a.withNode('d'));
    expect(plan.scheme).toBe('bounded');
    expect(plan.ranges).toEqual(rebalancePlan(a.ring, a.ring.withNode('d')).ranges);
  });

  it('refuses to compare different schemes, different Maglev tables, or empty placements', () => {
    expect(() => rebalancePlan(new HashRing(['a']), new JumpHash(['a']))).toThrow(expect.objectContaining({ code: 'MISMATCH' }));
    expect(() => rebalancePlan(new Maglev(['a'], { tableSize: 101 }), new Maglev(['a'], { tableSize: 103 }))).toThrow(expect.objectContaining({ code: 'MISMATCH' }));
    expect(() => rebalancePlan(new HashRing([]), new HashRing(['a']))).toThrow(expect.objectContaining({ code: 'EMPTY' }));
  });
});
