// Benchmark `shard`: @chorus/shard's placements against hashring and consistent-hash, in the same
// run — lookups/s with string and integer keys at 10 / 100 / 1000 nodes, max/mean load over 2^20
// keys, keys moved when a node joins or leaves (against the ideal 1/n), the hottest node under
// Zipf(1.1) popularity and under a real chat trace (BoundedLoad vs unbounded rings), build time
// and retained memory, and an exact-placement check of the hashring-compatible mode.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { BoundedLoad, HashRing, JumpHash, Maglev, Rendezvous, rebalancePlan, type Placement } from '@chorus/shard';
import { performance } from 'node:perf_hooks';
import { retainedBytes, timeMs } from '../harness/measure.js';
import type { BenchContext, Measurement, Suite } from '../harness/suite.js';
import { CHORUS_BOUNDED, CHORUS_JUMP, CHORUS_MAGLEV, CHORUS_RENDEZVOUS, CHORUS_RING, CHORUS_RING_4K, IMPLS, PEER_CONSISTENT, PEER_HASHRING, type Built, type Impl } from '../shard/contenders.js';
import { hashringCases } from '../shard/hashringVectors.js';
import { replayBounded, replayPlain } from '../shard/skew.js';
import { xorshift32, zipfSampler } from '../shard/zipf.js';

const NODE_COUNTS = [10, 100, 1000];

// contenders.ts names the default ring "(1024 vnodes)"; the default is 2048 since the ring gives
// a key to its nearest point, so its rows are relabelled here, and the former default is kept
// as a row of its own to show the speed / balance trade-off. (Its wrapper is written out for the
// same reason contenders.ts writes one per class: monomorphic call sites.)
const RING_DEFAULT = '@chorus/shard HashRing (2048 vnodes, default)';
const RING_1K = '@chorus/shard HashRing (1024 vnodes)';
const ring1kOf = (p: HashRing): Built => ({ lookup: (k) => p.lookup(k), added: (n) => ring1kOf(p.withNode(n)), removed: (n) => ring1kOf(p.withoutNode(n)) });
const ALL: Impl[] = IMPLS.flatMap((i) =>
  i.name === CHORUS_RING ? [{ ...i, name: RING_DEFAULT }, { name: RING_1K, minimal: true, build: (n: string[]): Built => ring1kOf(new HashRing(n, { vnodes: 1024 })) }] : [i],
);

// JumpHash with integerKeys 'raw' (the integer itself is the jump key, as in go-jump and Guava):
// timed with integer keys only, since strings hash as in the default mode. Its wrapper is its
// own function literal, for the reason given in contenders.ts.
const JUMP_RAW = "@chorus/shard JumpHash (integerKeys 'raw')";
const jumpRawOf = (p: JumpHash): Built => ({ lookup: (k) => p.lookup(k), added: (n) => jumpRawOf(p.withNode(n)), removed: (n) => jumpRawOf(p.withoutNode(n)) });

const nodeList = (n: number): string[] => Array.from({ length: n }, (_, i) => `node-${i}`);

// --quick leaves out the 4096-vnode ring at 1000 nodes (4 M points, seconds to build each time).
const implsFor = (ctx: BenchContext, n: number): Impl[] => ALL.filter((i) => !(ctx.quick && n >= 1000 && i.name === CHORUS_RING_4K));

// Rendezvous scores every node per lookup; at 1000 nodes it gets a 2^17-key sample (named so).
// (--quick: 2^14, which keeps the quick run near a minute.)
function sampleFor(ctx: BenchContext, impl: Impl, n: number, keys: string[]): { label: string; keys: string[] } {
  const cap = ctx.quick ? 1 << 14 : 1 << 17;
  if (impl.name === CHORUS_RENDEZVOUS && n >= 1000 && keys.length > cap) {
    return { label: `${impl.name} (${cap} of the keys)`, keys: keys.slice(0, cap) };
  }
  return { label: impl.name, keys };
}

// Each contender, ours and the peers alike, is timed by a measuring loop of its own, compiled
// from source with `new Function` for that contender and key kind. V8 keeps type feedback per
// function: one shared loop would see every contender's `lookup` at a single call site, which goes
// megamorphic (no inlining, a generic dispatch per key), and both key arrays' element kinds, so it
// would time V8's dispatch rather than the lookups — and the figure would depend on which
// contenders ran before. A caller's code calls one placement class with one key type at a call
// site; so does each loop here. The source names the contender in a comment because V8 caches
// `new Function` by its source text, and loops with identical text would share feedback again.
type LookupLoop = (b: Built, keys: readonly (string | number)[], base: number, mask: number) => number;

function lookupLoop(label: string): LookupLoop {
  const body = `// lookups of ${JSON.stringify(label)}
let x = 0;
for (let j = 0; j < 256; j++) x += b.lookup(keys[(base + j) & mask]).length;
return x;`;
  return new Function('b', 'keys', 'base', 'mask', body) as LookupLoop;
}

// Where the measuring loops' results go, so that no JIT can drop the lookups as unused.
let lookupSink = 0;

// Lookups per second of wall time, as every suite measures, and per second of this process's CPU
// time over the same run. This machine is shared: wall time also counts the moments other
// processes hold the CPU, which swings the absolute figures 2-5x between runs, while CPU time
// leaves that out (it still includes V8's compiler and GC threads, so it errs low). Ratios
// between contenders are quoted from the wall-time figure.
function lookupRate(loop: LookupLoop, b: Built, keys: readonly (string | number)[], minMs: number): Measurement[] {
  const mask = keys.length - 1;
  let base = 0;
  let x = 0;
  let ops = 0;
  let wall = 0;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  do {
    for (let i = 0; i < 16; i++) {
      x += loop(b, keys, base, mask);
      base = (base + 256) & mask;
    }
    ops += 16 * 256;
    wall = performance.now() - t0;
  } while (wall < minMs);
  const cpu = process.cpuUsage(c0);
  lookupSink = x;
  return [
    { metric: 'lookups/s', unit: 'M/s', value: ops / (wall * 1000) },
    { metric: 'lookups/s of CPU time', unit: 'M/s', value: ops / (cpu.user + cpu.system) },
  ];
}

function maxOverMean(b: Built, keys: readonly string[], n: number): number {
  const counts = new Map<string, number>();
  for (const k of keys) {
    const o = b.lookup(k);
    counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  let max = 0;
  for (const c of counts.values()) max = Math.max(max, c);
  return max / (keys.length / n);
}

function movedFraction(before: Built, keys: readonly (string | number)[], change: (b: Built) => Built): number {
  const owners = keys.map((k) => before.lookup(k));
  const after = change(before);
  let moved = 0;
  for (let i = 0; i < keys.length; i++) if (after.lookup(keys[i]!) !== owners[i]) moved++;
  return moved / keys.length;
}

async function lookups(ctx: BenchContext, strKeys: string[], intKeys: number[]): Promise<void> {
  for (const n of NODE_COUNTS) {
    const nodes = nodeList(n);
    const built = implsFor(ctx, n).map((impl) => ({ impl, b: impl.build(nodes) }));
    const raw = { impl: { name: JUMP_RAW, minimal: true, build: (ns: string[]) => jumpRawOf(new JumpHash(ns, { integerKeys: 'raw' })) }, b: jumpRawOf(new JumpHash(nodes, { integerKeys: 'raw' })) };
    for (const [kind, keys] of [
      ['string', strKeys],
      ['integer', intKeys],
    ] as const) {
      const contenders = kind === 'integer' ? [...built.slice(0, built.findIndex((c) => c.impl.name === CHORUS_JUMP) + 1), raw, ...built.slice(built.findIndex((c) => c.impl.name === CHORUS_JUMP) + 1)] : built;
      await ctx.compare({
        case: `lookups, ${n} nodes, ${kind} keys`,
        runs: ctx.quick ? 2 : 5,
        warmup: 1,
        contenders: contenders.map(({ impl, b }) => {
          const loop = lookupLoop(`${impl.name}, ${n} nodes, ${kind} keys`);
          return { impl: impl.name, measure: () => lookupRate(loop, b, keys, ctx.minMs) };
        }),
      });
    }
  }
}

function balance(ctx: BenchContext, keys: string[]): void {
  for (const n of NODE_COUNTS) {
    const nodes = nodeList(n);
    for (const impl of implsFor(ctx, n)) {
      if (impl.name === CHORUS_BOUNDED) continue; // its lookup equals the default ring while nothing is held
      const sample = sampleFor(ctx, impl, n, keys);
      ctx.record({ case: `balance, ${n} nodes, ${keys.length} string keys`, impl: sample.label, metric: 'max/mean load', unit: 'ratio', median: maxOverMean(impl.build(nodes), sample.keys, n) });
    }
  }
}

const PLACEMENTS: [string, (nodes: string[]) => Placement][] = [
  [RING_DEFAULT, (n) => new HashRing(n)],
  [CHORUS_JUMP, (n) => new JumpHash(n)],
  ['@chorus/shard Rendezvous', (n) => new Rendezvous(n)],
  [CHORUS_MAGLEV, (n) => new Maglev(n)],
];

function moved(ctx: BenchContext, keys: string[]): void {
  for (const n of NODE_COUNTS) {
    const nodes = nodeList(n);
    const victim = nodes[n >> 1]!;
    const changes: [string, number, (b: Built) => Built][] = [
      ['add a node', 1 / (n + 1), (b) => b.added('node-new')],
      [`remove a middle node (${victim})`, 1 / n, (b) => b.removed(victim)],
    ];
    for (const [what, ideal, change] of changes) {
      const name = `keys moved, ${n} nodes, ${what}, ${keys.length} keys`;
      for (const impl of implsFor(ctx, n)) {
        if (impl.name === CHORUS_BOUNDED) continue; // same ring as RING_DEFAULT
        const sample = sampleFor(ctx, impl, n, keys);
        const f = movedFraction(impl.build(nodes), sample.keys, change);
        ctx.record({ case: name, impl: sample.label, metric: 'moved / ideal', unit: 'ratio', median: f / ideal });
      }
    }
    // Jump hash's cheap removal is the last bucket; the planned (exact or expected) fractions
    // of our placements come from rebalancePlan.
    ctx.record({
      case: `keys moved, ${n} nodes, remove the last node, ${keys.length} keys`,
      impl: CHORUS_JUMP,
      metric: 'moved / ideal',
      unit: 'ratio',
      median: movedFraction(IMPLS.find((i) => i.name === CHORUS_JUMP)!.build(nodes), keys, (b) => b.removed(nodes[n - 1]!)) / (1 / n),
    });
    for (const [name, make] of PLACEMENTS) {
      const p = make(nodes);
      const add = rebalancePlan(p, p.withNode('node-new'));
      const rem = rebalancePlan(p, p.withoutNode(victim));
      ctx.record({ case: `rebalancePlan, ${n} nodes, add a node`, impl: name, metric: 'planned moved / ideal', unit: 'ratio', median: add.movedFraction / add.idealFraction });
      ctx.record({ case: `rebalancePlan, ${n} nodes, remove a middle node`, impl: name, metric: 'planned moved / ideal', unit: 'ratio', median: rem.movedFraction / rem.idealFraction });
    }
  }
}

// JumpHash's two integer-key modes on integer keys: max/mean keys per bucket, and keys moved
// when a bucket is added or the last one removed (over the ideal 1/(n+1) and 1/n). 'raw' jumps
// on the integer itself, so sequential ids are its hard case: the spread comes from the jump's
// own generator alone.
function integerJump(ctx: BenchContext, keyCount: number): void {
  // Nothing here is timed, so one wrapper serves both modes.
  const untimedJumpOf = (p: JumpHash): Built => ({ lookup: (k) => p.lookup(k), added: (x) => untimedJumpOf(p.withNode(x)), removed: (x) => untimedJumpOf(p.withoutNode(x)) });
  const keySets: [string, number[]][] = [
    ['i * 7919 + 1', Array.from({ length: keyCount }, (_, i) => i * 7919 + 1)],
    ['sequential 0, 1, 2, ...', Array.from({ length: keyCount }, (_, i) => i)],
  ];
  const modes: [string, 'mix' | 'raw'][] = [
    [CHORUS_JUMP, 'mix'],
    [JUMP_RAW, 'raw'],
  ];
  for (const n of NODE_COUNTS) {
    const nodes = nodeList(n);
    for (const [label, keys] of keySets) {
      for (const [impl, integerKeys] of modes) {
        const p = new JumpHash(nodes, { integerKeys });
        const counts = new Int32Array(n);
        for (const k of keys) counts[p.bucketOf(k)]!++;
        let max = 0;
        for (const c of counts) max = Math.max(max, c);
        ctx.record({ case: `integer-key balance, ${n} nodes, ${keys.length} keys ${label}`, impl, metric: 'max/mean load', unit: 'ratio', median: max / (keys.length / n) });
        const sample = keys.slice(0, keyCount >> 2);
        const b = untimedJumpOf(p);
        const add = movedFraction(b, sample, (x) => x.added('node-new')) / (1 / (n + 1));
        const rem = movedFraction(b, sample, (x) => x.removed(nodes[n - 1]!)) / (1 / n);
        ctx.record({ case: `integer-key moves, ${n} nodes, add a node, ${sample.length} keys ${label}`, impl, metric: 'moved / ideal', unit: 'ratio', median: add });
        ctx.record({ case: `integer-key moves, ${n} nodes, remove the last node, ${sample.length} keys ${label}`, impl, metric: 'moved / ideal', unit: 'ratio', median: rem });
      }
    }
  }
}

function skew(ctx: BenchContext, name: string, nodes: string[], keys: string[], stream: Int32Array, window: number): void {
  const every = Math.max(1, Math.floor(stream.length / 200));
  for (const eps of [0.25, 0.1]) {
    const r = replayBounded(new BoundedLoad(nodes, { epsilon: eps }), keys, stream, window, every);
    ctx.record({ case: name, impl: `@chorus/shard BoundedLoad (epsilon ${eps})`, metric: 'hottest / mean, worst', unit: 'ratio', median: r.worst });
  }
  for (const impl of ALL.filter((i) => [RING_DEFAULT, PEER_HASHRING, PEER_CONSISTENT].includes(i.name))) {
    const r = replayPlain(impl.build(nodes), nodes, keys, stream, window, every);
    ctx.record({ case: name, impl: impl.name, metric: 'hottest / mean, worst', unit: 'ratio', median: r.worst });
  }
}

/** Real popularity: the ubuntu IRC log, one request per message, keyed by the sender's nick. */
function ircStream(dir: string): { keys: string[]; stream: Int32Array } {
  const text = gunzipSync(readFileSync(join(dir, 'ubuntu-irc-messages.tsv.gz'))).toString('utf8');
  const lines = text.split('\n');
  const header = lines[0]!.split('\t');
  const col = header.indexOf('nick');
  if (col < 0) throw new Error('ubuntu-irc-messages.tsv.gz has no nick column');
  const index = new Map<string, number>();
  const seq: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const nick = lines[i]!.split('\t')[col];
    if (!nick) continue;
    let k = index.get(nick);
    if (k === undefined) index.set(nick, (k = index.size));
    seq.push(k);
  }
  return { keys: [...index.keys()].map((n) => `user:${n}`), stream: Int32Array.from(seq) };
}

// Maglev's disruption falls as the table grows past 100 slots a node; the default is the
// smallest size here, the others show what a larger table buys (and costs to build).
async function maglevTables(ctx: BenchContext): Promise<void> {
  const sizes: [number, number[]][] = [
    [100, ctx.quick ? [65537] : [65537, 100003, 1000003]],
    [1000, ctx.quick ? [100003] : [100003, 1000003, 4000037]],
  ];
  for (const [n, tableSizes] of sizes) {
    const nodes = nodeList(n);
    const defaultSize = new Maglev(nodes).tableSize;
    for (const m of tableSizes) {
      let p: Maglev | undefined;
      const ms = await timeMs(() => (p = new Maglev(nodes, { tableSize: m })));
      const add = rebalancePlan(p!, p!.withNode('node-new'));
      const rem = rebalancePlan(p!, p!.withoutNode(nodes[n >> 1]!));
      const impl = `@chorus/shard Maglev (tableSize ${m}${m === defaultSize ? ', the default' : ''})`;
      ctx.record({ case: `Maglev table size, ${n} nodes, add a node`, impl, metric: 'planned moved / ideal', unit: 'ratio', median: add.movedFraction / add.idealFraction });
      ctx.record({ case: `Maglev table size, ${n} nodes, remove a middle node`, impl, metric: 'planned moved / ideal', unit: 'ratio', median: rem.movedFraction / rem.idealFraction });
      ctx.record({ case: `Maglev table size, ${n} nodes, build`, impl, metric: 'build time', unit: 'ms', median: ms });
    }
  }
}

async function buildCost(ctx: BenchContext): Promise<void> {
  for (const n of ctx.quick ? [100, 1000] : NODE_COUNTS) {
    const nodes = nodeList(n);
    await ctx.compare({
      case: `build, ${n} nodes`,
      runs: ctx.quick ? 2 : 5,
      warmup: ctx.quick ? 0 : 1,
      contenders: implsFor(ctx, n).filter((i) => i.name !== CHORUS_BOUNDED).map((impl: Impl) => ({
        impl: impl.name,
        measure: async (): Promise<Measurement[]> => {
          let b: Built | undefined;
          const ms = await timeMs(() => {
            b = impl.build(nodes);
            // consistent-hash sorts lazily on the first lookup; count that as building.
            return b.lookup('warm');
          });
          return [{ metric: 'build time', unit: 'ms', value: ms }];
        },
      })),
    });
    // Small structures are built several times over so that the heap difference is measurable.
    const reps = n <= 10 ? 50 : n <= 100 ? 10 : 1;
    for (const impl of implsFor(ctx, n).filter((i) => i.name !== CHORUS_BOUNDED)) {
      const bytes = retainedBytes(() =>
        Array.from({ length: reps }, () => {
          const b = impl.build(nodes);
          b.lookup('warm');
          return b;
        }),
      );
      ctx.record({ case: `memory, ${n} nodes`, impl: impl.name, metric: 'retained', unit: 'KB', median: bytes / reps / 1024 });
    }
  }
}

function compatCheck(ctx: BenchContext, keyCount: number): void {
  let mismatches = 0;
  let checked = 0;
  for (const c of hashringCases(keyCount)) {
    const ours = new HashRing(c.nodes, { compat: 'hashring', vnodes: c.vnodes, pointsPerHash: c.pointsPerHash });
    c.keys.forEach((k, i) => {
      checked++;
      if (ours.lookup(k) !== c.owner[i] || ours.lookupN(k, 3).join() !== c.range3[i]!.join()) mismatches++;
    });
  }
  // A silent divergence would make the migration story false: fail the run instead.
  if (mismatches > 0) throw new Error(`hashring-compatible mode disagrees with hashring on ${mismatches} of ${checked} keys`);
  ctx.record({ case: `hashring compat: placements that differ from hashring (${checked} keys, 4 configurations)`, impl: "@chorus/shard HashRing compat 'hashring'", metric: 'mismatches', unit: 'count', median: mismatches });
}

export const suite: Suite = {
  name: 'shard',
  title: 'consistent hashing: lookups/s, balance, keys moved, hottest node under skew, build cost — vs hashring and consistent-hash',
  async run(ctx) {
    const keyCount = ctx.quick ? 1 << 18 : 1 << 20;
    const strKeys = Array.from({ length: keyCount }, (_, i) => `user:${(i * 2654435761) >>> 0}`);
    const intKeys = Array.from({ length: keyCount }, (_, i) => i * 7919 + 1);
    ctx.useGenerated(`${keyCount} keys "user:<n>" and integers; Zipf(1.1) request stream, seed 42; node ids "node-<i>"`);
    const irc = ctx.realData('chat-text');

    compatCheck(ctx, ctx.quick ? 2000 : 25_000);
    await lookups(ctx, strKeys, intKeys);
    balance(ctx, ctx.quick ? strKeys.slice(0, 1 << 17) : strKeys);
    moved(ctx, strKeys.slice(0, ctx.quick ? 1 << 16 : 1 << 18));
    integerJump(ctx, keyCount);

    // Zipf(1.1) over 10^6 keys: the top key alone is ~12% of requests.
    const universe = Array.from({ length: 1_000_000 }, (_, i) => `session:${i}`);
    const requests = ctx.quick ? 200_000 : 1_000_000;
    const sample = zipfSampler(universe.length, 1.1, xorshift32(42));
    const zipf = Int32Array.from({ length: requests }, () => sample());
    const window = ctx.quick ? 20_000 : 100_000;
    skew(ctx, `hottest node, Zipf(1.1), 100 nodes, ${requests} requests, ${window} live`, nodeList(100), universe, zipf, window);
    if (irc !== undefined) {
      const { keys, stream } = ircStream(irc);
      skew(ctx, `hottest node, real trace (ubuntu IRC, ${stream.length} messages by ${keys.length} nicks), 20 nodes, 10000 live`, nodeList(20), keys, stream, 10_000);
    } else ctx.useGenerated('no chat-text data: the real-trace skew case was skipped');

    await buildCost(ctx);
    await maglevTables(ctx);
  },
};
