// Benchmark `cdc`: @chorus/cdc against rabin-wasm in the same run — chunking throughput at
// 8 KiB average on random bytes and on real text (Buffer copy as the ceiling), the chunk +
// digest pipeline against the digest alone, dedup on successive versions of real documents for
// FastCDC / Rabin / fixed-size chunks at equal real mean chunk size, and shift resilience.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { chunk, chunkStream, createDigest, loadRabin, type ChunkerOptions, type Digest } from '@chorus/cdc';
import { timeMs } from '../harness/measure.js';
import type { BenchContext, Contender, Measurement, Suite } from '../harness/suite.js';
import { dedup, savedAtMean, unchangedAfterInsert, type DedupFigure, type Splitter } from '../cdc/dedup.js';
import { fill, gunzipFolder, seededBytes, versionGroups } from '../cdc/data.js';
import { createRabin } from '../cdc/rabinPeer.js';

const MiB = 1024 * 1024;
const AT_8K: ChunkerOptions = { minSize: 2048, avgSize: 8192, maxSize: 32768 };

async function throughput(bytes: number, work: () => unknown): Promise<Measurement[]> {
  const ms = await timeMs(work);
  return [{ metric: 'throughput', unit: 'MB/s', value: bytes / 1e6 / (ms / 1000) }];
}

// On-CPU time of this process's main thread in ms (Linux: /proc/self/task/<pid>/schedstat, in
// ns), or undefined elsewhere.
function mainThreadCpuMs(): number | undefined {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

// Wall-clock throughput plus the CPU the process used meanwhile (all threads), as cores: on
// a shared machine this shows whether the worker-thread pipeline found a second core at all.
// Also a CPU-time model, "throughput if each thread had a core": bytes / max(main-thread CPU,
// CPU of the other threads), what the run would give on otherwise idle cores. It is a model
// from CPU accounting, not a wall-clock measurement, and is labelled so.
async function throughputAndCores(bytes: number, work: () => unknown): Promise<Measurement[]> {
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  const ms = await timeMs(work);
  const cpu = process.cpuUsage(cpu0);
  const main1 = mainThreadCpuMs();
  const processMs = (cpu.user + cpu.system) / 1000;
  const out: Measurement[] = [
    { metric: 'throughput', unit: 'MB/s', value: bytes / 1e6 / (ms / 1000) },
    { metric: 'cores used', unit: 'cores', value: processMs / ms },
  ];
  if (main0 !== undefined && main1 !== undefined) {
    const mainMs = main1 - main0;
    const critical = Math.max(mainMs, processMs - mainMs);
    out.push({ metric: 'throughput if each thread had a core (CPU-time model)', unit: 'MB/s', value: bytes / 1e6 / (critical / 1000) });
    // The split behind the model: how the work fell between the calling thread and the others.
    out.push({ metric: 'CPU time, calling thread', unit: 'ms', value: mainMs });
    out.push({ metric: 'CPU time, other threads', unit: 'ms', value: processMs - mainMs });
  }
  return out;
}

async function chunkingThroughput(ctx: BenchContext, label: string, data: Uint8Array): Promise<void> {
  const ceiling = Buffer.alloc(data.length);
  const source = Buffer.from(data.buffer, data.byteOffset, data.length);
  await ctx.compare({
    case: `chunk ${label}, ${data.length / MiB} MiB, 8 KiB avg`,
    contenders: [
      {
        impl: 'rabin-wasm',
        measure: async () => {
          const rabin = await createRabin(8192, 2048, 32768);
          return throughput(data.length, () => rabin.fingerprint(data));
        },
      },
      { impl: '@chorus/cdc fastcdc2020', measure: () => throughput(data.length, () => chunk(data, { ...AT_8K, algorithm: 'fastcdc2020' })) },
      { impl: '@chorus/cdc fastcdc2016', measure: () => throughput(data.length, () => chunk(data, { ...AT_8K, algorithm: 'fastcdc2016' })) },
      { impl: 'Buffer.copy (ceiling)', measure: () => throughput(data.length, () => source.copy(ceiling)) },
    ],
  });
}

// The goal compares chunk + digest with "the digest alone". The denominator here is the digest
// of every chunk's bytes, one call per chunk, on one thread: exactly the digests the pipeline
// must produce, over the same bytes and cut points, so the ratio is the price of chunking on
// top of digesting. One call over the whole buffer is shown as a reference only: it is not the
// same output (one digest, not one per chunk) and skips the per-call cost (~15% at 8 KiB).
async function pipeline(ctx: BenchContext, data: Uint8Array, digest: Digest): Promise<void> {
  const cuts = [...chunk(data, AT_8K)];
  // Sources hand over data in pieces; 1 MiB is what the CLI reads from files.
  const pieces: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += MiB) pieces.push(data.subarray(i, i + MiB));
  async function* streamed(): AsyncGenerator<Uint8Array> {
    yield* pieces;
  }
  const drain = async (source: Uint8Array[] | AsyncIterable<Uint8Array>, digestIn: 'auto' | 'main'): Promise<number> => {
    let n = 0;
    for await (const c of chunkStream(source, { ...AT_8K, digest, digestIn })) n += c.length;
    return n;
  };
  const load = loadavg()[0]!;
  const contenders: Contender[] = [
    {
      impl: `${digest.algorithm} of the same chunks alone`,
      measure: () =>
        throughputAndCores(data.length, () => {
          for (const c of cuts) digest.hash(data.subarray(c.offset, c.offset + c.length));
        }),
    },
    { impl: `${digest.algorithm} of the whole buffer in one call (reference)`, measure: () => throughputAndCores(data.length, () => digest.hash(data)) },
    {
      impl: '@chorus/cdc chunk() + digest loop',
      measure: () =>
        throughputAndCores(data.length, () => {
          for (const c of chunk(data, AT_8K)) digest.hash(data.subarray(c.offset, c.offset + c.length));
        }),
    },
    { impl: '@chorus/cdc chunkStream, one thread (digestIn main)', measure: () => throughputAndCores(data.length, () => drain(pieces, 'main')) },
    { impl: '@chorus/cdc chunkStream (default: auto)', measure: () => throughputAndCores(data.length, () => drain(pieces, 'auto')) },
  ];
  // Only SHA-256 has a worker path; an async stream (which may reuse its buffers) is digested
  // from copies, so it is measured apart.
  if (digest.implementation === 'node:crypto') {
    contenders.push({ impl: '@chorus/cdc chunkStream (default: auto), async iterable source', measure: () => throughputAndCores(data.length, () => drain(streamed(), 'auto')) });
  }
  await ctx.compare({ case: `chunk + ${digest.algorithm} (${digest.implementation}), ${data.length / MiB} MiB, 8 KiB avg`, contenders });
  // The pipeline's worker needs a second core: record how busy the machine was around the case
  // (with "cores used" per contender above).
  ctx.record({ case: `chunk + ${digest.algorithm} (${digest.implementation}), ${data.length / MiB} MiB, 8 KiB avg`, impl: 'machine load average (1 min) before / after', metric: 'load before', unit: 'runnable threads', median: load });
  ctx.record({ case: `chunk + ${digest.algorithm} (${digest.implementation}), ${data.length / MiB} MiB, 8 KiB avg`, impl: 'machine load average (1 min) before / after', metric: 'load after', unit: 'runnable threads', median: loadavg()[0]! });
}

const NOMINAL_KIB = [1, 2, 4, 8, 16, 32, 64];
const TARGET_KIB = [2, 4, 8, 16];

function splitterFor(algorithm: 'fastcdc2020' | 'rabin' | 'fixed', avg: number): Splitter {
  const options: ChunkerOptions = { algorithm, avgSize: avg, minSize: Math.max(64, avg / 4), maxSize: avg * 4 };
  return (data) => chunk(data, options);
}

function dedupComparison(ctx: BenchContext, groups: Map<string, Uint8Array[]>): void {
  const figures = new Map<string, DedupFigure[]>();
  for (const algorithm of ['fastcdc2020', 'rabin', 'fixed'] as const) {
    const points: DedupFigure[] = [];
    for (const kib of NOMINAL_KIB) {
      const f = dedup(groups, splitterFor(algorithm, kib * 1024));
      points.push(f);
      const impl = algorithm === 'rabin' ? 'rabin (rabin-wasm via @chorus/cdc)' : `@chorus/cdc ${algorithm}`;
      ctx.record({ case: `dedup versioned-docs, nominal avg ${kib} KiB`, impl, metric: 'saved vs whole versions', unit: '%', median: f.savedPct });
      ctx.record({ case: `dedup versioned-docs, nominal avg ${kib} KiB`, impl, metric: 'real mean chunk', unit: 'bytes', median: f.meanChunk });
    }
    figures.set(algorithm, points);
  }
  let gapSum = 0;
  let gaps = 0;
  for (const kib of TARGET_KIB) {
    const at = (a: string): number | undefined => savedAtMean(figures.get(a)!, kib * 1024);
    const rabin = at('rabin');
    for (const [algorithm, impl] of [
      ['rabin', 'rabin (rabin-wasm via @chorus/cdc)'],
      ['fastcdc2020', '@chorus/cdc fastcdc2020'],
      ['fixed', '@chorus/cdc fixed'],
    ] as const) {
      const v = at(algorithm);
      if (v !== undefined) ctx.record({ case: `dedup versioned-docs at equal real mean ${kib} KiB`, impl, metric: 'saved vs whole versions', unit: '%', median: v });
    }
    const fast = at('fastcdc2020');
    if (fast !== undefined && rabin !== undefined) {
      gapSum += fast - rabin;
      gaps++;
    }
  }
  if (gaps > 0) {
    ctx.record({ case: 'dedup versioned-docs, equal mean 2-16 KiB', impl: '@chorus/cdc fastcdc2020 minus rabin', metric: 'mean saving difference', unit: 'points', median: gapSum / gaps });
  }
}

function shiftResilience(ctx: BenchContext, data: Uint8Array): void {
  for (const algorithm of ['fixed', 'rabin', 'fastcdc2020'] as const) {
    const share = unchangedAfterInsert(data, 100, splitterFor(algorithm, 8192));
    const impl = algorithm === 'rabin' ? 'rabin (rabin-wasm via @chorus/cdc)' : `@chorus/cdc ${algorithm}`;
    ctx.record({ case: `shift resilience: 1 byte inserted at 100 of 10 MB, 8 KiB avg`, impl, metric: 'chunks unchanged', unit: '%', median: 100 * share });
  }
}

export const suite: Suite = {
  name: 'cdc',
  title: 'chunking throughput vs rabin-wasm, chunk+digest pipeline, dedup on versioned docs, shift resilience',
  async run(ctx: BenchContext): Promise<void> {
    await loadRabin();
    const size = (ctx.quick ? 16 : 64) * MiB;
    ctx.useGenerated(`${size / MiB} MiB of seeded xorshift32 random bytes for the random-data case (random by design), 10 MB for shift resilience`);
    const random = seededBytes(size, 0x9e3779b9);

    const chatDir = ctx.realData('chat-text');
    const docsDir = ctx.realData('versioned-docs');
    const textParts: Uint8Array[] = [];
    if (chatDir) textParts.push(...gunzipFolder(chatDir));
    if (docsDir) for (const folder of ['public-suffix-list', 'tzdata']) textParts.push(...gunzipFolder(join(docsDir, folder)));
    if (textParts.length === 0) ctx.useGenerated('no real text found: the text case is skipped');

    await chunkingThroughput(ctx, 'random bytes', random);
    if (textParts.length > 0) await chunkingThroughput(ctx, 'real text (IRC log + versioned docs)', fill(textParts, size));

    await pipeline(ctx, random, await createDigest('sha256'));
    await pipeline(ctx, random, await createDigest('blake3'));

    if (docsDir) dedupComparison(ctx, versionGroups(docsDir));
    else ctx.useGenerated('no versioned-docs: the dedup comparison is skipped');

    shiftResilience(ctx, random.subarray(0, 10_000_000));
  },
};
