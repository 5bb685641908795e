/**
 * What a database really holds, normalised for comparison: information_schema,
 * pg_indexes and pg_constraint on PostgreSQL; information_schema on MySQL; DescribeTable (and TTL) on DynamoDB.
 * Order-insensitive where the order means nothing (a column added later is last).
 */
import pg from 'pg';
import mysql from 'mysql2/promise';
import { createClient } from '@libsql/client';
import { pathToFileURL } from 'node:url';
import { DescribeTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';

const LEDGERS = new Set(['_quern_migrations', 'quern_migrations']);

export async function pgSchema(url: string): Promise<unknown> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const columns = await c.query(`
      SELECT table_name, column_name, data_type, udt_name, character_maximum_length, numeric_precision, datetime_precision,
             is_nullable, column_default, collation_name
        FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`);
    const indexes = await c.query(`SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`);
    const constraints = await c.query(`
      SELECT t.relname AS table_name, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def
        FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' ORDER BY t.relname, c.conname`);
    const keep = (r: { table_name?: string; tablename?: string }) => !LEDGERS.has(r.table_name ?? r.tablename ?? '');
    return { columns: columns.rows.filter(keep), indexes: indexes.rows.filter(keep), constraints: constraints.rows.filter(keep) };
  } finally {
    await c.end();
  }
}

/**
 * Every table, index and trigger in sqlite_master with its stored CREATE text (SQLite keeps
 * the text it ran, normalised): equal text is an equal table, constraints and foreign keys
 * included. SQLite's automatic indexes (of keys and uniques) are listed by name.
 */
export async function sqliteSchema(filename: string): Promise<unknown> {
  const c = createClient({ url: pathToFileURL(filename).href });
  try {
    const r = await c.execute(`SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name NOT IN ('_quern_migrations', 'sqlite_sequence') ORDER BY type, name`);
    return r.rows.map((x) => ({ type: x.type, name: x.name, table: x.tbl_name, sql: x.sql }));
  } finally {
    c.close();
  }
}

/** Columns, indexes, CHECK constraints, foreign keys and triggers of a MySQL database (the URL names it). */
export async function mysqlSchema(url: string): Promise<unknown> {
  const c = await mysql.createConnection(url);
  try {
    const q = async (sql: string) => ((await c.query(sql))[0] as Record<string, unknown>[]).filter((r) => !LEDGERS.has(String(r.table_name)));
    return {
      columns: await q(`SELECT table_name, column_name, column_type, is_nullable, column_default, collation_name
        FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, column_name`),
      indexes: await q(`SELECT table_name, index_name, non_unique, group_concat(column_name ORDER BY seq_in_index) AS columns
        FROM information_schema.statistics WHERE table_schema = DATABASE() GROUP BY table_name, index_name, non_unique ORDER BY table_name, index_name`),
      checks: await q(`SELECT table_name, constraint_name, check_clause FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() ORDER BY table_name, constraint_name`),
      foreignKeys: await q(`SELECT r.table_name, r.constraint_name, r.referenced_table_name, r.delete_rule, group_concat(k.column_name ORDER BY k.ordinal_position) AS columns
        FROM information_schema.referential_constraints r JOIN information_schema.key_column_usage k
          ON k.constraint_schema = r.constraint_schema AND k.constraint_name = r.constraint_name AND k.table_name = r.table_name
        WHERE r.constraint_schema = DATABASE() GROUP BY r.table_name, r.constraint_name, r.referenced_table_name, r.delete_rule ORDER BY r.table_name, r.constraint_name`),
      triggers: await q(`SELECT event_object_table AS table_name, trigger_name, event_manipulation, action_statement FROM information_schema.triggers WHERE trigger_schema = DATABASE() ORDER BY trigger_name`),
    };
  } finally {
    await c.end();
  }
}

export interface DynamoServerInfo { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } }

export function dynamoClient(s: DynamoServerInfo): DynamoDBClient {
  return new DynamoDBClient({ endpoint: s.endpoint, region: s.region, credentials: s.credentials });
}

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

export async function dynamoSchema(client: DynamoDBClient, prefix: string): Promise<unknown> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const r = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(r.TableNames ?? []).filter((n) => n.startsWith(prefix)));
    start = r.LastEvaluatedTableName;
  } while (start);
  const tables = [];
  for (const full of names.sort()) {
    const name = full.slice(prefix.length);
    if (LEDGERS.has(name)) continue;
    const t = (await client.send(new DescribeTableCommand({ TableName: full }))).Table!;
    const ttl = (await client.send(new DescribeTimeToLiveCommand({ TableName: full }))).TimeToLiveDescription;
    tables.push({
      name,
      status: t.TableStatus,
      billing: t.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
      key: t.KeySchema,
      // Attributes a key or GSI uses: what both a CreateTable and later UpdateTables define.
      attributes: [...(t.AttributeDefinitions ?? [])].map((a) => ({ name: a.AttributeName!, type: a.AttributeType })).sort(byName),
      gsis: (t.GlobalSecondaryIndexes ?? []).map((g) => ({ name: g.IndexName!, key: g.KeySchema, projection: g.Projection, status: g.IndexStatus })).sort(byName),
      ttl: ttl?.TimeToLiveStatus === 'ENABLED' ? ttl.AttributeName : null,
    });
  }
  return tables;
}
