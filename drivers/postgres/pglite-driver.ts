/**
 * `pglite()`: PostgreSQL compiled to WebAssembly, in process, via
 * @electric-sql/pglite. Same dialect, same statements and same decoding as
 * the pg driver. In memory unless `dataDir` is given.
 *
 * Starting an instance costs seconds, so it starts lazily (on connect or
 * push) and tests should share one through `{ instance }` (an instance
 * passed in is never closed by this driver).
 *
 * PGlite is one session: while a transaction (or batch) runs, every other
 * query waits for it. Inside `db.transaction(async (tx) => ...)` use `tx`,
 * not `db`: a query on `db` would wait for ever for the transaction it is
 * part of, so it fails at once with a DriverError instead (see `inside`).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';
import { DriverError, ValidationError } from '../../src/errors.js';
import { loadPeer } from '../../src/peer.js';
import type { Driver, Executor } from '../../src/engine/driver.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { CompiledSql, SqlConnection, SqlDriverCore, SqlRows } from '../../src/engine/sql/core.js';
import { SqlExecutor } from '../../src/engine/sql/executor.js';
import { refuseWhenClosed } from '../../src/engine/closed.js';
import type { SqlStatement } from '../../src/plan/sql/ast.js';
import { compileStatement } from './compile.js';
import { pushSchema } from './ddl.js';
import { mapPgError } from './errors.js';
import { pgliteTarget } from './target.js';
import { RESULT_PARSERS } from './types.js';

export interface PgliteDriverOptions {
  /** Directory to persist the database in (default: in memory). */
  dataDir?: string;
  /** An existing instance to use (shared across clients or tests). Not closed by `close()`. */
  instance?: PgliteInstance;
  /**
   * A data directory to start from: a tarball made by PGlite's `dumpDataDir()` (a Blob). A fresh
   * in-memory database runs initdb in WebAssembly, several seconds of CPU; loading a dump of an
   * empty cluster skips it, so many short-lived databases (one per test file) start cheaply.
   */
  loadDataDir?: Blob;
}

/**
 * A PGlite instance, typed by the members quern uses. Structural on purpose: quern's published
 * types must not import PGlite's, which do not type-check with `skipLibCheck: false` and would
 * burden apps that never install PGlite.
 */
export interface PgliteInstance {
  readonly waitReady: Promise<void>;
  readonly closed: boolean;
  // eslint-style `any`: PGlite's own generic signatures must stay assignable here.
  query(sql: string, params?: any[], options?: any): Promise<unknown>;
  transaction(fn: (tx: any) => Promise<any>): Promise<unknown>;
  close(): Promise<void>;
}

const QUERY_OPTIONS: QueryOptions = { parsers: RESULT_PARSERS };

function rowsOf(r: Results<Record<string, unknown>>): SqlRows {
  return { rows: r.rows, rowCount: r.rowCount ?? r.affectedRows ?? r.rows.length };
}

type Queryable = Pick<PGlite, 'query'> | Transaction;

/**
 * Which PGlite instance's transaction callback the current async context runs in. A query on the
 * root client from there can never run (the session is held until the callback returns), so it
 * is refused instead of hanging. `open` turns false when the transaction ends: work the callback
 * started but did not await may query the root client afterwards.
 */
interface OpenTransaction {
  readonly db: PGlite;
  open: boolean;
}
const inside = new AsyncLocalStorage<OpenTransaction>();

function refuseInsideOwnTransaction(db: PGlite): void {
  const t = inside.getStore();
  if (t && t.open && t.db === db) {
    throw new DriverError(
      'pglite',
      "this query runs on the client inside its own db.transaction(...) callback: PGlite has one session, held by that transaction, so it would wait for ever. Use the transaction client (the callback's tx argument) instead.",
    );
  }
}

// PGlite merges per-query parsers into its whole parser table on every call, which
// costs more than the query itself for key lookups. Instances this driver creates get
// the parsers once at construction; instances passed in need them per query.
function connectionOf(q: Queryable, perQuery: boolean, root: PGlite | null): SqlConnection {
  const options = perQuery ? QUERY_OPTIONS : undefined;
  return {
    query: async (sql: CompiledSql, values: unknown[]) => {
      if (root) refuseInsideOwnTransaction(root);
      return rowsOf(await q.query<Record<string, unknown>>(sql.text, values, options));
    },
  };
}

class PgliteCore implements SqlDriverCore {
  readonly driver = 'pglite' as const;
  constructor(
    private readonly db: PGlite,
    private readonly perQueryParsers = true,
  ) {}
  compile(stmt: SqlStatement): CompiledSql {
    return compileStatement(stmt);
  }
  connection(): SqlConnection {
    return connectionOf(this.db, this.perQueryParsers, this.db);
  }
  async transaction<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T> {
    refuseInsideOwnTransaction(this.db);
    // PGlite runs one transaction at a time and holds other queries until it ends.
    const open: OpenTransaction = { db: this.db, open: true };
    try {
      return await this.db.transaction((tx) => inside.run(open, () => fn(connectionOf(tx, this.perQueryParsers, null))));
    } finally {
      open.open = false;
    }
  }
  mapError(e: unknown, schema: SchemaDef, model: string | undefined): Error {
    return mapPgError(e, schema, model, 'pglite');
  }
}

/** The SQL driver core over a PGlite instance (to build a SqlExecutor directly). */
export function pgliteCore(db: PgliteInstance): SqlDriverCore {
  return new PgliteCore(db as unknown as PGlite);
}

class PgliteDriver implements Driver {
  readonly name = 'pglite' as const;
  readonly target = pgliteTarget;
  private db: PGlite | null;
  private starting: Promise<PGlite> | null = null;
  private readonly owned: boolean;
  private closed = false;

  constructor(private readonly opts: PgliteDriverOptions) {
    this.db = (opts.instance as unknown as PGlite | undefined) ?? null;
    this.owned = !opts.instance;
  }

  get raw(): PGlite | null {
    return this.db;
  }

  private instance(): Promise<PGlite> {
    if (this.db) return this.db.waitReady.then(() => this.db!);
    this.starting ??= (async () => {
      const dataDir = this.opts.dataDir;
      if (dataDir !== undefined) checkDataDir(dataDir);
      const loadDataDir = this.opts.loadDataDir;
      if (loadDataDir !== undefined && !(loadDataDir instanceof Blob))
        throw new ValidationError('pglite.loadDataDir', "expected a Blob (the tarball PGlite's dumpDataDir() returns)");
      const { PGlite } = await loadPeer('@electric-sql/pglite', 'pglite() from quern/postgres', () => import('@electric-sql/pglite'));
      if (dataDir) ensureDataDirParent(dataDir);
      let db: PGlite;
      try {
        db = new PGlite({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}), parsers: RESULT_PARSERS });
        await db.waitReady;
      } catch (e) {
        // PGlite's file system layer rejects with Emscripten errno objects that are not Errors.
        const why = e instanceof Error ? e.message : `${(e as { name?: string })?.name ?? 'error'} ${(e as { errno?: number })?.errno ?? String(e)}`;
        throw new DriverError('pglite', `could not start PGlite${dataDir ? ` in dataDir ${dataDir}` : ''}: ${why}`, e);
      }
      this.db = db;
      return db;
    })();
    // A failed start can be retried (after fixing the directory) instead of failing for ever.
    this.starting.catch(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async connect(_schema: SchemaDef): Promise<Executor> {
    const db = await this.instance();
    return refuseWhenClosed(new SqlExecutor(new PgliteCore(db, !this.owned)), () => this.closed, 'pglite');
  }

  async push(schema: SchemaDef): Promise<void> {
    const db = await this.instance();
    try {
      await db.transaction((tx) => pushSchema(schema, (sql, params) => tx.query<Record<string, unknown>>(sql, params)));
    } catch (e) {
      throw mapPgError(e, schema, undefined, 'pglite');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.owned && this.db && !this.db.closed) await this.db.close();
  }
}

/** `dataDir` must be a directory, or not exist yet (PGlite creates it): checked before PGlite touches it. */
function checkDataDir(dataDir: unknown): void {
  if (typeof dataDir !== 'string' || dataDir === '') throw new ValidationError('pglite.dataDir', 'expected a directory path (a non-empty string)');
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(dataDir, { throwIfNoEntry: false });
  } catch (e) {
    throw new ValidationError('pglite.dataDir', `cannot inspect ${dataDir}: ${(e as Error).message}`);
  }
  if (st && !st.isDirectory())
    throw new ValidationError('pglite.dataDir', `${dataDir} exists and is not a directory; pass a directory (PGlite creates it when missing)`);
}

/** PGlite creates its data directory but not the folders above it (./.quern/pglite on a fresh checkout). */
export function ensureDataDirParent(dataDir: string): void {
  if (/^[a-z]+:\/\//.test(dataDir)) return; // memory://, idb://: not a path
  mkdirSync(dirname(dataDir), { recursive: true });
}

export function pglite(opts: PgliteDriverOptions = {}): Driver {
  return new PgliteDriver(opts);
}
