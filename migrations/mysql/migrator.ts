/**
 * The mysql target's migration applier: status and apply (apply.ts: the `_quern_migrations`
 * ledger, one unit per statement, under GET_LOCK), and the development helpers.
 */
import type { Migrator } from '../../targets/types.js';
import { migrationStatus } from '../plan.js';
import { applyMysql, existingMysqlTables, MYSQL_LEDGER, MYSQL_LEDGER_DDL, mysqlUnits, readMysqlLedger, statusMysql, withMysqlSession } from './apply.js';
import { quoteIdent as q } from '../../drivers/mysql/serialize.js';
import type { MysqlMigrateConnection } from './session.js';

export const mysqlMigrator: Migrator<MysqlMigrateConnection> = {
  status: statusMysql,
  apply: applyMysql,
  existingTables: (conn, tables) => withMysqlSession(conn, (s) => existingMysqlTables(s, tables)),
  baseline: (conn, migrations) =>
    withMysqlSession(conn, async (s) => {
      const recorded: string[] = [];
      const already: string[] = [];
      await s.query(MYSQL_LEDGER_DDL);
      for (const row of migrationStatus(migrations, await readMysqlLedger(s), (m) => m.mysql?.checksum)) {
        if (row.state !== 'pending') {
          already.push(row.id);
          continue;
        }
        const m = row.migration!;
        const total = mysqlUnits(m).length;
        await s.query(
          `INSERT INTO ${q(MYSQL_LEDGER)} (id, checksum, units_done, units_total, started_at, finished_at, applied_by) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), ?)`,
          [m.id, m.mysql!.checksum, total, total, `baseline ${process.pid}`],
        );
        recorded.push(m.id);
      }
      return { recorded, already };
    }),
  reset: (conn, tables) =>
    withMysqlSession(conn, async (s) => {
      const dropped = await existingMysqlTables(s, [...tables, MYSQL_LEDGER]);
      if (dropped.length === 0) return dropped;
      // Foreign keys between the tables would make the drop order matter: the checks are off for this one statement's session.
      await s.query('SET FOREIGN_KEY_CHECKS = 0');
      try {
        await s.query(`DROP TABLE IF EXISTS ${dropped.map(q).join(', ')}`);
      } finally {
        await s.query('SET FOREIGN_KEY_CHECKS = 1');
      }
      return dropped;
    }),
};
