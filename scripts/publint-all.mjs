// Runs publint --strict on every published package (packages/*), from its packed file list,
// and fails if any reports an error or, under --strict, a warning.
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { readFileSync } from 'node:fs';

const root = new URL('../packages/', import.meta.url).pathname;
let failed = 0;
for (const name of readdirSync(root).sort()) {
  const dir = join(root, name);
  if (!existsSync(join(dir, 'package.json'))) continue;
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const { messages } = await publint({ pkgDir: dir, strict: true, pack: 'npm' });
  const bad = messages.filter((m) => m.type === 'error' || m.type === 'warning');
  for (const m of messages) {
    console.log(`${pkg.name}: ${m.type}: ${formatMessage(m, pkg) ?? m.code}`);
  }
  if (bad.length > 0) failed++;
  else console.log(`${pkg.name}: publint --strict clean`);
}
if (failed > 0) {
  console.error(`publint: ${failed} package(s) with problems`);
  process.exit(1);
}
