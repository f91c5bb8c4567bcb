import type { BytesChunk } from './chunkBatches.js';
import type { Digest } from './digest.js';
import { DigestThread, type DigestedGroup } from './DigestThread.js';
import type { RegionPipeline } from './RegionPipeline.js';

/** A chunk with its bytes and lower-case hex digest. */
export interface DigestedChunk extends BytesChunk {
  readonly digest: string;
}

/** Where chunk digests are computed; see {@link ChunkStreamOptions.digestIn}. */
export type DigestPlace = 'auto' | 'worker' | 'main';

/** `'auto'` brings in the worker once a stream has passed this many bytes. */
export const WORKER_AFTER_BYTES: number = 1 << 20;
// Chunks are copied end to end into groups of about this size: one message per group keeps
// the messaging cost (tens of microseconds) far below the digest time (~0.3 ms per 512 KiB).
const GROUP_BYTES = 1 << 19;
// Groups the worker may have queued before this thread digests the next group itself. Enough
// that jitter (a pause on either thread) does not make this thread take digests the worker
// would have done — for SHA-256 with CPU SHA extensions the worker is the faster of the two and
// this thread should only chunk — yet a worker that really falls behind (BLAKE3, or no core of
// its own) gets help after ~2 MiB.
const WORKER_BACKLOG = 4;
// Digested groups held back for order behind an unfinished one before waiting for it (or, for
// an in-memory source, digesting it here instead).
const MAX_QUEUED = 12;

/**
 * Whether a digest may run in the worker, which computes SHA-256 with node:crypto and BLAKE3
 * with hash-wasm: only a digest of this package's own kind qualifies (a caller who forced
 * hash-wasm's SHA-256 keeps it).
 *
 * @param digest - the digest asked for
 * @returns true for node:crypto SHA-256 and hash-wasm BLAKE3
 */
export function workerCanDigest(digest: Digest): boolean {
  return (digest.algorithm === 'sha256' && digest.implementation === 'node:crypto') || (digest.algorithm === 'blake3' && digest.implementation === 'hash-wasm');
}

/** What {@link digestBatches} digests, and how. */
export interface DigestPlan {
  /** Consecutive chunks with their bytes. */
  readonly batches: AsyncIterable<BytesChunk[]>;
  /** The digest. */
  readonly digest: Digest;
  /** Where to digest (validated; `'main'` where the worker cannot compute `digest`). */
  readonly place: DigestPlace;
  /** The largest chunk, so that a group always holds at least one. */
  readonly maxSize: number;
  /** Whether the source's bytes stay as they are until the stream ends (see below). */
  readonly stable: boolean;
  /**
   * Set instead for FastCDC with the worker: it then chunks too ({@link RegionPipeline});
   * `batches` is not read.
   */
  readonly regions?: RegionPipeline | undefined;
}

interface Group {
  readonly chunks: BytesChunk[];
  /** The group's digests (and its copy): the worker's reply, or computed here at once. */
  readonly result: Promise<DigestedGroup> | DigestedGroup;
}

function digestHere(chunks: readonly BytesChunk[], copy: Uint8Array | undefined, digest: Digest): DigestedGroup {
  let digests = '';
  let at = 0;
  for (const c of chunks) {
    digests += digest.hashHex(copy ? copy.subarray(at, at + c.length) : c.bytes);
    at += c.length;
  }
  return { buffer: copy?.buffer as ArrayBuffer, digests };
}

/**
 * Digests chunk batches in order, on this thread or shared with a worker thread (on Node;
 * `place` as in {@link ChunkStreamOptions.digestIn}). Both give the same chunks and digests.
 *
 * With the worker, this thread chunks and copies the chunks' bytes into ~512 KiB groups (a
 * copy into a reused buffer runs at ~10 GB/s, far faster than either digest) that are
 * transferred to the worker and back. When the worker falls behind ({@link WORKER_BACKLOG}
 * groups queued, as happens when it gets no core of its own) this thread digests the next group
 * itself, so the pipeline degrades to one-thread speed rather than waiting on the worker.
 *
 * Finished groups wait for older ones to keep the order, so the source is read a few groups
 * ahead of what has been yielded. A source that is wholly in memory (`stable`: a Uint8Array or
 * an array of them) cannot have changed meanwhile: its chunks are yielded as views of it and
 * the group buffers are reused. Any other source may reuse its buffers, so every group is a
 * fresh copy and the yielded bytes are views of that copy: bytes and digest always agree.
 * At most ~{@link MAX_QUEUED} groups of ~512 KiB (or `maxSize`) are held.
 *
 * @param prepare - validates the caller's options and gives the plan; called on the first
 *   `next()`, so that its errors surface while iterating, as a generator's do, without a second
 *   generator layer (each layer costs every chunk a few hundred nanoseconds)
 * @returns the chunks with digests, in order
 */
export async function* digestBatches(prepare: () => Promise<DigestPlan>): AsyncGenerator<DigestedChunk> {
  const { batches, digest, place, maxSize, stable, regions } = await prepare();
  if (regions) {
    try {
      for (let done = await regions.next(); done; done = await regions.next()) for (const c of done) yield c;
    } finally {
      // A consumer that stops early (or an error) closes the source, as a for-await would.
      await regions.close();
    }
    return;
  }
  let thread: DigestThread | undefined;
  if (place === 'worker') {
    thread = DigestThread.get();
    await thread?.whenReady();
  }
  const capacity = GROUP_BYTES + maxSize;
  const spare: ArrayBuffer[] = [];
  const queue: Group[] = [];
  let group: BytesChunk[] = [];
  let groupBytes = 0;
  // For a source that may reuse its buffers, the group's bytes are copied as they come.
  let copy: Uint8Array | undefined;
  let seen = 0;
  // Groups in `queue` sent to the worker and not yet handed on.
  let atWorker = 0;
  const close = (): void => {
    if (group.length === 0) return;
    const toWorker = thread?.computes(digest.algorithm) === true && thread.backlog() < WORKER_BACKLOG;
    if (toWorker && stable) {
      copy = new Uint8Array(spare.pop() ?? new ArrayBuffer(capacity));
      let at = 0;
      for (const c of group) {
        copy.set(c.bytes, at);
        at += c.length;
      }
    }
    let result: Promise<DigestedGroup> | DigestedGroup;
    if (toWorker && copy && thread) {
      const ends = new Uint32Array(group.length);
      let at = 0;
      for (let i = 0; i < group.length; i++) ends[i] = at += group[i]!.length;
      result = thread.digest(digest.algorithm, copy.buffer as ArrayBuffer, ends);
      // Handled here too, so that a consumer who stops early leaves no unhandled rejection.
      result.catch(() => undefined);
      atWorker++;
    } else {
      result = digestHere(group, copy, digest);
    }
    queue.push({ chunks: group, result });
    group = [];
    groupBytes = 0;
    copy = undefined;
  };
  const unpack = function* (g: Group, done: DigestedGroup): Generator<DigestedChunk> {
    let at = 0;
    for (let i = 0; i < g.chunks.length; i++) {
      const c = g.chunks[i]!;
      const bytes = stable || done.buffer === undefined ? c.bytes : new Uint8Array(done.buffer, at, c.length);
      yield { offset: c.offset, length: c.length, bytes, digest: done.digests.slice(64 * i, 64 * i + 64) };
      at += c.length;
    }
    if (stable && done.buffer !== undefined) spare.push(done.buffer);
  };
  for await (const batch of batches) {
    if (place === 'auto' && !thread && seen >= WORKER_AFTER_BYTES) thread = DigestThread.get();
    for (const c of batch) seen += c.length;
    if (!thread?.computes(digest.algorithm) && queue.length === 0 && group.length === 0) {
      // No worker (yet: it starts in ~35 ms) and nothing held back: digest here, no copy.
      for (const c of batch) yield { offset: c.offset, length: c.length, bytes: c.bytes, digest: digest.hashHex(c.bytes) };
      continue;
    }
    for (const c of batch) {
      if (groupBytes + c.length > capacity) close();
      if (!stable) {
        copy ??= new Uint8Array(capacity);
        copy.set(c.bytes, groupBytes);
      }
      group.push(c);
      groupBytes += c.length;
      if (groupBytes >= GROUP_BYTES) close();
    }
    // Hand on what is finished, in order; wait only when too much is held back.
    while (queue.length > 0) {
      const first = queue[0]!;
      const inWorker = first.result instanceof Promise;
      // The worker takes groups in order, so ours finish oldest first: if fewer groups wait at
      // the worker than we have sent, the oldest of ours is done (its reply is on the way).
      const done = !inWorker || (thread !== undefined && thread.backlog() < atWorker);
      if (!done && queue.length <= MAX_QUEUED) break;
      queue.shift();
      if (inWorker) atWorker--;
      if (!done && stable) {
        // The worker is stalled (no core for it just now): rather than wait, digest the group
        // here from the source, which is still intact; the worker's late reply is dropped.
        yield* unpack(first, digestHere(first.chunks, undefined, digest));
        continue;
      }
      yield* unpack(first, await first.result);
    }
  }
  close();
  for (const g of queue) yield* unpack(g, await g.result);
}
