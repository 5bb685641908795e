/**
 * DynamoDB Local: the raw DocumentClient (@aws-sdk/lib-dynamodb), hand-written
 * the way an expert would (the baseline), against quern, ElectroDB and
 * DynamoDB-Toolbox, on the same tables. Requests are counted on the wire with
 * SDK middleware for every contender, and for quern also through its `log`
 * hook; the two must agree.
 */
import { BatchWriteItemCommand, DynamoDBClient, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { uuidv7 } from 'uuidv7';
import { createClient, type QueryEvent } from '../../src/index.js';
import type { DynamoServer } from '../../test/harness/types.js';
import { interleave, type Contender, type Schedule } from '../lib/measure.js';
import type { ComparisonSuite, ContenderFigure, WorkloadFigure } from '../lib/results.js';
import { round } from '../lib/stats.js';
import { schema } from '../schema.js';
import * as seed from '../seed.js';
import { electro, toolbox, toolboxActions as tb } from '../peers/dynamo.js';
import type { QuernDb } from './postgres.js';

export const DYNAMO_SCALES: Record<'quick' | 'full', Schedule> = {
  quick: { warmup: 10, rounds: 30, perRound: 2 },
  full: { warmup: 60, rounds: 250, perRound: 2 },
};

const USERS = 300;
const PREFIX = `bench${process.pid}_`;
const T = {
  user: `${PREFIX}${schema.def.models.user.table}`,
  post: `${PREFIX}${schema.def.models.post.table}`,
  unique: `${PREFIX}quern-unique`,
};
const GSI = { postsByAuthor: 'Post_authorId_publishedAt_idx', postsByStatus: 'Post_status_publishedAt_idx' };
const EMAIL_UNIQUE = 'User_email_key';
const MINUTE = 60_000;
const BASE = Date.UTC(2024, 0, 1);

type Doc = Record<string, unknown>;

/** Counts every HTTP attempt a client sends (placed after the SDK's retry middleware). */
function countRequests(client: DynamoDBClient): { n: number } {
  const counter = { n: 0 };
  client.middlewareStack.add(
    (next) => async (args) => {
      counter.n++;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name: 'quernBenchRequestCounter' },
  );
  return counter;
}

const S = (s: string): AttributeValue => ({ S: s });

/** Seeds with the low-level client, in quern's documented encoding (drivers/dynamodb/marshal.ts, unique.ts). */
async function seedTables(client: DynamoDBClient): Promise<void> {
  const users = seed.users(USERS);
  const posts = seed.posts(USERS);
  const requests: { table: string; item: Record<string, AttributeValue> }[] = [];
  for (const u of users) {
    requests.push({
      table: T.user,
      item: {
        id: S(u.id),
        email: S(u.email),
        name: S(u.name),
        ...(u.age === null ? {} : { age: { N: String(u.age) } }),
        createdAt: S(u.createdAt.toISOString()),
      },
    });
    requests.push({ table: T.unique, item: { pk: S(uniquePk(u.email)), m: S('User'), c: S(EMAIL_UNIQUE), k: { M: { id: S(u.id) } } } });
  }
  for (const p of posts) {
    requests.push({
      table: T.post,
      item: {
        id: S(p.id),
        authorId: S(p.authorId),
        title: S(p.title),
        status: S(p.status),
        views: { N: String(p.views) },
        publishedAt: S(p.publishedAt.toISOString()),
        version: { N: String(p.version) },
      },
    });
  }
  const chunks: (typeof requests)[] = [];
  for (let i = 0; i < requests.length; i += 25) chunks.push(requests.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      let pending: Record<string, { PutRequest: { Item: Record<string, AttributeValue> } }[]> = {};
      for (const r of chunk) (pending[r.table] ??= []).push({ PutRequest: { Item: r.item } });
      for (let attempt = 0; Object.keys(pending).length > 0; attempt++) {
        if (attempt > 20) throw new Error('seeding: unprocessed items after 20 attempts');
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
        pending = (out.UnprocessedItems ?? {}) as typeof pending;
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** The unique-index entry key for a user's email, as quern writes it. */
const uniquePk = (email: string) => `User#${EMAIL_UNIQUE}#${JSON.stringify([email])}`;

const userId = (i: number) => seed.benchId(1, i);
const pick = (i: number, n: number) => (i * 7919) % n;

function expect(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`wrong result: ${what}`);
}

export interface DWorkload {
  readonly id: string;
  readonly title: string;
  readonly minimalRequests: number;
  readonly raw: (i: number) => Promise<unknown>;
  readonly quern: (i: number, db: QuernDb) => PromiseLike<unknown>;
  readonly electrodb: (i: number) => Promise<unknown>;
  readonly toolbox: (i: number) => Promise<unknown>;
  readonly check: (r: unknown, i: number) => void;
  readonly note?: string;
}

export const DYNAMO_CONTENDERS = ['raw', 'quern', 'electrodb', 'toolbox'] as const;
type DContender = (typeof DYNAMO_CONTENDERS)[number];

/** Each peer library on its own DocumentClient (and so its own request counter). */
interface Peers {
  readonly electro: ReturnType<typeof electro>;
  readonly toolbox: ReturnType<typeof toolbox>;
}

const physical = { ...T, postsByAuthor: GSI.postsByAuthor, postsByStatus: GSI.postsByStatus };

function workloads(doc: DynamoDBDocumentClient, peers: Peers, run: string): DWorkload[] {
  const e = peers.electro;
  const x = peers.toolbox;
  /** Both peers hand back whatever keys a batch left unprocessed; a correct caller retries them. */
  const electroBatchGet = async (keys: { id: string }[]) => {
    const out: Doc[] = [];
    let pending = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error('ElectroDB batch get: keys left unprocessed');
      const r = await e.user.get(pending).go({ consistent: true, concurrency: 3, ignoreOwnership: true });
      out.push(...(r.data as Doc[]));
      pending = r.unprocessed as { id: string }[];
    }
    return out;
  };
  /** Toolbox's executeBatchGet retries UnprocessedKeys itself (maxAttempts); one command is one request of ≤ 100 keys. */
  const toolboxBatchGet = async (keys: { id: string }[]) => {
    const chunks: { id: string }[][] = [];
    for (let k = 0; k < keys.length; k += 100) chunks.push(keys.slice(k, k + 100));
    const answers = await Promise.all(
      chunks.map((c) =>
        tb.executeBatchGet(
          { maxAttempts: 10 },
          x.usersTable
            .build(tb.TBatchGetCommand)
            .requests(...c.map((key) => x.user.build(tb.BatchGetRequest).key(key)))
            .options({ consistent: true }),
        ),
      ),
    );
    return answers.flatMap((a) => (a.Responses[0] ?? []).filter((u): u is NonNullable<typeof u> => u !== undefined)) as Doc[];
  };
  /** BatchGet with UnprocessedKeys retried: what every correct caller must write. */
  const batchGet = async (table: string, keys: Doc[]): Promise<Doc[]> => {
    const out: Doc[] = [];
    let pending = keys;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 10) throw new Error('BatchGet: keys left unprocessed');
      const r = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }));
      out.push(...((r.Responses?.[table] ?? []) as Doc[]));
      pending = (r.UnprocessedKeys?.[table]?.Keys ?? []) as Doc[];
    }
    return out;
  };
  const ids250 = (i: number) => {
    const start = pick(i, USERS - 250);
    return Array.from({ length: 250 }, (_, k) => userId(start + k));
  };
  const before = (i: number) => new Date(BASE + (200 + pick(i, USERS * seed.POSTS_PER_USER - 200)) * MINUTE);

  return [
    {
      id: 'get-item',
      title: 'GetItem (findUnique by key)',
      minimalRequests: 1,
      raw: async (i) => (await doc.send(new GetCommand({ TableName: T.user, Key: { id: userId(pick(i, USERS)) }, ConsistentRead: true }))).Item ?? null,
      quern: (i, db) => db.user.findUnique({ where: { id: userId(pick(i, USERS)) } }),
      electrodb: async (i) => (await e.user.get({ id: userId(pick(i, USERS)) }).go({ consistent: true, ignoreOwnership: true })).data,
      toolbox: async (i) =>
        (
          await x.user
            .build(tb.GetItemCommand)
            .key({ id: userId(pick(i, USERS)) })
            .options({ consistent: true })
            .send()
        ).Item ?? null,
      check: (r, i) => expect((r as Doc | null)?.id === userId(pick(i, USERS)), 'the user by id'),
    },
    {
      id: 'query-gsi',
      title: 'Query GSI with filter + limit 3',
      minimalRequests: 1,
      raw: async (i) => {
        const out: Doc[] = [];
        let start: Record<string, unknown> | undefined;
        // Limit applies before the filter: read whole pages (no Limit) and stop once 3 match.
        do {
          const r = await doc.send(
            new QueryCommand({
              TableName: T.post,
              IndexName: GSI.postsByAuthor,
              KeyConditionExpression: '#a = :a',
              FilterExpression: '#s = :s',
              ExpressionAttributeNames: { '#a': 'authorId', '#s': 'status' },
              ExpressionAttributeValues: { ':a': userId(pick(i, USERS)), ':s': 'published' },
              ScanIndexForward: false,
              ExclusiveStartKey: start,
            }),
          );
          out.push(...((r.Items ?? []) as Doc[]));
          start = r.LastEvaluatedKey;
        } while (out.length < 3 && start);
        return out.slice(0, 3);
      },
      quern: (i, db) => db.post.findMany({ where: { authorId: userId(pick(i, USERS)), status: 'published' }, orderBy: { publishedAt: 'desc' }, limit: 3 }),
      // ElectroDB's `limit` is DynamoDB's Limit (applied before the filter): page with its cursor, like the raw code.
      electrodb: async (i) => {
        const out: Doc[] = [];
        let cursor: string | null = null;
        do {
          const r: { data: Doc[]; cursor: string | null } = await e.post.query
            .byAuthor({ authorId: userId(pick(i, USERS)) })
            .where(({ status }, { eq }) => eq(status, 'published'))
            .go({ order: 'desc', cursor, ignoreOwnership: true });
          out.push(...r.data);
          cursor = r.cursor;
        } while (out.length < 3 && cursor);
        return out.slice(0, 3);
      },
      // Toolbox's `limit` is DynamoDB's (before the filter): page like the raw code.
      toolbox: async (i) => {
        const out: Doc[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const r = await x.postsTable
            .build(tb.TQueryCommand)
            .entities(x.post)
            .query({ index: GSI.postsByAuthor, partition: userId(pick(i, USERS)) })
            .options({
              reverse: true,
              filters: { Post: { attr: 'status', eq: 'published' } },
              entityAttrFilter: false,
              ...(start ? { exclusiveStartKey: start } : {}),
            })
            .send();
          out.push(...((r.Items ?? []) as Doc[]));
          start = r.LastEvaluatedKey;
        } while (out.length < 3 && start);
        return out.slice(0, 3);
      },
      check: (r, i) => {
        const rows = r as { authorId: string; status: string; publishedAt: unknown }[];
        expect(rows.length === 3, '3 posts');
        expect(
          rows.every((p) => p.authorId === userId(pick(i, USERS)) && p.status === 'published'),
          'published posts of the author',
        );
        const t = rows.map((p) => new Date(p.publishedAt as string).getTime());
        expect(t[0] > t[1] && t[1] > t[2], 'newest first');
      },
      note: 'raw: Query on the (authorId, publishedAt) GSI, no Limit (DynamoDB applies Limit before the filter), pages until 3 match',
    },
    {
      id: 'batch-get-250',
      title: 'batch get 250 keys',
      minimalRequests: 3,
      raw: async (i) => {
        const keys = ids250(i).map((id) => ({ id }));
        const chunks = [keys.slice(0, 100), keys.slice(100, 200), keys.slice(200)];
        return (await Promise.all(chunks.map((c) => batchGet(T.user, c)))).flat();
      },
      quern: (i, db) => db.user.findMany({ where: { id: { in: ids250(i) } } }),
      electrodb: (i) => electroBatchGet(ids250(i).map((id) => ({ id }))),
      toolbox: (i) => toolboxBatchGet(ids250(i).map((id) => ({ id }))),
      check: (r, i) => {
        const rows = r as { id: string }[];
        expect(rows.length === 250, '250 users');
        const want = new Set(ids250(i));
        expect(
          rows.every((u) => want.has(u.id)),
          'the requested users',
        );
      },
      note: 'raw: three BatchGetItem requests (100 + 100 + 50 keys) in parallel, UnprocessedKeys retried, ConsistentRead like quern',
    },
    {
      id: 'include-belongs-to',
      title: 'include belongsTo (20 posts + authors)',
      minimalRequests: 2,
      raw: async (i) => {
        const r = await doc.send(
          new QueryCommand({
            TableName: T.post,
            IndexName: GSI.postsByStatus,
            KeyConditionExpression: '#s = :s AND #p < :t',
            ExpressionAttributeNames: { '#s': 'status', '#p': 'publishedAt' },
            ExpressionAttributeValues: { ':s': 'published', ':t': before(i).toISOString() },
            ScanIndexForward: false,
            Limit: 20,
          }),
        );
        const posts = (r.Items ?? []) as Doc[];
        const authorIds = [...new Set(posts.map((p) => p.authorId as string))];
        const authors = await batchGet(
          T.user,
          authorIds.map((id) => ({ id })),
        );
        const byId = new Map(authors.map((a) => [a.id as string, a]));
        return posts.map((p) => ({ ...p, author: byId.get(p.authorId as string) ?? null }));
      },
      quern: (i, db) =>
        db.post.findMany({
          where: { status: 'published', publishedAt: { lt: before(i) } },
          orderBy: { publishedAt: 'desc' },
          limit: 20,
          include: { author: true },
        }),
      electrodb: async (i) => {
        const posts = (
          await e.post.query
            .byStatus({ status: 'published' })
            .lt({ publishedAt: before(i).toISOString() })
            .go({ order: 'desc', limit: 20, ignoreOwnership: true })
        ).data as Doc[];
        const authors = await electroBatchGet([...new Set(posts.map((p) => p.authorId as string))].map((id) => ({ id })));
        const byId = new Map(authors.map((a) => [a.id as string, a]));
        return posts.map((p) => ({ ...p, author: byId.get(p.authorId as string) ?? null }));
      },
      toolbox: async (i) => {
        const r = await x.postsTable
          .build(tb.TQueryCommand)
          .entities(x.post)
          .query({ index: GSI.postsByStatus, partition: 'published', range: { lt: before(i).toISOString() } })
          .options({ reverse: true, limit: 20, entityAttrFilter: false })
          .send();
        const posts = (r.Items ?? []) as Doc[];
        const authors = await toolboxBatchGet([...new Set(posts.map((p) => p.authorId as string))].map((id) => ({ id })));
        const byId = new Map(authors.map((a) => [a.id as string, a]));
        return posts.map((p) => ({ ...p, author: byId.get(p.authorId as string) ?? null }));
      },
      check: (r) => {
        const rows = r as { authorId: string; author: { id: string } | null }[];
        expect(rows.length === 20, '20 posts');
        expect(
          rows.every((p) => p.author?.id === p.authorId),
          'each with its author',
        );
      },
      note: 'raw: Query on the (status, publishedAt) GSI with Limit 20, then one BatchGetItem of the distinct authors, stitched in JS',
    },
    {
      id: 'unique-create',
      title: 'create with a unique field (email)',
      minimalRequests: 1,
      raw: async (i) => {
        const email = `raw-${run}-${i}@bench.quern.dev`;
        const item = { id: uuidv7(), email, name: `Raw ${i}`, createdAt: new Date().toISOString() };
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: T.user, Item: item, ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } } },
              {
                Put: {
                  TableName: T.unique,
                  Item: { pk: uniquePk(email), m: 'User', c: EMAIL_UNIQUE, k: { id: item.id } },
                  ConditionExpression: 'attribute_not_exists(#pk)',
                  ExpressionAttributeNames: { '#pk': 'pk' },
                },
              },
            ],
          }),
        );
        return item;
      },
      quern: (i, db) => db.user.create({ data: { email: `quern-${run}-${i}@bench.quern.dev`, name: `Quern ${i}` } }),
      // Neither peer has unique constraints: both write the same two-item transaction as the raw code.
      electrodb: async (i) => {
        const email = `electrodb-${run}-${i}@bench.quern.dev`;
        const item = { id: uuidv7(), email, name: `ElectroDB ${i}`, createdAt: new Date().toISOString() };
        const r = await e.service.transaction
          .write(({ user, unique }) => [
            user.create(item).commit(),
            unique.create({ pk: uniquePk(email), m: 'User', c: EMAIL_UNIQUE, k: { id: item.id } }).commit(),
          ])
          .go();
        if (r.canceled) throw new Error(`ElectroDB transaction canceled: ${JSON.stringify(r.data)}`);
        return item;
      },
      toolbox: async (i) => {
        const email = `toolbox-${run}-${i}@bench.quern.dev`;
        const item = { id: uuidv7(), email, name: `Toolbox ${i}`, createdAt: new Date().toISOString() };
        await tb.executeTransactWrite(
          x.user
            .build(tb.PutTransaction)
            .item(item)
            .options({ condition: { attr: 'id', exists: false } }),
          x.unique
            .build(tb.PutTransaction)
            .item({ pk: uniquePk(email), m: 'User', c: EMAIL_UNIQUE, k: { id: item.id } })
            .options({ condition: { attr: 'pk', exists: false } }),
        );
        return item;
      },
      check: (r) => expect(typeof (r as Doc).id === 'string' && String((r as Doc).email).includes(run), 'the created user'),
      note: 'raw: one TransactWriteItems putting the item and its unique-index entry, both under attribute_not_exists',
    },
  ];
}

export interface DynamoTarget {
  readonly db: QuernDb;
  readonly probe: { readonly db: QuernDb; readonly events: { n: number } };
  readonly quernCounter: { n: number };
  readonly rawCounter: { n: number };
  readonly peerCounters: { readonly electrodb: { n: number }; readonly toolbox: { n: number } };
  readonly workloads: readonly DWorkload[];
  close(): Promise<void>;
}

/** Creates the tables (quern's db.push), seeds them, and builds both contenders. */
export async function openDynamoTarget(server: DynamoServer, log: (s: string) => void): Promise<DynamoTarget> {
  const { dynamodb } = await import('../../drivers/dynamodb/index.js');
  const config = { endpoint: server.endpoint, region: server.region, credentials: server.credentials };
  const driver = dynamodb({ ...config, tablePrefix: PREFIX });
  const quernCounter = countRequests(driver.raw);
  const db: QuernDb = await createClient({ schema, driver, strict: false, onWarning: () => undefined });
  const rawClient = new DynamoDBClient(config);
  const electroClient = new DynamoDBClient(config);
  const toolboxClient = new DynamoDBClient(config);
  const destroy = () => [rawClient, electroClient, toolboxClient].forEach((c) => c.destroy());
  try {
    log('  creating tables (db.push)');
    await db.push();
    const events = { n: 0 };
    // Same driver, second client: its log hook counts quern's requests without touching the timed client.
    const probeDb = await createClient({ schema, driver, strict: false, onWarning: () => undefined, log: (_e: QueryEvent) => void events.n++ });
    const rawCounter = countRequests(rawClient);
    const doc = DynamoDBDocumentClient.from(rawClient, { marshallOptions: { removeUndefinedValues: true } });
    const peerCounters = { electrodb: countRequests(electroClient), toolbox: countRequests(toolboxClient) };
    const peers: Peers = {
      electro: electro(DynamoDBDocumentClient.from(electroClient, { marshallOptions: { removeUndefinedValues: true } }), physical),
      toolbox: toolbox(DynamoDBDocumentClient.from(toolboxClient, { marshallOptions: { removeUndefinedValues: true } }), physical),
    };
    log(`  seeding ${USERS} users and ${USERS * seed.POSTS_PER_USER} posts`);
    await seedTables(rawClient);
    return {
      db,
      probe: { db: probeDb, events },
      quernCounter,
      rawCounter,
      peerCounters,
      workloads: workloads(doc, peers, Date.now().toString(36)),
      async close() {
        destroy();
        await db.close().catch(() => undefined);
      },
    };
  } catch (e) {
    destroy();
    await db.close().catch(() => undefined);
    throw e;
  }
}

export async function runDynamoSuite(server: DynamoServer, scale: Schedule, log: (s: string) => void): Promise<ComparisonSuite> {
  const t = await openDynamoTarget(server, log);
  try {
    const figures: WorkloadFigure[] = [];
    for (const w of t.workloads) {
      log(`  dynamodb: ${w.title}`);
      const mk = (name: string, op: (i: number) => PromiseLike<unknown>): Contender => {
        let checked = false;
        return {
          name,
          run: async (i) => {
            const r = await op(i);
            if (!checked) {
              checked = true;
              w.check(r, i);
            }
            return r;
          },
        };
      };
      const ops: Record<DContender, (i: number) => PromiseLike<unknown>> = {
        raw: w.raw,
        quern: (i) => w.quern(i, t.db),
        electrodb: w.electrodb,
        toolbox: w.toolbox,
      };
      const measured = await interleave(
        DYNAMO_CONTENDERS.map((name) => mk(name, ops[name])),
        scale,
      );

      // Request counts for one operation each, outside the timed rounds.
      const i = 1_000_003;
      let rawN: number | null = null;
      let quernWire: number | null = null;
      let quernLog: number | null = null;
      const peerN: Record<string, number | null> = { electrodb: null, toolbox: null };
      try {
        for (const name of ['electrodb', 'toolbox'] as const) {
          const c = t.peerCounters[name];
          const n0 = c.n;
          await w[name](i);
          peerN[name] = c.n - n0;
        }
        const r0 = t.rawCounter.n;
        await w.raw(i);
        rawN = t.rawCounter.n - r0;
        const q0 = t.quernCounter.n;
        const e0 = t.probe.events.n;
        await w.quern(i + 1, t.probe.db);
        quernWire = t.quernCounter.n - q0;
        quernLog = t.probe.events.n - e0;
      } catch (e) {
        log(`    request probe failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      const base = measured.get('raw')?.summary?.median ?? null;
      const results: Record<string, ContenderFigure> = {};
      for (const name of DYNAMO_CONTENDERS) {
        const m = measured.get(name)!;
        const s = m.summary;
        results[name] = {
          median: s ? round(s.median, 4) : null,
          p95: s ? round(s.p95, 4) : null,
          n: s?.n ?? 0,
          ratio: s && base ? round(s.median / base, 3) : null,
          requests: name === 'raw' ? rawN : name === 'quern' ? quernLog : peerN[name],
          requestsVia: name === 'quern' ? `log hook events (SDK middleware saw ${quernWire ?? '?'})` : 'SDK middleware (HTTP attempts)',
          ...(m.error ? { error: m.error } : {}),
        };
        if (m.error) log(`    ${name}: ${m.error}`);
      }
      if (quernWire !== null && quernLog !== null && quernWire !== quernLog)
        log(`    note: quern log hook reported ${quernLog} requests, the wire saw ${quernWire}`);
      figures.push({ id: w.id, title: w.title, contenders: results, minimalRequests: w.minimalRequests, ...(w.note ? { note: w.note } : {}) });
    }
    return {
      id: 'dynamodb',
      title: 'DynamoDB Local',
      server: server.source,
      baseline: 'raw',
      contenders: [...DYNAMO_CONTENDERS],
      workloads: figures,
      notes: [
        "raw: @aws-sdk/lib-dynamodb DocumentClient over a default DynamoDBClient (the SDK's retries and logger middleware, no request timeout), hand-written requests (ConsistentRead on table reads, like quern); request counts are HTTP requests seen by SDK middleware; quern: the client dynamodb() makes (docs/performance.md, DynamoDB: what a request costs)",
        'electrodb: electrodb 3.9.3 entities over the same tables (key fields as plain attributes, ignoreOwnership on reads since the items carry no ElectroDB markers, consistent reads, batch get with concurrency 3); the unique-guarded create is a Service transaction of the item and its unique-index entry',
        'toolbox: dynamodb-toolbox 2.9.0, one Table per physical table, entities without the entity attribute and timestamps; batch get as one executeBatchGet per 100 keys in parallel; the unique-guarded create is executeTransactWrite of two PutTransactions',
      ],
    };
  } finally {
    await t.close();
  }
}
