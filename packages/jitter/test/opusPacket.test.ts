import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isOpusDtx, opusPacketInfo } from '../src/index.js';
import { codeOf, onlyJitterErrors } from './helpers.js';

describe('opusPacketInfo', () => {
  it('reads the frame size of each mode from the TOC byte (RFC 6716 table 2)', () => {
    // config 1: SILK NB 20 ms; 13: hybrid SWB 20 ms; 16: CELT NB 2.5 ms; 31: CELT FB 20 ms
    expect(opusPacketInfo(new Uint8Array([1 << 3, 0])).durationSamples).toBe(960);
    expect(opusPacketInfo(new Uint8Array([3 << 3, 0])).durationSamples).toBe(2880);
    expect(opusPacketInfo(new Uint8Array([13 << 3, 0])).durationSamples).toBe(960);
    expect(opusPacketInfo(new Uint8Array([16 << 3, 0])).durationSamples).toBe(120);
    expect(opusPacketInfo(new Uint8Array([31 << 3, 0])).durationSamples).toBe(960);
  });

  it('counts frames for codes 1, 2 and 3', () => {
    expect(opusPacketInfo(new Uint8Array([(31 << 3) | 1, 1, 2])).frames).toBe(2);
    expect(opusPacketInfo(new Uint8Array([(31 << 3) | 2, 1, 9, 8, 7])).frames).toBe(2);
    // code 3, CBR, 3 frames of 2 bytes
    expect(opusPacketInfo(new Uint8Array([(31 << 3) | 3, 3, 1, 1, 2, 2, 3, 3])).durationSamples).toBe(2880);
    // code 3, VBR with padding: 2 frames, padding 1 byte, first frame 1 byte
    const vbr = opusPacketInfo(new Uint8Array([(31 << 3) | 3, 0x80 | 0x40 | 2, 1, 1, 5, 6, 6, 0]));
    expect(vbr.frames).toBe(2);
  });

  it('rejects malformed packets with INVALID_OPUS', () => {
    expect(codeOf(() => opusPacketInfo(new Uint8Array(0)))).toBe('INVALID_OPUS');
    expect(codeOf(() => opusPacketInfo(new Uint8Array([(31 << 3) | 1, 1])))).toBe('INVALID_OPUS'); // odd code-1 length
    expect(codeOf(() => opusPacketInfo(new Uint8Array([(31 << 3) | 2, 200, 1])))).toBe('INVALID_OPUS'); // first frame too long
    expect(codeOf(() => opusPacketInfo(new Uint8Array([(31 << 3) | 3, 0])))).toBe('INVALID_OPUS'); // zero frames
    expect(codeOf(() => opusPacketInfo(new Uint8Array([(3 << 3) | 3, 3, 0])))).toBe('INVALID_OPUS'); // 180 ms > 120 ms
    expect(codeOf(() => opusPacketInfo(new Uint8Array([(31 << 3) | 3, 0x40 | 1, 255])))).toBe('INVALID_OPUS'); // truncated padding
    expect(codeOf(() => opusPacketInfo(new Uint8Array(1277).fill(0)))).toBe('INVALID_OPUS'); // code 0 frame of 1276 bytes
    expect(codeOf(() => opusPacketInfo([1, 2] as unknown as Uint8Array))).toBe('INVALID_OPUS');
  });

  it('never crashes on arbitrary bytes, and what it accepts is at most 120 ms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        onlyJitterErrors(() => {
          const info = opusPacketInfo(bytes);
          expect(info.durationSamples).toBeLessThanOrEqual(5760);
          expect(info.frames).toBeGreaterThanOrEqual(1);
          expect(info.durationSamples).toBe(info.frames * info.frameSamples);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('treats 1-2 byte packets as DTX', () => {
    expect(isOpusDtx(new Uint8Array([0xf8]))).toBe(true);
    expect(isOpusDtx(new Uint8Array([0xf8, 0xff, 0xfe]))).toBe(false);
    expect(isOpusDtx(new Uint8Array(0))).toBe(false);
  });
});
