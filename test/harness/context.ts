// Test-side helpers. They read what the globalSetup provided, so they only work inside vitest
// test files (not in the globalSetup, nor under plain tsx: use startServers() there).
import { randomBytes } from 'node:crypto';
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import { mysqlConnectionOptions } from './mysql.js';
import { inject } from 'vitest';
import { readPgliteTemplate } from './pglite-template.js';
import type { BackendName, ProvidedServers } from './types.js';

export function testServers(): ProvidedServers {
  let provided: ProvidedServers | undefined;
  try {
    provided = inject('quernServers');
  } catch (error) {
    throw new Error(`testServers() only works inside vitest test files: ${error instanceof Error ? error.message : error}`);
  }
  if (!provided) {
    throw new Error('quern harness globalSetup did not run: run vitest with the repository vitest.config.ts (globalSetup test/harness/global-setup.ts)');
  }
  return provided;
}

/**
 * Options for a test's in-memory pglite(): start from the run's empty template cluster
 * (pglite-template.ts) instead of running initdb again. Empty when no template could be made.
 */
export function pgliteOptions(): { loadDataDir?: Blob } {
  const path = inject('quernPgliteTemplate');
  return path ? { loadDataDir: readPgliteTemplate(path) } : {};
}

export function availableBackends(): BackendName[] {
  const { postgres, dynamodb, mysql } = testServers();
  // pglite and sqlite run in the process: always there.
  return [
    'pglite',
    ...(postgres ? (['postgres'] as const) : []),
    ...(dynamodb ? (['dynamodb'] as const) : []),
    'sqlite',
    ...(mysql ? (['mysql'] as const) : []),
  ];
}

async function withAdminClient(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

/** A database of its own on the shared server, so tests in parallel files cannot see each other. */
export async function freshPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { postgres, reasons } = testServers();
  if (!postgres) throw new Error(`freshPgDatabase(): no PostgreSQL server (${reasons.postgres ?? 'unknown reason'})`);
  const name = `quern_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient(postgres.url, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return {
    url: url.toString(),
    // FORCE terminates sessions a test left open (PostgreSQL 13+).
    drop: () => (dropping ??= withAdminClient(postgres.url, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`))),
  };
}

/** A database of its own on the shared MySQL server, as freshPgDatabase does for PostgreSQL. */
export async function freshMysqlDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const { mysql, reasons } = testServers();
  if (!mysql) throw new Error(`freshMysqlDatabase(): no MySQL server (${reasons.mysql ?? 'unknown reason'})`);
  const name = `quern_t_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const conn = await mysql2.createConnection(mysqlConnectionOptions(mysql.url));
    try {
      await conn.query(sql);
    } finally {
      await conn.end().catch(() => undefined);
    }
  };
  await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  const url = new URL(mysql.url);
  url.pathname = `/${name}`;
  let dropping: Promise<void> | undefined;
  return { url: url.toString(), drop: () => (dropping ??= admin(`DROP DATABASE IF EXISTS \`${name}\``)) };
}

/**
 * Table-name prefix for DynamoDB isolation (one server is shared by every test file).
 * 32 random bits: with a few thousand prefixes per run a collision stays below one in a thousand.
 */
export function freshTablePrefix(): string {
  return `t${randomBytes(4).toString('hex')}_`;
}
