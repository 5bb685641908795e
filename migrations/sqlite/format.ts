/**
 * migration.sqlite.sql: the sqlite planning target's migration file. The same SQL file format
 * as PostgreSQL's migration.sql (statements, `-- quern:destructive` directives), applied in
 * one transaction per migration: SQLite has no statement that must run outside one, so
 * `-- quern:no-transaction` is refused.
 */
import type { MigrationFormat } from '../../targets/types.js';
import { MigrationFileError } from '../errors.js';
import { sqlFile } from '../postgres/format.js';
import { parseSqlFile } from '../postgres/sql-file.js';
import { renderSqlite } from './render.js';

export const sqliteFormat: MigrationFormat<'sqlite'> = {
  plan: 'sqlite',
  file: 'migration.sqlite.sql',
  parse(text, shown) {
    const statements = parseSqlFile(text, shown);
    const alone = statements.find((s) => s.noTransaction);
    if (alone) {
      throw new MigrationFileError(shown, `line ${alone.line}: SQLite applies a migration in one transaction; a statement that cannot run inside one (quern:no-transaction, VACUUM) belongs outside the migrations`);
    }
    return { statements };
  },
  render(id, diff) {
    const statements = renderSqlite(diff);
    const n = statements.length;
    const rebuilt = statements.filter((s) => /^ALTER TABLE .* RENAME TO /.test(s.sql)).length;
    return {
      text: sqlFile(id, statements, diff.renames, 'SQLite'),
      destructive: statements.filter((s) => s.destructive).map((s) => `sqlite: ${s.destructive}`),
      summary: [`sqlite: ${n} statement${n === 1 ? '' : 's'} in one transaction${rebuilt ? ` (${rebuilt} table${rebuilt === 1 ? '' : 's'} rebuilt)` : ''}`],
    };
  },
  pendingDestructive: (m, file, from) =>
    from > 0 ? [] : file.statements.filter((s) => s.destructive).map((s) => `${m.id} (sqlite, line ${s.line}): ${s.destructive}`),
};
