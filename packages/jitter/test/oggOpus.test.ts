import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { opusPacketInfo, parseOggOpus } from '../src/index.js';
import { codeOf, fixture, onlyJitterErrors, opusHead, opusTags, writeOgg } from './helpers.js';

const jfk = fixture('jfk_first_2s.opus');

describe('parseOggOpus', () => {
  it('reads the head and the 100 packets of the JFK fixture', () => {
    const { head, packets } = parseOggOpus(jfk);
    expect(head).toEqual({ channels: 1, preSkip: 312, inputSampleRate: 48000, outputGain: 0, mappingFamily: 0 });
    expect(packets).toHaveLength(100);
    for (const p of packets) expect(opusPacketInfo(p).durationSamples).toBe(960);
  });

  it('round-trips any packets through an Ogg writer, across segment and page boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 0, maxLength: 700 }), { maxLength: 12 }),
        fc.integer({ min: 1, max: 255 }),
        (packets, perPage) => {
          const bytes = writeOgg([opusHead(), opusTags(), ...packets], perPage);
          const parsed = parseOggOpus(bytes);
          expect(parsed.packets.map((p) => [...p])).toEqual(packets.map((p) => [...p]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects truncated files with INVALID_OGG', () => {
    for (const cut of [1, 26, 27, 100, 841 + 5, jfk.length - 1]) {
      expect(codeOf(() => parseOggOpus(jfk.subarray(0, cut)))).toBe('INVALID_OGG');
    }
  });

  it('rejects a missing page, a non-Opus stream and non-Ogg data', () => {
    const pages = writeOgg([opusHead(), opusTags(), new Uint8Array(10), new Uint8Array(10)], 1);
    // Drop the third page (28 bytes each: 27 header + 1 lacing + 0..10 body).
    const first = 27 + 1 + 19 + 27 + 1 + 16;
    const third = 27 + 1 + 10;
    const gap = new Uint8Array([...pages.subarray(0, first), ...pages.subarray(first + third)]);
    expect(codeOf(() => parseOggOpus(gap))).toBe('INVALID_OGG');
    expect(codeOf(() => parseOggOpus(writeOgg([new Uint8Array(30), opusTags()])))).toBe('INVALID_OGG');
    expect(codeOf(() => parseOggOpus(new TextEncoder().encode('RIFF....WAVEfmt ')))).toBe('INVALID_OGG');
    expect(codeOf(() => parseOggOpus('OggS' as unknown as Uint8Array))).toBe('INVALID_OGG');
  });

  it('refuses a packet over 1 MiB instead of buffering it', () => {
    const huge = writeOgg([opusHead(), opusTags(), new Uint8Array((1 << 20) + 300)]);
    expect(codeOf(() => parseOggOpus(huge))).toBe('INVALID_OGG');
  });

  it('skips pages of other logical streams', () => {
    const a = writeOgg([opusHead(), opusTags(), new Uint8Array([1, 2, 3])], 255, 1);
    const b = writeOgg([new Uint8Array([9, 9])], 255, 2);
    const { packets } = parseOggOpus(new Uint8Array([...a.subarray(0, a.length), ...b]));
    expect(packets.map((p) => [...p])).toEqual([[1, 2, 3]]);
  });

  it('never crashes on arbitrary or mutated bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => onlyJitterErrors(() => parseOggOpus(bytes))),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(jfk.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const copy = jfk.slice();
        for (const [at, v] of edits) copy[at] = v;
        return onlyJitterErrors(() => parseOggOpus(copy));
      }),
      { numRuns: 300 },
    );
  });
});
