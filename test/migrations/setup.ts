/** Shared by the migration tests: servers, scratch folders, connections, a fresh `db push` to compare with. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Schema } from 'quern';
import { postgres } from 'quern/postgres';
import { dynamodb } from 'quern/dynamodb';
import { sqlite } from 'quern/sqlite';
import { freshPgDatabase, freshTablePrefix, testServers } from '../harness/index.js';
import type { Connections } from '../../migrations/connections.js';
import { dynamoClient, dynamoSchema, pgSchema, sqliteSchema } from './live-schema.js';

// Waiting for tables and GSIs: DynamoDB Local is quick, poll it often.
process.env.QUERN_MIGRATE_POLL_MS ??= '50';

export function scratchDir(tag: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `quern-mig-${tag}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function copyMigration(from: string, to: string, id: string): void {
  cpSync(join(from, id), join(to, id), { recursive: true });
}

export function backends(): { pg: boolean; dynamo: boolean; missing: string[] } {
  const s = testServers();
  const missing = [...(s.postgres ? [] : [`postgres (${s.reasons.postgres})`]), ...(s.dynamodb ? [] : [`dynamodb (${s.reasons.dynamodb})`])];
  return { pg: !!s.postgres, dynamo: !!s.dynamodb, missing };
}

/** A database, a table prefix (and with `sqlite`, a SQLite file) of their own, and the connections the engine takes. */
export async function freshTargets(opts: { sqlite?: boolean } = {}): Promise<{ connections: Connections; drop(): Promise<void> }> {
  const s = testServers();
  const db = s.postgres ? await freshPgDatabase() : null;
  const file = opts.sqlite ? scratchDir('sqlite') : null;
  const connections: Connections = {
    ...(db ? { postgres: { url: db.url } } : {}),
    ...(s.dynamodb ? { dynamodb: { endpoint: s.dynamodb.endpoint, region: s.dynamodb.region, tablePrefix: freshTablePrefix() } } : {}),
    ...(file ? { sqlite: { filename: join(file.path, 'test.db') } } : {}),
  };
  return {
    connections,
    drop: async () => {
      file?.remove();
      await db?.drop();
    },
  };
}

type Target = 'postgres' | 'dynamodb' | 'sqlite';

/** The live schema of what `db push` creates for `schema` from nothing (on both targets, or those named). */
export async function pushedSchemas(schema: Schema, targets: readonly Target[] = ['postgres', 'dynamodb']): Promise<{ postgres?: unknown; dynamodb?: unknown; sqlite?: unknown }> {
  const s = testServers();
  const onPg = async () => {
    const db = await freshPgDatabase();
    try {
      const driver = postgres({ connectionString: db.url });
      await driver.push(schema.def);
      await driver.close();
      return await pgSchema(db.url);
    } finally {
      await db.drop();
    }
  };
  const onDynamo = async () => {
    const prefix = freshTablePrefix();
    const driver = dynamodb({ endpoint: s.dynamodb!.endpoint, region: s.dynamodb!.region, credentials: s.dynamodb!.credentials, tablePrefix: prefix });
    await driver.push(schema.def);
    await driver.close();
    return dynamoSchemaOf(prefix);
  };
  const onSqlite = async () => {
    const dir = scratchDir('push');
    try {
      const filename = join(dir.path, 'push.db');
      const driver = sqlite({ filename });
      await driver.push(schema.def);
      await driver.close();
      return await sqliteSchema(filename);
    } finally {
      dir.remove();
    }
  };
  const [pgLive, dynamoLive, sqliteLive] = await Promise.all([
    s.postgres && targets.includes('postgres') ? onPg() : undefined,
    s.dynamodb && targets.includes('dynamodb') ? onDynamo() : undefined,
    targets.includes('sqlite') ? onSqlite() : undefined,
  ]);
  return { ...(pgLive !== undefined ? { postgres: pgLive } : {}), ...(dynamoLive !== undefined ? { dynamodb: dynamoLive } : {}), ...(sqliteLive !== undefined ? { sqlite: sqliteLive } : {}) };
}

export async function liveSchemas(connections: Connections): Promise<{ postgres?: unknown; dynamodb?: unknown; sqlite?: unknown }> {
  const s = testServers();
  const [pgLive, dynamoLive, sqliteLive] = await Promise.all([
    connections.postgres ? pgSchema(connections.postgres.url) : undefined,
    connections.dynamodb && s.dynamodb ? dynamoSchemaOf(connections.dynamodb.tablePrefix) : undefined,
    connections.sqlite ? sqliteSchema(connections.sqlite.filename) : undefined,
  ]);
  return { ...(pgLive !== undefined ? { postgres: pgLive } : {}), ...(dynamoLive !== undefined ? { dynamodb: dynamoLive } : {}), ...(sqliteLive !== undefined ? { sqlite: sqliteLive } : {}) };
}

/** Clients on both targets for one schema version. */
// Tests use many schema versions through one helper; the per-version client types are not the point here.
type AnyClient = Awaited<ReturnType<typeof createClient<Schema<any, any>>>>;

export async function clients(schema: Schema<any, any>, connections: Connections) {
  const s = testServers();
  const out: { postgres?: AnyClient; dynamodb?: AnyClient; sqlite?: AnyClient } = {};
  if (connections.postgres) out.postgres = await createClient({ schema, driver: postgres({ connectionString: connections.postgres.url }) });
  if (connections.sqlite) out.sqlite = await createClient({ schema, driver: sqlite({ filename: connections.sqlite.filename }) });
  if (connections.dynamodb && s.dynamodb) {
    out.dynamodb = await createClient({ schema, driver: dynamodb({ endpoint: s.dynamodb.endpoint, region: s.dynamodb.region, credentials: s.dynamodb.credentials, tablePrefix: connections.dynamodb.tablePrefix }) });
  }
  return {
    ...out,
    each: () => Object.entries(out).filter(([, c]) => c) as [string, AnyClient][],
    close: async () => {
      await out.postgres?.close();
      await out.dynamodb?.close();
      await out.sqlite?.close();
    },
  };
}

/** The live DynamoDB tables under a prefix, read through a short-lived client. */
async function dynamoSchemaOf(prefix: string): Promise<unknown> {
  const client = dynamoClient(testServers().dynamodb!);
  try {
    return await dynamoSchema(client, prefix);
  } finally {
    client.destroy();
  }
}
