/** The postgres target: a PostgreSQL server through `pg`. */
import { postgresUrlProblem } from '../drivers/postgres/url.js';
import { MigrationError } from '../migrations/errors.js';
import { postgresFormat } from '../migrations/postgres/format.js';
import type { TargetEntry } from './types.js';
import { flagText, redactUrl } from './options.js';

export interface PostgresConnection {
  readonly url: string;
  /** Bound on opening the session, up to the server's first answer (0: none); default DEFAULT_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number;
}

export const postgresEntry: TargetEntry<'postgres', PostgresConnection> = {
  name: 'postgres',
  plan: 'postgres',
  label: 'PostgreSQL',
  options: [
    {
      key: 'url',
      type: 'string',
      doc: 'connection URL, postgres://user:password@host:5432/database (default: DATABASE_URL)',
      flag: '--url <url>',
      flagHelp: 'PostgreSQL connection URL (default: postgres.url in quern.config.ts, then DATABASE_URL)',
    },
  ],
  connection({ flags, section, env, connectTimeoutMs }) {
    const url = flagText(flags, 'url') ?? section?.url ?? (env.DATABASE_URL || undefined);
    if (!url) return undefined;
    const problem = postgresUrlProblem(url);
    if (problem) throw new MigrationError(`bad PostgreSQL URL: ${problem}`, 'check --url, postgres.url in quern.config.ts or DATABASE_URL');
    return { url, connectTimeoutMs };
  },
  missing: {
    message: 'no PostgreSQL connection',
    fix: 'pass --url postgres://…, set postgres.url in quern.config.ts or DATABASE_URL (or choose another target with --target)',
  },
  describe: (c) => redactUrl(c.url),
  initConfig: 'postgres: { url: process.env.DATABASE_URL }',
  descriptor: async () => (await import('../drivers/postgres/target.js')).postgresTarget,
  async driver(c) {
    const { postgres } = await import('../drivers/postgres/pg-driver.js');
    return postgres({ connectionString: c.url, connectTimeoutMs: c.connectTimeoutMs });
  },
  async push(c, schema) {
    const { pushPostgres } = await import('../migrations/postgres/push.js');
    return pushPostgres(await postgresEntry.driver(c), schema);
  },
  format: postgresFormat,
  migrator: async () => (await import('../migrations/postgres/migrator.js')).postgresMigrator,
};
