import { mkdirSync, writeFileSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { MachineInfo } from './machine.js';

/** One figure: a metric of one implementation on one case, summarised over `runs` runs. */
export interface BenchResult {
  case: string;
  impl: string;
  metric: string;
  unit: string;
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** The shape of `benchmarks/results/<name>.json`; outside tools read it, so it does not change. */
export interface ResultFile {
  bench: string;
  date: string;
  machine: MachineInfo;
  data: { source: string; synthetic: boolean };
  results: BenchResult[];
}

export const resultsDir: string = new URL('../../results/', import.meta.url).pathname;

/** Writes atomically (temp file + rename) so a reader never sees half a file. */
export function writeResultFile(file: ResultFile): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${file.bench}.json`);
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`);
  renameSync(tmp, path);
  return path;
}

export function readResultFiles(): ResultFile[] {
  let names: string[];
  try {
    names = readdirSync(resultsDir).filter((n) => n.endsWith('.json')).sort();
  } catch {
    return [];
  }
  return names.map((n) => JSON.parse(readFileSync(join(resultsDir, n), 'utf8')) as ResultFile);
}
