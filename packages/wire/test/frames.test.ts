import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameCodec, Op, WireError, decodeFrame, encodeFrame, s, type Frame } from '../src/index.js';
import { frame, message, snowflake } from './arbitraries.js';

describe('frames', () => {
  it('round-trips every frame shape', () => {
    const codec = new FrameCodec();
    fc.assert(
      fc.property(frame, (f) => {
        expect(codec.decode(codec.encode(f))).toEqual(f);
      }),
      { numRuns: 3000 },
    );
  });

  it('encodes deterministically', () => {
    fc.assert(
      fc.property(frame, (f) => {
        expect(encodeFrame(f)).toEqual(new FrameCodec().encode(f));
      }),
      { numRuns: 300 },
    );
  });

  it('writes known events by code, so names and keys never travel', () => {
    fc.assert(
      fc.property(message, (m) => {
        const bytes = encodeFrame({ op: Op.Dispatch, s: 1, t: 'MESSAGE_CREATE', d: m });
        const text = new TextDecoder().decode(bytes);
        expect(text).not.toContain('MESSAGE_CREATE');
        expect(text).not.toContain('channelId');
      }),
      { numRuns: 100 },
    );
  });

  it('sends unknown events by name with a JSON-like payload', () => {
    const f: Frame = { op: Op.Dispatch, s: 9, t: 'GUILD_CREATE', d: { id: '1', name: 'Chorus', channels: [{ id: '2' }] } };
    expect(decodeFrame(encodeFrame(f))).toEqual(f);
  });

  it('keeps a snowflake as the same decimal string', () => {
    fc.assert(
      fc.property(snowflake, (id) => {
        const f: Frame = { op: Op.Dispatch, s: 1, t: 'MESSAGE_DELETE', d: { id, channelId: id, guildId: null } };
        expect((decodeFrame(encodeFrame(f)) as { d: { id: string } }).d.id).toBe(id);
      }),
    );
  });

  it('refuses to encode an invalid payload, naming the field', () => {
    const bad = { op: Op.Dispatch, s: 1, t: 'MESSAGE_DELETE', d: { id: '12x', channelId: '1', guildId: null } } as Frame;
    expect(() => encodeFrame(bad)).toThrowError(expect.objectContaining({ code: 'invalid-field', path: 'd.id' }) as Error);
    const extra = { op: Op.Dispatch, s: 1, t: 'MESSAGE_DELETE', d: { id: '1', channelId: '1', guildId: null, evil: 1 } } as Frame;
    expect(() => encodeFrame(extra)).toThrowError(expect.objectContaining({ code: 'invalid-field', path: 'd.evil' }) as Error);
    const missing = { op: Op.Identify, d: {} } as Frame;
    expect(() => encodeFrame(missing)).toThrowError(expect.objectContaining({ path: 'd.token' }) as Error);
  });

  it('refuses frames over the size limit on encode and decode', () => {
    const codec = new FrameCodec({ maxFrameBytes: 64 });
    const big: Frame = { op: Op.Error, d: { code: 'x', message: 'y'.repeat(100) } };
    expect(() => codec.encode(big)).toThrowError(expect.objectContaining({ code: 'too-large' }) as Error);
    expect(() => codec.decode(encodeFrame(big))).toThrowError(expect.objectContaining({ code: 'too-large' }) as Error);
  });

  it('rejects bad codec options and registries', () => {
    expect(() => new FrameCodec({ maxFrameBytes: 0 })).toThrow(WireError);
    const schema = s.object({ a: s.int() });
    expect(() => new FrameCodec({ events: { A: { code: 70, schema }, B: { code: 70, schema } } })).toThrow(/used twice/);
    expect(() => new FrameCodec({ events: { 'bad name': { code: 70, schema } } })).toThrow(WireError);
  });

  it('lets applications add events with codes of their own', () => {
    const events = { GUILD_CREATE: { code: 64, schema: s.object({ id: s.snowflake(), name: s.string(100) }) } };
    const codec = new FrameCodec({ events });
    const f: Frame = { op: Op.Dispatch, s: 3, t: 'GUILD_CREATE', d: { id: '77', name: 'Chorus' } };
    expect(codec.decode(codec.encode(f))).toEqual(f);
    // A peer with the default registry does not know code 64.
    expect(() => decodeFrame(codec.encode(f))).toThrowError(expect.objectContaining({ code: 'invalid-field', path: 't' }) as Error);
  });
});

describe('prepared dispatches', () => {
  it('encode exactly as encode() does, for any sequence number', () => {
    const codec = new FrameCodec();
    fc.assert(
      fc.property(
        frame.filter((f) => f.op === Op.Dispatch),
        fc.array(fc.nat({ max: 0xffffffff }), { minLength: 1, maxLength: 5 }),
        (f, seqs) => {
          const d = f as { t: string; d: unknown };
          const prepared = codec.prepareDispatch(d.t, d.d);
          for (const s of seqs) expect(codec.encodePrepared(prepared, s)).toEqual(codec.encode({ op: Op.Dispatch, s, t: d.t, d: d.d }));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('write into a caller\'s buffer the same bytes as encodePrepared, touching nothing else', () => {
    const codec = new FrameCodec();
    fc.assert(
      fc.property(
        frame.filter((f) => f.op === Op.Dispatch),
        fc.nat({ max: 0xffffffff }),
        fc.nat({ max: 64 }),
        fc.nat({ max: 64 }),
        (f, seq, before, after) => {
          const d = f as { t: string; d: unknown };
          const prepared = codec.prepareDispatch(d.t, d.d);
          const expected = codec.encodePrepared(prepared, seq);
          expect(prepared.frameLength(seq)).toBe(expected.length);
          const target = new Uint8Array(before + expected.length + after).fill(0xa5);
          expect(prepared.writeFrame(seq, target, before)).toBe(before + expected.length);
          expect(target.subarray(before, before + expected.length)).toEqual(expected);
          expect(target.subarray(0, before).every((b) => b === 0xa5)).toBe(true);
          expect(target.subarray(before + expected.length).every((b) => b === 0xa5)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuse to write a frame that does not fit, or at a bad offset', () => {
    const p = new FrameCodec().prepareDispatch('X', { n: 1 });
    const n = p.frameLength(300);
    expect(() => p.writeFrame(300, new Uint8Array(n - 1), 0)).toThrowError(expect.objectContaining({ code: 'invalid-field' }) as Error);
    expect(() => p.writeFrame(300, new Uint8Array(n + 4), 5)).toThrowError(WireError);
    expect(() => p.writeFrame(300, new Uint8Array(n), -1)).toThrowError(WireError);
    expect(() => p.writeFrame(300, new Uint8Array(n), 0.5)).toThrowError(WireError);
    expect(() => p.writeFrame(-1, new Uint8Array(n), 0)).toThrowError(expect.objectContaining({ code: 'invalid-field', path: 's' }) as Error);
    expect(p.writeFrame(300, new Uint8Array(n), 0)).toBe(n);
  });

  it('refuse a bad sequence number or another codec', () => {
    const a = new FrameCodec();
    const p = a.prepareDispatch('X', { n: 1 });
    expect(() => a.encodePrepared(p, -1)).toThrowError(expect.objectContaining({ code: 'invalid-field', path: 's' }) as Error);
    expect(() => new FrameCodec().encodePrepared(p, 1)).toThrow(/another codec/);
    expect(() => a.prepareDispatch('MESSAGE_DELETE', { id: 'x' })).toThrow(WireError);
  });
});
