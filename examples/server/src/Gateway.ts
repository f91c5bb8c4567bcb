import { FrameCodec, HeartbeatMonitor, Op, ReplayBuffer, WireError, type Frame, type JsonValue, type PreparedDispatch } from '@chorus/wire';
import type { Api } from './Api.js';
import { ServiceError } from './errors.js';
import { withEncodedItems } from './encodedItems.js';
import type { DispatchEvent } from './FanOut.js';
import { RateLimiter } from './RateLimiter.js';
import type { Caller, Service } from './Service.js';
import { newToken } from './tokens.js';

/** What the gateway needs of a WebSocket (the `ws` glue in `server.ts` adapts one; tests use fakes). */
export interface GatewaySocket {
  send(data: Uint8Array): void;
  /**
   * Sends dispatch `prepared` numbered `seq` (the bytes of `codec.encodePrepared(prepared, seq)`).
   * Optional: a transport that gathers frames into one buffer per socket writes them there
   * without a copy per recipient; without it the gateway encodes and calls `send`.
   */
  sendDispatch?(prepared: PreparedDispatch, seq: number): void;
  /**
   * Sends one message made of `parts` in order (from `FrameCodec.encodeResponseParts`: a cached
   * history page is one of them, shared, and must not be copied or changed). Optional: without it
   * the gateway encodes the answer whole and calls `send`.
   */
  sendParts?(parts: readonly Uint8Array[]): void;
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written; a socket that falls too far behind is closed. */
  readonly bufferedAmount: number;
}

/** Close codes, as Discord-style clients expect them. Those below 4010 allow a Resume. */
export const CloseCode = {
  UnknownError: 4000,
  UnknownOp: 4001,
  DecodeError: 4002,
  NotAuthenticated: 4003,
  AuthenticationFailed: 4004,
  AlreadyAuthenticated: 4005,
  RateLimited: 4008,
  SessionTimedOut: 4009,
  SessionRevoked: 4010,
} as const;

/** Options of {@link Gateway}. */
export interface GatewayOptions {
  service: Service;
  /** Serves the Request op. */
  api: Api;
  /** Heartbeat interval announced in Hello, ms. @defaultValue 41250 */
  heartbeatIntervalMs?: number;
  /** Largest frame a client may send, bytes. @defaultValue 65536 */
  maxFrameBytes?: number;
  /** Dispatches kept per session for Resume (preallocated: 16 bytes each, so this sets most of the memory of an idle session). @defaultValue 256 */
  replayCapacity?: number;
  /** How long a dropped session stays resumable, ms. @defaultValue 60000 */
  resumeWindowMs?: number;
  /** Time to Identify after Hello, ms. @defaultValue 10000 */
  identifyTimeoutMs?: number;
  /** Frames a connection may send: burst. @defaultValue 120 */
  frameBurst?: number;
  /** Frames per second a connection may send, sustained. @defaultValue 60 */
  framesPerSecond?: number;
  /** Requests (op 12) a connection may have unanswered at once; more are refused at once with `rate_limited`. @defaultValue 16 */
  maxInFlightRequests?: number;
  /** Bytes queued on a socket before it counts as a slow consumer and is closed (it may resume). @defaultValue 4194304 */
  maxBufferedBytes?: number;
  /** Clock in ms. @defaultValue Date.now */
  now?: () => number;
}

const CHANNEL_EVENTS = new Set(['MESSAGE_CREATE', 'MESSAGE_UPDATE', 'MESSAGE_DELETE', 'MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE', 'TYPING_START', 'CHANNEL_UPDATE']);

/** A logged-in gateway session; it outlives its connection for the resume window. */
class Session {
  /** Topics this session hears. */
  readonly subscriptions = new Set<string>();
  connection: Connection | undefined;
  detachedAt = 0;
  /** Identify is still reading the state for Ready: the connection is not attached yet. */
  attaching = false;
  /** Dispatches waiting for an asynchronous permission check. */
  pending = 0;
  /** Whether this session counts towards its user being online. */
  counted = false;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    readonly id: string,
    readonly caller: Caller,
    readonly replay: ReplayBuffer,
  ) {}

  /** Runs deliveries one after another so that dispatches keep their publish order. */
  enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(task, task);
  }
}

/** One WebSocket connection. */
class Connection {
  session: Session | undefined;
  closed = false;
  inFlight = 0;
  readonly heartbeat: HeartbeatMonitor;
  readonly openedAt: number;

  constructor(
    readonly key: string,
    readonly socket: GatewaySocket,
    intervalMs: number,
    now: () => number,
  ) {
    this.heartbeat = new HeartbeatMonitor({ intervalMs, now });
    this.openedAt = now();
  }
}

/** The handle of an open connection: feed it frames and tell it when the socket closes. */
export interface GatewayConnection {
  /** A frame arrived (binary). */
  receive(data: Uint8Array): void;
  /** The socket closed, for any reason. */
  closed(): void;
}

/**
 * The WebSocket gateway speaking @chorus/wire: Hello, Identify → Ready, Dispatch with
 * sequence numbers for every change the user may see, heartbeats with zombie detection, Resume
 * from a {@link ReplayBuffer} (exactly the missed dispatches, else InvalidSession), the
 * Request op to call any REST route over the socket, and a per-connection frame rate limit.
 * Transport-free: `server.ts` plugs `ws` sockets in through {@link GatewaySocket}.
 *
 * @example
 * ```ts
 * const gateway = new Gateway({ service, api });
 * wss.on('connection', (ws) => {
 *   const conn = gateway.open({ send: (b) => ws.send(b), close: (c, r) => ws.close(c, r), get bufferedAmount() { return ws.bufferedAmount; } });
 *   ws.on('message', (data) => conn.receive(new Uint8Array(data as Buffer)));
 *   ws.on('close', () => conn.closed());
 * });
 * setInterval(() => gateway.sweep(), 1000);
 * ```
 */
export class Gateway {
  private readonly service: Service;
  private readonly api: Api;
  private readonly codec: FrameCodec;
  private readonly now: () => number;
  private readonly intervalMs: number;
  private readonly replayCapacity: number;
  private readonly resumeWindowMs: number;
  private readonly identifyTimeoutMs: number;
  private readonly maxBufferedBytes: number;
  private readonly maxInFlight: number;
  private readonly limiter: RateLimiter;
  private readonly connections = new Set<Connection>();
  private readonly sessions = new Map<string, Session>();
  private readonly online = new Map<string, number>();
  /**
   * Sessions per topic, behind one fan-out subscription per topic (not one per session): the
   * work an event's recipients share (which channel, who may see it, the encoding) is done once.
   */
  private readonly topics = new Map<string, { sessions: Set<Session>; off: () => void }>();
  private nextKey = 0;
  /** Errors thrown while delivering to one session, counted rather than lost; the others still get the event. */
  deliveryErrors = 0;
  /** Dispatches handed to sockets (one per recipient session), for metrics. */
  dispatched = 0;
  /** Connections closed for being too far behind on their writes (slow consumers). */
  slowClosed = 0;
  // A publish reaches every recipient session synchronously, one after another: the event's
  // payload is encoded once for all of them and only the sequence number differs per frame.
  private preparedFor: DispatchEvent | undefined;
  private prepared: PreparedDispatch | undefined;

  /**
   * @param options - service, api, timings, limits
   */
  constructor(options: GatewayOptions) {
    this.service = options.service;
    this.api = options.api;
    this.now = options.now ?? Date.now;
    this.intervalMs = options.heartbeatIntervalMs ?? 41_250;
    this.codec = new FrameCodec({ maxFrameBytes: options.maxFrameBytes ?? 65_536 });
    this.replayCapacity = options.replayCapacity ?? 256;
    this.resumeWindowMs = options.resumeWindowMs ?? 60_000;
    this.identifyTimeoutMs = options.identifyTimeoutMs ?? 10_000;
    this.maxBufferedBytes = options.maxBufferedBytes ?? 4 << 20;
    this.maxInFlight = options.maxInFlightRequests ?? 16;
    this.limiter = new RateLimiter({ capacity: options.frameBurst ?? 120, perSecond: options.framesPerSecond ?? 60, now: this.now, maxKeys: 1_000_000 });
  }

  /** Open connections. @returns the count */
  get connectionCount(): number {
    return this.connections.size;
  }

  /** Sessions, attached or waiting to be resumed. @returns the count */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Starts a connection: sends Hello.
   * @param socket - the socket
   * @returns where to feed its frames and its close
   */
  open(socket: GatewaySocket): GatewayConnection {
    const conn = new Connection(String(++this.nextKey), socket, this.intervalMs, this.now);
    this.connections.add(conn);
    this.send(conn, { op: Op.Hello, d: { heartbeatIntervalMs: this.intervalMs } });
    return {
      receive: (data) => {
        void this.receive(conn, data);
      },
      closed: () => this.onClose(conn),
    };
  }

  /**
   * Periodic housekeeping (call about once a second): closes zombies and connections that
   * never identified; ends sessions whose resume window passed.
   */
  sweep(): void {
    const now = this.now();
    for (const conn of this.connections) {
      if (conn.heartbeat.isZombie()) this.close(conn, CloseCode.SessionTimedOut, 'no heartbeat within the interval; resume');
      else if (!conn.session && now - conn.openedAt > this.identifyTimeoutMs) this.close(conn, CloseCode.NotAuthenticated, 'identify within the timeout');
    }
    for (const s of this.sessions.values()) {
      // A session still being identified has no connection yet but is not detached: with an
      // asynchronous store the sweep can run while identify awaits the Ready state.
      if (!s.connection && !s.attaching && now - s.detachedAt > this.resumeWindowMs) this.endSession(s);
    }
  }

  /** Closes every connection and ends every session (for shutdown). */
  closeAll(): void {
    for (const conn of [...this.connections]) this.close(conn, 1001, 'server shutting down');
    for (const s of [...this.sessions.values()]) this.endSession(s);
  }

  private send(conn: Connection, frame: Frame): void {
    if (conn.closed) return;
    conn.socket.send(this.codec.encode(frame));
  }

  private error(conn: Connection, code: string, message: string): void {
    this.send(conn, { op: Op.Error, d: { code, message } });
  }

  private close(conn: Connection, code: number, reason: string): void {
    if (conn.closed) return;
    conn.socket.close(code, reason);
    this.onClose(conn);
  }

  private onClose(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    conn.closed = true;
    const s = conn.session;
    if (s && s.connection === conn) {
      s.connection = undefined;
      s.detachedAt = this.now();
    }
  }

  private async receive(conn: Connection, data: Uint8Array): Promise<void> {
    if (conn.closed) return;
    if (this.limiter.take(conn.key) > 0) {
      this.error(conn, 'rate_limited', 'too many frames; slow down');
      this.close(conn, CloseCode.RateLimited, 'frame rate limit exceeded');
      return;
    }
    let frame: Frame;
    try {
      frame = this.codec.decode(data);
    } catch (e) {
      const code = e instanceof WireError ? e.code : 'malformed';
      this.error(conn, code, e instanceof Error ? e.message.slice(0, 500) : 'undecodable frame');
      this.close(conn, code === 'unknown-op' ? CloseCode.UnknownOp : CloseCode.DecodeError, 'invalid frame');
      return;
    }
    conn.heartbeat.beat();
    try {
      switch (frame.op) {
        case Op.Heartbeat:
          if (frame.d !== null && conn.session) conn.session.replay.ack(frame.d);
          this.send(conn, { op: Op.HeartbeatAck });
          return;
        case Op.Identify:
          return await this.identify(conn, frame.d.token);
        case Op.Resume:
          return await this.resume(conn, frame.d.token, frame.d.sessionId, frame.d.seq);
        case Op.Request:
          return await this.request(conn, frame.d.id, frame.d.method, frame.d.params);
        default:
          this.error(conn, 'unknown-op', `clients may not send op ${frame.op}`);
          this.close(conn, CloseCode.UnknownOp, 'op not allowed from clients');
      }
    } catch (e) {
      if (e instanceof ServiceError) this.error(conn, e.code, e.message);
      else this.error(conn, 'internal', 'internal error');
    }
  }

  private async identify(conn: Connection, token: string): Promise<void> {
    if (conn.session) {
      this.error(conn, 'already_authenticated', 'this connection already identified');
      this.close(conn, CloseCode.AlreadyAuthenticated, 'already identified');
      return;
    }
    let caller: Caller;
    try {
      caller = await this.service.authenticate(token);
    } catch (e) {
      this.error(conn, 'unauthorized', e instanceof Error ? e.message : 'authentication failed');
      this.close(conn, CloseCode.AuthenticationFailed, 'authentication failed');
      return;
    }
    const session = new Session(newToken(), caller, new ReplayBuffer({ capacity: this.replayCapacity, maxAgeMs: this.resumeWindowMs + this.intervalMs * 2, now: this.now }));
    session.attaching = true;
    this.sessions.set(session.id, session);
    conn.session = session;
    // Subscribe before reading the state, so that no change between the two is lost; changes
    // that arrive meanwhile wait in the replay buffer and follow Ready.
    this.subscribe(session, `user:${caller.userId}`);
    let ready: Awaited<ReturnType<Service['readyState']>>;
    try {
      ready = await this.service.readyState(caller);
    } finally {
      session.attaching = false;
    }
    for (const g of ready.guilds) this.subscribe(session, `guild:${g.id}`);
    for (const c of ready.privateChannels) this.subscribe(session, `channel:${c.id}`);
    // Closed meanwhile, or the session ended (revoked) while Ready was being read.
    if (conn.closed || !this.sessions.has(session.id)) {
      this.endSession(session);
      if (!conn.closed) this.close(conn, CloseCode.SessionRevoked, 'session ended during identify');
      return;
    }
    this.send(conn, { op: Op.Ready, d: { sessionId: session.id, user: ready.user as unknown as JsonValue, guilds: ready.guilds as unknown as JsonValue, presences: ready.presences as unknown as JsonValue } });
    const early = session.replay.since(0);
    if (early.ok) for (const f of early.frames) this.send(conn, f);
    session.connection = conn;
    // Ready has no field for private channels in @chorus/wire, so they follow as a dispatch.
    this.deliver(session, { t: 'PRIVATE_CHANNELS', d: { channels: ready.privateChannels } });
    session.counted = true;
    this.markOnline(caller, 1);
  }

  private async resume(conn: Connection, token: string, sessionId: string, seq: number): Promise<void> {
    if (conn.session) {
      this.close(conn, CloseCode.AlreadyAuthenticated, 'already identified');
      return;
    }
    let caller: Caller | undefined;
    try {
      caller = await this.service.authenticate(token);
    } catch {
      caller = undefined;
    }
    const s = this.sessions.get(sessionId);
    if (!caller || !s || s.caller.userId !== caller.userId || s.caller.sessionId !== caller.sessionId) {
      this.send(conn, { op: Op.InvalidSession, d: { resumable: false } });
      return;
    }
    const missed = s.replay.since(seq);
    if (!missed.ok) {
      this.send(conn, { op: Op.InvalidSession, d: { resumable: false } });
      this.endSession(s);
      return;
    }
    if (s.connection) this.close(s.connection, CloseCode.SessionTimedOut, 'resumed elsewhere');
    s.connection = conn;
    conn.session = s;
    for (const f of missed.frames) this.send(conn, f);
    this.send(conn, { op: Op.Resumed, d: { replayed: missed.frames.length } });
  }

  private async request(conn: Connection, id: number, method: string, params: JsonValue | undefined): Promise<void> {
    const s = conn.session;
    if (!s) {
      this.send(conn, { op: Op.Response, d: { id, error: { code: 'unauthorized', message: 'identify before sending requests' } } });
      return;
    }
    if (conn.inFlight >= this.maxInFlight) {
      // Refusing at once costs little; queueing would let one connection hold the service.
      this.send(conn, { op: Op.Response, d: { id, error: { code: 'rate_limited', message: `at most ${this.maxInFlight} requests may await their answer; wait for one` } } });
      return;
    }
    conn.inFlight++;
    try {
      await this.call(conn, s, id, method, params);
    } finally {
      conn.inFlight--;
    }
  }

  private async call(conn: Connection, s: Session, id: number, method: string, params: JsonValue | undefined): Promise<void> {
    // method is "VERB /path?query", the REST route to call; params is its JSON body.
    const space = method.indexOf(' ');
    const target = space > 0 ? method.slice(space + 1) : '';
    const q = target.indexOf('?');
    const res = await this.api.handle({
      method: method.slice(0, Math.max(space, 0)),
      path: q >= 0 ? target.slice(0, q) : target,
      query: q >= 0 ? [...new URLSearchParams(target.slice(q + 1))] : [],
      token: undefined,
      caller: s.caller,
      body: params,
      userAgent: 'gateway',
    });
    if (res.status >= 400) {
      const b = res.body as { code: string; message: string };
      this.send(conn, { op: Op.Response, d: { id, error: { code: b.code, message: b.message } } });
    } else if (res.body === undefined) {
      this.send(conn, { op: Op.Response, d: { id } });
    } else {
      let bytes: Uint8Array | Uint8Array[];
      const socket = conn.socket;
      try {
        const body = withEncodedItems(res.body);
        bytes = socket.sendParts ? this.codec.encodeResponseParts(id, body) : this.codec.encodeResponse(id, body);
      } catch (e) {
        // A page of long messages can outgrow the frame limit: answer the request (a client
        // waits for its id) and say what to do, instead of an Error frame it cannot match.
        if (!(e instanceof WireError && e.code === 'too-large')) throw e;
        const message = `the answer does not fit in one gateway frame (${e.message}); ask for less, e.g. a smaller limit, or use the REST route`;
        this.send(conn, { op: Op.Response, d: { id, error: { code: 'payload_too_large', message } } });
        return;
      }
      if (conn.closed) return;
      if (Array.isArray(bytes)) socket.sendParts!(bytes);
      else socket.send(bytes);
    }
  }

  private subscribe(s: Session, topic: string): void {
    if (s.subscriptions.has(topic)) return;
    s.subscriptions.add(topic);
    let t = this.topics.get(topic);
    if (!t) {
      const sessions = new Set<Session>();
      t = { sessions, off: this.service.fanOut.subscribe(topic, (event) => this.onEvent(sessions, event, topic)) };
      this.topics.set(topic, t);
    }
    t.sessions.add(s);
  }

  private unsubscribe(s: Session, topic: string): void {
    if (!s.subscriptions.delete(topic)) return;
    const t = this.topics.get(topic);
    if (!t) return;
    t.sessions.delete(s);
    if (t.sessions.size > 0) return;
    this.topics.delete(topic);
    t.off();
  }

  /** The channel a guild-topic event concerns, when visibility must be checked. */
  private channelOf(event: DispatchEvent, topic: string): string | undefined {
    if (!topic.startsWith('guild:') || !CHANNEL_EVENTS.has(event.t)) return undefined;
    const d = event.d as Record<string, unknown>;
    return (d['channelId'] ?? d['id']) as string;
  }

  private onEvent(sessions: Set<Session>, event: DispatchEvent, topic: string): void {
    const channelId = this.channelOf(event, topic);
    // Who may see the channel, resolved once for all recipients.
    const canView = channelId === undefined ? undefined : this.service.viewCheck(channelId);
    const presenceOf = event.t === 'PRESENCE_UPDATE' ? (event.d as { userId: string }).userId : undefined;
    const hides = this.service.hooks.hidesPresence;
    const time = this.now();
    for (const s of sessions) {
      try {
        // Blocked users do not see each other's presence (a hook of the friends feature).
        if (presenceOf !== undefined && hides?.(s.caller.userId, presenceOf)) continue;
        // Fast path: nothing queued ahead and the permission answer is cached, so deliver now
        // (order is kept because nothing is waiting); otherwise queue behind the pending ones.
        if (s.pending === 0) {
          const visible = canView === undefined ? true : canView(s.caller.userId);
          if (visible !== undefined) {
            if (visible) this.apply(s, event, time);
            continue;
          }
        }
        s.pending++;
        s.enqueue(async () => {
          try {
            if (channelId === undefined || (await this.service.canView(s.caller.userId, channelId))) this.apply(s, event);
          } finally {
            s.pending--;
          }
        });
      } catch {
        this.deliveryErrors++;
      }
    }
  }

  private apply(s: Session, event: DispatchEvent, time?: number): void {
    if (!this.sessions.has(s.id)) return;
    const d = event.d as Record<string, unknown>;
    switch (event.t) {
      case 'GUILD_CREATE':
        this.subscribe(s, `guild:${d['id'] as string}`);
        break;
      case 'GUILD_DELETE':
        this.unsubscribe(s, `guild:${d['guildId'] as string}`);
        break;
      case 'CHANNEL_CREATE':
        if (d['guildId'] === null) this.subscribe(s, `channel:${d['id'] as string}`);
        break;
      case 'CHANNEL_DELETE':
        if (d['guildId'] === null) this.unsubscribe(s, `channel:${d['id'] as string}`);
        break;
      case 'SESSION_REVOKED':
        if (d['sessionId'] === s.caller.sessionId) {
          if (s.connection) this.close(s.connection, CloseCode.SessionRevoked, 'session revoked');
          this.endSession(s);
          return;
        }
        break;
    }
    this.deliver(s, event, time);
  }

  private deliver(s: Session, event: DispatchEvent, time?: number): void {
    const seq = time === undefined ? s.replay.pushSeq(event.t, event.d) : s.replay.pushSeq(event.t, event.d, time);
    const conn = s.connection;
    if (!conn || conn.closed) return;
    if (conn.socket.bufferedAmount > this.maxBufferedBytes) {
      this.slowClosed++;
      this.close(conn, CloseCode.SessionTimedOut, 'too far behind; resume');
      return;
    }
    try {
      if (this.preparedFor !== event || this.prepared === undefined) {
        this.preparedFor = undefined;
        this.prepared = this.codec.prepareDispatch(event.t, event.d);
        this.preparedFor = event;
      }
      const socket = conn.socket;
      if (socket.sendDispatch) socket.sendDispatch(this.prepared, seq);
      else socket.send(this.codec.encodePrepared(this.prepared, seq));
      this.dispatched++;
    } catch (e) {
      // An event that does not fit the protocol is a bug here, not the client's: say so and go on.
      this.error(conn, 'internal', `event ${event.t} could not be encoded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private endSession(s: Session): void {
    if (!this.sessions.delete(s.id)) return;
    for (const topic of [...s.subscriptions]) this.unsubscribe(s, topic);
    if (s.connection) this.close(s.connection, CloseCode.SessionTimedOut, 'session ended');
    if (s.counted) this.markOnline(s.caller, -1);
  }

  private markOnline(caller: Caller, delta: 1 | -1): void {
    const n = (this.online.get(caller.userId) ?? 0) + delta;
    if (n <= 0) this.online.delete(caller.userId);
    else this.online.set(caller.userId, n);
    if ((delta === 1 && n === 1) || (delta === -1 && n <= 0)) {
      this.service.updateProfile(caller, { presence: delta === 1 ? 'online' : 'offline' }).catch(() => undefined);
    }
  }
}
