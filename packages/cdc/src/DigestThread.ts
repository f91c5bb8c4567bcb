// A worker thread that computes node:crypto SHA-256 digests of chunks while the calling thread
// goes on chunking, so that chunk + digest takes about max(chunk, digest) time rather than
// their sum. Node only: worker_threads is reached through process.getBuiltinModule (never
// imported), so browser bundles do not see it and this module costs them nothing.

interface NodeWorker {
  postMessage(value: unknown, transfer: readonly ArrayBuffer[]): void;
  on(event: 'message', listener: (value: unknown) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'online', listener: () => void): unknown;
  ref(): void;
  unref(): void;
}
interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; name?: string; workerData?: unknown }) => NodeWorker;
}

// The worker's whole program, evaluated as a CommonJS script (no file to resolve, so it works
// the same from sources, from dist and from a bundle). It digests each chunk of a group and
// sends the group's buffer back (transferred, not copied) with the digests as one hex string.
// It also counts finished groups in shared memory, which the other thread reads without
// waiting for the reply message (that needs a turn of its event loop).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const finished = new Int32Array(workerData);
const crypto = require('node:crypto');
const hex = crypto.hash
  ? (b) => crypto.hash('sha256', b, 'hex')
  : (b) => crypto.createHash('sha256').update(b).digest('hex');
parentPort.on('message', ({ id, buffer, ends }) => {
  const bytes = new Uint8Array(buffer);
  let digests = '';
  let at = 0;
  for (let i = 0; i < ends.length; i++) {
    digests += hex(bytes.subarray(at, ends[i]));
    at = ends[i];
  }
  Atomics.add(finished, 0, 1);
  parentPort.postMessage({ id, buffer, digests }, [buffer]);
});
`;

/** A group of chunks digested in the worker. */
export interface DigestedGroup {
  /** The group's bytes, handed back by the worker (undefined: digested in place, not copied). */
  readonly buffer: ArrayBuffer | undefined;
  /** 64 hex digits per chunk, in order. */
  readonly digests: string;
}

interface Waiting {
  resolve(group: DigestedGroup): void;
  reject(error: unknown): void;
}

function workerThreads(): WorkerThreads | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = proc?.getBuiltinModule?.('node:worker_threads') as WorkerThreads | undefined;
  return typeof threads?.Worker === 'function' ? threads : undefined;
}

/**
 * The process-wide SHA-256 worker. One is started on first need and kept: starting a worker
 * costs ~35 ms, far more than digesting a few MiB. It does not keep the process alive while
 * idle (it is `unref`-ed whenever no group is in flight).
 */
export class DigestThread {
  private static shared: DigestThread | undefined;

  /**
   * @returns the shared worker, started now if need be; undefined where worker_threads or
   *   node:crypto's SHA-256 is missing (browsers)
   */
  static get(): DigestThread | undefined {
    if (DigestThread.shared) return DigestThread.shared;
    const threads = workerThreads();
    if (!threads) return undefined;
    try {
      const finished = new Int32Array(new SharedArrayBuffer(4));
      DigestThread.shared = new DigestThread(new threads.Worker(WORKER_SOURCE, { eval: true, name: '@chorus/cdc sha256', workerData: finished.buffer }), finished);
    } catch {
      // A runtime without real threads (or one that forbids them): digest on this thread.
      return undefined;
    }
    return DigestThread.shared;
  }

  /** Whether the worker runs: groups sent before then wait for its start-up. */
  isReady = false;
  /** Settles once the worker runs (or has failed, see {@link DigestThread.failed}). */
  readonly ready: Promise<void>;
  /** Set once the worker has failed; it is then never used again. */
  failed: unknown = undefined;

  private readonly worker: NodeWorker;
  private readonly finished: Int32Array;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;

  private constructor(worker: NodeWorker, finished: Int32Array) {
    this.worker = worker;
    this.finished = finished;
    worker.unref();
    let started!: () => void;
    this.ready = new Promise<void>((resolve) => (started = resolve));
    worker.once('online', () => {
      this.isReady = true;
      started();
    });
    worker.on('message', (value) => {
      const { id, buffer, digests } = value as { id: number; buffer: ArrayBuffer; digests: string };
      const w = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) worker.unref();
      w?.resolve({ buffer, digests });
    });
    const fail = (error: unknown): void => {
      this.failed = error;
      this.isReady = false;
      if (DigestThread.shared === this) DigestThread.shared = undefined;
      for (const w of this.waiting.values()) w.reject(error);
      this.waiting.clear();
      started();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the @chorus/cdc digest worker exited with code ${code}`)));
  }

  /**
   * Groups sent but not yet digested (the worker takes them in order), read from shared memory:
   * exact without waiting for reply messages.
   * @returns how many groups wait at or in the worker
   */
  backlog(): number {
    // `| 0`: the shared counter is an Int32 and wraps (after 2^31 groups, ~1 PB).
    return (this.nextId - Atomics.load(this.finished, 0)) | 0;
  }

  /**
   * Digests consecutive chunks laid end to end in `buffer`. The buffer is transferred to the
   * worker (it is detached here) and comes back in the result.
   *
   * @param buffer - the chunks' bytes
   * @param ends - the end offset of each chunk in `buffer`
   * @returns the buffer and the digests
   */
  digest(buffer: ArrayBuffer, ends: Uint32Array): Promise<DigestedGroup> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const id = this.nextId++;
    if (this.waiting.size === 0) this.worker.ref();
    return new Promise<DigestedGroup>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, buffer, ends }, [buffer]);
    });
  }
}
