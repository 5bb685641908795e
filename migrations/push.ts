/** `db push` per target, through each target's push (exactly what `db.push()` runs). */
import type { SchemaDef } from '../src/schema/define.js';
import { SchemaError } from '../src/errors.js';
import { connectionOf, planTarget, type Connections, type DeployTarget } from './connections.js';
import { entryOf } from '../targets/index.js';

/**
 * Every target's refusals, before any target is changed: a target's schema rules (DynamoDB: a
 * relation without its index, a sparse index) are checked up front, so a push that one target
 * refuses has not already altered another.
 */
export async function validatePush(targets: readonly DeployTarget[], schema: SchemaDef): Promise<void> {
  const seen = new Set<string>();
  for (const t of targets) {
    const plan = planTarget(t);
    if (seen.has(plan)) continue;
    seen.add(plan);
    const errors = (await entryOf(t).descriptor()).checkSchema(schema).filter((d) => d.severity === 'error');
    if (errors.length === 0) continue;
    const lines = errors.map((d) => `  - [${d.code}] ${d.model ?? ''}: ${d.message}${d.fix ? `\n      fix: ${d.fix}` : ''}`);
    throw new SchemaError(`${plan} cannot serve this schema; nothing was pushed to any target:\n${lines.join('\n')}`, errors[0].model, undefined, errors[0].code);
  }
}

/** Pushes the schema to one target; returns what it created (empty when everything existed). */
export async function pushSchema<K extends DeployTarget>(target: K, schema: SchemaDef, connections: Connections): Promise<string[]> {
  return entryOf(target).push(connectionOf(target, connections), schema);
}
