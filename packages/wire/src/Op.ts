/**
 * Op codes of the gateway protocol. The numbers are part of the wire format and never change.
 *
 * | op | direction | meaning |
 * | --- | --- | --- |
 * | Dispatch | server → client | an event, with sequence number `s` and name `t` |
 * | Heartbeat | both | keep-alive; `d` is the last sequence number the client received |
 * | Identify | client → server | start a session with a token |
 * | Ready | server → client | session started: session id and initial state |
 * | Resume | client → server | continue a dropped session from a sequence number |
 * | Resumed | server → client | all missed dispatches were replayed |
 * | Reconnect | server → client | please reconnect and resume |
 * | InvalidSession | server → client | the session cannot be resumed (or identify failed) |
 * | Hello | server → client | first frame: heartbeat interval |
 * | HeartbeatAck | server → client | heartbeat received |
 * | Request / Response | both | RPC over the socket, matched by request id |
 * | Error | both | a protocol or application error |
 */
export const Op = {
  Dispatch: 0,
  Heartbeat: 1,
  Identify: 2,
  Ready: 3,
  Resume: 4,
  Resumed: 5,
  Reconnect: 7,
  InvalidSession: 9,
  Hello: 10,
  HeartbeatAck: 11,
  Request: 12,
  Response: 13,
  Error: 14,
} as const;

/** One of the {@link Op} codes. */
export type OpCode = (typeof Op)[keyof typeof Op];

const names: Record<number, string> = {};
for (const [name, code] of Object.entries(Op)) names[code] = name;

/** The name of an op code (`'Dispatch'`), or undefined for a number that is not one. */
export function opName(op: number): string | undefined {
  return names[op];
}
