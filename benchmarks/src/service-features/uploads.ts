// Upload throughput and dedup of the example service's media path (MediaLibrary: @chorus/cdc
// FastCDC chunks in an FsChunkStore, metadata in SQLite) against whole-file content addressing
// (SHA-256 of the file, one file per distinct digest), the usual way to store uploads once.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FsChunkStore } from '@chorus/cdc/node';
import type { Contender, Measurement } from '../harness/suite.js';
import { InProcessFanOut, Service } from '../../../examples/server/src/index.js';
import { MediaLibrary } from '../../../examples/server/src/features/MediaLibrary.js';
import { SqliteStore } from '../../../examples/server/src/SqliteStore.js';

/** Bytes of every file under a folder. */
export function folderBytes(root: string): number {
  let total = 0;
  for (const name of readdirSync(root)) {
    const p = join(root, name);
    const s = statSync(p);
    total += s.isDirectory() ? folderBytes(p) : s.size;
  }
  return total;
}

function measures(logical: number, stored: number, ms: number): Measurement[] {
  return [
    { metric: 'upload throughput', unit: 'MB/s', value: logical / 1e6 / (ms / 1000) },
    { metric: 'dedup saving', unit: '%', value: (1 - stored / logical) * 100 },
    { metric: 'stored', unit: 'MB', value: stored / 1e6 },
  ];
}

/** The service's media path: every file uploaded through MediaLibrary into a fresh data folder. */
export function serviceUploads(files: readonly Uint8Array[], avgChunkBytes: number): Contender {
  return {
    impl: `example-server media (@chorus/cdc, ${avgChunkBytes / 1024} KiB chunks, SQLite metadata)`,
    async measure(): Promise<Measurement[]> {
      const dir = mkdtempSync(join(tmpdir(), 'chorus-bench-media-'));
      const store = new SqliteStore({ file: join(dir, 'chorus.db') });
      const service = new Service({ store, fanOut: new InProcessFanOut() });
      const media = new MediaLibrary({ service, store: store.features, chunks: new FsChunkStore(join(dir, 'chunks')), avgChunkBytes, limits: { userBytes: 1e12 } });
      const caller = { userId: '1', sessionId: '1' };
      let logical = 0;
      const t0 = performance.now();
      for (const [i, f] of files.entries()) {
        await media.upload(caller, [f], f.length, `v${i}.txt`);
        logical += f.length;
      }
      const ms = performance.now() - t0;
      const stored = folderBytes(join(dir, 'chunks'));
      await store.close();
      rmSync(dir, { recursive: true, force: true });
      return measures(logical, stored, ms);
    },
  };
}

/**
 * The peer: whole-file content addressing, SHA-256 named files written with temp file + rename,
 * through the same asynchronous file system calls a server makes (as FsChunkStore does per chunk).
 */
export function wholeFileUploads(files: readonly Uint8Array[]): Contender {
  return {
    impl: 'whole-file content addressing (SHA-256 + fs)',
    async measure(): Promise<Measurement[]> {
      const dir = mkdtempSync(join(tmpdir(), 'chorus-bench-whole-'));
      let logical = 0;
      const t0 = performance.now();
      for (const f of files) {
        const hex = createHash('sha256').update(f).digest('hex');
        const sub = join(dir, hex.slice(0, 2));
        const path = join(sub, hex);
        const exists = await stat(path).then(
          () => true,
          () => false,
        );
        if (!exists) {
          await mkdir(sub, { recursive: true });
          const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
          await writeFile(tmp, f);
          await rename(tmp, path);
        }
        logical += f.length;
      }
      const ms = performance.now() - t0;
      const stored = folderBytes(dir);
      rmSync(dir, { recursive: true, force: true });
      return measures(logical, stored, ms);
    },
  };
}
