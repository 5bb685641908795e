/**
 * Regression tests for the bugs the reliability suites found (docs/guarantees.md
 * lists them). Each runs on every target and asserts the behaviour PostgreSQL
 * defines; the generated suites found them, these keep them found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema as blog } from '../../examples/blog/schema.js';
import { SEED } from './budget.js';
import { blogData, seedData } from './blog-data.js';
import { uuidOf } from './random.js';
import type { BackendName } from '../harness/index.js';
import { backends, on, openTarget, type Opened } from './targets.js';

type Row = Record<string, unknown>;
const have = backends();
const names: BackendName[] = ['pglite', ...(have.postgres ? ['postgres' as const] : []), ...(have.dynamodb ? ['dynamodb' as const] : [])];

for (const name of names) {
  describe(`regressions found by the reliability suites [${name}]`, () => {
    let t: Opened;
    const data = blogData(SEED + 29, { users: 4, posts: 12, comments: 4 });

    beforeAll(async () => {
      t = await openTarget(name, blog);
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
