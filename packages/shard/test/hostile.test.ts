import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedLoad, HashRing, JumpHash, Maglev, Rendezvous, ShardError, type Key, type NodeSpec, type Placement } from '../src/index.js';

const makers: [string, (nodes: Iterable<NodeSpec>) => Placement][] = [
  ['HashRing', (n) => new HashRing(n, { vnodes: 8 })],
  ['hashring compat', (n) => new HashRing(n, { compat: 'hashring' })],
  ['JumpHash', (n) => new JumpHash(n)],
  ['Rendezvous', (n) => new Rendezvous(n)],
  ['Maglev', (n) => new Maglev(n, { tableSize: 101 })],
  ['BoundedLoad', (n) => new BoundedLoad(n, { vnodes: 8 })],
];

const code = (c: string): unknown => expect.objectContaining({ code: c });

describe.each(makers)('%s refuses bad input with ShardError', (_name, make) => {
  it('empty placement: lookup says EMPTY, lookupN(k, 0) is []', () => {
    const p = make([]);
    expect(p.size).toBe(0);
    expect(() => p.lookup('k')).toThrow(code('EMPTY'));
    // Integer keys take their own path in some lookups; it must say EMPTY too.
    expect(() => p.lookup(42)).toThrow(code('EMPTY'));
    expect(p.lookupN('k', 0)).toEqual([]);
    expect(() => p.lookupN('k', 1)).toThrow(code('BAD_COUNT'));
    expect(p.withNode('a').lookup('k')).toBe('a');
  });

  it('duplicate, unknown and malformed nodes', () => {
    expect(() => make(['a', 'a'])).toThrow(code('DUPLICATE_NODE'));
    expect(() => make(['a']).withNode('a')).toThrow(code('DUPLICATE_NODE'));
    expect(() => make(['a']).withoutNode('b')).toThrow(code('UNKNOWN_NODE'));
    expect(() => make(['a']).weightOf('b')).toThrow(code('UNKNOWN_NODE'));
    for (const bad of ['', 1, null, undefined, {}, { node: 5 }, ['a']]) {
      expect(() => make([bad as NodeSpec])).toThrow(code('BAD_NODE'));
    }
    expect(() => make('abc' as unknown as NodeSpec[])).toThrow(code('BAD_NODE'));
    expect(() => make(null as unknown as NodeSpec[])).toThrow(code('BAD_NODE'));
  });

  it('zero, negative, NaN, infinite and non-number weights', () => {
    for (const weight of [0, -1, Number.NaN, Infinity, -Infinity, '2', null]) {
      expect(() => make([{ node: 'a', weight: weight as number }])).toThrow(code('BAD_WEIGHT'));
      expect(() => make(['b']).withNode('a', weight as number)).toThrow(code('BAD_WEIGHT'));
    }
  });

  it('keys that are not strings, bytes or safe integers', () => {
    const p = make(['a', 'b']);
    for (const key of [Number.NaN, Infinity, -Infinity, 1.5, 2 ** 53, -(2 ** 53), null, undefined, {}, [], true, 10n, new Uint16Array(2)]) {
      expect(() => p.lookup(key as Key)).toThrow(code('BAD_KEY'));
      expect(() => p.lookupN(key as Key, 1)).toThrow(code('BAD_KEY'));
    }
  });

  it('replica counts out of range', () => {
    const p = make(['a', 'b', 'c']);
    for (const n of [-1, 4, 1.5, Number.NaN, Infinity]) expect(() => p.lookupN('k', n)).toThrow(code('BAD_COUNT'));
    expect(p.lookupN('k', 3)).toHaveLength(3);
  });

  it('prototype-pollution names are ordinary node ids and keys', () => {
    const specs = JSON.parse('[{"node":"__proto__","weight":1},{"node":"constructor"},{"node":"prototype","__proto__":{"weight":-5}}]') as NodeSpec[];
    const p = make(specs);
    expect(p.weightOf('__proto__')).toBe(1);
    expect(p.weightOf('prototype')).toBe(1);
    expect(['__proto__', 'constructor', 'prototype']).toContain(p.lookup('__proto__'));
    expect(({} as Record<string, unknown>)['weight']).toBeUndefined();
  });

  it('oversize keys hash without trouble', () => {
    const p = make(['a', 'b', 'c']);
    const big = 'x'.repeat(1 << 20);
    expect(p.lookup(big)).toBe(p.lookup(new TextEncoder().encode(big)));
    expect(['a', 'b', 'c']).toContain(p.lookup(new Uint8Array(1 << 20)));
  });

  it('fuzz: arbitrary inputs either work or throw ShardError, nothing else', () => {
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 5 }), fc.anything(), fc.anything(), (nodes, key, n) => {
        try {
          const p = make(nodes as NodeSpec[]);
          try {
            p.lookup(key as Key);
          } catch (e) {
            expect(e).toBeInstanceOf(ShardError);
          }
          try {
            p.lookupN(key as Key, n as number);
          } catch (e) {
            expect(e).toBeInstanceOf(ShardError);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(ShardError);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('options are validated', () => {
  it('vnodes, seeds', () => {
    for (const vnodes of [0, -1, 1.5, Number.NaN, 70000]) expect(() => new HashRing(['a'], { vnodes })).toThrow(code('BAD_OPTION'));
    for (const seed of [-1, 0.5, Number.NaN, 2n ** 64n]) {
      expect(() => new HashRing(['a'], { seed })).toThrow(code('BAD_OPTION'));
      expect(() => new JumpHash(['a'], { seed })).toThrow(code('BAD_OPTION'));
      expect(() => new Rendezvous(['a'], { seed })).toThrow(code('BAD_OPTION'));
    }
    expect(() => new HashRing([{ node: 'a', weight: 0.001 }], { vnodes: 10 })).toThrow(code('BAD_WEIGHT'));
    expect(() => new HashRing([], { vnodes: 65536 }).withNode('a', 300)).toThrow(code('BAD_OPTION'));
  });

  it('options that are not objects', () => {
    for (const bad of [null, 5, 'x']) {
      const o = bad as unknown as object;
      expect(() => new HashRing(['a'], o)).toThrow(code('BAD_OPTION'));
      expect(() => new JumpHash(['a'], o)).toThrow(code('BAD_OPTION'));
      expect(() => new Rendezvous(['a'], o)).toThrow(code('BAD_OPTION'));
      expect(() => new Maglev(['a'], o)).toThrow(code('BAD_OPTION'));
      expect(() => new BoundedLoad(['a'], o)).toThrow(code('BAD_OPTION'));
    }
  });

  it('errors carry a message that says what to change', () => {
    try {
      new JumpHash(['a', 'b']).lookupN('k', 5);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ShardError);
      expect((e as ShardError).message).toMatch(/at most 2/);
      expect((e as ShardError).name).toBe('ShardError');
    }
  });
});
