/**
 * The Chorus gateway protocol: compact msgpack control frames with validated event payloads,
 * binary media frames, a replay buffer for resume, and heartbeat bookkeeping.
 * @packageDocumentation
 */
export { WireError } from './WireError.js';
export type { WireErrorCode } from './WireError.js';
export { Op, opName } from './Op.js';
export type { OpCode } from './Op.js';
export type {
  Frame,
  DispatchFrame,
  HeartbeatFrame,
  IdentifyFrame,
  ReadyFrame,
  ResumeFrame,
  ResumedFrame,
  ReconnectFrame,
  InvalidSessionFrame,
  HelloFrame,
  HeartbeatAckFrame,
  RequestFrame,
  ResponseFrame,
  ErrorFrame,
} from './Frame.js';
export { FrameCodec, PreparedDispatch, encodeFrame, decodeFrame, DEFAULT_MAX_FRAME_BYTES } from './FrameCodec.js';
export type { CodecOptions } from './FrameCodec.js';
export { s, MAX_JSON_DEPTH, encodeJson } from './schema.js';
export type { Schema, ObjectOf } from './schema.js';
export { EncodedJson } from './json.js';
export type { JsonValue } from './json.js';
export { chatEvents, messageSchema, MAX_MESSAGE_LENGTH } from './events.js';
export type {
  ChatEvents,
  EventRegistry,
  EventSpec,
  Message,
  MessageAuthor,
  Attachment,
  MessageDelete,
  Reaction,
  TypingStart,
  PresenceUpdate,
  PresenceStatus,
} from './events.js';
export { encodeMedia, decodeMedia, isMediaFrame, MEDIA_MAGIC, MEDIA_HEADER_BYTES, DEFAULT_MAX_MEDIA_PAYLOAD } from './media.js';
export type { MediaFrame, MediaFlags } from './media.js';
export { ReplayBuffer } from './ReplayBuffer.js';
export type { ReplayBufferOptions, ReplayResult } from './ReplayBuffer.js';
export { HeartbeatMonitor, HeartbeatScheduler } from './Heartbeat.js';
export type { HeartbeatMonitorOptions, HeartbeatSchedulerOptions } from './Heartbeat.js';
