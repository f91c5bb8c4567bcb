import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameCodec, Op } from '@chorus/wire';
import { Outbox, type OutboxSocket } from '../src/outbox.js';

/** A socket that keeps what it sends in each system call: corked writes leave together at the uncork. */
function socket(): OutboxSocket & { writes: Uint8Array[]; dead: boolean } {
  let corked: Uint8Array[] | undefined;
  return {
    writes: [],
    dead: false,
    writableLength: 0,
    get destroyed() {
      return this.dead;
    },
    write(chunk) {
      if (corked) corked.push(Uint8Array.from(chunk));
      else this.writes.push(Uint8Array.from(chunk));
      return true;
    },
    cork() {
      corked = [];
    },
    uncork() {
      this.writes.push(Uint8Array.from(Buffer.concat(corked!)));
      corked = undefined;
    },
  };
}

/** Splits a byte stream into the payloads of unmasked binary WebSocket frames (RFC 6455 §5.2), checking each header. */
function parseFrames(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    expect(bytes[at]).toBe(0x82); // FIN, binary
    let n = bytes[at + 1]!;
    expect(n & 0x80).toBe(0); // server frames are not masked
    at += 2;
    if (n === 126) {
      n = (bytes[at]! << 8) | bytes[at + 1]!;
      expect(n).toBeGreaterThanOrEqual(126); // the shortest form is required
      at += 2;
    } else if (n === 127) {
      expect(bytes.subarray(at, at + 4).every((b) => b === 0)).toBe(true);
      n = ((bytes[at + 4]! << 24) | (bytes[at + 5]! << 16) | (bytes[at + 6]! << 8) | bytes[at + 7]!) >>> 0;
      expect(n).toBeGreaterThanOrEqual(65536);
      at += 8;
    }
    out.push(Uint8Array.from(bytes.subarray(at, at + n)));
    at += n;
  }
  expect(at).toBe(bytes.length);
  return out;
}

/** Byte-wise equality of two frame lists (vitest's deep equality is slow on 64 KiB arrays). */
function sameFrames(a: Uint8Array[], b: Uint8Array[]): boolean {
  return a.length === b.length && a.every((x, i) => Buffer.from(x).equals(b[i]!));
}

/** A payload length near the header's size boundaries, or any. */
const length = fc.oneof({ arbitrary: fc.constantFrom(0, 1, 125, 126, 127, 65535, 65536, 70000), weight: 1 }, { arbitrary: fc.nat({ max: 300 }), weight: 4 });

describe('Outbox', () => {
  it('writes each socket its frames of the turn, in order, in one write (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 3 }), length, fc.nat({ max: 255 })), { maxLength: 30 }), (sends) => {
        const flushes: (() => void)[] = [];
        const outbox = new Outbox((f) => flushes.push(f));
        const sockets = [socket(), socket(), socket(), socket()];
        const entries = sockets.map((s) => outbox.entry(s));
        const expected: Uint8Array[][] = [[], [], [], []];
        for (const [to, n, fill] of sends) {
          const payload = new Uint8Array(n).fill(fill);
          outbox.send(entries[to]!, payload);
          expected[to]!.push(payload);
          expect(entries[to]!.bufferedAmount).toBeGreaterThan(0);
        }
        // Nothing is written before the turn ends, and one flush is scheduled for all sockets.
        expect(sockets.every((s) => s.writes.length === 0)).toBe(true);
        expect(flushes.length).toBe(sends.length > 0 ? 1 : 0);
        flushes.forEach((f) => f());
        sockets.forEach((s, i) => {
          expect(s.writes.length).toBe(expected[i]!.length > 0 ? 1 : 0);
          expect(sameFrames(s.writes.length === 0 ? [] : parseFrames(s.writes[0]!), expected[i]!)).toBe(true);
          expect(entries[i]!.bufferedAmount).toBe(0);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('writes dispatches as the codec encodes them, numbered per socket (property)', () => {
    const codec = new FrameCodec();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.nat({ max: 0xffffffff }), fc.string({ maxLength: 200 })), { minLength: 1, maxLength: 20 }), (items) => {
        const flushes: (() => void)[] = [];
        const outbox = new Outbox((f) => flushes.push(f));
        const s = socket();
        const e = outbox.entry(s);
        const expected: Uint8Array[] = [];
        for (const [asDispatch, seq, text] of items) {
          if (asDispatch) {
            const prepared = codec.prepareDispatch('NOTE', { text });
            outbox.sendDispatch(e, prepared, seq);
            expected.push(codec.encodePrepared(prepared, seq));
          } else {
            const bytes = codec.encode({ op: Op.Error, d: { code: 'x', message: text } });
            outbox.send(e, bytes);
            expected.push(bytes);
          }
        }
        flushes.forEach((f) => f());
        expect(s.writes.length).toBe(1);
        expect(parseFrames(s.writes[0]!)).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('writes a message given as parts as one frame, large parts uncopied, among other frames (property)', () => {
    const partLength = fc.oneof(fc.nat({ max: 200 }), fc.constantFrom(4095, 4096, 9000, 70000));
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.tuple(fc.constant('parts' as const), fc.array(partLength, { maxLength: 4 })), fc.tuple(fc.constant('bytes' as const), fc.array(length, { minLength: 1, maxLength: 1 }))), { maxLength: 8 }), (items) => {
        const flushes: (() => void)[] = [];
        const outbox = new Outbox((f) => flushes.push(f));
        const s = socket();
        const e = outbox.entry(s);
        const expected: Uint8Array[] = [];
        let fill = 1;
        for (const [kind, lengths] of items) {
          const pieces = lengths.map((n) => new Uint8Array(n).fill(fill++ & 0xff));
          if (kind === 'parts') outbox.sendParts(e, pieces);
          else outbox.send(e, pieces[0]!);
          expected.push(Uint8Array.from(Buffer.concat(pieces)));
        }
        flushes.forEach((f) => f());
        // One system call's worth (corked writes leave together) that parses back into the messages.
        expect(s.writes.length).toBe(items.length > 0 ? 1 : 0);
        expect(sameFrames(s.writes.length === 0 ? [] : parseFrames(s.writes[0]!), expected)).toBe(true);
        expect(e.bufferedAmount).toBe(0);
      }),
      { numRuns: 200 },
    );
  });

  it('passes large parts to the socket as they are', () => {
    const flushes: (() => void)[] = [];
    const outbox = new Outbox((f) => flushes.push(f));
    const written: Uint8Array[] = [];
    const sock: OutboxSocket = { writableLength: 0, destroyed: false, write: (c) => written.push(c) > 0, cork: () => undefined, uncork: () => undefined };
    const e = outbox.entry(sock);
    const page = new Uint8Array(10_000).fill(7);
    outbox.sendParts(e, [Uint8Array.of(1, 2, 3), page, Uint8Array.of(0xc0)]);
    flushes.forEach((f) => f());
    expect(written.some((c) => c === page)).toBe(true);
    expect(Buffer.concat(written).subarray(4)).toEqual(Buffer.concat([Uint8Array.of(1, 2, 3), page, Uint8Array.of(0xc0)]));
  });

  it('hands a large payload to the socket as it is, between the gathered headers and frames, in one corked write', () => {
    const flushes: (() => void)[] = [];
    const outbox = new Outbox((f) => flushes.push(f));
    const chunks: Uint8Array[] = [];
    let corks = 0;
    const sock: OutboxSocket = { writableLength: 0, destroyed: false, write: (c) => chunks.push(c) > 0, cork: () => corks++, uncork: () => undefined };
    const e = outbox.entry(sock);
    const big = new Uint8Array(10_000).fill(7);
    outbox.send(e, Uint8Array.of(1));
    outbox.send(e, big);
    outbox.send(e, Uint8Array.of(2));
    flushes.forEach((f) => f());
    expect(corks).toBe(1);
    expect(chunks.length).toBe(3);
    expect(chunks[1]).toBe(big); // not copied
    expect(parseFrames(Buffer.concat(chunks))).toEqual([Uint8Array.of(1), big, Uint8Array.of(2)]);
  });

  it('flushes one socket early, before a close frame that must follow its frames', () => {
    const flushes: (() => void)[] = [];
    const outbox = new Outbox((f) => flushes.push(f));
    const s = socket();
    const e = outbox.entry(s);
    outbox.send(e, Uint8Array.of(1, 2));
    outbox.flush(e);
    expect(s.writes.map(parseFrames)).toEqual([[Uint8Array.of(1, 2)]]);
    // The scheduled end-of-turn flush finds nothing left and writes nothing more.
    flushes.forEach((f) => f());
    expect(s.writes.length).toBe(1);
    // A later frame schedules a new flush.
    outbox.send(e, Uint8Array.of(3));
    expect(flushes.length).toBe(2);
    flushes[1]!();
    expect(s.writes.length).toBe(2);
  });

  it('flushAfter writes, in its own slot of the turn, frames queued after an earlier flush of that turn', () => {
    const slots: (() => void)[] = [];
    const outbox = new Outbox((f) => slots.push(f));
    const s = socket();
    const e = outbox.entry(s);
    outbox.send(e, Uint8Array.of(1)); // slot 0
    outbox.flushAfter(); // slot 1: queued behind a store's commit
    slots[0]!();
    expect(s.writes.length).toBe(1);
    // The commit publishes: the frame lands in a new slot (a later turn) and in slot 1.
    outbox.send(e, Uint8Array.of(2));
    expect(slots.length).toBe(3);
    slots[1]!();
    expect(s.writes.map(parseFrames)).toEqual([[Uint8Array.of(1)], [Uint8Array.of(2)]]);
    // The later turn finds nothing left.
    slots[2]!();
    expect(s.writes.length).toBe(2);
  });

  it('with flushAfter behind a commit, what the commit publishes is written in the same turn of the event loop', async () => {
    for (const behind of [true, false]) {
      const outbox = new Outbox();
      const s = socket();
      const e = outbox.entry(s);
      let committed!: () => void;
      const commit = new Promise<void>((r) => (committed = r));
      // A store's group commit; its waiters publish in the microtasks after it, as sendMessage does.
      setImmediate(committed);
      if (behind) outbox.flushAfter();
      void commit.then(() => outbox.send(e, Uint8Array.of(9)));
      // Queued now, this runs in the same check phase as the commit, after everything queued before it.
      await new Promise((r) => setImmediate(r));
      expect(s.writes.length).toBe(behind ? 1 : 0);
      await new Promise((r) => setImmediate(r));
      expect(s.writes.length).toBe(1);
    }
  });

  it('writes nothing to a socket destroyed during the turn', () => {
    const flushes: (() => void)[] = [];
    const outbox = new Outbox((f) => flushes.push(f));
    const s = socket();
    const e = outbox.entry(s);
    outbox.send(e, Uint8Array.of(1));
    s.dead = true;
    flushes.forEach((f) => f());
    expect(s.writes).toEqual([]);
    expect(e.bufferedAmount).toBe(0);
  });

  it('refuses a dispatch number the protocol cannot carry, queueing nothing', () => {
    const outbox = new Outbox(() => undefined);
    const e = outbox.entry(socket());
    const prepared = new FrameCodec().prepareDispatch('NOTE', {});
    expect(() => outbox.sendDispatch(e, prepared, -1)).toThrow(/sequence/);
    expect(e.bufferedAmount).toBe(0);
    expect(outbox.pendingSockets).toBe(0);
  });

  it('counts the socket’s own buffer once a write leaves it backlogged, and again not once one fits', () => {
    // Arrange: a socket whose buffer holds 1 MiB and refuses more until it drains.
    const flushes: (() => void)[] = [];
    const outbox = new Outbox((f) => flushes.push(f));
    let held = 0;
    const s: OutboxSocket = { get writableLength() { return held; }, destroyed: false, write: (c) => (held += c.length) < 16384, cork: () => undefined, uncork: () => undefined };
    const e = outbox.entry(s);
    const run = (): void => void flushes.splice(0).forEach((f) => f());
    // Act + assert: a small write fits; its bytes count as taken.
    outbox.send(e, new Uint8Array(10));
    run();
    expect(e.bufferedAmount).toBe(0);
    // A write that fills the buffer: from now on the stream's length counts, plus what is queued.
    outbox.send(e, new Uint8Array(1 << 20));
    run();
    outbox.send(e, new Uint8Array(5));
    expect(e.bufferedAmount).toBe(held + 7);
    // The kernel drains it; the next write fits and the socket is no longer counted.
    held = 0;
    run();
    expect(e.bufferedAmount).toBe(0);
  });
});
