/**
 * Target descriptors by name. They are static data, so lint and explain plan
 * offline; loaded lazily so a run for one target never loads the other driver.
 */
import type { TargetDescriptor } from '../../src/plan/target.js';
import type { TargetName } from '../../src/plan/capabilities.js';
import { ProjectError } from '../errors.js';
import { DEPLOY_TARGETS, planTarget, type DeployTarget } from '../../migrations/connections.js';
import { didYouMean } from '../../src/suggest.js';

export const TARGET_NAMES: readonly TargetName[] = ['postgres', 'dynamodb'];

export async function targetDescriptor(name: TargetName): Promise<TargetDescriptor> {
  switch (name) {
    case 'postgres':
      return (await import('../../drivers/postgres/target.js')).postgresTarget;
    case 'dynamodb':
      return (await import('../../drivers/dynamodb/target.js')).dynamodbTarget;
    default: {
      const never: never = name;
      throw new ProjectError(`unknown target '${String(never)}'; expected ${TARGET_NAMES.join(' or ')}`);
    }
  }
}

/** `--target a,b` (repeatable) → validated deploy targets; undefined → the config's targets, else postgres. */
export function parseDeployTargets(flag: readonly string[] | undefined, configured: readonly DeployTarget[] | undefined): DeployTarget[] {
  const raw =
    flag && flag.length
      ? flag
          .flatMap((t) => t.split(','))
          .map((t) => t.trim())
          .filter(Boolean)
      : [...(configured ?? ['postgres'])];
  const out: DeployTarget[] = [];
  for (const t of raw) {
    if (!DEPLOY_TARGETS.includes(t as DeployTarget))
      throw new ProjectError(`unknown target '${t}'${didYouMean(t, DEPLOY_TARGETS)}; expected ${DEPLOY_TARGETS.join(', ')}`);
    if (!out.includes(t as DeployTarget)) out.push(t as DeployTarget);
  }
  return out;
}

/** The planning targets (lint, explain): `pglite` plans as postgres. */
export function parseTargets(flag: readonly string[] | undefined, configured: readonly DeployTarget[] | undefined): TargetName[] {
  return [...new Set(parseDeployTargets(flag, configured).map(planTarget))];
}
