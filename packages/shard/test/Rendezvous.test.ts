import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rendezvous } from '../src/index.js';
import { anyKey, loads, nodeIds, sampleKeys } from './helpers.js';

describe('Rendezvous', () => {
  it('the owner is the top of the full ranking, and rankings are stable under removal', () => {
    fc.assert(
      fc.property(nodeIds(10), anyKey, (ids, key) => {
        const hrw = new Rendezvous(ids);
        const rank = hrw.lookupN(key, ids.length);
        expect(new Set(rank).size).toBe(ids.length);
        expect(rank[0]).toBe(hrw.lookup(key));
        for (let n = 0; n <= ids.length; n++) expect(hrw.lookupN(key, n)).toEqual(rank.slice(0, n));
        // Removing any node leaves the relative order of the others unchanged.
        const gone = rank[Math.floor(ids.length / 2)]!;
        if (ids.length > 1) expect(hrw.withoutNode(gone).lookupN(key, ids.length - 1)).toEqual(rank.filter((x) => x !== gone));
      }),
      { numRuns: 150 },
    );
  });

  it('adding a node moves keys only to it (weighted too)', () => {
    fc.assert(
      fc.property(nodeIds(8), fc.double({ min: 0.1, max: 10, noNaN: true }), (ids, w) => {
        fc.pre(!ids.includes('+new'));
        const hrw = new Rendezvous(ids.map((node, i) => ({ node, weight: 1 + i })));
        const grown = hrw.withNode('+new', w);
        for (const k of sampleKeys(200)) {
          const b = grown.lookup(k);
          expect(b === hrw.lookup(k) || b === '+new').toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('gives each node a share equal to its weight share', () => {
    const hrw = new Rendezvous([{ node: 'a', weight: 1 }, { node: 'b', weight: 3 }, { node: 'c', weight: 6 }]);
    const keys = sampleKeys(40_000);
    const l = loads((k) => hrw.lookup(k), keys);
    expect(l.get('a')! / keys.length).toBeCloseTo(0.1, 1);
    expect(l.get('b')! / keys.length).toBeCloseTo(0.3, 1);
    expect(l.get('c')! / keys.length).toBeCloseTo(0.6, 1);
  });
});
