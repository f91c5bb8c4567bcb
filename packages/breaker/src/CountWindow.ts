import type { OutcomeWindow } from './OutcomeWindow.js';

/**
 * The last `size` outcomes, as two ring bitsets (failed, slow) with running totals:
 * two bits of state per call, O(1) per call.
 */
export class CountWindow implements OutcomeWindow {
  calls = 0;
  failures = 0;
  slowCalls = 0;
  private pos = 0;
  private readonly size: number;
  // Word i holds failed bits in [2i] and slow bits in [2i+1]. A plain array of small integers
  // costs V8 about half of what a typed array does at this size (no ArrayBuffer behind it).
  private readonly bits: number[];

  /** @param size - how many recent calls the window holds (>= 1) */
  constructor(size: number) {
    this.size = size;
    this.bits = new Array<number>(2 * Math.ceil(size / 32)).fill(0);
  }

  advance(): void {}

  record(_now: number, failed: boolean, slow: boolean): void {
    const word = (this.pos >>> 5) << 1;
    const mask = 1 << (this.pos & 31);
    const bits = this.bits;
    if (this.calls === this.size) {
      if ((bits[word]! & mask) !== 0) this.failures--;
      if ((bits[word + 1]! & mask) !== 0) this.slowCalls--;
    } else {
      this.calls++;
    }
    if (failed) {
      bits[word] = bits[word]! | mask;
      this.failures++;
    } else bits[word] = bits[word]! & ~mask;
    if (slow) {
      bits[word + 1] = bits[word + 1]! | mask;
      this.slowCalls++;
    } else bits[word + 1] = bits[word + 1]! & ~mask;
    this.pos = this.pos + 1 === this.size ? 0 : this.pos + 1;
  }

  clear(): void {
    this.bits.fill(0);
    this.calls = this.failures = this.slowCalls = this.pos = 0;
  }
}
