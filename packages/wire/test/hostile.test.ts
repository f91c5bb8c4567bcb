import { encode } from '@msgpack/msgpack';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameCodec, Op, WireError, decodeFrame, encodeFrame, type Frame } from '../src/index.js';
import { frame } from './arbitraries.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof WireError) return err.code;
    throw new Error(`not a WireError: ${String(err)}`);
  }
  return 'no error';
}

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('hostile input', () => {
  it('checks the size before parsing anything', () => {
    const codec = new FrameCodec({ maxFrameBytes: 100 });
    // Junk that would be malformed, but it is too large first.
    expect(code(() => codec.decode(new Uint8Array(101).fill(0xc1)))).toBe('too-large');
  });

  it('classifies broken frames', () => {
    expect(code(() => decodeFrame(new Uint8Array(0)))).toBe('malformed');
    expect(code(() => decodeFrame(bytes(0xc1)))).toBe('malformed');
    expect(code(() => decodeFrame(encode({ op: 1 })))).toBe('malformed'); // a map, not an array
    expect(code(() => decodeFrame(bytes(0x91, 0x63)))).toBe('unknown-op'); // [99]
    expect(code(() => decodeFrame(bytes(0x92, 0x01, 0xc0, 0xc0)))).toBe('malformed'); // trailing byte
    expect(code(() => decodeFrame(bytes(0x92, 0x0a)))).toBe('malformed'); // truncated
    expect(code(() => decodeFrame(bytes(0x92, 0x0b, 0xc0)))).toBe('malformed'); // HeartbeatAck with payload
    expect(code(() => decodeFrame(bytes(0x91, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0)))).toBe('invalid-field'); // op as float
  });

  it('truncation anywhere in a valid frame is malformed or invalid, never a crash', () => {
    fc.assert(
      fc.property(frame, fc.nat(), (f, cut) => {
        const full = encodeFrame(f);
        const at = cut % full.length;
        const c = code(() => decodeFrame(full.subarray(0, at)));
        expect(['malformed', 'invalid-field', 'too-large']).toContain(c);
      }),
      { numRuns: 2000 },
    );
  });

  it('does not trust declared lengths', () => {
    // An array32 that claims 4 billion elements inside a generic payload.
    const f = encodeFrame({ op: Op.Dispatch, s: 1, t: 'X', d: [] });
    const liar = Uint8Array.from([...f.subarray(0, f.length - 1), 0xdd, 0xff, 0xff, 0xff, 0xff]);
    expect(code(() => decodeFrame(liar))).toBe('malformed');
    // A str32 claiming 4 GB.
    expect(code(() => decodeFrame(bytes(0x92, 0x0e, 0x92, 0xdb, 0xff, 0xff, 0xff, 0xff)))).toBe('too-large');
  });

  it('bounds nesting depth in generic payloads', () => {
    const deep = new Uint8Array(200_000).fill(0x91); // [[[[...
    const f = Uint8Array.from([0x94, 0x00, 0xa1, 0x58, 0x01, ...deep, 0xc0]);
    expect(code(() => decodeFrame(f))).toBe('too-large');
    let nested: unknown = null;
    for (let i = 0; i < 100; i++) nested = [nested];
    expect(code(() => encodeFrame({ op: Op.Dispatch, s: 1, t: 'X', d: nested }))).toBe('too-large');
  });

  it('refuses prototype-pollution keys in generic payloads, both ways', () => {
    const evil = Uint8Array.from([0x94, 0x00, 0xa1, 0x58, 0x01, ...encode({ a: 1 })]);
    // Rewrite key "a" into a map with key "__proto__".
    const proto = Uint8Array.from([0x94, 0x00, 0xa1, 0x58, 0x01, 0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x80]);
    expect(code(() => decodeFrame(evil))).toBe('no error');
    expect(code(() => decodeFrame(proto))).toBe('invalid-field');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const payload = JSON.parse('{"constructor": {"prototype": {"polluted": 1}}}') as unknown;
    expect(code(() => encodeFrame({ op: Op.Dispatch, s: 1, t: 'X', d: payload } as Frame))).toBe('invalid-field');
  });

  it('refuses invalid UTF-8, extension types, NaN and unsafe integers', () => {
    // Error frame whose code string is the invalid UTF-8 byte 0xff.
    expect(code(() => decodeFrame(bytes(0x92, 0x0e, 0x92, 0xa1, 0xff, 0xa0)))).toBe('invalid-field');
    // Long invalid UTF-8 (TextDecoder path).
    const longBad = [0xd9, 100, ...new Array<number>(99).fill(0x61), 0xff];
    expect(code(() => decodeFrame(Uint8Array.from([0x92, 0x0e, 0x92, ...longBad, 0xa0])))).toBe('invalid-field');
    // Timestamp extension (-1) inside a generic payload.
    expect(code(() => decodeFrame(bytes(0x94, 0x00, 0xa1, 0x58, 0x01, 0xd6, 0xff, 0, 0, 0, 0)))).toBe('invalid-field');
    // NaN as a generic payload value.
    expect(code(() => decodeFrame(bytes(0x94, 0x00, 0xa1, 0x58, 0x01, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0)))).toBe('invalid-field');
    expect(code(() => encodeFrame({ op: Op.Dispatch, s: 1, t: 'X', d: { n: Number.NaN } }))).toBe('invalid-field');
    // A uint64 sequence number beyond 2^53.
    expect(code(() => decodeFrame(bytes(0x92, 0x01, 0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)))).toBe('invalid-field');
  });

  it('refuses a known event sent by name (it must use its code)', () => {
    const f = Uint8Array.from([0x94, 0x00, 0xae, ...new TextEncoder().encode('MESSAGE_CREATE'), 0x01, 0x80]);
    expect(code(() => decodeFrame(f))).toBe('invalid-field');
  });

  it('refuses non-frames on encode with a typed error', () => {
    expect(code(() => encodeFrame(null as unknown as Frame))).toBe('invalid-field');
    expect(code(() => encodeFrame({ op: 99 } as unknown as Frame))).toBe('unknown-op');
    expect(code(() => encodeFrame({ op: Op.Dispatch, s: -1, t: 'X', d: null }))).toBe('invalid-field');
    expect(code(() => encodeFrame({ op: Op.Dispatch, s: 1, t: 'lower', d: null }))).toBe('invalid-field');
  });
});
