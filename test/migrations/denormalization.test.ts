/**
 * Turning a denormalization declaration on for a table that already holds data: the migration
 * moves or backfills the existing items, survives a kill mid-way (the re-run completes), and
 * ends with data identical to a fresh `db push` followed by re-inserting the rows.
 */
import { describe, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createClient, type Schema } from 'quern';
import { dynamodb } from 'quern/dynamodb';
import { generateMigration } from '../../migrations/generate.js';
import { nonInteractiveResolver } from '../../migrations/diff/renames.js';
import { freshTablePrefix, testServers } from '../harness/index.js';
import { dynamoClient } from './live-schema.js';
import { backends, clients, freshTargets, liveSchemas, pushedSchemas } from './setup.js';
import { Project, type RunResult } from './project.js';
import { colo1, colo2, colo3, counter1, counter2, shards1, shards2 } from './denorm-versions.js';
import pg from 'pg';

const { pg: hasPg, dynamo: hasDynamo, missing } = backends();
if (missing.length) console.warn(`[migrations] SKIPPING denormalization migration tests needing: ${missing.join(', ')}`);

const LONG = 300_000;
const VERSIONS = resolve(fileURLToPath(new URL('./denorm-versions.ts', import.meta.url)));
const killed = (r: RunResult) => r.signal === 'SIGKILL' || r.code === 137;

async function scanAll(client: ReturnType<typeof dynamoClient>, table: string): Promise<Record<string, AttributeValue>[]> {
  const out: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => (a.id.S! < b.id.S! ? -1 : 1));
}

/** The unique-index entries of some models, in a stable order. */
async function entriesOf(client: ReturnType<typeof dynamoClient>, prefix: string, models: readonly string[]): Promise<Record<string, AttributeValue>[]> {
  const out: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await client.send(new ScanCommand({ TableName: `${prefix}quern-unique`, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(r.Items ?? []).filter((it) => models.includes(it.m.S!)));
    start = r.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => (a.pk.S! < b.pk.S! ? -1 : 1));
}

/** A fresh `db push` of the schema under a new table prefix, `fill` re-inserting the rows: what a migrated table must equal. */
async function freshDynamo(schema: Schema<any, any>, fill: (db: any) => Promise<void>): Promise<string> {
  const prefix = freshTablePrefix();
  const s = testServers().dynamodb!;
  const db = await createClient({ schema, driver: dynamodb({ endpoint: s.endpoint, region: s.region, credentials: s.credentials, tablePrefix: prefix }) });
  await db.push();
  await fill(db);
  await db.close();
  return prefix;
}

async function pgRows(url: string, sql: string): Promise<unknown[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

async function generate(project: Project, versions: readonly (() => Schema<any, any>)[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, v] of versions.entries()) {
    const r = await generateMigration({ schema: v().def, targets: project.targets, dir: project.migrations, name: `v${i + 1}`, renames: [], allowDestructive: false, resolver: nonInteractiveResolver(false) });
    ids.push(r.id!);
  }
  return ids;
}

const useSchema = (project: Project, version: string) =>
  writeFileSync(join(project.dir, 'schema.ts'), `import { ${version} } from ${JSON.stringify(VERSIONS)};\nexport const schema = ${version}();\n`);

describe('migrations that turn a denormalization on', () => {
  it.skipIf(!hasPg || !hasDynamo)('index(at, { shards: 4 }) on a table with data: shard numbers backfilled, killed mid-way, resumed, identical to push + re-insert', { timeout: LONG }, async ({ expect }) => {
    const fresh = await freshTargets();
    const project = new Project(fresh.connections, ['postgres', 'dynamodb']);
    const client = dynamoClient(testServers().dynamodb!);
    const prefix = fresh.connections.dynamodb!.tablePrefix;
    try {
      const ids = await generate(project, [shards1, shards2]);
      useSchema(project, 'shards2');
      const dynamoSteps = JSON.parse((await import('node:fs')).readFileSync(join(project.migrations, ids[1], 'dynamodb.json'), 'utf8')).steps;
      expect(dynamoSteps.map((s: { op: string }) => s.op)).toEqual(['BackfillShards', 'CreateIndex']);
      await project.applyInProcess(ids.slice(0, 1));

      // 13 events on both targets, written before the index exists.
      const rows = Array.from({ length: 13 }, (_, i) => ({ kind: i % 2 ? 'x' : 'y', at: new Date(Date.UTC(2026, 0, 1, 0, i)) }));
      const c1 = await clients(shards1(), fresh.connections);
      const written: Record<string, { id: string; kind: string; at: Date }[]> = {};
      for (const [name, db] of c1.each()) {
        written[name] = [];
        for (const data of rows) written[name].push(await (db as any).event.create({ data }));
      }
      await c1.close();

      // Killed at the 7th item of the backfill (pages of 5): the first page is saved, the rest is not.
      const env = { QUERN_MIGRATE_SCAN_PAGE: '5' };
      const r1 = await project.run(['migrate', 'apply'], { ...env, QUERN_TEST_KILL_AT: `dynamodb:${ids[1]}:step:0:item:7` });
      expect(killed(r1), r1.stderr).toBe(true);
      const half = await scanAll(client, `${prefix}Event`);
      const withShard = half.filter((it) => it['quern-shard-4']).length;
      expect(withShard).toBeGreaterThan(0);
      expect(withShard).toBeLessThan(13);

      const r2 = await project.run(['migrate', 'apply'], env);
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.stdout + r2.stderr).toMatch(/given a shard/);
      const [live, pushed] = await Promise.all([liveSchemas(fresh.connections), pushedSchemas(shards2())]);
      expect(live).toEqual(pushed);

      // A fresh push of the new schema, the same rows re-inserted: the very same items.
      const freshPrefix = freshTablePrefix();
      const s = testServers().dynamodb!;
      const again = await createClient({ schema: shards2(), driver: dynamodb({ endpoint: s.endpoint, region: s.region, credentials: s.credentials, tablePrefix: freshPrefix }) });
      await again.push();
      for (const r of written.dynamodb) await again.event.create({ data: r });
      await again.close();
      expect(await scanAll(client, `${prefix}Event`)).toEqual(await scanAll(client, `${freshPrefix}Event`));

      // And the migrated tables serve the global order on both targets.
      const c2 = await clients(shards2(), fresh.connections);
      for (const [name, db] of c2.each()) {
        const got = await (db as any).event.paginate({ orderBy: { at: 'desc' }, first: 5 });
        expect(got.items.map((r: { at: Date }) => r.at.getTime()), name).toEqual(rows.map((r) => r.at.getTime()).reverse().slice(0, 5));
      }
      await c2.close();
    } finally {
      client.destroy();
      project.remove();
      await fresh.drop();
    }
  });

  it.skipIf(!hasPg || !hasDynamo)('counterCache on a table with data: counts computed on both targets, killed mid-way, resumed, identical to push + re-insert', { timeout: LONG }, async ({ expect }) => {
    const fresh = await freshTargets();
    const project = new Project(fresh.connections, ['postgres', 'dynamodb']);
    const client = dynamoClient(testServers().dynamodb!);
    const prefix = fresh.connections.dynamodb!.tablePrefix;
    try {
      const ids = await generate(project, [counter1, counter2]);
      useSchema(project, 'counter2');
      await project.applyInProcess(ids.slice(0, 1));

      // 7 articles with 0..6 favorites each, written before the counter exists: every count is 0.
      const c1 = await clients(counter1(), fresh.connections);
      const written: Record<string, { articles: { id: string; title: string }[]; favorites: { id: string; articleId: string }[] }> = {};
      for (const [name, db] of c1.each()) {
        const w = (written[name] = { articles: [] as { id: string; title: string }[], favorites: [] as { id: string; articleId: string }[] });
        for (let a = 0; a < 7; a++) {
          const art = await (db as any).article.create({ data: { title: `a${a}` } });
          w.articles.push({ id: art.id, title: art.title });
          for (let k = 0; k < a; k++) w.favorites.push(await (db as any).favorite.create({ data: { articleId: art.id } }));
        }
        expect((await (db as any).article.findMany({ allowScan: true })).every((r: { favoritesCount: number }) => r.favoritesCount === 0)).toBe(true);
      }
      await c1.close();

      // Killed on both targets: PostgreSQL before the counter unit commits, DynamoDB at the 4th article (pages of 3).
      const env = { QUERN_MIGRATE_SCAN_PAGE: '3' };
      const r0 = await project.run(['migrate', 'apply'], { ...env, QUERN_TEST_KILL_AT: `postgres:${ids[1]}:unit:0:before-commit` });
      expect(killed(r0), r0.stderr).toBe(true);
      const r1 = await project.run(['migrate', 'apply'], { ...env, QUERN_TEST_KILL_AT: `dynamodb:${ids[1]}:step:0:item:4` });
      expect(killed(r1), r1.stderr).toBe(true);
      const half = await scanAll(client, `${prefix}Article`);
      expect(half.filter((it) => it.favoritesCount.N !== '0').length).toBeGreaterThan(0);
      expect(half.filter((it) => it.favoritesCount.N !== '0').length).toBeLessThan(6);

      const r2 = await project.run(['migrate', 'apply'], env);
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.stdout + r2.stderr).toMatch(/counters? set/);

      // Every counter equals the real count, on both targets, and keeps counting after the migration.
      const c2 = await clients(counter2(), fresh.connections);
      for (const [name, db] of c2.each()) {
        const rows = await (db as any).article.findMany({ allowScan: true });
        rows.sort((a: { title: string }, b: { title: string }) => a.title.localeCompare(b.title));
        expect(rows.map((r: { favoritesCount: number }) => r.favoritesCount), name).toEqual([0, 1, 2, 3, 4, 5, 6]);
      }
      await c2.close();

      // Identical to a fresh push with the rows re-inserted (children through the client, so their writes count).
      const again = await freshDynamo(counter2(), async (db) => {
        for (const a of written.dynamodb.articles) await db.article.create({ data: a });
        for (const fav of written.dynamodb.favorites) await db.favorite.create({ data: fav });
      });
      expect(await scanAll(client, `${prefix}Article`)).toEqual(await scanAll(client, `${again}Article`));
      const freshPg = await freshTargets();
      try {
        const p = await clients(counter2(), { postgres: freshPg.connections.postgres! });
        await p.postgres!.push();
        for (const a of written.postgres.articles) await (p.postgres as any).article.create({ data: a });
        for (const fav of written.postgres.favorites) await (p.postgres as any).favorite.create({ data: fav });
        await p.close();
        const q = 'SELECT * FROM "Article" ORDER BY "id"';
        expect(await pgRows(fresh.connections.postgres!.url, q)).toEqual(await pgRows(freshPg.connections.postgres!.url, q));
      } finally {
        await freshPg.drop();
      }
    } finally {
      client.destroy();
      project.remove();
      await fresh.drop();
    }
  });

  it.skipIf(!hasPg || !hasDynamo)('colocated: true on a table with data: items move into the collection (and back), killed mid-way, resumed, identical to push + re-insert', { timeout: LONG }, async ({ expect }) => {
    const fresh = await freshTargets();
    const project = new Project(fresh.connections, ['postgres', 'dynamodb']);
    const client = dynamoClient(testServers().dynamodb!);
    const prefix = fresh.connections.dynamodb!.tablePrefix;
    try {
      const ids = await generate(project, [colo1, colo2]);
      useSchema(project, 'colo2');
      await project.applyInProcess(ids.slice(0, 1));

      // 3 authors with 4, 3 and 0 posts, written in the separate tables.
      const c1 = await clients(colo1(), fresh.connections);
      const users = [0, 1, 2].map((u) => ({ id: randomUUID(), name: `u${u}` }));
      const posts = [4, 3, 0].flatMap((n, u) => Array.from({ length: n }, (_, k) => ({ id: randomUUID(), authorId: users[u].id, title: `p${u}.${k}`, slug: `s${u}-${k}` })));
      for (const [, db] of c1.each()) {
        for (const u of users) await (db as any).user.create({ data: u });
        for (const p of posts) await (db as any).post.create({ data: p });
      }
      await c1.close();

      // The move is killed at the 3rd post (pages of 2): some posts moved, the rest still in Post.
      const env = { QUERN_MIGRATE_SCAN_PAGE: '2' };
      const r1 = await project.run(['migrate', 'apply'], { ...env, QUERN_TEST_KILL_AT: `dynamodb:${ids[1]}:step:2:item:3` });
      expect(killed(r1), r1.stderr).toBe(true);
      const inCollection = (await scanAll(client, `${prefix}User-items`)).filter((it) => it['quern-sk'].S!.startsWith('Post#')).length;
      expect(inCollection).toBeGreaterThan(0);
      expect(inCollection).toBeLessThan(7);

      const r2 = await project.run(['migrate', 'apply'], env);
      expect(r2.code, r2.stderr).toBe(0);
      expect(r2.stdout + r2.stderr).toMatch(/Post to User-items \(into the item collection\): \d+ items moved/);
      const [live, pushed] = await Promise.all([liveSchemas(fresh.connections), pushedSchemas(colo2())]);
      expect(live).toEqual(pushed);

      // Identical to a fresh push of the colocated schema with the rows re-inserted: items and unique entries.
      const on = await freshDynamo(colo2(), async (db) => {
        for (const u of users) await db.user.create({ data: u });
        for (const p of posts) await db.post.create({ data: p });
      });
      expect(await scanAll(client, `${prefix}User-items`)).toEqual(await scanAll(client, `${on}User-items`));
      expect(await entriesOf(client, prefix, ['User', 'Post'])).toEqual(await entriesOf(client, on, ['User', 'Post']));

      // The migrated data serves the collection on both targets: an author with its posts, a post by its own key.
      const c2 = await clients(colo2(), fresh.connections);
      for (const [name, db] of c2.each()) {
        const u = await (db as any).user.findUnique({ where: { id: users[0].id }, include: { posts: true } });
        expect(u.postsCount, name).toBe(4);
        expect(u.posts.map((p: { slug: string }) => p.slug).sort(), name).toEqual(['s0-0', 's0-1', 's0-2', 's0-3']);
        expect((await (db as any).post.findUnique({ where: { id: posts[5].id } }))?.slug, name).toBe(posts[5].slug);
      }
      await c2.close();

      // And back out: killed in the move of the posts, resumed, identical to a fresh push of the separate tables.
      useSchema(project, 'colo3');
      ids.push((await generateMigration({ schema: colo3().def, targets: project.targets, dir: project.migrations, name: 'v3', renames: [], allowDestructive: false, resolver: nonInteractiveResolver(false) })).id!);
      const r3 = await project.run(['migrate', 'apply'], { ...env, QUERN_TEST_KILL_AT: `dynamodb:${ids[2]}:step:3:item:3` });
      expect(killed(r3), r3.stderr).toBe(true);
      const r4 = await project.run(['migrate', 'apply'], env);
      expect(r4.code, r4.stderr).toBe(0);
      const off = await freshDynamo(colo3(), async (db) => {
        for (const u of users) await db.user.create({ data: u });
        for (const p of posts) await db.post.create({ data: p });
      });
      for (const t of ['User', 'Post']) expect(await scanAll(client, `${prefix}${t}`), t).toEqual(await scanAll(client, `${off}${t}`));
      expect(await entriesOf(client, prefix, ['User', 'Post'])).toEqual(await entriesOf(client, off, ['User', 'Post']));
      const [live3, pushed3] = await Promise.all([liveSchemas(fresh.connections), pushedSchemas(colo3())]);
      expect(live3).toEqual(pushed3);
    } finally {
      client.destroy();
      project.remove();
      await fresh.drop();
    }
  });
});
