import { WireError } from './WireError.js';

/** Options of {@link HeartbeatMonitor}. */
export interface HeartbeatMonitorOptions {
  /** The interval announced in Hello, in ms. */
  intervalMs: number;
  /**
   * How many intervals may pass without a heartbeat before the peer counts as a zombie.
   * Above 1 to allow for network delay.
   * @defaultValue 1.5
   */
  tolerance?: number;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
}

function checkInterval(intervalMs: number): void {
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new WireError('invalid-field', 'intervalMs must be a positive number', 'intervalMs');
}

/**
 * Server side: expects a heartbeat from the client every interval and says when it is a zombie
 * (connected at the TCP level but silent). Nothing runs in the background; the server asks
 * {@link HeartbeatMonitor.isZombie} when its own sweep comes round.
 *
 * @example
 * ```ts
 * const hb = new HeartbeatMonitor({ intervalMs: 41_250 });
 * onFrame(Op.Heartbeat, () => hb.beat());
 * setInterval(() => { if (hb.isZombie()) socket.terminate(); }, 5_000);
 * ```
 */
export class HeartbeatMonitor {
  /** The interval in ms. */
  readonly intervalMs: number;
  private readonly limitMs: number;
  private readonly now: () => number;
  private last: number;

  /** @throws {@link WireError} `invalid-field` for a non-positive interval or a tolerance below 1. */
  constructor(options: HeartbeatMonitorOptions) {
    checkInterval(options.intervalMs);
    const tolerance = options.tolerance ?? 1.5;
    if (!(tolerance >= 1) || !Number.isFinite(tolerance)) throw new WireError('invalid-field', 'tolerance must be a finite number >= 1', 'tolerance');
    this.intervalMs = options.intervalMs;
    this.limitMs = options.intervalMs * tolerance;
    this.now = options.now ?? Date.now;
    this.last = this.now();
  }

  /** Records a heartbeat (or any sign of life). */
  beat(): void {
    this.last = this.now();
  }

  /** Ms left before the peer counts as a zombie (negative once it does). */
  msUntilZombie(): number {
    return this.last + this.limitMs - this.now();
  }

  /** True when no heartbeat came within `tolerance` intervals. */
  isZombie(): boolean {
    return this.msUntilZombie() < 0;
  }
}

/** Options of {@link HeartbeatScheduler}. */
export interface HeartbeatSchedulerOptions {
  /** The interval from Hello, in ms. */
  intervalMs: number;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
  /**
   * Source of the first beat's jitter in [0, 1), so that clients reconnecting together do not
   * beat together. @defaultValue Math.random
   */
  random?: () => number;
}

/**
 * Client side: says when to send the next heartbeat, and that the server is a zombie when a
 * heartbeat went unacknowledged until the next one was due (then reconnect and resume).
 *
 * @example
 * ```ts
 * const hb = new HeartbeatScheduler({ intervalMs: hello.d.heartbeatIntervalMs });
 * setTimeout(function tick() {
 *   if (hb.isZombie()) return reconnect();
 *   if (hb.due()) { socket.send(encodeFrame({ op: Op.Heartbeat, d: lastSeq })); hb.sent(); }
 *   setTimeout(tick, Math.max(0, hb.msUntilDue()));
 * }, 0);
 * ```
 */
export class HeartbeatScheduler {
  /** The interval in ms. */
  readonly intervalMs: number;
  private readonly now: () => number;
  private nextAt: number;
  private awaitingAck = false;

  /** @throws {@link WireError} `invalid-field` for a non-positive interval. */
  constructor(options: HeartbeatSchedulerOptions) {
    checkInterval(options.intervalMs);
    this.intervalMs = options.intervalMs;
    this.now = options.now ?? Date.now;
    const jitter = Math.min(Math.max((options.random ?? Math.random)(), 0), 1);
    this.nextAt = this.now() + options.intervalMs * jitter;
  }

  /** Ms until the next heartbeat is due (0 or negative: now). */
  msUntilDue(): number {
    return this.nextAt - this.now();
  }

  /** True when a heartbeat should be sent now. */
  due(): boolean {
    return this.msUntilDue() <= 0;
  }

  /** Records that a heartbeat was sent; the next is due one interval later. */
  sent(): void {
    this.awaitingAck = true;
    this.nextAt = this.now() + this.intervalMs;
  }

  /** Records a HeartbeatAck. */
  acked(): void {
    this.awaitingAck = false;
  }

  /** True when the last heartbeat is still unacknowledged and the next one is already due. */
  isZombie(): boolean {
    return this.awaitingAck && this.due();
  }
}
