// Gateway frames leave through here rather than through `ws.send`: every frame a socket gets in
// one turn of the event loop (a group commit fans out many messages at once) is framed as a
// WebSocket binary message by us and written with one `socket.write` when the turn is over. A
// socket write is the dearest step of fan-out (on loopback the kernel runs the receiver's TCP
// path inside the sender's syscall), and each `ws.send` is two stream writes plus a header
// allocation; so one buffer per socket per turn is what a delivery should cost.

import type { PreparedDispatch } from '@chorus/wire';

/** Where an {@link Outbox} writes: the upgraded socket under a WebSocket (a `net.Socket`). */
export interface OutboxSocket {
  write(chunk: Uint8Array): boolean;
  /** Holds writes until {@link OutboxSocket.uncork}, which sends them in one system call. */
  cork(): void;
  uncork(): void;
  readonly writableLength: number;
  readonly destroyed: boolean;
}

/** One message given as pieces (a response around a cached page): framed once, large pieces written uncopied. */
class Gathered {
  constructor(
    readonly parts: readonly Uint8Array[],
    readonly length: number,
    readonly large: number,
  ) {}
}

/** One socket's frames waiting for the end of the turn. */
export class OutboxEntry {
  // Most sockets get one frame a turn: it is held in two fields, and arrays are made only for a
  // second one (an array per socket per turn was a tenth of the fan-out's garbage).
  /** The first frame queued this turn: bytes, or a dispatch shared by many sockets to number with `firstSeq`. */
  first: Uint8Array | PreparedDispatch | Gathered | undefined = undefined;
  firstSeq = 0;
  /** Frames after the first, in order, and their sequence numbers (unused for bytes). */
  more: (Uint8Array | PreparedDispatch | Gathered)[] | undefined = undefined;
  moreSeqs: number[] | undefined = undefined;
  /** Bytes they take on the wire, headers included. */
  bytes = 0;
  /** Bytes of the payloads among them large enough to be written as they are, not copied. */
  large = 0;
  queued = false;
  /** The last write found the socket's buffer at or over its high-water mark. */
  backlogged = false;
  constructor(readonly socket: OutboxSocket) {}

  /**
   * Bytes written to the socket but not yet taken by the kernel, plus those queued here. While
   * the socket's last write returned true its own buffer held less than its high-water mark
   * (16 KiB for a net.Socket) and counts as empty: the gateway asks this for every delivery,
   * and reading the stream's length each time was 2% of a fan-out's CPU.
   */
  get bufferedAmount(): number {
    return this.backlogged ? this.socket.writableLength + this.bytes : this.bytes;
  }
}

/** Payloads of at least this many bytes are written without a copy (copying 4 KiB costs about what a separate chunk does). */
const LARGE = 4096;

/** Header length of an unmasked WebSocket frame with `n` payload bytes (RFC 6455 §5.2). */
function headerLength(n: number): number {
  return n < 126 ? 2 : n < 65536 ? 4 : 10;
}

/** Writes the header of an unmasked final binary frame of `n` payload bytes at `at`; returns its end. */
function writeHeader(out: Uint8Array, at: number, n: number): number {
  out[at] = 0x82;
  if (n < 126) {
    out[at + 1] = n;
    return at + 2;
  }
  if (n < 65536) {
    out[at + 1] = 126;
    out[at + 2] = n >>> 8;
    out[at + 3] = n & 0xff;
    return at + 4;
  }
  out[at + 1] = 127;
  // Frames are bounded far below 2^32 bytes: the upper four length bytes are zero.
  out[at + 2] = out[at + 3] = out[at + 4] = out[at + 5] = 0;
  out[at + 6] = n >>> 24;
  out[at + 7] = (n >>> 16) & 0xff;
  out[at + 8] = (n >>> 8) & 0xff;
  out[at + 9] = n & 0xff;
  return at + 10;
}

/** Writes one frame, header and payload, at `at`; returns its end. */
function put(out: Uint8Array, at: number, frame: Uint8Array | PreparedDispatch, seq: number): number {
  if (frame instanceof Uint8Array) {
    at = writeHeader(out, at, frame.length);
    out.set(frame, at);
    return at + frame.length;
  }
  return frame.writeFrame(seq, out, writeHeader(out, at, frame.frameLength(seq)));
}

/**
 * Frames sent to WebSocket connections during one turn of the event loop, written per socket
 * in one buffer once the turn is over (by one `setImmediate` for all sockets).
 *
 * @example
 * ```ts
 * const outbox = new Outbox();
 * const entry = outbox.entry(socket); // the socket from the HTTP upgrade
 * outbox.send(entry, bytes);          // framed and written after this turn
 * ```
 */
export class Outbox {
  private dirty: OutboxEntry[] = [];
  private readonly schedule: (flush: () => void) => void;

  /** @param schedule - runs the flush after the turn; `setImmediate` unless a test drives it */
  constructor(schedule: (flush: () => void) => void = setImmediate) {
    this.schedule = schedule;
  }

  /** The queue of one socket. */
  entry(socket: OutboxSocket): OutboxEntry {
    return new OutboxEntry(socket);
  }

  /** Queues `payload` as one binary WebSocket message to `entry`'s socket. The bytes are not copied: the caller must not reuse them. */
  send(entry: OutboxEntry, payload: Uint8Array): void {
    this.queue(entry, payload, 0, payload.length);
  }

  /**
   * Queues dispatch `prepared` numbered `seq` as one binary WebSocket message: its bytes are
   * written straight into the socket's buffer at the end of the turn, so a fan-out allocates
   * no frame per recipient.
   * @throws WireError for a sequence number the protocol cannot carry
   */
  sendDispatch(entry: OutboxEntry, prepared: PreparedDispatch, seq: number): void {
    this.queue(entry, prepared, seq, prepared.frameLength(seq));
  }

  /**
   * Queues one binary WebSocket message made of `parts` in order (e.g. from
   * `FrameCodec.encodeResponseParts`): parts of 4 KiB or more are written as they are, not
   * copied, so the caller must not change them.
   */
  sendParts(entry: OutboxEntry, parts: readonly Uint8Array[]): void {
    let length = 0;
    let large = 0;
    for (const p of parts) {
      length += p.length;
      if (p.length >= LARGE) large += p.length;
    }
    this.queue(entry, new Gathered(parts, length, large), 0, length);
  }

  /** Writes what `entry` has queued now, e.g. before a close frame that must come after it. */
  flush(entry: OutboxEntry): void {
    const first = entry.first;
    if (first === undefined) return;
    // Headers, dispatches and small frames are gathered in one buffer; a large payload (a page
    // of history) is handed to the socket as it is, between the pieces of that buffer.
    const out = Buffer.allocUnsafe(entry.bytes - entry.large);
    const chunks: Uint8Array[] | undefined = entry.large > 0 ? [] : undefined;
    let from = 0;
    let at = 0;
    const more = entry.more;
    const seqs = entry.moreSeqs;
    const n = more === undefined ? 1 : more.length + 1;
    for (let i = 0; i < n; i++) {
      const frame = i === 0 ? first : more![i - 1]!;
      if (chunks !== undefined && frame instanceof Uint8Array && frame.length >= LARGE) {
        at = writeHeader(out, at, frame.length);
        chunks.push(out.subarray(from, at), frame);
        from = at;
      } else if (frame instanceof Gathered) {
        at = writeHeader(out, at, frame.length);
        for (const p of frame.parts) {
          if (chunks !== undefined && p.length >= LARGE) {
            chunks.push(out.subarray(from, at), p);
            from = at;
          } else {
            out.set(p, at);
            at += p.length;
          }
        }
      } else at = put(out, at, frame, i === 0 ? entry.firstSeq : seqs![i - 1]!);
    }
    entry.first = entry.more = entry.moreSeqs = undefined;
    entry.bytes = entry.large = 0;
    // A socket that died this turn takes nothing; its close handler ends the session.
    const socket = entry.socket;
    if (socket.destroyed) return;
    if (chunks === undefined) {
      entry.backlogged = !socket.write(out);
      return;
    }
    if (at > from) chunks.push(out.subarray(from, at));
    socket.cork();
    let fits = true;
    for (const c of chunks) fits = socket.write(c);
    socket.uncork();
    entry.backlogged = !fits;
  }

  private queue(entry: OutboxEntry, frame: Uint8Array | PreparedDispatch | Gathered, seq: number, length: number): void {
    if (entry.first === undefined) {
      entry.first = frame;
      entry.firstSeq = seq;
    } else if (entry.more === undefined) {
      entry.more = [frame];
      entry.moreSeqs = [seq];
    } else {
      entry.more.push(frame);
      entry.moreSeqs!.push(seq);
    }
    entry.bytes += headerLength(length) + length;
    if (length >= LARGE && frame instanceof Uint8Array) entry.large += length;
    else if (frame instanceof Gathered) entry.large += frame.large;
    if (entry.queued) return;
    entry.queued = true;
    if (this.dirty.length === 0) this.schedule(this.flushAll);
    this.dirty.push(entry);
  }

  /**
   * Queues a flush of every socket behind whatever is already scheduled for this turn: called
   * right after a store schedules its group commit, it writes what that commit publishes (and
   * the answers to its senders) in the same turn, once the commit's promises have settled, rather
   * than one turn later.
   */
  flushAfter(): void {
    this.schedule(this.flushAll);
  }

  /** Sockets with frames waiting for the end of the turn. */
  get pendingSockets(): number {
    return this.dirty.length;
  }

  private readonly flushAll = (): void => {
    const dirty = this.dirty;
    this.dirty = [];
    for (const e of dirty) {
      e.queued = false;
      this.flush(e);
    }
  };
}
