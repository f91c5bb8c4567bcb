/**
 * The bytes of a source held wholly in memory (a Uint8Array or an array of them), addressed by
 * absolute offset across its pieces. The pieces are not copied; a range that spans pieces is.
 */
export class HeldBytes {
  /** Total bytes. */
  readonly length: number;
  private readonly pieces: Uint8Array[] = [];
  private readonly starts: number[] = [];

  /** @param pieces - the source's pieces, in order (empty ones are skipped) */
  constructor(pieces: readonly Uint8Array[]) {
    let at = 0;
    for (const p of pieces) {
      if (p.length === 0) continue;
      this.pieces.push(p);
      this.starts.push(at);
      at += p.length;
    }
    this.length = at;
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
