import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HashRing, xxHash64, type Key } from '../src/index.js';
import { anyKey, loads, nodeIds, sampleKeys } from './helpers.js';

// Brute force: scan every point for the first at or after the key's position, wrapping.
function bruteOwner(ring: HashRing, key: Key): string {
  const { points, owners, ids } = ring.arcs();
  const h = ring.positionOf(key);
  for (let i = 0; i < points.length; i++) if (points[i]! >= h) return ids[owners[i]!]!;
  return ids[owners[0]!]!;
}

// Independent of the ring's packed layout: point j of a node is the high half of XXH64 of j's 8
// little-endian bytes, seeded with XXH64 of the node id; a key belongs to the nearest point on
// the circle (a tie goes to the point before the key, counter-clockwise). Of several points at
// one position, keys arriving from before it go to the node first in sorted order, keys after it
// to the last.
function specOwner(ids: readonly string[], vnodes: number, seed: number, positions: readonly number[]): string[] {
  const pts: [number, number][] = [];
  const sorted = [...ids].sort();
  sorted.forEach((id, o) => {
    const nodeSeed = xxHash64(id, seed);
    for (let j = 0; j < vnodes; j++) {
      const b = new Uint8Array(8);
      new DataView(b.buffer).setUint32(0, j, true);
      pts.push([Number(xxHash64(b, nodeSeed) >> 32n), o]);
    }
  });
  pts.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const TWO32 = 2 ** 32;
  return positions.map((h) => {
    let i = pts.findIndex((p) => p[0] >= h);
    if (i < 0) i = 0;
    const next = pts[i]!, prev = pts[(i + pts.length - 1) % pts.length]!;
    const dNext = (next[0] - h + TWO32) % TWO32, dPrev = (h - prev[0] + TWO32) % TWO32;
    return sorted[dNext !== 0 && dPrev <= dNext ? prev[1] : next[1]]!;
  });
}

describe('HashRing', () => {
  it('places keys as the specification says, independently of its packed layout', () => {
    fc.assert(
      fc.property(nodeIds(6), fc.array(fc.string(), { minLength: 1, maxLength: 10 }), fc.integer({ min: 1, max: 40 }), fc.nat(), (ids, keys, vnodes, seed) => {
        const ring = new HashRing(ids, { vnodes, seed });
        expect(keys.map((k) => ring.lookup(k))).toEqual(specOwner(ids, vnodes, seed, keys.map((k) => ring.positionOf(k))));
      }),
      { numRuns: 60 },
    );
  });

  it('packs owner indexes above 16 bits (70 000 nodes) without losing a node', () => {
    const ids = Array.from({ length: 70_000 }, (_, i) => `n${i}`);
    const ring = new HashRing(ids, { vnodes: 1 });
    const keys = sampleKeys(100);
    expect(keys.map((k) => ring.lookup(k))).toEqual(keys.map((k) => bruteOwner(ring, k)));
    // Every node keeps its point, and the owners decode to the full index range.
    expect(new Set(ring.arcs().owners).size).toBe(70_000);
    expect(new Set(ring.lookupN('k', 70_000)).size).toBe(70_000);
  });

  it('lookup equals a linear scan of the ring (any nodes, weights, seeds, keys)', () => {
    fc.assert(
      fc.property(nodeIds(8), fc.array(anyKey, { minLength: 1, maxLength: 20 }), fc.integer({ min: 1, max: 64 }), fc.nat(), (ids, keys, vnodes, seed) => {
        const ring = new HashRing(ids.map((node, i) => ({ node, weight: 1 + (i % 3) })), { vnodes, seed });
        for (const k of keys) expect(ring.lookup(k)).toBe(bruteOwner(ring, k));
      }),
      { numRuns: 150 },
    );
  });

  it('lookupN gives n distinct nodes, owner first, each a prefix of the next', () => {
    fc.assert(
      fc.property(nodeIds(10), anyKey, (ids, key) => {
        const ring = new HashRing(ids, { vnodes: 16 });
        const all = ring.lookupN(key, ids.length);
        expect(new Set(all).size).toBe(ids.length);
        expect(all[0]).toBe(ring.lookup(key));
        for (let n = 0; n <= ids.length; n++) expect(ring.lookupN(key, n)).toEqual(all.slice(0, n));
      }),
      { numRuns: 100 },
    );
  });

  it('adding a node moves keys only to it; removing one moves only its keys', () => {
    fc.assert(
      fc.property(nodeIds(8), fc.string({ minLength: 1, maxLength: 8 }), (ids, extra) => {
        fc.pre(!ids.includes(extra));
        const ring = new HashRing(ids, { vnodes: 32 });
        const grown = ring.withNode(extra);
        const keys = sampleKeys(300);
        for (const k of keys) {
          const a = ring.lookup(k), b = grown.lookup(k);
          if (a !== b) expect(b).toBe(extra);
        }
        const shrunk = grown.withoutNode(extra);
        for (const k of keys) expect(shrunk.lookup(k)).toBe(ring.lookup(k));
      }),
      { numRuns: 60 },
    );
  });

  it('does not depend on the order nodes are given in, and is immutable', () => {
    fc.assert(
      fc.property(nodeIds(8).chain((ids) => fc.tuple(fc.constant(ids), fc.shuffledSubarray(ids, { minLength: ids.length }))), ([ids, shuffled]) => {
        const a = new HashRing(ids, { vnodes: 20 });
        const b = new HashRing(shuffled, { vnodes: 20 });
        for (const k of sampleKeys(100)) expect(a.lookup(k)).toBe(b.lookup(k));
        const before = sampleKeys(50).map((k) => a.lookup(k));
        a.withNode('\u0000new');
        expect(sampleKeys(50).map((k) => a.lookup(k))).toEqual(before);
      }),
      { numRuns: 50 },
    );
  });

  it('shares keys in proportion to weight', () => {
    // Arrange: weights 1 : 2 : 3 with enough points that arc noise is a few percent.
    const ring = new HashRing([{ node: 'a', weight: 1 }, { node: 'b', weight: 2 }, { node: 'c', weight: 3 }], { vnodes: 2000 });
    const keys = sampleKeys(60_000);
    const l = loads((k) => ring.lookup(k), keys);
    expect(l.get('a')! / keys.length).toBeCloseTo(1 / 6, 1);
    expect(l.get('b')! / keys.length).toBeCloseTo(2 / 6, 1);
    expect(l.get('c')! / keys.length).toBeCloseTo(3 / 6, 1);
    expect(ring.pointCount).toBe(12_000);
  });

  it('treats node ids that are Object.prototype names as plain strings', () => {
    const ring = new HashRing(['__proto__', 'constructor', 'toString', 'hasOwnProperty']);
    const seen = new Set(sampleKeys(400).map((k) => ring.lookup(k)));
    expect(seen).toEqual(new Set(['__proto__', 'constructor', 'toString', 'hasOwnProperty']));
    expect(ring.weightOf('__proto__')).toBe(1);
    expect(ring.has('valueOf')).toBe(false);
  });
});

// One configuration: its nodes and options, keys, hashring's get() and range(key, 3) for each.
type VectorCase = { name: string; nodes: { node: string; weight: number }[]; vnodes: number; pointsPerHash: 1 | 2 | 3 | 4 } & Record<'keys' | 'owner', string[]> & { range3: string[][] };

describe("HashRing compat: 'hashring'", () => {
  // Computed by the npm package hashring 3.2.0 itself; see fixtures/SOURCE.md.
  const fixture = JSON.parse(readFileSync(new URL('./fixtures/hashring-vectors.json', import.meta.url), 'utf8')) as { cases: VectorCase[] };

  it.each(fixture.cases.map((c) => [c.name, c] as const))('reproduces hashring placements: %s', (_name, c) => {
    const ring = new HashRing(c.nodes, { compat: 'hashring', vnodes: c.vnodes, pointsPerHash: c.pointsPerHash });
    c.keys.forEach((k, i) => {
      expect(ring.lookup(k)).toBe(c.owner[i]);
      expect(ring.lookupN(k, 3)).toEqual(c.range3[i]);
    });
  });

  it('keeps the given node order and hashes integers as their decimal text', () => {
    const ring = new HashRing(['z', 'a', 'm'], { compat: 'hashring' });
    expect(ring.nodes).toEqual(['z', 'a', 'm']);
    for (const n of [0, 42, -7, 123456789]) expect(ring.lookup(n)).toBe(ring.lookup(String(n)));
  });

  it('rejects options hashring does not have', () => {
    expect(() => new HashRing(['a'], { compat: 'hashring', seed: 1 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => new HashRing(['a'], { pointsPerHash: 3 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => new HashRing(['a'], { compat: 'ketama' as 'hashring' })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});
