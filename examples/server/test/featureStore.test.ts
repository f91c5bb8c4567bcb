import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteStore } from '../src/SqliteStore.js';
import { describeFeatureStoreContract } from './featureStoreContract.js';

// The assertions are the contract suite in featureStoreContract.ts, written once for every store.
const dir = mkdtempSync(join(tmpdir(), 'chorus-features-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeFeatureStoreContract('SQLite in memory', async () => new SqliteStore({ file: ':memory:' }));
describeFeatureStoreContract('SQLite file (WAL)', async () => new SqliteStore({ file: join(dir, `db${++n}.sqlite`) }));
