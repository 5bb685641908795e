/** The mysql target: a MySQL 8 or MariaDB 10.11+ server through `mysql2`. */
import { MigrationError } from '../migrations/errors.js';
import { mysqlFormat } from '../migrations/mysql/format.js';
import type { TargetEntry } from './types.js';
import { flagText, redactUrl } from './options.js';

export interface MysqlConnection {
  readonly uri: string;
  readonly connectTimeoutMs?: number;
}

/** Why a connection URI cannot work, or null. */
function uriProblem(uri: string): string | null {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return 'not a URI (expected mysql://user:password@host:3306/database)';
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:') return `expected the mysql:// scheme, got ${u.protocol}//`;
  if (u.pathname === '' || u.pathname === '/') return 'no database name (mysql://user:password@host:3306/database)';
  return null;
}

export const mysqlEntry: TargetEntry<'mysql', MysqlConnection> = {
  name: 'mysql',
  plan: 'mysql',
  label: 'MySQL',
  options: [
    {
      key: 'uri',
      type: 'string',
      doc: 'connection URI, mysql://user:password@host:3306/database (default: MYSQL_URL)',
      flag: '--mysql <uri>',
      flagHelp: 'MySQL/MariaDB connection URI (default: mysql.uri in quern.config.ts, then MYSQL_URL)',
    },
  ],
  connection({ flags, section, env, connectTimeoutMs }) {
    const uri = flagText(flags, 'mysql') ?? section?.uri ?? (env.MYSQL_URL || undefined);
    if (!uri) return undefined;
    const problem = uriProblem(uri);
    if (problem) throw new MigrationError(`bad MySQL URI: ${problem}`, 'check --mysql, mysql.uri in quern.config.ts or MYSQL_URL');
    return { uri, connectTimeoutMs };
  },
  missing: {
    message: 'no MySQL connection',
    fix: 'pass --mysql mysql://…, set mysql.uri in quern.config.ts or MYSQL_URL (or choose another target with --target)',
  },
  describe: (c) => redactUrl(c.uri),
  initConfig: 'mysql: { uri: process.env.MYSQL_URL }',
  descriptor: async () => (await import('../drivers/mysql/target.js')).mysqlTarget,
  async driver(c) {
    const { mysql } = await import('../drivers/mysql/driver.js');
    return mysql({ uri: c.uri, connectTimeoutMs: c.connectTimeoutMs });
  },
  async push(c, schema) {
    const { pushMysql } = await import('../migrations/mysql/push.js');
    return pushMysql(await mysqlEntry.driver(c), schema);
  },
  format: mysqlFormat,
  migrator: async () => (await import('../migrations/mysql/migrator.js')).mysqlMigrator,
};
