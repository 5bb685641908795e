// Indexed lists: `f.list(f.string()).indexed()` serves `where: { tags: { has: x } }` without
// allowScan on every target (a GIN index and `@>` on PostgreSQL; on DynamoDB one entry item per
// element, written in the same transaction as the row). The scenarios change lists through every
// kind of write and check `has` against the rows themselves, on pglite, postgres and dynamodb.
import { expect } from 'vitest';
import { BatchError, CapabilityError, SchemaError, defineSchema, f, model } from 'quern';
import { lists, type Lists } from './lists-schema.js';
import { randomListWrites } from './list-writes.js';
import { rng } from '../reliability/random.js';
import { conformance, expectCapabilityError, recordOps, rejection, sortedTitles, type Target } from './targets.js';

type T = Target<Lists>;

/** Every element of every scope row: `has` must return exactly the rows holding it. */
async function mismatches(t: T, scope: string): Promise<string[]> {
  const rows = await t.db.entry.findMany({ where: { scope } });
  const bad: string[] = [];
  const tags = new Set(rows.flatMap((r) => r.tags));
  for (const tag of tags) {
    const want = rows
      .filter((r) => r.tags.includes(tag))
      .map((r) => r.title)
      .sort();
    const got = sortedTitles(await t.db.entry.findMany({ where: { tags: { has: tag }, scope } }));
    if (JSON.stringify(got) !== JSON.stringify(want)) bad.push(`tags has ${tag}: ${JSON.stringify(got)}, rows say ${JSON.stringify(want)}`);
  }
  return bad;
}

conformance<Lists>(
  'indexed lists',
  ({ scenario }) => {
    scenario('has on an indexed list is served without allowScan, and returns exactly the rows holding the element', {}, async (t) => {
      const s = t.tag('s');
      await t.db.entry.createMany({
        data: [
          { scope: s, title: 'a', tags: [`${s}-x`, `${s}-y`], ranks: [1, 2] },
          { scope: s, title: 'b', tags: [`${s}-y`, `${s}-y`] },
          { scope: s, title: 'c', tags: [] },
        ],
      });
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: `${s}-y` } } }))).toEqual(['a', 'b']);
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: `${s}-x` } } }))).toEqual(['a']);
      expect(await t.db.entry.findMany({ where: { tags: { has: `${s}-none` } } })).toEqual([]);
      // Other conditions are checked on the rows; limit and count work on the same path.
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: `${s}-y` }, title: { not: 'a' } } }))).toEqual(['b']);
      expect(await t.db.entry.findMany({ where: { tags: { has: `${s}-y` } }, limit: 1 })).toHaveLength(1);
      expect(await t.db.entry.count({ where: { tags: { has: `${s}-y` } } })).toBe(2);
      // A list of numbers; rows whose list is null hold no entry.
      const ranked = await t.db.entry.findMany({ where: { ranks: { has: 2 }, scope: s } });
      expect(sortedTitles(ranked)).toEqual(['a']);
    });

    scenario('updates that set, push, add and remove elements move the entries with the row', {}, async (t) => {
      const s = t.tag('s');
      const [x, y, z] = [`${s}-x`, `${s}-y`, `${s}-z`];
      const a = await t.db.entry.create({ data: { scope: s, title: 'a', tags: [x] } });
      const b = await t.db.entry.create({ data: { scope: s, title: 'b', tags: [x, y] } });
      await t.db.entry.update({ where: { id: a.id }, data: { tags: { push: y } } });
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: y } } }))).toEqual(['a', 'b']);
      await t.db.entry.update({ where: { id: b.id }, data: { tags: [z] } });
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: x } } }))).toEqual(['a']);
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: z } } }))).toEqual(['b']);
      // An update that leaves the list alone keeps its entries.
      await t.db.entry.update({ where: { id: b.id }, data: { title: 'b2' } });
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: z } } }))).toEqual(['b2']);
      // updateMany over the index itself: every matched row loses y and gains z.
      expect(await t.db.entry.updateMany({ where: { tags: { has: y } }, data: { tags: [x, z] } })).toEqual({ count: 1 });
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: z } } }))).toEqual(['a', 'b2']);
      expect(await t.db.entry.findMany({ where: { tags: { has: y } } })).toEqual([]);
      // Upsert: create with entries, then update them.
      await t.db.entry.upsert({ where: { id: a.id }, create: { id: a.id, scope: s, title: 'never', tags: [] }, update: { tags: [y] } });
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: y } } }))).toEqual(['a']);
      // null and back.
      await t.db.entry.update({ where: { id: a.id }, data: { ranks: [7] } });
      await t.db.entry.update({ where: { id: a.id }, data: { ranks: null } });
      expect(await t.db.entry.findMany({ where: { ranks: { has: 7 }, scope: s } })).toEqual([]);
      expect(await mismatches(t, s)).toEqual([]);
    });

    scenario('delete, deleteMany, db.batch and onDelete cascade remove the entries in the same unit', {}, async (t) => {
      const s = t.tag('s');
      const [x, y] = [`${s}-x`, `${s}-y`];
      const w = await t.db.writer.create({ data: { name: s } });
      const [a] = await t.db.entry.createManyAndReturn({
        data: [
          { scope: s, title: 'a', tags: [x] },
          { scope: s, title: 'b', tags: [x, y], writerId: w.id },
          { scope: s, title: 'c', tags: [y], writerId: w.id },
        ],
      });
      await t.db.entry.delete({ where: { id: a.id } });
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: x } } }))).toEqual(['b']);
      // The cascade deletes b and c, and their entries, with the writer.
      await t.db.writer.delete({ where: { id: w.id } });
      expect(await t.db.entry.findMany({ where: { tags: { has: y } } })).toEqual([]);
      expect(await t.db.entry.findMany({ where: { tags: { has: x } } })).toEqual([]);
      // A batch writes rows and entries together; a failing batch writes neither.
      const id =
        '0190ffff-0000-7000-8000-' +
        Math.floor(Math.random() * 2 ** 40)
          .toString(16)
          .padStart(12, '0');
      await t.db.batch([
        t.db.entry.create({ data: { id, scope: s, title: 'd', tags: [x] } }),
        t.db.entry.create({ data: { scope: s, title: 'e', tags: [x, y] } }),
      ]);
      expect(sortedTitles(await t.db.entry.findMany({ where: { tags: { has: x } } }))).toEqual(['d', 'e']);
      const e = await rejection(
        t.db.batch([
          t.db.entry.create({ data: { scope: s, title: 'f', tags: [`${s}-only-f`] } }),
          t.db.entry.create({ data: { id, scope: s, title: 'dup', tags: [y] } }),
        ]),
      );
      expect(e, String(e)).toBeInstanceOf(BatchError);
      expect(await t.db.entry.findMany({ where: { tags: { has: `${s}-only-f` } } })).toEqual([]);
      expect(await t.db.entry.deleteMany({ where: { tags: { has: x } } })).toEqual({ count: 2 });
      expect(await t.db.entry.findMany({ where: { tags: { has: y } } })).toEqual([]);
      expect(await mismatches(t, s)).toEqual([]);
    });

    scenario('generated random writes (batches and failing writes included) leave has equal to the rows', {}, async (t) => {
      const s = t.tag('r');
      const report = await randomListWrites(t.db, rng(0x715), s, 30);
      const bad = await mismatches(t, s);
      console.log(`[indexed-lists ${t.name}] ${report.ok} writes committed, ${report.failed} failed; has mismatches: ${bad.length}`);
      expect(report.ok).toBeGreaterThan(10);
      expect(bad).toEqual([]);
    });

    scenario('requests: has is at most two requests for a page; a create is one request', {}, async (t) => {
      const s = t.tag('s');
      const tag = `${s}-hot`;
      await t.db.entry.createMany({
        data: Array.from({ length: 30 }, (_, i) => ({ scope: s, title: `r${String(i).padStart(2, '0')}`, tags: [tag, `${s}-${i}`] })),
      });
      const page = await recordOps(t, () => t.db.entry.findMany({ where: { tags: { has: tag } }, limit: 20 }));
      expect(page.result).toHaveLength(20);
      expect(page.ops).toEqual(t.caps.family === 'sql' ? ['sql'] : ['Query', 'BatchGetItem']);
      const all = await recordOps(t, () => t.db.entry.findMany({ where: { tags: { has: tag } } }));
      expect(all.result).toHaveLength(30);
      expect(all.ops.length).toBeLessThanOrEqual(2);
      const one = await recordOps(t, () => t.db.entry.create({ data: { scope: s, title: 'solo', tags: [tag] } }));
      expect(one.ops).toEqual([t.caps.family === 'sql' ? 'sql' : 'TransactWriteItems']);
    });

    scenario('explain shows the index: GIN and @> on SQL, the entry Query on DynamoDB', {}, async (t) => {
      const plan = await t.db.entry.findMany({ where: { tags: { has: 'x' } } }).explain();
      expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // SQLite has no GIN: `has` reads the JSON list with json_each (design-changes.md).
      if (t.caps.family === 'sql') expect(plan.text).toContain(t.caps.sql?.name === 'sqlite' ? 'json_each("t0"."tags")' : '@>');
      else expect(plan.text).toMatch(/Query quern-list .*entries of the indexed list tags/);
    });

    scenario('a list too long for one transaction is refused with batch-too-large, before anything is written', {}, async (t) => {
      const s = t.tag('s');
      const long = Array.from({ length: 120 }, (_, i) => `${s}-${i}`);
      if (t.caps.family === 'sql') {
        // No per-row limit on SQL: the row and its index are one statement.
        await t.db.entry.create({ data: { scope: s, title: 'long', tags: long } });
        expect(await t.db.entry.count({ where: { tags: { has: long[119] } } })).toBe(1);
        return;
      }
      const before = t.events.length;
      const e = await expectCapabilityError(t.db.entry.create({ data: { scope: s, title: 'long', tags: long } }), 'batch-too-large');
      expect(e.fix).toMatch(/tags/);
      expect(t.events.length).toBe(before);
      // An update growing a list past the limit is refused too, and the row keeps its list.
      const r = await t.db.entry.create({ data: { scope: s, title: 'short', tags: [long[0]] } });
      await expectCapabilityError(t.db.entry.update({ where: { id: r.id }, data: { tags: long } }), 'batch-too-large');
      expect((await t.db.entry.findUniqueOrThrow({ where: { id: r.id } })).tags).toEqual([long[0]]);
    });

    scenario('has on a list that is not indexed: the refusal names `.indexed()`', { needs: ['unkeyedFilter'] }, async (t) => {
      try {
        expect(await t.db.entry.findMany({ where: { labels: { has: t.tag('none') } } })).toEqual([]);
      } catch (e) {
        if (e instanceof CapabilityError) expect(e.fix).toContain('declare `labels` with `.indexed()`');
        throw e;
      }
    });

    scenario('.indexed() on something that is not a list of strings or integers is a SchemaError', {}, async () => {
      // @ts-expect-error: .indexed() is typed for lists of strings and numbers only
      const notList = model('Bad', { id: f.uuid().key(), score: f.int().indexed() });
      expect(() => defineSchema({ bad: notList })).toThrow(SchemaError);
      expect(() => defineSchema({ bad: model('Bad', { id: f.uuid().key(), xs: f.list(f.float()).indexed() }) })).toThrow(/indexed\(\) needs a list of strings/);
    });
  },
  { schema: lists },
);
