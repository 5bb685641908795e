/** `db push` per target, through the drivers' own push (exactly what `db.push()` runs). */
import type { SchemaDef } from '../src/schema/define.js';
import { loadPeer } from '../src/peer.js';
import type { Driver } from '../src/engine/driver.js';
import { SchemaError } from '../src/errors.js';
import { checkKvSchema } from '../src/plan/kv/schema-check.js';
import { missingConnection, planTarget, type Connections, type DeployTarget } from './connections.js';
import { MigrationError } from './errors.js';

/**
 * Every target's refusals, before any target is changed: the DynamoDB schema
 * rules (a relation without its index, a sparse index) are checked up front, so
 * a push that DynamoDB refuses has not already altered PostgreSQL.
 */
export function validatePush(targets: readonly DeployTarget[], schema: SchemaDef): void {
  const errors = targets.some((t) => planTarget(t) === 'dynamodb') ? checkKvSchema(schema).filter((d) => d.severity === 'error') : [];
  if (errors.length === 0) return;
  const lines = errors.map((d) => `  - [${d.code}] ${d.model ?? ''}: ${d.message}${d.fix ? `\n      fix: ${d.fix}` : ''}`);
  throw new SchemaError(`dynamodb cannot serve this schema; nothing was pushed to any target:\n${lines.join('\n')}`, errors[0].model, undefined, errors[0].code);
}

/** Tables and indexes of the current schema, to tell what a push created. */
const RELATIONS_SQL = `SELECT c.relname AS name, c.relkind AS kind FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p', 'i') ORDER BY 1`;

async function pushSql(driver: Driver & { raw: unknown }, schema: SchemaDef): Promise<string[]> {
  try {
    await driver.connect(schema);
    const raw = driver.raw as { query(sql: string): Promise<{ rows: { name: string; kind: string }[] }> };
    const before = new Set((await raw.query(RELATIONS_SQL)).rows.map((r) => r.name));
    await driver.push(schema);
    const after = (await raw.query(RELATIONS_SQL)).rows;
    return after.filter((r) => !before.has(r.name)).map((r) => (r.kind === 'i' ? `index ${r.name}` : r.name));
  } finally {
    await driver.close();
  }
}

/** Pushes the schema to one target; returns what it created (empty when everything existed). */
export async function pushSchema(target: DeployTarget, schema: SchemaDef, connections: Connections): Promise<string[]> {
  switch (target) {
    case 'postgres': {
      if (!connections.postgres) throw missingConnection('postgres');
      const { postgres } = await import('../drivers/postgres/pg-driver.js');
      return pushSql(postgres({ connectionString: connections.postgres.url, connectTimeoutMs: connections.postgres.connectTimeoutMs }), schema);
    }
    case 'pglite': {
      if (!connections.pglite) throw missingConnection('pglite');
      const { pglite } = await import('../drivers/postgres/pglite-driver.js');
      return pushSql(pglite({ dataDir: connections.pglite.dataDir }) as Driver & { raw: unknown }, schema);
    }
    case 'dynamodb': {
      if (!connections.dynamodb) throw missingConnection('dynamodb');
      const { pushDynamo } = await loadPeer('@aws-sdk/client-dynamodb', 'quern db push on DynamoDB', () => import('./dynamodb/push.js'));
      return pushDynamo(schema, connections.dynamodb);
    }
    default: {
      const never: never = target;
      throw new MigrationError(`unknown target ${String(never)}`);
    }
  }
}
