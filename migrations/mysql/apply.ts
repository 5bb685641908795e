/**
 * Applying migration.mysql.sql files to MySQL/MariaDB.
 *
 * MySQL's DDL is not transactional: every CREATE, ALTER or DROP commits on its own. So each
 * statement is a unit, and the ledger (`_quern_migrations`) records each unit done right after
 * it ran. The row is written (0 units done) before the first statement, so an apply cut off
 * anywhere leaves the migration `partial`, and the next apply resumes at the first unit not
 * recorded. A crash between a statement and its record re-runs that statement: when the
 * server answers that its work is already there (the column exists, the index is gone, …),
 * the unit is recorded as done instead of failing. Single DDL statements are atomic on
 * MySQL 8 and MariaDB 10.6+, so a unit is either all there or not at all.
 *
 * One session holds `GET_LOCK` (named after the database) for the whole run: a second apply
 * waits, polling, or gives up after the lock timeout. The server releases the lock when the
 * session ends, so a killed apply never leaves it held.
 */
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { ApplyOptions, ApplyResult } from '../../targets/types.js';
import { DestructiveChangeError, LockError, MigrationError } from '../errors.js';
import type { Migration } from '../folder.js';
import { crashPoint, migrationStatus, refuseModified, type LedgerRow, type StatusRow } from '../plan.js';
import type { Progress } from '../progress.js';
import type { SqlStatement } from '../postgres/sql-file.js';
import { quoteIdent as q } from '../../drivers/mysql/serialize.js';
import { pendingMysqlDestructive } from './format.js';
import { openMysqlSession, type MysqlMigrateConnection, type MysqlServerError, type MysqlSession } from './session.js';

export const MYSQL_LEDGER = '_quern_migrations';

export const MYSQL_LEDGER_DDL = `CREATE TABLE IF NOT EXISTS ${q(MYSQL_LEDGER)} (
  id varchar(255) NOT NULL PRIMARY KEY,
  checksum char(64) NOT NULL,
  units_done integer NOT NULL,
  units_total integer NOT NULL,
  started_at datetime(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  finished_at datetime(3) NULL,
  applied_by varchar(255) NOT NULL
)`;

/**
 * Server answers meaning "what this statement does is already done": the object it creates
 * exists, or the one it drops or renames is gone. Only accepted for the first unit of a
 * resumed migration, the one a crash may have cut off between running and recording it.
 */
const ALREADY_DONE = new Map<number, string>([
  [1050, 'the table exists'],
  [1051, 'the table is gone'],
  [1060, 'the column exists'],
  [1061, 'the index exists'],
  [1068, 'the primary key exists'],
  [1091, 'the column, index or constraint is gone'],
  [1176, 'the index is already renamed'],
  [1054, 'the column is already renamed'],
  [1146, 'the table is already renamed'],
  [1826, 'the constraint exists'],
  [3822, 'the check constraint exists'],
]);

/** Why `err` says the statement's work is already there, if it does. */
function alreadyDone(err: MysqlServerError): string | undefined {
  // MariaDB reports a foreign key name in use as "can't create table (errno: 121 …)".
  if (err.errno === 1005 && /errno: 121\b/.test(err.message)) return 'the foreign key exists';
  return err.errno !== undefined ? ALREADY_DONE.get(err.errno) : undefined;
}

export function mysqlUnits(m: Migration): readonly SqlStatement[] {
  return m.mysql!.statements;
}

const mysqlChecksum = (m: Migration) => m.mysql?.checksum;
const fileOf = (m: Migration) => m.mysql!.path;

async function ledgerExists(s: MysqlSession): Promise<boolean> {
  const r = await s.query('SELECT 1 AS present FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [MYSQL_LEDGER]);
  return r.length > 0;
}

export async function readMysqlLedger(s: MysqlSession): Promise<LedgerRow[]> {
  if (!(await ledgerExists(s))) return [];
  const rows = await s.query(`SELECT id, checksum, units_done, units_total, started_at, finished_at FROM ${q(MYSQL_LEDGER)} ORDER BY id`);
  return rows.map((x) => ({ id: x.id, checksum: x.checksum, done: Number(x.units_done), total: Number(x.units_total), startedAt: x.started_at ?? null, finishedAt: x.finished_at ?? null }));
}

/** Of `tables`, those that exist in the connection's database. */
export async function existingMysqlTables(s: MysqlSession, tables: readonly string[]): Promise<string[]> {
  if (tables.length === 0) return [];
  const rows = await s.query('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN (?)', [[...tables]]);
  const found = new Set(rows.map((r) => String(r.t)));
  return tables.filter((t) => found.has(t));
}

export async function withMysqlSession<T>(conn: MysqlMigrateConnection, fn: (s: MysqlSession) => Promise<T>): Promise<T> {
  const s = await openMysqlSession(conn);
  try {
    return await fn(s);
  } finally {
    await s.end().catch(() => undefined);
  }
}

export function statusMysql(conn: MysqlMigrateConnection, migrations: readonly Migration[]): Promise<StatusRow[]> {
  return withMysqlSession(conn, async (s) => migrationStatus(migrations, await readMysqlLedger(s), mysqlChecksum));
}

/** GET_LOCK names are server-wide (at most 64 characters): one per database. */
async function lockName(s: MysqlSession): Promise<string> {
  const [{ db }] = await s.query('SELECT DATABASE() AS db');
  return `quern_migrate_${createHash('sha256').update(String(db)).digest('hex').slice(0, 40)}`;
}

async function acquireLock(s: MysqlSession, name: string, progress: Progress, timeoutMs: number): Promise<void> {
  const started = Date.now();
  let told = false;
  for (;;) {
    const [{ ok }] = await s.query('SELECT GET_LOCK(?, 0) AS ok', [name]);
    if (Number(ok) === 1) return;
    if (!told) {
      const [{ holder }] = await s.query('SELECT IS_USED_LOCK(?) AS holder', [name]);
      progress.info(`waiting for another \`quern migrate apply\`${holder ? ` (MySQL connection ${holder})` : ''} to finish…`);
      told = true;
    }
    if (Date.now() - started > timeoutMs) {
      throw new LockError(`another \`quern migrate apply\` has held the migration lock for over ${Math.round(timeoutMs / 1000)} s`, 'wait for it to finish (check `quern migrate status`), or raise --lock-timeout');
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

export async function applyMysql(opts: ApplyOptions<MysqlMigrateConnection>): Promise<ApplyResult> {
  const { progress } = opts;
  return withMysqlSession(opts.connection, async (s) => {
    const applied: string[] = [];
    const skipped: string[] = [];
    if (opts.dryRun) {
      const status = migrationStatus(opts.migrations, await readMysqlLedger(s), mysqlChecksum);
      refuseModified(status, 'MySQL', fileOf);
      for (const st of status) {
        if (st.state !== 'pending' && st.state !== 'partial') continue;
        const units = mysqlUnits(st.migration!);
        const from = st.row?.done ?? 0;
        progress.info(`-- would apply ${st.id}${from ? ` from unit ${from + 1}/${units.length}` : ''}`);
        for (const u of units.slice(from)) progress.info(`${u.destructive ? `-- DESTRUCTIVE: ${u.destructive}\n` : ''}${u.sql};`);
        applied.push(st.id);
      }
      return { applied, skipped };
    }

    const lock = await lockName(s);
    await acquireLock(s, lock, progress, opts.lockTimeoutMs ?? 600_000);
    try {
      await s.query(MYSQL_LEDGER_DDL);
      const status = migrationStatus(opts.migrations, await readMysqlLedger(s), mysqlChecksum);
      refuseModified(status, 'MySQL', fileOf);
      for (const st of status) if (st.state === 'missing') progress.warn(`${st.id} is recorded as applied on MySQL but is not in the migrations folder`);
      const todo = status.filter((st) => st.state === 'pending' || st.state === 'partial');
      const destructive = todo.flatMap((st) => pendingMysqlDestructive(st.migration!, mysqlUnits(st.migration!), st.row?.done ?? 0));
      if (destructive.length && !opts.allowDestructive) throw new DestructiveChangeError(destructive, 'apply');
      if (todo.length === 0) progress.info('MySQL: nothing to apply');
      for (const st of todo) {
        await applyOne(s, st.migration!, st.row, progress);
        applied.push(st.id);
      }
      skipped.push(...status.filter((st) => st.state === 'applied').map((st) => st.id));
    } finally {
      await s.query('SELECT RELEASE_LOCK(?)', [lock]).catch(() => undefined);
    }
    return { applied, skipped };
  });
}

async function record(s: MysqlSession, m: Migration, done: number, total: number, by: string): Promise<void> {
  await s.query(
    `INSERT INTO ${q(MYSQL_LEDGER)} (id, checksum, units_done, units_total, started_at, finished_at, applied_by) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), IF(? = ?, UTC_TIMESTAMP(3), NULL), ?)
     ON DUPLICATE KEY UPDATE units_done = VALUES(units_done), finished_at = VALUES(finished_at)`,
    [m.id, m.mysql!.checksum, done, total, done, total, by],
  );
}

async function applyOne(s: MysqlSession, m: Migration, row: LedgerRow | undefined, progress: Progress): Promise<void> {
  const units = mysqlUnits(m);
  const total = units.length;
  const from = row?.done ?? 0;
  const by = `${hostname()}:${process.pid}`;
  const task = progress.task(`${m.id} (mysql)`, total);
  // Written before anything runs: from here on an interruption shows as partial and resumes.
  if (!row) await record(s, m, 0, total, by);
  if (total === 0) {
    task.finish('nothing to run (recorded)');
    return;
  }
  for (let k = from; k < total; k++) {
    const unit = units[k];
    try {
      await run(s, m, unit, k === from && row !== undefined, progress);
    } catch (e) {
      // A first statement that failed changed nothing (each statement is atomic): the migration is pending again, not partial.
      if (k === 0) await s.query(`DELETE FROM ${q(MYSQL_LEDGER)} WHERE id = ? AND units_done = 0`, [m.id]).catch(() => undefined);
      throw e;
    }
    crashPoint(`mysql:${m.id}:unit:${k}:before-record`);
    await record(s, m, k + 1, total, by);
    task.update(k + 1, total);
    crashPoint(`mysql:${m.id}:unit:${k}:after`);
  }
  task.finish(`applied (${total} statement${total === 1 ? '' : 's'})`);
}

async function run(s: MysqlSession, m: Migration, unit: SqlStatement, resumed: boolean, progress: Progress): Promise<void> {
  try {
    await s.query(unit.sql);
  } catch (e) {
    const err = e as MysqlServerError;
    const already = alreadyDone(err);
    if (resumed && already) {
      progress.info(`${m.id}: line ${unit.line} had already run before the previous apply was interrupted (${already}); recorded as done`);
      return;
    }
    throw new MigrationError(
      `${m.id}: ${m.mysql!.path} line ${unit.line} failed on MySQL: ${err.sqlMessage ?? err.message}\n  statement: ${unit.sql.split('\n')[0]}${unit.sql.includes('\n') ? ' …' : ''}`,
      already
        ? 'the database already has this schema object: if it was created by `quern db push`, run `quern migrate baseline` to record the migrations it already matches as applied (see `quern migrate status`)'
        : 'MySQL commits each statement on its own: the statements before this one stay applied and are recorded; fix the data or the migration (if it was never applied anywhere), then run `quern migrate apply` again to resume at this statement',
    );
  }
}
