import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameCodec, WireError, decodeMedia } from '../src/index.js';
import { frame } from './arbitraries.js';

function onlyWireErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
  }
}

describe('fuzz: only WireError may escape', () => {
  const codec = new FrameCodec();

  it('100,000 arbitrary byte arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 96 }), (b) => onlyWireErrors(() => codec.decode(b))),
      { numRuns: 100_000 },
    );
  });

  it('arbitrary bytes that start like a frame (array header, plausible op)', () => {
    const start = fc.tuple(fc.integer({ min: 0x91, max: 0x94 }), fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 14));
    fc.assert(
      fc.property(start, fc.uint8Array({ maxLength: 96 }), ([h, op], rest) => onlyWireErrors(() => codec.decode(Uint8Array.from([h, op, ...rest])))),
      { numRuns: 20_000 },
    );
  });

  it('valid frames with bytes flipped', () => {
    fc.assert(
      fc.property(frame, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (f, flips) => {
        const b = codec.encode(f);
        for (const [at, v] of flips) b[at % b.length] = v;
        onlyWireErrors(() => codec.decode(b));
      }),
      { numRuns: 10_000 },
    );
  });

  it('media frames', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 40 }), (b) => onlyWireErrors(() => decodeMedia(b))), { numRuns: 10_000 });
    expect(true).toBe(true);
  });
});
