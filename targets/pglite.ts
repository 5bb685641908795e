/** The pglite target: PostgreSQL embedded in the process, on a data directory. It plans and migrates as postgres. */
import { isAbsolute, resolve } from 'node:path';
import { postgresFormat } from '../migrations/postgres/format.js';
import type { TargetEntry } from './types.js';
import { flagText } from './options.js';

/** Where PGlite keeps its files when the config names no pglite.dataDir. */
export const DEFAULT_PGLITE_DIR = './.quern/pglite';

export interface PgliteConnection {
  readonly dataDir: string;
}

export const pgliteEntry: TargetEntry<'pglite', PgliteConnection> = {
  name: 'pglite',
  plan: 'postgres',
  label: 'PGlite',
  options: [
    {
      key: 'dataDir',
      type: 'string',
      doc: `the data directory, relative to the config's folder (default: ${DEFAULT_PGLITE_DIR})`,
      flag: '--pglite <dir>',
      flagHelp: `PGlite data directory for the pglite target (default: pglite.dataDir in quern.config.ts, then ${DEFAULT_PGLITE_DIR})`,
    },
  ],
  // No server: there is always a connection, the configured or default folder.
  connection({ flags, section, root }) {
    const dataDir = flagText(flags, 'pglite') ?? section?.dataDir ?? DEFAULT_PGLITE_DIR;
    return { dataDir: isAbsolute(dataDir) ? dataDir : resolve(root, dataDir) };
  },
  missing: { message: 'no PGlite data directory', fix: `pass --pglite <dir> or set pglite: { dataDir: '${DEFAULT_PGLITE_DIR}' } in quern.config.ts` },
  describe: (c) => c.dataDir,
  initConfig: `pglite: { dataDir: '${DEFAULT_PGLITE_DIR}' }`,
  localData: { ignore: '.quern/', where: `PGlite in ${DEFAULT_PGLITE_DIR}` },
  descriptor: async () => (await import('../drivers/postgres/target.js')).pgliteTarget,
  async driver(c) {
    const { pglite } = await import('../drivers/postgres/pglite-driver.js');
    return pglite({ dataDir: c.dataDir });
  },
  async scratch() {
    const { pglite } = await import('../drivers/postgres/pglite-driver.js');
    return pglite();
  },
  async push(c, schema) {
    const { pushPostgres } = await import('../migrations/postgres/push.js');
    return pushPostgres(await pgliteEntry.driver(c), schema);
  },
  format: postgresFormat,
  migrator: async () => (await import('../migrations/postgres/migrator.js')).postgresMigrator,
};
