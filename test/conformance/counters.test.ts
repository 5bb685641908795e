// Counter caches: `belongsTo('article', 'articleId', { counterCache: 'favoritesCount' })` keeps the
// parent's field equal to the number of children, in the same atomic unit as every write that
// changes a child (create, createMany, delete, deleteMany, update/updateMany moving the foreign
// key, upsert, db.batch). Checked against the real count on every target, after scripted writes
// and after generated random writes (batches and failing writes included).
import { expect } from 'vitest';
import { BatchError, ForeignKeyError, SchemaError, UniqueConstraintError, ValidationError, belongsTo, defineSchema, f, model, type Client } from 'quern';
import { rng } from '../reliability/random.js';
import { randomWrites } from './counter-writes.js';
import { denorm, type Denorm } from './denorm-schema.js';
import { conformance, expectCapabilityError, recordOps, rejection, type Target } from './targets.js';

type Db = Client<Denorm>;
type T = Target<Denorm>;

async function articles(t: T, n: number) {
  const scope = t.tag('s');
  const out = [];
  for (let i = 0; i < n; i++) out.push(await t.db.article.create({ data: { scope, title: `a${i}` } }));
  return { scope, list: out };
}

/** Every article of the scope: its counters against the real counts. Returns the mismatches. */
async function mismatches(db: Db, scope: string): Promise<string[]> {
  const bad: string[] = [];
  for (const a of await db.article.findMany({ where: { scope } })) {
    const favs = await db.favorite.count({ where: { articleId: a.id } });
    const comments = await db.comment.count({ where: { articleId: a.id } });
    if (a.favoritesCount !== favs) bad.push(`${a.title}.favoritesCount = ${a.favoritesCount}, real ${favs}`);
    if (a.commentsCount !== comments) bad.push(`${a.title}.commentsCount = ${a.commentsCount}, real ${comments}`);
  }
  return bad;
}

const counts = async (db: Db, id: string) => {
  const a = await db.article.findUniqueOrThrow({ where: { id } });
  return [a.favoritesCount, a.commentsCount];
};

conformance<Denorm>(
  'counter caches',
  ({ scenario }) => {
    scenario('create, createMany, delete and deleteMany keep the counter equal to the count', {}, async (t) => {
      const {
        scope,
        list: [a, b],
      } = await articles(t, 2);
      expect(await counts(t.db, a.id)).toEqual([0, 0]);
      await t.db.favorite.create({ data: { articleId: a.id, userId: 'u1' } });
      expect(await counts(t.db, a.id)).toEqual([1, 0]);
      await t.db.favorite.createMany({
        data: [
          { articleId: a.id, userId: 'u2' },
          { articleId: a.id, userId: 'u3' },
          { articleId: b.id, userId: 'u1' },
        ],
      });
      expect(await counts(t.db, a.id)).toEqual([3, 0]);
      expect(await counts(t.db, b.id)).toEqual([1, 0]);
      await t.db.favorite.delete({ where: { articleId: a.id, userId: 'u2' } });
      expect(await counts(t.db, a.id)).toEqual([2, 0]);
      expect(await t.db.favorite.deleteMany({ where: { articleId: a.id } })).toEqual({ count: 2 });
      expect(await counts(t.db, a.id)).toEqual([0, 0]);
      expect(await counts(t.db, b.id)).toEqual([1, 0]);
      expect(await mismatches(t.db, scope)).toEqual([]);
    });

    scenario('moving a child to another parent moves the count; a null foreign key counts nowhere', {}, async (t) => {
      const {
        scope,
        list: [a, b],
      } = await articles(t, 2);
      const c = await t.db.comment.create({ data: { scope, articleId: a.id, body: 'x' } });
      const orphan = await t.db.comment.create({ data: { scope, articleId: null, body: 'y' } });
      expect(await counts(t.db, a.id)).toEqual([0, 1]);
      await t.db.comment.update({ where: { id: c.id }, data: { articleId: b.id } });
      expect([await counts(t.db, a.id), await counts(t.db, b.id)]).toEqual([
        [0, 0],
        [0, 1],
      ]);
      await t.db.comment.update({ where: { id: c.id }, data: { articleId: null } });
      expect(await counts(t.db, b.id)).toEqual([0, 0]);
      await t.db.comment.update({ where: { id: orphan.id }, data: { articleId: a.id } });
      expect(await counts(t.db, a.id)).toEqual([0, 1]);
      // An update that does not touch the foreign key leaves the counter alone.
      await t.db.comment.update({ where: { id: orphan.id }, data: { body: 'z' } });
      expect(await counts(t.db, a.id)).toEqual([0, 1]);
      // updateMany moving several children at once.
      await t.db.comment.createMany({
        data: [
          { scope, articleId: b.id, body: 'm1' },
          { scope, articleId: b.id, body: 'm2' },
        ],
      });
      expect(await t.db.comment.updateMany({ where: { articleId: b.id }, data: { articleId: a.id } })).toEqual({ count: 2 });
      expect([await counts(t.db, a.id), await counts(t.db, b.id)]).toEqual([
        [0, 3],
        [0, 0],
      ]);
      expect(await mismatches(t.db, scope)).toEqual([]);
    });

    scenario('upsert creating a child counts it; upsert updating one does not count it twice', {}, async (t) => {
      const {
        scope,
        list: [a],
      } = await articles(t, 1);
      await t.db.favorite.upsert({ where: { articleId: a.id, userId: 'u' }, create: { articleId: a.id, userId: 'u' }, update: { note: 'again' } });
      await t.db.favorite.upsert({ where: { articleId: a.id, userId: 'u' }, create: { articleId: a.id, userId: 'u' }, update: { note: 'again' } });
      expect(await counts(t.db, a.id)).toEqual([1, 0]);
      expect(await mismatches(t.db, scope)).toEqual([]);
    });

    scenario('db.batch: a child created and deleted in the same batch leaves the counter as it was', {}, async (t) => {
      const { scope, list } = await articles(t, 1);
      const a = list[0];
      await t.db.favorite.create({ data: { articleId: a.id, userId: 'stays' } });
      const [, gone, many] = await t.db.batch([
        t.db.favorite.create({ data: { articleId: a.id, userId: 'brief' } }),
        t.db.favorite.delete({ where: { articleId: a.id, userId: 'brief' } }),
        t.db.comment.updateMany({ where: { scope, articleId: a.id }, data: { body: 'none yet' } }),
      ]);
      expect(gone).toMatchObject({ articleId: a.id, userId: 'brief' });
      expect(many).toEqual({ count: 0 });
      const [, , counted] = await t.db.batch([
        t.db.comment.create({ data: { scope, articleId: a.id, body: 'c1' } }),
        t.db.comment.create({ data: { scope, articleId: a.id, body: 'c2' } }),
        t.db.comment.deleteMany({ where: { scope, articleId: a.id, body: 'c1' } }),
      ]);
      expect(counted).toEqual({ count: 1 });
      expect(await counts(t.db, a.id)).toEqual([1, 1]);
      expect(await mismatches(t.db, scope)).toEqual([]);
    });

    scenario('db.batch: a parent and its children in one batch, and several children of one parent', {}, async (t) => {
      const scope = t.tag('s');
      const id =
        '0190ffff-0000-7000-8000-' +
        Math.floor(Math.random() * 2 ** 40)
          .toString(16)
          .padStart(12, '0');
      await t.db.batch([
        t.db.article.create({ data: { id, scope, title: 'new' } }),
        t.db.favorite.create({ data: { articleId: id, userId: 'u1' } }),
        t.db.favorite.create({ data: { articleId: id, userId: 'u2' } }),
        t.db.comment.create({ data: { scope, articleId: id, body: 'c' } }),
      ]);
      expect(await counts(t.db, id)).toEqual([2, 1]);
      await t.db.batch([
        t.db.favorite.delete({ where: { articleId: id, userId: 'u1' } }),
        t.db.favorite.create({ data: { articleId: id, userId: 'u3' } }),
        t.db.favorite.create({ data: { articleId: id, userId: 'u4' } }),
      ]);
      expect(await counts(t.db, id)).toEqual([3, 1]);
      // A failing item: nothing written, counters included.
      const e = await rejection(
        t.db.batch([t.db.favorite.create({ data: { articleId: id, userId: 'u5' } }), t.db.favorite.create({ data: { articleId: id, userId: 'u3' } })]),
      );
      expect(e).toBeInstanceOf(BatchError);
      expect(await counts(t.db, id)).toEqual([3, 1]);
      expect(await mismatches(t.db, scope)).toEqual([]);
    });

    scenario('a child pointing at a missing parent is a ForeignKeyError and writes nothing', {}, async (t) => {
      const missing = '0190eeee-0000-7000-8000-000000000001';
      const e = await rejection(t.db.favorite.create({ data: { articleId: missing, userId: 'u' } }));
      expect(e, String(e)).toBeInstanceOf(ForeignKeyError);
      expect(await t.db.favorite.count({ where: { articleId: missing } })).toBe(0);
    });

    scenario('the counter is written by quern alone: a value in data is a ValidationError before any I/O', {}, async (t) => {
      const {
        list: [a],
      } = await articles(t, 1);
      const before = t.events.length;
      const e1 = await rejection(t.db.article.update({ where: { id: a.id }, data: { favoritesCount: 5 } }));
      expect(e1).toBeInstanceOf(ValidationError);
      expect((e1 as ValidationError).path).toBe('article.update.data.favoritesCount');
      expect((e1 as ValidationError).problem).toMatch(/counter cache maintained by quern/);
      const e2 = await rejection(t.db.article.create({ data: { scope: 'x', title: 'y', commentsCount: 1 } }));
      expect(e2).toBeInstanceOf(ValidationError);
      expect(t.events.length).toBe(before);
    });

    scenario('requests: a child create is one request carrying its counter (one transaction on DynamoDB)', {}, async (t) => {
      const {
        list: [a],
      } = await articles(t, 1);
      const { ops } = await recordOps(t, () => t.db.favorite.create({ data: { articleId: a.id, userId: 'solo' } }));
      expect(ops).toEqual([t.caps.family === 'sql' ? 'sql' : 'TransactWriteItems']);
      // 60 favorites of one article: 60 rows + ONE counter item, so one transaction on DynamoDB.
      const many = await recordOps(t, () => t.db.favorite.createMany({ data: Array.from({ length: 60 }, (_, i) => ({ articleId: a.id, userId: `m${i}` })) }));
      expect(many.ops).toEqual([t.caps.family === 'sql' ? 'sql' : 'TransactWriteItems']);
      expect(await counts(t.db, a.id)).toEqual([61, 0]);
    });

    scenario('_count of a counted relation reads the counter cache: no request per parent on DynamoDB', {}, async (t) => {
      const {
        scope,
        list: [a, b],
      } = await articles(t, 2);
      await t.db.favorite.createMany({
        data: [
          { articleId: a.id, userId: 'u1' },
          { articleId: a.id, userId: 'u2' },
          { articleId: b.id, userId: 'u1' },
        ],
      });
      const { result, ops } = await recordOps(t, () =>
        t.db.article.findMany({ where: { scope }, orderBy: { title: 'asc' }, select: { title: true, _count: { select: { favorites: true } } } }),
      );
      expect(result).toEqual([
        { title: 'a0', _count: { favorites: 2 } },
        { title: 'a1', _count: { favorites: 1 } },
      ]);
      // SQL counts in the statement; DynamoDB reads favoritesCount off the items it already read.
      expect(ops).toEqual([t.caps.family === 'sql' ? 'sql' : 'Query']);
      const plan = await t.db.article.findMany({ where: { scope }, include: { _count: true } }).explain();
      expect(plan.diagnostics).toEqual([]);
      if (t.caps.family === 'kv') expect(plan.text).toContain('CounterRead Article.favoritesCount as _count.favorites');
      // A where on the counted rows is beyond what the counter knows: one COUNT per parent, a fanout.
      const filtered = () =>
        t.db.article.findMany({ where: { scope }, orderBy: { title: 'asc' }, include: { _count: { select: { favorites: { where: { userId: 'u1' } } } } } });
      if (t.caps.family === 'sql') expect((await filtered()).map((r) => r._count.favorites)).toEqual([1, 1]);
      else await expectCapabilityError(filtered(), 'fanout');
    });

    scenario('generated random writes (batches and failing writes included) leave every counter equal to the real count', {}, async (t) => {
      const { scope, list } = await articles(t, 4);
      const r = rng(0xc0ffee);
      const report = await randomWrites(
        t.db,
        r,
        scope,
        list.map((a) => a.id),
        90,
      );
      const bad = await mismatches(t.db, scope);
      console.log(
        `[counters ${t.name}] ${report.ok} random writes committed, ${report.failed} refused/failed (expected ones); counters checked: ${list.length * 2}, mismatches: ${bad.length}`,
      );
      expect(bad).toEqual([]);
      expect(report.ok).toBeGreaterThan(30);
    });

    scenario('a nested write counts its children in the same atomic unit', {}, async (t) => {
      const scope = t.tag('s');
      const a = await t.db.article.create({ data: { scope, title: 'nested', favorites: { create: [{ userId: 'u1' }, { userId: 'u2' }] } } });
      // The result is the row as its own part wrote it (before its children); a read shows the count.
      expect(a.favoritesCount).toBe(0);
      expect((await t.db.article.findUniqueOrThrow({ where: { id: a.id } })).favoritesCount).toBe(2);
      await t.db.article.update({ where: { id: a.id }, data: { title: 'more', favorites: { create: { userId: 'u3' } } } });
      expect((await t.db.article.findUniqueOrThrow({ where: { id: a.id } })).favoritesCount).toBe(3);
      // A failing nested write (u1 is already a favorite) moves no counter.
      expect(
        await rejection(t.db.article.update({ where: { id: a.id }, data: { favorites: { create: [{ userId: 'u4' }, { userId: 'u1' }] } } })),
      ).toBeInstanceOf(UniqueConstraintError);
      expect(await mismatches(t.db, scope)).toEqual([]);
      expect((await t.db.article.findUniqueOrThrow({ where: { id: a.id } })).favoritesCount).toBe(3);
    });
  },
  { schema: denorm },
);

// Schema validation needs no database: plain defineSchema calls.
conformance<Denorm>(
  'counter cache declarations',
  ({ scenario }) => {
    scenario('defineSchema validates the declaration (field exists, non-null int starting at 0, one relation per field)', {}, async () => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const P = (fields: Record<string, any> = {}) => model('P', { id: f.uuid().key(), ...fields });
      const C = model('C', { id: f.uuid().key(), pId: f.uuid() });
      const bad: [string, () => unknown, RegExp][] = [
        ['missing', () => defineSchema({ p: P(), c: C }, { relations: { c: { p: belongsTo('p', 'pId', { counterCache: 'n' }) } } }), /'n' is not a field of P/],
        [
          'not int',
          () =>
            defineSchema(
              { p: model('P', { id: f.uuid().key(), n: f.string().default('0') }), c: C },
              { relations: { c: { p: belongsTo('p', 'pId', { counterCache: 'n' }) } } },
            ),
          /is string, not an int/,
        ],
        [
          'nullable',
          () =>
            defineSchema(
              { p: model('P', { id: f.uuid().key(), n: f.int().nullable() }), c: C },
              { relations: { c: { p: belongsTo('p', 'pId', { counterCache: 'n' }) } } },
            ),
          /is nullable/,
        ],
        [
          'no default',
          () => defineSchema({ p: P({ n: f.int() }), c: C }, { relations: { c: { p: belongsTo('p', 'pId', { counterCache: 'n' }) } } }),
          /has no default/,
        ],
        [
          'twice',
          () =>
            defineSchema(
              { p: P({ n: f.int().default(0) }), c: C, d: model('D', { id: f.uuid().key(), pId: f.uuid() }) },
              {
                relations: { c: { p: belongsTo('p', 'pId', { counterCache: 'n' }) }, d: { p: belongsTo('p', 'pId', { counterCache: 'n' }) } },
              },
            ),
          /already maintained by C\.p/,
        ],
      ];
      for (const [name, run, msg] of bad) {
        let err: unknown = null;
        try {
          run();
        } catch (e) {
          err = e;
        }
        expect(err, name).toBeInstanceOf(SchemaError);
        expect((err as SchemaError).message, name).toMatch(msg);
        expect((err as SchemaError).fix ?? (err as SchemaError).message, name).toMatch(/f\.int\(\)\.default\(0\)|own field/);
      }
    });
  },
  { backends: ['pglite'], schema: denorm },
);
