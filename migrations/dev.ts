/**
 * The development workflow around the ledger: `migrate baseline` for a
 * database created by `db push`, `migrate reset` to start over, and the
 * "created by push" detection that `migrate status` explains.
 */
import type { SchemaDef } from '../src/schema/define.js';
import { loadPeer } from '../src/peer.js';
import { quoteIdent } from '../drivers/postgres/serialize.js';
import { missingConnection, sqlConnection, type Connections, type DeployTarget } from './connections.js';
import { MigrationError } from './errors.js';
import { assertNoDuplicates, loadMigrations, type Migration } from './folder.js';
import { migrationStatus } from './plan.js';
import { forTarget } from './run.js';
import { normalizeSchema, sameSchema } from './snapshot.js';
import { groupUnits } from './postgres/sql-file.js';
import { LEDGER_DDL, PG_LEDGER, readLedger } from './postgres/apply.js';
import { openSession } from './postgres/session.js';

const dynamoModules = () => loadPeer('@aws-sdk/client-dynamodb', 'quern migrate on DynamoDB', async () => ({
  sdk: await import('@aws-sdk/client-dynamodb'),
  client: await import('./dynamodb/client.js'),
  ledger: await import('./dynamodb/ledger.js'),
}));

const tablesOf = (schema: SchemaDef) => Object.values(schema.models).map((m) => m.table);

/** The model tables that exist on the target. */
export async function existingTables(target: DeployTarget, schema: SchemaDef, connections: Connections): Promise<string[]> {
  const tables = tablesOf(schema);
  if (target === 'dynamodb') {
    const conn = connections.dynamodb;
    if (!conn) throw missingConnection('dynamodb');
    const { client } = await dynamoModules();
    const c = client.dynamoClient(conn);
    try {
      const out: string[] = [];
      for (const t of tables) if (await client.describe(c, `${conn.tablePrefix}${t}`)) out.push(t);
      return out;
    } finally {
      c.destroy();
    }
  }
  const s = await openSession(sqlConnection(target, connections));
  try {
    const r = await s.query('SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(quote_ident(t)) IS NOT NULL', [tables]);
    return r.rows.map((x) => String(x.t));
  } finally {
    await s.end();
  }
}

/**
 * Tables of the models that exist while no migration is recorded as applied: the
 * database was made by `db push` (or by hand). `migrate apply` would fail on them.
 */
export async function untrackedTables(target: DeployTarget, schema: SchemaDef, connections: Connections, appliedCount: number): Promise<string[]> {
  if (appliedCount > 0) return [];
  return existingTables(target, schema, connections);
}

export interface BaselineResult {
  readonly recorded: readonly string[];
  readonly already: readonly string[];
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

async function baselineOne(target: DeployTarget, migrations: readonly Migration[], connections: Connections): Promise<BaselineResult> {
  const recorded: string[] = [];
  const already: string[] = [];
  if (target === 'dynamodb') {
    const conn = connections.dynamodb!;
    const { client, ledger } = await dynamoModules();
    const c = client.dynamoClient(conn);
    try {
      const l = new ledger.DynamoLedger(c, conn.tablePrefix);
      await l.ensure();
      const rows = await l.rows();
      for (const m of migrations) {
        if (rows.some((r) => r.id === m.id)) already.push(m.id);
        else {
          await l.markApplied(m.id, m.dynamodb!.checksum, m.dynamodb!.parsed.steps.length);
          recorded.push(m.id);
        }
      }
    } finally {
      c.destroy();
    }
    return { recorded, already };
  }
  const s = await openSession(sqlConnection(target, connections));
  try {
    await s.query(LEDGER_DDL);
    const status = migrationStatus(migrations, await readLedger(s), (m) => m.postgres?.checksum);
    for (const row of status) {
      if (row.state !== 'pending') {
        already.push(row.id);
        continue;
      }
      const m = row.migration!;
      const total = groupUnits(m.postgres!.statements).length;
      await s.query(
        `INSERT INTO ${quoteIdent(PG_LEDGER)} (id, checksum, units_done, units_total, finished_at, applied_by) VALUES ($1, $2, $3::int, $3::int, now(), $4)`,
        [m.id, m.postgres!.checksum, total, `baseline ${process.pid}`],
      );
      recorded.push(m.id);
    }
  } finally {
    await s.end();
  }
  return { recorded, already };
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
export async function resetTarget(target: DeployTarget, schemas: readonly SchemaDef[], connections: Connections): Promise<string[]> {
  const tables = [...new Set(schemas.flatMap(tablesOf))];
  if (target === 'dynamodb') {
    const conn = connections.dynamodb;
    if (!conn) throw missingConnection('dynamodb');
    const { sdk, client, ledger } = await dynamoModules();
    const { UNIQUE_TABLE } = await import('./dynamodb/unique-entries.js');
    const c = client.dynamoClient(conn);
    const dropped: string[] = [];
    try {
      for (const t of [...tables, UNIQUE_TABLE, ledger.LEDGER_TABLE]) {
        const name = `${conn.tablePrefix}${t}`;
        if (!(await client.describe(c, name))) continue;
        await c.send(new sdk.DeleteTableCommand({ TableName: name }));
        await client.waitGone(c, name);
        dropped.push(name);
      }
    } finally {
      c.destroy();
    }
    return dropped;
  }
  const s = await openSession(sqlConnection(target, connections));
  try {
    const r = await s.query('SELECT t FROM unnest($1::text[]) AS t WHERE to_regclass(quote_ident(t)) IS NOT NULL', [[...tables, PG_LEDGER]]);
    const dropped = r.rows.map((x) => String(x.t));
    if (dropped.length) await s.query(`DROP TABLE IF EXISTS ${dropped.map(quoteIdent).join(', ')} CASCADE`);
    return dropped;
  } finally {
    await s.end();
  }
}

/** Every schema the folder's snapshots have described, so reset also drops tables of models since removed. */
export function snapshotSchemas(dir: string): SchemaDef[] {
  return loadMigrations(dir).map((m) => m.snapshot.schema);
}
