import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** A server under test, in its own process so that its CPU is measured apart from the generator's. */
export interface ServerChild {
  url: string;
  gatewayUrl: string;
  pid: number;
  /** CPU seconds (user + system) the process has used so far (Linux /proc). */
  cpuSeconds(): number;
  /** Heap and RSS after a full GC in the child. */
  memory(): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number }>;
  stop(): void;
}

// Linux reports CPU in clock ticks; 100 per second on every mainstream kernel config.
const TICKS = 100;

/** Starts `entry` (a .ts file run through tsx) and waits for its ready message. */
export function startChild(entry: string, env: Record<string, string>): Promise<ServerChild> {
  const child: ChildProcess = fork(entry, [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${entry} exited with ${code} before it was ready`)));
    child.once('message', (m: unknown) => {
      const msg = m as { ready: string; gateway: string };
      const pid = child.pid!;
      resolve({
        url: msg.ready,
        gatewayUrl: msg.gateway,
        pid,
        cpuSeconds() {
          try {
            const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
            const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
            return (Number(fields[11]) + Number(fields[12])) / TICKS;
          } catch {
            return Number.NaN;
          }
        },
        memory() {
          return new Promise((ok) => {
            const on = (r: unknown): void => {
              const v = r as { memory?: { rss: number; heapUsed: number; external: number; arrayBuffers: number } };
              if (v.memory) {
                child.off('message', on);
                ok(v.memory);
              }
            };
            child.on('message', on);
            child.send('memory');
          });
        },
        stop() {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
        },
      });
    });
  });
}
