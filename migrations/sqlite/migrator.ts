/** The sqlite target's migration applier: status and apply (apply.ts), and the development helpers. */
import { quoteIdent } from '../../src/plan/sql/writer.js';
import type { Migrator } from '../../targets/types.js';
import type { SqliteConnection } from '../../targets/sqlite.js';
import { migrationStatus } from '../plan.js';
import { applySqlite, existingTables, LEDGER_DDL, missingFile, readLedger, recordApplied, SQLITE_LEDGER, statusSqlite, withSqlite } from './apply.js';

export const sqliteMigrator: Migrator<SqliteConnection> = {
  status: statusSqlite,
  apply: applySqlite,
  existingTables: async (conn, tables) => (missingFile(conn) ? [] : withSqlite(conn, (c) => existingTables(c, tables))),
  baseline: (conn, migrations) =>
    withSqlite(conn, async (c) => {
      const recorded: string[] = [];
      const already: string[] = [];
      await c.execute(LEDGER_DDL);
      for (const row of migrationStatus(migrations, await readLedger(c), (m) => m.sqlite?.checksum)) {
        if (row.state !== 'pending') {
          already.push(row.id);
          continue;
        }
        await recordApplied(c, row.migration!, `baseline ${process.pid}`);
        recorded.push(row.id);
      }
      return { recorded, already };
    }),
  reset: (conn, tables) =>
    withSqlite(conn, async (c) => {
      const dropped = await existingTables(c, [...tables, SQLITE_LEDGER]);
      // Foreign keys off: dropping a parent must not delete (cascade) or refuse over its children.
      await c.execute('PRAGMA foreign_keys = OFF');
      for (const t of dropped) await c.execute(`DROP TABLE IF EXISTS ${quoteIdent(t)}`);
      return dropped;
    }),
};
