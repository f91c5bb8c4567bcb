// Runs the README's example, so that it stays true: the first ```ts block after "## Example".
import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { expect, it, vi } from 'vitest';
import * as core from '../src/index.js';
import * as sim from '../src/sim.js';

it('the README example runs and prints what the README says', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('## Example'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const modules: Record<string, unknown> = { '@chorus/simulcast': core, '@chorus/simulcast/sim': sim };
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  try {
    new Function('require', 'exports', js)((id: string) => modules[id], {});
  } finally {
    log.mockRestore();
  }
  // The README shows the printed lines as `// ->` comments, in order.
  const shown = [...code.matchAll(/\/\/ -> (.*)/g)].map((m) => m[1]!.trim());
  expect(lines).toEqual(shown);
});
