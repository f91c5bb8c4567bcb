import { describeValue } from './describeValue.js';
import { CdcError } from './errors.js';

/** The chunking algorithms {@link createChunker} offers. */
export type ChunkAlgorithm = 'fastcdc2020' | 'fastcdc2016' | 'rabin' | 'fixed';

/** Options shared by every chunker; all sizes are in bytes. */
export interface ChunkerOptions {
  /**
   * Which algorithm cuts the data.
   * @defaultValue `'fastcdc2020'`
   */
  readonly algorithm?: ChunkAlgorithm;
  /**
   * Smallest chunk (except the last). 64 .. 1 MiB.
   * @defaultValue 16384
   */
  readonly minSize?: number;
  /**
   * Target average chunk size. 256 .. 4 MiB. FastCDC rounds it to a power of two when picking
   * its masks; `fixed` cuts exactly here.
   * @defaultValue 65536
   */
  readonly avgSize?: number;
  /**
   * Largest chunk. 1024 .. 16 MiB.
   * @defaultValue 262144
   */
  readonly maxSize?: number;
  /**
   * FastCDC normalized-chunking level 0..3: higher keeps sizes closer to the average.
   * @defaultValue 1
   */
  readonly normalization?: number;
  /**
   * FastCDC 2020 only: a value XOR-ed into every gear entry, so chunk boundaries cannot be
   * predicted by someone who does not know it. Integer 0 .. 2^53-1.
   * @defaultValue 0
   */
  readonly seed?: number;
}

/** {@link ChunkerOptions} with every default applied and every value checked. */
export interface ResolvedChunkerOptions {
  /** The chunking algorithm. */
  readonly algorithm: ChunkAlgorithm;
  /** Smallest chunk but the last, in bytes. */
  readonly minSize: number;
  /** Target average chunk size, in bytes. */
  readonly avgSize: number;
  /** Largest chunk, in bytes. */
  readonly maxSize: number;
  /** FastCDC normalization level 0..3. */
  readonly normalization: number;
  /** FastCDC 2020 gear seed (0: the published table). */
  readonly seed: number;
}

/**
 * Defaults chosen for media attachments (avatars and files up to 25 MB): 64 KiB average keeps
 * a 25 MB file at ~400 chunks, so manifests stay small and per-chunk store overhead (one file
 * or row each) stays low, while a local edit still re-stores only a few chunks. min = avg / 4
 * and max = avg * 4 is the FastCDC paper's setting with normalization level 1.
 */
export const DEFAULT_CHUNKER_OPTIONS: ResolvedChunkerOptions = Object.freeze({
  algorithm: 'fastcdc2020',
  minSize: 16_384,
  avgSize: 65_536,
  maxSize: 262_144,
  normalization: 1,
  seed: 0,
});

const ALGORITHMS: readonly ChunkAlgorithm[] = ['fastcdc2020', 'fastcdc2016', 'rabin', 'fixed'];
const KNOWN_KEYS = new Set(['algorithm', 'minSize', 'avgSize', 'maxSize', 'normalization', 'seed']);

function sizeOption(name: string, value: unknown, fallback: number, lo: number, hi: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new CdcError('INVALID_OPTIONS', `${name} must be an integer number of bytes, got ${describeValue(value)}`);
  }
  if (value < lo || value > hi) {
    throw new CdcError('INVALID_OPTIONS', `${name} must be between ${lo} and ${hi} bytes, got ${value}`);
  }
  return value;
}

/**
 * Applies defaults to chunker options and validates them.
 *
 * When only `avgSize` is given, `minSize` and `maxSize` follow it (avg / 4 and avg * 4), so one
 * number is enough to pick a chunk size.
 *
 * @param options - what the caller passed (may come from untrusted JSON)
 * @returns the complete, valid option set
 * @throws {@link CdcError} `INVALID_OPTIONS` for unknown keys or algorithms, non-integers,
 *   sizes out of range, or `minSize > avgSize` / `maxSize < avgSize`
 * @example
 * ```ts
 * resolveChunkerOptions({ avgSize: 8192 }); // min 2048, max 32768, fastcdc2020, level 1
 * ```
 */
export function resolveChunkerOptions(options: ChunkerOptions = {}): ResolvedChunkerOptions {
  if (typeof options !== 'object' || options === null) {
    throw new CdcError('INVALID_OPTIONS', 'chunker options must be an object');
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_KEYS.has(key)) {
      throw new CdcError('INVALID_OPTIONS', `unknown chunker option "${key}"; known: ${[...KNOWN_KEYS].join(', ')}`);
    }
  }
  const algorithm = options.algorithm ?? DEFAULT_CHUNKER_OPTIONS.algorithm;
  if (!ALGORITHMS.includes(algorithm)) {
    throw new CdcError('INVALID_OPTIONS', `unknown algorithm ${describeValue(algorithm)}; use one of ${ALGORITHMS.join(', ')}`);
  }
  const avgSize = sizeOption('avgSize', options.avgSize, DEFAULT_CHUNKER_OPTIONS.avgSize, 256, 4 * 1024 * 1024);
  const minDefault = options.avgSize === undefined ? DEFAULT_CHUNKER_OPTIONS.minSize : Math.max(64, Math.floor(avgSize / 4));
  const maxDefault = options.avgSize === undefined ? DEFAULT_CHUNKER_OPTIONS.maxSize : Math.max(1024, avgSize * 4);
  const minSize = sizeOption('minSize', options.minSize, minDefault, 64, 1024 * 1024);
  const maxSize = sizeOption('maxSize', options.maxSize, Math.min(maxDefault, 16 * 1024 * 1024), 1024, 16 * 1024 * 1024);
  if (minSize > avgSize) {
    throw new CdcError('INVALID_OPTIONS', `minSize (${minSize}) must not exceed avgSize (${avgSize}); lower minSize or raise avgSize`);
  }
  if (maxSize < avgSize) {
    throw new CdcError('INVALID_OPTIONS', `maxSize (${maxSize}) must not be below avgSize (${avgSize}); raise maxSize or lower avgSize`);
  }
  const normalization = options.normalization ?? DEFAULT_CHUNKER_OPTIONS.normalization;
  if (typeof normalization !== 'number' || !Number.isInteger(normalization) || normalization < 0 || normalization > 3) {
    throw new CdcError('INVALID_OPTIONS', `normalization must be an integer level 0..3, got ${describeValue(normalization)}`);
  }
  const seed = options.seed ?? 0;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new CdcError('INVALID_OPTIONS', `seed must be a non-negative safe integer, got ${describeValue(seed)}`);
  }
  if (seed !== 0 && algorithm !== 'fastcdc2020') {
    throw new CdcError('INVALID_OPTIONS', `seed applies to fastcdc2020 only; remove it or use algorithm "fastcdc2020"`);
  }
  return { algorithm, minSize, avgSize, maxSize, normalization, seed };
}
