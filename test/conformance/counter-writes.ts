/** Generated random child writes over the counter-cache schema (shared by the conformance and fault suites). */
import type { Client } from 'quern';
import type { Rng } from '../reliability/random.js';
import type { Denorm } from './denorm-schema.js';

type Db = Client<Denorm>;

/**
 * Random child writes: creates, deletes, moves, bulk writes and batches over a few parents and a
 * small user space (so duplicates, missing rows and failing batch items happen). A write may fail
 * with a typed error; what matters is that afterwards the counters equal the counts.
 */
export async function randomWrites(
  db: Db,
  r: Rng,
  scope: string,
  parents: string[],
  n: number,
  alsoExpected: readonly string[] = [],
): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  const users = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'];
  const parentOrNull = () => (r.chance(0.15) ? null : r.pick(parents));
  const comments: string[] = [];
  const step = async () => {
    switch (r.int(0, 8)) {
      case 0:
        return db.favorite.create({ data: { articleId: r.pick(parents), userId: r.pick(users) } });
      case 1:
        return db.favorite.delete({ where: { articleId: r.pick(parents), userId: r.pick(users) } });
      case 2:
        return db.favorite.createMany({
          data: [...new Set(r.some(users, 3))].map((userId) => ({ articleId: r.pick(parents), userId })),
          skipDuplicates: r.chance(0.5),
        });
      case 3:
        return db.favorite.deleteMany({ where: { articleId: r.pick(parents), userId: { in: r.some(users, 3) } } });
      case 4: {
        const c = await db.comment.create({ data: { scope, articleId: parentOrNull(), body: 'b' } });
        comments.push(c.id);
        return c;
      }
      case 5:
        return comments.length ? db.comment.update({ where: { id: r.pick(comments) }, data: { articleId: parentOrNull() } }) : null;
      case 6:
        return comments.length ? db.comment.delete({ where: { id: r.pick(comments) } }) : null;
      case 7:
        return db.comment.updateMany({ where: { scope, articleId: r.pick(parents) }, data: { articleId: parentOrNull() } });
      default: {
        const a = r.pick(parents);
        return db.batch([
          db.favorite.create({ data: { articleId: a, userId: r.pick(users) } }),
          db.favorite.delete({ where: { articleId: r.pick(parents), userId: r.pick(users) } }),
          ...(comments.length ? [db.comment.update({ where: { id: r.pick(comments) }, data: { articleId: parentOrNull() } })] : []),
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
      if (!['UniqueConstraintError', 'NotFoundError', 'BatchError', 'ConcurrencyError', ...alsoExpected].includes(name)) throw e;
      failed++;
    }
  }
  return { ok, failed };
}
