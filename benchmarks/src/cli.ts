// pnpm bench [name ...] [--quick] [--data <dir>] [--json]
// Runs one benchmark, several, or (no name) all of them, each in its own Node process so that
// heap figures of one do not leak into another, one at a time under a machine-wide lock.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { acquireBenchLock } from './harness/lock.js';
import { machineInfo } from './harness/machine.js';
import { writeResultFile } from './harness/results.js';
import { BenchContext, type Suite } from './harness/suite.js';
import { formatTable } from './harness/table.js';

interface Args {
  names: string[];
  quick: boolean;
  data: string | undefined;
  json: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { names: [], quick: false, data: undefined, json: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') continue;
    else if (a === '--quick') args.quick = true;
    else if (a === '--json') args.json = true;
    else if (a === '--data') {
      const dir = argv[++i];
      if (dir === undefined) throw new Error('--data needs a folder');
      args.data = dir;
    } else if (a.startsWith('--data=')) args.data = a.slice('--data='.length);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a} (use --quick, --data <dir>, --json)`);
    else args.names.push(a);
  }
  return args;
}

const suitesDir = fileURLToPath(new URL('./suites/', import.meta.url));

function suiteNames(): string[] {
  return readdirSync(suitesDir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
}

async function runOne(name: string, args: Args): Promise<void> {
  const mod = (await import(new URL(`./suites/${name}.ts`, import.meta.url).href)) as { suite?: Suite };
  const suite = mod.suite;
  if (!suite) throw new Error(`benchmarks/src/suites/${name}.ts exports no \`suite\``);
  const log = args.json ? (line: string): void => void process.stderr.write(`${line}\n`) : (line: string): void => console.log(line);
  const ctx = new BenchContext({ quick: args.quick, data: args.data, log });
  log(`# ${suite.name}: ${suite.title}${args.quick ? ' (quick)' : ''}`);
  await suite.run(ctx);
  const file = {
    bench: suite.name,
    date: new Date().toISOString(),
    machine: machineInfo(),
    data: { source: ctx.dataSource, synthetic: ctx.synthetic },
    results: ctx.results,
  };
  const path = writeResultFile(file);
  if (args.json) console.log(JSON.stringify(file, null, 2));
  else {
    console.log(formatTable(ctx.results));
    console.log(`data: ${file.data.synthetic ? 'GENERATED — ' : ''}${file.data.source}`);
    console.log(`wrote ${path}\n`);
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const all = suiteNames();
  for (const n of args.names) {
    if (!all.includes(n)) throw new Error(`no benchmark named "${n}"; there are: ${all.join(', ')}`);
  }
  if (process.env.CHORUS_BENCH_CHILD === '1') {
    for (const n of args.names) await runOne(n, args);
    return;
  }
  const names = args.names.length > 0 ? args.names : all;
  const release = await acquireBenchLock((l) => console.error(l));
  let failed = 0;
  try {
    for (const n of names) {
      const rest = process.argv.slice(2).filter((a) => !all.includes(a));
      const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), n, ...rest], {
        stdio: 'inherit',
        env: { ...process.env, CHORUS_BENCH_CHILD: '1' },
      });
      if (child.status !== 0) {
        failed++;
        console.error(`benchmark ${n} failed (exit ${child.status ?? child.signal})`);
      }
    }
  } finally {
    release();
  }
  if (failed > 0) process.exit(1);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
