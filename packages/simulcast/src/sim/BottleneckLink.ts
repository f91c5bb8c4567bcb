import { optionAtLeast } from '../check.js';
import type { CapacityTrace } from './CapacityTrace.js';

/** Options of {@link BottleneckLink}. */
export interface LinkOptions {
  /** Drop-tail queue limit in bytes. @defaultValue 100_000 */
  readonly queueLimitBytes?: number;
}

/** A packet crossing the link. */
export interface LinkPacket {
  readonly seq: number;
  readonly sizeBytes: number;
  /** When it entered the queue (set by {@link BottleneckLink.enqueue}). */
  enqueuedMs: number;
  /** When the sender produced it, before any pacing; delay figures count from here. */
  readonly createdMs?: number;
}

/**
 * A FIFO drop-tail bottleneck replaying a capacity trace: every millisecond it may deliver the
 * bytes the trace allows (unused capacity is lost, as in mahimahi), a packet larger than what is
 * left waits for the next slots.
 *
 * @example
 * ```ts
 * const link = new BottleneckLink(trace);
 * link.enqueue({ seq: 1, sizeBytes: 1200, enqueuedMs: 0 }, 0);
 * link.step(0, (p, at) => console.log(p.seq, 'arrived at', at));
 * ```
 */
export class BottleneckLink {
  private readonly trace: CapacityTrace;
  private readonly limit: number;
  private readonly queue: LinkPacket[] = [];
  private head = 0;
  private headLeft = 0;
  private bytes = 0;
  /** Packets dropped by the full queue. */
  dropped = 0;

  /**
   * @param trace - capacity over time
   * @param options - queue limit
   * @throws `SimulcastError` (from `@chorus/simulcast`) `INVALID_OPTION` for an invalid limit
   */
  constructor(trace: CapacityTrace, options: LinkOptions = {}) {
    this.trace = trace;
    this.limit = optionAtLeast(options.queueLimitBytes, 100_000, 1500, 'queueLimitBytes');
  }

  /** Bytes waiting in the queue. */
  get queuedBytes(): number {
    return this.bytes;
  }

  /**
   * Offers a packet to the queue.
   *
   * @param p - the packet
   * @param nowMs - the current time
   * @returns false when the queue was full and the packet was dropped
   */
  enqueue(p: LinkPacket, nowMs: number): boolean {
    if (this.bytes + p.sizeBytes > this.limit) {
      this.dropped++;
      return false;
    }
    p.enqueuedMs = nowMs;
    if (this.head === this.queue.length) this.headLeft = p.sizeBytes;
    this.queue.push(p);
    this.bytes += p.sizeBytes;
    return true;
  }

  /**
   * Runs the link for the millisecond starting at `nowMs`.
   *
   * @param nowMs - an integer millisecond
   * @param deliver - called for each packet that completes, with its arrival time
   */
  step(nowMs: number, deliver: (p: LinkPacket, arrivalMs: number) => void): void {
    const t = this.trace;
    let credit = t.bytesPerSlot[Math.floor(nowMs / t.slotMs) % t.bytesPerSlot.length]! / t.slotMs;
    while (credit > 0 && this.head < this.queue.length) {
      if (this.headLeft > credit) {
        this.headLeft -= credit;
        return;
      }
      credit -= this.headLeft;
      const p = this.queue[this.head++]!;
      this.bytes -= p.sizeBytes;
      deliver(p, nowMs + 1);
      if (this.head < this.queue.length) this.headLeft = this.queue[this.head]!.sizeBytes;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
  }
}
