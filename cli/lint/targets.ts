/**
 * Target descriptors by name. They are static data, so lint and explain plan
 * offline; loaded lazily so a run for one target never loads the other driver.
 */
import type { TargetDescriptor } from '../../src/engine/driver.js';
import type { TargetName } from '../../src/plan/capabilities.js';
import { ProjectError } from '../errors.js';

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

/** `--target a,b` (repeatable) → validated names; undefined → the config's targets, else postgres. */
export function parseTargets(flag: readonly string[] | undefined, configured: readonly TargetName[] | undefined): TargetName[] {
  const raw = flag && flag.length ? flag.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean) : [...(configured ?? ['postgres'])];
  const out: TargetName[] = [];
  for (const t of raw) {
    if (!TARGET_NAMES.includes(t as TargetName)) throw new ProjectError(`unknown target '${t}'; expected ${TARGET_NAMES.join(' or ')}`);
    if (!out.includes(t as TargetName)) out.push(t as TargetName);
  }
  return out;
}
