/**
 * Crash safety and concurrency, with real processes: an apply killed at a
 * named point (QUERN_TEST_KILL_AT makes it SIGKILL itself there) is re-run to
 * completion with no step lost or repeated; two applies started together
 * apply each migration once; a unique constraint over duplicate data stops
 * with a report instead of writing them.
 *
 * The scenarios share nothing (a database and a table prefix each), so they run
 * concurrently: most of their time is spent waiting on child processes and servers.
 */
import { describe, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { createClient as libsql } from '@libsql/client';
import { pathToFileURL } from 'node:url';
import { DeleteItemCommand, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoLedger } from '../../migrations/dynamodb/ledger.js';
import type { PlanTarget } from '../../targets/types.js';
import type { Connections } from '../../migrations/connections.js';
import { testServers } from '../harness/index.js';
import { HISTORY } from './history.js';
import { dynamoClient } from './live-schema.js';
import { backends, clients, freshTargets, liveSchemas, pushedSchemas } from './setup.js';
import { Project, type RunResult } from './project.js';
import { scaled } from '../harness/time-scale.js';

const { pg: hasPg, dynamo: hasDynamo, mysql: hasMysql, missing } = backends();
if (missing.length) console.warn(`[migrations] SKIPPING reliability tests needing: ${missing.join(', ')}`);

const LONG = scaled(300_000);
const killed = (r: RunResult) => r.signal === 'SIGKILL' || r.code === 137;

/** A scenario of its own: fresh targets, a scratch project, both removed afterwards. */
async function scenario(targets: readonly PlanTarget[], work: (project: Project, connections: Connections) => Promise<void>): Promise<void> {
  const fresh = await freshTargets({ sqlite: targets.includes('sqlite'), mysql: targets.includes('mysql') });
  const connections: Connections = Object.fromEntries(targets.map((t) => [t, fresh.connections[t]]));
  const project = new Project(connections, targets);
  try {
    await work(project, connections);
  } finally {
    project.remove();
    await fresh.drop();
  }
}

async function scanAll(client: ReturnType<typeof dynamoClient>, table: string): Promise<Record<string, AttributeValue>[]> {
  const out: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

describe.concurrent('migrate apply under crashes, concurrency and bad data', () => {
  it.skipIf(!hasPg)('PostgreSQL: killed inside a transaction (rolled back) and after CREATE INDEX CONCURRENTLY (recorded as half-done), then resumed', { timeout: LONG }, ({ expect }) => scenario(['postgres'], async (project, connections) => {
    const [id1, id2] = await project.generateHistory(2);
    project.useVersion(2);
    const c = new pg.Client({ connectionString: connections.postgres!.url });
    await c.connect();
    try {
      const first = await project.run(['migrate', 'apply'], { QUERN_TEST_KILL_AT: `postgres:${id2}:unit:0:before-commit` });
      expect(killed(first), first.stderr).toBe(true);
      // 0001 committed; 0002's first transaction died with the process.
      expect((await c.query('SELECT id, units_done FROM _quern_migrations ORDER BY id')).rows).toEqual([{ id: id1, units_done: 1 }]);
      expect((await c.query(`SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'User' AND column_name = 'age'`)).rows[0].n).toBe(0);

      const second = await project.run(['migrate', 'apply'], { QUERN_TEST_KILL_AT: `postgres:${id2}:unit:1:before-record` });
      expect(killed(second), second.stderr).toBe(true);
      expect((await c.query('SELECT units_done, units_total, finished_at FROM _quern_migrations WHERE id = $1', [id2])).rows).toEqual([{ units_done: 1, units_total: 2, finished_at: null }]);
      const status = await project.run(['migrate', 'status']);
      expect(status.code).toBe(1);
      expect(status.stdout).toContain(`${id2}  partially applied (1/2)`);

      const third = await project.run(['migrate', 'apply']);
      expect(third.code, third.stderr).toBe(0);
      expect(third.stdout).toContain(`applied ${id2}; 1 already applied`);
      expect((await c.query('SELECT id, units_done, units_total FROM _quern_migrations ORDER BY id')).rows).toEqual([
        { id: id1, units_done: 1, units_total: 1 },
        { id: id2, units_done: 2, units_total: 2 },
      ]);
    } finally {
      await c.end();
    }
    const [live, pushed] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[1].schema(), ['postgres'])]);
    expect(live.postgres).toEqual(pushed.postgres);
  }));

  it('SQLite: killed before COMMIT, the migration is simply not applied (transactional DDL); re-run applies it whole, and two applies together apply each migration once', { timeout: LONG }, ({ expect }) => scenario(['sqlite'], async (project, connections) => {
    const ids = await project.generateHistory(3);
    // 0003 waits outside the folder until the concurrent applies below.
    const held = join(project.dir, ids[2]);
    renameSync(join(project.migrations, ids[2]), held);
    const file = connections.sqlite!.filename;
    const query = async (sql: string) => {
      const c = libsql({ url: pathToFileURL(file).href });
      try {
        return (await c.execute(sql)).rows.map((r) => ({ ...r }));
      } finally {
        c.close();
      }
    };
    project.useVersion(2);
    await project.applyInProcess(ids.slice(0, 1));
    const c1 = await clients(HISTORY[0].schema(), connections);
    const user = await c1.sqlite!.user.create({ data: { email: 'crash@x.io', name: 'C' } });
    await c1.sqlite!.post.create({ data: { authorId: user.id, title: 'kept' } });
    await c1.close();

    // 0002 rebuilds User and Post: killed with every statement run, the ledger row written, COMMIT not reached.
    const first = await project.run(['migrate', 'apply'], { QUERN_TEST_KILL_AT: `sqlite:${ids[1]}:before-commit` });
    expect(killed(first), first.stderr).toBe(true);
    expect(await query('SELECT id FROM _quern_migrations ORDER BY id')).toEqual([{ id: ids[0] }]);
    expect((await query(`SELECT name FROM pragma_table_info('User')`)).map((r) => r.name)).not.toContain('age');
    expect(await query(`SELECT name FROM sqlite_master WHERE name LIKE '_quern_new_%'`)).toEqual([]);
    expect(await query('SELECT title FROM "Post"')).toEqual([{ title: 'kept' }]);
    const status = await project.run(['migrate', 'status']);
    expect(status.stdout).toMatch(new RegExp(`${ids[1]}\\s+pending`));

    const second = await project.run(['migrate', 'apply', '--target', 'sqlite']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(`applied ${ids[1]}; 1 already applied`);
    expect(await query('SELECT title, views, tags FROM "Post"')).toEqual([{ title: 'kept', views: 0, tags: '[]' }]);
    const [live, pushed] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[1].schema(), ['sqlite'])]);
    expect(live.sqlite).toEqual(pushed.sqlite);

    // Two applies at once: SQLite's write lock (BEGIN IMMEDIATE) lets one at a time run a migration.
    project.useVersion(3);
    renameSync(held, join(project.migrations, ids[2]));
    const [a, b] = await Promise.all([project.run(['migrate', 'apply']), project.run(['migrate', 'apply'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const appliedBy = (r: RunResult) => (/^sqlite .*: applied ([^;\n]*)/m.exec(r.stdout)?.[1] ?? '').split(', ').filter((x) => x && x !== 'nothing');
    expect([...appliedBy(a), ...appliedBy(b)], `${a.stdout}\n${b.stdout}`).toEqual([ids[2]]);
    expect(await query('SELECT id FROM _quern_migrations ORDER BY id')).toEqual(ids.map((id) => ({ id })));
    const [live3, pushed3] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[2].schema(), ['sqlite'])]);
    expect(live3.sqlite).toEqual(pushed3.sqlite);
  }));

  it.skipIf(!hasMysql)('MySQL: killed after a statement ran and before it was recorded, then after a later one, then resumed to the end', { timeout: LONG }, ({ expect }) => scenario(['mysql'], async (project, connections) => {
    const [id1, id2] = await project.generateHistory(2);
    project.useVersion(2);
    // 0002 adds User.age, Post.tags and Post.views (each added nullable, filled, made required) and an index: 8 statements.
    await project.applyInProcess([id1]);
    const c1 = await clients(HISTORY[0].schema(), connections);
    const user = await c1.mysql!.user.create({ data: { email: 'crash@x.io', name: 'C' } });
    const post = await c1.mysql!.post.create({ data: { authorId: user.id, title: 'kept' } });
    await c1.close();

    const my = await mysql.createConnection(connections.mysql!.uri);
    const ledger = async () => ((await my.query('SELECT id, units_done, units_total, finished_at IS NOT NULL AS finished FROM _quern_migrations ORDER BY id')) as unknown as [unknown[]])[0];
    const columns = async () =>
      ((await my.query(`SELECT column_name AS c, is_nullable AS n FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = 'Post' ORDER BY column_name`)) as unknown as [{ c: string; n: string }[]])[0];
    try {
      // Killed right after ADD COLUMN tags committed (MySQL DDL commits on its own), before its ledger record.
      const first = await project.run(['migrate', 'apply'], { QUERN_TEST_KILL_AT: `mysql:${id2}:unit:1:before-record` });
      expect(killed(first), first.stderr).toBe(true);
      expect(await ledger()).toEqual([
        { id: id1, units_done: 3, units_total: 3, finished: 1 },
        { id: id2, units_done: 1, units_total: 8, finished: 0 },
      ]);
      expect((await columns()).find((c) => c.c === 'tags')).toEqual({ c: 'tags', n: 'YES' });
      const status = await project.run(['migrate', 'status']);
      expect(status.code).toBe(1);
      expect(status.stdout).toContain(`${id2}  partially applied (1/8)`);

      // The re-run meets the column it added: recorded as done, then on to the 6th statement, killed after its record.
      const second = await project.run(['migrate', 'apply'], { QUERN_TEST_KILL_AT: `mysql:${id2}:unit:5:after` });
      expect(killed(second), second.stderr).toBe(true);
      expect(second.stderr).toContain(`${id2}: line `);
      expect(second.stderr).toContain('had already run before the previous apply was interrupted (the column exists)');
      expect((await ledger())[1]).toEqual({ id: id2, units_done: 6, units_total: 8, finished: 0 });

      const third = await project.run(['migrate', 'apply']);
      expect(third.code, third.stderr).toBe(0);
      expect(third.stdout).toContain(`applied ${id2}; 1 already applied`);
      expect(third.stderr).not.toContain('had already run');
      expect(await ledger()).toEqual([
        { id: id1, units_done: 3, units_total: 3, finished: 1 },
        { id: id2, units_done: 8, units_total: 8, finished: 1 },
      ]);
    } finally {
      await my.end();
    }
    const [live, pushed] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[1].schema(), ['mysql'])]);
    expect(live.mysql).toBeDefined();
    expect(live.mysql).toEqual(pushed.mysql);
    // The row written before the migration was filled once.
    const c2 = await clients(HISTORY[1].schema(), connections);
    expect(await c2.mysql!.post.findUniqueOrThrow({ where: { id: post.id }, select: { title: true, tags: true, views: true } })).toEqual({ title: 'kept', tags: [], views: 0 });
    await c2.close();
  }));

  it.skipIf(!hasMysql)('MySQL: two applies started together: one waits for the GET_LOCK of the other, each migration is applied once', { timeout: LONG }, ({ expect }) => scenario(['mysql'], async (project, connections) => {
    const ids = await project.generateHistory(3);
    project.useVersion(3);
    const [a, b] = await Promise.all([project.run(['migrate', 'apply']), project.run(['migrate', 'apply'])]);
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const appliedBy = (r: RunResult) => (/^mysql .*: applied ([^;\n]*)/m.exec(r.stdout)?.[1] ?? '').split(', ').filter((x) => x && x !== 'nothing');
    expect([...appliedBy(a), ...appliedBy(b)].sort(), `${a.stdout}\n${b.stdout}`).toEqual(ids);
    const my = await mysql.createConnection(connections.mysql!.uri);
    const [rows] = (await my.query('SELECT id, units_done = units_total AS done FROM _quern_migrations ORDER BY id')) as unknown as [{ id: string; done: number }[]];
    await my.end();
    expect(rows).toEqual(ids.map((id) => ({ id, done: 1 })));
    const [live, pushed] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[2].schema(), ['mysql'])]);
    expect(live.mysql).toEqual(pushed.mysql);
  }));

  it.skipIf(!hasDynamo)('DynamoDB: killed while a new GSI is built, then during an attribute rename and a unique backfill, then resumed', { timeout: LONG }, ({ expect }) => scenario(['dynamodb'], async (project, connections) => {
    const client = dynamoClient(testServers().dynamodb!);
    try {
      const prefix = connections.dynamodb!.tablePrefix;
      const ids = await project.generateHistory(4);
      const ledger = new DynamoLedger(client, prefix);
      project.useVersion(4);
      // 0001 applied, then items for the later steps to work through.
      await project.applyInProcess(ids.slice(0, 1));
      const c1 = await clients(HISTORY[0].schema(), connections);
      const user = await c1.dynamodb!.user.create({ data: { email: 'crash@x.io', name: 'C' } });
      await Promise.all(Array.from({ length: 13 }, (_, i) => c1.dynamodb!.post.create({ data: { authorId: user.id, title: `post ${i}`, status: i % 2 ? 'published' : 'draft' } })));
      await c1.close();

      // 0002 adds a GSI over those items: killed after UpdateTable, while DynamoDB builds it.
      const r1 = await project.run(['migrate', 'apply'], { QUERN_TEST_KILL_AT: `dynamodb:${ids[1]}:step:0:building-index` });
      expect(killed(r1), r1.stderr).toBe(true);
      expect((await ledger.rows()).map((r) => [r.id, r.done, r.total, !!r.finishedAt])).toEqual([[ids[0], 3, 3, true], [ids[1], 0, 1, false]]);

      // Re-run: the GSI exists already (CREATING or ACTIVE); the step waits for it instead of creating it again.
      // Then 0003 renames title → headline item by item: killed at the 7th item (pages of 5).
      const scanEnv = { QUERN_MIGRATE_SCAN_PAGE: '5' };
      const r2 = await project.run(['migrate', 'apply'], { ...scanEnv, QUERN_TEST_KILL_AT: `dynamodb:${ids[2]}:step:0:item:7` });
      expect(killed(r2), r2.stderr).toBe(true);
      expect((await ledger.rows()).find((r) => r.id === ids[1])!.done).toBe(1);
      // Then 0004's backfill of unique(authorId, headline): killed at the 12th item.
      const r3 = await project.run(['migrate', 'apply'], { ...scanEnv, QUERN_TEST_KILL_AT: `dynamodb:${ids[3]}:step:1:item:12` });
      expect(killed(r3), r3.stderr).toBe(true);
      const r4 = await project.run(['migrate', 'apply'], scanEnv);
      expect(r4.code, r4.stderr).toBe(0);

      // Every step recorded exactly once, none skipped.
      for (const id of ids) {
        const row = (await ledger.rows()).find((r) => r.id === id)!;
        expect(row.done).toBe(row.total);
        expect(await ledger.stepRecords(id)).toEqual(Array.from({ length: row.total }, (_, n) => `step#${id}#${String(n).padStart(4, '0')}`));
      }
      const [live, pushed] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[3].schema(), ['dynamodb'])]);
      expect(live.dynamodb).toEqual(pushed.dynamodb);

      // The data followed: every item renamed once, one unique entry per item.
      const posts = await scanAll(client, `${prefix}Post`);
      expect(posts).toHaveLength(13);
      expect(posts.every((p) => p.headline?.S?.startsWith('post ') && !('title' in p))).toBe(true);
      const entries = (await scanAll(client, `${prefix}quern-unique`)).filter((e) => e.c?.S === 'Post_authorId_headline_key');
      expect(entries).toHaveLength(13);
      const c4 = await clients(HISTORY[3].schema(), connections);
      expect(await c4.dynamodb!.post.findMany({ where: { status: 'published' } })).toHaveLength(6);
      await expect(c4.dynamodb!.post.create({ data: { authorId: user.id, headline: 'post 3' } })).rejects.toThrow(/Unique constraint/);
      await c4.close();
    } finally {
      client.destroy();
    }
  }));

  it.skipIf(!hasPg || !hasDynamo)('two applies started together: one waits for the other, each migration is applied once', { timeout: LONG }, ({ expect }) => scenario(['postgres', 'dynamodb'], async (project, connections) => {
    const client = dynamoClient(testServers().dynamodb!);
    try {
      const ids = await project.generateHistory(3);
      project.useVersion(3);
      const [a, b] = await Promise.all([project.run(['migrate', 'apply']), project.run(['migrate', 'apply'])]);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      for (const t of ['postgres', 'dynamodb']) {
        const appliedBy = (r: RunResult) => (new RegExp(`^${t} .*: applied ([^;\\n]*)`, 'm').exec(r.stdout)?.[1] ?? '').split(', ').filter((x) => x && x !== 'nothing');
        const both = [...appliedBy(a), ...appliedBy(b)].sort();
        expect(both, `${t}\n${a.stdout}\n${b.stdout}`).toEqual(ids);
      }
      const pgc = new pg.Client({ connectionString: connections.postgres!.url });
      await pgc.connect();
      expect((await pgc.query('SELECT id FROM _quern_migrations ORDER BY id')).rows.map((r) => r.id)).toEqual(ids);
      await pgc.end();
      const ledger = new DynamoLedger(client, connections.dynamodb!.tablePrefix);
      for (const r of await ledger.rows()) expect(await ledger.stepRecords(r.id)).toHaveLength(r.total);
      const [live, pushed] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[2].schema())]);
      expect(live).toEqual(pushed);
    } finally {
      client.destroy();
    }
  }));

  it.skipIf(!hasPg || !hasDynamo)('a unique constraint over duplicate rows stops with a report on both targets, and goes through once they are fixed', { timeout: LONG }, ({ expect }) => scenario(['postgres', 'dynamodb'], async (project, connections) => {
    const client = dynamoClient(testServers().dynamodb!);
    const prefix = connections.dynamodb!.tablePrefix;
    try {
      const ids = await project.generateHistory(4);
      project.useVersion(4);
      // Up to 0003 applied, then two posts that 0004's unique(authorId, headline) forbids.
      await project.applyInProcess(ids.slice(0, 3));
      const c3 = await clients(HISTORY[2].schema(), connections);
      const dupKeys: Record<string, string[]> = {};
      for (const [name, db] of c3.each()) {
        const u = await (db as any).user.create({ data: { email: `d-${name}@x.io`, name: 'D' } });
        const made = [];
        for (const h of ['same', 'same', 'other']) made.push(await (db as any).post.create({ data: { authorId: u.id, headline: h } }));
        dupKeys[name] = made.slice(0, 2).map((p) => p.id);
      }
      await c3.close();

      const refused = await project.run(['migrate', 'apply']);
      expect(refused.code).toBe(1);
      // PostgreSQL refuses first (targets run in order): its unique index build fails on the duplicates.
      expect(refused.stderr).toMatch(/could not create unique index "Post_authorId_headline_key"/);
      const dynamoOnly = await project.run(['migrate', 'apply', '--target', 'dynamodb']);
      expect(dynamoOnly.code).toBe(1);
      expect(dynamoOnly.stderr).toContain('unique Post_authorId_headline_key on Post(authorId, headline) cannot be built: 1 item repeats a value');
      const report = /headline="same": item \(id="([0-9a-f-]+)"\) repeats item \(id="([0-9a-f-]+)"\)/.exec(dynamoOnly.stderr);
      expect(report, dynamoOnly.stderr).not.toBeNull();
      const [, repeater, holder] = report!;
      expect([repeater, holder].sort()).toEqual([...dupKeys.dynamodb].sort());
      const entries = (await scanAll(client, `${prefix}quern-unique`)).filter((e) => e.c?.S === 'Post_authorId_headline_key');
      expect(entries).toHaveLength(2); // 'same' once and 'other': the duplicate was not written

      // Fix the data on both targets, outside quern, and re-run: the half-built PostgreSQL index is
      // dropped and rebuilt; on DynamoDB the deleted item is the one whose entry was written (whichever
      // the scan met first), so its stale entry must pass to the item that stays.
      const pgc = new pg.Client({ connectionString: connections.postgres!.url });
      await pgc.connect();
      await pgc.query('DELETE FROM "Post" WHERE id = $1', [dupKeys.postgres[1]]);
      await pgc.end();
      await client.send(new DeleteItemCommand({ TableName: `${prefix}Post`, Key: { id: { S: holder } } }));
      const ok = await project.run(['migrate', 'apply']);
      expect(ok.code, ok.stderr).toBe(0);
      const after = (await scanAll(client, `${prefix}quern-unique`)).filter((e) => e.c?.S === 'Post_authorId_headline_key');
      expect(after.map((e) => e.k?.M?.id?.S)).toContain(repeater);
      expect(after.map((e) => e.k?.M?.id?.S)).not.toContain(holder);
      expect(after).toHaveLength(2);
      const [live, pushed] = await Promise.all([liveSchemas(connections), pushedSchemas(HISTORY[3].schema())]);
      expect(live).toEqual(pushed);
    } finally {
      client.destroy();
    }
  }));
});
