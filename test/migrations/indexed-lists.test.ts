/**
 * Turning `.indexed()` on for a list of a table that already holds data: PostgreSQL builds a GIN
 * index; DynamoDB backfills one entry per element of every item, survives a kill mid-way (the
 * re-run completes from the ledger) and ends with entries identical to a fresh `db push` followed
 * by re-inserting the rows. Turning it off again deletes the entries.
 */
import { describe, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { createClient, type Schema } from 'quern';
import { dynamodb } from 'quern/dynamodb';
import { generateMigration } from '../../migrations/generate.js';
import { nonInteractiveResolver } from '../../migrations/diff/renames.js';
import { freshTablePrefix, testServers } from '../harness/index.js';
import { dynamoClient } from './live-schema.js';
import { backends, clients, freshTargets } from './setup.js';
import { Project, type RunResult } from './project.js';
import { lists1, lists2 } from './list-versions.js';
import pg from 'pg';

const { pg: hasPg, dynamo: hasDynamo, missing } = backends();
if (missing.length) console.warn(`[migrations] SKIPPING indexed-list migration tests needing: ${missing.join(', ')}`);

const LONG = 300_000;
const VERSIONS = resolve(fileURLToPath(new URL('./list-versions.ts', import.meta.url)));
const killed = (r: RunResult) => r.signal === 'SIGKILL' || r.code === 137;

/** Every list entry of a prefix, as (pk, sk, key) text, sorted. */
async function entries(client: ReturnType<typeof dynamoClient>, prefix: string): Promise<string[]> {
  const out: string[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const r = await client.send(new ScanCommand({ TableName: `${prefix}quern-list`, ExclusiveStartKey: start, ConsistentRead: true }));
    out.push(...(r.Items ?? []).map((it) => JSON.stringify([it.pk.S, it.sk.S, it.k])));
    start = r.LastEvaluatedKey;
  } while (start);
  return out.sort();
}

async function generate(project: Project, version: () => Schema<any, any>, name: string): Promise<string> {
  const r = await generateMigration({
    schema: version().def,
    targets: project.targets,
    dir: project.migrations,
    name,
    renames: [],
    allowDestructive: false,
    resolver: nonInteractiveResolver(false),
  });
  return r.id!;
}

const useSchema = (project: Project, version: string) =>
  writeFileSync(join(project.dir, 'schema.ts'), `import { ${version} } from ${JSON.stringify(VERSIONS)};\nexport const schema = ${version}();\n`);

async function pgIndexes(url: string, table: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT indexdef FROM pg_indexes WHERE tablename = $1', [table])).rows.map((r) => r.indexdef as string);
  } finally {
    await c.end();
  }
}

describe('migrations that index a list', () => {
  it.skipIf(!hasPg || !hasDynamo)(
    '.indexed() on a table with data: GIN index, entries backfilled, killed mid-way, resumed, identical to push + re-insert; off again deletes them',
    { timeout: LONG },
    async ({ expect }) => {
      const fresh = await freshTargets();
      const project = new Project(fresh.connections, ['postgres', 'dynamodb']);
      const client = dynamoClient(testServers().dynamodb!);
      const prefix = fresh.connections.dynamodb!.tablePrefix;
      try {
        const v1 = await generate(project, lists1, 'v1');
        const v2 = await generate(project, lists2, 'v2');
        useSchema(project, 'lists2');
        const steps = JSON.parse(readFileSync(join(project.migrations, v2, 'dynamodb.json'), 'utf8')).steps;
        expect(steps.map((s: { op: string }) => s.op)).toEqual(['CreateTable', 'BackfillListEntries']);
        const sql = readFileSync(join(project.migrations, v2, 'migration.sql'), 'utf8');
        expect(sql).toMatch(/CREATE INDEX CONCURRENTLY IF NOT EXISTS "Item_tags_has_idx" ON "Item" USING gin \("tags"\)/);
        await project.applyInProcess([v1]);

        // 13 items with 0..3 tags each, written before the list is indexed.
        const rows = Array.from({ length: 13 }, (_, i) => ({ title: `t${i}`, tags: ['a', 'b', 'c'].slice(0, i % 4).concat(i % 4 ? [`only${i}`] : []) }));
        const c1 = await clients(lists1(), fresh.connections);
        const written: Record<string, { id: string; title: string; tags: string[] }[]> = {};
        for (const [name, db] of c1.each()) {
          written[name] = [];
          for (const data of rows) written[name].push(await (db as any).item.create({ data }));
        }
        await c1.close();

        // Killed at the 7th item of the backfill (step 2, pages of 5): the first page's entries exist, not all.
        const env = { QUERN_MIGRATE_SCAN_PAGE: '5' };
        const r1 = await project.run(['migrate', 'apply'], { ...env, QUERN_TEST_KILL_AT: `dynamodb:${v2}:step:1:item:7` });
        expect(killed(r1), r1.stderr).toBe(true);
        const half = await entries(client, prefix);
        expect(half.length).toBeGreaterThan(0);

        const r2 = await project.run(['migrate', 'apply'], env);
        expect(r2.code, r2.stderr).toBe(0);
        expect(r2.stdout + r2.stderr).toMatch(/entries written for/);
        expect(half.length).toBeLessThan((await entries(client, prefix)).length);
        expect((await pgIndexes(fresh.connections.postgres!.url, 'Item')).some((d) => /USING gin \(tags\)/.test(d))).toBe(true);

        // A fresh push of the indexed schema with the same rows re-inserted: the very same entries.
        const freshPrefix = freshTablePrefix();
        const s = testServers().dynamodb!;
        const again = await createClient({
          schema: lists2(),
          driver: dynamodb({ endpoint: s.endpoint, region: s.region, credentials: s.credentials, tablePrefix: freshPrefix }),
        });
        await again.push();
        for (const r of written.dynamodb) await again.item.create({ data: r });
        await again.close();
        const migrated = await entries(client, prefix);
        expect(migrated).toEqual(await entries(client, freshPrefix));
        expect(migrated).toHaveLength(rows.reduce((n, r) => n + r.tags.length, 0));

        // has is served by the index on both targets, without allowScan.
        const c2 = await clients(lists2(), fresh.connections);
        for (const [name, db] of c2.each()) {
          const got = await (db as any).item.findMany({ where: { tags: { has: 'b' } } });
          expect(got.map((r: { title: string }) => r.title).sort(), name).toEqual(
            rows
              .filter((r) => r.tags.includes('b'))
              .map((r) => r.title)
              .sort(),
          );
        }
        await c2.close();

        // Off again: the GIN index is dropped and every entry deleted.
        const v3 = await generate(project, lists1, 'v3');
        expect(JSON.parse(readFileSync(join(project.migrations, v3, 'dynamodb.json'), 'utf8')).steps.map((x: { op: string }) => x.op)).toEqual([
          'DeleteListEntries',
        ]);
        useSchema(project, 'lists1');
        const r3 = await project.run(['migrate', 'apply'], env);
        expect(r3.code, r3.stderr).toBe(0);
        expect(await entries(client, prefix)).toEqual([]);
        expect((await pgIndexes(fresh.connections.postgres!.url, 'Item')).some((d) => /gin/.test(d))).toBe(false);
      } finally {
        client.destroy();
        project.remove();
        await fresh.drop();
      }
    },
  );
});
