// The DynamoDB driver against AWS's DynamoDB Local: minimal request counts (recorded through the
// log hook), full pages under a 90%-rejecting filter, unique-index consistency under races,
// version conflicts, atomic batches and the errors DynamoDB's limits turn into.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  BatchError,
  CapabilityError,
  ConcurrencyError,
  createClient,
  DriverError,
  NotFoundError,
  UniqueConstraintError,
  ValidationError,
  type Client,
  type QueryEvent,
} from 'quern';
import { dynamodb, UNIQUE_TABLE } from 'quern/dynamodb';
import { freshTablePrefix, testServers } from '../harness/index.js';
import { schema } from './schema.js';

const server = testServers().dynamodb;
if (!server) console.warn(`[dynamodb tests] SKIPPED: no DynamoDB (${testServers().reasons.dynamodb ?? 'unknown reason'})`);

type Db = Client<typeof schema>;
type TitlePage = { items: { title: string }[]; nextCursor: string | null; prevCursor: string | null };

describe.skipIf(!server)('dynamodb driver (DynamoDB Local)', () => {
  const events: QueryEvent[] = [];
  const prefix = freshTablePrefix();
  let db: Db;
  let lax: Db;
  let small: Db;
  const driverOpts = () => ({ endpoint: server!.endpoint, region: server!.region, credentials: server!.credentials, tablePrefix: prefix });
  const raw = () => db.raw.dynamodb as import('@aws-sdk/client-dynamodb').DynamoDBClient;
  let n = 0;
  const tag = (p: string) => `${p}${++n}${Math.random().toString(36).slice(2, 8)}`;

  /** The commands a call sends, in order. */
  async function ops<T>(fn: () => PromiseLike<T>): Promise<{ result: T; ops: string[] }> {
    const start = events.length;
    const result = await fn();
    return { result, ops: events.slice(start).map((e) => e.operation) };
  }

  const newUser = (team = tag('team')) => db.user.create({ data: { email: `${tag('u')}@x.io`, name: tag('n'), team } });

  beforeAll(async () => {
    const log = (e: QueryEvent) => void events.push(e);
    db = await createClient({ schema, driver: dynamodb(driverOpts()), strict: true, log });
    await db.push();
    lax = await createClient({ schema, driver: dynamodb(driverOpts()), strict: false, log, onWarning: () => undefined });
    // Every Query/Scan request evaluates at most 5 items: filtered reads must keep paging.
    small = await createClient({ schema, driver: dynamodb({ ...driverOpts(), readPageLimit: 5 }), strict: true, log });
  });
  afterAll(async () => {
    await Promise.all([db?.close(), lax?.close(), small?.close()]);
  });

  it('push creates the tables, the GSIs (partition, sort, projection ALL) and the unique-index table', async () => {
    const t = (await raw().send(new DescribeTableCommand({ TableName: `${prefix}Post` }))).Table!;
    expect(t.TableStatus).toBe('ACTIVE');
    expect(t.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    const gsi = t.GlobalSecondaryIndexes!.find((g) => g.IndexName === 'Post_authorId_title_idx')!;
    expect(gsi.KeySchema).toEqual([
      { AttributeName: 'authorId', KeyType: 'HASH' },
      { AttributeName: 'title', KeyType: 'RANGE' },
    ]);
    expect(gsi.Projection?.ProjectionType).toBe('ALL');
    const seat = (await raw().send(new DescribeTableCommand({ TableName: `${prefix}Seat` }))).Table!;
    expect(seat.KeySchema).toEqual([
      { AttributeName: 'venue', KeyType: 'HASH' },
      { AttributeName: 'seat', KeyType: 'RANGE' },
    ]);
    const u = (await raw().send(new DescribeTableCommand({ TableName: `${prefix}${UNIQUE_TABLE}` }))).Table!;
    expect(u.TableStatus).toBe('ACTIVE');
    // push is idempotent.
    await db.push();
  });

  it('values round-trip with the documented encoding (null fields are absent attributes)', async () => {
    const u = await newUser();
    const data = {
      authorId: u.id,
      title: 'enc',
      tags: ['a', 'b'],
      score: 9007199254740993n,
      price: '12.50',
      day: '2024-02-29',
      meta: { nested: { list: [1, 'two', null, true] }, k: 'v' },
      publishedAt: new Date('2024-01-02T03:04:05.678Z'),
    };
    const p = await db.post.create({ data });
    expect(await db.post.findUnique({ where: { id: p.id } })).toEqual(p);
    const item = (
      await raw().send(
        new ScanCommand({
          TableName: `${prefix}Post`,
          FilterExpression: '#i = :i',
          ExpressionAttributeNames: { '#i': 'id' },
          ExpressionAttributeValues: { ':i': { S: p.id } },
        }),
      )
    ).Items![0];
    expect(item.score).toEqual({ N: '9007199254740993' });
    expect(item.price).toEqual({ S: '12.50' });
    expect(item.publishedAt).toEqual({ S: '2024-01-02T03:04:05.678Z' });
    expect(item.day).toEqual({ S: '2024-02-29' });
    expect(item.tags).toEqual({ L: [{ S: 'a' }, { S: 'b' }] });
    expect(item.meta.M).toBeDefined();
    expect(item.views).toEqual({ N: '0' });
    expect('body' in item).toBe(false);
    expect(await db.post.findMany({ where: { authorId: u.id, body: null } })).toHaveLength(1);
  });

  it('a key lookup is exactly 1 GetItem', async () => {
    const u = await newUser();
    const { result, ops: sent } = await ops(() => db.user.findUnique({ where: { id: u.id } }));
    expect(result).toEqual(u);
    expect(sent).toEqual(['GetItem']);
  });

  it('a unique-field lookup is the unique-index entry, then the item', async () => {
    const u = await newUser();
    const { result, ops: sent } = await ops(() => db.user.findUnique({ where: { email: u.email } }));
    expect(result).toEqual(u);
    expect(sent).toEqual(['GetItem', 'GetItem']);
  });

  it('250 keys `in` is 3 BatchGetItem requests; strict mode refuses the fanout before sending anything', async () => {
    const u = await newUser();
    const rows = Array.from({ length: 250 }, (_, i) => ({ authorId: u.id, title: `k${String(i).padStart(3, '0')}` }));
    for (let i = 0; i < rows.length; i += 50) await db.post.createMany({ data: rows.slice(i, i + 50) });
    const ids = (await db.post.findMany({ where: { authorId: u.id } })).map((p) => p.id);
    expect(ids).toHaveLength(250);
    const before = events.length;
    const e = await db.post.findMany({ where: { id: { in: ids } } }).then(
      () => null,
      (x) => x,
    );
    expect(e).toBeInstanceOf(CapabilityError);
    expect((e as CapabilityError).code).toBe('fanout');
    expect(events.length).toBe(before);
    const { result, ops: sent } = await ops(() => lax.post.findMany({ where: { id: { in: ids } } }));
    expect(sent).toEqual(['BatchGetItem', 'BatchGetItem', 'BatchGetItem']);
    expect(new Set(result.map((p) => p.id))).toEqual(new Set(ids));
    // The rows come back in the order of the key list.
    expect(result.map((p) => p.id)).toEqual(ids);
  });

  it('include of belongsTo over 50 posts with 7 distinct authors is 1 BatchGetItem', async () => {
    const team = tag('team');
    const authors = await Promise.all(Array.from({ length: 7 }, () => newUser(team)));
    const status = 'published' as const;
    const title = tag('inc');
    await db.post.createMany({
      data: Array.from({ length: 50 }, (_, i) => ({ authorId: authors[i % 7].id, title: `${title}-${String(i).padStart(2, '0')}`, status })),
    });
    const { result, ops: sent } = await ops(() =>
      db.post.findMany({ where: { status, title: { startsWith: title } }, orderBy: { title: 'asc' }, include: { author: true } }),
    );
    expect(result).toHaveLength(50);
    expect(sent).toEqual(['Query', 'BatchGetItem']);
    for (const p of result) expect(p.author?.id).toBe(p.authorId);
    expect(new Set(result.map((p) => p.author!.email)).size).toBe(7);
  });

  it('include of hasMany is one Query per parent on the foreign-key index', async () => {
    const team = tag('team');
    const [a, b] = [await newUser(team), await newUser(team)];
    await db.post.createMany({
      data: [
        { authorId: a.id, title: 'a1' },
        { authorId: a.id, title: 'a2' },
        { authorId: b.id, title: 'b1' },
      ],
    });
    const q = (c: typeof db) => c.user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { posts: { orderBy: { title: 'desc' } } } });
    // One Query per parent is a fan-out: said in the plan, refused by the strict client.
    expect((await q(db).explain()).diagnostics.map((d) => d.code)).toEqual(['fanout']);
    await expect(q(db)).rejects.toMatchObject({ name: 'CapabilityError', code: 'fanout' });
    const { result, ops: sent } = await ops(() => q(lax));
    expect(sent).toEqual(['Query', 'Query', 'Query']);
    const byId = new Map(result.map((u) => [u.id, u.posts.map((p) => p.title)]));
    expect(byId.get(a.id)).toEqual(['a2', 'a1']);
    expect(byId.get(b.id)).toEqual(['b1']);
  });

  it('a filtered, paginated query where 90% of items fail the filter still returns full pages (≥5 pages)', async () => {
    const u = await newUser();
    // 100 posts, every 10th published: 10 matches spread over the whole partition.
    await db.post.createMany({
      data: Array.from({ length: 100 }, (_, i) => ({
        authorId: u.id,
        title: `p${String(i).padStart(3, '0')}`,
        status: i % 10 === 3 ? ('published' as const) : ('draft' as const),
      })),
    });
    const q = { where: { authorId: u.id, status: 'published' as const }, orderBy: { title: 'asc' as const } };
    const want = Array.from({ length: 10 }, (_, i) => `p${String(i * 10 + 3).padStart(3, '0')}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    const start = events.length;
    do {
      const page: TitlePage = await small.post.paginate({ ...q, first: 2, ...(cursor ? { after: cursor } : {}) });
      pages++;
      if (page.nextCursor) expect(page.items).toHaveLength(2);
      seen.push(...page.items.map((p) => p.title));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(want);
    // Each request evaluated at most 5 items, so full pages took many requests: the engine kept reading.
    expect(events.slice(start).filter((e) => e.operation === 'Query').length).toBeGreaterThan(10);
    // Backward from the end walks the same pages in reverse.
    const back: string[][] = [];
    let before: string | null = null;
    do {
      const page: TitlePage = await small.post.paginate({ ...q, last: 2, ...(before ? { before } : {}) });
      back.unshift(page.items.map((p) => p.title));
      before = page.prevCursor;
    } while (before);
    expect(back.flat()).toEqual(want);
    // findMany with a limit is never short either.
    expect((await small.post.findMany({ ...q, limit: 7 })).map((p) => p.title)).toEqual(want.slice(0, 7));
    expect(await small.post.count({ where: q.where })).toBe(10);
  });

  it('a tampered cursor is a ValidationError', async () => {
    const u = await newUser();
    await db.post.createMany({
      data: [
        { authorId: u.id, title: 'x1' },
        { authorId: u.id, title: 'x2' },
      ],
    });
    const p = await db.post.paginate({ where: { authorId: u.id }, orderBy: { title: 'asc' }, first: 1 });
    const c = p.nextCursor!;
    const bad = c.slice(0, 3) + (c[3] === 'A' ? 'B' : 'A') + c.slice(4);
    await expect(db.post.paginate({ where: { authorId: u.id }, orderBy: { title: 'asc' }, first: 1, after: bad })).rejects.toBeInstanceOf(ValidationError);
  });

  it('two concurrent creates with the same unique email: exactly one wins; the unique-index table matches the base table', async () => {
    const email = `${tag('race')}@x.io`;
    const results = await Promise.allSettled(Array.from({ length: 2 }, (_, i) => db.user.create({ data: { email, name: `racer${i}`, team: tag('t') } })));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toBeInstanceOf(UniqueConstraintError);
    expect((failed[0].reason as UniqueConstraintError).fields).toEqual(['email']);
    // Some more unique traffic: a moved email, a deleted user, a null handle (no entry).
    const moved = await newUser();
    await db.user.update({ where: { id: moved.id }, data: { email: `${tag('moved')}@x.io`, handle: tag('h') } });
    const gone = await newUser();
    await db.user.delete({ where: { email: gone.email } });

    const users = await scanAll(`${prefix}User`);
    const entries = (await scanAll(`${prefix}${UNIQUE_TABLE}`)).filter((e) => e.m.S === 'User');
    const expected = new Set<string>();
    for (const u of users) {
      expected.add(`User#User_email_key#${JSON.stringify([u.email.S])}=>${u.id.S}`);
      if (u.handle) expected.add(`User#User_handle_key#${JSON.stringify([u.handle.S])}=>${u.id.S}`);
    }
    expect(new Set(entries.map((e) => `${e.pk.S}=>${e.k.M!.id.S}`))).toEqual(expected);
    expect(users.filter((u) => u.email.S === email)).toHaveLength(1);
  });

  async function scanAll(TableName: string) {
    const out: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue>[] = [];
    let ExclusiveStartKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const r = await raw().send(new ScanCommand({ TableName, ExclusiveStartKey, ConsistentRead: true }));
      out.push(...(r.Items ?? []));
      ExclusiveStartKey = r.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return out;
  }

  it('a duplicate on update or on a composite unique writes nothing', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const e = await db.user.update({ where: { id: b.id }, data: { email: a.email, name: 'changed' } }).then(
      () => null,
      (x) => x,
    );
    expect(e).toBeInstanceOf(UniqueConstraintError);
    expect(await db.user.findUnique({ where: { id: b.id } })).toEqual(b);
    const venue = tag('v');
    await db.seat.create({ data: { venue, seat: 'A1', holder: a.id, row: 1 } });
    const e2 = await db.seat.create({ data: { venue, seat: 'A2', holder: a.id, row: 1 } }).then(
      () => null,
      (x) => x,
    );
    expect(e2).toBeInstanceOf(UniqueConstraintError);
    expect((e2 as UniqueConstraintError).fields).toEqual(['holder', 'venue']);
    expect(await db.seat.findMany({ where: { venue } })).toHaveLength(1);
    expect(await db.seat.findUnique({ where: { holder: a.id, venue } })).toMatchObject({ seat: 'A1' });
  });

  it('version(): two racing updates with the same expected version, exactly one wins; updateMany honours it', async () => {
    const u = await newUser();
    const p = await db.post.create({ data: { authorId: u.id, title: 'v' } });
    const results = await Promise.allSettled([1, 2].map((i) => db.post.update({ where: { id: p.id, version: 1 }, data: { title: `v${i}` } })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toBeInstanceOf(ConcurrencyError);
    expect((await db.post.findUniqueOrThrow({ where: { id: p.id } })).version).toBe(2);
    const n = await db.post.updateMany({ where: { authorId: u.id }, data: { views: { increment: 5 } } });
    expect(n).toEqual({ count: 1 });
    expect(await db.post.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ views: 5, version: 3 });
    expect(await db.post.deleteMany({ where: { authorId: u.id, title: { startsWith: 'v' } } })).toEqual({ count: 1 });
    await expect(db.post.update({ where: { id: p.id }, data: { title: 'x' } })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('db.batch is one TransactWriteItems; a failing item is a BatchError naming it, and nothing is written', async () => {
    const team = tag('team');
    const a = await newUser(team);
    const fresh = `${tag('b')}@x.io`;
    const { ops: sent } = await ops(() =>
      db.batch([db.user.create({ data: { email: fresh, name: 'B', team } }), db.user.update({ where: { id: a.id }, data: { name: 'A2' } })]),
    );
    expect(sent.filter((o) => o === 'TransactWriteItems')).toHaveLength(1);
    const e = await db
      .batch([db.user.create({ data: { email: `${tag('c')}@x.io`, name: 'C', team } }), db.user.create({ data: { email: fresh, name: 'dup', team } })])
      .then(
        () => null,
        (x) => x,
      );
    expect(e).toBeInstanceOf(BatchError);
    expect((e as BatchError).index).toBe(1);
    expect((e as BatchError).reason).toContain('email');
    expect((await db.user.findMany({ where: { team }, orderBy: { name: 'asc' } })).map((u) => u.name)).toEqual(['A2', 'B']);
  });

  it('a batch beyond 100 transaction items is batch-too-large; db.transaction is interactive-transaction-unsupported', async () => {
    const team = tag('team');
    // 60 users with a unique email each: 120 items (row + entry).
    const big = Array.from({ length: 60 }, (_, i) => db.user.create({ data: { email: `${tag('big')}${i}@x.io`, name: 'x', team } }));
    const e = await db.batch(big).then(
      () => null,
      (x) => x,
    );
    expect(e).toBeInstanceOf(CapabilityError);
    expect((e as CapabilityError).code).toBe('batch-too-large');
    expect((e as CapabilityError).fix).toBeTruthy();
    expect(await db.user.count({ where: { team } })).toBe(0);
    const t = await db
      .transaction(async () => 1)
      .then(
        () => null,
        (x) => x,
      );
    expect(t).toBeInstanceOf(CapabilityError);
    expect((t as CapabilityError).code).toBe('interactive-transaction-unsupported');
    expect((t as CapabilityError).fix).toContain('db.batch');
  });

  it('an item over 400 KB is rejected before sending, naming the model and key', async () => {
    const u = await newUser();
    const before = events.length;
    const e = await db.post.create({ data: { authorId: u.id, title: 'huge', body: 'x'.repeat(410 * 1024) } }).then(
      () => null,
      (x) => x,
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).path).toMatch(/^Post\(id=/);
    expect((e as Error).message).toContain('400 KB');
    expect(events.length).toBe(before);
  });

  it('a request DynamoDB rejects as invalid becomes a readable DriverError', async () => {
    // A partition key value is at most 2048 bytes: only DynamoDB knows, so it answers.
    const e = await db.seat.create({ data: { venue: 'v'.repeat(3000), seat: 'A', holder: (await newUser()).id, row: 1 } }).then(
      () => null,
      (x) => x,
    );
    expect(e).toBeInstanceOf(DriverError);
    expect((e as Error).message).toMatch(/Seat create failed: .*primary key values must be under 2048 bytes/);
  });

  it('an empty string in a key attribute is a ValidationError naming it, before any request', async () => {
    const holder = (await newUser()).id;
    const before = events.length;
    const e = await db.seat.create({ data: { venue: '', seat: 'A', holder, row: 1 } }).then(
      () => null,
      (x) => x,
    );
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).path).toBe('venue');
    expect((e as Error).message).toMatch(/cannot hold an empty string/);
    expect(events.length).toBe(before);
  });

  it("the driver's own SDK client: one attempt per send, no SDK logger middleware, request timeouts thrown by the HTTP handler; a caller's client is left as is", async () => {
    const own = raw();
    const hasLogger = (c: DynamoDBClient) => c.middlewareStack.identify().some((m) => m.startsWith('loggerMiddleware'));
    expect(await own.config.maxAttempts()).toBe(1);
    expect(hasLogger(own)).toBe(false);
    // Resolved by the first request (push, in beforeAll): the handler turns requestTimeoutMs into an error itself.
    const handler = own.config.requestHandler as unknown as { httpHandlerConfigs(): { throwOnRequestTimeout?: boolean; connectionTimeout?: number } };
    expect(handler.httpHandlerConfigs()).toMatchObject({ throwOnRequestTimeout: true, connectionTimeout: 10_000 });
    const mine = new DynamoDBClient({ endpoint: server!.endpoint, region: server!.region, credentials: server!.credentials });
    try {
      const driver = dynamodb({ client: mine, tablePrefix: prefix });
      const theirs = await createClient({ schema, driver, strict: true });
      expect(driver.raw).toBe(mine);
      expect(hasLogger(mine)).toBe(true);
      const u = await newUser();
      expect((await theirs.user.findUnique({ where: { id: u.id } }))?.id).toBe(u.id);
      await theirs.close();
    } finally {
      mine.destroy();
    }
  });

  it('scan-required is refused before any request; allowScan runs the Scan', async () => {
    const before = events.length;
    const e = await db.post.findMany({ where: { body: { contains: 'needle' } } }).then(
      () => null,
      (x) => x,
    );
    expect((e as CapabilityError).code).toBe('scan-required');
    expect(events.length).toBe(before);
    const { ops: sent } = await ops(() => db.post.findMany({ where: { body: { contains: tag('needle') } }, allowScan: true }));
    expect(sent.every((o) => o === 'Scan')).toBe(true);
  });
});
