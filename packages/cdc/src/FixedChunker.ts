import type { Chunk, Chunker } from './Chunker.js';
import { requireBytes, requireOpen } from './inputGuard.js';
import type { ResolvedChunkerOptions } from './options.js';

/**
 * Fixed-size chunks of `avgSize` bytes: the baseline content-defined chunking is measured
 * against (one inserted byte shifts every later boundary). Keeps no bytes, only a count.
 */
export class FixedChunker implements Chunker {
  readonly options: ResolvedChunkerOptions;
  private start = 0;
  private pending = 0;
  private finished = false;

  /** @param options - resolved options; `avgSize` is the chunk size */
  constructor(options: ResolvedChunkerOptions) {
    this.options = options;
  }

  push(bytes: Uint8Array): Chunk[] {
    requireBytes(bytes, 'push(bytes)');
    requireOpen(this.finished);
    const size = this.options.avgSize;
    const out: Chunk[] = [];
    this.pending += bytes.length;
    while (this.pending >= size) {
      out.push({ offset: this.start, length: size });
      this.start += size;
      this.pending -= size;
    }
    return out;
  }

  finish(): Chunk[] {
    requireOpen(this.finished);
    this.finished = true;
    return this.pending > 0 ? [{ offset: this.start, length: this.pending }] : [];
  }
}
