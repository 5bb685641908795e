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

function connectionOf(c: Queryable): SqlConnection {
  return {
    async query(sql: CompiledSql, values: unknown[]): Promise<SqlRows> {
      const res = await c.query({ text: sql.text, values, types: TYPES, ...(sql.name ? { name: sql.name } : {}) });
      return { rows: res.rows, rowCount: res.rowCount ?? res.rows.length };
    },
  };
}

class PgCore implements SqlDriverCore {
  readonly driver = 'postgres' as const;
  private readonly conn: SqlConnection;
  constructor(private readonly pool: pg.Pool, private readonly prepare: boolean) {
    this.conn = connectionOf(pool);
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
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        const result = await fn(connectionOf(client));
        await client.query('COMMIT');
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

  async connect(_schema: SchemaDef): Promise<Executor> {
    return new SqlExecutor(new PgCore(this.raw, this.prepare));
  }

  async push(schema: SchemaDef): Promise<void> {
    const client = await this.raw.connect();
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
    if (this.owned && !this.closed) {
      this.closed = true;
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
