/** Shared by the migration tests: servers, scratch folders, connections, a fresh `db push` to compare with. */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type Schema } from 'quern';
import { postgres } from 'quern/postgres';
import { dynamodb } from 'quern/dynamodb';
import { sqlite } from 'quern/sqlite';
import { mysql } from 'quern/mysql';
import { freshMysqlDatabase, freshPgDatabase, freshTablePrefix, testServers } from '../harness/index.js';
import type { Connections } from '../../migrations/connections.js';
import { dynamoClient, dynamoSchema, mysqlSchema, pgSchema, sqliteSchema } from './live-schema.js';

// Waiting for tables and GSIs: DynamoDB Local is quick, poll it often.
process.env.QUERN_MIGRATE_POLL_MS ??= '50';

export function scratchDir(tag: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `quern-mig-${tag}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export function copyMigration(from: string, to: string, id: string): void {
  cpSync(join(from, id), join(to, id), { recursive: true });
}

export function backends(): { pg: boolean; dynamo: boolean; mysql: boolean; missing: string[] } {
  const s = testServers();
  const missing = [
    ...(s.postgres ? [] : [`postgres (${s.reasons.postgres})`]),
    ...(s.dynamodb ? [] : [`dynamodb (${s.reasons.dynamodb})`]),
    ...(s.mysql ? [] : [`mysql (${s.reasons.mysql})`]),
  ];
  return { pg: !!s.postgres, dynamo: !!s.dynamodb, mysql: !!s.mysql, missing };
}

/**
 * A database, a table prefix (with `sqlite`, a SQLite file; with `mysql`, a MySQL database) of
 * their own, and the connections the engine takes.
 */
export async function freshTargets(opts: { sqlite?: boolean; mysql?: boolean } = {}): Promise<{ connections: Connections; drop(): Promise<void> }> {
  const s = testServers();
  const [db, my] = await Promise.all([s.postgres ? freshPgDatabase() : null, s.mysql && opts.mysql ? freshMysqlDatabase() : null]);
  const file = opts.sqlite ? scratchDir('sqlite') : null;
  const connections: Connections = {
    ...(db ? { postgres: { url: db.url } } : {}),
    ...(my ? { mysql: { uri: my.url } } : {}),
    ...(s.dynamodb ? { dynamodb: { endpoint: s.dynamodb.endpoint, region: s.dynamodb.region, tablePrefix: freshTablePrefix() } } : {}),
    ...(file ? { sqlite: { filename: join(file.path, 'test.db') } } : {}),
  };
  return {
    connections,
    drop: async () => {
      file?.remove();
      await Promise.all([db?.drop(), my?.drop()]);
    },
  };
}

type Target = 'postgres' | 'dynamodb' | 'sqlite' | 'mysql';
type Live = { postgres?: unknown; dynamodb?: unknown; sqlite?: unknown; mysql?: unknown };

/** The live schema of what `db push` creates for `schema` from nothing (on both targets, or those named). */
export async function pushedSchemas(schema: Schema, targets: readonly Target[] = ['postgres', 'dynamodb']): Promise<Live> {
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
  const onMysql = async () => {
    const db = await freshMysqlDatabase();
    try {
      const driver = mysql({ uri: db.url });
      await driver.push(schema.def);
      await driver.close();
      return await mysqlSchema(db.url);
    } finally {
      await db.drop();
    }
  };
  const [pgLive, dynamoLive, sqliteLive, mysqlLive] = await Promise.all([
    s.postgres && targets.includes('postgres') ? onPg() : undefined,
    s.dynamodb && targets.includes('dynamodb') ? onDynamo() : undefined,
    targets.includes('sqlite') ? onSqlite() : undefined,
    s.mysql && targets.includes('mysql') ? onMysql() : undefined,
  ]);
  return {
    ...(pgLive !== undefined ? { postgres: pgLive } : {}),
    ...(dynamoLive !== undefined ? { dynamodb: dynamoLive } : {}),
    ...(sqliteLive !== undefined ? { sqlite: sqliteLive } : {}),
    ...(mysqlLive !== undefined ? { mysql: mysqlLive } : {}),
  };
}

export async function liveSchemas(connections: Connections): Promise<Live> {
  const s = testServers();
  const [pgLive, dynamoLive, sqliteLive, mysqlLive] = await Promise.all([
    connections.postgres ? pgSchema(connections.postgres.url) : undefined,
    connections.dynamodb && s.dynamodb ? dynamoSchemaOf(connections.dynamodb.tablePrefix) : undefined,
    connections.sqlite ? sqliteSchema(connections.sqlite.filename) : undefined,
    connections.mysql ? mysqlSchema(connections.mysql.uri) : undefined,
  ]);
  return {
    ...(pgLive !== undefined ? { postgres: pgLive } : {}),
    ...(dynamoLive !== undefined ? { dynamodb: dynamoLive } : {}),
    ...(sqliteLive !== undefined ? { sqlite: sqliteLive } : {}),
    ...(mysqlLive !== undefined ? { mysql: mysqlLive } : {}),
  };
}

/** Clients on both targets for one schema version. */
// Tests use many schema versions through one helper; the per-version client types are not the point here.
type AnyClient = Awaited<ReturnType<typeof createClient<Schema<any, any>>>>;

export async function clients(schema: Schema<any, any>, connections: Connections) {
  const s = testServers();
  const out: { postgres?: AnyClient; dynamodb?: AnyClient; sqlite?: AnyClient; mysql?: AnyClient } = {};
  if (connections.postgres) out.postgres = await createClient({ schema, driver: postgres({ connectionString: connections.postgres.url }) });
  if (connections.sqlite) out.sqlite = await createClient({ schema, driver: sqlite({ filename: connections.sqlite.filename }) });
  if (connections.mysql) out.mysql = await createClient({ schema, driver: mysql({ uri: connections.mysql.uri }) });
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
      await out.mysql?.close();
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
