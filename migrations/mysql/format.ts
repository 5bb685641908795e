/**
 * migration.mysql.sql: the mysql planning target's migration file. The same statement syntax and
 * `-- quern:` directives as migration.sql; every statement is a unit of its own on apply (MySQL
 * commits each DDL statement by itself), so `-- quern:no-transaction` changes nothing here.
 */
import type { MigrationFormat } from '../../targets/types.js';
import { sqlFile } from '../postgres/format.js';
import { parseSqlFile } from '../postgres/sql-file.js';
import type { Migration } from '../folder.js';
import type { SqlStatement } from '../postgres/sql-file.js';
import { renderMysql } from './render.js';

/** Header lines: how the file is run, for whoever reads or runs it by hand. */
const MYSQL_FILE_NOTES = [
  'Identifiers are in double quotes, as quern\'s MySQL DDL writes them: `quern migrate apply` runs it with',
  "sql_mode ANSI_QUOTES and STRICT_ALL_TABLES (by hand: SET SESSION sql_mode = 'ANSI_QUOTES,STRICT_ALL_TABLES').",
  'MySQL commits every statement on its own: the ledger records each one, and an interrupted apply resumes at the first not recorded.',
];

export const mysqlFormat: MigrationFormat<'mysql'> = {
  plan: 'mysql',
  file: 'migration.mysql.sql',
  parse: (text, shown) => ({ statements: parseSqlFile(text, shown) }),
  render(id, diff) {
    const statements = renderMysql(diff);
    const n = statements.length;
    return {
      text: sqlFile(id, statements, diff.renames, 'MySQL', MYSQL_FILE_NOTES),
      destructive: statements.filter((s) => s.destructive).map((s) => `mysql: ${s.destructive}`),
      summary: [`mysql: ${n} statement${n === 1 ? '' : 's'} (each commits on its own: an interrupted apply resumes at the first one not recorded)`],
    };
  },
  pendingDestructive: (m, file, from) => pendingMysqlDestructive(m, file.statements, from),
};

/** Destructive statements from unit `from` on (each statement is a unit), each "<id> (mysql, line N): why". */
export function pendingMysqlDestructive(m: Migration, statements: readonly SqlStatement[], from: number): string[] {
  return statements.slice(from).filter((s) => s.destructive).map((s) => `${m.id} (mysql, line ${s.line}): ${s.destructive}`);
}
