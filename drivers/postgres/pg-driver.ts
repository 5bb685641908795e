/**
 * `postgres()`: PostgreSQL through node-postgres (pg.Pool).
 *
 * Hot path: a cached plan carries its compiled SQL; each distinct statement
 * text gets a prepared-statement name, so after a connection's first use the
 * server skips parsing and planning setup (pass `prepare: false` for poolers
 * in transaction mode, which cannot keep prepared statements).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Driver, Executor } from '../../src/engine/driver.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { CompiledSql, SqlConnection, SqlDriverCore, SqlRows } from '../../src/engine/sql/core.js';
import { SqlExecutor } from '../../src/engine/sql/executor.js';
import { refuseWhenClosed } from '../../src/engine/closed.js';
import type { SqlStatement } from '../../src/plan/sql/ast.js';
import { compileStatement } from './compile.js';
import { pushSchema } from './ddl.js';
import { mapPgError } from './errors.js';
import { postgresTarget } from './target.js';
import { RESULT_PARSERS } from './types.js';

export type PostgresDriverOptions =
  | { connectionString: string; max?: number; prepare?: boolean; pool?: undefined }
  | { pool: pg.Pool; prepare?: boolean; connectionString?: undefined };

/** Per-query type parsers: ours for the types quern decodes itself, pg's defaults for the rest. */
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    const own = RESULT_PARSERS[oid];
    if (own && format !== 'binary') return own;
    return pg.types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

interface Queryable {
  query(config: pg.QueryConfig): Promise<pg.QueryResult>;
}

/** The session is gone (server shutdown or pg_terminate_backend, a dropped socket): not the statement's fault. */
function isLostConnection(e: unknown): boolean {
  const o = (e ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof o.code === 'string' ? o.code : '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (code === 'ECONNRESET' || code === 'EPIPE') return true;
  return typeof o.message === 'string' && /Connection terminated|not queryable/.test(o.message);
}

/**
 * `retryReads`: on the pool (autocommit), a read that met a session the server had just ended
 * (the pool hands out an idle client before its socket reports the end) runs once more: the pool
 * has discarded that client, and a SELECT is safe to repeat. Writes are never resent.
 */
function connectionOf(c: Queryable, retryReads = false): SqlConnection {
  return {
    async query(sql: CompiledSql, values: unknown[]): Promise<SqlRows> {
      // One object shape for every call (pg treats an undefined name as unnamed); no spread per call.
      const config = { name: sql.name, text: sql.text, values, types: TYPES };
      let res: pg.QueryResult;
      try {
        res = await c.query(config);
      } catch (e) {
        if (!retryReads || !sql.readOnly || !isLostConnection(e)) throw e;
        res = await c.query(config);
      }
      return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
    },
  };
}

/** For mapping errors that name no table (a dead session): the schema adds nothing there. */
const NO_SCHEMA = { models: {}, relations: {}, hash: '' } as unknown as SchemaDef;

/**
 * A pooled client for a transaction. While checked out, the pool does not listen for its
 * errors: a session the server ends between two statements (pg_terminate_backend, a failover,
 * idle_in_transaction_session_timeout) would emit an unhandled 'error' and crash the process.
 * The next query on it fails anyway, and that failure is reported, typed.
 */
const guarded = new WeakSet<pg.PoolClient>();
async function checkout(pool: pg.Pool, schema: SchemaDef): Promise<pg.PoolClient> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (e) {
    throw mapPgError(e, schema, undefined, 'postgres');
  }
  if (!guarded.has(client)) {
    guarded.add(client);
    client.on('error', () => undefined);
  }
  return client;
}

/** BEGIN and COMMIT fail like any statement (a dead session, a deferred constraint): typed, too. */
async function control(client: pg.PoolClient, sql: 'BEGIN' | 'COMMIT', schema: SchemaDef): Promise<void> {
  try {
    await client.query(sql);
  } catch (e) {
    throw mapPgError(e, schema, undefined, 'postgres');
  }
}

class PgCore implements SqlDriverCore {
  readonly driver = 'postgres' as const;
  private readonly conn: SqlConnection;
  constructor(private readonly pool: pg.Pool, private readonly prepare: boolean, private readonly schema: SchemaDef = NO_SCHEMA) {
    this.conn = connectionOf(pool, true);
  }

  compile(stmt: SqlStatement): CompiledSql {
    const compiled = compileStatement(stmt);
    if (!this.prepare) return compiled;
    // The name is a hash of the text: equal statements share one prepared statement per
    // connection, and clients sharing a pool can never give one name two texts.
    return { ...compiled, name: `quern_${createHash('sha256').update(compiled.text).digest('base64url').slice(0, 22)}` };
  }

  connection(): SqlConnection {
    return this.conn;
  }

  async transaction<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T> {
    const client = await checkout(this.pool, this.schema);
    let broken: Error | undefined;
    try {
      await control(client, 'BEGIN', this.schema);
      try {
        const result = await fn(connectionOf(client));
        await control(client, 'COMMIT', this.schema);
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
        throw e;
      }
    } finally {
      // A connection that could not roll back is destroyed rather than reused.
      client.release(broken);
    }
  }

  mapError(e: unknown, schema: SchemaDef, model: string | undefined): Error {
    return mapPgError(e, schema, model, 'postgres');
  }
}

/** The SQL driver core over a pg Pool (to build a SqlExecutor directly). */
export function pgCore(pool: pg.Pool, opts: { prepare?: boolean } = {}): SqlDriverCore {
  return new PgCore(pool, opts.prepare ?? true);
}

class PgDriver implements Driver {
  readonly name = 'postgres' as const;
  readonly target = postgresTarget;
  readonly raw: pg.Pool;
  private readonly owned: boolean;
  private readonly prepare: boolean;
  private closed = false;

  constructor(opts: PostgresDriverOptions) {
    if (opts.pool) {
      this.raw = opts.pool;
      this.owned = false;
    } else {
      this.raw = new pg.Pool({ connectionString: opts.connectionString, ...(opts.max ? { max: opts.max } : {}) });
      this.owned = true;
      // An idle client's network error must not crash the process; the pool replaces the client.
      this.raw.on('error', () => undefined);
    }
    this.prepare = opts.prepare ?? true;
  }

  async connect(schema: SchemaDef): Promise<Executor> {
    return refuseWhenClosed(new SqlExecutor(new PgCore(this.raw, this.prepare, schema)), () => this.closed, 'postgres');
  }

  async push(schema: SchemaDef): Promise<void> {
    const client = await checkout(this.raw, schema);
    try {
      await client.query('BEGIN');
      await pushSchema(schema, (sql, params) => client.query(sql, params));
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw mapPgError(e, schema, undefined, 'postgres');
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.owned) {
      await this.raw.end();
    }
  }
}

export function postgres(opts: PostgresDriverOptions): Driver {
  if (!opts || (typeof opts.connectionString !== 'string' && !opts.pool)) {
    throw new TypeError('postgres() expects { connectionString } or { pool }');
  }
  return new PgDriver(opts);
}
