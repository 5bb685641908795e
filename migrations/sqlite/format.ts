/**
 * migration.sqlite.sql: the sqlite planning target's migration file. Rendering and applying
 * SQLite migrations (with table rebuilds for the ALTERs SQLite lacks) is not built yet: every
 * entry point says so, with the way to create the schema meanwhile.
 */
import type { MigrationFormat } from '../../targets/types.js';
import { UnsupportedChangeError } from '../errors.js';
import { parseSqlFile } from '../postgres/sql-file.js';

export const SQLITE_MIGRATIONS_MISSING = 'migrations for SQLite are not implemented yet';
export const SQLITE_MIGRATIONS_FIX = 'create the schema with `quern db push --target sqlite` (or db.push()) for now, and leave sqlite out of `targets` when generating migrations';

export const sqliteFormat: MigrationFormat<'sqlite'> = {
  plan: 'sqlite',
  file: 'migration.sqlite.sql',
  parse: (text, shown) => ({ statements: parseSqlFile(text, shown) }),
  render() {
    throw new UnsupportedChangeError('sqlite', SQLITE_MIGRATIONS_MISSING, SQLITE_MIGRATIONS_FIX);
  },
  pendingDestructive: () => [],
};
