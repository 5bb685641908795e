import type { TargetName } from './plan/capabilities.js';

/** quern.config.ts: what the CLI (lint, explain, migrate) works on. */
export interface QuernConfig {
  /** Module exporting the schema (a named `schema` export or the default export). */
  schema: string;
  /** Targets to plan and lint for; default ['postgres']. */
  targets?: TargetName[];
  /** Globs of source files holding queries, for `quern lint`. */
  include?: string[];
  exclude?: string[];
  /** Folder holding migrations; default './migrations'. */
  migrations?: string;
  /** Connection settings for `migrate apply` / `db push`; flags override them. */
  postgres?: { url?: string };
  dynamodb?: { endpoint?: string; region?: string; tablePrefix?: string };
}

export function defineConfig(config: QuernConfig): QuernConfig {
  return config;
}
