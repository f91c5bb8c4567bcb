import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// The README's features example runs as written (its import and data folder pointed at this
// checkout and a temporary folder); what it prints must match the comments in it.
describe('README features example', () => {
  it('runs and prints what its comments say', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /<!-- readme-features-example[^>]*-->\s*```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'server-readme-features-'));
    const file = join(dir, 'example.ts');
    const nodeEntry = fileURLToPath(new URL('../src/node.ts', import.meta.url));
    writeFileSync(
      file,
      block!
        .replace("'@chorus/example-server/node'", JSON.stringify(nodeEntry))
        // Minimum Argon2 cost: the example's point is the features, not password hashing.
        .replace("{ port: 0, dataDir: '.data/features' }", `{ port: 0, dataDir: ${JSON.stringify(join(dir, 'data'))}, argon2MemoryKiB: 8, argon2Iterations: 1 }`),
    );
    const printed: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')));
    try {
      await import(file);
    } finally {
      spy.mockRestore();
      rmSync(dir, { recursive: true, force: true });
    }
    const expected = [...block!.matchAll(/console\.log\(.*\); \/\/ (.*)$/gm)].map((m) => m[1]!.replace(/\[ (.*) \]/, '[$1]').replace(/'/g, '"'));
    expect(expected.length).toBe(5);
    expect(printed).toEqual(expected);
  });
});
