import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedLoad, HashRing, ShardError } from '../src/index.js';
import { sampleKeys } from './helpers.js';

type Op = { kind: 'acquire'; key: string } | { kind: 'release'; key: string };

const ops = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }).map((i): Op => ({ kind: 'acquire', key: `k${i}` })) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 30 }).map((i): Op => ({ kind: 'release', key: `k${i}` })) },
  ),
  { maxLength: 200 },
);

describe('BoundedLoad', () => {
  it('never places a unit on a node at its cap, and its books match a model', () => {
    fc.assert(
      fc.property(ops, fc.double({ min: 0.05, max: 2, noNaN: true }), fc.integer({ min: 1, max: 6 }), (seq, epsilon, n) => {
        const bl = new BoundedLoad(Array.from({ length: n }, (_, i) => ({ node: `n${i}`, weight: 1 + (i % 2) })), { epsilon, vnodes: 16 });
        const model = new Map<string, string[]>();
        for (const op of seq) {
          if (op.kind === 'acquire') {
            const capBefore = new Map(bl.nodes.map((id) => [id, bl.capacityOf(id)]));
            const node = bl.acquire(op.key);
            // The chosen node had room for one more under the cap for the new total.
            expect(bl.loadOf(node)).toBeLessThanOrEqual(capBefore.get(node)!);
            model.set(op.key, [...(model.get(op.key) ?? []), node]);
          } else if (model.get(op.key)?.length) {
            const node = bl.release(op.key);
            expect(node).toBe(model.get(op.key)!.pop());
          } else {
            expect(() => bl.release(op.key)).toThrow(expect.objectContaining({ code: 'NOT_ACQUIRED' }));
          }
          let total = 0;
          for (const v of model.values()) total += v.length;
          expect(bl.totalLoad).toBe(total);
          for (const id of bl.nodes) expect(bl.loadOf(id)).toBe([...model.values()].flat().filter((x) => x === id).length);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('keeps the hottest node within ceil((1 + eps) x mean) under a skewed stream', () => {
    // Arrange: 20 nodes, keys drawn from a very heavy-tailed law (Pareto, shape 0.1) with a seeded generator.
    let s = 12345;
    const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296);
    const nodes = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const bl = new BoundedLoad(nodes, { epsilon: 0.1 });
    const plain = new HashRing(nodes);
    const plainLoad = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const key = `hot${Math.floor(1 / Math.pow(1 - rnd() * 0.999, 1 / 0.1))}`;
      bl.acquire(key);
      plainLoad.set(plain.lookup(key), (plainLoad.get(plain.lookup(key)) ?? 0) + 1);
      // Assert the bound at every step, not only at the end.
      if (i % 97 === 0) {
        const cap = Math.ceil(1.1 * bl.totalLoad / 20);
        for (const id of nodes) expect(bl.loadOf(id)).toBeLessThanOrEqual(cap);
      }
    }
    expect(bl.maxOverMean()).toBeLessThanOrEqual(1.1 + 20 / 20_000);
    // Without the bound the same stream is far more lopsided.
    expect(Math.max(...plainLoad.values()) / 1000).toBeGreaterThan(1.5);
  });

  it('one hot key spreads with the cap exact: (1 + 0.1) x mean, no unit added by rounding', () => {
    const bl = new BoundedLoad(Array.from({ length: 10 }, (_, i) => `n${i}`), { epsilon: 0.1 });
    for (let i = 0; i < 1000; i++) bl.acquire('hot');
    // 1.1 x 1000 / 10 is 110.00000000000001 in floating point; the cap must still be 110.
    for (const id of bl.nodes) expect(bl.loadOf(id)).toBeLessThanOrEqual(110);
    expect(bl.maxOverMean()).toBeCloseTo(1.1, 10);
    expect(bl.holders('hot')).toHaveLength(1000);
  });

  it('lookup agrees with the ring while loads are low, and with acquire', () => {
    const bl = new BoundedLoad(['a', 'b', 'c'], { epsilon: 0.5 });
    for (const k of sampleKeys(50)) expect(bl.lookup(k)).toBe(bl.ring.lookup(k));
    for (const k of sampleKeys(200)) {
      const expected = bl.lookup(k);
      expect(bl.acquire(k)).toBe(expected);
    }
    const n = bl.lookupN('x', 3);
    expect(new Set(n).size).toBe(3);
  });

  it('withoutNode re-places the removed node’s keys; withNode keeps everything in place', () => {
    const bl = new BoundedLoad(['a', 'b', 'c', 'd'], { epsilon: 0.25 });
    const keys = sampleKeys(400);
    for (const k of keys) bl.acquire(k);
    const before = new Map(keys.map((k) => [k, bl.holders(k)[0]!]));
    const smaller = bl.withoutNode('b');
    expect(smaller.totalLoad).toBe(400);
    for (const k of keys) {
      const now = smaller.holders(k)[0]!;
      if (before.get(k) !== 'b') expect(now).toBe(before.get(k));
      else expect(now).not.toBe('b');
    }
    const bigger = bl.withNode('e');
    expect(bigger.totalLoad).toBe(400);
    expect(bigger.loadOf('e')).toBe(0);
    for (const k of keys) expect(bigger.holders(k)).toEqual([before.get(k)]);
    // The original is unchanged.
    expect(bl.loadOf('b')).toBeGreaterThan(0);
  });

  it('rejects a bad epsilon and unknown nodes', () => {
    for (const epsilon of [0, -1, 1e-9, Number.NaN, Infinity]) {
      expect(() => new BoundedLoad(['a'], { epsilon })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
    const bl = new BoundedLoad(['a']);
    expect(() => bl.loadOf('zz')).toThrow(ShardError);
    expect(() => new BoundedLoad([]).acquire('k')).toThrow(expect.objectContaining({ code: 'EMPTY' }));
  });
});
