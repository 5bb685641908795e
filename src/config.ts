import type { TargetName } from './plan/capabilities.js';

/** A target the CLI works on: a planning target, or `pglite` (PostgreSQL in the process, planned as postgres). */
export type ConfigTarget = TargetName | 'pglite';

/** quern.config.ts: what the CLI (lint, explain, migrate) works on. Every key is documented in docs/config.md. */
export interface QuernConfig {
  /** Module exporting the schema (a named `schema` export or the default export). */
  schema: string;
  /** Targets to plan, lint and migrate for; default ['postgres']. */
  targets?: ConfigTarget[];
  /** Globs of source files holding queries, for `quern lint`. */
  include?: string[];
  exclude?: string[];
  /** Folder holding migrations; default './migrations'. */
  migrations?: string;
  /** Connection settings for `migrate` / `db push`; flags override them. */
  postgres?: { url?: string };
  /** The `pglite` target's data directory; default './.quern/pglite'. */
  pglite?: { dataDir?: string };
  dynamodb?: { endpoint?: string; region?: string; tablePrefix?: string };
}

export function defineConfig(config: QuernConfig): QuernConfig {
  return config;
}
