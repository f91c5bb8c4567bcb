import type { Chunk } from './Chunker.js';
import type { Digest } from './digest.js';
import type { DigestedChunk } from './digestBatches.js';
import { DigestThread, type DigestedGroup } from './DigestThread.js';
import { GearChunker } from './GearChunker.js';
import { gearModule } from './GearCore.js';
import type { HeldBytes } from './HeldBytes.js';
import type { ResolvedChunkerOptions } from './options.js';
import { RegionStitcher, type RegionCuts } from './RegionStitcher.js';

// Regions the worker may have queued before this thread chunks the next one itself: enough to
// ride out a pause of either thread, few enough that the two split the work about evenly.
const WORKER_BACKLOG = 3;
// Regions held back for order behind an unfinished one; past this, this thread takes over the
// oldest (the worker is stalled: no core for it just now) and drops the worker's late answer.
// For input held in memory, regions chunked here hold only their cut points, so this can be
// generous: a worker that is merely descheduled for a few milliseconds should not lose work.
// For a stream, every region held back is also a copy of its bytes: at most ~24 MiB of them.
const MAX_QUEUED = 32;
const MAX_QUEUED_STREAM_BYTES = 24 << 20;
// Chunks at the start of a speculative region that are digested only if kept: the true chunking
// usually joins the region after one or two of its chunks.
const SPECULATIVE_LEAD = 2;

/**
 * The region size for these options: large against `maxSize`, so that the re-cut around each
 * region boundary (a chunk or two) costs a few percent at most, and at least 1 MiB, so that a
 * region's message to the worker is cheap against its work.
 * @param options - resolved FastCDC options
 * @returns bytes per region
 */
export function regionBytesFor(options: ResolvedChunkerOptions): number {
  return Math.max(1 << 20, 16 * options.maxSize);
}

/** How a {@link RegionPipeline} runs. */
export interface RegionPipelineOptions {
  /** The worker; undefined: none, unless `startWorker`. */
  readonly thread?: DigestThread | undefined;
  /** Start the worker (if there is none) once the input has passed one region ('auto'). */
  readonly startWorker?: boolean;
  /** Region size; {@link regionBytesFor} by default (tests vary it). */
  readonly regionBytes?: number;
  /**
   * The rest of the input, when `bytes` is not complete: its pieces are copied as they are
   * read (its owner may reuse them), and released once chunked.
   */
  readonly source?: AsyncIterator<Uint8Array> | undefined;
}

interface Region {
  /** Where chunking begins: the region's first byte, or an earlier true cut. */
  readonly start: number;
  /** The region's end. */
  readonly end: number;
  /** Cut points, once known. */
  cuts: RegionCuts | undefined;
  /** The digests of `cuts`' chunks, 64 hex digits each, from `digestsFrom` on (the rest are computed on emit). */
  digests: string | undefined;
  /** Index of the first chunk in `digests`. */
  digestsFrom: number;
  /** The worker's answer, while it is out. */
  reply: Promise<DigestedGroup> | undefined;
}

/**
 * Chunk + digest of a FastCDC input held in memory, with both threads chunking: the input is
 * cut into regions; the worker chunks and digests some of them speculatively (as if a chunk
 * began at the region's start), this thread the others, and {@link RegionStitcher} joins them
 * into exactly the chunks of sequential chunking (re-cutting a chunk or two at each region
 * boundary). This thread hands regions to the worker while it has fewer than
 * {@link WORKER_BACKLOG} queued and otherwise chunks the next region itself, so the split
 * follows the two threads' real speeds; without the worker (still starting, or no core for it)
 * it chunks region after region from the true cut, which is plain sequential chunking.
 */
export class RegionPipeline {
  private readonly bytes: HeldBytes;
  private readonly digest: Digest;
  private thread: DigestThread | undefined;
  private readonly startWorker: boolean;
  private readonly source: AsyncIterator<Uint8Array> | undefined;
  private readonly maxQueued: number;
  private readonly step: number;
  private readonly chunker: GearChunker;
  private readonly stitcher: RegionStitcher;
  private readonly regionBytes: number;
  private readonly options: ResolvedChunkerOptions;
  private readonly queue: Region[] = [];
  private readonly spare: ArrayBuffer[] = [];
  private nextAt = 0;
  private atWorker = 0;
  private done = false;
  private tables: Uint8Array | undefined;

  /**
   * @param bytes - the input held in memory, or the start of a stream (see `run.source`)
   * @param options - resolved options with a FastCDC algorithm
   * @param digest - the chunk digest (one the worker computes)
   * @param run - the worker, the region size, and the rest of a stream
   */
  constructor(bytes: HeldBytes, options: ResolvedChunkerOptions, digest: Digest, run: RegionPipelineOptions = {}) {
    this.bytes = bytes;
    this.options = options;
    this.digest = digest;
    this.thread = run.thread;
    this.startWorker = run.startWorker === true;
    this.source = run.source;
    this.regionBytes = run.regionBytes ?? regionBytesFor(options);
    this.maxQueued = this.source ? Math.max(6, Math.floor(MAX_QUEUED_STREAM_BYTES / this.regionBytes)) : MAX_QUEUED;
    this.chunker = GearChunker.acquire(options);
    this.step = Math.max(4096, options.avgSize);
    this.stitcher = new RegionStitcher(bytes, this.chunker, this.step);
  }

  /** Closes the source (a consumer may stop early) and puts the chunker back for reuse. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    GearChunker.release(this.chunker);
    await this.source?.return?.();
  }

  private closed = false;

  /**
   * Reads the source until `upTo` bytes are held or it ends. Pieces are copied end to end into
   * blocks (from 256 KiB, doubling up to a region), so that a chunk across pieces is still a
   * view, not one more copy.
   */
  private async fill(upTo: number): Promise<void> {
    const { bytes, source } = this;
    while (!bytes.complete && bytes.length < upTo) {
      const r = await source!.next();
      if (r.done === true) {
        bytes.complete = true;
        break;
      }
      const piece = r.value;
      for (let i = 0; i < piece.length; ) {
        let block = this.block;
        if (!block || this.blockFill === block.length) {
          block = this.block = new Uint8Array(Math.min(this.regionBytes, Math.max(256 << 10, 2 * (block?.length ?? 0))));
          this.blockFill = 0;
        }
        const n = Math.min(piece.length - i, block.length - this.blockFill);
        block.set(piece.subarray(i, i + n), this.blockFill);
        bytes.append(block.subarray(this.blockFill, this.blockFill + n));
        this.blockFill += n;
        i += n;
      }
    }
  }

  private block: Uint8Array | undefined;
  private blockFill = 0;

  /**
   * @returns the next chunks in order (possibly none), or undefined at the end
   */
  async next(): Promise<DigestedChunk[] | undefined> {
    const { queue, bytes } = this;
    const alg = this.digest.algorithm;
    for (;;) {
      // Hold the next region and a byte beyond it (whether the input ends there decides its cuts).
      const ahead = this.nextAt + this.regionBytes + 1;
      if (!bytes.complete && bytes.length < ahead) await this.fill(ahead);
      if (!this.thread && this.startWorker && bytes.length > this.regionBytes) this.thread = DigestThread.get();
      const { thread } = this;
      // Keep the worker fed first: emitting a region below takes this thread a while.
      while (this.nextAt < bytes.length && thread?.computes(alg) && thread.backlog() < WORKER_BACKLOG) {
        this.toWorker();
        if (!bytes.complete) break;
      }
      const head = queue[0];
      if (head?.cuts) {
        // The stitcher may re-cut up to a chunk (and a step) past the region's end.
        const need = head.end + this.options.maxSize + this.step;
        if (!bytes.complete && bytes.length < need) await this.fill(need);
        queue.shift();
        const out = this.emit(head);
        if (this.source) bytes.releaseBefore(queue.reduce((min, r) => Math.min(min, r.start), this.stitcher.pos));
        return out;
      }
      // The worker takes regions in order, so ours finish oldest first: if fewer wait at the
      // worker than we have sent, the oldest is done (its reply is on the way).
      if (head?.reply && thread && thread.backlog() < this.atWorker) {
        await this.receive(head);
        continue;
      }
      const more = this.nextAt < bytes.length;
      if (more && thread?.computes(alg) && thread.backlog() < WORKER_BACKLOG) {
        this.toWorker();
        continue;
      }
      if (more && queue.length < this.maxQueued) {
        this.here();
        continue;
      }
      if (head) {
        if (more) {
          // Stalled worker (too much held back behind its oldest region): do that region here.
          this.takeBack(head, this.stitcher.pos);
          continue;
        }
        // All input is taken: rather than idle while the worker has more than the region it is
        // on, take back the last one it has queued.
        const last = queue.findLast((r) => r.reply !== undefined);
        if (last && last !== head && thread && thread.backlog() >= 2) this.takeBack(last, last.start);
        else await this.receive(head);
        continue;
      }
      if (this.done) return undefined;
      this.done = true;
      return this.withDigests(this.stitcher.finish());
    }
  }

  /** Takes the next region; chunking starts at the true cut when nothing is pending before it. */
  private take(): Region {
    const at = this.nextAt;
    const end = Math.min(at + this.regionBytes, this.bytes.length);
    this.nextAt = end;
    const pos = this.stitcher.pos;
    const region: Region = { start: this.queue.length === 0 && pos < end ? pos : at, end, cuts: undefined, digests: undefined, digestsFrom: 0, reply: undefined };
    this.queue.push(region);
    return region;
  }

  private here(): void {
    const region = this.take();
    const cuts = this.stitcher.speculate(region.start, region.end);
    region.cuts = cuts;
    // Digest now, so that taking a region here costs this thread what it costs the worker and
    // the split between them stays even; but not the first chunks of a speculative region,
    // which the true chunking usually does not share (they are digested on emit if kept).
    const from = region.start === this.stitcher.pos ? 0 : Math.min(SPECULATIVE_LEAD, cuts.ends.length);
    let digests = '';
    for (let j = from; j < cuts.ends.length; j++) {
      const offset = cuts.start + (j === 0 ? 0 : cuts.ends[j - 1]!);
      digests += this.digest.hashHex(this.bytes.view(offset, cuts.start + cuts.ends[j]!));
    }
    region.digests = digests;
    region.digestsFrom = from;
  }

  private toWorker(): void {
    const region = this.take();
    const { start } = region;
    const length = region.end - start;
    let buffer = this.spare.pop();
    if (!buffer || buffer.byteLength < length) buffer = new ArrayBuffer(Math.max(length, this.regionBytes + this.options.maxSize));
    this.bytes.copyTo(new Uint8Array(buffer), start, region.end);
    const core = this.chunker.core;
    region.reply = this.thread!.chunkAndDigest(this.digest.algorithm, buffer, {
      length,
      final: this.bytes.complete && region.end === this.bytes.length,
      options: { algorithm: this.options.algorithm, minSize: this.options.minSize, avgSize: this.options.avgSize, maxSize: this.options.maxSize },
      masks: core.masks,
      tables: (this.tables ??= core.tables()),
      module: gearModule(),
    });
    // Handled here too, so that a consumer who stops early leaves no unhandled rejection.
    region.reply.catch(() => undefined);
    this.atWorker++;
  }

  /** Chunks a region sent to the worker here after all (from `start`), withdrawing it there. */
  private takeBack(region: Region, start: number): void {
    const reply = region.reply!;
    this.thread!.withdraw(reply);
    // The answer (if the worker had already started) is ignored; its buffer is reused.
    reply.then((got) => got.buffer && this.spare.push(got.buffer), () => undefined);
    region.reply = undefined;
    this.atWorker--;
    region.cuts = start < region.end ? this.stitcher.speculate(start, region.end) : { start, ends: [] };
  }

  private async receive(region: Region): Promise<void> {
    const reply = region.reply!;
    const got = await reply;
    if (region.reply !== reply) return;
    this.atWorker--;
    region.reply = undefined;
    region.cuts = { start: region.start, ends: got.ends! };
    region.digests = got.digests;
    if (got.buffer) this.spare.push(got.buffer);
  }

  private emit(region: Region): DigestedChunk[] {
    const { gaps, from } = this.stitcher.stitch(region.cuts!);
    const out = this.withDigests(gaps);
    const { start, ends } = region.cuts!;
    const { digests, digestsFrom } = region;
    for (let j = from; j < ends.length; j++) {
      const offset = start + (j === 0 ? 0 : ends[j - 1]!);
      const end = start + ends[j]!;
      const bytes = this.bytes.view(offset, end);
      out.push({ offset, length: end - offset, bytes, digest: digests !== undefined && j >= digestsFrom ? digests.slice(64 * (j - digestsFrom), 64 * (j - digestsFrom) + 64) : this.digest.hashHex(bytes) });
    }
    return out;
  }

  private withDigests(chunks: readonly Chunk[]): DigestedChunk[] {
    return chunks.map(({ offset, length }) => {
      const bytes = this.bytes.view(offset, offset + length);
      return { offset, length, bytes, digest: this.digest.hashHex(bytes) };
    });
  }
}
