import type { Chunk, Chunker } from './Chunker.js';
import { cutBounds } from './fastcdcBounds.js';
import { GearCore } from './GearCore.js';
import { gearCuts, type GearCutState } from './gearCuts.js';
import { requireBytes, requireOpen } from './inputGuard.js';
import { masksFor } from './masks.js';
import type { ResolvedChunkerOptions } from './options.js';

// Bytes copied into the WebAssembly window per step beyond maxSize: large enough that moving the
// unfinished tail (< maxSize) back to the front costs little, small enough to stay in cache.
const SLICE = 1 << 20;

// Idle chunkers kept for reuse, by options: setting up a core (a WebAssembly instance, its
// memory, the gear tables) costs a few hundred microseconds, as much as chunking a few hundred
// KiB, and a service chunks many small uploads with the same options.
const idle = new Map<string, GearChunker[]>();
let idleBytes = 0;
const IDLE_BYTES = 16 << 20;
const keyOf = (o: ResolvedChunkerOptions): string => `${o.algorithm}/${o.minSize}/${o.avgSize}/${o.maxSize}/${o.normalization}/${o.seed}`;

/**
 * FastCDC (2016 or 2020) over a WebAssembly window of `maxSize + max(maxSize, 1 MiB)` bytes:
 * input is copied in slice by slice, cut ({@link gearCuts}), and the unfinished chunk moved to
 * the front.
 *
 * While more input may come, a position is judged only if at least one byte follows it, and the
 * search resumes where the previous push stopped (with its hash), so pushes cost the same as one
 * big buffer and give the same cuts.
 */
export class GearChunker implements Chunker {
  readonly options: ResolvedChunkerOptions;
  /** The WebAssembly core (its module, tables and masks also serve the digest worker). */
  readonly core: GearCore;
  private readonly capacity: number;
  private base = 0; // absolute offset of window[0]
  private fill = 0; // bytes in the window
  private readonly state: GearCutState = { chunkAt: 0, resumeAt: 0, resumeLo: 0, resumeHi: 0 };
  private readonly ends: number[] = [];
  private finished = false;

  /** @param options - resolved options with a FastCDC algorithm */
  constructor(options: ResolvedChunkerOptions) {
    this.options = options;
    this.capacity = options.maxSize + Math.max(options.maxSize, SLICE);
    this.core = new GearCore(this.capacity, options.seed);
    const masks = masksFor(options.avgSize, options.normalization);
    this.core.setMasks(masks.small, masks.large);
  }

  /**
   * A chunker for these options: an idle one put back with {@link GearChunker.release}, or a new one.
   * @param options - resolved options with a FastCDC algorithm
   * @returns a chunker at offset 0
   */
  static acquire(options: ResolvedChunkerOptions): GearChunker {
    const c = idle.get(keyOf(options))?.pop();
    if (!c) return new GearChunker(options);
    idleBytes -= c.capacity;
    c.reset(0);
    return c;
  }

  /**
   * Puts a chunker back for {@link GearChunker.acquire} (idle ones hold at most 16 MiB; the
   * longest idle go first).
   * The caller must not use it again.
   * @param chunker - a chunker from {@link GearChunker.acquire}
   */
  static release(chunker: GearChunker): void {
    if (chunker.capacity > IDLE_BYTES) return;
    const key = keyOf(chunker.options);
    const list = idle.get(key) ?? [];
    if (list.includes(chunker)) return;
    // Over budget: let go of the longest-idle ones (oldest options first), keeping the latest.
    for (const [k, l] of idle) {
      while (idleBytes + chunker.capacity > IDLE_BYTES && l.length > 0) idleBytes -= l.shift()!.capacity;
      if (l.length === 0 && k !== key) idle.delete(k);
      if (idleBytes + chunker.capacity <= IDLE_BYTES) break;
    }
    list.push(chunker);
    idle.set(key, list);
    idleBytes += chunker.capacity;
  }

  /**
   * Starts over as a fresh chunker whose input begins at absolute offset `base` (chunk offsets
   * count from there): reuses the WebAssembly core, which is costly to set up.
   * @param base - the absolute offset of the next byte pushed
   */
  reset(base: number): void {
    this.base = base;
    this.fill = 0;
    this.state.chunkAt = 0;
    this.state.resumeAt = 0;
    this.finished = false;
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
    const { chunkAt } = this.state;
    this.core.window.copyWithin(0, chunkAt, this.fill);
    this.base += chunkAt;
    this.fill -= chunkAt;
    if (this.state.resumeAt > 0) this.state.resumeAt -= chunkAt;
    this.state.chunkAt = 0;
  }

  private cut(out: Chunk[], final: boolean): void {
    const { ends } = this;
    let at = this.state.chunkAt;
    gearCuts(this.core.exports, cutBounds, this.options, GearCore.DATA_AT, this.fill, final, this.state, ends);
    for (const end of ends) {
      out.push({ offset: this.base + at, length: end - at });
      at = end;
    }
    ends.length = 0;
  }
}
