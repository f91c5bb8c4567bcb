/**
 * Bytes of a source addressed by absolute offset across its pieces: either a source held wholly
 * in memory (a Uint8Array or an array of them, `complete` from the start), or a window over a
 * stream, appended to as pieces arrive and released from the front once read. Pieces are not
 * copied here; a range that spans pieces is.
 */
export class HeldBytes {
  /** End of the bytes held (the input's length once {@link complete}). */
  length = 0;
  /** Whether the input ends at {@link length}. */
  complete: boolean;
  private readonly pieces: Uint8Array[] = [];
  private readonly starts: number[] = [];

  /**
   * @param pieces - the first pieces, in order (empty ones are skipped)
   * @param complete - whether they are the whole input
   */
  constructor(pieces: readonly Uint8Array[], complete = true) {
    for (const p of pieces) this.append(p);
    this.complete = complete;
  }

  /**
   * Adds the next piece (kept as it is: copy it first if its owner may reuse it).
   * @param piece - the bytes that follow {@link length}
   */
  append(piece: Uint8Array): void {
    if (piece.length === 0) return;
    const last = this.pieces.length - 1;
    const prev = this.pieces[last];
    if (prev && prev.buffer === piece.buffer && prev.byteOffset + prev.length === piece.byteOffset) {
      // The next bytes of the same buffer: one piece, so that chunks across them stay views.
      this.pieces[last] = new Uint8Array(prev.buffer, prev.byteOffset, prev.length + piece.length);
      this.length += piece.length;
      return;
    }
    this.pieces.push(piece);
    this.starts.push(this.length);
    this.length += piece.length;
  }

  /**
   * Lets go of the pieces that end at or before `offset` (no longer read).
   * @param offset - the first byte still needed
   */
  releaseBefore(offset: number): void {
    let n = 0;
    while (n < this.pieces.length && this.starts[n]! + this.pieces[n]!.length <= offset) n++;
    if (n === 0) return;
    this.pieces.splice(0, n);
    this.starts.splice(0, n);
  }

  /** Index of the piece holding `offset` (0 <= offset < length). */
  private pieceAt(offset: number): number {
    let lo = 0;
    let hi = this.pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * The views that make up `[from, to)`, in order.
   * @param from - first byte
   * @param to - end (exclusive)
   * @returns views of the pieces
   */
  *slices(from: number, to: number): Generator<Uint8Array> {
    if (from >= to) return;
    for (let i = this.pieceAt(from); i < this.pieces.length && this.starts[i]! < to; i++) {
      const start = this.starts[i]!;
      yield this.pieces[i]!.subarray(Math.max(from, start) - start, Math.min(to, start + this.pieces[i]!.length) - start);
    }
  }

  /**
   * The bytes `[from, to)`: a view when they lie in one piece, else a copy.
   * @param from - first byte
   * @param to - end (exclusive)
   * @returns the bytes
   */
  view(from: number, to: number): Uint8Array {
    if (from >= to) return new Uint8Array(0);
    const i = this.pieceAt(from);
    const start = this.starts[i]!;
    const piece = this.pieces[i]!;
    if (to <= start + piece.length) return piece.subarray(from - start, to - start);
    const out = new Uint8Array(to - from);
    this.copyTo(out, from, to);
    return out;
  }

  /**
   * Copies `[from, to)` to the start of `target`.
   * @param target - at least `to - from` bytes
   * @param from - first byte
   * @param to - end (exclusive)
   */
  copyTo(target: Uint8Array, from: number, to: number): void {
    let at = 0;
    for (const s of this.slices(from, to)) {
      target.set(s, at);
      at += s.length;
    }
  }
}
