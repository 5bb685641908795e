/**
 * Applying migration.sql files to PostgreSQL.
 *
 * - One session holds `pg_advisory_lock` for the whole run: a second apply
 *   waits (polling pg_try_advisory_lock, so it never holds a snapshot that a
 *   CREATE INDEX CONCURRENTLY would wait on) or gives up after the lock timeout.
 * - Each transactional unit runs in a transaction together with its ledger
 *   update, so a crash leaves the migration either before or after the unit.
 *   Statements that cannot run in a transaction are units of their own; an
 *   interrupted CREATE INDEX CONCURRENTLY leaves an INVALID index, which is
 *   dropped before the statement is retried.
 * - `_quern_migrations` records each migration with the checksum of its file.
 */
import { hostname } from 'node:os';
import { quoteIdent } from '../../drivers/postgres/serialize.js';
import { DestructiveChangeError, LockError, MigrationError } from '../errors.js';
import type { Migration } from '../folder.js';
import { crashPoint, migrationStatus, refuseModified as refuseModifiedIn, type LedgerRow, type StatusRow } from '../plan.js';
import type { Progress } from '../progress.js';
import { groupUnits, type SqlUnit } from './sql-file.js';
import { openSession, type SqlSession } from './session.js';
import type { SqlConnection } from '../connections.js';
import type { ApplyResult } from '../../targets/types.js';
import { postgresFormat } from './format.js';

export const PG_LEDGER = '_quern_migrations';
/** Arbitrary but fixed: every quern apply against a database contends for this advisory lock. */
const LOCK_KEY = '7239017452011';

export const LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ${quoteIdent(PG_LEDGER)} (
  id text PRIMARY KEY,
  checksum text NOT NULL,
  units_done integer NOT NULL,
  units_total integer NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  applied_by text NOT NULL
)`;

export interface PgApplyOptions {
  readonly connection: SqlConnection;
  readonly migrations: readonly Migration[];
  readonly allowDestructive?: boolean;
  readonly dryRun?: boolean;
  readonly progress: Progress;
  /** How long to wait for another apply's lock; default 10 minutes. */
  readonly lockTimeoutMs?: number;
}


async function ledgerExists(c: SqlSession): Promise<boolean> {
  const r = await c.query('SELECT to_regclass($1) IS NOT NULL AS present', [quoteIdent(PG_LEDGER)]);
  return r.rows[0].present === true;
}

export async function readLedger(c: SqlSession): Promise<LedgerRow[]> {
  if (!(await ledgerExists(c))) return [];
  const r = await c.query(`SELECT id, checksum, units_done, units_total, started_at, finished_at FROM ${quoteIdent(PG_LEDGER)} ORDER BY id`);
  return r.rows.map((x) => ({ id: x.id, checksum: x.checksum, done: x.units_done, total: x.units_total, startedAt: x.started_at, finishedAt: x.finished_at }));
}

const pgChecksum = (m: Migration) => m.postgres?.checksum;

export async function statusPostgres(conn: SqlConnection, migrations: readonly Migration[]): Promise<StatusRow[]> {
  const c = await openSession(conn);
  try {
    return migrationStatus(migrations, await readLedger(c), pgChecksum);
  } finally {
    await c.end();
  }
}

async function acquireLock(c: SqlSession, progress: Progress, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let told = false;
  for (;;) {
    const r = await c.query('SELECT pg_try_advisory_lock($1::bigint) AS ok', [LOCK_KEY]);
    if (r.rows[0].ok) return;
    if (!told) {
      const holder = await c.query(
        `SELECT l.pid, a.application_name, a.backend_start FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND ((l.classid::bigint << 32) | l.objid::bigint) = $1::bigint`, [LOCK_KEY]);
      const h = holder.rows[0];
      progress.info(`waiting for another \`quern migrate apply\`${h ? ` (PostgreSQL backend pid ${h.pid})` : ''} to finish…`);
      told = true;
    }
    if (Date.now() - started > timeoutMs) {
      throw new LockError(`another \`quern migrate apply\` has held the migration lock for over ${Math.round(timeoutMs / 1000)} s`, 'wait for it to finish (check `quern migrate status`), or raise --lock-timeout');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}


export async function applyPostgres(opts: PgApplyOptions): Promise<ApplyResult> {
  const { progress } = opts;
  const c = await openSession(opts.connection);
  const applied: string[] = [];
  const skipped: string[] = [];
  try {
    if (opts.dryRun) {
      const status = migrationStatus(opts.migrations, await readLedger(c), pgChecksum);
      refuseModified(status);
      for (const s of status) {
        if (s.state !== 'pending' && s.state !== 'partial') continue;
        const units = groupUnits(s.migration!.postgres!.statements);
        const from = s.row?.done ?? 0;
        progress.info(`-- would apply ${s.id}${from ? ` from unit ${from + 1}/${units.length}` : ''}`);
        for (const u of units.slice(from)) {
          for (const st of u.statements) progress.info(`${u.transactional ? '' : '-- (outside a transaction)\n'}${st.destructive ? `-- DESTRUCTIVE: ${st.destructive}\n` : ''}${st.sql};`);
        }
        applied.push(s.id);
      }
      return { applied, skipped };
    }

    await acquireLock(c, progress, opts.lockTimeoutMs ?? 600_000);
    try {
      await c.query(LEDGER_DDL);
      const status = migrationStatus(opts.migrations, await readLedger(c), pgChecksum);
      refuseModified(status);
      for (const s of status) if (s.state === 'missing') progress.warn(`${s.id} is recorded as applied on PostgreSQL but is not in the migrations folder`);
      const todo = status.filter((s) => s.state === 'pending' || s.state === 'partial');
      const destructive = todo.flatMap((s) => postgresFormat.pendingDestructive(s.migration!, s.migration!.postgres!, s.row?.done ?? 0));
      if (destructive.length && !opts.allowDestructive) throw new DestructiveChangeError(destructive, 'apply');
      if (todo.length === 0) progress.info('PostgreSQL: nothing to apply');
      for (const s of todo) {
        await applyOne(c, s.migration!, s.row, progress);
        applied.push(s.id);
      }
      skipped.push(...status.filter((s) => s.state === 'applied').map((s) => s.id));
    } finally {
      await c.query('SELECT pg_advisory_unlock($1::bigint)', [LOCK_KEY]).catch(() => undefined);
    }
    return { applied, skipped };
  } finally {
    await c.end().catch(() => undefined);
  }
}

const refuseModified = (status: readonly StatusRow[]) => refuseModifiedIn(status, 'PostgreSQL', (m) => m.postgres!.path);

const INVALID_INDEX_TARGET = /^CREATE\s+(?:UNIQUE\s+)?INDEX\s+CONCURRENTLY\s+(?:IF\s+NOT\s+EXISTS\s+)?("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)/i;

async function applyOne(c: SqlSession, m: Migration, row: LedgerRow | undefined, progress: Progress): Promise<void> {
  const units = groupUnits(m.postgres!.statements);
  const total = units.length;
  const from = row?.done ?? 0;
  const statements = units.reduce((n, u) => n + u.statements.length, 0);
  const task = progress.task(`${m.id} (postgres)`, statements);
  let ran = units.slice(0, from).reduce((n, u) => n + u.statements.length, 0);
  const record = async (done: number) => {
    await c.query(
      `INSERT INTO ${quoteIdent(PG_LEDGER)} (id, checksum, units_done, units_total, finished_at, applied_by) VALUES ($1, $2, $3::int, $4::int, CASE WHEN $3::int = $4::int THEN now() END, $5)
       ON CONFLICT (id) DO UPDATE SET units_done = EXCLUDED.units_done, finished_at = EXCLUDED.finished_at`,
      [m.id, m.postgres!.checksum, done, total, `${hostname()}:${process.pid}`],
    );
  };
  if (total === 0) {
    await record(0);
    task.finish('nothing to run (recorded)');
    return;
  }
  for (let k = from; k < total; k++) {
    const unit = units[k];
    if (unit.transactional) {
      await c.query('BEGIN');
      try {
        for (const st of unit.statements) {
          await run(c, m, st.sql, st.line);
          task.update(++ran, statements);
        }
        await record(k + 1);
        crashPoint(`postgres:${m.id}:unit:${k}:before-commit`);
        await c.query('COMMIT');
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    } else {
      await runAlone(c, m, unit);
      crashPoint(`postgres:${m.id}:unit:${k}:before-record`);
      await record(k + 1);
      task.update(++ran, statements);
    }
    crashPoint(`postgres:${m.id}:unit:${k}:after`);
  }
  task.finish(`applied (${statements} statement${statements === 1 ? '' : 's'})`);
}

async function runAlone(c: SqlSession, m: Migration, unit: SqlUnit): Promise<void> {
  const st = unit.statements[0];
  const ix = INVALID_INDEX_TARGET.exec(st.sql);
  if (ix) {
    // A CREATE INDEX CONCURRENTLY cut off half-way leaves an INVALID index of that name behind.
    const name = ix[1].startsWith('"') ? ix[1].slice(1, -1).replace(/""/g, '"') : ix[1].toLowerCase();
    const r = await c.query(
      `SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1 AND pg_table_is_visible(c.oid) AND NOT i.indisvalid`, [name]);
    if (r.rows.length) await run(c, m, `DROP INDEX CONCURRENTLY IF EXISTS ${quoteIdent(name)}`, st.line);
  }
  await run(c, m, st.sql, st.line);
}

async function run(c: SqlSession, m: Migration, sql: string, line: number): Promise<void> {
  try {
    await c.query(sql);
  } catch (e) {
    const err = e as Error & { code?: string; detail?: string };
    // 42P07/42710: the object exists. After `db push` the first migration meets its own tables.
    const exists = err.code === '42P07' || err.code === '42710';
    throw new MigrationError(
      `${m.id}: ${m.postgres!.path} line ${line} failed on PostgreSQL: ${err.message}${err.detail ? ` (${err.detail})` : ''}\n  statement: ${sql.split('\n')[0]}${sql.includes('\n') ? ' …' : ''}`,
      exists
        ? 'the database already has this schema object: if it was created by `quern db push`, run `quern migrate baseline` to record the migrations it already matches as applied (see `quern migrate status`); this step was rolled back'
        : 'this migration step was rolled back and nothing after it ran; fix the data or the migration (if it was never applied anywhere), then run `quern migrate apply` again',
    );
  }
}
