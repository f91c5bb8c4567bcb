// Node-only: the connection pool PgStore and PgFeatureStore share, and their query helpers.
import pg from 'pg';

/** A result row, by column name. */
export type PgRow = Record<string, unknown>;

// INT8 (ids, Unix-ms times, counts) and NUMERIC (sums) come back as their decimal text, per pool
// rather than through pg.types.setTypeParser, which would change every other pg user in the
// process. Ids stay exact strings; the store turns the other columns into numbers itself.
const INT8 = 20;
const NUMERIC = 1700;
const asText = (v: string): string => v;
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? asText : pg.types.getTypeParser(oid, format ?? 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A pool whose connections all use `schema` (through `search_path`), so the SQL names tables
 * without a schema and one database can hold several isolated stores.
 *
 * @param url - `postgres://user:password@host:port/database`
 * @param schema - schema name, already checked against `SCHEMA_NAME`
 * @param max - most connections at once
 * @param onError - told about errors of idle connections (the pool replaces them)
 * @returns the pool
 */
export function createPool(url: string, schema: string, max: number, onError: (e: Error) => void): pg.Pool {
  // A connection that cannot be had in 10 s fails its request (500) instead of holding it for
  // ever while the server is down; the load shedder sees the latency and sheds meanwhile.
  const pool = new pg.Pool({ connectionString: url, max, types: TYPES, options: `-c search_path=${schema}`, connectionTimeoutMillis: 10_000 });
  // Without a listener, a dropped idle connection (server restart) would crash the process.
  pool.on('error', onError);
  return pool;
}

/** The pool or one of its connections inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/**
 * Runs `fn` in a transaction on one connection: committed when it resolves, rolled back when
 * it throws.
 *
 * @param pool - the pool
 * @param fn - the work, given the transaction's connection
 * @returns what `fn` returned, after the commit
 * @throws whatever `fn` or the commit threw
 */
export async function transaction<T>(pool: pg.Pool, fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  let broken = false;
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => {
      broken = true;
    });
    throw e;
  } finally {
    // A connection whose rollback failed is in an unknown state: drop it instead of reusing it.
    c.release(broken);
  }
}

// Every statement is named after its text, so each connection parses and plans it once and
// then only binds values. The store's statements are a fixed set (the patch-dependent UPDATEs
// have at most eight shapes), so the per-connection cache stays small.
const names = new Map<string, string>();
function named(sql: string, values: unknown[]): pg.QueryConfig {
  let name = names.get(sql);
  if (name === undefined) names.set(sql, (name = `chorus_${names.size}`));
  return { name, text: sql, values };
}

/** @returns the rows of a query */
export async function rows(db: Queryable, sql: string, params: unknown[] = []): Promise<PgRow[]> {
  return (await db.query<PgRow>(named(sql, params))).rows;
}

/** @returns the first row of a query, if any */
export async function one(db: Queryable, sql: string, params: unknown[] = []): Promise<PgRow | undefined> {
  return (await db.query<PgRow>(named(sql, params))).rows[0];
}

/** @returns how many rows a statement changed */
export async function changes(db: Queryable, sql: string, params: unknown[] = []): Promise<number> {
  return (await db.query(named(sql, params))).rowCount ?? 0;
}

/** Runs a statement for its effect. */
export async function exec(db: Queryable, sql: string, params: unknown[] = []): Promise<void> {
  await db.query(named(sql, params));
}
