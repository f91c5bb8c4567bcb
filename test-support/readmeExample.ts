// Shared by the packages' README tests (msgpack-javascript's readme.test idea): the README's
// example runs as written, with only its imports (and any data folder) pointed at this checkout,
// and what it prints must equal the `// ...` comments after its console.log calls.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';

/** What the example printed, and what its comments say it prints. */
export interface ReadmeRun {
  printed: string[];
  expected: string[];
}

/**
 * Runs the ```ts block after `<!-- readme-example -->` in the README at `readme`.
 * @param rewrite - turns the block into runnable code (imports to sources, a temp `dir` for data)
 */
export async function runReadmeExample(readme: URL, rewrite: (code: string, dir: string) => string): Promise<ReadmeRun> {
  const text = readFileSync(readme, 'utf8');
  const block = /<!-- readme-example[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(text)?.[1];
  if (block === undefined) throw new Error(`${readme.pathname} has no <!-- readme-example --> ts block`);
  const dir = mkdtempSync(join(tmpdir(), 'chorus-readme-'));
  const file = join(dir, 'example.ts');
  writeFileSync(file, rewrite(block, dir));
  const printed: string[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
  try {
    await import(file);
  } finally {
    spy.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  }
  const expected = [...block.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!);
  return { printed, expected };
}
