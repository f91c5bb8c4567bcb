import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/SqliteStore.js';
import { describeStoreContract } from './storeContract.js';

const dir = mkdtempSync(join(tmpdir(), 'chorus-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeStoreContract('SQLite in memory', async () => new SqliteStore({ file: ':memory:' }));
describeStoreContract('SQLite file (WAL)', async () => new SqliteStore({ file: join(dir, `db${++n}.sqlite`) }));

describe('SqliteStore', () => {
  it('keeps data across reopening the file', async () => {
    const file = join(dir, 'reopen.sqlite');
    const a = new SqliteStore({ file, synchronous: 'full' });
    await a.createUser({ id: '5', username: 'ada', passwordHash: 'h', nickname: 'ada', about: '', presence: 'offline', createdAt: 1 });
    await a.close();
    const b = new SqliteStore({ file });
    expect((await b.getUser('5'))?.username).toBe('ada');
    await b.close();
  });
});
