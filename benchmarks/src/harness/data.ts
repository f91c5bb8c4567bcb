import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/** Repository root (the folder holding benchmarks/). */
export const repoRoot: string = resolve(new URL('../../..', import.meta.url).pathname);

/** `../shared/data` beside the repository, where real benchmark data lives when present. */
export const sharedDataRoot: string = resolve(repoRoot, '..', 'shared', 'data');

/**
 * The folder of real data for `topic`: the `--data` override when given, else
 * `../shared/data/<topic>`; undefined when neither exists (the suite then generates data).
 */
export function locateData(topic: string, override: string | undefined): string | undefined {
  if (override !== undefined) {
    const dir = resolve(override);
    if (!existsSync(dir)) throw new Error(`--data ${override}: no such folder`);
    return dir;
  }
  const dir = resolve(sharedDataRoot, topic);
  return existsSync(dir) ? dir : undefined;
}
