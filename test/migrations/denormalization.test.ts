/**
 * Turning a denormalization declaration on for a table that already holds data: the migration
 * moves or backfills the existing items, survives a kill mid-way (the re-run completes), and
 * ends with data identical to a fresh `db push` followed by re-inserting the rows.
 */
import { describe, it } from 'vitest';
import { writeFileSync } from 'node:fs';
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
import { shards1, shards2 } from './denorm-versions.js';

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
});
