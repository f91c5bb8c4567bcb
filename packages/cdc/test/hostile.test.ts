import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CdcError, chunkKey, chunkStream, createDigest, parseManifest, resolveChunkerOptions, type ChunkerOptions } from '../src/index.js';

// Values whose conversion to a string throws or misbehaves: an error message must never touch them.
const hostile: unknown[] = [
  { toString: () => { throw new Error('toString called'); } },
  { [Symbol.toPrimitive]: () => { throw new Error('toPrimitive called'); } },
  Object.create(null),
  Symbol('s'),
  10n,
  Number.NaN,
  () => 1,
];

async function errorOf(f: () => unknown): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('hostile values give CdcError, never a TypeError', () => {
  it('in chunker options, digest names, chunk keys, manifests and chunkStream options', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...hostile), fc.constantFrom('algorithm', 'minSize', 'avgSize', 'maxSize', 'normalization', 'seed'), async (value, key) => {
        const calls: (() => unknown)[] = [
          () => resolveChunkerOptions({ [key]: value } as ChunkerOptions),
          () => createDigest(value as 'sha256'),
          () => createDigest('sha256', { implementation: value as 'auto' }),
          () => chunkKey(value as 'sha256', 'ab'),
          () => chunkKey('sha256', value as string),
          () => parseManifest({ version: value, size: 0, digestAlgorithm: 'sha256', digest: '', chunks: [], chunking: {} }),
          () => parseManifest({ version: 1, size: value, digestAlgorithm: value, digest: '', chunks: [], chunking: {} }),
          async () => {
            for await (const c of chunkStream(new Uint8Array(10), { digestIn: value as 'auto' })) void c;
          },
          async () => {
            for await (const c of chunkStream(new Uint8Array(10), { digest: value as 'sha256' })) void c;
          },
        ];
        for (const call of calls) {
          const e = await errorOf(call);
          expect(e).toBeInstanceOf(CdcError);
        }
      }),
      { numRuns: 60 },
    );
  });
});
