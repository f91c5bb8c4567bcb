// Runs the README's example and checks each `// →` comment against what was printed, so the
// example a stranger copies stays true.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'friends-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('README example prints what its comments say', async () => {
  const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBeDefined();
  const expected = [...block!.matchAll(/\/\/ → (.*)$/gm)].map((m) => JSON.parse(m[1]!) as unknown);
  expect(expected.length).toBeGreaterThan(0);
  const src = fileURLToPath(new URL('../src/index.ts', import.meta.url));
  const file = join(dir, 'example.ts');
  writeFileSync(file, block!.replace("'@chorus/friends'", JSON.stringify(src)));
  const printed: unknown[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((v: unknown) => void printed.push(v));
  try {
    await import(pathToFileURL(file).href);
  } finally {
    spy.mockRestore();
  }
  expect(printed).toEqual(expected);
});
