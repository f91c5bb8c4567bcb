// PostgreSQL for the tests: the server to use, whether it is there, and throw-away schemas.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** `CHORUS_TEST_PG_URL`, else the local test server (trust auth, database `test`). */
export const PG_URL: string = process.env['CHORUS_TEST_PG_URL'] || 'postgres://postgres@127.0.0.1:5432/test';

/** A reachable server, handing out fresh schemas and dropping them all at the end. */
export interface TestPostgres {
  url: string;
  /** A new schema name, unique to this run (the store creates it; {@link TestPostgres.dropAll} removes it). */
  freshSchema(): string;
  /** Drops every schema handed out (with CASCADE): runs leave nothing behind. */
  dropAll(): Promise<void>;
}

/** The URL without its password, for messages. */
function shown(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/**
 * Checks that PostgreSQL answers at {@link PG_URL}. When it does not, the PostgreSQL suites are
 * skipped with a warning naming the URL, except in CI (`CI=true`), which starts the server:
 * there an unreachable server fails the run.
 *
 * @returns the server, or undefined when the suites should be skipped
 * @throws Error in CI when the server is unreachable
 */
export async function connectTestPostgres(): Promise<TestPostgres | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (e) {
    await client.end().catch(() => undefined);
    const why = e instanceof Error ? e.message : 'unknown error';
    if (process.env['CI'] === 'true') throw new Error(`PostgreSQL at ${shown(PG_URL)} is unreachable (${why}); CI must start it`);
    console.warn(`PostgreSQL suites skipped: no server at ${shown(PG_URL)} (${why}). Set CHORUS_TEST_PG_URL to use another.`);
    return undefined;
  }
  await client.end();
  const made: string[] = [];
  return {
    url: PG_URL,
    freshSchema(): string {
      const name = `chorus_test_${randomBytes(6).toString('hex')}`;
      made.push(name);
      return name;
    },
    async dropAll(): Promise<void> {
      const admin = new pg.Client({ connectionString: PG_URL });
      await admin.connect();
      try {
        for (const name of made.splice(0)) await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
