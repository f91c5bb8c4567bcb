// The kill drill of durability.test.ts on PostgreSQL: an acknowledged message is committed, so
// it survives SIGKILL of the server process (PostgreSQL itself keeps running).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PG_URL, connectTestPostgres } from './support/postgres.js';
import { bundlePath, bundleServer, killDrill } from './support/killDrill.js';

const CYCLES = 10;
const pg = await connectTestPostgres();
// Its own bundle: the SQLite drill may be bundling at the same moment.
const bundle = bundlePath('serve-pg');

if (!pg) {
  describe.skip(`durability on PostgreSQL (no server at ${PG_URL}; set CHORUS_TEST_PG_URL)`, () => {
    it('keeps every acknowledged message across SIGKILLs', () => undefined);
  });
} else {
  beforeAll(() => bundleServer(bundle));
  afterAll(() => pg.dropAll());
  describe('durability on PostgreSQL', () => {
    it(`keeps every acknowledged message across ${CYCLES} SIGKILLs during sends`, async () => {
      const r = await killDrill(CYCLES, { bundle, env: { CHORUS_DATABASE_URL: pg.url, CHORUS_DATABASE_SCHEMA: pg.freshSchema() } });
      expect(r.missing, 'acknowledged but missing after a restart').toEqual([]);
      expect(r.corrupt, 'stored content nobody sent').toEqual([]);
      expect(r.acknowledged).toBeGreaterThan(CYCLES);
      expect(r.killedInFlight).toBeGreaterThan(0);
    });
  });
}
