/**
 * `--target` parsing over the registry of targets (targets/index.ts). Descriptors are static
 * data, so lint and explain plan offline; each is loaded lazily, so a run for one target never
 * loads another target's driver.
 */
import { ProjectError } from '../errors.js';
import { DEPLOY_TARGETS, PLAN_TARGETS, planTarget } from '../../targets/index.js';
import type { DeployTarget, PlanTarget } from '../../targets/types.js';
import { didYouMean } from '../../src/suggest.js';

export { targetDescriptor } from '../../targets/index.js';

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
export function parseTargets(flag: readonly string[] | undefined, configured: readonly DeployTarget[] | undefined): PlanTarget[] {
  return [...new Set(parseDeployTargets(flag, configured).map(planTarget))];
}

/** The deploy targets as a help text lists them: "postgres, pglite, dynamodb". */
export const TARGET_LIST = DEPLOY_TARGETS.join(', ');

/** The planning targets as a help text lists them: "postgres, dynamodb". */
export const PLAN_TARGET_LIST = PLAN_TARGETS.join(', ');
