// Runs the README's example and checks each `// →` line against what it printed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as search from '../src/index.js';

describe('README example', () => {
  it('prints what the README says', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const code = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const expected = [...code.matchAll(/^\/\/ → (.*)$/gm)].map((m) => JSON.parse(m[1]!) as unknown);
    const printed: unknown[] = [];
    const body = code.replace(/^import .*$/gm, '');
    const run = new Function('SearchIndex', 'ShardedSearch', 'console', body) as (...a: unknown[]) => void;
    run(search.SearchIndex, search.ShardedSearch, { log: (...args: unknown[]) => printed.push(args.length === 1 ? args[0] : args) });
    expect(expected.length).toBeGreaterThan(5);
    expect(JSON.parse(JSON.stringify(printed))).toEqual(expected);
  });
});
