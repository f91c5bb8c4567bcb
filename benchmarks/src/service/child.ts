import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Event-loop delay of a server process over a window. */
export interface LoopDelay {
  p99: number;
  max: number;
}

/** A server under test, in its own process so that its CPU is measured apart from the generator's. */
export interface ServerChild {
  url: string;
  gatewayUrl: string;
  pid: number;
  /** CPU seconds (user + system) the process has used so far (Linux /proc). */
  cpuSeconds(): number;
  /** Heap and RSS after a full GC in the child. */
  memory(): Promise<{ rss: number; heapUsed: number; external: number; arrayBuffers: number }>;
  /** How late the child's event loop ran since the previous call (ms); the first call starts the count. */
  loopDelay(): Promise<LoopDelay>;
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
          return ask(child, 'memory', (v) => (v as { memory?: { rss: number; heapUsed: number; external: number; arrayBuffers: number } }).memory);
        },
        loopDelay() {
          return ask(child, 'loop', (v) => (v as { loop?: LoopDelay }).loop);
        },
        stop() {
          child.removeAllListeners('exit');
          child.kill('SIGKILL');
        },
      });
    });
  });
}

/** Sends `question` to the child and resolves with the first answer `pick` finds in its messages. */
function ask<T>(child: ChildProcess, question: string, pick: (message: unknown) => T | undefined): Promise<T> {
  return new Promise((ok) => {
    const on = (m: unknown): void => {
      const v = pick(m);
      if (v !== undefined) {
        child.off('message', on);
        ok(v);
      }
    };
    child.on('message', on);
    child.send(question);
  });
}
