/**
 * The registry of targets: the one list of what quern can deploy to. The CLI (config
 * checks, flags, `--target`, init, studio), the migration engine (files, apply, status,
 * push) and lint look targets up here; none of them names a target.
 *
 * Adding a target: its config section in src/config.ts (TargetConfigSections), its plan
 * capabilities in src/plan/capabilities.ts if it plans differently from the others, its
 * planning name and parsed migration file in migrations/folder.ts (ParsedFiles, whose keys
 * are PlanTarget), an entry file here,
 * and one line below. The compiler requires each of them once one is there.
 * docs/architecture.md has the checklist.
 */
import type { TargetDescriptor } from '../src/plan/target.js';
import type { DeployTarget, MigrationFormat, PlanTarget, TargetEntry } from './types.js';
import { postgresEntry } from './postgres.js';
import { pgliteEntry } from './pglite.js';
import { dynamodbEntry } from './dynamodb.js';
import { sqliteEntry } from './sqlite.js';
import { mysqlEntry } from './mysql.js';

/** Every target, by deploy name; the order is the order of docs, help texts and migration files. */
export const TARGETS = {
  postgres: postgresEntry,
  pglite: pgliteEntry,
  dynamodb: dynamodbEntry,
  sqlite: sqliteEntry,
  mysql: mysqlEntry,
} as const satisfies { readonly [K in DeployTarget]: TargetEntry<K, unknown> };

type Registry = typeof TARGETS;
/** The resolved connection of a deploy target. */
export type ConnectionOf<K extends DeployTarget> = Registry[K] extends TargetEntry<K, infer C> ? C : never;
/** A target's entry, with its connection type. */
export type EntryOf<K extends DeployTarget> = TargetEntry<K, ConnectionOf<K>>;

export const DEPLOY_TARGETS = Object.keys(TARGETS) as DeployTarget[];

export function entryOf<K extends DeployTarget>(name: K): EntryOf<K> {
  return TARGETS[name] as unknown as EntryOf<K>;
}

/** The planning targets, once each (pglite plans as postgres). */
export const PLAN_TARGETS: readonly PlanTarget[] = [...new Set(DEPLOY_TARGETS.map((t) => TARGETS[t].plan))];

/** Each planning target's migration file format, in registry order. */
export const MIGRATION_FORMATS: readonly MigrationFormat[] = PLAN_TARGETS.map((p) => formatOf(p));

export function formatOf(plan: PlanTarget): MigrationFormat {
  return DEPLOY_TARGETS.map((t) => TARGETS[t]).find((e) => e.plan === plan)!.format;
}

/** The planning target of a deploy target. */
export function planTarget(t: DeployTarget): PlanTarget {
  return TARGETS[t].plan;
}

/** Connection-free planning data of a planning target (lint, explain); loads only that target's driver files. */
export function targetDescriptor(plan: PlanTarget): Promise<TargetDescriptor> {
  // The first entry planning as `plan` (postgres before pglite) describes it.
  const owner = DEPLOY_TARGETS.find((t) => TARGETS[t].plan === plan)!;
  return TARGETS[owner].descriptor();
}
