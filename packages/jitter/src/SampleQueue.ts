/**
 * @internal A FIFO of PCM samples, or only of their count in timing-only mode: the decoded audio
 * waiting to be played (NetEq's sync buffer).
 */
export class SampleQueue {
  private buf: Float32Array;
  private start = 0;
  /** Samples queued. */
  length = 0;
  readonly pcm: boolean;

  constructor(pcm: boolean, capacity: number) {
    this.pcm = pcm;
    this.buf = new Float32Array(pcm ? capacity : 0);
  }

  /** Appends `n` samples (their values when in PCM mode). */
  append(samples: Float32Array | number): void {
    const n = typeof samples === 'number' ? samples : samples.length;
    if (this.pcm) {
      this.reserve(n);
      if (typeof samples === 'number') this.buf.fill(0, this.start + this.length, this.start + this.length + n);
      else this.buf.set(samples, this.start + this.length);
    }
    this.length += n;
  }

  private reserve(n: number): void {
    if (this.start + this.length + n <= this.buf.length) return;
    if (this.length + n > this.buf.length) {
      const grown = new Float32Array(Math.max(this.buf.length * 2, this.length + n));
      grown.set(this.buf.subarray(this.start, this.start + this.length));
      this.buf = grown;
    } else this.buf.copyWithin(0, this.start, this.start + this.length);
    this.start = 0;
  }

  /** The first `n` queued samples (a view, valid until the next change). */
  head(n: number): Float32Array {
    return this.buf.subarray(this.start, this.start + Math.min(n, this.length));
  }

  /** Replaces the first `n` samples with `replacement` (any length). */
  replaceHead(n: number, replacement: Float32Array | number): void {
    const len = typeof replacement === 'number' ? replacement : replacement.length;
    if (this.pcm && typeof replacement !== 'number') {
      const rest = this.buf.slice(this.start + n, this.start + this.length);
      this.length = 0;
      this.start = 0;
      this.append(replacement);
      this.append(rest);
      return;
    }
    this.length += len - n;
  }

  /** Removes the first `n` samples, copying them into `out` in PCM mode. */
  shift(n: number, out: Float32Array | undefined): void {
    if (this.pcm && out) out.set(this.buf.subarray(this.start, this.start + n));
    this.start += this.pcm ? n : 0;
    this.length -= n;
    if (this.length === 0) this.start = 0;
  }

  /** Empties the queue. */
  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
