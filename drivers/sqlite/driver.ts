/**
 * `sqlite({ filename })`: SQLite in the process, through @libsql/client (an
 * optional peer dependency; it ships its native binary inside npm packages,
 * so it installs offline with nothing to build).
 *
 * One connection, one statement at a time: SQLite serialises writers anyway,
 * and a single connection is what keeps `PRAGMA foreign_keys` on and lets
 * `:memory:` be one database. A transaction (or batch) holds the connection,
 * so queries from outside it wait until it ends. Inside
 * `db.transaction(async (tx) => ...)` use `tx`, not `db`: a query on `db`
 * would wait for ever for the transaction it is part of, so it fails at once
 * with a DriverError instead.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client, InValue, ResultSet, Transaction } from '@libsql/client';
import { resolveTimeouts, type ConnectSettings, type Driver, type Executor } from '../../src/engine/driver.js';
import { refuseWhenClosed } from '../../src/engine/closed.js';
import type { CompiledSql, SqlConnection, SqlDriverCore, SqlRows, StoredValues } from '../../src/engine/sql/core.js';
import { SqlExecutor } from '../../src/engine/sql/executor.js';
import { DriverError, PoolExhaustedError, ValidationError } from '../../src/errors.js';
import { loadPeer } from '../../src/peer.js';
import type { SqlStatement } from '../../src/plan/sql/ast.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { schemaDdl } from './ddl.js';
import { mapSqliteError } from './errors.js';
import { binder } from './params.js';
import { serializeCached, sqliteTarget } from './target.js';

export interface SqliteDriverOptions {
  /** A database file (created when missing, with its folder), or ':memory:' (the default). */
  filename?: string;
  /**
   * Bound on waiting for the one connection while a transaction or batch holds it (default
   * 60,000 ms; 0: none); a statement itself is not interrupted. createClient's requestTimeoutMs overrides it.
   */
  requestTimeoutMs?: number;
}

/** A JSON string (skipped as it is) or an integer too long for a double to hold exactly. */
const LONG_INTEGER = /"(?:[^"\\]|\\.)*"|(?<![\d.eE+-])-?\d{16,}(?![.eE\d])/g;

/**
 * A list's JSON text → its elements. A bigint list holds 64-bit integers as JSON numbers, which
 * JSON.parse would round to a double: integers of 16 digits or more are read as their digit
 * strings instead, which the field's decoder turns into exact bigints (or numbers, for a float).
 */
function parseList(text: string): unknown {
  return JSON.parse(text.replace(LONG_INTEGER, (m) => (m.startsWith('"') ? m : `"${m}"`)));
}

// Booleans are stored as 0/1; lists and json values as JSON text.
const STORED: StoredValues = {
  boolean: (v) => v === 1 || v === 1n || v === true,
  json: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
  list: (v) => (typeof v === 'string' ? parseList(v) : v),
};

const compiled = new WeakMap<SqlStatement, CompiledSql>();

function compile(stmt: SqlStatement): CompiledSql {
  let c = compiled.get(stmt);
  if (!c) {
    const { text, params } = serializeCached(stmt);
    c = { text, bind: binder(params), readOnly: stmt.kind === 'select' && stmt.with.every((w) => w.statement.kind === 'select') };
    compiled.set(stmt, c);
  }
  return c;
}

/**
 * Integers arrive as BigInt (intMode 'bigint', so a bigint column keeps every digit); those a
 * number holds exactly become numbers, which is what counts, ints and booleans decode from.
 */
function rowsOf(r: ResultSet): SqlRows {
  const cols = r.columns;
  const rows = r.rows.map((raw) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < cols.length; i++) {
      const v = raw[i];
      row[cols[i]] = typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    }
    return row;
  });
  return { rows, rowCount: Math.max(rows.length, r.rowsAffected) };
}

interface Executable {
  execute(stmt: { sql: string; args: InValue[] }): Promise<ResultSet>;
}

async function exec(on: Executable, sql: CompiledSql, values: unknown[]): Promise<SqlRows> {
  return rowsOf(await on.execute({ sql: sql.text, args: values as InValue[] }));
}

/** Which client's transaction the current async context runs in (see the module comment). */
interface OpenTransaction {
  readonly client: Client;
  open: boolean;
}
const inside = new AsyncLocalStorage<OpenTransaction>();

function refuseInsideOwnTransaction(client: Client): void {
  const t = inside.getStore();
  if (t && t.open && t.client === client) {
    throw new DriverError(
      'sqlite',
      'this query runs on the client inside its own db.transaction(...) callback: the SQLite connection is held by that transaction, so it would wait for ever. Use the transaction client (the callback’s tx argument) instead.',
    );
  }
}

/**
 * One holder of the connection at a time: a statement, or a whole transaction. The wait for
 * the turn is bounded by `waitMs` (requestTimeoutMs; 0: no bound), as a pooled driver bounds
 * the wait for a free connection: a query queued behind a long transaction fails with a
 * PoolExhaustedError instead of waiting for ever. The statement itself is not bounded: it runs
 * in the process, on this thread, where no timer fires until it returns.
 */
class Turns {
  private tail: Promise<void> = Promise.resolve();
  async run<T>(fn: () => Promise<T>, waitMs = 0): Promise<T> {
    const before = this.tail;
    let done!: () => void;
    this.tail = new Promise<void>((r) => (done = r));
    if (waitMs > 0 && !(await waitFor(before, waitMs))) {
      // Never held: the next in line still waits for the holder before this one.
      void before.then(done);
      throw new PoolExhaustedError(
        'sqlite',
        1,
        `the one SQLite connection did not come free within ${waitMs} ms (requestTimeoutMs): a transaction or batch holds it. Keep transactions short, or raise requestTimeoutMs (0: no bound).`,
      );
    }
    try {
      await before;
      return await fn();
    } finally {
      done();
    }
  }
}

/** Whether `p` settles within `ms`. */
async function waitFor(p: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([p.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

class SqliteCore implements SqlDriverCore {
  readonly driver = 'sqlite' as const;
  readonly values = STORED;

  constructor(
    private readonly client: Client,
    private readonly turns: Turns,
    private readonly waitMs: number,
  ) {}

  compile(stmt: SqlStatement): CompiledSql {
    return compile(stmt);
  }

  connection(): SqlConnection {
    return {
      query: (sql, values) => {
        refuseInsideOwnTransaction(this.client);
        return this.turns.run(() => exec(this.client, sql, values), this.waitMs);
      },
    };
  }

  transaction<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T> {
    refuseInsideOwnTransaction(this.client);
    return this.turns.run(() => withTransaction(this.client, (tx) => fn({ query: (sql, values) => exec(tx, sql, values) })), this.waitMs);
  }

  mapError(e: unknown, schema: SchemaDef, model: string | undefined): Error {
    return mapSqliteError(e, schema, model);
  }
}

/** BEGIN IMMEDIATE (the write lock up front, so two writers never deadlock on an upgrade), COMMIT or ROLLBACK. */
async function withTransaction<T>(client: Client, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  const tx = await client.transaction('write');
  const open: OpenTransaction = { client, open: true };
  try {
    const result = await inside.run(open, () => fn(tx));
    await tx.commit();
    return result;
  } catch (e) {
    if (!tx.closed) await tx.rollback();
    throw e;
  } finally {
    open.open = false;
    tx.close();
  }
}

/** ':memory:' as is; a path as a file: URL (libsql takes URLs), its folder created. */
export function urlOf(filename: string): string {
  if (filename === ':memory:') return ':memory:';
  const path = resolve(filename);
  mkdirSync(dirname(path), { recursive: true });
  return pathToFileURL(path).href;
}

function checkFilename(filename: unknown): string {
  if (filename === undefined) return ':memory:';
  if (typeof filename !== 'string' || filename === '') throw new ValidationError('sqlite.filename', "expected a file path or ':memory:' (a non-empty string)");
  return filename;
}

function checkWaitMs(ms: unknown): number | undefined {
  if (ms === undefined) return undefined;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < 0 || ms > 2 ** 31 - 1)
    throw new ValidationError('sqlite.requestTimeoutMs', 'expected a whole number of milliseconds between 0 (no bound) and 2147483647');
  return ms;
}

class SqliteDriver implements Driver {
  readonly name = 'sqlite' as const;
  readonly target = sqliteTarget;
  private client: Client | null = null;
  private opening: Promise<Client> | null = null;
  private readonly turns = new Turns();
  private readonly filename: string;
  private readonly requestTimeoutMs: number | undefined;
  private closed = false;

  constructor(opts: SqliteDriverOptions) {
    this.filename = checkFilename(opts.filename);
    this.requestTimeoutMs = checkWaitMs(opts.requestTimeoutMs);
  }

  get raw(): Client | null {
    return this.client;
  }

  private open(): Promise<Client> {
    if (this.client) return Promise.resolve(this.client);
    this.opening ??= (async () => {
      const { createClient } = await loadPeer('@libsql/client', 'sqlite() from quern/sqlite', () => import('@libsql/client'));
      let client: Client;
      try {
        // One connection (see the module comment); integers as BigInt so none loses digits.
        client = createClient({ url: urlOf(this.filename), intMode: 'bigint', concurrency: 1 });
        await client.execute('PRAGMA foreign_keys = ON');
        await client.execute('PRAGMA busy_timeout = 5000');
      } catch (e) {
        throw new DriverError('sqlite', `could not open SQLite database ${this.filename}: ${e instanceof Error ? e.message : String(e)}`, e);
      }
      this.client = client;
      return client;
    })();
    this.opening.catch(() => {
      this.opening = null;
    });
    return this.opening;
  }

  async connect(_schema: SchemaDef, settings?: Partial<ConnectSettings>): Promise<Executor> {
    const client = await this.open();
    // Nothing to connect to (connectTimeoutMs has no use); requestTimeoutMs bounds the wait for the connection.
    const { requestTimeoutMs } = resolveTimeouts(settings, { requestTimeoutMs: this.requestTimeoutMs });
    return refuseWhenClosed(new SqlExecutor(new SqliteCore(client, this.turns, requestTimeoutMs)), () => this.closed, 'sqlite');
  }

  async push(schema: SchemaDef): Promise<void> {
    const client = await this.open();
    try {
      await this.turns.run(() =>
        withTransaction(client, async (tx) => {
          for (const sql of schemaDdl(schema)) await tx.execute(sql);
        }),
      );
    } catch (e) {
      throw mapSqliteError(e, schema, undefined);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.client && !this.client.closed) this.client.close();
  }
}

export function sqlite(opts: SqliteDriverOptions = {}): Driver {
  return new SqliteDriver(opts);
}
