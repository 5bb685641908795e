/**
 * Regression tests for the bugs the reliability suites found (docs/guarantees.md
 * lists them). Each runs on every target and asserts the behaviour PostgreSQL
 * defines; the generated suites found them, these keep them found.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../cli/config.js';
import { ProjectError } from '../../cli/errors.js';
import { ConcurrencyError, DriverError, PoolExhaustedError, QuernError, TimeoutError, ValidationError, createClient, defineSchema, f, model } from 'quern';
import { Project } from '../migrations/project.js';
import { CursorCodec } from '../../src/engine/cursor.js';
import { schema as blog } from './blog-schema.js';
import { SEED } from './budget.js';
import { blogData, seedData, T0 } from './blog-data.js';
import { show } from './compare.js';
import { faultyClient, newControl } from './fault-transport.js';
import { uniqueIndexProblems } from './invariants.js';
import { rng, uuidOf } from './random.js';
import type { BackendName } from '../harness/index.js';
import { backends, on, openTarget, type Opened } from './targets.js';

type Row = Record<string, unknown>;
const have = backends();
/** The differential blog schema (with tags) plus a json model (the blog has no json field). */
const JsonDoc = model('JsonDoc', { id: f.uuid().key().auto(), doc: f.json() });
const withJson = defineSchema({ ...blog.models, jsonDoc: JsonDoc }, { relations: blog.relations });
const names: BackendName[] = ['pglite', ...(have.postgres ? ['postgres' as const] : []), ...(have.dynamodb ? ['dynamodb' as const] : [])];

for (const name of names) {
  describe(`regressions found by the reliability suites [${name}]`, () => {
    let t: Opened;
    const data = blogData(SEED + 29, { users: 4, posts: 12, comments: 4 });

    beforeAll(async () => {
      t = await openTarget(name, withJson);
      await seedData(t, data);
    });
    afterAll(async () => {
      await t?.close();
    });

    // Found by writes.test.ts (QUERN_SEED=2): DynamoDB dropped the second row, which collides only
    // with the first row of the call — itself skipped for colliding with a stored row.
    it('createMany skipDuplicates writes a row that collides only with an earlier, skipped row of the call', async () => {
      const stored = data.user[0];
      const id = uuidOf(41, 1);
      const res = await on(t.db, 'user').createMany({
        skipDuplicates: true,
        data: [
          { id, email: stored.email, name: 'collides with a stored email: skipped' },
          { id, email: 'second@x.io', name: 'collides only with the skipped row: written' },
          { id, email: 'third@x.io', name: 'collides with the written row: skipped' },
        ],
      });
      expect(res).toEqual({ count: 1 });
      const row = (await on(t.db, 'user').findUnique({ where: { id } })) as Row;
      expect(row.email).toBe('second@x.io');
      expect(await on(t.db, 'user').findUnique({ where: { email: 'third@x.io' } })).toBeNull();
    });

    // Found by hostile.test.ts: on DynamoDB a JSON object with an own "__proto__" key (as JSON.parse
    // makes it) was marshalled with a plain assignment, which set the map's prototype instead: the
    // key was silently dropped ({"a":{"__proto__":1}} stored as {"a":{}}) or the request rejected.
    it('json values with own __proto__ and constructor keys are stored, read back and matched verbatim', async () => {
      for (const text of [
        '{"__proto__": {"polluted": "yes"}, "name": "x"}',
        '{"a": {"__proto__": 1}}',
        '{"constructor": {"prototype": {"polluted": "yes"}}}',
        '{"__proto__": null}',
      ]) {
        const meta = JSON.parse(text) as unknown;
        const made = (await on(t.db, 'jsonDoc').create({ data: { doc: meta } })) as Row;
        const back = (await on(t.db, 'jsonDoc').findUnique({ where: { id: made.id } })) as Row;
        // Key order is the database's (jsonb orders keys); the keys and values are what was written.
        expect(show(back.doc), text).toBe(show(meta));
        expect(Object.keys(back.doc as object).sort(), text).toEqual(Object.keys(meta as object).sort());
        const found = (await on(t.db, 'jsonDoc').findMany({ where: { doc: { equals: meta } }, allowScan: true })) as Row[];
        expect(
          found.map((r) => r.id),
          text,
        ).toContain(made.id);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    // Found by hostile.test.ts: PGlite (0.5.16) drops a leading U+FEFF from every text value it returns:
    // its wire-protocol reader decodes with a TextDecoder that strips a byte-order mark. An upstream
    // bug, out of quern's reach; postgres() and dynamodb() keep the character. This test pins the
    // behaviour per target, so a PGlite release that fixes it shows up here.
    (name === 'pglite' ? it.fails : it)('a string starting with U+FEFF reads back verbatim', async () => {
      const made = (await on(t.db, 'user').create({ data: { email: 'bom@x.io', name: '\uFEFFname' } })) as Row;
      expect(made.name).toBe('\uFEFFname');
      expect(((await on(t.db, 'user').findUnique({ where: { id: made.id } })) as Row).name).toBe('\uFEFFname');
    });

    // Found by hostile.test.ts: an offset of 2^31 (valid input) became DynamoDB's Limit (offset + 1),
    // which DynamoDB cannot take: a 500 retried eight times, then a DriverError. PostgreSQL answers empty.
    it('a huge offset or limit reads to the end instead of failing', async () => {
      const p = data.post[0];
      expect(await on(t.db, 'post').findMany({ where: { authorId: p.authorId }, offset: 2 ** 31 })).toEqual([]);
      expect(await on(t.db, 'post').findFirst({ allowScan: true, offset: 2 ** 31 })).toBeNull();
      const all = (await on(t.db, 'post').findMany({ where: { authorId: p.authorId }, limit: 2 ** 31 })) as Row[];
      expect(all.length).toBe(data.post.filter((x) => x.authorId === p.authorId).length);
    });

    // Found by differential.test.ts (QUERN_SEED=1 and 2): gte > lte on an index sort key became
    // `BETWEEN high AND low`, which DynamoDB rejects as an invalid request (a DriverError).
    it('a reversed range on an index sort key matches nothing instead of failing', async () => {
      const p = data.post[0];
      const later = new Date((p.createdAt as Date).getTime() + 1000);
      const where = { authorId: p.authorId, createdAt: { gte: later, lte: p.createdAt } };
      expect(await on(t.db, 'post').findMany({ where })).toEqual([]);
      expect(await on(t.db, 'post').count({ where })).toBe(0);
      const page = (await on(t.db, 'post').paginate({ where, first: 2 })) as { items: Row[] };
      expect(page.items).toEqual([]);
      // Equal bounds are a point, not an empty range.
      const point = await on(t.db, 'post').findMany({ where: { authorId: p.authorId, createdAt: { gte: p.createdAt, lte: p.createdAt } } });
      expect((point as Row[]).map((r) => r.id)).toEqual([p.id]);
    });

    // Found by differential.test.ts once it covered many-to-many (a join model keyed [postId, tagId]):
    // a constant in a Query's filter (`in: []` is false, `notIn: []` true) was rendered as the
    // existence of the table's partition key, a key attribute DynamoDB refuses in a Query's
    // FilterExpression: a DriverError where PostgreSQL answers.
    it('in: [] and notIn: [] next to a key condition on a composite-key model or its index', async () => {
      const [p1, p2] = data.post;
      const [tag1, tag2] = [uuidOf(42, 1), uuidOf(42, 2)];
      await on(t.db, 'tag').createMany({ data: [tag1, tag2].map((id, i) => ({ id, name: `t${i}`, kind: 'topic' })) });
      const at = new Date(T0);
      await on(t.db, 'postTag').createMany({
        data: [
          { postId: p1.id, tagId: tag1, addedAt: at },
          { postId: p2.id, tagId: tag1, addedAt: at },
          { postId: p1.id, tagId: tag2, addedAt: at },
        ],
      });
      const ids = (rows: unknown) => (rows as Row[]).map((r) => `${String(r.postId)}/${String(r.tagId)}`).sort();
      // The table's key (postId) and the inverted index (tagId, postId).
      for (const pin of [{ postId: p1.id }, { tagId: tag1 }]) {
        expect(await on(t.db, 'postTag').findMany({ where: { ...pin, addedAt: { in: [] } } })).toEqual([]);
        expect(await on(t.db, 'postTag').count({ where: { ...pin, addedAt: { in: [] } } })).toBe(0);
        const all = await on(t.db, 'postTag').findMany({ where: { ...pin } });
        expect(ids(await on(t.db, 'postTag').findMany({ where: { ...pin, addedAt: { notIn: [] } } }))).toEqual(ids(all));
        expect(await on(t.db, 'postTag').count({ where: { ...pin, OR: [{ addedAt: { notIn: [] } }, { addedAt: null }] } })).toBe((all as Row[]).length);
      }
      // The case the differential found: a postFilter on the index's sort key next to the constant.
      expect(await on(t.db, 'postTag').count({ where: { tagId: { in: [tag1] }, postId: { not: { gt: p1.id } }, addedAt: { notIn: [] } } })).toBe(
        [p1.id as string, p2.id as string].filter((id) => id <= (p1.id as string)).length,
      );
    });
  });
}

// Lost races on DynamoDB, replayed deterministically: a second client writes at the exact moment
// between quern's read of the row and its TransactWriteItems (the transport's beforeSend hook).
const Tally = model('Tally', { id: f.string().key(), n: f.int().nullable(), version: f.int().version() });
const Member = model('Member', { id: f.uuid().key().auto(), email: f.string().unique(), worker: f.int() });
const races = defineSchema({ tally: Tally, member: Member });

describe.skipIf(!have.dynamodb)("regressions: races between quern's read and its write [dynamodb]", () => {
  let healthy: Opened;
  let racing: Opened;
  const ctl = newControl([], 0);
  /** Runs `other` once, right before the next TransactWriteItems of the racing client. */
  const interleave = (other: () => PromiseLike<unknown>) => {
    let fired = false;
    ctl.beforeSend = async (op) => {
      if (fired || op !== 'TransactWriteItems') return;
      fired = true;
      await other();
    };
  };

  beforeAll(async () => {
    healthy = await openTarget('dynamodb', races);
    racing = await openTarget('dynamodb', races, { tablePrefix: healthy.tablePrefix, push: false, dynamoClient: (s) => faultyClient(s, ctl, rng(SEED)) });
  });
  afterAll(async () => {
    await racing?.close();
    (racing?.driver.raw as { destroy(): void } | undefined)?.destroy();
    await healthy?.close();
  });

  // Found by concurrency.test.ts: an unpinned update that quern computes from a read (a null-safe
  // increment here) failed with ConcurrencyError when another writer came between; PostgreSQL
  // just applies it. quern now reads again.
  it('an unpinned read-modify-write update survives a concurrent update', async () => {
    await on(healthy.db, 'tally').create({ data: { id: 't1', n: 0 } });
    interleave(() => on(healthy.db, 'tally').update({ where: { id: 't1' }, data: { n: { increment: 10 } } }));
    const row = (await on(racing.db, 'tally').update({ where: { id: 't1' }, data: { n: { increment: 1 } } })) as Row;
    expect(row).toMatchObject({ n: 11, version: 3 });
    expect(await on(healthy.db, 'tally').findUnique({ where: { id: 't1' } })).toMatchObject({ n: 11, version: 3 });
  });

  it('a version-pinned update still loses the race with a ConcurrencyError (it is not retried)', async () => {
    await on(healthy.db, 'tally').create({ data: { id: 't2', n: 0 } });
    interleave(() => on(healthy.db, 'tally').update({ where: { id: 't2' }, data: { n: { increment: 10 } } }));
    await expect(on(racing.db, 'tally').update({ where: { id: 't2', version: 1 }, data: { n: { increment: 1 } } })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await on(healthy.db, 'tally').findUnique({ where: { id: 't2' } })).toMatchObject({ n: 10, version: 2 });
  });

  // Found by concurrency.test.ts: an upsert by a unique field whose create lost to a concurrent
  // create of the same email failed with UniqueConstraintError; it now updates the winner's row.
  it('an upsert by a unique field whose create loses to a concurrent create updates instead', async () => {
    const email = 'race@x.io';
    interleave(() => on(healthy.db, 'member').create({ data: { email, worker: 1 } }));
    const row = (await on(racing.db, 'member').upsert({ where: { email }, create: { email, worker: 2 }, update: { worker: 2 } })) as Row;
    expect(row).toMatchObject({ email, worker: 2 });
    expect(await on(healthy.db, 'member').findMany({ where: { email }, allowScan: true })).toHaveLength(1);
    expect(await uniqueIndexProblems(healthy, races)).toEqual([]);
  });
});

// Found by hostile.test.ts: loadProject accepted a config whose `migrations`, `postgres` or
// `dynamodb` had the wrong type; `migrate` then crashed in path.resolve, and a string `postgres`
// was silently ignored.
describe('regressions: config files', () => {
  it('loadProject names a wrongly typed migrations, postgres or dynamodb setting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quern-regression-config-'));
    try {
      writeFileSync(
        join(dir, 'schema.ts'),
        `import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ a: model('A', { id: f.uuid().key().auto() }) });\n`,
      );
      const cases: [string, RegExp][] = [
        ['migrations: 5', /'migrations' must be/],
        ["postgres: 'postgres://x'", /'postgres' must be an object/],
        ['postgres: { url: 5 }', /'postgres.url' must be a string/],
        ["dynamodb: { region: ['eu-west-1'] }", /'dynamodb.region' must be a string/],
      ];
      for (const [i, [setting, message]] of cases.entries()) {
        const file = join(dir, `quern.config.${i}.ts`);
        writeFileSync(file, `export default { schema: './schema.ts', ${setting} };\n`);
        const e = await loadProject({ config: file }).then(
          () => null,
          (x: unknown) => x,
        );
        expect(e, setting).toBeInstanceOf(ProjectError);
        expect((e as Error).message, setting).toMatch(message);
      }
      const ok = join(dir, 'quern.config.ok.ts');
      writeFileSync(ok, `export default { schema: './schema.ts', migrations: './m', postgres: { url: 'postgres://x' }, dynamodb: { region: 'eu-west-1' } };\n`);
      expect((await loadProject({ config: ok })).config.migrations).toBe('./m');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// Found by hostile.test.ts under `npm run test:stress`: a cursor signed with the right secret (by
// default derived from the schema, so anyone can sign) whose boundary held a date or bigint tag
// that does not parse decoded to an Invalid Date, or threw a raw SyntaxError from BigInt().
describe('regressions: forged cursors with tags that do not parse', () => {
  const codec = new CursorCodec('secret');
  it.each([{ $d: 'x' }, { $d: '2024-13-45' }, { $b: '1e5' }, { $b: '0x10' }, { $b: '' }, [{ createdAt: { $d: 'Invalid Date' } }]])(
    '%j is a ValidationError',
    (boundary) => {
      const cursor = codec.encode(boundary, 'base');
      const e = (() => {
        try {
          codec.decode(cursor, 'base', 'after');
          return null;
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toMatch(/after.*malformed cursor: an invalid (timestamp|bigint)/);
    },
  );
  it('valid tags still decode', () => {
    const d = new Date('2024-05-06T07:08:09.010Z');
    expect(codec.decode(codec.encode([d, 12345678901234567890n, -5n], 'base'), 'base', 'after')).toEqual([d, 12345678901234567890n, -5n]);
  });
});

// Issue 11: pglite({ dataDir }) pointing at a regular file rejected with an Emscripten errno
// object (not an Error at all); it is now a ValidationError naming the option, before PGlite starts.
describe('regressions: unusable PGlite data directories', () => {
  it('a dataDir that is a regular file is a ValidationError naming pglite.dataDir', async () => {
    const { pglite } = await import('quern/postgres');
    const dir = mkdtempSync(join(tmpdir(), 'quern-regression-datadir-'));
    try {
      const file = join(dir, 'not-a-directory');
      writeFileSync(file, 'x');
      const e = await createClient({ schema: races, driver: pglite({ dataDir: file }) }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, String(e)).toBeInstanceOf(ValidationError);
      expect(e).toBeInstanceOf(QuernError);
      expect((e as ValidationError).path).toBe('pglite.dataDir');
      expect((e as Error).message).toMatch(/not-a-directory exists and is not a directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A TCP server on 127.0.0.1 that accepts every connection and never answers (issue 11). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((ok) => {
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

// Issue 11: a server that accepts connections and never answers hung postgres(), dynamodb() and
// `quern migrate status|apply` for ever. Every wait is now bounded, and the error names the
// endpoint and the bound.
describe('regressions: a server that accepts connections and never answers', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeAll(async () => {
    silent = await silentServer();
  });
  afterAll(async () => {
    await silent?.close();
  });

  it('postgres(): queries and push fail with a TimeoutError naming the endpoint and connectTimeoutMs', async () => {
    const { postgres } = await import('quern/postgres');
    const db = await createClient({
      schema: races,
      driver: postgres({ connectionString: `postgres://u:secret@127.0.0.1:${silent.port}/app` }),
      connectTimeoutMs: 300,
    });
    try {
      const attempts: (() => PromiseLike<unknown>)[] = [
        () => db.tally.findUnique({ where: { id: 'x' } }),
        () => db.tally.create({ data: { id: 'x', n: 1 } }),
        () => db.push(),
        () => db.transaction(async (tx) => tx.tally.count()),
      ];
      for (const attempt of attempts) {
        const e = await Promise.resolve()
          .then(attempt)
          .then(
            () => null,
            (x: unknown) => x,
          );
        expect(e, String(e)).toBeInstanceOf(TimeoutError);
        expect(e).toBeInstanceOf(DriverError);
        expect(e).toMatchObject({ phase: 'connect', timeoutMs: 300, endpoint: `127.0.0.1:${silent.port}/app` });
        expect((e as Error).message).toMatch(new RegExp(`127\\.0\\.0\\.1:${silent.port}/app within 300 ms \\(connectTimeoutMs\\)`));
        expect((e as Error).message).not.toMatch(/secret/);
      }
    } finally {
      await db.close();
    }
  });

  it('dynamodb(): a request fails with a TimeoutError naming the endpoint and requestTimeoutMs, without retries', async () => {
    const { dynamodb } = await import('quern/dynamodb');
    const endpoint = `http://127.0.0.1:${silent.port}`;
    const sent: string[] = [];
    const db = await createClient({
      schema: races,
      requestTimeoutMs: 300,
      log: (e) => void sent.push(e.operation),
      driver: dynamodb({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' }, tablePrefix: 'silent_' }),
    });
    try {
      for (const attempt of [() => db.tally.findUnique({ where: { id: 'x' } }), () => db.tally.create({ data: { id: 'x', n: 1 } })]) {
        sent.length = 0;
        const e = await Promise.resolve()
          .then(attempt)
          .then(
            () => null,
            (x: unknown) => x,
          );
        expect(e, String(e)).toBeInstanceOf(TimeoutError);
        expect(e).toMatchObject({ phase: 'request', timeoutMs: 300, endpoint });
        expect((e as Error).message).toContain(`${endpoint} did not answer within 300 ms (requestTimeoutMs)`);
        expect(sent.length, sent.join()).toBeLessThanOrEqual(2); // the put's read-back after an unknown outcome, never eight attempts
      }
    } finally {
      await db.close();
    }
  });

  it('createClient refuses a timeout that is not a whole number of milliseconds', async () => {
    const { pglite } = await import('quern/postgres');
    for (const bad of [-1, 1.5, Number.NaN, '100']) {
      const e = await createClient({ schema: races, driver: pglite(), connectTimeoutMs: bad as number }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, String(bad)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path).toBe('createClient.connectTimeoutMs');
    }
  });

  it('quern migrate status and apply say where they connect and fail within --connect-timeout', async () => {
    const project = new Project(
      {
        postgres: { url: `postgres://u:secret@127.0.0.1:${silent.port}/app` },
        dynamodb: { endpoint: `http://127.0.0.1:${silent.port}`, region: 'us-east-1', tablePrefix: 'silent_' },
      },
      ['postgres', 'dynamodb'],
    );
    try {
      project.useVersion(1);
      const status = await project.run(['migrate', 'status', '--connect-timeout', '0.4'], { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' });
      expect(status.code, status.stderr).toBe(1);
      expect(status.stderr).toContain(`connecting to postgres://u:***@127.0.0.1:${silent.port}/app…`);
      expect(status.stderr).toContain(`connecting to http://127.0.0.1:${silent.port} (prefix silent_)…`);
      expect(status.stdout).toMatch(
        new RegExp(`postgres: not checked\\n.*127\\.0\\.0\\.1:${silent.port}/app: no answer within 400 ms \\(--connect-timeout\\)`),
      );
      expect(status.stdout).toMatch(
        new RegExp(`dynamodb: not checked\\n.*http://127\\.0\\.0\\.1:${silent.port}: no answer within 400 ms \\(--connect-timeout\\)`),
      );
      const apply = await project.run(['migrate', 'apply', '--target', 'postgres', '--connect-timeout', '0.4']);
      expect(apply.code, apply.stderr).toBe(1);
      expect(apply.stderr).toContain(`connecting to postgres://u:***@127.0.0.1:${silent.port}/app…`);
      expect(apply.stderr).toMatch(/no answer within 400 ms \(--connect-timeout\)/);
    } finally {
      project.remove();
    }
  });
});

// Issue 11: with postgres({ max: 2 }), two concurrent transactions that each queried the root
// client inside waited for each other for ever. The checkout that closes the cycle now fails at
// once with a PoolExhaustedError that says why; that transaction rolls back and the other commits.
describe.skipIf(!have.postgres)('regressions: pool exhaustion and statement timeouts [postgres]', () => {
  let t: Opened;
  beforeAll(async () => {
    t = await openTarget('postgres', races, { max: 2 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('two transactions holding the whole pool that query the root client: one fails with PoolExhaustedError, the other commits', async () => {
    let arrived = 0;
    let bothIn!: () => void;
    const together = new Promise<void>((resolve) => (bothIn = resolve));
    const run = (id: string) =>
      t.db.transaction(async (tx) => {
        await tx.tally.create({ data: { id, n: 1 } });
        if (++arrived === 2) bothIn();
        await together; // both transactions now hold a connection each: the pool (max 2) is empty
        return on(t.db, 'tally').count(); // the root client, not tx: needs a third connection
      });
    const [a, b] = await Promise.allSettled([run('pool-a'), run('pool-b')]);
    const failed = [a, b].filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    const passed = [a, b].filter((r) => r.status === 'fulfilled');
    expect(failed.length, JSON.stringify([a, b].map((r) => r.status))).toBe(1);
    expect(passed.length).toBe(1);
    const e = failed[0].reason as PoolExhaustedError;
    expect(e, String(e)).toBeInstanceOf(PoolExhaustedError);
    expect(e.max).toBe(2);
    expect(e.message).toMatch(/held by a db\.transaction\(\.\.\.\) callback.*tx argument.*max/);
    // Exactly the surviving transaction's row was committed; the pool works afterwards.
    const rows = (await on(t.db, 'tally').findMany({ where: { id: { in: ['pool-a', 'pool-b'] } } })) as Row[];
    expect(rows.map((r) => r.id)).toEqual([a.status === 'fulfilled' ? 'pool-a' : 'pool-b']);
    expect(await Promise.all([1, 2, 3].map(() => on(t.db, 'tally').count()))).toEqual([1, 1, 1]);
  });

  it('a statement that gets no answer within requestTimeoutMs fails with a TimeoutError; the pool keeps working', async () => {
    const pg = (await import('pg')).default;
    const table = races.def.models.tally.table;
    await on(t.db, 'tally').create({ data: { id: 'locked', n: 0 } });
    const admin = new pg.Client({ connectionString: t.url });
    await admin.connect();
    const impatient = await createClient({ schema: races, driver: t.driver, requestTimeoutMs: 300 });
    try {
      await admin.query('BEGIN');
      await admin.query(`SELECT 1 FROM "${table}" WHERE id = $1 FOR UPDATE`, ['locked']);
      const e = await impatient.tally.update({ where: { id: 'locked' }, data: { n: { increment: 1 } } }).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e, String(e)).toBeInstanceOf(TimeoutError);
      expect(e).toMatchObject({ phase: 'request', timeoutMs: 300 });
      expect((e as Error).message).toMatch(/did not answer within 300 ms \(requestTimeoutMs\)/);
      await admin.query('ROLLBACK');
      expect(await impatient.tally.count()).toBeGreaterThanOrEqual(1);
      expect(await on(t.db, 'tally').findUnique({ where: { id: 'locked' } })).toMatchObject({ id: 'locked' });
    } finally {
      await admin.end();
    }
  });
});
