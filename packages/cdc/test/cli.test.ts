import { spawnSync } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { random } from './bytes.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
let dir = '';

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cdc-cli-'));
  const a = random(300_000, 1);
  await mkdir(join(dir, 'sub'));
  await writeFile(join(dir, 'a.bin'), a);
  await writeFile(join(dir, 'sub', 'copy.bin'), a); // an exact duplicate: half of all bytes dedup
  await writeFile(join(dir, 'empty.bin'), new Uint8Array(0));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('chorus-cdc', () => {
  it('reports chunks, sizes, dedup and throughput as JSON for a directory', () => {
    const r = run('--json', '--avg', '4k', dir);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as Record<string, unknown> & { sizes: { min: number; p10: number; p50: number; p90: number; max: number }; options: Record<string, unknown> };
    expect(report.files).toBe(3);
    expect(report.bytes).toBe(600_000);
    expect(report.storedBytes).toBe(300_000);
    expect(report.savedFraction).toBeCloseTo(0.5, 10);
    expect(report.chunks).toBe(2 * (report.uniqueChunks as number));
    expect(report.sizes.min).toBeGreaterThanOrEqual(1024);
    expect(report.sizes.max).toBeLessThanOrEqual(16384);
    expect(report.sizes.p10).toBeLessThanOrEqual(report.sizes.p50);
    expect(report.sizes.p50).toBeLessThanOrEqual(report.sizes.p90);
    expect(report.throughputMBps).toBeGreaterThan(0);
    expect(report.options).toMatchObject({ algorithm: 'fastcdc2020', avgSize: 4096, digest: 'sha256' });
  });

  it('prints a readable report, with a progress bar when asked', () => {
    const r = run('--algorithm', 'rabin', '--avg', '8k', '--min', '2k', '--max', '32k', '--digest', 'blake3', '--progress', join(dir, 'a.bin'));
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/chunks: +\d+ \(\d+ distinct\)/);
    expect(r.stdout).toMatch(/rabin min 2048 \/ avg 8192 \/ max 32768/);
    expect(r.stdout).toMatch(/throughput: +\d+ MB\/s/);
    expect(r.stderr).toMatch(/\[#*\.*\] +\d+% [\d.]+ MiB \/ 0\.3 MiB/);
  });

  it('exits 2 with a message for bad options, 1 for a missing file', () => {
    const bad = run('--avg', '100', dir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/avgSize must be between 256/);
    expect(run('--algorithm', 'buzhash', dir).stderr).toMatch(/unknown algorithm "buzhash"/);
    expect(run('--frobnicate', dir).status).toBe(2);
    expect(run().status).toBe(2);
    const missing = run(join(dir, 'nope'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/no such file/);
  });
});
