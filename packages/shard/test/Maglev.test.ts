import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Maglev, isPrime } from '../src/index.js';
import { anyKey, nodeIds, sampleKeys } from './helpers.js';

describe('Maglev', () => {
  it('gives every node floor(M/n) or ceil(M/n) slots (equal weights)', () => {
    fc.assert(
      fc.property(nodeIds(20), fc.constantFrom(101, 257, 1009, 4099), (ids, m) => {
        fc.pre(ids.length <= m);
        const mag = new Maglev(ids, { tableSize: m });
        const counts = new Array<number>(ids.length).fill(0);
        for (const o of mag.entries()) counts[o]!++;
        for (const c of counts) expect(c === Math.floor(m / ids.length) || c === Math.ceil(m / ids.length)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('lookup is the owner of the key’s slot; lookupN is distinct and starts with it', () => {
    fc.assert(
      fc.property(nodeIds(10), anyKey, (ids, key) => {
        const mag = new Maglev(ids, { tableSize: 1009 });
        expect(mag.lookup(key)).toBe(mag.nodes[mag.entries()[mag.slotOf(key)]!]);
        const all = mag.lookupN(key, ids.length);
        expect(new Set(all).size).toBe(ids.length);
        expect(all[0]).toBe(mag.lookup(key));
      }),
      { numRuns: 100 },
    );
  });

  it('weights give proportionally more slots', () => {
    const mag = new Maglev([{ node: 'a', weight: 1 }, { node: 'b', weight: 3 }], { tableSize: 4001 });
    const b = mag.entries().filter((o) => mag.nodes[o] === 'b').length;
    expect(b / 4001).toBeCloseTo(0.75, 2);
  });

  it('keeps most slots when a node joins (minimal disruption)', () => {
    const ids = Array.from({ length: 20 }, (_, i) => `n${i}`);
    const a = new Maglev(ids);
    const b = a.withNode('n20');
    const keys = sampleKeys(20_000);
    const moved = keys.filter((k) => a.lookup(k) !== b.lookup(k)).length / keys.length;
    // Ideal is 1/21 = 0.048; Maglev moves somewhat more, never a reshuffle.
    expect(moved).toBeGreaterThan(0.04);
    expect(moved).toBeLessThan(0.1);
  });

  it('sizes its default table from the node count (a prime of at least 100 slots a node) and keeps it', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => `n${i}`);
    const big = new Maglev(nodes);
    expect(big.tableSize).toBeGreaterThanOrEqual(100_000);
    expect(isPrime(big.tableSize)).toBe(true);
    expect(big.tableSize).toBe(100_003); // the first prime at or above 100 000
    expect(big.withNode('extra').tableSize).toBe(big.tableSize);
    expect(big.withoutNode('n5').tableSize).toBe(big.tableSize);
    expect(new Maglev(['a', 'b']).tableSize).toBe(65537);
  });

  it('validates the table size', () => {
    expect(isPrime(65537)).toBe(true);
    expect(isPrime(65536)).toBe(false);
    expect(isPrime(1)).toBe(false);
    for (const m of [0, 1, 100, 65536, 1.5, Number.NaN, 2 ** 25 + 1]) {
      expect(() => new Maglev(['a'], { tableSize: m })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    }
    expect(() => new Maglev(['a', 'b', 'c', 'd'], { tableSize: 3 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => new Maglev([{ node: 'a', weight: 1e-9 }, 'b'], { tableSize: 101 })).toThrow(expect.objectContaining({ code: 'BAD_WEIGHT' }));
  });
});
