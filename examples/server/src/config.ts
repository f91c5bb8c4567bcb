import { ServiceError } from './errors.js';
import { ORIGIN } from './cors.js';
import { SCHEMA_NAME } from './pgSchema.js';

/** Settings of the service, from environment variables (see {@link parseConfig}). */
export interface Config {
  /** `CHORUS_HOST` @defaultValue '127.0.0.1' */
  host: string;
  /** `CHORUS_PORT`; 0 picks a free port. @defaultValue 8080 */
  port: number;
  /** `CHORUS_DATA_DIR`: where the SQLite database lives (and media chunks, whatever the database). @defaultValue '.data' */
  dataDir: string;
  /**
   * `CHORUS_DATABASE_URL`: `postgres://user:password@host:port/database` (or `postgresql://`)
   * stores everything in PostgreSQL instead; empty keeps SQLite in `dataDir`.
   * @defaultValue '' (SQLite)
   */
  databaseUrl: string;
  /** `CHORUS_DATABASE_SCHEMA`: PostgreSQL schema of the tables, created when missing. @defaultValue 'public' */
  databaseSchema: string;
  /**
   * `CHORUS_NATS_URL`: a `nats://` URL carries fan-out between server processes (use it with
   * PostgreSQL); empty keeps fan-out in this process.
   * @defaultValue '' (in-process)
   */
  natsUrl: string;
  /** `CHORUS_NATS_PREFIX`: subject prefix, so deployments can share one NATS. @defaultValue 'chorus' */
  natsPrefix: string;
  /** `CHORUS_SYNC`: `normal` (survives process crashes) or `full` (also power loss). @defaultValue 'normal' */
  sync: 'normal' | 'full';
  /** `CHORUS_MAX_BODY_BYTES` @defaultValue 65536 */
  maxBodyBytes: number;
  /** `CHORUS_MAX_FRAME_BYTES`: largest gateway frame from a client. @defaultValue 65536 */
  maxFrameBytes: number;
  /** `CHORUS_HEARTBEAT_MS` @defaultValue 41250 */
  heartbeatMs: number;
  /** `CHORUS_FRAMES_PER_SECOND`: gateway frames a connection may send each second; beyond it is closed. @defaultValue 60 */
  framesPerSecond: number;
  /** `CHORUS_FRAME_BURST`: gateway frames a connection may send at once above that rate. @defaultValue 120 */
  frameBurst: number;
  /** `CHORUS_MAX_CONCURRENT`: requests handled at once before queueing and shedding. @defaultValue 256 */
  maxConcurrent: number;
  /** `CHORUS_TARGET_LATENCY_MS`: mean request latency above which low-priority work is shed. @defaultValue 100 */
  targetLatencyMs: number;
  /** `CHORUS_MAX_LAG_MS`: event-loop delay (p99 over each 100 ms) above which low-priority work is shed; 0 turns it off. @defaultValue 200 */
  maxLagMs: number;
  /** `CHORUS_ARGON2_MEMORY_KIB` @defaultValue 19456 */
  argon2MemoryKiB: number;
  /** `CHORUS_ARGON2_ITERATIONS` @defaultValue 2 */
  argon2Iterations: number;
  /** `CHORUS_SEND_PER_SECOND`: message sends per user per second. @defaultValue 20 */
  sendPerSecond: number;
  /** `CHORUS_SEND_BURST` @defaultValue 50 */
  sendBurst: number;
  /** `CHORUS_WORKER`: snowflake worker id of this node, 0..1023. @defaultValue 0 */
  worker: number;
  /**
   * `CHORUS_LOG`: `1` logs one text line per HTTP request (method, route template, status, ms),
   * `json` one JSON object per line with the time too; never tokens, bodies or query strings.
   * @defaultValue false
   */
  log: false | 'text' | 'json';
  /**
   * `CHORUS_METRICS_TOKEN`: when set (at least 16 characters), `GET /metrics` serves Prometheus
   * metrics to requests with `Authorization: Bearer <token>`; empty turns the endpoint off.
   * Never printed. @defaultValue empty (off)
   */
  metricsToken: string;
  /**
   * `CHORUS_MEDIA_SECRET`: key of signed media links (32 to 256 printable characters). Processes
   * of one deployment must share it for a link signed by one to open on another. Never printed.
   * @defaultValue empty: 32 random bytes per process (links work only on the process that signed them, and not after a restart)
   */
  mediaSecret: string;
  /**
   * `CHORUS_CORS_ORIGINS`: origins (`https://app.example.com`, comma-separated) whose pages may
   * call the HTTP API, or `*` for any. @defaultValue empty: none (same-origin only)
   */
  corsOrigins: readonly string[];
}

/** The documented defaults. */
export const DEFAULT_CONFIG: Config = {
  host: '127.0.0.1',
  port: 8080,
  dataDir: '.data',
  databaseUrl: '',
  databaseSchema: 'public',
  natsUrl: '',
  natsPrefix: 'chorus',
  sync: 'normal',
  maxBodyBytes: 65_536,
  maxFrameBytes: 65_536,
  heartbeatMs: 41_250,
  framesPerSecond: 60,
  frameBurst: 120,
  maxConcurrent: 256,
  targetLatencyMs: 100,
  maxLagMs: 200,
  argon2MemoryKiB: 19_456,
  argon2Iterations: 2,
  sendPerSecond: 20,
  sendBurst: 50,
  worker: 0,
  log: false,
  metricsToken: '',
  mediaSecret: '',
  corsOrigins: [],
};

function int(env: Record<string, string | undefined>, name: string, min: number, max: number, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^[0-9]{1,10}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ServiceError('validation', `${name} must be an integer between ${min} and ${max}, got "${raw.slice(0, 20)}"`);
  }
  return Number(raw);
}

/**
 * Reads the configuration from environment variables; anything unset takes its default.
 *
 * @param env - usually `process.env`
 * @returns the configuration
 * @throws ServiceError `validation` naming the variable and the accepted range
 * @example
 * ```ts
 * parseConfig({ CHORUS_PORT: '0' }).port; // 0
 * ```
 */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const sync = env['CHORUS_SYNC'] ?? DEFAULT_CONFIG.sync;
  if (sync !== 'normal' && sync !== 'full') throw new ServiceError('validation', `CHORUS_SYNC must be "normal" or "full", got "${sync.slice(0, 20)}"`);
  const log = env['CHORUS_LOG'] ?? '0';
  if (log !== '0' && log !== '1' && log !== 'json') throw new ServiceError('validation', `CHORUS_LOG must be 0, 1 or json, got "${log.slice(0, 20)}"`);
  const databaseUrl = env['CHORUS_DATABASE_URL'] ?? DEFAULT_CONFIG.databaseUrl;
  // The value is never echoed: it may hold a password.
  if (databaseUrl !== '' && !/^postgres(ql)?:\/\/[^\s]+$/.test(databaseUrl)) throw new ServiceError('validation', 'CHORUS_DATABASE_URL must be a postgres:// or postgresql:// URL, or empty for SQLite');
  const databaseSchema = env['CHORUS_DATABASE_SCHEMA'] || DEFAULT_CONFIG.databaseSchema;
  if (!SCHEMA_NAME.test(databaseSchema)) throw new ServiceError('validation', `CHORUS_DATABASE_SCHEMA must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters), got "${databaseSchema.slice(0, 20)}"`);
  const natsUrl = env['CHORUS_NATS_URL'] ?? DEFAULT_CONFIG.natsUrl;
  // Not echoed either: it may hold credentials.
  if (natsUrl !== '' && !/^(nats|tls):\/\/[^\s]+$/.test(natsUrl)) throw new ServiceError('validation', 'CHORUS_NATS_URL must be a nats:// or tls:// URL, or empty for in-process fan-out');
  // Processes of a cluster mint message ids on their own: equal worker ids could mint the same id.
  if (natsUrl !== '' && (env['CHORUS_WORKER'] ?? '') === '') throw new ServiceError('validation', 'with CHORUS_NATS_URL (several processes), set CHORUS_WORKER to an id from 0 to 1023 that no other process of the cluster uses');
  const natsPrefix = env['CHORUS_NATS_PREFIX'] || DEFAULT_CONFIG.natsPrefix;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(natsPrefix)) throw new ServiceError('validation', `CHORUS_NATS_PREFIX must be 1 to 64 letters, digits, "_" or "-", got "${natsPrefix.slice(0, 20)}"`);
  const metricsToken = env['CHORUS_METRICS_TOKEN'] ?? DEFAULT_CONFIG.metricsToken;
  // Not echoed: it is a secret. A short one could be guessed by a scraper's neighbours.
  if (metricsToken !== '' && !/^[\x21-\x7e]{16,256}$/.test(metricsToken)) throw new ServiceError('validation', 'CHORUS_METRICS_TOKEN must be 16 to 256 printable characters without spaces, or empty to turn /metrics off');
  const mediaSecret = env['CHORUS_MEDIA_SECRET'] ?? DEFAULT_CONFIG.mediaSecret;
  if (mediaSecret !== '' && !/^[\x21-\x7e]{32,256}$/.test(mediaSecret)) throw new ServiceError('validation', 'CHORUS_MEDIA_SECRET must be 32 to 256 printable characters without spaces, or empty for a random key per process');
  const corsOrigins = (env['CHORUS_CORS_ORIGINS'] ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const o of corsOrigins) {
    if (o !== '*' && !ORIGIN.test(o)) throw new ServiceError('validation', `CHORUS_CORS_ORIGINS must list origins like https://app.example.com (scheme, host, optional port; no path), or *; got "${o.slice(0, 60)}"`);
  }
  return {
    host: env['CHORUS_HOST'] || DEFAULT_CONFIG.host,
    port: int(env, 'CHORUS_PORT', 0, 65_535, DEFAULT_CONFIG.port),
    dataDir: env['CHORUS_DATA_DIR'] || DEFAULT_CONFIG.dataDir,
    databaseUrl,
    databaseSchema,
    natsUrl,
    natsPrefix,
    sync,
    maxBodyBytes: int(env, 'CHORUS_MAX_BODY_BYTES', 1024, 16 << 20, DEFAULT_CONFIG.maxBodyBytes),
    maxFrameBytes: int(env, 'CHORUS_MAX_FRAME_BYTES', 1024, 16 << 20, DEFAULT_CONFIG.maxFrameBytes),
    heartbeatMs: int(env, 'CHORUS_HEARTBEAT_MS', 100, 600_000, DEFAULT_CONFIG.heartbeatMs),
    framesPerSecond: int(env, 'CHORUS_FRAMES_PER_SECOND', 1, 1_000_000, DEFAULT_CONFIG.framesPerSecond),
    frameBurst: int(env, 'CHORUS_FRAME_BURST', 1, 1_000_000, DEFAULT_CONFIG.frameBurst),
    maxConcurrent: int(env, 'CHORUS_MAX_CONCURRENT', 1, 100_000, DEFAULT_CONFIG.maxConcurrent),
    targetLatencyMs: int(env, 'CHORUS_TARGET_LATENCY_MS', 1, 60_000, DEFAULT_CONFIG.targetLatencyMs),
    maxLagMs: int(env, 'CHORUS_MAX_LAG_MS', 0, 60_000, DEFAULT_CONFIG.maxLagMs),
    argon2MemoryKiB: int(env, 'CHORUS_ARGON2_MEMORY_KIB', 8, 4 << 20, DEFAULT_CONFIG.argon2MemoryKiB),
    argon2Iterations: int(env, 'CHORUS_ARGON2_ITERATIONS', 1, 100, DEFAULT_CONFIG.argon2Iterations),
    sendPerSecond: int(env, 'CHORUS_SEND_PER_SECOND', 1, 1_000_000, DEFAULT_CONFIG.sendPerSecond),
    sendBurst: int(env, 'CHORUS_SEND_BURST', 1, 1_000_000, DEFAULT_CONFIG.sendBurst),
    worker: int(env, 'CHORUS_WORKER', 0, 1023, DEFAULT_CONFIG.worker),
    log: log === '1' ? 'text' : log === 'json' ? 'json' : false,
    metricsToken,
    mediaSecret,
    corsOrigins,
  };
}
