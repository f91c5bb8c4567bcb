import type { Chunk, Chunker } from './Chunker.js';
import { requireBytes, requireOpen } from './inputGuard.js';
import type { ResolvedChunkerOptions } from './options.js';
import { newRabin, type RabinFingerprinter } from './rabin.js';

/**
 * Rabin fingerprint chunking through `rabin-wasm` (64-byte window, its default polynomial),
 * judging `round(log2(avgSize))` low bits after `minSize`. rabin-wasm keeps the rolling state
 * between calls and reports only finished chunks, so it streams as is.
 */
export class RabinChunker implements Chunker {
  readonly options: ResolvedChunkerOptions;
  private readonly rabin: RabinFingerprinter;
  private offset = 0;
  private consumed = 0;
  private finished = false;

  /** @param options - resolved options with algorithm `rabin` */
  constructor(options: ResolvedChunkerOptions) {
    this.options = options;
    this.rabin = newRabin(Math.round(Math.log2(options.avgSize)), options.minSize, options.maxSize);
  }

  push(bytes: Uint8Array): Chunk[] {
    requireBytes(bytes, 'push(bytes)');
    requireOpen(this.finished);
    this.consumed += bytes.length;
    if (bytes.length === 0) return [];
    const lengths = this.rabin.fingerprint(bytes);
    const out: Chunk[] = [];
    for (let i = 0; i < lengths.length; i++) {
      const length = lengths[i]!;
      out.push({ offset: this.offset, length });
      this.offset += length;
    }
    return out;
  }

  finish(): Chunk[] {
    requireOpen(this.finished);
    this.finished = true;
    const rest = this.consumed - this.offset;
    return rest > 0 ? [{ offset: this.offset, length: rest }] : [];
  }
}
