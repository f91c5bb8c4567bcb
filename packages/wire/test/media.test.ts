import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MEDIA_HEADER_BYTES, decodeMedia, encodeMedia, encodeFrame, isMediaFrame, Op, type MediaFrame } from '../src/index.js';

const media: fc.Arbitrary<MediaFrame> = fc.record({
  ssrc: fc.nat({ max: 0xffffffff }),
  seq: fc.nat({ max: 0xffff }),
  timestamp: fc.nat({ max: 0xffffffff }),
  marker: fc.boolean(),
  keyframe: fc.boolean(),
  dtx: fc.boolean(),
  spatial: fc.nat({ max: 3 }),
  temporal: fc.nat({ max: 7 }),
  payload: fc.uint8Array({ maxLength: 1500 }),
});

describe('media frames', () => {
  it('round-trip with a 12-byte header', () => {
    fc.assert(
      fc.property(media, (m) => {
        const bytes = encodeMedia(m);
        expect(bytes.length).toBe(MEDIA_HEADER_BYTES + m.payload.length);
        expect(decodeMedia(bytes)).toEqual(m);
        expect(isMediaFrame(bytes)).toBe(true);
      }),
    );
  });

  it('are told apart from control frames by the first byte', () => {
    expect(isMediaFrame(encodeFrame({ op: Op.HeartbeatAck }))).toBe(false);
  });

  it('refuse out-of-range fields and oversize payloads', () => {
    const ok: MediaFrame = { ssrc: 1, seq: 1, timestamp: 1, marker: false, keyframe: false, dtx: false, spatial: 0, temporal: 0, payload: new Uint8Array(4) };
    expect(() => encodeMedia({ ...ok, seq: 0x10000 })).toThrow(/seq/);
    expect(() => encodeMedia({ ...ok, spatial: 4 })).toThrow(/spatial/);
    expect(() => encodeMedia({ ...ok, ssrc: -1 })).toThrow(/ssrc/);
    expect(() => encodeMedia({ ...ok, timestamp: 1.5 })).toThrow(/timestamp/);
    expect(() => encodeMedia(ok, 3)).toThrowError(expect.objectContaining({ code: 'too-large' }) as Error);
    expect(() => decodeMedia(encodeMedia(ok), 3)).toThrowError(expect.objectContaining({ code: 'too-large' }) as Error);
    expect(() => decodeMedia(new Uint8Array(11).fill(0xc1))).toThrowError(expect.objectContaining({ code: 'malformed' }) as Error);
  });
});
