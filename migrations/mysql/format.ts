/**
 * migration.mysql.sql: the mysql planning target's migration file. Rendering and applying MySQL
 * migrations is not built yet: every entry point says so, with the way to create the schema
 * meanwhile.
 */
import type { MigrationFormat } from '../../targets/types.js';
import { UnsupportedChangeError } from '../errors.js';
import { parseSqlFile } from '../postgres/sql-file.js';

export const MYSQL_MIGRATIONS_MISSING = 'migrations for MySQL are not implemented yet';
export const MYSQL_MIGRATIONS_FIX =
  'create the schema with `quern db push --target mysql` (or db.push()) for now, and leave mysql out of `targets` when generating migrations';

export const mysqlFormat: MigrationFormat<'mysql'> = {
  plan: 'mysql',
  file: 'migration.mysql.sql',
  parse: (text, shown) => ({ statements: parseSqlFile(text, shown) }),
  render() {
    throw new UnsupportedChangeError('mysql', MYSQL_MIGRATIONS_MISSING, MYSQL_MIGRATIONS_FIX);
  },
  pendingDestructive: () => [],
};
