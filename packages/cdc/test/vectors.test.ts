// The published FastCDC reference vectors (nlfiedler/fastcdc-rs 4.0.1, see fixtures/SOURCE.md).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { blake3 } from 'hash-wasm';
import { describe, expect, it } from 'vitest';
import { chunk, fastcdcReference, gearTable } from '../src/index.js';

const image = new Uint8Array(readFileSync(new URL('./fixtures/SekienAkashita.jpg', import.meta.url)));
const lengths = (options: Parameters<typeof chunk>[1]): number[] => [...chunk(image, options)].map((c) => c.length);
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('FastCDC reference vectors (SekienAkashita.jpg)', () => {
  it('is the fixture the vectors were computed on', () => {
    expect(image.length).toBe(109_466);
    expect(sha256(image)).toBe('d9e749d9367fc908876749d6502eb212fee88c9a94892fb07da5ef3ba8bc39ed');
  });

  it('builds the gear table from MD5 as the reference does', () => {
    const table = gearTable();
    for (let i = 0; i < 256; i++) {
      const md5 = createHash('md5').update(new Uint8Array(64).fill(i)).digest();
      expect(table[i]).toBe(md5.readBigUInt64BE(0));
    }
  });

  for (const algorithm of ['fastcdc2020', 'fastcdc2016'] as const) {
    it(`${algorithm}: 4096 / 16384 / 65535`, () => {
      expect(lengths({ algorithm, minSize: 4096, avgSize: 16384, maxSize: 65535 })).toEqual([21325, 17140, 28084, 18217, 24700]);
    });
    it(`${algorithm}: 8192 / 32768 / 131072`, () => {
      expect(lengths({ algorithm, minSize: 8192, avgSize: 32768, maxSize: 131072 })).toEqual([66549, 42917]);
    });
  }

  it('fastcdc2020: 16384 / 65536 / 262144 is one chunk', () => {
    expect(lengths({ minSize: 16384, avgSize: 65536, maxSize: 262144 })).toEqual([109466]);
  });

  it('fastcdc2020 with seed 666', () => {
    expect(lengths({ minSize: 4096, avgSize: 16384, maxSize: 65535, seed: 666 })).toEqual([10605, 55745, 11346, 5883, 11586, 14301]);
  });

  // ../shared/data/cdc-vectors/SOURCE.md labels these SHA-256, but they are the BLAKE3 digests
  // of the chunks (a downstream project asserts them as "blake3-..."); the SHA-256 ones follow.
  it('matches the published per-chunk digests and the gear hashes the crate reports', async () => {
    const options = { minSize: 4096, avgSize: 16384, maxSize: 65535 };
    const parts = [...chunk(image, options)].map((c) => image.subarray(c.offset, c.offset + c.length));
    expect(await Promise.all(parts.map((p) => blake3(p)))).toEqual([
      '261930e84e14c240210ae8c459acc4bb85dd52f1b91c868f2106dbc1ceb3acca',
      'a01747cf21202f0068b8897d2be92aa4479b7ac7207b3baa5057b8ec75fa1c10',
      '01e5305fb8f54d214ed2946843ea360fb9bb3f5df66ef3e34fb024d32ebcaee1',
      'fc28c67b6ef846a841452a215bf704058f65cba5c1d78160398d3c2e046642f9',
      'f6996300fce24d3da56c81ea52e5f4f461ce6adb4496f65252996e1082471aac',
    ]);
    expect(parts.map(sha256).slice(0, 3)).toEqual([
      '695429afe5937d6c75099f6e587267065a64e9dd83596a3d7386df3ef5a792c2',
      '17119f7abc183375afdb652248aad0c7211618d263335cc4e4ffc9a31e719bcb',
      '1545925739c6bfbd6609752a0e6ab61854f14d1fdb9773f08a7f52a13f9362d8',
    ]);
    expect(fastcdcReference(image, options).map((c) => c.hash)).toEqual([
      17968276318003433923n, 8197189939299398838n, 13019990849178155730n, 4509236223063678303n, 2504464741100432583n,
    ]);
  });
});
