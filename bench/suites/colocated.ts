/**
 * A colocated include on DynamoDB Local: `findUnique` of a parent with `include` of its 30
 * colocated children against the hand-written equivalent on the raw DocumentClient, one Query
 * of the item collection (paged by LastEvaluatedKey, strongly consistent, like quern's), split
 * into the parent and its children in JS. The design target is ≤ 1.05× the raw time and exactly
 * the raw number of requests (1). Own schema and table prefix: the other DynamoDB workloads are
 * not touched.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { belongsTo, createClient, defineSchema, f, hasMany, model } from '../../src/index.js';
import type { DynamoServer } from '../../test/harness/types.js';
import { interleave, type Contender, type Schedule } from '../lib/measure.js';
import type { ColocatedFigure, ContenderFigure } from '../lib/results.js';
import { round } from '../lib/stats.js';
import * as seed from '../seed.js';

const PARENTS = 8;
const CHILDREN = 30;
const PREFIX = `benchcol${process.pid}_`;

const schema = defineSchema(
  {
    author: model('Author', { id: f.uuid().key(), name: f.string() }),
    note: model('Note', { id: f.uuid().key(), authorId: f.uuid(), title: f.string(), body: f.text(), views: f.int() }),
  },
  { relations: { author: { notes: hasMany('note', 'authorId', { colocated: true }) }, note: { author: belongsTo('author', 'authorId') } } },
);

type Doc = Record<string, unknown>;

function countRequests(client: DynamoDBClient): { n: number } {
  const counter = { n: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.n++;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'quernBenchColocatedCounter' },
  );
  return counter;
}

export async function runColocatedBench(server: DynamoServer, scale: Schedule, log: (s: string) => void): Promise<ColocatedFigure> {
  const { dynamodb } = await import('../../drivers/dynamodb/index.js');
  const config = { endpoint: server.endpoint, region: server.region, credentials: server.credentials };
  const driver = dynamodb({ ...config, tablePrefix: PREFIX });
  const db = await createClient({ schema, driver, strict: true });
  const events = { n: 0 };
  const probe = await createClient({ schema, driver, strict: true, log: () => void events.n++ });
  const rawClient = new DynamoDBClient(config);
  const rawCounter = countRequests(rawClient);
  const doc = DynamoDBDocumentClient.from(rawClient);
  const table = `${PREFIX}Author-items`;
  try {
    await db.push();
    log(`  seeding ${PARENTS} authors with ${CHILDREN} colocated notes each`);
    const ids = Array.from({ length: PARENTS }, (_, p) => seed.benchId(7, p));
    for (const [p, id] of ids.entries()) {
      await db.author.create({ data: { id, name: `author ${p}` } });
      const notes = Array.from({ length: CHILDREN }, (_, c) => ({
        id: seed.benchId(8, p * CHILDREN + c),
        authorId: id,
        title: `note ${c}`,
        body: 'x'.repeat(200),
        views: c,
      }));
      // Ten at a time: each colocated create is a two-item transaction (the note and its own-key entry).
      for (let c = 0; c < notes.length; c += 10) await Promise.all(notes.slice(c, c + 10).map((data) => db.note.create({ data })));
    }

    const raw = async (i: number) => {
      const items: Doc[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await doc.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': 'quern-pk' },
            ExpressionAttributeValues: { ':pk': ids[i % PARENTS] },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        items.push(...((r.Items ?? []) as Doc[]));
        start = r.LastEvaluatedKey;
      } while (start);
      const parent = items.find((it) => it['quern-sk'] === '#');
      return parent ? { ...parent, notes: items.filter((it) => String(it['quern-sk']).startsWith('Note#')) } : null;
    };
    const quern = (i: number, client = db) => client.author.findUnique({ where: { id: ids[i % PARENTS] }, include: { notes: true } });
    const check = (r: unknown, i: number) => {
      const row = r as { id: string; notes: { authorId: string }[] } | null;
      if (row?.id !== ids[i % PARENTS] || row.notes.length !== CHILDREN || row.notes.some((n) => n.authorId !== row.id))
        throw new Error('wrong result: the author with its 30 notes');
    };
    const mk = (name: string, op: (i: number) => PromiseLike<unknown>): Contender => {
      let checked = false;
      return {
        name,
        run: async (i) => {
          const r = await op(i);
          if (!checked) {
            checked = true;
            check(r, i);
          }
          return r;
        },
      };
    };
    log('  dynamodb: colocated include (1 author + 30 notes)');
    const measured = await interleave([mk('raw', raw), mk('quern', (i) => quern(i))], scale);

    const r0 = rawCounter.n;
    await raw(1);
    const rawN = rawCounter.n - r0;
    const e0 = events.n;
    await quern(2, probe);
    const quernN = events.n - e0;

    const base = measured.get('raw')?.summary?.median ?? null;
    const contenders: Record<string, ContenderFigure> = {};
    for (const name of ['raw', 'quern']) {
      const m = measured.get(name)!;
      const s = m.summary;
      contenders[name] = {
        median: s ? round(s.median, 4) : null,
        p95: s ? round(s.p95, 4) : null,
        n: s?.n ?? 0,
        ratio: s && base ? round(s.median / base, 3) : null,
        requests: name === 'raw' ? rawN : quernN,
        requestsVia: name === 'raw' ? 'SDK middleware (HTTP attempts)' : 'log hook events',
        ...(m.error ? { error: m.error } : {}),
      };
    }
    return {
      id: 'colocated-include',
      title: `findUnique + include of ${CHILDREN} colocated children`,
      baseline: 'raw',
      contenders,
      minimalRequests: 1,
      note: 'raw: one strongly consistent Query of the item collection on the DocumentClient (paged by LastEvaluatedKey), split into the parent and its children in JS',
    };
  } finally {
    rawClient.destroy();
    await probe.close().catch(() => undefined);
    await db.close().catch(() => undefined);
  }
}
