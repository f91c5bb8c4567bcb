import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The README's example is test/readme-example.ts, word for word but for the import path; this
// test keeps the two equal and runs the example.
describe('README example', () => {
  afterEach(() => vi.restoreAllMocks());

  it('is the file this test runs', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const example = readFileSync(new URL('./readme-example.ts', import.meta.url), 'utf8').replace("'../src/index.js'", "'@chorus/breaker'");
    expect(block).toBe(example);
  });

  it('runs and prints what its comments say', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await import('./readme-example.js');
    expect(log.mock.calls).toEqual([[{ id: 42 }], [{ status: 200 }]]);
  });
});
