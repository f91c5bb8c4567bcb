import { systemClock, type Clock, type TimerHandle } from './Clock.js';
import { subscribe } from './listeners.js';
import { checkKeys, duration, integer, invalid } from './options.js';
import { Timeout } from './Timeout.js';

/** What a {@link HealthChecker} believes about its target. */
export type HealthStatus = 'unknown' | 'healthy' | 'unhealthy';

/** Options of {@link HealthChecker}. */
export interface HealthCheckerOptions {
  /** One check; resolving means healthy, throwing or rejecting means unhealthy. Receives a signal that fires at `timeoutMs`. */
  readonly probe: (signal: AbortSignal | undefined) => unknown;
  /** Time between the end of one probe and the start of the next. @defaultValue 5_000 */
  readonly intervalMs?: number;
  /** A probe slower than this fails. @defaultValue 1_000 */
  readonly timeoutMs?: number;
  /** Consecutive successes that make the target healthy. @defaultValue 2 */
  readonly healthyThreshold?: number;
  /** Consecutive failures that make it unhealthy. @defaultValue 3 */
  readonly unhealthyThreshold?: number;
  /** @defaultValue {@link systemClock} */
  readonly clock?: Clock;
}

/** What `'change'` listeners receive. */
export interface HealthChange {
  readonly from: HealthStatus;
  readonly to: HealthStatus;
  readonly at: number;
  /** The probe's error when the change is to unhealthy. */
  readonly error?: unknown;
}

const P = 'health-checker';

/**
 * Probes a target periodically: healthy after `healthyThreshold` consecutive successes,
 * unhealthy after `unhealthyThreshold` consecutive failures (so one blip changes nothing).
 * Probes never overlap: the next is scheduled when the previous ends. It runs a timer only
 * between {@link HealthChecker.start} and {@link HealthChecker.stop}.
 *
 * @example
 * ```ts
 * const health = new HealthChecker({ probe: (signal) => db.ping({ signal }), intervalMs: 5_000 });
 * health.on('change', (c) => log(`db is ${c.to}`));
 * health.start();
 * ```
 */
export class HealthChecker {
  private readonly probe: (signal: AbortSignal | undefined) => unknown;
  private readonly intervalMs: number;
  private readonly limit: Timeout;
  private readonly healthyAfter: number;
  private readonly unhealthyAfter: number;
  private readonly clock: Clock;
  private current: HealthStatus = 'unknown';
  private successes = 0;
  private failures = 0;
  private timer: TimerHandle | undefined;
  private running = false;
  private inProbe: Promise<HealthStatus> | undefined;
  private readonly listeners: Array<(change: HealthChange) => void> = [];

  /**
   * @param options - see {@link HealthCheckerOptions}
   * @throws BreakerError `INVALID_OPTION` when `probe` is not a function or a number is out of range
   */
  constructor(options: HealthCheckerOptions) {
    const o = checkKeys(P, options, ['probe', 'intervalMs', 'timeoutMs', 'healthyThreshold', 'unhealthyThreshold', 'clock']);
    if (typeof o.probe !== 'function') invalid(P, 'probe', o.probe, 'a function');
    this.probe = o.probe;
    this.intervalMs = duration(P, 'intervalMs', o.intervalMs, 5_000);
    this.healthyAfter = integer(P, 'healthyThreshold', o.healthyThreshold, 2, 1, 1_000_000);
    this.unhealthyAfter = integer(P, 'unhealthyThreshold', o.unhealthyThreshold, 3, 1, 1_000_000);
    this.clock = o.clock ?? systemClock;
    if (typeof this.clock.setTimeout !== 'function') invalid(P, 'clock', this.clock, 'a Clock with setTimeout');
    this.limit = new Timeout({ ms: duration(P, 'timeoutMs', o.timeoutMs, 1_000), clock: this.clock });
  }

  /** The current belief. */
  get status(): HealthStatus {
    return this.current;
  }

  /**
   * @param listener - called on every status change
   * @returns a function that removes the listener
   */
  on(_type: 'change', listener: (change: HealthChange) => void): () => void {
    return subscribe(this.listeners, listener);
  }

  /** Probes now and then every `intervalMs` until {@link HealthChecker.stop}. Calling it twice changes nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  /** Stops probing (a probe in flight still finishes and is counted). */
  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * Runs one probe now (or joins the one in flight) and counts it.
   *
   * @returns the status after it
   */
  check(): Promise<HealthStatus> {
    this.inProbe ??= this.limit
      .execute((signal) => this.probe(signal))
      .then(
        () => this.count(true, undefined),
        (err: unknown) => this.count(false, err),
      )
      .finally(() => {
        this.inProbe = undefined;
      });
    return this.inProbe;
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    await this.check();
    if (this.running && this.timer === undefined) this.timer = this.clock.setTimeout(() => void this.tick(), this.intervalMs);
  }

  private count(ok: boolean, error: unknown): HealthStatus {
    if (ok) {
      this.successes++;
      this.failures = 0;
      if (this.current !== 'healthy' && this.successes >= this.healthyAfter) this.change('healthy', undefined);
    } else {
      this.failures++;
      this.successes = 0;
      if (this.current !== 'unhealthy' && this.failures >= this.unhealthyAfter) this.change('unhealthy', error);
    }
    return this.current;
  }

  private change(to: HealthStatus, error: unknown): void {
    const change: HealthChange = error === undefined ? { from: this.current, to, at: this.clock.now() } : { from: this.current, to, at: this.clock.now(), error };
    this.current = to;
    for (const l of this.listeners.slice()) l(change);
  }
}
