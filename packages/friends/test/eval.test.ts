import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCode } from './errorCode.js';
import { FriendsError, SIMILARITY_METHODS } from '../src/index.js';
import { evaluateLinkPrediction, parseEdgeList, parseLabels, seededRandom } from '../src/eval.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

const code = errorCode;

describe('parseEdgeList', () => {
  it('reads the karate club: 78 edges over 34 nodes', () => {
    const list = parseEdgeList(fixture('karate.txt'));
    expect(list.edges).toHaveLength(78);
    expect(list.nodes).toBe(34);
    expect(list.selfLoops).toBe(0);
    expect(list.merged).toBe(0);
  });

  it('folds a directed list with self-loops, counting what it drops and merges', () => {
    const bytes = fixture('email-Eu-core-head.txt');
    expect(code(() => parseEdgeList(bytes))).toBe('self-loop');
    const list = parseEdgeList(bytes, { directed: true, selfLoops: 'drop' });
    // Every line is accounted for: kept, dropped as a self-loop, or merged into a pair.
    expect(list.edges.length + list.selfLoops + list.merged).toBe(300);
    expect(list.selfLoops).toBe(15);
    const keys = new Set(list.edges.map(([a, b]) => `${Math.min(a, b)} ${Math.max(a, b)}`));
    expect(keys.size).toBe(list.edges.length);
  });

  it('round-trips: printing edges and parsing them back gives the same list', () => {
    const edges = fc.uniqueArray(fc.tuple(fc.nat(1000), fc.nat(1000)), {
      selector: ([a, b]) => `${Math.min(a, b)} ${Math.max(a, b)}`,
      maxLength: 200,
    });
    fc.assert(
      fc.property(edges, fc.constantFrom('\n', '\r\n'), fc.constantFrom(' ', '\t', '  '), (list, eol, sep) => {
        const clean = list.filter(([a, b]) => a !== b);
        const text = `# comment\n${clean.map(([a, b]) => `${a}${sep}${b}`).join(eol)}${eol}`;
        expect(parseEdgeList(text).edges).toEqual(clean);
      }),
      { numRuns: 200 },
    );
  });

  it('names the line of a malformed entry', () => {
    expect(() => parseEdgeList('0 1\n1 x\n')).toThrow(/line 2/);
    expect(code(() => parseEdgeList('0 1 2\n'))).toBe('parse-error');
    expect(code(() => parseEdgeList('-1 2\n'))).toBe('parse-error');
    expect(code(() => parseEdgeList('1e3 2\n'))).toBe('parse-error');
    expect(code(() => parseEdgeList('99999999999999999999 2\n'))).toBe('parse-error');
    expect(code(() => parseEdgeList('0 1\n1 0\n'))).toBe('duplicate-edge');
    expect(parseEdgeList('0 1\n1 0\n0 1\n', { directed: true }).merged).toBe(2);
  });

  it('rejects a truncated last line instead of dropping it', () => {
    expect(() => parseEdgeList('0 1\n1 2\n3')).toThrow(/line 3/);
    expect(code(() => parseEdgeList(new TextEncoder().encode('0 1\n2 ')))).toBe('parse-error');
    // A final line without a newline is still read.
    expect(parseEdgeList('0 1\n1 2').edges).toEqual([[0, 1], [1, 2]]);
  });

  it('rejects oversize input, invalid UTF-8 and bad options', () => {
    expect(code(() => parseEdgeList('0 1\n', { maxBytes: 3 }))).toBe('too-large');
    expect(code(() => parseEdgeList(new Uint8Array([0x30, 0x20, 0xff, 0x0a])))).toBe('parse-error');
    expect(code(() => parseEdgeList('0 1', { selfLoops: 'keep' as 'drop' }))).toBe('invalid-option');
    expect(code(() => parseEdgeList(42 as unknown as string))).toBe('invalid-option');
  });

  it('never crashes on arbitrary bytes: it parses or throws FriendsError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, directed) => {
        for (const parse of [() => parseEdgeList(bytes, { directed, selfLoops: 'drop' }), () => parseLabels(bytes)]) {
          try {
            parse();
          } catch (e) {
            expect(e).toBeInstanceOf(FriendsError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never crashes on arbitrary text built from the format alphabet', () => {
    const alphabet = fc.constantFrom('0', '1', '7', ' ', '\t', '\n', '\r', '#', '-', 'x', '9');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (chars) => {
        try {
          const list = parseEdgeList(chars.join(''), { directed: true, selfLoops: 'drop' });
          for (const [a, b] of list.edges) expect(a).not.toBe(b);
        } catch (e) {
          expect(e).toBeInstanceOf(FriendsError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('parseLabels', () => {
  it('reads node-label pairs and rejects repeats', () => {
    expect(parseLabels('0 1\n1 1\n2 21\n')).toEqual({ pairs: [[0, 1], [1, 1], [2, 21]], labels: 2 });
    expect(code(() => parseLabels('0 1\n0 1\n'))).toBe('duplicate-edge');
  });
});

describe('evaluateLinkPrediction', () => {
  const karate = parseEdgeList(fixture('karate.txt')).edges;

  it('is deterministic for a seed and scores every method plus a random baseline', () => {
    const a = evaluateLinkPrediction(karate, { seed: 3, holdout: 0.2, k: 5 });
    const b = evaluateLinkPrediction(karate, { seed: 3, holdout: 0.2, k: 5 });
    expect(a).toEqual(b);
    expect(a.methods.map((m) => m.method)).toEqual([...SIMILARITY_METHODS, 'random']);
    expect(a.testEdges).toBe(16);
    expect(a.trainEdges).toBe(62);
    for (const m of a.methods) {
      for (const v of [m.precisionAtK, m.recallAtK, m.map, m.auc]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
  });

  it('beats the random baseline on a real network (karate, averaged over seeds)', () => {
    let ra = 0;
    let rnd = 0;
    let auc = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const r = evaluateLinkPrediction(karate, { seed, holdout: 0.1, k: 5, methods: ['resource-allocation'] });
      ra += r.methods[0]!.precisionAtK;
      rnd += r.methods[1]!.precisionAtK;
      auc += r.methods[0]!.auc;
    }
    expect(ra).toBeGreaterThan(rnd);
    expect(auc / 5).toBeGreaterThan(0.6);
  });

  it('scores a perfect predictor perfectly: hiding one edge of a triangle-rich clique', () => {
    // In K5 minus one edge, the only non-friend pair is the hidden one.
    const k5: Array<[number, number]> = [];
    for (let a = 0; a < 5; a++) for (let b = a + 1; b < 5; b++) k5.push([a, b]);
    const r = evaluateLinkPrediction(k5, { holdout: 0.1, k: 1, methods: ['common-neighbors'], aucSamples: 0 });
    expect(r.testEdges).toBe(1);
    expect(r.methods[0]!.precisionAtK).toBe(1);
    expect(r.methods[0]!.recallAtK).toBe(1);
    expect(r.methods[0]!.map).toBe(1);
    expect(Number.isNaN(r.methods[0]!.auc)).toBe(true);
  });

  it('uses memberships and limits the evaluated users', () => {
    const r = evaluateLinkPrediction(karate, { memberships: [[1, 'g'], [2, 'g']], maxUsers: 3, methods: ['hybrid'] });
    expect(r.users).toBe(3);
  });

  it('rejects bad options and bad edges with typed errors', () => {
    expect(code(() => evaluateLinkPrediction(karate, { holdout: 0 }))).toBe('invalid-option');
    expect(code(() => evaluateLinkPrediction(karate, { holdout: 1 }))).toBe('invalid-option');
    expect(code(() => evaluateLinkPrediction(karate, { holdout: Number.NaN }))).toBe('invalid-option');
    expect(code(() => evaluateLinkPrediction(karate, { k: 0 }))).toBe('invalid-option');
    expect(code(() => evaluateLinkPrediction(karate, { methods: [] }))).toBe('invalid-option');
    expect(code(() => evaluateLinkPrediction(karate, { methods: ['pagerank' as 'hybrid'] }))).toBe('invalid-option');
    expect(code(() => evaluateLinkPrediction([[1, 2]]))).toBe('invalid-option');
    expect(code(() => evaluateLinkPrediction([[1, 1], [1, 2]]))).toBe('self-loop');
    expect(code(() => evaluateLinkPrediction([[1, 2], [2, 1]]))).toBe('duplicate-edge');
    expect(code(() => evaluateLinkPrediction('0 1' as unknown as Array<[number, number]>))).toBe('invalid-option');
  });
});

describe('seededRandom', () => {
  it('is reproducible and uniform-ish in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const a = seededRandom(seed);
        const b = seededRandom(seed);
        for (let i = 0; i < 20; i++) {
          const x = a();
          expect(x).toBe(b());
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
      { numRuns: 100 },
    );
    const r = seededRandom(9);
    let sum = 0;
    for (let i = 0; i < 10_000; i++) sum += r();
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.02);
  });
});
