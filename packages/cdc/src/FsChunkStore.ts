import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkStore } from './ChunkStore.js';
import { parseChunkKey } from './chunkKey.js';
import { createDigest, type Digest, type DigestAlgorithm } from './digest.js';
import { CdcError } from './errors.js';
import { requireBytes } from './inputGuard.js';

/**
 * A {@link ChunkStore} in a directory (Node only): `<dir>/<algorithm>/<ab>/<cd>/<hex>`, two
 * levels of fan-out so no directory grows past ~65k entries per 4 billion chunks. Writes go
 * to a temporary file then `rename`, so a crash never leaves a partial chunk under its key;
 * every read recomputes the digest and throws on a mismatch.
 *
 * @example
 * ```ts
 * import { FsChunkStore } from '@chorus/cdc/node';
 * const store = new FsChunkStore('/var/lib/chorus/chunks');
 * ```
 */
export class FsChunkStore implements ChunkStore {
  /** The root directory. */
  readonly dir: string;
  private readonly digests = new Map<DigestAlgorithm, Promise<Digest>>();
  // Fan-out directories known to exist: one mkdir per directory, not per chunk.
  private readonly dirs = new Set<string>();

  /**
   * @param dir - root directory (created on first write)
   * @throws `CdcError` `INVALID_OPTIONS` when `dir` is not a non-empty string
   */
  constructor(dir: string) {
    if (typeof dir !== 'string' || dir.length === 0) throw new CdcError('INVALID_OPTIONS', 'FsChunkStore needs a directory path (non-empty string)');
    this.dir = dir;
  }

  private pathOf(key: string): { path: string; algorithm: DigestAlgorithm; hex: string } {
    const { algorithm, hex } = parseChunkKey(key);
    return { path: join(this.dir, algorithm, hex.slice(0, 2), hex.slice(2, 4), hex), algorithm, hex };
  }

  private digest(algorithm: DigestAlgorithm): Promise<Digest> {
    let d = this.digests.get(algorithm);
    if (!d) {
      d = createDigest(algorithm);
      this.digests.set(algorithm, d);
    }
    return d;
  }

  async has(key: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(key).path)).isFile();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const { path, algorithm, hex } = this.pathOf(key);
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(path));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    if ((await this.digest(algorithm)).hashHex(bytes) !== hex) {
      throw new CdcError('CORRUPT_CHUNK', `chunk file ${path} does not match its digest; restore it from a replica or delete it and re-upload the blob`);
    }
    return bytes;
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    const { path } = this.pathOf(key);
    requireBytes(bytes, 'put(key, bytes)');
    if (await this.has(key)) return;
    const dir = join(path, '..');
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      try {
        await writeFile(tmp, bytes);
      } catch (e) {
        // The fan-out directory was removed since we made it (by hand, or another process).
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
        await mkdir(dir, { recursive: true });
        await writeFile(tmp, bytes);
      }
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async delete(key: string): Promise<boolean> {
    const { path } = this.pathOf(key);
    try {
      await rm(path);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
  }

  async *keys(): AsyncIterable<string> {
    for (const algorithm of ['sha256', 'blake3'] as const) {
      for (const a of await listDir(join(this.dir, algorithm))) {
        for (const b of await listDir(join(this.dir, algorithm, a))) {
          for (const name of await listDir(join(this.dir, algorithm, a, b))) {
            // Skip temporary files of writes in progress or interrupted.
            if (/^[0-9a-f]{64}$/.test(name)) yield `${algorithm}-${name}`;
          }
        }
      }
    }
  }
}

async function listDir(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
