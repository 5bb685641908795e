/**
 * Each deploy target's section of quern.config.ts, by target name. Its keys are the target
 * names the config, `--target` and `Connections` accept: a new target adds its section here
 * and registers its entry in targets/index.ts (the compiler then requires the entry).
 */
export interface TargetConfigSections {
  /** A PostgreSQL server. */
  postgres: { url?: string };
  /** PostgreSQL embedded in the process (planned as postgres); dataDir defaults to './.quern/pglite'. */
  pglite: { dataDir?: string };
  dynamodb: { endpoint?: string; region?: string; tablePrefix?: string };
  /** SQLite in the process; filename defaults to './.quern/sqlite.db'. */
  sqlite: { filename?: string };
  /** A MySQL 8 or MariaDB 10.11+ server: mysql://user:password@host:3306/database (default: MYSQL_URL). */
  mysql: { uri?: string };
}

/** A target the CLI works on: a planning target, or `pglite` (PostgreSQL in the process, planned as postgres). */
export type ConfigTarget = keyof TargetConfigSections;

/** quern.config.ts: what the CLI (lint, explain, migrate) works on. Every key is documented in docs/config.md. */
export type QuernConfig = {
  /** Module exporting the schema (a named `schema` export or the default export). */
  schema: string;
  /** Targets to plan, lint and migrate for; default ['postgres']. */
  targets?: ConfigTarget[];
  /** Globs of source files holding queries, for `quern lint`. */
  include?: string[];
  exclude?: string[];
  /** Folder holding migrations; default './migrations'. */
  migrations?: string;
} & {
  /** Connection settings for `migrate` / `db push`; flags override them. */
  [K in ConfigTarget]?: TargetConfigSections[K];
};

export function defineConfig(config: QuernConfig): QuernConfig {
  return config;
}
