// Node-only: HTTP and WebSocket transport, the store (SQLite or PostgreSQL), and process wiring.
import { mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { LoadShedder } from '@chorus/breaker';
import { WebSocketServer, type WebSocket } from 'ws';
import { Api, errorResponse, type ApiResponse } from './Api.js';
import { DEFAULT_CONFIG, type Config } from './config.js';
import { ServiceError } from './errors.js';
import { InProcessFanOut, type FanOut } from './FanOut.js';
import { NatsFanOut } from './NatsFanOut.js';
import { isInvalidation, type Invalidation } from './invalidation.js';
import { Gateway } from './Gateway.js';
import { openApiDocument } from './openapi.js';
import { ROUTES, type Priority } from './routes.js';
import { Service } from './Service.js';
import { PRIORITIES, shedderAdmit } from './shedding.js';
import { ServiceMetrics } from './serviceMetrics.js';
import { corsHandler } from './cors.js';
import { eventLoopPressure } from './eventLoopLag.js';
import { SqliteStore } from './SqliteStore.js';
import { PgStore } from './PgStore.js';
import type { Store } from './Store.js';
import { FsChunkStore } from '@chorus/cdc/node';
import { featureRoutes } from './features/featureRoutes.js';
import { Features } from './features/Features.js';
import type { MediaLimits } from './features/MediaLibrary.js';
import { isMediaRequest, mediaHttp } from './features/mediaHttp.js';
import { ObservedFanOut } from './features/ObservedFanOut.js';
import { jsonBytes } from './jsonBody.js';
import { Outbox } from './outbox.js';

/** A started service. */
export interface RunningServer {
  /** e.g. `http://127.0.0.1:8080` */
  url: string;
  /** The gateway's WebSocket URL. */
  gatewayUrl: string;
  port: number;
  /** Where the database lives: the SQLite file (absolute), the PostgreSQL URL without its password and the schema, or `:memory:`. */
  dataLocation: string;
  service: Service;
  /** Media, friends, suggestions, search, notifications. */
  features: Features;
  gateway: Gateway;
  shedder: LoadShedder<Priority>;
  http: Server;
  /** Stops accepting, closes sockets, flushes and closes the store. */
  close(): Promise<void>;
}

/** Options of {@link startServer} beyond {@link Config}. */
export interface StartOptions {
  /** Use this store instead of the one the config names (SQLite in `dataDir`, or PostgreSQL at `databaseUrl`). */
  store?: Store;
  /** Overrides of the media limits (25 MiB a file, 1 GiB a user by default). */
  mediaLimits?: Partial<MediaLimits>;
  /** How often unused media chunks are collected, ms; 0 = never. @defaultValue 3600000 */
  mediaGcIntervalMs?: number;
  /** Use this fan-out instead of the one the config names (in-process, or NATS at `natsUrl`). */
  fanOut?: FanOut;
  /** Where log lines go. @defaultValue console.log */
  log?: (line: string) => void;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

function reply(res: ServerResponse, r: ApiResponse): void {
  const headers: Record<string, string> = { ...JSON_HEADERS };
  if (r.retryAfterSeconds !== undefined) headers['retry-after'] = String(r.retryAfterSeconds);
  if (r.status === 204 || r.body === undefined) {
    res.writeHead(r.status, headers).end();
    return;
  }
  res.writeHead(r.status, headers).end(jsonBytes(r.body));
}

function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  return new Promise((resolveBody, reject) => {
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max) {
      reject(new ServiceError('payload_too_large', `the body must be at most ${max} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > max) {
        failed = true;
        reject(new ServiceError('payload_too_large', `the body must be at most ${max} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('error', (e) => {
      if (!failed) reject(e);
      failed = true;
    });
    req.on('end', () => {
      if (failed) return;
      if (size === 0) return resolveBody(undefined);
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) return reject(new ServiceError('unsupported_media_type', 'send the body as Content-Type: application/json'));
      try {
        resolveBody(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new ServiceError('bad_request', 'the body is not valid JSON'));
      }
    });
  });
}

/**
 * Starts the service: store, logic, REST on HTTP, the gateway on `/gateway`, load shedding,
 * `/health`, `/openapi.json`, and `/metrics` when `metricsToken` is set.
 *
 * @param config - see {@link Config}; unset fields take {@link DEFAULT_CONFIG}
 * @param options - store and fan-out to use instead of the embedded ones
 * @returns the running server
 * @throws Error when the port is taken or the data directory cannot be created
 * @example
 * ```ts
 * const server = await startServer({ port: 0, dataDir: '/tmp/chorus' });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function startServer(config: Partial<Config> = {}, options: StartOptions = {}): Promise<RunningServer> {
  const cfg = { ...DEFAULT_CONFIG, ...config };
  let dataLocation = ':memory:';
  // Gateway frames leave per socket in one write at the end of each turn (see outbox.ts); a
  // SQLite group commit queues that write right behind itself, so the messages it commits are
  // fanned out in the same turn instead of after the next round of reads.
  const outbox = new Outbox();
  const scheduleCommit = (commit: () => void): void => {
    setImmediate(commit);
    outbox.flushAfter();
  };
  let store = options.store;
  if (!store) {
    mkdirSync(cfg.dataDir, { recursive: true });
    if (cfg.databaseUrl !== '') {
      store = await PgStore.open({ url: cfg.databaseUrl, schema: cfg.databaseSchema, onError: (e) => console.error('PostgreSQL connection error:', e.message) });
      dataLocation = PgStore.describe(cfg.databaseUrl, cfg.databaseSchema);
    } else {
      dataLocation = resolve(join(cfg.dataDir, 'chorus.db'));
      store = new SqliteStore({ file: dataLocation, synchronous: cfg.sync, scheduleCommit });
    }
  }
  const log = options.log ?? ((line: string) => console.log(line));
  // Media, search, suggestions and notifications follow every change through the fan-out.
  let nats: NatsFanOut | undefined;
  if (!options.fanOut && cfg.natsUrl !== '') nats = await NatsFanOut.connect(cfg.natsUrl, { prefix: cfg.natsPrefix, onError: (e) => console.error('NATS fan-out:', e.message) });
  const observed = new ObservedFanOut(options.fanOut ?? nats ?? new InProcessFanOut());
  const service: Service = new Service({
    store,
    fanOut: observed,
    // In a cluster, cached permissions, sessions and profiles are dropped everywhere a change
    // makes them stale (a kick or a revoked session on one process holds on every other).
    ...(nats ? { onInvalidate: (what: Invalidation) => nats.announce(what) } : {}),
    worker: cfg.worker,
    argon2: { memorySize: cfg.argon2MemoryKiB, iterations: cfg.argon2Iterations, parallelism: 1 },
    limits: { sendPerSecond: cfg.sendPerSecond, sendBurst: cfg.sendBurst },
  });
  const offControl = nats?.onControl((m) => {
    if (isInvalidation(m)) service.forget(m);
  });
  const lag = eventLoopPressure(cfg.maxLagMs);
  const shedder = new LoadShedder<Priority>({ priorities: PRIORITIES, maxConcurrent: cfg.maxConcurrent, targetLatencyMs: cfg.targetLatencyMs, pressure: lag.pressure });
  // Unexpected errors are bugs: their stack goes to stderr (never the request, its token or body).
  const features = new Features({ service, store, fanOut: observed, chunks: new FsChunkStore(join(cfg.dataDir, 'chunks')), ...(options.mediaLimits ? { mediaLimits: options.mediaLimits } : {}), ...(cfg.mediaSecret !== '' ? { mediaSecret: cfg.mediaSecret } : {}) });
  features.onError = (e, event) => console.error(`handling ${event.t} failed:`, e instanceof Error ? e.stack : e);
  await features.load();
  const routes = [...ROUTES, ...featureRoutes(features)];
  const serveMedia = mediaHttp(service, features.media, features.links);
  const admit = shedderAdmit(shedder);
  const api = new Api(service, routes, shedderAdmit(shedder), (e, route) => console.error(`${route.method} ${route.path} failed:`, e instanceof Error ? e.stack : e));
  const gateway = new Gateway({ service, api, heartbeatIntervalMs: cfg.heartbeatMs, maxFrameBytes: cfg.maxFrameBytes, framesPerSecond: cfg.framesPerSecond, frameBurst: cfg.frameBurst });
  // Prometheus metrics only when a scrape token is configured: they describe the service's load.
  const metrics = cfg.metricsToken === '' ? undefined : new ServiceMetrics({ api, gateway, shedder, token: cfg.metricsToken });
  const openapi = JSON.stringify(openApiDocument(routes, { title: 'Chorus example service', version: '0.1.0' }));
  let closing = false;

  const cors = cfg.corsOrigins.length > 0 ? corsHandler(cfg.corsOrigins) : undefined;
  const http = createServer((req, res) => {
    const t0 = performance.now();
    if (cors?.(req, res)) return;
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        return reply(res, errorResponse(new ServiceError('bad_request', 'the request target is not a valid URL')));
      }
      if (req.method === 'GET' && url.pathname === '/health') {
        const m = shedder.metrics();
        const ready = !closing;
        return reply(res, { status: ready ? 200 : 503, body: { status: ready ? 'ok' : 'closing', ready, admitted: m.admitted, inFlight: m.inFlight, shed: m.shed, connections: gateway.connectionCount } });
      }
      if (metrics !== undefined && req.method === 'GET' && url.pathname === '/metrics') {
        if (!metrics.authorized(req.headers.authorization)) {
          res.setHeader('WWW-Authenticate', 'Bearer');
          return reply(res, errorResponse(new ServiceError('unauthorized', 'send "Authorization: Bearer <CHORUS_METRICS_TOKEN>"')));
        }
        res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(metrics.render());
        return;
      }
      if (req.method === 'GET' && url.pathname === '/openapi.json') {
        res.writeHead(200, JSON_HEADERS).end(openapi);
        return;
      }
      if (isMediaRequest(req.method, url.pathname)) {
        try {
          // The caller's bearer token, else its address, is its flow for fair shedding.
          await admit('normal', () => serveMedia(req, res, url), req.headers.authorization ?? req.socket.remoteAddress);
        } catch (e) {
          reply(res, errorResponse(e));
        }
        return;
      }
      let r: ApiResponse;
      try {
        const body = await readBody(req, cfg.maxBodyBytes);
        const auth = req.headers.authorization;
        r = await api.handle({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: [...url.searchParams],
          token: auth?.startsWith('Bearer ') ? auth.slice(7) : auth === undefined ? undefined : '',
          body,
          userAgent: req.headers['user-agent'] ?? '',
        });
      } catch (e) {
        r = errorResponse(e);
      }
      reply(res, r);
      if (cfg.log !== false) {
        const route = api.routeOf(req.method ?? '', url.pathname)?.path ?? '(no route)';
        const ms = Math.round((performance.now() - t0) * 10) / 10;
        log(cfg.log === 'json' ? JSON.stringify({ time: new Date().toISOString(), method: req.method, route, status: r.status, ms }) : `${req.method} ${route} ${r.status} ${ms.toFixed(1)}ms`);
      }
    })().catch(() => {
      if (!res.headersSent) reply(res, { status: 500, body: { code: 'internal', message: 'internal error' } });
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: cfg.maxFrameBytes, perMessageDeflate: false });
  http.on('upgrade', (req, socket, head) => {
    if (closing || new URL(req.url ?? '/', 'http://localhost').pathname !== '/gateway') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      // The upgraded socket is a net.Socket; ws writes its own control frames (pong, close)
      // to it directly, so ours are flushed before a close to keep the order.
      const queue = outbox.entry(socket as Socket);
      const conn = gateway.open({
        send: (b) => {
          if (ws.readyState === ws.OPEN) outbox.send(queue, b);
        },
        sendDispatch: (prepared, seq) => {
          if (ws.readyState === ws.OPEN) outbox.sendDispatch(queue, prepared, seq);
        },
        sendParts: (parts) => {
          if (ws.readyState === ws.OPEN) outbox.sendParts(queue, parts);
        },
        close: (code, reason) => {
          outbox.flush(queue);
          ws.close(code, reason);
        },
        get bufferedAmount() {
          return queue.bufferedAmount;
        },
      });
      ws.on('message', (data, isBinary) => {
        const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
        conn.receive(isBinary ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) : new Uint8Array(0));
      });
      ws.on('close', () => conn.closed());
      ws.on('error', () => ws.terminate());
    });
  });
  const gcEvery = options.mediaGcIntervalMs ?? 3_600_000;
  const mediaGc = gcEvery > 0 ? setInterval(() => void features.media.collectGarbage().catch((e: unknown) => console.error('media garbage collection failed:', e)), gcEvery) : undefined;
  mediaGc?.unref();
  const sweep = setInterval(() => gateway.sweep(), Math.min(1000, cfg.heartbeatMs / 4));
  sweep.unref();

  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(cfg.port, cfg.host, () => ok());
  });
  const addr = http.address();
  const port = typeof addr === 'object' && addr ? addr.port : cfg.port;
  const host = cfg.host.includes(':') ? `[${cfg.host}]` : cfg.host;
  return {
    url: `http://${host}:${port}`,
    gatewayUrl: `ws://${host}:${port}/gateway`,
    port,
    dataLocation,
    service,
    features,
    gateway,
    shedder,
    http,
    async close() {
      closing = true;
      clearInterval(sweep);
      lag.stop();
      metrics?.stop();
      gateway.closeAll();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
      if (mediaGc) clearInterval(mediaGc);
      await features.idle();
      offControl?.();
      await nats?.close();
      await service.store.close();
    },
  };
}
