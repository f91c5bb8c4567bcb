import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The core must run in an AudioWorklet or a browser: no module of src/ may reach for Node.
describe('browser and AudioWorklet safety', () => {
  const dir = new URL('../src/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

  it.each(files)('%s imports no Node built-in and uses no Node global', (file) => {
    const code = readFileSync(new URL(file, dir), 'utf8');
    const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
    expect(imports.filter((m) => !m.startsWith('./') && m !== 'opus-decoder')).toEqual([]);
    expect(code).not.toMatch(/\b(process|Buffer|require|__dirname)\b[.(]/);
  });
});
