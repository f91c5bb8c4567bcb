import { ByteReader } from './ByteReader.js';
import { ByteWriter } from './ByteWriter.js';
import { chatEvents, type EventRegistry, type EventSpec } from './events.js';
import { opSchemas, type Frame } from './Frame.js';
import type { EncodedJson, JsonValue } from './json.js';
import { Op, opName } from './Op.js';
import { s, type Schema } from './schema.js';
import { WireError, withPath } from './WireError.js';

/** Default largest frame accepted or produced, in bytes (1 MiB). */
export const DEFAULT_MAX_FRAME_BYTES: number = 1 << 20;

/** Options of {@link FrameCodec}. */
export interface CodecOptions {
  /**
   * Largest frame, in bytes, that decode accepts (checked before any parsing) and encode produces.
   * @defaultValue {@link DEFAULT_MAX_FRAME_BYTES}
   */
  maxFrameBytes?: number;
  /**
   * Events with compact schemas. Both peers must use the same registry.
   * @defaultValue {@link chatEvents}
   */
  events?: EventRegistry;
}

const EVENT_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
const genericPayload: Schema<unknown> = s.json();
const seqSchema = s.uint(0xffffffff);

/**
 * Encodes and decodes gateway frames. A frame travels as a msgpack array: `[op]`, `[op, d]`, or
 * for dispatches `[0, t, s, d]` where `t` is the event's code when the registry knows it (and `d`
 * is then positional: objects as arrays in field order) or its name otherwise (and `d` is plain
 * msgpack). Keep one codec per connection or per process: it reuses its buffers.
 *
 * @example
 * ```ts
 * const codec = new FrameCodec();
 * const bytes = codec.encode({ op: Op.Hello, d: { heartbeatIntervalMs: 41250 } });
 * const frame = codec.decode(bytes); // { op: 10, d: { heartbeatIntervalMs: 41250 } }
 * ```
 */
export class FrameCodec {
  /** Largest frame in bytes. */
  readonly maxFrameBytes: number;
  private readonly byName = new Map<string, EventSpec<unknown>>();
  private readonly byCode = new Map<number, { name: string; spec: EventSpec<unknown> }>();
  private readonly writer = new ByteWriter();
  private readonly reader = new ByteReader();

  /** @throws {@link WireError} `invalid-field` for a bad limit or registry (duplicate or invalid codes, bad names). */
  constructor(options: CodecOptions = {}) {
    const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    if (!Number.isSafeInteger(max) || max < 16) throw new WireError('invalid-field', 'maxFrameBytes must be an integer >= 16', 'maxFrameBytes');
    this.maxFrameBytes = max;
    for (const [name, spec] of Object.entries(options.events ?? chatEvents)) {
      if (!EVENT_NAME.test(name)) throw new WireError('invalid-field', `event name "${name}" must match ${EVENT_NAME}`, 'events');
      if (!Number.isSafeInteger(spec.code) || spec.code < 1 || spec.code > 0xffff) {
        throw new WireError('invalid-field', `event ${name}: code must be an integer in 1..65535`, 'events');
      }
      if (this.byCode.has(spec.code)) throw new WireError('invalid-field', `event code ${spec.code} is used twice`, 'events');
      this.byName.set(name, spec);
      this.byCode.set(spec.code, { name, spec });
    }
  }

  /**
   * Validates and encodes a frame.
   * @throws {@link WireError} `invalid-field` when a field does not match its schema, `unknown-op`,
   * or `too-large` when the result would exceed {@link CodecOptions.maxFrameBytes}.
   */
  encode(frame: Frame): Uint8Array {
    this.write(frame);
    return this.writer.bytes();
  }

  private write(frame: Frame): void {
    const w = this.writer;
    w.reset();
    if (typeof frame !== 'object' || frame === null) throw new WireError('invalid-field', 'a frame must be an object');
    const op = frame.op;
    if (op === Op.Dispatch) {
      const schema = this.dispatchHead(frame.t);
      w.int(checkSeq(frame.s));
      writeField(w, schema, frame.d, 'd');
    } else {
      const schema = opSchemas.get(op as number);
      if (schema === undefined) throw new WireError('unknown-op', `op ${typeof op === 'number' ? op : typeof op} is not a gateway op`, 'op');
      if (schema === null) {
        w.arrayHeader(1);
        w.int(op);
      } else {
        w.arrayHeader(2);
        w.int(op);
        writeField(w, schema, (frame as { d?: unknown }).d, 'd');
      }
    }
    if (w.length > this.maxFrameBytes) throw new WireError('too-large', `frame of ${w.length} bytes exceeds ${this.maxFrameBytes}`);
  }

  /**
   * Encodes the answer to a request whose result may hold pre-encoded values: the result itself,
   * or elements of a result array, made by {@link encodeJson}. Their bytes are copied, not
   * encoded again, and the frame is byte for byte what {@link FrameCodec.encode} gives for the
   * plain values.
   * @throws {@link WireError} as {@link FrameCodec.encode} does.
   * @example
   * ```ts
   * const page = messages.map((m) => encoded.get(m) ?? encodeJson(m));
   * socket.send(codec.encodeResponse(request.id, page));
   * ```
   */
  encodeResponse(id: number, result: JsonValue | EncodedJson | readonly (JsonValue | EncodedJson)[]): Uint8Array {
    // The json schema recognises EncodedJson at run time; the frame type stays what decode gives.
    return this.encode({ op: Op.Response, d: { id, result: result as JsonValue } });
  }

  /**
   * {@link FrameCodec.encodeResponse} as pieces to write one after another: pre-encoded values
   * of 1 KiB or more are not copied but returned as they are, between copies of the bytes around
   * them. A transport that writes a socket's pieces with one gathering system call (`writev`)
   * sends a cached history page without copying it into a frame first.
   * @returns pieces whose concatenation is `encodeResponse(id, result)`; the shared ones must not be changed
   * @throws {@link WireError} as {@link FrameCodec.encode} does.
   * @example
   * ```ts
   * const parts = codec.encodeResponseParts(request.id, page);
   * socket.cork(); for (const p of parts) socket.write(p); socket.uncork();
   * ```
   */
  encodeResponseParts(id: number, result: JsonValue | EncodedJson | readonly (JsonValue | EncodedJson)[]): Uint8Array[] {
    const w = this.writer;
    w.gather(true);
    try {
      this.write({ op: Op.Response, d: { id, result: result as JsonValue } });
      return w.parts();
    } finally {
      w.gather(false);
    }
  }

  /**
   * Validates and encodes a dispatch once, for sending to many sessions that each number it
   * with their own sequence: {@link FrameCodec.encodePrepared} then only splices in the number.
   * Fan-out to N recipients costs one payload encoding instead of N.
   * @throws {@link WireError} as {@link FrameCodec.encode} does.
   * @example
   * ```ts
   * const prepared = codec.prepareDispatch('MESSAGE_CREATE', message);
   * for (const session of recipients) session.send(codec.encodePrepared(prepared, session.nextSeq()));
   * ```
   */
  prepareDispatch<T extends string, D>(t: T, d: D): PreparedDispatch<T, D> {
    const w = this.writer;
    w.reset();
    const schema = this.dispatchHead(t);
    const headEnd = w.pos;
    writeField(w, schema, d, 'd');
    // The largest sequence number takes 5 bytes.
    if (w.pos + 5 > this.maxFrameBytes) throw new WireError('too-large', `frame of ${w.pos + 5} bytes exceeds ${this.maxFrameBytes}`);
    const bytes = w.bytes();
    return new PreparedDispatch(this, t, d, bytes.subarray(0, headEnd), bytes.subarray(headEnd));
  }

  /**
   * The frame bytes of a prepared dispatch with sequence number `seq`: identical to
   * `encode({ op: Op.Dispatch, s: seq, t, d })`.
   * @throws {@link WireError} `invalid-field` for a bad sequence number or a dispatch prepared by another codec.
   */
  encodePrepared(prepared: PreparedDispatch, seq: number): Uint8Array {
    if (prepared.codec !== this) throw new WireError('invalid-field', 'the dispatch was prepared by another codec');
    const w = this.writer;
    w.reset();
    w.raw(prepared.head);
    w.int(checkSeq(seq));
    w.raw(prepared.body);
    return w.bytes();
  }

  /** Writes `[0, t` of a dispatch and returns the payload's schema. */
  private dispatchHead(t: unknown): Schema<unknown> {
    if (typeof t !== 'string' || !EVENT_NAME.test(t)) throw new WireError('invalid-field', `event name must match ${EVENT_NAME}`, 't');
    const spec = this.byName.get(t);
    const w = this.writer;
    w.arrayHeader(4);
    w.int(Op.Dispatch);
    if (spec) w.int(spec.code);
    else w.string(t);
    return spec ? spec.schema : genericPayload;
  }

  /**
   * Decodes and validates a frame. Throws nothing but {@link WireError}, for any input.
   * @throws {@link WireError} `too-large` (checked before parsing), `malformed`, `unknown-op`, `invalid-field`.
   */
  decode(bytes: Uint8Array): Frame {
    if (!(bytes instanceof Uint8Array)) throw new WireError('malformed', 'a frame must be a Uint8Array');
    if (bytes.length > this.maxFrameBytes) throw new WireError('too-large', `frame of ${bytes.length} bytes exceeds ${this.maxFrameBytes}`);
    const r = this.reader;
    r.reset(bytes);
    try {
      const frame = this.read(r);
      if (r.pos !== r.end) throw new WireError('malformed', `${r.end - r.pos} trailing bytes after the frame`);
      return frame;
    } catch (err) {
      if (err instanceof WireError) throw err;
      // Defensive: nothing else may escape, whatever the bytes.
      throw new WireError('malformed', `undecodable frame (${err instanceof Error ? err.message : String(err)})`);
    } finally {
      r.reset(EMPTY);
    }
  }

  private read(r: ByteReader): Frame {
    let n: number;
    try {
      n = r.arrayHeader('');
    } catch {
      throw new WireError('malformed', 'a frame must be a msgpack array');
    }
    if (n < 1 || n > 4) throw new WireError('malformed', `a frame has 1-4 elements, not ${n}`);
    const op = r.int('op');
    if (op === Op.Dispatch) {
      if (n !== 4) throw new WireError('malformed', 'a dispatch frame has 4 elements');
      let name: string;
      let schema: Schema<unknown>;
      const tag = r.peek('t');
      if ((tag & 0xe0) === 0xa0 || tag === 0xd9) {
        name = r.string('t', 64);
        if (!EVENT_NAME.test(name)) throw new WireError('invalid-field', `event name must match ${EVENT_NAME}`, 't');
        if (this.byName.has(name)) throw new WireError('invalid-field', `event ${name} must travel by its code`, 't');
        schema = genericPayload;
      } else {
        const code = r.int('t');
        const known = this.byCode.get(code);
        if (!known) throw new WireError('invalid-field', `unknown event code ${code}`, 't');
        name = known.name;
        schema = known.spec.schema;
      }
      const seq = readField(r, seqSchema, 's') as number;
      const d = readField(r, schema, 'd');
      return { op: Op.Dispatch, t: name, s: seq, d };
    }
    const schema = opSchemas.get(op);
    if (schema === undefined) throw new WireError('unknown-op', `op ${op} is not a gateway op`, 'op');
    if (schema === null) {
      if (n !== 1) throw new WireError('malformed', `op ${opName(op)} has no payload`);
      return { op } as Frame;
    }
    if (n !== 2) throw new WireError('malformed', `op ${opName(op)} has exactly one payload`);
    return { op, d: readField(r, schema, 'd') } as Frame;
  }
}

const EMPTY = new Uint8Array(0);

function checkSeq(seq: unknown): number {
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0 || seq > 0xffffffff) {
    throw new WireError('invalid-field', 'sequence must be an integer in 0..2^32-1', 's');
  }
  return seq;
}

/**
 * A dispatch validated and encoded once by {@link FrameCodec.prepareDispatch}, waiting for a
 * sequence number. Immutable; share it across all recipients.
 */
export class PreparedDispatch<T extends string = string, D = unknown> {
  /** The event name. */
  readonly t: T;
  /** The payload, as given (for replay buffers and logs). */
  readonly d: D;
  /** @internal */
  readonly codec: FrameCodec;
  /** @internal `[0, t` bytes. */
  readonly head: Uint8Array;
  /** @internal payload bytes. */
  readonly body: Uint8Array;

  /** @internal Use {@link FrameCodec.prepareDispatch}. */
  constructor(codec: FrameCodec, t: T, d: D, head: Uint8Array, body: Uint8Array) {
    this.codec = codec;
    this.t = t;
    this.d = d;
    this.head = head;
    this.body = body;
  }

  /** Encoded size in bytes, without the sequence number (1-5 bytes more). */
  get byteLength(): number {
    return this.head.length + this.body.length;
  }

  /**
   * Size of the frame with sequence number `seq`: the length of
   * `codec.encodePrepared(prepared, seq)`.
   * @throws {@link WireError} `invalid-field` for a bad sequence number.
   */
  frameLength(seq: number): number {
    const s = checkSeq(seq);
    return this.head.length + (s < 0x80 ? 1 : s < 0x100 ? 2 : s < 0x10000 ? 3 : 5) + this.body.length;
  }

  /**
   * Writes the frame with sequence number `seq` into `target` at `offset`, the same bytes as
   * `codec.encodePrepared(prepared, seq)` without allocating them: a transport that gathers a
   * socket's frames into one buffer writes each recipient's copy straight into it.
   * @returns the offset after the frame
   * @throws {@link WireError} `invalid-field` for a bad sequence number, or when the frame does not fit in `target` from `offset`.
   * @example
   * ```ts
   * const out = new Uint8Array(prepared.frameLength(seq));
   * prepared.writeFrame(seq, out, 0);
   * ```
   */
  writeFrame(seq: number, target: Uint8Array, offset: number): number {
    const n = this.frameLength(seq);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + n > target.length) {
      throw new WireError('invalid-field', `a frame of ${n} bytes does not fit at offset ${offset} of ${target.length} bytes`);
    }
    target.set(this.head, offset);
    let at = offset + this.head.length;
    // A positive msgpack integer, as ByteWriter.int writes it (checkSeq bounds it to 32 bits).
    if (seq < 0x80) target[at++] = seq;
    else if (seq < 0x100) {
      target[at++] = 0xcc;
      target[at++] = seq;
    } else if (seq < 0x10000) {
      target[at++] = 0xcd;
      target[at++] = seq >>> 8;
      target[at++] = seq & 0xff;
    } else {
      target[at++] = 0xce;
      target[at++] = seq >>> 24;
      target[at++] = (seq >>> 16) & 0xff;
      target[at++] = (seq >>> 8) & 0xff;
      target[at++] = seq & 0xff;
    }
    target.set(this.body, at);
    return at + this.body.length;
  }
}

function writeField(w: ByteWriter, schema: Schema<unknown>, value: unknown, key: string): void {
  try {
    schema.write(w, value);
  } catch (err) {
    withPath(key, err);
  }
}

function readField(r: ByteReader, schema: Schema<unknown>, key: string): unknown {
  try {
    return schema.read(r);
  } catch (err) {
    return withPath(key, err);
  }
}

let shared: FrameCodec | undefined;

/**
 * Encodes a frame with a shared default codec ({@link chatEvents}, 1 MiB limit).
 * @throws {@link WireError} see {@link FrameCodec.encode}.
 * @example
 * ```ts
 * socket.send(encodeFrame({ op: Op.Heartbeat, d: lastSeq }));
 * ```
 */
export function encodeFrame(frame: Frame): Uint8Array {
  shared ??= new FrameCodec();
  return shared.encode(frame);
}

/**
 * Decodes a frame with a shared default codec ({@link chatEvents}); pass options for other limits.
 * @throws {@link WireError} and nothing else, for any input.
 */
export function decodeFrame(bytes: Uint8Array, options?: CodecOptions): Frame {
  if (options !== undefined) return new FrameCodec(options).decode(bytes);
  shared ??= new FrameCodec();
  return shared.decode(bytes);
}
