// Keys, indexes and uniques wider than two fields. On the shared blog schema: a three-field index
// (Task: projectId, priority, title), which DynamoDB serves as a multi-attribute GSI key. On a
// schema of its own: a three-field table key and a three-field unique constraint, which run on SQL
// and are refused on DynamoDB at createClient with key-too-wide and a fix.
import { describe, expect, it } from 'vitest';
import { createClient, defineSchema, f, model, SchemaError, unique, UniqueConstraintError, type Driver } from 'quern';
import { availableBackends } from '../harness/index.js';
import { conformance, openDriver, recordOps } from './targets.js';

conformance('wide keys (shared schema)', ({ scenario }) => {
  scenario('a three-field index serves equality on its partition and a range on its first sort field', {}, async (t) => {
    const project = await t.db.project.create({ data: { team: t.tag('team'), name: 'wide' } });
    await t.db.task.createMany({
      data: [
        { projectId: project.id, title: 'c', priority: 2 },
        { projectId: project.id, title: 'a', priority: 1 },
        { projectId: project.id, title: 'b', priority: 2 },
        { projectId: project.id, title: 'd', priority: 3 },
      ],
    });
    const { result, ops } = await recordOps(t, () =>
      t.db.task.findMany({ where: { projectId: project.id, priority: { gte: 2 } }, orderBy: { priority: 'asc' } }),
    );
    expect(result.map((r) => [r.priority, r.title]).sort()).toEqual([
      [2, 'b'],
      [2, 'c'],
      [3, 'd'],
    ]);
    expect(result.map((r) => r.priority)).toEqual([2, 2, 3]);
    // One request on every target: the index's key condition, not a scan.
    expect(ops).toHaveLength(1);
    if (t.caps.family === 'kv') {
      expect(ops).toEqual(['Query']);
      const plan = await t.db.task.findMany({ where: { projectId: project.id, priority: { gte: 2 } }, orderBy: { priority: 'asc' } }).explain();
      expect(plan.text).toContain('Task_projectId_priority_title_idx');
    }
  });
});

const Seat = model(
  'Seat',
  {
    venue: f.string(),
    row: f.string(),
    number: f.int(),
    holder: f.string().nullable(),
    section: f.string(),
    badge: f.int(),
  },
  { key: ['venue', 'row', 'number'], uniques: [unique('venue', 'section', 'badge')] },
);
const wide = defineSchema({ seat: Seat });

describe('wide keys (own schema)', () => {
  for (const name of ['pglite', 'postgres', 'dynamodb', 'sqlite'] as const) {
    it.skipIf(!availableBackends().includes(name))(
      `${name}: a three-field key and a three-field unique`,
      async () => {
        const { driver, cleanup } = await openDriver(name);
        try {
          if (name === 'dynamodb') {
            const e = await createClient({ schema: wide, driver }).then(
              () => null,
              (x: unknown) => x,
            );
            expect(e).toBeInstanceOf(SchemaError);
            expect((e as SchemaError).code).toBe('key-too-wide');
            expect((e as SchemaError).message).toContain('[venue, row, number]');
            expect((e as SchemaError).fix).toContain("unique('venue', 'row', 'number')");
            return;
          }
          const db = await createClient({ schema: wide, driver });
          try {
            await db.push();
            await db.seat.create({ data: { venue: 'v', row: 'A', number: 1, section: 's', badge: 1 } });
            await db.seat.create({ data: { venue: 'v', row: 'A', number: 2, section: 's', badge: 2 } });
            await db.seat.create({ data: { venue: 'v', row: 'B', number: 1, section: 's', badge: 3 } });
            const seat = await db.seat.findUniqueOrThrow({ where: { venue: 'v', row: 'A', number: 2 } });
            expect(seat.badge).toBe(2);
            const updated = await db.seat.update({ where: { venue: 'v', row: 'B', number: 1 }, data: { holder: 'h' } });
            expect(updated).toMatchObject({ row: 'B', number: 1, holder: 'h' });
            const dup = await db.seat.create({ data: { venue: 'v', row: 'A', number: 1, section: 'x', badge: 9 } }).then(
              () => null,
              (x: unknown) => x,
            );
            expect(dup).toBeInstanceOf(UniqueConstraintError);
            expect((dup as UniqueConstraintError).fields).toEqual(['venue', 'row', 'number']);
            const dupUnique = await db.seat.create({ data: { venue: 'v', row: 'C', number: 1, section: 's', badge: 1 } }).then(
              () => null,
              (x: unknown) => x,
            );
            expect(dupUnique).toBeInstanceOf(UniqueConstraintError);
            expect((dupUnique as UniqueConstraintError).fields).toEqual(['venue', 'section', 'badge']);
            expect(await db.seat.findUnique({ where: { venue: 'v', section: 's', badge: 3 } })).toMatchObject({ row: 'B', number: 1 });
            expect(await db.seat.count({ where: { venue: 'v' } })).toBe(3);
          } finally {
            await db.close();
          }
        } finally {
          await cleanup();
        }
      },
      60_000,
    );
  }
});
