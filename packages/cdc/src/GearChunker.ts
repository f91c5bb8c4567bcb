import type { Chunk, Chunker } from './Chunker.js';
import { cutBounds } from './fastcdcBounds.js';
import { GearCore } from './GearCore.js';
import { requireBytes, requireOpen } from './inputGuard.js';
import { masksFor } from './masks.js';
import type { ResolvedChunkerOptions } from './options.js';

// Bytes copied into the WebAssembly window per step beyond maxSize: large enough that moving the
// unfinished tail (< maxSize) back to the front costs little, small enough to stay in cache.
const SLICE = 1 << 20;

/**
 * FastCDC (2016 or 2020) over a WebAssembly window of `maxSize + max(maxSize, 1 MiB)` bytes:
 * input is copied in slice by slice, cut, and the unfinished chunk moved to the front.
 *
 * While more input may come, a position is judged only if at least one byte follows it, and the
 * search resumes where the previous push stopped (with its hash), so pushes cost the same as one
 * big buffer and give the same cuts.
 */
export class GearChunker implements Chunker {
  readonly options: ResolvedChunkerOptions;
  private readonly core: GearCore;
  private readonly capacity: number;
  private base = 0; // absolute offset of window[0]
  private fill = 0; // bytes in the window
  private chunkAt = 0; // window position where the current chunk starts
  private resumeAt = 0; // window position up to which the current chunk was judged (0: not yet)
  private resumeHash = 0n;
  private finished = false;

  /** @param options - resolved options with a FastCDC algorithm */
  constructor(options: ResolvedChunkerOptions) {
    this.options = options;
    this.capacity = options.maxSize + Math.max(options.maxSize, SLICE);
    this.core = new GearCore(this.capacity, options.seed);
    const masks = masksFor(options.avgSize, options.normalization);
    this.core.setMasks(masks.small, masks.large);
  }

  push(bytes: Uint8Array): Chunk[] {
    requireBytes(bytes, 'push(bytes)');
    requireOpen(this.finished);
    const out: Chunk[] = [];
    let i = 0;
    while (i < bytes.length) {
      if (this.fill === this.capacity) this.compact();
      const n = Math.min(bytes.length - i, this.capacity - this.fill);
      this.core.window.set(bytes.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      this.cut(out, false);
    }
    return out;
  }

  finish(): Chunk[] {
    requireOpen(this.finished);
    this.finished = true;
    const out: Chunk[] = [];
    this.cut(out, true);
    return out;
  }

  private compact(): void {
    this.core.window.copyWithin(0, this.chunkAt, this.fill);
    this.base += this.chunkAt;
    this.fill -= this.chunkAt;
    if (this.resumeAt > 0) this.resumeAt -= this.chunkAt;
    this.chunkAt = 0;
  }

  private cut(out: Chunk[], final: boolean): void {
    const { maxSize } = this.options;
    for (;;) {
      const avail = this.fill - this.chunkAt;
      if (avail === 0) return;
      const decided = final || avail >= maxSize;
      const b = cutBounds(this.options, decided ? avail : Infinity);
      let length: number;
      if (b.whole) length = b.fallback;
      else {
        // Not decided: judge only positions with a byte after them (see the class comment).
        const limit = decided ? Infinity : avail - 1;
        const from = this.resumeAt > 0 ? this.resumeAt - this.chunkAt : b.start;
        const smallEnd = Math.min(b.smallEnd, limit);
        const largeEnd = Math.min(b.largeEnd, limit);
        if (from >= largeEnd && !decided) return;
        const at = this.chunkAt;
        const p = this.core.scan(at + from, at + smallEnd, at + largeEnd, this.resumeAt > 0 ? this.resumeHash : 0n);
        if (p >= 0) length = p - at;
        else if (decided) length = b.fallback;
        else {
          this.resumeAt = at + Math.max(from, largeEnd);
          this.resumeHash = this.core.lastHash();
          return;
        }
      }
      out.push({ offset: this.base + this.chunkAt, length });
      this.chunkAt += length;
      this.resumeAt = 0;
    }
  }
}
