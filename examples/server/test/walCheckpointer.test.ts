import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WalCheckpointer } from '../src/walCheckpointer.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 10));
  }
  return cond();
}

describe('WalCheckpointer', () => {
  it('copies committed pages from the log into the database file while the writer goes on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chorus-wal-'));
    dirs.push(dir);
    const file = join(dir, 'db.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const fill = db.transaction((n: number) => {
      for (let i = 0; i < n; i++) insert.run('x'.repeat(1000));
    });
    fill(500);
    // With checkpoints off, the rows live in the log only.
    const before = statSync(file).size;
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(500_000);
    const failures: Error[] = [];
    const ckpt = new WalCheckpointer(file, 10, (e) => failures.push(e));
    await ckpt.ready;
    expect(await until(() => statSync(file).size > before + 400_000, 10_000)).toBe(true);
    // The writer is not blocked meanwhile, and what it adds is checkpointed too.
    fill(500);
    const mid = statSync(file).size;
    expect(await until(() => statSync(file).size > mid + 400_000, 10_000)).toBe(true);
    await ckpt.stop();
    expect(failures).toEqual([]);
    expect((db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n).toBe(1000);
    db.close();
  });

  it('reports a database it cannot open, so the writer can take checkpoints back', async () => {
    const failures: Error[] = [];
    const ckpt = new WalCheckpointer(join(tmpdir(), 'chorus-no-such-dir', 'x', 'db.sqlite'), 10, (e) => failures.push(e));
    await expect(ckpt.ready).rejects.toThrow();
    expect(await until(() => failures.length > 0, 5000)).toBe(true);
    // The worker is gone: stopping returns at once.
    await new Promise((r) => setTimeout(r, 50));
    await ckpt.stop();
  });
});
