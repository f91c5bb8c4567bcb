// The CPU peer for timing-only playout: the simplest pull-based fixed-delay buffer (a Map by
// sequence number, playout a fixed time behind the first packet), what one writes without NetEq.
export class FixedDelayBuffer {
  private readonly packets = new Map<number, number>();
  private startMs: number | undefined;
  private next = 0;
  private left = 0;

  constructor(private readonly delayMs: number, private readonly blockMs: number) {}

  push(seq: number, arrivalMs: number): void {
    if (this.startMs === undefined) {
      this.startMs = arrivalMs + this.delayMs;
      this.next = seq;
    }
    if (seq >= this.next) this.packets.set(seq, arrivalMs);
  }

  /** Returns the sequence numbers consumed by this block (-1 for a concealed packet). */
  pull(nowMs: number): number[] {
    const out: number[] = [];
    if (this.startMs === undefined || nowMs < this.startMs) return out;
    this.left -= this.blockMs;
    while (this.left < 0) {
      out.push(this.packets.delete(this.next) ? this.next : -1);
      this.next++;
      this.left += 20;
    }
    return out;
  }
}
