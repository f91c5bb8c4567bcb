import { finiteAtLeast, integerIn, optionAtLeast } from './check.js';
import { SimulcastError } from './errors.js';

/** Liveness of an incoming stream. */
export type StreamStatus = 'live' | 'dtx' | 'dead';

/** Tuning of {@link StreamMonitor}. */
export interface StreamMonitorOptions {
  /** The clock, in milliseconds. @defaultValue `() => performance.now()` */
  readonly now?: () => number;
  /** A gap longer than this (but shorter than `deadAfterMs`) reads as DTX silence. @defaultValue 100 */
  readonly dtxAfterMs?: number;
  /** No packet for this long reads as a dead stream; Opus DTX sends one every 400 ms. @defaultValue 1500 */
  readonly deadAfterMs?: number;
}

/** Counters of a {@link StreamMonitor}. */
export interface StreamStats {
  readonly received: number;
  /** Packets missing from the sequence-number space (never inferred from elapsed time). */
  readonly lost: number;
  readonly duplicates: number;
  readonly lossRatio: number;
}

/**
 * Watches one RTP stream's 16-bit sequence numbers. Loss is counted only from sequence gaps, never
 * from elapsed time, so Opus DTX (a packet every 400 ms in silence, sequence numbers unbroken)
 * reads as `dtx`, not as a dead or lossy stream.
 *
 * @example
 * ```ts
 * const mon = new StreamMonitor({ now: () => clock.ms });
 * mon.onPacket(rtp.sequenceNumber);
 * if (mon.status() === 'dead') unsubscribe();
 * ```
 */
export class StreamMonitor {
  private readonly now: () => number;
  private readonly dtxAfterMs: number;
  private readonly deadAfterMs: number;
  private highest = -1;
  private lastMs = -Infinity;
  private received = 0;
  private lost = 0;
  private duplicates = 0;
  private readonly recent = new Set<number>();

  /**
   * @param options - clock and thresholds
   * @throws {@link SimulcastError} `INVALID_OPTION` for invalid thresholds
   */
  constructor(options: StreamMonitorOptions = {}) {
    this.now = options.now ?? (() => performance.now());
    this.dtxAfterMs = optionAtLeast(options.dtxAfterMs, 100, 0, 'dtxAfterMs');
    this.deadAfterMs = optionAtLeast(options.deadAfterMs, 1500, 0, 'deadAfterMs');
    if (this.deadAfterMs < this.dtxAfterMs) throw new SimulcastError('INVALID_OPTION', 'deadAfterMs must be >= dtxAfterMs');
  }

  /**
   * Records one packet.
   *
   * @param seq - its 16-bit RTP sequence number
   * @throws {@link SimulcastError} `INVALID_PACKET` unless seq is an integer in [0, 65535]
   */
  onPacket(seq: number): void {
    integerIn(seq, 0, 0xffff, 'seq', 'INVALID_PACKET');
    this.lastMs = finiteAtLeast(this.now(), -Infinity, 'now()', 'INVALID_OPTION');
    if (this.highest < 0) {
      this.highest = seq;
      this.received = 1;
      this.recent.add(seq);
      return;
    }
    const ahead = (seq - this.highest + 0x10000) & 0xffff;
    if (ahead === 0 || (ahead >= 0x8000 && this.recent.has(seq))) {
      this.duplicates++;
      return;
    }
    this.received++;
    if (ahead < 0x8000) {
      // Jumps of over half the space are treated as reordering, not as 30k lost packets.
      this.lost += ahead - 1;
      this.highest = seq;
    } else if (this.lost > 0) {
      this.lost--; // a late packet fills a gap counted as lost
    }
    this.recent.add(seq);
    if (this.recent.size > 512) this.recent.delete(this.recent.values().next().value as number);
  }

  /**
   * The stream's liveness now.
   *
   * @returns `live`, `dtx` (silence with keep-alive packets) or `dead`
   */
  status(): StreamStatus {
    const gap = this.now() - this.lastMs;
    if (!(gap <= this.deadAfterMs)) return 'dead';
    return gap > this.dtxAfterMs ? 'dtx' : 'live';
  }

  /**
   * Counters so far.
   *
   * @returns received, lost, duplicate counts and the loss ratio
   */
  stats(): StreamStats {
    const total = this.received + this.lost;
    return { received: this.received, lost: this.lost, duplicates: this.duplicates, lossRatio: total === 0 ? 0 : this.lost / total };
  }
}
