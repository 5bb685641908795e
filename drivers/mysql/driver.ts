/**
 * `mysql({ uri })`: MySQL 8 or MariaDB 10.11+ through mysql2 (an optional peer dependency).
 *
 * A pool of connections, each set up once for quern's SQL: ANSI_QUOTES (identifiers are
 * double-quoted, as the shared SQL writer writes them), strict mode (a bad value is an error,
 * never a silent truncation), UTC (DATETIME holds UTC), and a group_concat_max_len large
 * enough that JSON_ARRAYAGG (built on it in MariaDB) never truncates an include.
 */
import type { Pool, PoolConnection, PoolOptions, ResultSetHeader } from 'mysql2/promise';
import type { ConnectSettings, Driver, Executor } from '../../src/engine/driver.js';
import { resolveTimeouts } from '../../src/engine/driver.js';
import { refuseWhenClosed } from '../../src/engine/closed.js';
import type { CompiledSql, SqlConnection, SqlDriverCore, SqlRows, StoredValues } from '../../src/engine/sql/core.js';
import { SqlExecutor } from '../../src/engine/sql/executor.js';
import { DriverError, ValidationError } from '../../src/errors.js';
import { loadPeer } from '../../src/peer.js';
import type { SqlStatement } from '../../src/plan/sql/ast.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { pushSchema } from './ddl.js';
import { mapMysqlError } from './errors.js';
import { binder } from './params.js';
import { mysqlTarget, serializeCached } from './target.js';

export interface MysqlDriverOptions {
  /** `mysql://user:password@host:3306/database` */
  uri: string;
  /** Pooled connections (default 10). */
  connectionLimit?: number;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
}

/** The session every pooled connection runs in (see the module comment). */
export const SESSION_SQL =
  "SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION', time_zone = '+00:00', group_concat_max_len = 4294967295";

/** Timestamps inside an include's JSON arrive as `YYYY-MM-DD HH:MM:SS.mmm` text in UTC. */
const utcDatetime = (v: unknown): unknown => (typeof v === 'string' && !v.includes('T') ? new Date(`${v.replace(' ', 'T')}Z`) : v);

/** DECIMAL(65,30) pads 30 digits: `12.500000…` reads back as `12.5`, `10.000…` as `10`. */
const trimDecimal = (v: unknown): unknown => (typeof v === 'string' && v.includes('.') ? v.replace(/\.?0+$/, '') : v);

// Booleans are 0/1; lists and json values JSON text.
const STORED: StoredValues = {
  boolean: (v) => v === 1 || v === '1' || v === true || v === 1n,
  json: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  list: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  timestamp: utcDatetime,
  decimal: trimDecimal,
};

const compiled = new WeakMap<SqlStatement, CompiledSql>();

function compile(stmt: SqlStatement): CompiledSql {
  let c = compiled.get(stmt);
  if (!c) {
    const { text, params } = serializeCached(stmt);
    c = { text, bind: binder(params), readOnly: stmt.kind === 'select' && !stmt.forUpdate };
    compiled.set(stmt, c);
  }
  return c;
}

interface Queryable {
  query(options: { sql: string; values: unknown[]; timeout?: number }): Promise<[unknown, unknown]>;
}

async function exec(on: Queryable, sql: CompiledSql, values: unknown[], timeoutMs: number): Promise<SqlRows> {
  const [result] = await on.query({ sql: sql.text, values, ...(timeoutMs > 0 ? { timeout: timeoutMs } : {}) });
  if (Array.isArray(result)) return { rows: result as Record<string, unknown>[], rowCount: result.length };
  return { rows: [], rowCount: (result as ResultSetHeader).affectedRows };
}

class MysqlCore implements SqlDriverCore {
  readonly driver = 'mysql' as const;
  readonly values = STORED;

  constructor(
    private readonly pool: Pool,
    private readonly endpoint: string,
    private readonly requestTimeoutMs: number,
  ) {}

  compile(stmt: SqlStatement): CompiledSql {
    return compile(stmt);
  }

  connection(): SqlConnection {
    return { query: (sql, values) => exec(this.pool, sql, values, this.requestTimeoutMs) };
  }

  async transaction<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T> {
    const conn = await this.pool.getConnection();
    try {
      await conn.beginTransaction();
      const result = await fn({ query: (sql, values) => exec(conn, sql, values, this.requestTimeoutMs) });
      await conn.commit();
      return result;
    } catch (e) {
      await conn.rollback().catch(() => undefined);
      throw e;
    } finally {
      conn.release();
    }
  }

  mapError(e: unknown, schema: SchemaDef, model: string | undefined): Error {
    return mapMysqlError(e, schema, model, this.endpoint, this.requestTimeoutMs);
  }
}

/** `mysql://user:secret@host:3306/db` → `host:3306/db`: what error messages name. */
function endpointOf(uri: string): string {
  const u = new URL(uri);
  return `${u.hostname || 'localhost'}:${u.port || '3306'}${u.pathname && u.pathname !== '/' ? u.pathname : ''}`;
}

function checkUri(uri: unknown): string {
  if (typeof uri !== 'string' || uri === '') throw new ValidationError('mysql.uri', 'expected a connection URI, mysql://user:password@host:3306/database');
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new ValidationError('mysql.uri', 'not a URI: expected mysql://user:password@host:3306/database');
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') throw new ValidationError('mysql.uri', `expected the mysql:// scheme, got ${u.protocol}//`);
  if (u.pathname === '' || u.pathname === '/') throw new ValidationError('mysql.uri', 'name the database: mysql://user:password@host:3306/database');
  return uri;
}

class MysqlDriver implements Driver {
  readonly name = 'mysql' as const;
  readonly target = mysqlTarget;
  private pool: Pool | null = null;
  private readonly uri: string;
  private readonly endpoint: string;
  private closed = false;
  private settings: ConnectSettings;

  constructor(private readonly opts: MysqlDriverOptions) {
    this.uri = checkUri(opts.uri);
    this.endpoint = endpointOf(this.uri);
    this.settings = resolveTimeouts(undefined, opts);
  }

  get raw(): Pool | null {
    return this.pool;
  }

  private async open(): Promise<Pool> {
    if (this.pool) return this.pool;
    const mysql2 = await loadPeer('mysql2', 'mysql() from quern/mysql', () => import('mysql2/promise'));
    const u = new URL(this.uri);
    const options: PoolOptions = {
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.slice(1)),
      connectionLimit: this.opts.connectionLimit ?? 10,
      ...(this.settings.connectTimeoutMs > 0 ? { connectTimeout: this.settings.connectTimeoutMs } : {}),
      timezone: 'Z',
      // DATE as its own text; BIGINT and DECIMAL as exact digit strings (the decoders' forms).
      dateStrings: ['DATE'],
      supportBigNumbers: true,
      bigNumberStrings: true,
      // MySQL's JSON type arrives parsed; as text it decodes like MariaDB's (a LONGTEXT).
      typeCast: (field, next) => (field.type === 'JSON' ? field.string() : next()),
    };
    const pool = (mysql2.default ?? mysql2).createPool(options);
    pool.on('connection', (conn) => {
      // The event hands over the callback-style connection. This runs before anything else on
      // it (its commands are sent in order); were it to fail, the first query fails with it.
      (conn as unknown as { query(sql: string, cb: (e: unknown) => void): void }).query(SESSION_SQL, () => undefined);
    });
    this.pool = pool;
    return pool;
  }

  async connect(_schema: SchemaDef, settings?: Partial<ConnectSettings>): Promise<Executor> {
    this.settings = resolveTimeouts(settings, this.opts);
    const pool = await this.open();
    const core = new MysqlCore(pool, this.endpoint, this.settings.requestTimeoutMs);
    return refuseWhenClosed(new SqlExecutor(core), () => this.closed, 'mysql');
  }

  async push(schema: SchemaDef): Promise<void> {
    const pool = await this.open();
    let conn: PoolConnection | undefined;
    try {
      conn = await pool.getConnection();
      const c = conn;
      await pushSchema(schema, async (sql, values) => {
        const [rows] = await c.query({ sql, values: values ?? [] });
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      });
    } catch (e) {
      throw mapMysqlError(e, schema, undefined, this.endpoint);
    } finally {
      conn?.release();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const pool = this.pool;
    this.pool = null;
    if (pool) await pool.end().catch((e: unknown) => Promise.reject(new DriverError('mysql', `closing the pool failed: ${String(e)}`, e)));
  }
}

export function mysql(opts: MysqlDriverOptions): Driver {
  return new MysqlDriver(opts);
}
