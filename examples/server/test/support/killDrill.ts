// The kill drill behind the durability test (20 cycles) and the `durability` benchmark (100):
// clients send messages, the server is killed with SIGKILL at a random moment, restarted, and
// every message it acknowledged before the kill must be there and readable.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const serverRoot = join(here, '../..');
// Bundled once into plain JavaScript, so that each restart costs a Node start-up and not a
// TypeScript compile. It sits under node_modules so that its externals resolve.
const defaultBundle = bundlePath('serve');
const manifest = JSON.parse(readFileSync(join(serverRoot, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const EXTERNALS = [...Object.keys(manifest.dependencies ?? {}).filter((name) => !name.startsWith('@chorus/')), 'rabin-wasm'];

/**
 * A bundle file for {@link bundleServer}: under the server's node_modules, so that the bundle's
 * external packages resolve.
 * @param name - a file name without extension
 */
export function bundlePath(name: string): string {
  return join(serverRoot, 'node_modules/.cache/chorus-durability', `${name}.mjs`);
}

/** Options of {@link killDrill}. */
export interface DrillOptions {
  /** Where the kill moment is drawn from. @defaultValue Math.random */
  random?: () => number;
  /** Extra environment for the server (e.g. `CHORUS_DATABASE_URL` to drill on PostgreSQL). */
  env?: Record<string, string>;
  /** The bundle {@link bundleServer} wrote; drills that run at the same time use their own. */
  bundle?: string;
}

/** What a drill saw. */
export interface DrillResult {
  cycles: number;
  /** Messages the server acknowledged (201) over all cycles. */
  acknowledged: number;
  /** Acknowledged messages missing or unreadable after a restart (must be empty). */
  missing: string[];
  /** Stored messages whose content is not what some client sent (must be empty). */
  corrupt: string[];
  /** Requests cut off by a kill (proves the kills landed mid-traffic). */
  killedInFlight: number;
  /** Spawn-to-ready time of each restart, ms. */
  restartMs: number[];
}

/**
 * Bundles the server entry used by the drill.
 * @param outfile - where to write it (default: a shared cache file)
 */
export async function bundleServer(outfile: string = defaultBundle): Promise<void> {
  await build({
    entryPoints: [join(here, '../fixtures/serve.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    // Third-party packages stay external (resolved from the server's node_modules at run time);
    // only our own sources are bundled.
    external: [...EXTERNALS],
    // Packages from their sources, as vitest sees them: the drill must not depend on a build.
    plugins: [
      {
        name: 'chorus-sources',
        setup(b) {
          b.onResolve({ filter: /^@chorus\/[a-z-]+(\/[a-z-]+)?$/ }, (args) => {
            const [, name, sub] = /^@chorus\/([a-z-]+)(?:\/([a-z-]+))?$/.exec(args.path)!;
            return { path: join(serverRoot, '../../packages', name!, 'src', `${sub ?? 'index'}.ts`) };
          });
        },
      },
    ],
    logLevel: 'error',
  });
}

function start(dir: string, bundle: string, extraEnv: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bundle], {
    cwd: serverRoot,
    env: { ...process.env, CHORUS_DATA_DIR: dir, CHORUS_ARGON2_MEMORY_KIB: '64', CHORUS_ARGON2_ITERATIONS: '1', CHORUS_SEND_PER_SECOND: '100000', CHORUS_SEND_BURST: '100000', CHORUS_MAX_LAG_MS: '0', CHORUS_TARGET_LATENCY_MS: '60000', ...extraEnv },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\S+)/.exec(out);
      if (m) resolve({ child, url: m[1]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before it was ready`)));
  });
}

function call(agent: Agent, url: string, method: string, path: string, token: string | undefined, body?: unknown): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token) headers['authorization'] = `Bearer ${token}`;
    const req = request(`${url}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        } catch (e) {
          reject(e);
        }
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/**
 * Runs `cycles` kill-and-restart cycles on a fresh data directory (call {@link bundleServer}
 * first), then a final restart that checks everything once more.
 */
export async function killDrill(cycles: number, options: DrillOptions = {}): Promise<DrillResult> {
  const { random = Math.random, env = {}, bundle = defaultBundle } = options;
  const dir = mkdtempSync(join(tmpdir(), 'chorus-durable-'));
  const acked = new Map<string, string>();
  const result: DrillResult = { cycles, acknowledged: 0, missing: [], corrupt: [], killedInFlight: 0, restartMs: [] };
  let token = '';
  let channelId = '';
  const verify = async (agent: Agent, url: string): Promise<void> => {
    const stored = new Map<string, string>();
    let after = '1';
    for (;;) {
      const page = (await call(agent, url, 'GET', `/channels/${channelId}/messages?after=${after}&limit=100`, token)).body as { id: string; content: string }[];
      for (const m of page) stored.set(m.id, m.content);
      if (page.length < 100) break;
      after = page.at(-1)!.id;
    }
    for (const [id, content] of acked) if (stored.get(id) !== content && !result.missing.includes(id)) result.missing.push(id);
    for (const [id, content] of stored) if (!/^c\d+-\d+$/.test(content) && !result.corrupt.includes(id)) result.corrupt.push(id);
  };
  try {
    for (let cycle = 0; cycle <= cycles; cycle++) {
      const t0 = performance.now();
      const { child, url } = await start(dir, bundle, env);
      if (cycle > 0) result.restartMs.push(performance.now() - t0);
      const agent = new Agent({ keepAlive: true, maxSockets: 8 });
      try {
        if (cycle === 0) {
          const r = await call(agent, url, 'POST', '/auth/register', undefined, { username: 'durable', password: 'password123' });
          token = (r.body as { token: string }).token;
          const g = await call(agent, url, 'POST', '/guilds', token, { name: 'g' });
          channelId = (g.body as { channels: { id: string }[] }).channels[0]!.id;
        }
        // Every message acknowledged before the last kill is there (the session survived too).
        await verify(agent, url);
        if (cycle === cycles) {
          child.kill('SIGKILL');
          break;
        }
        // Send from 4 clients; kill the server at a random moment while requests are in flight.
        let stop = false;
        let n = 0;
        const senders = Array.from({ length: 4 }, async () => {
          while (!stop) {
            const content = `c${cycle}-${n++}`;
            try {
              const r = await call(agent, url, 'POST', `/channels/${channelId}/messages`, token, { content });
              if (r.status === 201) acked.set((r.body as { id: string }).id, content);
            } catch {
              result.killedInFlight++;
              return;
            }
          }
        });
        await new Promise((r) => setTimeout(r, 20 + random() * 80));
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGKILL');
        await exited;
        stop = true;
        await Promise.all(senders);
      } finally {
        agent.destroy();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.acknowledged = acked.size;
  return result;
}
