import type { DispatchFrame } from './Frame.js';
import { Op } from './Op.js';
import { WireError } from './WireError.js';

/** Options of {@link ReplayBuffer}. */
export interface ReplayBufferOptions {
  /**
   * Most dispatches kept.
   * @defaultValue 1024
   */
  capacity?: number;
  /**
   * Dispatches older than this (ms) are dropped and can no longer be replayed.
   * @defaultValue 120000
   */
  maxAgeMs?: number;
  /**
   * Clock in ms.
   * @defaultValue Date.now
   */
  now?: () => number;
}

/** The answer of {@link ReplayBuffer.since}. */
export type ReplayResult =
  | { ok: true; frames: DispatchFrame[] }
  | {
      ok: false;
      /**
       * `gap`: some missed dispatch was already dropped (capacity, age or ack): identify again.
       * `ahead`: the client claims a sequence number never sent. `invalid`: not a sequence number.
       */
      reason: 'gap' | 'ahead' | 'invalid';
    };

/**
 * The last dispatches of one session, numbered from 1, kept so that a client that drops its
 * connection can resume: {@link ReplayBuffer.since} returns exactly the dispatches after the
 * last one the client saw, or says the gap cannot be filled. Bounded by count and by age; time
 * is read from the injected clock only when the buffer is used (no timers).
 *
 * @example
 * ```ts
 * const replay = new ReplayBuffer({ capacity: 512 });
 * socket.send(codec.encode(replay.push('MESSAGE_CREATE', message)));
 * // later, on Resume { seq }:
 * const r = replay.since(seq);
 * if (r.ok) r.frames.forEach((f) => socket.send(codec.encode(f)));
 * else socket.send(codec.encode({ op: Op.InvalidSession, d: { resumable: false } }));
 * ```
 */
export class ReplayBuffer {
  private readonly capacity: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  // Ring storage grows by doubling up to `capacity`, so an idle session costs a few slots,
  // not the whole capacity. A kept dispatch is its type and payload as given (shared with every
  // other session's buffer the event went to) and its time: no object per push, which a fan-out
  // to thousands of sessions would otherwise allocate and keep for minutes, feeding the old
  // generation. Sequence numbers are not stored: kept dispatches are consecutive, the newest
  // being `last`.
  private types: (string | undefined)[] = [];
  private data: unknown[] = [];
  private times: Float64Array = new Float64Array(0);
  private head = 0; // ring index of the oldest kept dispatch
  private count = 0;
  private last = 0;
  private latest = Number.NEGATIVE_INFINITY; // time of the newest push

  /** @throws {@link WireError} `invalid-field` for a capacity below 1 or a non-positive age. */
  constructor(options: ReplayBufferOptions = {}) {
    const capacity = options.capacity ?? 1024;
    const maxAgeMs = options.maxAgeMs ?? 120_000;
    if (!Number.isSafeInteger(capacity) || capacity < 1 || capacity > 1 << 24) {
      throw new WireError('invalid-field', 'capacity must be an integer in 1..16777216', 'capacity');
    }
    if (!(maxAgeMs > 0)) throw new WireError('invalid-field', 'maxAgeMs must be positive', 'maxAgeMs');
    this.capacity = capacity;
    this.maxAgeMs = maxAgeMs;
    this.now = options.now ?? Date.now;
  }

  /** Sequence number of the latest dispatch, 0 before the first. */
  get lastSeq(): number {
    return this.last;
  }

  /** Dispatches currently kept. */
  get size(): number {
    return this.count;
  }

  /**
   * Numbers and keeps a dispatch; returns the frame to send.
   * @param time - when it was sent (ms, the clock's scale), for a caller that pushes one event
   * into many buffers and reads the clock once for all of them; the clock by default
   * (a time before the previous push's counts as that one, as when a wall clock steps back)
   * @throws {@link WireError} `invalid-field` for a time that is not a number
   */
  push<T extends string, D>(t: T, d: D, time?: number): DispatchFrame<T, D> {
    const s = time === undefined ? this.pushSeq(t, d) : this.pushSeq(t, d, time);
    return { op: Op.Dispatch, s, t, d };
  }

  /**
   * {@link ReplayBuffer.push} without building the frame: numbers and keeps a dispatch and
   * returns its sequence number, allocating nothing once the ring has grown. For a server that
   * writes the frame itself (e.g. from a `PreparedDispatch`) to many sessions.
   * @param time - as for {@link ReplayBuffer.push}
   * @returns the dispatch's sequence number
   * @throws {@link WireError} `invalid-field` for a time that is not a number
   */
  pushSeq(t: string, d: unknown, time: number = this.now()): number {
    if (typeof time !== 'number' || Number.isNaN(time)) throw new WireError('invalid-field', 'time must be a number', 'time');
    // Age expiry walks from the oldest and stops at the first young one: times must not go back.
    if (time < this.latest) time = this.latest;
    else this.latest = time;
    if (this.count === this.capacity) this.dropOldest();
    else if (this.count === this.types.length) this.grow();
    // Ring arithmetic by subtraction: a division per push showed in fan-out profiles.
    let at = this.head + this.count;
    if (at >= this.types.length) at -= this.types.length;
    this.types[at] = t;
    this.data[at] = d;
    this.times[at] = time;
    this.count++;
    return ++this.last;
  }

  /** The client has received everything up to `seq` (from its heartbeat): those need not be kept. */
  ack(seq: number): void {
    if (!Number.isSafeInteger(seq)) return;
    // The oldest kept dispatch is number last - count + 1.
    for (let n = Math.min(this.count, seq - (this.last - this.count)); n > 0; n--) this.dropOldest();
  }

  /**
   * Dispatches after `seq` (the last one the client received; 0 for none), in order.
   * Never throws: a bad or unfillable `seq` is an answer, since it comes from the client.
   */
  since(seq: number): ReplayResult {
    if (!Number.isSafeInteger(seq) || seq < 0) return { ok: false, reason: 'invalid' };
    if (seq > this.last) return { ok: false, reason: 'ahead' };
    this.expire();
    const first = this.last - this.count + 1;
    if (seq + 1 < first) return { ok: false, reason: 'gap' };
    const frames: DispatchFrame[] = [];
    for (let i = seq + 1 - first; i < this.count; i++) {
      const at = (this.head + i) % this.types.length;
      frames.push({ op: Op.Dispatch, s: first + i, t: this.types[at]!, d: this.data[at] });
    }
    return { ok: true, frames };
  }

  private expire(): void {
    const cutoff = this.now() - this.maxAgeMs;
    while (this.count > 0 && this.times[this.head]! < cutoff) this.dropOldest();
  }

  private dropOldest(): void {
    this.types[this.head] = undefined;
    this.data[this.head] = undefined;
    if (++this.head === this.types.length) this.head = 0;
    this.count--;
  }

  private grow(): void {
    const size = Math.min(this.capacity, Math.max(8, this.types.length * 2));
    const types = new Array<string | undefined>(size);
    const data = new Array<unknown>(size);
    const times = new Float64Array(size);
    for (let i = 0; i < this.count; i++) {
      const from = (this.head + i) % this.types.length;
      types[i] = this.types[from];
      data[i] = this.data[from];
      times[i] = this.times[from]!;
    }
    this.types = types;
    this.data = data;
    this.times = times;
    this.head = 0;
  }
}
