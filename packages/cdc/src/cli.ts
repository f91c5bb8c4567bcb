#!/usr/bin/env node
// chorus-cdc: chunk files or directories and report chunk count, size distribution, dedup
// saving across the inputs and throughput. Node only.
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { chunkStream } from './chunkStream.js';
import { createDigest, type DigestAlgorithm } from './digest.js';
import { CdcError } from './errors.js';
import { resolveChunkerOptions, type ChunkAlgorithm, type ResolvedChunkerOptions } from './options.js';
import { loadRabin } from './rabin.js';

const USAGE = `usage: chorus-cdc [options] <file|directory>...

Chunks every file (directories recursively) and reports chunk count, size distribution,
the dedup saving across all inputs, and throughput.

options:
  --algorithm <a>      fastcdc2020 (default), fastcdc2016, rabin, fixed
  --avg <size>         average chunk size, e.g. 8k, 64KiB, 1m (default 64k)
  --min <size>         minimum chunk size (default avg / 4)
  --max <size>         maximum chunk size (default avg * 4)
  --normalization <n>  FastCDC normalization level 0-3 (default 1)
  --digest <d>         sha256 (default) or blake3
  --json               print the report as JSON
  --progress           always show the progress bar (default: only on a terminal)
  --no-progress        never show it
  -h, --help           this text`;

class UsageError extends Error {}

interface CliArgs {
  paths: string[];
  options: ResolvedChunkerOptions;
  digest: DigestAlgorithm;
  json: boolean;
  progress: boolean | undefined;
}

function parseSize(flag: string, text: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)\s*(|b|k|kb|kib|m|mb|mib)$/i.exec(text ?? '');
  if (!m) throw new UsageError(`${flag} needs a size such as 8192, 8k or 1m, got ${JSON.stringify(text ?? '')}`);
  const unit = m[2]!.toLowerCase();
  const scale = unit.startsWith('k') ? 1024 : unit.startsWith('m') ? 1024 * 1024 : 1;
  return Math.round(Number(m[1]) * scale);
}

function parseArgs(argv: string[]): CliArgs | 'help' {
  const paths: string[] = [];
  const sizes: { algorithm?: ChunkAlgorithm; minSize?: number; avgSize?: number; maxSize?: number; normalization?: number } = {};
  let digest: DigestAlgorithm = 'sha256';
  let json = false;
  let progress: boolean | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '-h' || a === '--help') return 'help';
    else if (a === '--json') json = true;
    else if (a === '--progress') progress = true;
    else if (a === '--no-progress') progress = false;
    else if (a === '--algorithm') sizes.algorithm = value() as ChunkAlgorithm;
    else if (a === '--avg') sizes.avgSize = parseSize(a, value());
    else if (a === '--min') sizes.minSize = parseSize(a, value());
    else if (a === '--max') sizes.maxSize = parseSize(a, value());
    else if (a === '--normalization') sizes.normalization = Number(value());
    else if (a === '--digest') {
      const d = value();
      if (d !== 'sha256' && d !== 'blake3') throw new UsageError(`--digest must be sha256 or blake3, got ${d}`);
      digest = d;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option ${a}`);
    else paths.push(a);
  }
  if (paths.length === 0) throw new UsageError('give at least one file or directory');
  return { paths, options: resolveChunkerOptions(sizes), digest, json, progress };
}

async function listFiles(path: string, out: { path: string; size: number }[]): Promise<void> {
  const s = await stat(path);
  if (s.isFile()) out.push({ path, size: s.size });
  else if (s.isDirectory()) {
    const entries = (await readdir(path)).sort();
    for (const e of entries) await listFiles(join(path, e), out);
  }
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

class ProgressBar {
  private lastDraw = 0;
  private drawn = false;
  constructor(
    private readonly total: number,
    private readonly enabled: boolean,
    private readonly start: number,
    // Forced bars (--progress) draw from the first chunk; automatic ones wait for a long run.
    private readonly delayMs: number,
  ) {}

  update(done: number): void {
    const now = performance.now();
    // Only long runs get a bar, redrawn at most 10 times a second.
    if (!this.enabled || now - this.start < this.delayMs || (this.drawn && now - this.lastDraw < 100)) return;
    this.lastDraw = now;
    const frac = this.total === 0 ? 1 : done / this.total;
    const width = 30;
    const filled = Math.round(frac * width);
    const rate = done / 1e6 / ((now - this.start) / 1000);
    process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(0).padStart(3)}% ${mib(done)} / ${mib(this.total)} ${rate.toFixed(0)} MB/s`);
    this.drawn = true;
  }

  end(): void {
    if (this.drawn) process.stderr.write('\n');
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function run(args: CliArgs): Promise<void> {
  const files: { path: string; size: number }[] = [];
  for (const p of args.paths) await listFiles(p, files);
  const totalBytes = files.reduce((n, f) => n + f.size, 0);
  if (args.options.algorithm === 'rabin') await loadRabin();
  const digest = await createDigest(args.digest);
  const start = performance.now();
  const bar = new ProgressBar(totalBytes, args.progress ?? process.stderr.isTTY === true, start, args.progress === true ? 0 : 300);
  const lengths: number[] = [];
  const unique = new Map<string, number>();
  let done = 0;
  for (const f of files) {
    const source = createReadStream(f.path, { highWaterMark: 1 << 20 });
    for await (const c of chunkStream(source, { ...args.options, digest })) {
      lengths.push(c.length);
      unique.set(c.digest, c.length);
      done += c.length;
      bar.update(done);
    }
  }
  bar.end();
  const seconds = (performance.now() - start) / 1000;
  let storedBytes = 0;
  for (const n of unique.values()) storedBytes += n;
  const sorted = lengths.slice().sort((a, b) => a - b);
  const report = {
    files: files.length,
    bytes: done,
    chunks: lengths.length,
    uniqueChunks: unique.size,
    storedBytes,
    savedBytes: done - storedBytes,
    savedFraction: done === 0 ? 0 : (done - storedBytes) / done,
    sizes: {
      min: sorted[0] ?? 0,
      p10: percentile(sorted, 0.1),
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      max: sorted.at(-1) ?? 0,
      mean: lengths.length === 0 ? 0 : done / lengths.length,
    },
    seconds,
    throughputMBps: seconds === 0 ? 0 : done / 1e6 / seconds,
    options: { ...args.options, digest: args.digest },
  };
  if (args.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const o = args.options;
  const s = report.sizes;
  process.stdout.write(
    [
      `inputs:      ${report.files} file(s), ${mib(report.bytes)} (${report.bytes} bytes)`,
      `chunking:    ${o.algorithm} min ${o.minSize} / avg ${o.avgSize} / max ${o.maxSize}, normalization ${o.normalization}, digest ${args.digest}`,
      `chunks:      ${report.chunks} (${report.uniqueChunks} distinct)`,
      `chunk size:  min ${s.min}  p10 ${s.p10}  median ${s.p50}  p90 ${s.p90}  max ${s.max}  mean ${s.mean.toFixed(0)}`,
      `dedup:       stored ${mib(storedBytes)} of ${mib(report.bytes)}, saved ${mib(report.savedBytes)} (${(report.savedFraction * 100).toFixed(1)}%)`,
      `throughput:  ${report.throughputMBps.toFixed(0)} MB/s (read + chunk + digest, ${seconds.toFixed(2)} s)`,
    ].join('\n') + '\n',
  );
}

async function main(): Promise<void> {
  let args: CliArgs | 'help';
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError || e instanceof CdcError) {
      process.stderr.write(`chorus-cdc: ${e.message}\n\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  if (args === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    await run(args);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`chorus-cdc: ${err.code === 'ENOENT' ? `no such file or directory: ${err.path ?? ''}` : err.message}\n`);
    process.exitCode = 1;
  }
}

void main();
