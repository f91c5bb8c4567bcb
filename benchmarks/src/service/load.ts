import { performance } from 'node:perf_hooks';
import type { LoadTarget } from './clients.js';
import { latencyOf, stamp } from './clients.js';
import type { Population } from './population.js';

/** What one load window measured. */
export interface WindowResult {
  sent: number;
  acked: number;
  failed: number;
  delivered: number;
  /** Acknowledged messages per second over the window plus the drain. */
  ackedPerSecond: number;
  deliveredPerSecond: number;
  fanOut: number;
  p50: number;
  p99: number;
  /** Generator CPU over the window, as a share of one core (%). */
  generatorCpu: number;
  seconds: number;
}

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Sends at `rate` messages per second (open loop, paced every millisecond or so) from random
 * members to uniformly chosen guilds for `seconds`, then waits up to 3 s for what is in flight.
 * Stops sending while more than `maxOutstanding` messages await their acknowledgement, so an
 * overloaded server shows up as a lower acknowledged rate rather than an unbounded queue.
 */
export async function runWindow(target: LoadTarget, pop: Population, random: () => number, rate: number, seconds: number, maxOutstanding = 20_000): Promise<WindowResult> {
  const latencies = new Float64Array(4_000_000);
  let nLat = 0;
  let delivered = 0;
  target.onDeliver = (content) => {
    delivered++;
    if (nLat < latencies.length) latencies[nLat++] = latencyOf(content);
  };
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let lastAck = 0;
  const onAck = (ok: boolean): void => {
    if (ok) acked++;
    else failed++;
    lastAck = performance.now();
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - t0) / 1000) * rate);
    while (sent < due && sent - acked - failed < maxOutstanding) {
      const g = Math.floor(random() * pop.guilds.length);
      const members = pop.guilds[g]!;
      const user = members[Math.floor(random() * members.length)]!;
      target.send(user, g, stamp(sent), onAck);
      sent++;
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  const drainEnd = performance.now() + 3000;
  while (acked + failed < sent && performance.now() < drainEnd) await new Promise((r) => setTimeout(r, 5));
  // Deliveries trail acknowledgements a little: give them a moment.
  await new Promise((r) => setTimeout(r, 50));
  const wall = (Math.max(lastAck, t0 + seconds * 1000) - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const lat = latencies.subarray(0, nLat).sort();
  return {
    sent,
    acked,
    failed,
    delivered,
    ackedPerSecond: acked / wall,
    deliveredPerSecond: delivered / wall,
    fanOut: acked > 0 ? delivered / acked : 0,
    p50: quantile(lat, 0.5),
    p99: quantile(lat, 0.99),
    generatorCpu: ((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1000)) * 100,
    seconds: wall,
  };
}
