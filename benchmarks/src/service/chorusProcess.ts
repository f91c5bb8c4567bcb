// Child process: the example service on a fresh data directory, for the `service` benchmark.
// Started with --expose-gc so that the parent can ask for heap figures after a full GC.
import { startServer } from '../../../examples/server/src/node.js';
import { answerLoopDelay } from './loopDelay.js';

const dataDir = process.env['BENCH_DATA_DIR'];
if (!dataDir) throw new Error('BENCH_DATA_DIR is required');
const server = await startServer({
  port: 0,
  dataDir,
  // Accounts are set-up cost here, not what is measured: hash them cheaply.
  argon2MemoryKiB: 64,
  argon2Iterations: 1,
  // The generator holds connections open between windows without heartbeating.
  heartbeatMs: 600_000,
  // History reads over the gateway run in a closed loop: with --quick's 300 users each would
  // exceed the default 60 frames a second. The per-connection limit guards against one abusive
  // client, not against load, so it is raised here rather than the load bent to fit it.
  framesPerSecond: 1000,
  frameBurst: 2000,
  // A cluster member when the suite says so: PostgreSQL + NATS, its own worker id.
  ...(process.env['BENCH_DATABASE_URL'] ? { databaseUrl: process.env['BENCH_DATABASE_URL'], databaseSchema: process.env['BENCH_DATABASE_SCHEMA'] ?? 'public' } : {}),
  ...(process.env['BENCH_NATS_URL'] ? { natsUrl: process.env['BENCH_NATS_URL'], natsPrefix: process.env['BENCH_NATS_PREFIX'] ?? 'chorus', worker: Number(process.env['BENCH_WORKER'] ?? 0) } : {}),
});
process.on('message', (m: unknown) => {
  if (m === 'memory') {
    (globalThis as { gc?: () => void }).gc?.();
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ memory: process.memoryUsage(), connections: server.gateway.connectionCount });
  }
});
process.send?.({ ready: server.url, gateway: server.gatewayUrl });
answerLoopDelay();
