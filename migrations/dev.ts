/**
 * The development workflow around the ledger: `migrate baseline` for a
 * database created by `db push`, `migrate reset` to start over, and the
 * "created by push" detection that `migrate status` explains.
 */
import type { SchemaDef } from '../src/schema/define.js';
import { connectionOf, type Connections, type DeployTarget } from './connections.js';
import { MigrationError } from './errors.js';
import { assertNoDuplicates, loadMigrations, type Migration } from './folder.js';
import { forTarget } from './run.js';
import { normalizeSchema, sameSchema } from './snapshot.js';
import { entryOf } from '../targets/index.js';
import type { BaselineResult } from '../targets/types.js';

export type { BaselineResult } from '../targets/types.js';

const tablesOf = (schema: SchemaDef) => Object.values(schema.models).map((m) => m.table);

/** The model tables that exist on the target. */
export async function existingTables<K extends DeployTarget>(target: K, schema: SchemaDef, connections: Connections): Promise<string[]> {
  const connection = connectionOf(target, connections);
  return (await entryOf(target).migrator()).existingTables(connection, tablesOf(schema));
}

/**
 * Tables of the models that exist while no migration is recorded as applied: the
 * database was made by `db push` (or by hand). `migrate apply` would fail on them.
 */
export async function untrackedTables(target: DeployTarget, schema: SchemaDef, connections: Connections, appliedCount: number): Promise<string[]> {
  if (appliedCount > 0) return [];
  return existingTables(target, schema, connections);
}

/**
 * Records every migration in the folder as applied, without running it, on a
 * database whose schema was created by `db push`. Refuses when the models have
 * changed since the last migration (generate first) or a model's table is
 * missing (the database does not match: apply instead).
 */
export async function baselineMigrations(opts: { dir: string; schema: SchemaDef; targets: readonly DeployTarget[]; connections: Connections }): Promise<Partial<Record<DeployTarget, BaselineResult>>> {
  const migrations = loadMigrations(opts.dir);
  assertNoDuplicates(migrations);
  const last = migrations.at(-1);
  if (!last) throw new MigrationError('there is no migration to baseline', 'run `quern migrate generate --name init` first; it writes the migration that describes the pushed schema');
  if (!sameSchema(last.snapshot.schema, normalizeSchema(opts.schema))) {
    throw new MigrationError(`the models changed since ${last.id}, so the migrations do not describe the schema that was pushed`, 'run `quern migrate generate --name <what changed>` first, then `quern migrate baseline`');
  }
  const out: Partial<Record<DeployTarget, BaselineResult>> = {};
  for (const t of opts.targets) {
    const present = await existingTables(t, opts.schema, opts.connections);
    const missing = tablesOf(opts.schema).filter((x) => !present.includes(x));
    if (missing.length) {
      throw new MigrationError(`${t}: table${missing.length > 1 ? 's' : ''} ${missing.join(', ')} do${missing.length > 1 ? '' : 'es'} not exist, so this database was not created from these models; nothing was recorded`, 'run `quern migrate apply` to create the schema through the migrations instead');
    }
  }
  for (const t of opts.targets) out[t] = await baselineOne(t, forTarget(migrations, t), opts.connections);
  return out;
}

async function baselineOne<K extends DeployTarget>(target: K, migrations: readonly Migration[], connections: Connections): Promise<BaselineResult> {
  const connection = connectionOf(target, connections);
  return (await entryOf(target).migrator()).baseline(connection, migrations);
}

/** Why `migrate reset` refuses to run here, or null. */
export function resetRefusal(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.NODE_ENV === 'production' ? 'NODE_ENV is production' : null;
}

/**
 * Drops what the migrations and models created (every table of the schema's
 * models, the ledger and, on DynamoDB, the unique-index table), so the
 * migrations can be applied again from the start.
 */
export async function resetTarget<K extends DeployTarget>(target: K, schemas: readonly SchemaDef[], connections: Connections): Promise<string[]> {
  const connection = connectionOf(target, connections);
  return (await entryOf(target).migrator()).reset(connection, [...new Set(schemas.flatMap(tablesOf))]);
}

/** Every schema the folder's snapshots have described, so reset also drops tables of models since removed. */
export function snapshotSchemas(dir: string): SchemaDef[] {
  return loadMigrations(dir).map((m) => m.snapshot.schema);
}
