// Runs the pinned pnpm without a global install or corepack: `npx` fetches the
// exact release named in package.json's packageManager field and caches it.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const spec = pkg.packageManager; // e.g. "pnpm@10.34.9"
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const result = spawnSync(npx, ['--yes', spec, ...process.argv.slice(2)], { stdio: 'inherit' });
if (result.error) {
  console.error(`could not run ${spec} through npx: ${result.error.message}`);
  process.exit(1);
}
process.exit(result.status ?? 1);
