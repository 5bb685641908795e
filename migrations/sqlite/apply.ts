/**
 * Applying migration.sqlite.sql files to a SQLite database file.
 *
 * - The lock is SQLite's own write lock: each migration runs in a `BEGIN IMMEDIATE`
 *   transaction, which a second writer cannot start until the first commits (SQLite has no
 *   advisory locks). A second apply polls for it (printing who it waits for once) and gives
 *   up after the lock timeout. Between two migrations another apply may take its turn: each
 *   transaction re-reads the migration's ledger row first, so none is applied twice.
 * - A migration and its ledger row commit together. SQLite DDL is transactional, so a
 *   crashed apply leaves the migration simply not applied, and the next apply runs it whole.
 * - Table rebuilds need `PRAGMA foreign_keys = OFF` (set outside the transaction: SQLite
 *   ignores it inside one); `PRAGMA foreign_key_check` runs before COMMIT instead.
 * - `_quern_migrations` records each migration with the checksum of its file, as on PostgreSQL.
 */
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Client, InValue, Transaction } from '@libsql/client';
import { loadPeer } from '../../src/peer.js';
import { quoteIdent } from '../../src/plan/sql/writer.js';
import { urlOf } from '../../drivers/sqlite/driver.js';
import type { ApplyOptions, ApplyResult } from '../../targets/types.js';
import type { SqliteConnection } from '../../targets/sqlite.js';
import { DestructiveChangeError, LockError, MigrationError } from '../errors.js';
import type { Migration } from '../folder.js';
import { crashPoint, migrationStatus, refuseModified, type LedgerRow, type StatusRow } from '../plan.js';
import type { Progress } from '../progress.js';
import { groupUnits } from '../postgres/sql-file.js';
import { sqliteFormat } from './format.js';

export const SQLITE_LEDGER = '_quern_migrations';

export const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ${quoteIdent(SQLITE_LEDGER)} (
  id TEXT PRIMARY KEY,
  checksum TEXT NOT NULL,
  units_done INTEGER NOT NULL,
  units_total INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  applied_by TEXT NOT NULL
)`;

/** How long a statement waits for another connection's lock (SQLite's busy timeout, as the driver's) before apply checks its own timeout. */
const BUSY_TIMEOUT_MS = 5000;

/** One connection (concurrency 1), so the PRAGMAs set on it hold for the transactions that follow. */
export async function openSqlite(conn: SqliteConnection): Promise<Client> {
  const { createClient } = await loadPeer('@libsql/client', 'quern migrate on SQLite', () => import('@libsql/client'));
  try {
    const client = createClient({ url: urlOf(conn.filename), intMode: 'number', concurrency: 1 });
    await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return client;
  } catch (e) {
    throw new MigrationError(`cannot open the SQLite database ${conn.filename}: ${(e as Error).message}`, 'check sqlite.filename in quern.config.ts (or --sqlite)');
  }
}

export async function withSqlite<T>(conn: SqliteConnection, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = await openSqlite(conn);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

type Executor = Pick<Client | Transaction, 'execute'>;

async function rows(c: Executor, sql: string, args: InValue[] = []): Promise<Record<string, unknown>[]> {
  return (await c.execute({ sql, args })).rows as unknown as Record<string, unknown>[];
}

/** Of `tables`, those that exist. */
export async function existingTables(c: Executor, tables: readonly string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const found = await rows(c, `SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (${tables.map(() => '?').join(', ')})`, [...tables]);
  const names = new Set(found.map((r) => String(r.name)));
  return tables.filter((t) => names.has(t));
}

const dateOf = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(String(v)));

export async function readLedger(c: Executor): Promise<LedgerRow[]> {
  if ((await existingTables(c, [SQLITE_LEDGER])).length === 0) return [];
  const r = await rows(c, `SELECT id, checksum, units_done, units_total, started_at, finished_at FROM ${quoteIdent(SQLITE_LEDGER)} ORDER BY id`);
  return r.map((x) => ({ id: String(x.id), checksum: String(x.checksum), done: Number(x.units_done), total: Number(x.units_total), startedAt: dateOf(x.started_at), finishedAt: dateOf(x.finished_at) }));
}

const sqliteChecksum = (m: Migration) => m.sqlite?.checksum;

/** What a migration's ledger row counts: its units, as on PostgreSQL (one transaction here, none for an empty file). */
export const unitsOf = (m: Migration) => groupUnits(m.sqlite!.statements).length;

/** A database file that is not there yet: reading it must not create it (status, check). */
export const missingFile = (conn: SqliteConnection) => conn.filename !== ':memory:' && !existsSync(conn.filename);

export async function statusSqlite(conn: SqliteConnection, migrations: readonly Migration[]): Promise<StatusRow[]> {
  if (missingFile(conn)) return migrationStatus(migrations, [], sqliteChecksum);
  return withSqlite(conn, async (c) => migrationStatus(migrations, await readLedger(c), sqliteChecksum));
}

export async function recordApplied(c: Executor, m: Migration, by: string): Promise<void> {
  const total = unitsOf(m);
  const now = new Date().toISOString();
  await c.execute({
    sql: `INSERT INTO ${quoteIdent(SQLITE_LEDGER)} (id, checksum, units_done, units_total, started_at, finished_at, applied_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    args: [m.id, m.sqlite!.checksum, total, total, now, now, by],
  });
}

const isBusy = (e: unknown) => /SQLITE_BUSY|database is locked/i.test(`${(e as { code?: string }).code ?? ''} ${(e as Error).message ?? ''}`);

/** The write lock: a `BEGIN IMMEDIATE` transaction (each attempt waits the busy timeout), retried until `timeoutMs`. */
async function lockedTransaction(c: Client, progress: Progress, timeoutMs: number): Promise<Transaction> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      return await c.transaction('write');
    } catch (e) {
      if (!isBusy(e)) throw e;
    }
    if (!told) {
      progress.info('waiting for another `quern migrate apply` (or another writer) to release the SQLite database…');
      told = true;
    }
    if (Date.now() - started > timeoutMs) {
      throw new LockError(`another writer has held the SQLite database's write lock for over ${Math.round(timeoutMs / 1000)} s`, 'wait for it to finish (check `quern migrate status`), or raise --lock-timeout');
    }
  }
}

export async function applySqlite(opts: ApplyOptions<SqliteConnection>): Promise<ApplyResult> {
  const { progress } = opts;
  return withSqlite(opts.connection, async (c) => {
    const applied: string[] = [];
    const status = migrationStatus(opts.migrations, await readLedger(c), sqliteChecksum);
    refuseModified(status, 'SQLite', (m) => m.sqlite!.path);
    const todo = status.filter((s) => s.state === 'pending' || s.state === 'partial');
    const skipped = status.filter((s) => s.state === 'applied').map((s) => s.id);
    if (opts.dryRun) {
      for (const s of todo) {
        progress.info(`-- would apply ${s.id} (in one transaction)`);
        for (const st of s.migration!.sqlite!.statements) progress.info(`${st.destructive ? `-- DESTRUCTIVE: ${st.destructive}\n` : ''}${st.sql};`);
        applied.push(s.id);
      }
      return { applied, skipped };
    }
    for (const s of status) if (s.state === 'missing') progress.warn(`${s.id} is recorded as applied on SQLite but is not in the migrations folder`);
    const destructive = todo.flatMap((s) => sqliteFormat.pendingDestructive(s.migration!, s.migration!.sqlite!, 0));
    if (destructive.length && !opts.allowDestructive) throw new DestructiveChangeError(destructive, 'apply');
    if (todo.length === 0) progress.info('SQLite: nothing to apply');
    await c.execute(LEDGER_DDL);
    for (const s of todo) {
      if (await applyOne(c, s.migration!, progress, opts.lockTimeoutMs ?? 600_000)) applied.push(s.id);
      else skipped.push(s.id);
    }
    return { applied, skipped };
  });
}

/** Runs one migration and records it, in one transaction; false when another apply did it first. */
async function applyOne(c: Client, m: Migration, progress: Progress, lockTimeoutMs: number): Promise<boolean> {
  const statements = m.sqlite!.statements;
  await c.execute('PRAGMA foreign_keys = OFF');
  const tx = await lockedTransaction(c, progress, lockTimeoutMs);
  try {
    if ((await rows(tx, `SELECT 1 FROM ${quoteIdent(SQLITE_LEDGER)} WHERE id = ?`, [m.id])).length) {
      await tx.rollback();
      return false;
    }
    const task = progress.task(`${m.id} (sqlite)`, statements.length);
    let ran = 0;
    for (const st of statements) {
      await run(tx, m, st.sql, st.line);
      task.update(++ran, statements.length);
    }
    await checkForeignKeys(tx, m);
    await recordApplied(tx, m, `${hostname()}:${process.pid}`);
    crashPoint(`sqlite:${m.id}:before-commit`);
    await tx.commit();
    task.finish(statements.length ? `applied (${statements.length} statement${statements.length === 1 ? '' : 's'})` : 'nothing to run (recorded)');
    return true;
  } catch (e) {
    if (!tx.closed) await tx.rollback().catch(() => undefined);
    throw e;
  } finally {
    tx.close();
    await c.execute('PRAGMA foreign_keys = ON').catch(() => undefined);
  }
}

/** With foreign keys off during the rebuilds, this is where a row pointing at nothing is found. */
async function checkForeignKeys(tx: Transaction, m: Migration): Promise<void> {
  const bad = await rows(tx, 'PRAGMA foreign_key_check');
  if (bad.length === 0) return;
  const where = [...new Set(bad.map((r) => `${String(r.table)} → ${String(r.parent)}`))].join(', ');
  throw new MigrationError(
    `${m.id}: ${m.sqlite!.path} leaves ${bad.length} row${bad.length === 1 ? '' : 's'} pointing at missing rows (${where}); the migration was rolled back`,
    'delete or fix those rows (PRAGMA foreign_key_check lists them), then run `quern migrate apply` again',
  );
}

async function run(tx: Transaction, m: Migration, sql: string, line: number): Promise<void> {
  try {
    await tx.execute(sql);
  } catch (e) {
    const message = (e as Error).message;
    throw new MigrationError(
      `${m.id}: ${m.sqlite!.path} line ${line} failed on SQLite: ${message}\n  statement: ${sql.split('\n')[0]}${sql.includes('\n') ? ' …' : ''}`,
      /already exists/.test(message)
        ? 'the database already has this schema object: if it was created by `quern db push`, run `quern migrate baseline` to record the migrations it already matches as applied (see `quern migrate status`); the migration was rolled back'
        : 'the migration was rolled back and nothing of it ran; fix the data or the migration (if it was never applied anywhere), then run `quern migrate apply` again',
    );
  }
}
