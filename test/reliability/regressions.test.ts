/**
 * Regression tests for the bugs the reliability suites found (docs/guarantees.md
 * lists them). Each runs on every target and asserts the behaviour PostgreSQL
 * defines; the generated suites found them, these keep them found.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../cli/config.js';
import { ProjectError } from '../../cli/errors.js';
import { ConcurrencyError, QuernError, ValidationError, createClient, defineSchema, f, model } from 'quern';
import { CursorCodec } from '../../src/engine/cursor.js';
import { schema as blog } from '../../examples/blog/schema.js';
import { SEED } from './budget.js';
import { blogData, seedData } from './blog-data.js';
import { show } from './compare.js';
import { faultyClient, newControl } from './fault-transport.js';
import { uniqueIndexProblems } from './invariants.js';
import { rng, uuidOf } from './random.js';
import type { BackendName } from '../harness/index.js';
import { backends, on, openTarget, type Opened } from './targets.js';

type Row = Record<string, unknown>;
const have = backends();
/** The blog schema plus a json model (the blog has no json field). */
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
      for (const text of ['{"__proto__": {"polluted": "yes"}, "name": "x"}', '{"a": {"__proto__": 1}}', '{"constructor": {"prototype": {"polluted": "yes"}}}', '{"__proto__": null}']) {
        const meta = JSON.parse(text) as unknown;
        const made = (await on(t.db, 'jsonDoc').create({ data: { doc: meta } })) as Row;
        const back = (await on(t.db, 'jsonDoc').findUnique({ where: { id: made.id } })) as Row;
        // Key order is the database's (jsonb orders keys); the keys and values are what was written.
        expect(show(back.doc), text).toBe(show(meta));
        expect(Object.keys(back.doc as object).sort(), text).toEqual(Object.keys(meta as object).sort());
        const found = (await on(t.db, 'jsonDoc').findMany({ where: { doc: { equals: meta } }, allowScan: true })) as Row[];
        expect(found.map((r) => r.id), text).toContain(made.id);
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
  });
}

// Lost races on DynamoDB, replayed deterministically: a second client writes at the exact moment
// between quern's read of the row and its TransactWriteItems (the transport's beforeSend hook).
const Tally = model('Tally', { id: f.string().key(), n: f.int().nullable(), version: f.int().version() });
const Member = model('Member', { id: f.uuid().key().auto(), email: f.string().unique(), worker: f.int() });
const races = defineSchema({ tally: Tally, member: Member });

describe.skipIf(!have.dynamodb)('regressions: races between quern\'s read and its write [dynamodb]', () => {
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
      writeFileSync(join(dir, 'schema.ts'), `import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ a: model('A', { id: f.uuid().key().auto() }) });\n`);
      const cases: [string, RegExp][] = [
        ['migrations: 5', /'migrations' must be/],
        ["postgres: 'postgres://x'", /'postgres' must be an object/],
        ['postgres: { url: 5 }', /'postgres.url' must be a string/],
        ["dynamodb: { region: ['eu-west-1'] }", /'dynamodb.region' must be a string/],
      ];
      for (const [i, [setting, message]] of cases.entries()) {
        const file = join(dir, `quern.config.${i}.ts`);
        writeFileSync(file, `export default { schema: './schema.ts', ${setting} };\n`);
        const e = await loadProject({ config: file }).then(() => null, (x: unknown) => x);
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
  it.each([{ $d: 'x' }, { $d: '2024-13-45' }, { $b: '1e5' }, { $b: '0x10' }, { $b: '' }, [{ createdAt: { $d: 'Invalid Date' } }]])('%j is a ValidationError', (boundary) => {
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
  });
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
      const e = await createClient({ schema: races, driver: pglite({ dataDir: file }) }).then(() => null, (x: unknown) => x);
      expect(e, String(e)).toBeInstanceOf(ValidationError);
      expect(e).toBeInstanceOf(QuernError);
      expect((e as ValidationError).path).toBe('pglite.dataDir');
      expect((e as Error).message).toMatch(/not-a-directory exists and is not a directory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
