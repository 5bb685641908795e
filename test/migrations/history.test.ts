/**
 * Seven model versions are generated, then applied one at a time to a real
 * PostgreSQL, to DynamoDB Local, to a SQLite file and to MySQL (MariaDB). After every step the live schema must equal
 * what a fresh `db push` of the same models creates, and the rows written along
 * the way must still be there (renamed fields keep their data).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { createClient as libsql } from '@libsql/client';
import { pathToFileURL } from 'node:url';
import { UniqueConstraintError } from 'quern';
import { generateMigration } from '../../migrations/generate.js';
import { applyMigrations } from '../../migrations/run.js';
import { nonInteractiveResolver, parseRename } from '../../migrations/diff/renames.js';
import { AmbiguousChangeError, DestructiveChangeError } from '../../migrations/errors.js';
import { silentProgress } from '../../migrations/progress.js';
import { migrationStatuses } from '../../migrations/run.js';
import { DynamoLedger } from '../../migrations/dynamodb/ledger.js';
import { parseSqlFile } from '../../migrations/postgres/sql-file.js';
import { dynamoClient } from './live-schema.js';
import { HISTORY, v1, v2, v3, v4, v5, v6, v7 } from './history.js';
import { backends, clients, copyMigration, freshTargets, liveSchemas, pushedSchemas, scratchDir } from './setup.js';
import { testServers } from '../harness/index.js';

const { pg: hasPg, dynamo: hasDynamo, mysql: hasMysql, missing } = backends();
if (missing.length) console.warn(`[migrations] the history test runs without: ${missing.join(', ')}`);

/** Every target the history goes through; MySQL when its server is there (under CI it must be: a missing one fails the run). */
const TARGETS = ['postgres', 'dynamodb', 'sqlite', ...(hasMysql ? (['mysql'] as const) : [])] as const;

describe.skipIf(!hasPg || !hasDynamo)('a migration history of seven versions, on PostgreSQL, DynamoDB, SQLite and MySQL', () => {
  const generated = scratchDir('gen');
  const applied = scratchDir('apply');
  let targets: Awaited<ReturnType<typeof freshTargets>>;
  const ids: string[] = [];
  const ids_: Record<string, string> = {};

  beforeAll(async () => {
    targets = await freshTargets({ sqlite: true, mysql: true });
  });
  afterAll(async () => {
    await targets?.drop();
    generated.remove();
    applied.remove();
  });

  const apply = (allowDestructive: boolean) => applyMigrations({
    dir: applied.path, targets: TARGETS, connections: targets.connections, allowDestructive, progress: silentProgress,
  });

  it('generates every version, refusing ambiguity and destruction until told', async () => {
    for (const [i, step] of HISTORY.entries()) {
      const schema = step.schema().def;
      const base = { schema, targets: TARGETS, dir: generated.path, name: step.name, resolver: nonInteractiveResolver(false) };
      if (step.renames.length) {
        // Without --rename nobody can tell a rename from drop + add: the error names the flag.
        const e = await generateMigration(base).catch((x) => x);
        expect(e).toBeInstanceOf(AmbiguousChangeError);
        expect(e.message).toContain('--rename Post.title=headline');
        expect(e.message).toContain('--allow-destructive');
      }
      if (step.destructive) {
        const e = await generateMigration({ ...base, renames: step.renames.map(parseRename) }).catch((x) => x);
        expect(e).toBeInstanceOf(DestructiveChangeError);
        expect(e.message).toContain('--allow-destructive');
      }
      const r = await generateMigration({ ...base, renames: step.renames.map(parseRename), allowDestructive: step.destructive });
      expect(r.id).toBe(`${String(i + 1).padStart(4, '0')}_${step.name}`);
      ids.push(r.id!);
      ids_[step.name] = r.id!;
    }
    expect(readdirSync(generated.path).sort()).toEqual(ids);
    // Generating again finds nothing to do.
    const again = await generateMigration({ schema: v7().def, targets: TARGETS, dir: generated.path, resolver: nonInteractiveResolver(false) });
    expect(again.id).toBeNull();
    const sql3 = readFileSync(join(generated.path, ids[2], 'migration.sql'), 'utf8');
    expect(sql3).toContain('RENAME COLUMN "title" TO "headline"');
    expect(sql3).not.toMatch(/DROP COLUMN/);
    // SQLite rebuilds Post, reading headline from title: the data is copied, not dropped.
    const lite3 = readFileSync(join(generated.path, ids[2], 'migration.sqlite.sql'), 'utf8');
    expect(lite3).toMatch(/INSERT INTO "_quern_new_Post" \([^)]*"headline"[^)]*\)\n {2}SELECT [^\n]*"title"[^\n]* FROM "Post"/);
    expect(lite3).toContain('ALTER TABLE "_quern_new_Post" RENAME TO "Post"');
    expect(lite3).not.toContain('quern:destructive');
    if (hasMysql) {
      const my3 = readFileSync(join(generated.path, ids[2], 'migration.mysql.sql'), 'utf8');
      expect(my3).toContain('ALTER TABLE "Post" RENAME COLUMN "title" TO "headline"');
      expect(my3).not.toMatch(/DROP COLUMN/);
    }
  });

  // One test per version: apply it, compare with a fresh push, use the data.
  const versions = [v1, v2, v3, v4, v5, v6, v7];
  const seen: Record<string, string> = {};

  for (const [i, step] of HISTORY.entries()) {
    it(`applies ${String(i + 1).padStart(4, '0')}_${step.name}: live schema equals db push, data kept`, async () => {
      copyMigration(generated.path, applied.path, ids[i]);
      if (step.destructive) {
        const refused = await apply(false).catch((x) => x);
        expect(refused).toBeInstanceOf(DestructiveChangeError);
        const { reports } = await migrationStatuses(applied.path, TARGETS, targets.connections);
        for (const r of reports) expect(r.rows!.find((x) => x.id === ids[i])!.state).toBe('pending');
      }
      const schema = versions[i]();
      // What a fresh push creates does not depend on the apply: build it meanwhile.
      const [result, pushed] = await Promise.all([apply(step.destructive), pushedSchemas(schema, TARGETS)]);
      for (const t of TARGETS) expect(result[t]!.applied, t).toEqual([ids[i]]);

      const live = await liveSchemas(targets.connections);
      for (const t of TARGETS) {
        expect(live[t], t).toBeDefined();
        expect(live[t], t).toEqual(pushed[t]);
      }

      await dataAt(i, schema);
    });
  }

  async function dataAt(i: number, schema: ReturnType<(typeof versions)[number]>) {
    const c = await clients(schema as never, targets.connections);
    try {
      for (const [name, db] of c.each()) {
        const d = db as any;
        const key = (k: string) => `${name}:${k}`;
        switch (i) {
          case 0: {
            const u = await d.user.create({ data: { email: `ann-${name}@x.io`, name: 'Ann' } });
            const p = await d.post.create({ data: { authorId: u.id, title: 'Hello' } });
            seen[key('user')] = u.id;
            seen[key('post')] = p.id;
            break;
          }
          case 1: {
            const p = await d.post.findUniqueOrThrow({ where: { id: seen[key('post')] } });
            expect(p.title).toBe('Hello');
            // Required columns added with defaults: existing rows were filled (the SQL targets fill rows, DynamoDB items lack them).
            if (name !== 'dynamodb') expect([p.views, p.tags]).toEqual([0, []]);
            const p2 = await d.post.create({ data: { authorId: seen[key('user')], title: 'Second', views: 5 } });
            seen[key('post2')] = p2.id;
            break;
          }
          case 2: {
            // The rename kept the data on both targets.
            expect((await d.post.findUniqueOrThrow({ where: { id: seen[key('post')] } })).headline).toBe('Hello');
            expect((await d.post.findUniqueOrThrow({ where: { id: seen[key('post2')] } })).headline).toBe('Second');
            await d.post.create({ data: { authorId: seen[key('user')], headline: 'x'.repeat(250), status: 'archived' } });
            break;
          }
          case 3: {
            // The new unique covers rows written before it existed (DynamoDB: backfilled entries).
            await expect(d.post.create({ data: { authorId: seen[key('user')], headline: 'Hello' } })).rejects.toBeInstanceOf(UniqueConstraintError);
            const cm = await d.comment.create({ data: { postId: seen[key('post')], body: 'Nice' } });
            expect(cm.postId).toBe(seen[key('post')]);
            break;
          }
          case 4: {
            const u = await d.user.findUniqueOrThrow({ where: { id: seen[key('user')] } });
            expect(u.email).toBe(`ann-${name}@x.io`);
            expect('views' in (await d.post.findUniqueOrThrow({ where: { id: seen[key('post')] } }))).toBe(false);
            await d.user.create({ data: { email: `bob-${name}@x.io`, name: null, age: 2n ** 40n } });
            break;
          }
          case 5: {
            const a = await d.article.findUniqueOrThrow({ where: { id: seen[key('post')] } });
            expect(a.subject).toBe('Hello');
            // Unique entries were rebuilt under the new model and field names.
            await expect(d.article.create({ data: { authorId: seen[key('user')], subject: 'Hello' } })).rejects.toBeInstanceOf(UniqueConstraintError);
            const n = await d.article.findMany({ where: { authorId: seen[key('user')] }, orderBy: { createdAt: 'asc' } });
            expect(n.map((x: { subject: string }) => x.subject)).toEqual(['Hello', 'Second', 'x'.repeat(250)]);
            break;
          }
          case 6: {
            const published = await d.article.findMany({ where: { status: 'archived' } });
            expect(published.map((x: { subject: string }) => x.subject)).toEqual(['x'.repeat(250)]);
            break;
          }
        }
      }
    } finally {
      await c.close();
    }
  }

  it('recorded each migration once, each DynamoDB step once', async () => {
    const lite = libsql({ url: pathToFileURL(targets.connections.sqlite!.filename).href });
    const liteRows = (await lite.execute('SELECT id, units_done, units_total, finished_at FROM _quern_migrations ORDER BY id')).rows;
    lite.close();
    expect(liteRows.map((r) => r.id)).toEqual(ids);
    for (const r of liteRows) {
      expect(r.units_done).toBe(r.units_total);
      expect(r.finished_at).not.toBeNull();
    }
    const pgc = new pg.Client({ connectionString: targets.connections.postgres!.url });
    await pgc.connect();
    const rows = (await pgc.query('SELECT id, units_done, units_total, finished_at FROM _quern_migrations ORDER BY id')).rows;
    await pgc.end();
    expect(rows.map((r) => r.id)).toEqual(ids);
    for (const r of rows) {
      expect(r.units_done).toBe(r.units_total);
      expect(r.finished_at).not.toBeNull();
    }
    const client = dynamoClient(testServers().dynamodb!);
    const ledger = new DynamoLedger(client, targets.connections.dynamodb!.tablePrefix);
    const dRows = await ledger.rows();
    expect(dRows.map((r) => r.id)).toEqual(ids);
    for (const id of ids) {
      const steps = JSON.parse(readFileSync(join(applied.path, id, 'dynamodb.json'), 'utf8')).steps as unknown[];
      const records = await ledger.stepRecords(id);
      expect(records).toEqual(steps.map((_, n) => `step#${id}#${String(n).padStart(4, '0')}`));
    }
    client.destroy();
    if (hasMysql) {
      const my = await mysql.createConnection(targets.connections.mysql!.uri);
      const [mRows] = (await my.query('SELECT id, units_done, units_total, finished_at FROM _quern_migrations ORDER BY id')) as unknown as [
        { id: string; units_done: number; units_total: number; finished_at: Date | null }[],
      ];
      await my.end();
      expect(mRows.map((r) => r.id)).toEqual(ids);
      for (const r of mRows) {
        // One unit per statement of the file: MySQL commits each on its own.
        const file = join(applied.path, r.id, 'migration.mysql.sql');
        const statements = parseSqlFile(readFileSync(file, 'utf8'), file).length;
        expect([r.units_done, r.units_total]).toEqual([statements, statements]);
        expect(r.finished_at).not.toBeNull();
      }
    }
  });
});
