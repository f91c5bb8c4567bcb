import { DIGEST_ALGORITHMS, type DigestAlgorithm } from './digest.js';
import { describeValue } from './describeValue.js';
import { CdcError } from './errors.js';
import { resolveChunkerOptions, type ResolvedChunkerOptions } from './options.js';

/** One chunk of a blob, in order. */
export interface ManifestChunk {
  /** Lower-case hex digest (the manifest's algorithm). */
  readonly digest: string;
  /** Length in bytes. */
  readonly length: number;
}

/** Everything needed to read a blob back from a {@link ChunkStore}. Plain JSON. */
export interface Manifest {
  /** Format version. */
  readonly version: 1;
  /** Total size in bytes. */
  readonly size: number;
  /** Digest algorithm of the chunks and of the whole blob. */
  readonly digestAlgorithm: DigestAlgorithm;
  /** Lower-case hex digest of the whole blob. */
  readonly digest: string;
  /** The chunks in order; their lengths add up to `size`. */
  readonly chunks: readonly ManifestChunk[];
  /** The chunker settings that produced the chunks (to chunk new versions alike). */
  readonly chunking: ResolvedChunkerOptions;
}

const HEX64 = /^[0-9a-f]{64}$/;
const MANIFEST_KEYS = ['version', 'size', 'digestAlgorithm', 'digest', 'chunks', 'chunking'];
const MAX_CHUNK = 16 * 1024 * 1024;

function fail(message: string): never {
  throw new CdcError('INVALID_MANIFEST', message);
}

function plainObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${what} must be an object`);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) fail(`${what} must be a plain object`);
  return value as Record<string, unknown>;
}

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) fail(`${what} has unexpected key ${JSON.stringify(key)}; allowed: ${allowed.join(', ')}`);
  }
}

/**
 * Validates a manifest that came from outside (JSON text or a parsed value): shape, no extra or
 * prototype-polluting keys, hex digests, positive integer lengths that add up to `size`.
 *
 * @param input - JSON text or an already parsed value
 * @returns the manifest, typed (a fresh object)
 * @throws {@link CdcError} `INVALID_MANIFEST` saying which field is wrong
 * @example
 * ```ts
 * const manifest = parseManifest(await readFile('photo.manifest.json', 'utf8'));
 * ```
 */
export function parseManifest(input: unknown): Manifest {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (e) {
      fail(`manifest is not valid JSON: ${(e as Error).message}`);
    }
  }
  const m = plainObject(value, 'manifest');
  onlyKeys(m, MANIFEST_KEYS, 'manifest');
  if (m.version !== 1) fail(`manifest version must be 1, got ${describeValue(m.version)}`);
  const size = m.size;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) fail(`manifest size must be a non-negative integer, got ${describeValue(size)}`);
  const algorithm = m.digestAlgorithm as DigestAlgorithm;
  if (!DIGEST_ALGORITHMS.includes(algorithm)) fail(`manifest digestAlgorithm must be ${DIGEST_ALGORITHMS.join(' or ')}, got ${describeValue(algorithm)}`);
  if (typeof m.digest !== 'string' || !HEX64.test(m.digest)) fail('manifest digest must be 64 lower-case hex digits');
  if (!Array.isArray(m.chunks)) fail('manifest chunks must be an array');
  let sum = 0;
  const chunks = m.chunks.map((c: unknown, i): ManifestChunk => {
    const o = plainObject(c, `chunks[${i}]`);
    onlyKeys(o, ['digest', 'length'], `chunks[${i}]`);
    if (typeof o.digest !== 'string' || !HEX64.test(o.digest)) fail(`chunks[${i}].digest must be 64 lower-case hex digits`);
    const length = o.length;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > MAX_CHUNK) {
      fail(`chunks[${i}].length must be an integer 1..${MAX_CHUNK}, got ${describeValue(length)}`);
    }
    sum += length;
    return { digest: o.digest, length };
  });
  if (sum !== size) fail(`chunk lengths add up to ${sum} but size is ${size}`);
  let chunking: ResolvedChunkerOptions;
  try {
    chunking = resolveChunkerOptions(plainObject(m.chunking, 'manifest chunking'));
  } catch (e) {
    fail(`manifest chunking: ${(e as Error).message}`);
  }
  return { version: 1, size, digestAlgorithm: algorithm, digest: m.digest, chunks, chunking };
}
