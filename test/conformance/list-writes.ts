/** Generated random writes over the indexed-list schema (shared by the conformance and fault suites). */
import type { Client } from 'quern';
import type { Rng } from '../reliability/random.js';
import type { Lists } from './lists-schema.js';

type Db = Client<Lists>;

/**
 * Random writes that change indexed lists: creates, updates that set or push elements, deletes, bulk
 * writes and batches (some with a failing item) over a few rows and a small tag space, so elements
 * are added, removed and repeated. A write may fail with a typed error; what matters is that
 * afterwards every list entry matches its row.
 */
export async function randomListWrites(
  db: Db,
  r: Rng,
  scope: string,
  n: number,
  alsoExpected: readonly string[] = [],
): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  const tags = ['a', 'b', 'c', 'd', 'e'].map((t) => `${scope}-${t}`);
  const ids: string[] = [];
  const someTags = () => r.some(tags, 4);
  const step = async (): Promise<unknown> => {
    switch (r.int(0, 7)) {
      case 0: {
        const row = await db.entry.create({ data: { scope, title: `t${r.int(0, 99)}`, tags: someTags(), ranks: r.chance(0.5) ? [r.int(0, 3)] : null } });
        ids.push(row.id);
        return row;
      }
      case 1:
        return ids.length ? db.entry.update({ where: { id: r.pick(ids) }, data: { tags: someTags() } }) : null;
      case 2:
        return ids.length
          ? db.entry.update({ where: { id: r.pick(ids) }, data: { tags: { push: r.pick(tags) }, ranks: r.chance(0.3) ? null : [r.int(0, 3)] } })
          : null;
      case 3:
        return ids.length ? db.entry.delete({ where: { id: r.pick(ids) } }) : null;
      case 4: {
        const rows = await db.entry.createManyAndReturn({ data: Array.from({ length: r.int(1, 3) }, () => ({ scope, title: 'm', tags: someTags() })) });
        ids.push(...rows.map((x) => x.id));
        return rows;
      }
      case 5:
        return db.entry.updateMany({ where: { scope, tags: { has: r.pick(tags) } }, data: { tags: someTags() } });
      case 6:
        return db.entry.deleteMany({ where: { scope, tags: { has: r.pick(tags) }, title: 'm' } });
      default: {
        // A batch whose second item may fail (a missing row): then nothing of it is written.
        const missing = r.chance(0.3);
        return db.batch([
          db.entry.create({ data: { scope, title: 'batch', tags: someTags() } }),
          ...(ids.length
            ? [db.entry.update({ where: { id: missing ? '0190aaaa-0000-7000-8000-000000000000' : r.pick(ids) }, data: { tags: someTags() } })]
            : []),
        ]);
      }
    }
  };
  for (let i = 0; i < n; i++) {
    try {
      await step();
      ok++;
    } catch (e) {
      const name = (e as Error)?.name;
      if (!['NotFoundError', 'BatchError', 'ConcurrencyError', ...alsoExpected].includes(name)) throw e;
      failed++;
    }
  }
  return { ok, failed };
}
