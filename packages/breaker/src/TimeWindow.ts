import type { OutcomeWindow } from './OutcomeWindow.js';

/**
 * The outcomes of the last `ms` milliseconds, as a ring of `buckets` buckets of `ms / buckets`
 * each with running totals. The current bucket is partly filled, so the window spans between
 * `ms - ms / buckets` and `ms` of history. O(1) per call: advancing clears at most `buckets`
 * slots, whatever the gap since the last call, and nothing runs between calls.
 */
export class TimeWindow implements OutcomeWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  private readonly bucketMs: number;
  private readonly n: number;
  // Bucket i: calls at [3i], failures at [3i+1], slow calls at [3i+2].
  // A plain array of small integers: cheaper in V8 than a typed array of this size.
  private readonly counts: number[];
  private head = Number.NEGATIVE_INFINITY;

  /**
   * @param ms - the span of history judged
   * @param buckets - how many buckets it is cut into (finer = smoother ageing, more memory)
   */
  constructor(ms: number, buckets: number) {
    this.bucketMs = ms / buckets;
    this.n = buckets;
    this.counts = new Array<number>(3 * buckets).fill(0);
  }

  advance(now: number): void {
    const epoch = Math.floor(now / this.bucketMs);
    if (epoch <= this.head) return; // same bucket, or a clock that stepped back: keep the head
    const steps = epoch - this.head;
    if (steps >= this.n) {
      if (this.calls !== 0) this.clear();
    } else {
      const c = this.counts;
      for (let k = 1; k <= steps; k++) {
        const i = 3 * mod(epoch - steps + k, this.n);
        this.calls -= c[i]!;
        this.failures -= c[i + 1]!;
        this.slowCalls -= c[i + 2]!;
        c[i] = c[i + 1] = c[i + 2] = 0;
      }
    }
    this.head = epoch;
  }

  record(now: number, failed: boolean, slow: boolean): void {
    this.advance(now);
    const i = 3 * mod(this.head, this.n);
    const c = this.counts;
    c[i] = c[i]! + 1;
    this.calls++;
    if (failed) {
      c[i + 1] = c[i + 1]! + 1;
      this.failures++;
    }
    if (slow) {
      c[i + 2] = c[i + 2]! + 1;
      this.slowCalls++;
    }
  }

  clear(): void {
    this.counts.fill(0);
    this.calls = this.failures = this.slowCalls = 0;
  }
}

// Bucket index of an epoch; epochs are negative when a clock starts below zero.
function mod(a: number, n: number): number {
  const r = a % n;
  return r < 0 ? r + n : r;
}
