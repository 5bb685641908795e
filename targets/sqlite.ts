/** The sqlite target: SQLite in the process, on a database file. */
import { isAbsolute, resolve } from 'node:path';
import { sqliteFormat } from '../migrations/sqlite/format.js';
import type { TargetEntry } from './types.js';
import { flagText } from './options.js';

/** Where the database file is when the config names no sqlite.filename. */
export const DEFAULT_SQLITE_FILE = './.quern/sqlite.db';

export interface SqliteConnection {
  readonly filename: string;
}

export const sqliteEntry: TargetEntry<'sqlite', SqliteConnection> = {
  name: 'sqlite',
  plan: 'sqlite',
  label: 'SQLite',
  options: [
    {
      key: 'filename',
      type: 'string',
      doc: `the database file, relative to the config's folder (default: ${DEFAULT_SQLITE_FILE})`,
      flag: '--sqlite <file>',
      flagHelp: `SQLite database file for the sqlite target (default: sqlite.filename in quern.config.ts, then ${DEFAULT_SQLITE_FILE})`,
    },
  ],
  // In the process: there is always a connection, the configured or default file.
  connection({ flags, section, root }) {
    const filename = flagText(flags, 'sqlite') ?? section?.filename ?? DEFAULT_SQLITE_FILE;
    return { filename: filename === ':memory:' || isAbsolute(filename) ? filename : resolve(root, filename) };
  },
  missing: { message: 'no SQLite database file', fix: `pass --sqlite <file> or set sqlite: { filename: '${DEFAULT_SQLITE_FILE}' } in quern.config.ts` },
  describe: (c) => c.filename,
  initConfig: `sqlite: { filename: '${DEFAULT_SQLITE_FILE}' }`,
  localData: { ignore: '.quern/', where: `SQLite in ${DEFAULT_SQLITE_FILE}` },
  descriptor: async () => (await import('../drivers/sqlite/target.js')).sqliteTarget,
  async driver(c) {
    const { sqlite } = await import('../drivers/sqlite/driver.js');
    return sqlite({ filename: c.filename });
  },
  async scratch() {
    const { sqlite } = await import('../drivers/sqlite/driver.js');
    return sqlite({ filename: ':memory:' });
  },
  async push(c, schema) {
    const { pushSqlite } = await import('../migrations/sqlite/push.js');
    return pushSqlite(await sqliteEntry.driver(c), schema);
  },
  format: sqliteFormat,
  migrator: async () => (await import('../migrations/sqlite/migrator.js')).sqliteMigrator,
};
