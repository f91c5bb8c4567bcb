// Node-only. SQLite in WAL mode copies the log back into the database file (a checkpoint) from
// inside whichever commit crosses the auto-checkpoint size: that commit then writes megabytes
// and waits for two fsyncs, with the event loop stopped (measured: a commit every ~50 stalls,
// 64 µs of wall time per message on average instead of 25). Here a worker thread with its own
// connection runs the checkpoints instead; WAL readers and the writer go on meanwhile.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// The worker's whole program. It is evaluated from a string (not a file) so that it runs alike
// from src/ under tsx and vitest and from dist/.
const PROGRAM = `
const { workerData, parentPort } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const run = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (e) {
    // SQLITE_BUSY and the like: the next round tries again.
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    run();
    db.close();
    parentPort.postMessage('stopped');
  }
});
parentPort.postMessage('ready');
`;

/**
 * Checkpoints one SQLite database (in WAL mode) from a worker thread every `intervalMs`.
 * The writing connection must turn its own automatic checkpoints off (`wal_autocheckpoint = 0`)
 * once {@link WalCheckpointer.ready} resolves, and back on if {@link WalCheckpointer.failed} is
 * called, so that the log never grows without bound.
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private stopped = false;
  private exited = false;
  /** Resolves when the worker has opened the database; rejects if it could not. */
  readonly ready: Promise<void>;

  /**
   * @param file - the database file (not `:memory:`)
   * @param intervalMs - time between checkpoints
   * @param onFailure - called once if the worker dies, so the writer can take checkpoints back
   */
  constructor(file: string, intervalMs: number, onFailure: (error: Error) => void) {
    this.worker = new Worker(PROGRAM, { eval: true, workerData: { file, intervalMs, module: createRequire(import.meta.url).resolve('better-sqlite3') } });
    this.worker.unref();
    this.ready = new Promise((ok, fail) => {
      this.worker.once('message', () => ok());
      this.worker.once('error', fail);
    });
    this.worker.on('error', (e) => {
      if (!this.stopped) onFailure(e);
    });
    this.worker.on('exit', (code) => {
      this.exited = true;
      if (!this.stopped) onFailure(new Error(`the checkpoint worker exited with code ${code}`));
    });
  }

  /** Runs a last checkpoint and ends the worker. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.exited) return;
    const done = new Promise<void>((ok) => {
      this.worker.on('message', (m) => m === 'stopped' && ok());
      this.worker.once('exit', () => ok());
    });
    this.worker.postMessage('stop');
    await done;
    await this.worker.terminate();
  }
}
