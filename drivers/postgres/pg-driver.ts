/**
 * `postgres()`: PostgreSQL through node-postgres (pg.Pool).
 *
 * Hot path: a cached plan carries its compiled SQL; each distinct statement
 * text gets a prepared-statement name, so after a connection's first use the
 * server skips parsing and planning setup (pass `prepare: false` for poolers
 * in transaction mode, which cannot keep prepared statements).
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type pg from 'pg';
import {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  resolveTimeouts,
  type ConnectSettings,
  type Driver,
  type Executor,
} from '../../src/engine/driver.js';
import { DriverError, TimeoutError, ValidationError } from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { CompiledSql, SqlConnection, SqlDriverCore, SqlRows } from '../../src/engine/sql/core.js';
import { SqlExecutor } from '../../src/engine/sql/executor.js';
import { refuseWhenClosed } from '../../src/engine/closed.js';
import type { SqlStatement } from '../../src/plan/sql/ast.js';
import { compileStatement } from './compile.js';
import { pushSchema } from './ddl.js';
import { mapPgError } from './errors.js';
import { postgresUrlProblem } from './url.js';
import { endpointOf, isRequestTimeout, PoolGate } from './pool.js';
import { postgresTarget } from './target.js';
import { RESULT_PARSERS } from './types.js';
import { objectRows } from './rows.js';
import { isMissingPackage, missingPeer } from '../../src/peer.js';

/**
 * pg, an optional peer (an app on PGlite or DynamoDB alone need not install it), loaded when
 * postgres() is first called rather than when quern is imported: the published package holds
 * `quern` and `quern/postgres` in one module (scripts/bundle.mjs), and an app that never calls
 * postgres() should not pay for loading pg at start-up. pg is CommonJS, so `require` loads it
 * synchronously; `import('pg')` would give the same object as its default export.
 */
let pgLib: typeof pg | null | undefined;

function requirePg(): typeof pg {
  if (pgLib === undefined) {
    try {
      pgLib = createRequire(import.meta.url)('pg') as typeof pg;
    } catch (e) {
      if (!isMissingPackage(e, 'pg')) throw e;
      pgLib = null;
    }
  }
  if (!pgLib) throw missingPeer('pg', 'postgres() from quern/postgres');
  return pgLib;
}

interface TimeoutOptions {
  /** Bound on opening a connection (default 10,000 ms; 0: none). createClient's connectTimeoutMs overrides it. */
  connectTimeoutMs?: number;
  /** Bound on each statement and on waiting for a free pooled connection (default 60,000 ms; 0: none). createClient's requestTimeoutMs overrides it. */
  requestTimeoutMs?: number;
}

export type PostgresDriverOptions =
  | ({ connectionString: string; max?: number; prepare?: boolean; pool?: undefined } & TimeoutOptions)
  | ({ pool: pg.Pool; prepare?: boolean; connectionString?: undefined } & TimeoutOptions);

/** Per-query type parsers: ours for the types quern decodes itself, pg's defaults for the rest. */
const TYPES = {
  getTypeParser(oid: number, format?: string) {
    const own = RESULT_PARSERS[oid];
    if (own && format !== 'binary') return own;
    return requirePg().types.getTypeParser(oid, format as 'text');
  },
} as unknown as pg.CustomTypesConfig;

/** The session is gone (server shutdown or pg_terminate_backend, a dropped socket): not the statement's fault. */
function isLostConnection(e: unknown): boolean {
  const o = (e ?? {}) as { code?: unknown; message?: unknown };
  const code = typeof o.code === 'string' ? o.code : '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (code === 'ECONNRESET' || code === 'EPIPE') return true;
  return typeof o.message === 'string' && /Connection terminated|not queryable/.test(o.message);
}

/**
 * After this error the session cannot be trusted (lost, or a statement still running on it after
 * its timeout): the client is destroyed, not returned to the pool. An error the server answered
 * with (a constraint, a syntax error) leaves the session healthy.
 */
function spoils(e: unknown): boolean {
  if (e instanceof TimeoutError || isLostConnection(e)) return true;
  const o = (e ?? {}) as { severity?: unknown; code?: unknown };
  return !(typeof o.severity === 'string' && typeof o.code === 'string');
}

/** A timed-out or lost session, also when the executor has wrapped the pg error in a DriverError. */
const sessionDead = (e: unknown) => e instanceof TimeoutError || isLostConnection(e) || (e instanceof DriverError && isLostConnection(e.cause));

type StatementConfig = pg.QueryConfig & { query_timeout?: number; rowMode?: 'array' };

/**
 * One statement on one client; `config.query_timeout` (pg's own, 0: none) bounds it. pg's
 * callback form: its promise form adds a promise and a rejection handler per statement.
 */
function statement(client: pg.PoolClient, config: StatementConfig, gate: PoolGate): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    client.query(config, (e: Error | null, res: pg.QueryResult) => {
      if (e) reject(isRequestTimeout(e) ? gate.requestTimeout(config.query_timeout ?? 0, e) : e);
      else resolve(res);
    });
  });
}

/**
 * One object shape for every call (pg treats an undefined name as unnamed, a 0 query_timeout as
 * none); no spread per call. Rows come as arrays, made objects by the statement's builder (rows.ts).
 */
const configOf = (sql: CompiledSql, values: unknown[], timeoutMs: number): StatementConfig => ({
  name: sql.name,
  text: sql.text,
  values,
  types: TYPES,
  rowMode: 'array',
  query_timeout: timeoutMs,
});
const rowsOf = (sql: CompiledSql, res: pg.QueryResult): SqlRows => ({ rows: objectRows(sql, res.fields, res.rows), rowCount: res.rowCount ?? res.rows.length });

/**
 * Autocommit statements on the pool, one checkout each. A read that met a session the server had
 * just ended (the pool hands out an idle client before its socket reports the end) runs once more:
 * that client is discarded, and a SELECT is safe to repeat. Writes are never resent.
 */
function poolConnection(gate: PoolGate, timeoutMs: number): SqlConnection {
  const once = async (config: StatementConfig) => {
    const client = await gate.acquire(timeoutMs);
    return statement(client, config, gate).then(
      (res) => {
        client.release();
        return res;
      },
      (e: unknown) => {
        client.release(spoils(e) ? (e as Error) : undefined);
        throw e;
      },
    );
  };
  return {
    async query(sql: CompiledSql, values: unknown[]): Promise<SqlRows> {
      const config = configOf(sql, values, timeoutMs);
      try {
        return rowsOf(sql, await once(config));
      } catch (e) {
        if (!sql.readOnly || !isLostConnection(e)) throw e;
        return rowsOf(sql, await once(config));
      }
    },
  };
}

/** The statements of one transaction, on its client. */
function clientConnection(client: pg.PoolClient, timeoutMs: number, gate: PoolGate): SqlConnection {
  return {
    query: async (sql, values) => rowsOf(sql, await statement(client, configOf(sql, values, timeoutMs), gate)),
  };
}

/** For mapping errors that name no table (a dead session): the schema adds nothing there. */
const NO_SCHEMA = { models: {}, relations: {}, hash: '' } as unknown as SchemaDef;

async function checkout(gate: PoolGate, waitMs: number, schema: SchemaDef): Promise<pg.PoolClient> {
  try {
    return await gate.acquire(waitMs);
  } catch (e) {
    throw mapPgError(e, schema, undefined, 'postgres');
  }
}

/** BEGIN, COMMIT and ROLLBACK fail like any statement (a dead session, a deferred constraint): typed, too. */
async function control(client: pg.PoolClient, sql: 'BEGIN' | 'COMMIT' | 'ROLLBACK', timeoutMs: number, gate: PoolGate, schema: SchemaDef): Promise<void> {
  try {
    await statement(client, { text: sql, query_timeout: timeoutMs }, gate);
  } catch (e) {
    throw mapPgError(e, schema, undefined, 'postgres');
  }
}

class PgCore implements SqlDriverCore {
  readonly driver = 'postgres' as const;
  private readonly conn: SqlConnection;
  constructor(
    private readonly gate: PoolGate,
    private readonly prepare: boolean,
    private readonly timeoutMs: number,
    private readonly schema: SchemaDef = NO_SCHEMA,
  ) {
    this.conn = poolConnection(gate, timeoutMs);
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
    const { gate, timeoutMs, schema } = this;
    const client = await checkout(gate, timeoutMs, schema);
    let broken: Error | undefined;
    try {
      await control(client, 'BEGIN', timeoutMs, gate, schema);
      try {
        const result = await gate.hold(() => fn(clientConnection(client, timeoutMs, gate)));
        await control(client, 'COMMIT', timeoutMs, gate, schema);
        return result;
      } catch (e) {
        // A session that is gone or still busy cannot roll back; destroying it rolls back server-side.
        if (sessionDead(e)) broken = e as Error;
        else await control(client, 'ROLLBACK', timeoutMs, gate, schema).catch((rollbackError: Error) => (broken = rollbackError));
        throw e;
      }
    } catch (e) {
      if (sessionDead(e)) broken ??= e as Error;
      throw e;
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
export function pgCore(pool: pg.Pool, opts: { prepare?: boolean; requestTimeoutMs?: number } = {}): SqlDriverCore {
  const gate = new PoolGate(pool, endpointOf(undefined, pool), () => DEFAULT_CONNECT_TIMEOUT_MS);
  return new PgCore(gate, opts.prepare ?? true, opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
}

class PgDriver implements Driver {
  readonly name = 'postgres' as const;
  readonly target = postgresTarget;
  readonly raw: pg.Pool;
  private readonly owned: boolean;
  private readonly prepare: boolean;
  private readonly gate: PoolGate;
  private readonly fromDriver: Partial<ConnectSettings>;
  /** Pool-wide: read by every connection the pool opens (createClient may change it). */
  private connectTimeoutMs: number;
  private closed = false;

  constructor(opts: PostgresDriverOptions) {
    this.fromDriver = { connectTimeoutMs: opts.connectTimeoutMs, requestTimeoutMs: opts.requestTimeoutMs };
    this.connectTimeoutMs = resolveTimeouts(undefined, this.fromDriver).connectTimeoutMs;
    if (opts.pool) {
      this.raw = opts.pool;
      this.owned = false;
    } else {
      const driver = this;
      const lib = requirePg();
      // pg bounds the pool's queue and each new connection with one setting; only the second is
      // the connect timeout (the wait for a free connection is the gate's, bounded per request).
      class TimedClient extends lib.Client {
        constructor(config?: string | pg.ClientConfig) {
          super({ ...(typeof config === 'object' ? config : {}), connectionTimeoutMillis: driver.connectTimeoutMs });
        }
      }
      this.raw = new lib.Pool({ connectionString: opts.connectionString, ...(opts.max ? { max: opts.max } : {}), Client: TimedClient });
      this.owned = true;
      // An idle client's network error must not crash the process; the pool replaces the client.
      this.raw.on('error', () => undefined);
    }
    this.prepare = opts.prepare ?? true;
    this.gate = new PoolGate(this.raw, endpointOf(opts.connectionString, this.raw), () => this.connectTimeoutMs);
  }

  async connect(schema: SchemaDef, settings?: Partial<ConnectSettings>): Promise<Executor> {
    const t = resolveTimeouts(settings, this.fromDriver);
    if (settings?.connectTimeoutMs !== undefined) this.connectTimeoutMs = settings.connectTimeoutMs;
    return refuseWhenClosed(new SqlExecutor(new PgCore(this.gate, this.prepare, t.requestTimeoutMs, schema)), () => this.closed, 'postgres');
  }

  async push(schema: SchemaDef): Promise<void> {
    // DDL may legitimately take long: bounded by the connect timeout only.
    const client = await checkout(this.gate, 0, schema);
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
  const problem = typeof opts.connectionString === 'string' ? postgresUrlProblem(opts.connectionString) : null;
  if (problem) throw new ValidationError('connectionString', problem);
  return new PgDriver(opts);
}
