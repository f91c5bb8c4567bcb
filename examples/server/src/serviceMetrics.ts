import { createHash, timingSafeEqual } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadShedder } from '@chorus/breaker';
import type { Api } from './Api.js';
import type { Gateway } from './Gateway.js';
import { METHODS } from './Api.js';
import { exposition, RequestMetrics, type MetricFamily } from './metrics.js';
import type { Priority } from './routes.js';

/** What `GET /metrics` reports on, and how it is guarded. */
export interface ServiceMetricsOptions {
  api: Api;
  gateway: Gateway;
  shedder: LoadShedder<Priority>;
  /** The bearer token a scraper must send (see `CHORUS_METRICS_TOKEN`). */
  token: string;
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * The service's Prometheus metrics: requests by route and status with their durations (over
 * HTTP and the gateway alike), gateway connections, sessions and dispatches, the load shedder's
 * admissions and sheds, event-loop delay and the process's memory and CPU. Node-only.
 */
export class ServiceMetrics {
  private readonly requests = new RequestMetrics();
  private readonly loop = monitorEventLoopDelay({ resolution: 10 });
  private readonly tokenDigest: Buffer;

  /** @param options - see {@link ServiceMetricsOptions} */
  constructor(private readonly options: ServiceMetricsOptions) {
    this.tokenDigest = digest(options.token);
    options.api.observer = (method, route, status, ms) => {
      // Unmatched paths are one series per known method (both come from the client: unbounded).
      if (route === undefined) this.requests.observe((METHODS as readonly string[]).includes(method) ? method : 'other', '(none)', status, ms / 1000);
      else this.requests.observe(route.method, route.path, status, ms / 1000);
    };
    this.loop.enable();
  }

  /**
   * Whether an `Authorization` header carries the token (compared in constant time).
   * @param authorization - the header, if any
   * @returns true when it is `Bearer <token>`
   */
  authorized(authorization: string | undefined): boolean {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return false;
    return timingSafeEqual(digest(authorization.slice(7)), this.tokenDigest);
  }

  /** @returns the exposition text; event-loop delay figures cover the time since the previous scrape */
  render(): string {
    const { gateway, shedder } = this.options;
    const m = shedder.metrics();
    const byClass = (f: (p: Priority) => number): { labels: { class: Priority }; value: number }[] => (Object.keys(m.shed) as Priority[]).map((p) => ({ labels: { class: p }, value: f(p) }));
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    const loop = this.loop;
    const delay = (q: number): number => (loop.count === 0 ? 0 : loop.percentile(q) / 1e9);
    const families: MetricFamily[] = [
      { name: 'chorus_gateway_connections', help: 'Open gateway connections.', type: 'gauge', samples: [{ value: gateway.connectionCount }] },
      { name: 'chorus_gateway_sessions', help: 'Gateway sessions, attached or waiting to be resumed.', type: 'gauge', samples: [{ value: gateway.sessionCount }] },
      { name: 'chorus_gateway_dispatches_total', help: 'Dispatches handed to sockets, one per recipient session.', type: 'counter', samples: [{ value: gateway.dispatched }] },
      { name: 'chorus_gateway_delivery_errors_total', help: 'Deliveries that threw (the other recipients still got the event).', type: 'counter', samples: [{ value: gateway.deliveryErrors }] },
      { name: 'chorus_gateway_slow_closes_total', help: 'Connections closed for being too far behind on their writes.', type: 'counter', samples: [{ value: gateway.slowClosed }] },
      { name: 'chorus_shed_total', help: 'Requests refused by the load shedder (503), by priority class.', type: 'counter', samples: byClass((p) => m.shed[p]) },
      { name: 'chorus_admitted_completed_total', help: 'Requests the load shedder admitted and saw complete, by priority class.', type: 'counter', samples: byClass((p) => m.completed[p]) },
      { name: 'chorus_queued_requests', help: 'Requests waiting for admission, by priority class.', type: 'gauge', samples: byClass((p) => m.queued[p]) },
      { name: 'chorus_in_flight_requests', help: 'Requests running.', type: 'gauge', samples: [{ value: m.inFlight }] },
      { name: 'chorus_admission_level', help: 'Load-shedder level: the first floor(level) classes are admitted (3 = all).', type: 'gauge', samples: [{ value: m.level }] },
      { name: 'chorus_event_loop_delay_seconds', help: 'Event-loop delay since the previous scrape, by quantile.', type: 'gauge', samples: [0.5, 0.99].map((q) => ({ labels: { quantile: String(q) }, value: delay(q * 100) })).concat([{ labels: { quantile: '1' }, value: loop.count === 0 ? 0 : loop.max / 1e9 }]) },
      { name: 'process_resident_memory_bytes', help: 'Resident set size.', type: 'gauge', samples: [{ value: mem.rss }] },
      { name: 'nodejs_heap_used_bytes', help: 'V8 heap in use.', type: 'gauge', samples: [{ value: mem.heapUsed }] },
      { name: 'process_cpu_seconds_total', help: 'User and system CPU time.', type: 'counter', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    ];
    loop.reset();
    return this.requests.render() + exposition(families);
  }

  /** Stops the event-loop delay monitor. */
  stop(): void {
    this.loop.disable();
  }
}
