import type { DigestAlgorithm } from './digest.js';
import { cutBounds } from './fastcdcBounds.js';
import { gearCuts, type GearCutOptions } from './gearCuts.js';

// A worker thread that computes SHA-256 / BLAKE3 digests of chunks while the calling thread
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

// The worker's whole program, evaluated from a string (no file of ours to resolve, so it works
// the same from sources, from dist and from a bundle). It may run as a CommonJS script or as a
// module (the worker inherits flags such as --input-type=module), so it reaches Node's modules
// through process.getBuiltinModule rather than require or import. It digests each chunk of a group
// and sends the group's buffer back (transferred, not copied) with the digests as one hex
// string. SHA-256 is node:crypto's; BLAKE3 is hash-wasm's, loaded from the path the calling
// thread resolved (so the same copy of hash-wasm), when it could. It counts finished groups and
// says which digests it has ready in shared memory, which the calling thread reads without
// waiting for a message: messages need a turn of its event loop, and a stream read from memory
// may never give one. Given a region instead of chunk ends, it first chunks the region itself
// with the FastCDC cut loop of this package (the source text of gearCuts and cutBounds, and the
// gear core's WebAssembly module, sent with the first region), so that both threads chunk.
const WORKER_SOURCE = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const crypto = process.getBuiltinModule('node:crypto');
const state = new Int32Array(workerData.state);
const hex = {
  sha256: crypto.hash
    ? (b) => crypto.hash('sha256', b, 'hex')
    : (b) => crypto.createHash('sha256').update(b).digest('hex'),
};
const loading = workerData.hashWasm
  ? Promise.resolve().then(() => {
      const load = process.getBuiltinModule('node:module').createRequire(workerData.hashWasm);
      return load(workerData.hashWasm).createBLAKE3();
    }).then((h) => {
      hex.blake3 = (b) => h.init().update(b).digest('hex');
    }).catch(() => undefined)
  : Promise.resolve();
loading.then(() => {
  Atomics.store(state, 1, hex.blake3 ? 3 : 1);
  parentPort.postMessage({ ready: true });
});
const gearCuts = (${gearCuts.toString()});
const cutBounds = (${cutBounds.toString()});
let gearModule;
let gearTables;
let gear;
const regionEnds = (bytes, c) => {
  if (c.module) {
    gearModule = c.module;
    gear = undefined;
  }
  gear ??= new WebAssembly.Instance(gearModule, {}).exports;
  if (c.tables) gearTables = c.tables;
  const dataAt = gearTables.length;
  const have = gear.memory.buffer.byteLength;
  if (have < dataAt + bytes.length) gear.memory.grow(Math.ceil((dataAt + bytes.length - have) / 65536));
  const heap = new Uint8Array(gear.memory.buffer);
  heap.set(gearTables, 0);
  heap.set(bytes, dataAt);
  gear.setMasks(c.masks[0], c.masks[1], c.masks[2], c.masks[3]);
  const ends = [];
  gearCuts(gear, cutBounds, c.options, dataAt, bytes.length, c.final, { chunkAt: 0, resumeAt: 0, resumeLo: 0, resumeHi: 0 }, ends);
  return ends;
};
parentPort.on('message', ({ id, algorithm, buffer, ends, region }) => {
  if (Atomics.load(state, 2 + (id & 63)) === ((id + 1) | 0)) {
    // Withdrawn while queued: the calling thread did this region itself.
    Atomics.add(state, 0, 1);
    parentPort.postMessage({ id, buffer, digests: '' }, [buffer]);
    return;
  }
  const digest = hex[algorithm];
  const bytes = new Uint8Array(buffer, 0, region ? region.length : buffer.byteLength);
  if (region) ends = regionEnds(bytes, region);
  let digests = '';
  let at = 0;
  for (let i = 0; i < ends.length; i++) {
    digests += digest(bytes.subarray(at, ends[i]));
    at = ends[i];
  }
  Atomics.add(state, 0, 1);
  parentPort.postMessage({ id, buffer, digests, ends: region ? Uint32Array.from(ends) : undefined }, [buffer]);
});
`;

/** A group of chunks digested in the worker. */
export interface DigestedGroup {
  /** The group's bytes, handed back by the worker (undefined: digested in place, not copied). */
  readonly buffer: ArrayBuffer | undefined;
  /** 64 hex digits per chunk, in order. */
  readonly digests: string;
  /** For a region: the ends of the chunks the worker cut, relative to the region's start. */
  readonly ends?: Uint32Array | undefined;
}

/** A region for the worker to chunk (speculatively, as if a chunk began at its start) and digest. */
export interface RegionJob {
  /** Bytes of the region at the start of the buffer. */
  readonly length: number;
  /** Whether the input ends with the region. */
  readonly final: boolean;
  /** Algorithm and sizes. */
  readonly options: GearCutOptions;
  /** The gear core's masks, as its `setMasks` takes them. */
  readonly masks: readonly [number, number, number, number];
  /** The gear tables (the core's memory before its data window). */
  readonly tables: Uint8Array;
  /** The gear core's module. */
  readonly module: WebAssembly.Module;
}

interface Waiting {
  resolve(group: DigestedGroup): void;
  reject(error: unknown): void;
}

function builtin(id: string): unknown {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id);
}

function workerThreads(): WorkerThreads | undefined {
  const threads = builtin('node:worker_threads') as WorkerThreads | undefined;
  return typeof threads?.Worker === 'function' ? threads : undefined;
}

/** The file the worker loads hash-wasm from: the copy this package resolves, if any. */
function hashWasmPath(): string | undefined {
  try {
    const module = builtin('node:module') as { createRequire(from: string): { resolve(id: string): string } } | undefined;
    return module?.createRequire(import.meta.url).resolve('hash-wasm');
  } catch {
    // Bundled without a resolvable hash-wasm: BLAKE3 stays on the calling thread.
    return undefined;
  }
}

/**
 * The process-wide digest worker. One is started on first need and kept: starting a worker
 * costs ~35 ms, far more than digesting a few MiB. It does not keep the process alive while
 * idle (it is `unref`-ed whenever no group is in flight).
 */
export class DigestThread {
  private static shared: DigestThread | undefined;

  /** @returns whether a worker can run here (Node's worker_threads), without starting one */
  static available(): boolean {
    return DigestThread.shared !== undefined || workerThreads() !== undefined;
  }

  /**
   * @returns the shared worker, started now if need be; undefined where worker_threads or
   *   node:crypto is missing (browsers)
   */
  static get(): DigestThread | undefined {
    if (DigestThread.shared) return DigestThread.shared;
    const threads = workerThreads();
    if (!threads) return undefined;
    try {
      // [0]: groups finished; [1]: digests ready (bit 1 SHA-256, bit 2 BLAKE3); [2 + id % 64]:
      // id + 1 when message id is withdrawn.
      const state = new Int32Array(new SharedArrayBuffer(4 * (2 + 64)));
      const workerData = { state: state.buffer, hashWasm: hashWasmPath() };
      DigestThread.shared = new DigestThread(new threads.Worker(WORKER_SOURCE, { eval: true, name: '@chorus/cdc digests', workerData }), state);
    } catch {
      // A runtime without real threads (or one that forbids them): digest on this thread.
      return undefined;
    }
    return DigestThread.shared;
  }

  private readonly ready: Promise<void>;
  /** Set once the worker has failed; it is then never used again. */
  failed: unknown = undefined;

  private readonly worker: NodeWorker;
  private readonly state: Int32Array;
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  private sentModule: WebAssembly.Module | undefined;
  private sentTables: Uint8Array | undefined;
  // Callers that need the worker's answer (a reply or readiness): the worker keeps the process
  // alive exactly while there are any.
  private holds = 0;

  private constructor(worker: NodeWorker, state: Int32Array) {
    this.worker = worker;
    this.state = state;
    // Node 20 forgets an unref() made before the worker is online (the process would then never
    // exit), so it is repeated once the worker runs and once it is ready.
    worker.unref();
    worker.once('online', () => {
      if (this.holds === 0) worker.unref();
    });
    let started!: () => void;
    this.ready = new Promise<void>((resolve) => (started = resolve));
    worker.on('message', (value) => {
      if ((value as { ready?: boolean }).ready) {
        if (this.holds === 0) worker.unref();
        started();
        return;
      }
      const { id, buffer, digests, ends } = value as { id: number; buffer: ArrayBuffer; digests: string; ends: Uint32Array | undefined };
      const w = this.waiting.get(id);
      if (!w) return;
      this.waiting.delete(id);
      this.release();
      w.resolve({ buffer, digests, ends });
    });
    const fail = (error: unknown): void => {
      this.failed = error;
      if (DigestThread.shared === this) DigestThread.shared = undefined;
      for (const w of this.waiting.values()) w.reject(error);
      this.holds -= this.waiting.size;
      this.waiting.clear();
      started();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the @chorus/cdc digest worker exited with code ${code}`)));
  }

  /**
   * Waits until the worker is ready (or has failed, see {@link DigestThread.failed}), keeping
   * the process alive meanwhile: an idle worker does not, and nothing else may.
   * @returns when the worker can take groups
   */
  async whenReady(): Promise<void> {
    if (Atomics.load(this.state, 1) !== 0 || this.failed !== undefined) return;
    this.hold();
    try {
      await this.ready;
    } finally {
      this.release();
    }
  }

  private hold(): void {
    if (this.holds++ === 0) this.worker.ref();
  }

  private release(): void {
    if (--this.holds === 0) this.worker.unref();
  }

  /**
   * Groups sent but not yet digested (the worker takes them in order), read from shared memory:
   * exact without waiting for reply messages.
   * @returns how many groups wait at or in the worker
   */
  backlog(): number {
    // `| 0`: the shared counter is an Int32 and wraps (after 2^31 groups, ~1 PB).
    return (this.nextId - Atomics.load(this.state, 0)) | 0;
  }

  /**
   * Whether the worker is ready to digest with `algorithm` now (read from shared memory, so
   * it is known without a turn of the event loop). BLAKE3 needs hash-wasm in the worker.
   * @param algorithm - the digest
   * @returns true once the worker runs and has that digest, false before or after a failure
   */
  computes(algorithm: DigestAlgorithm): boolean {
    return this.failed === undefined && (Atomics.load(this.state, 1) & (algorithm === 'sha256' ? 1 : 2)) !== 0;
  }

  /**
   * Digests consecutive chunks laid end to end in `buffer`. The buffer is transferred to the
   * worker (it is detached here) and comes back in the result.
   *
   * @param algorithm - a digest the worker {@link DigestThread.computes}
   * @param buffer - the chunks' bytes
   * @param ends - the end offset of each chunk in `buffer`
   * @returns the buffer and the digests
   */
  digest(algorithm: DigestAlgorithm, buffer: ArrayBuffer, ends: Uint32Array): Promise<DigestedGroup> {
    return this.send({ algorithm, buffer, ends });
  }

  /**
   * Chunks a region (as if a chunk began at its start; only the chunks decided within it) and
   * digests its chunks. The buffer is transferred to the worker and comes back in the result.
   *
   * @param algorithm - a digest the worker {@link DigestThread.computes}
   * @param buffer - the region's bytes, from offset 0
   * @param job - the region's length and the chunker's settings
   * @returns the buffer, the digests and the chunk ends
   */
  chunkAndDigest(algorithm: DigestAlgorithm, buffer: ArrayBuffer, job: RegionJob): Promise<DigestedGroup> {
    // The module and tables go only when they change: the worker keeps the last ones it got
    // (messages arrive in order), and resending them costs each region tens of microseconds.
    const region = { ...job, module: this.sentModule === job.module ? undefined : job.module, tables: this.sentTables === job.tables ? undefined : job.tables };
    this.sentModule = job.module;
    this.sentTables = job.tables;
    return this.send({ algorithm, buffer, region });
  }

  /**
   * Withdraws a region or group the worker has not started: it then skips it (it still counts
   * in {@link DigestThread.backlog} until skipped). One it has started is finished anyway; the
   * caller ignores the answer either way.
   * @param reply - what {@link DigestThread.chunkAndDigest} or {@link DigestThread.digest} returned
   */
  withdraw(reply: Promise<DigestedGroup>): void {
    const id = this.ids.get(reply);
    if (id !== undefined) Atomics.store(this.state, 2 + (id & 63), (id + 1) | 0);
  }

  private readonly ids = new WeakMap<Promise<DigestedGroup>, number>();

  private send(message: { algorithm: DigestAlgorithm; buffer: ArrayBuffer; ends?: Uint32Array; region?: unknown }): Promise<DigestedGroup> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    const id = this.nextId++ | 0;
    this.hold();
    const reply = new Promise<DigestedGroup>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message }, [message.buffer]);
    });
    this.ids.set(reply, id);
    return reply;
  }
}
