/**
 * The postgres and pglite targets' migration applier: status and apply (apply.ts: the
 * `_quern_migrations` ledger under an advisory lock), and the development helpers.
 */
import { quoteIdent } from '../../drivers/postgres/serialize.js';
import type { Migrator } from '../../targets/types.js';
import type { SqlConnection } from '../connections.js';
import { migrationStatus } from '../plan.js';
import { applyPostgres, LEDGER_DDL, PG_LEDGER, readLedger, statusPostgres } from './apply.js';
import { openSession, type SqlSession } from './session.js';
import { groupUnits } from './sql-file.js';

async function withSession<T>(conn: SqlConnection, fn: (s: SqlSession) => Promise<T>): Promise<T> {
  const s = await openSession(conn);
  try {
    return await fn(s);
  } finally {
    await s.end();
  }
}

async function existing(s: SqlSession, tables: readonly string[]): Promise<string[]> {
  const r = await s.query('SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(quote_ident(t)) IS NOT NULL', [[...tables]]);
  return r.rows.map((x) => String(x.t));
}

export const postgresMigrator: Migrator<SqlConnection> = {
  status: statusPostgres,
  apply: applyPostgres,
  existingTables: (conn, tables) => withSession(conn, (s) => existing(s, tables)),
  baseline: (conn, migrations) =>
    withSession(conn, async (s) => {
      const recorded: string[] = [];
      const already: string[] = [];
      await s.query(LEDGER_DDL);
      for (const row of migrationStatus(migrations, await readLedger(s), (m) => m.postgres?.checksum)) {
        if (row.state !== 'pending') {
          already.push(row.id);
          continue;
        }
        const m = row.migration!;
        const total = groupUnits(m.postgres!.statements).length;
        await s.query(
          `INSERT INTO ${quoteIdent(PG_LEDGER)} (id, checksum, units_done, units_total, finished_at, applied_by) VALUES ($1, $2, $3::int, $3::int, now(), $4)`,
          [m.id, m.postgres!.checksum, total, `baseline ${process.pid}`],
        );
        recorded.push(m.id);
      }
      return { recorded, already };
    }),
  reset: (conn, tables) =>
    withSession(conn, async (s) => {
      const dropped = await existing(s, [...tables, PG_LEDGER]);
      if (dropped.length) await s.query(`DROP TABLE IF EXISTS ${dropped.map(quoteIdent).join(', ')} CASCADE`);
      return dropped;
    }),
};
