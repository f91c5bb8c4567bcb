import type { JsonValue } from './json.js';
import { Op } from './Op.js';
import { s, type Schema } from './schema.js';

/** An event from server to client: `s` is the session's sequence number, `t` the event name. */
export interface DispatchFrame<T extends string = string, D = unknown> {
  op: typeof Op.Dispatch;
  s: number;
  t: T;
  d: D;
}
/** Keep-alive; `d` is the last sequence number the client received, or null before any. */
export interface HeartbeatFrame {
  op: typeof Op.Heartbeat;
  d: number | null;
}
/** Client starts a session. */
export interface IdentifyFrame {
  op: typeof Op.Identify;
  d: { token: string; client?: string };
}
/** Session started. `user`, `guilds`, `presences` and `privateChannels` (DMs, groups) are the service's initial state. */
export interface ReadyFrame {
  op: typeof Op.Ready;
  d: { sessionId: string; user: JsonValue; guilds: JsonValue; presences?: JsonValue; privateChannels?: JsonValue };
}
/** Client continues a dropped session after sequence number `seq`. */
export interface ResumeFrame {
  op: typeof Op.Resume;
  d: { token: string; sessionId: string; seq: number };
}
/** All missed dispatches were replayed. */
export interface ResumedFrame {
  op: typeof Op.Resumed;
  d: { replayed: number };
}
/** The server asks the client to reconnect and resume. */
export interface ReconnectFrame {
  op: typeof Op.Reconnect;
}
/** The session cannot be resumed (`resumable: false`: identify again). */
export interface InvalidSessionFrame {
  op: typeof Op.InvalidSession;
  d: { resumable: boolean };
}
/** First frame from the server. */
export interface HelloFrame {
  op: typeof Op.Hello;
  d: { heartbeatIntervalMs: number };
}
/** Heartbeat received. */
export interface HeartbeatAckFrame {
  op: typeof Op.HeartbeatAck;
}
/** An RPC call over the socket; the answer carries the same `id`. */
export interface RequestFrame {
  op: typeof Op.Request;
  d: { id: number; method: string; params?: JsonValue };
}
/** The answer to a {@link RequestFrame}: `result`, or `error`. */
export interface ResponseFrame {
  op: typeof Op.Response;
  d: { id: number; result?: JsonValue; error?: { code: string; message: string } };
}
/** A protocol or application error. */
export interface ErrorFrame {
  op: typeof Op.Error;
  d: { code: string; message: string };
}

/** Every frame of the protocol, discriminated by `op`. */
export type Frame =
  | DispatchFrame
  | HeartbeatFrame
  | IdentifyFrame
  | ReadyFrame
  | ResumeFrame
  | ResumedFrame
  | ReconnectFrame
  | InvalidSessionFrame
  | HelloFrame
  | HeartbeatAckFrame
  | RequestFrame
  | ResponseFrame
  | ErrorFrame;

const seq = s.uint(0xffffffff);
const error = s.object({ code: s.string(64), message: s.string(1024) });

/**
 * Payload schema of each non-dispatch op; `null` for ops without payload.
 * @internal
 */
export const opSchemas: ReadonlyMap<number, Schema<unknown> | null> = new Map<number, Schema<unknown> | null>([
  [Op.Heartbeat, s.nullable(seq)],
  [Op.Identify, s.object({ token: s.string(512), client: s.optional(s.string(128)) })],
  [
    Op.Ready,
    s.object({ sessionId: s.string(128), user: s.json(), guilds: s.json(), presences: s.optional(s.json()), privateChannels: s.optional(s.json()) }),
  ],
  [Op.Resume, s.object({ token: s.string(512), sessionId: s.string(128), seq })],
  [Op.Resumed, s.object({ replayed: s.uint() })],
  [Op.Reconnect, null],
  [Op.InvalidSession, s.object({ resumable: s.boolean() })],
  [Op.Hello, s.object({ heartbeatIntervalMs: s.uint(0x7fffffff) })],
  [Op.HeartbeatAck, null],
  [Op.Request, s.object({ id: seq, method: s.string(128), params: s.optional(s.json()) })],
  [Op.Response, s.object({ id: seq, result: s.optional(s.json()), error: s.optional(error) })],
  [Op.Error, error],
]);
