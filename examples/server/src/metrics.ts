// Prometheus' text exposition format (version 0.0.4), written by hand: the service exposes a few
// dozen series, and a client library would bring a registry, default collectors and timers for
// what fits in a page here.

/** One series of a family: its labels and value. */
export interface MetricSample {
  labels?: Readonly<Record<string, string>>;
  value: number;
}

/** A counter or gauge family, read at scrape time. */
export interface MetricFamily {
  name: string;
  help: string;
  type: 'counter' | 'gauge';
  samples: readonly MetricSample[];
}

/** Upper bounds (seconds) of the request-duration histogram's buckets. */
export const DURATION_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
export function escapeLabel(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** A sample value: finite numbers as JavaScript prints them, the infinities as `+Inf`/`-Inf`. */
export function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? '' : `{${parts.join(',')}}`;
}

/**
 * The exposition of counter and gauge families: `# HELP` and `# TYPE` lines, then one line per
 * sample.
 * @param families - what to write
 * @returns the text, ending with a line feed
 */
export function exposition(families: readonly MetricFamily[]): string {
  let out = '';
  for (const f of families) {
    out += `# HELP ${f.name} ${f.help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += `${f.name}${labelText(s.labels)} ${formatValue(s.value)}\n`;
  }
  return out;
}

interface RouteStats {
  readonly method: string;
  readonly route: string;
  readonly byStatus: Map<number, number>;
  readonly buckets: number[];
  count: number;
  sum: number;
}

/**
 * Answered requests by method, route template and status, and their durations as a histogram
 * by method and route. Route templates (`/channels/{channelId}/messages`), never paths, so the
 * number of series is bounded by the routes, whatever clients send.
 *
 * @example
 * ```ts
 * const m = new RequestMetrics();
 * m.observe('GET', '/guilds/{guildId}', 200, 0.004);
 * m.render(); // chorus_requests_total{method="GET",route="/guilds/{guildId}",status="200"} 1 ...
 * ```
 */
export class RequestMetrics {
  private readonly byRoute = new Map<string, RouteStats>();

  /**
   * Counts one answer.
   * @param method - the route's method (callers pass `other` for methods no route has)
   * @param route - the route template, or `(none)` when no route matched
   * @param status - the HTTP status answered
   * @param seconds - time from arrival to answer
   */
  observe(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${route}`;
    let s = this.byRoute.get(key);
    if (s === undefined) {
      s = { method, route, byStatus: new Map(), buckets: DURATION_BUCKETS.map(() => 0), count: 0, sum: 0 };
      this.byRoute.set(key, s);
    }
    s.byStatus.set(status, (s.byStatus.get(status) ?? 0) + 1);
    // Buckets are stored per bound (not cumulative) and summed when written.
    const i = DURATION_BUCKETS.findIndex((b) => seconds <= b);
    if (i >= 0) s.buckets[i]!++;
    s.count++;
    s.sum += seconds;
  }

  /** @returns the two families, `chorus_requests_total` and `chorus_request_duration_seconds`, as exposition text */
  render(): string {
    let out = '# HELP chorus_requests_total Requests answered, over HTTP and the gateway, by method, route template and status.\n# TYPE chorus_requests_total counter\n';
    for (const s of this.byRoute.values()) {
      for (const [status, n] of s.byStatus) out += `chorus_requests_total${labelText({ method: s.method, route: s.route, status: String(status) })} ${n}\n`;
    }
    out += '# HELP chorus_request_duration_seconds Time from a request’s arrival to its answer.\n# TYPE chorus_request_duration_seconds histogram\n';
    for (const s of this.byRoute.values()) {
      const labels = { method: s.method, route: s.route };
      let cumulative = 0;
      DURATION_BUCKETS.forEach((bound, i) => {
        cumulative += s.buckets[i]!;
        out += `chorus_request_duration_seconds_bucket${labelText({ ...labels, le: String(bound) })} ${cumulative}\n`;
      });
      out += `chorus_request_duration_seconds_bucket${labelText({ ...labels, le: '+Inf' })} ${s.count}\n`;
      out += `chorus_request_duration_seconds_sum${labelText(labels)} ${formatValue(s.sum)}\n`;
      out += `chorus_request_duration_seconds_count${labelText(labels)} ${s.count}\n`;
    }
    return out;
  }
}
