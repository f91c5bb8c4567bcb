import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CdcError, createChunker, DEFAULT_CHUNKER_OPTIONS, resolveChunkerOptions, type ChunkerOptions } from '../src/index.js';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(CdcError);
    expect((e as CdcError).message.length).toBeGreaterThan(10);
    return (e as CdcError).code;
  }
  return undefined;
};

describe('chunker options', () => {
  it('defaults suit media: 16 / 64 / 256 KiB, FastCDC 2020, level 1', () => {
    expect(resolveChunkerOptions()).toEqual(DEFAULT_CHUNKER_OPTIONS);
    expect(DEFAULT_CHUNKER_OPTIONS).toMatchObject({ algorithm: 'fastcdc2020', minSize: 16384, avgSize: 65536, maxSize: 262144, normalization: 1 });
  });

  it('derives min and max from avgSize alone', () => {
    expect(resolveChunkerOptions({ avgSize: 8192 })).toMatchObject({ minSize: 2048, avgSize: 8192, maxSize: 32768 });
  });

  it.each<[string, ChunkerOptions]>([
    ['min > avg', { minSize: 9000, avgSize: 8192, maxSize: 65536 }],
    ['max < avg', { minSize: 1024, avgSize: 8192, maxSize: 4096 }],
    ['min too small', { minSize: 8, avgSize: 8192 }],
    ['avg too large', { avgSize: 64 * 1024 * 1024 }],
    ['max too large', { maxSize: 2 ** 30 }],
    ['NaN', { avgSize: Number.NaN }],
    ['Infinity', { maxSize: Number.POSITIVE_INFINITY }],
    ['fraction', { avgSize: 8192.5 }],
    ['string size', { avgSize: '8192' as unknown as number }],
    ['unknown algorithm', { algorithm: 'buzhash' as 'rabin' }],
    ['normalization 4', { normalization: 4 }],
    ['negative seed', { seed: -1 }],
    ['seed on 2016', { algorithm: 'fastcdc2016', seed: 5 }],
    ['unknown key', { avgsize: 8192 } as unknown as ChunkerOptions],
    ['__proto__ key', JSON.parse('{"__proto__": {"polluted": true}}') as ChunkerOptions],
  ])('rejects %s with INVALID_OPTIONS', (_what, options) => {
    expect(code(() => createChunker(options))).toBe('INVALID_OPTIONS');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects non-objects', () => {
    expect(code(() => resolveChunkerOptions(null as unknown as ChunkerOptions))).toBe('INVALID_OPTIONS');
    expect(code(() => resolveChunkerOptions(7 as unknown as ChunkerOptions))).toBe('INVALID_OPTIONS');
  });

  it('never throws anything but CdcError for arbitrary option objects', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('algorithm', 'minSize', 'avgSize', 'maxSize', 'normalization', 'seed', 'other'), fc.anything()), (options) => {
        try {
          resolveChunkerOptions(options as ChunkerOptions);
        } catch (e) {
          expect(e).toBeInstanceOf(CdcError);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a Rabin chunker before loadRabin says to load it', async () => {
    // Fresh module state: this file never calls loadRabin.
    expect(code(() => createChunker({ algorithm: 'rabin' }))).toBe('RABIN_NOT_LOADED');
  });
});
