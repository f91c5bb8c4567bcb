import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

// Keeps the README honest: its first TypeScript example is run as written, against the sources.
describe('README', () => {
  it('the example runs and prints what it promises', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Example\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const src = fileURLToPath(new URL('../src/index.js', import.meta.url));
    const file = new URL(`./readme-example-${process.pid}.tmp.ts`, import.meta.url);
    writeFileSync(file, block!.replace("from '@chorus/shard'", `from ${JSON.stringify(src)}`));
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    try {
      await import(file.href);
    } finally {
      spy.mockRestore();
      rmSync(file, { force: true });
    }
    expect(lines[0]).toMatch(/^node-[abc] node-[abc],node-[abc]$/);
    expect(lines[1]).toMatch(/^0\.\d{3} of keys move; ideal 0\.200$/);
    expect(lines.some((l) => /^positions \d+\.\.\d+: node-[abc] -> node-d$/.test(l))).toBe(true);
    expect(lines).toContain(['s0', 's1', 's2', 's3'].find((s) => lines.includes(s)));
    expect(lines[lines.length - 1]).toMatch(/^node-[abc]$|^[abc]$/);
  });
});
