/** Generated random writes over the threads schema (shared by the conformance and fault suites). */
import type { Client } from 'quern';
import type { Rng } from '../reliability/random.js';
import type { Threads } from './threads-schema.js';

type Db = Client<Threads>;

/**
 * Creates and deletes of colocated replies (single, bulk, in batches) and deletes of whole threads
 * (cascading to their replies), over a few threads and users. Afterwards every counter must equal
 * the real count; `threads` is updated as threads come and go.
 */
export async function randomThreadWrites(
  db: Db,
  r: Rng,
  scope: string,
  threads: string[],
  users: readonly string[],
  n: number,
  alsoExpected: readonly string[] = [],
): Promise<{ ok: number; failed: number }> {
  let ok = 0;
  let failed = 0;
  const replies: { id: string; threadId: string }[] = [];
  const reply = () => ({ threadId: r.pick(threads), userId: r.pick(users), body: 'b' });
  const step = async () => {
    switch (r.int(0, 6)) {
      case 0:
      case 1: {
        const c = await db.reply.create({ data: reply() });
        replies.push({ id: c.id, threadId: c.threadId });
        return c;
      }
      case 2:
        return replies.length ? db.reply.delete({ where: { id: r.pick(replies).id } }) : null;
      case 3: {
        const threadId = r.pick(threads);
        return db.reply.createMany({ data: Array.from({ length: r.int(1, 4) }, () => ({ ...reply(), threadId })) });
      }
      case 4:
        return db.reply.deleteMany({ where: { threadId: r.pick(threads), userId: { in: r.some([...users], 2) } } });
      case 5:
        return db.batch([db.reply.create({ data: reply() }), ...(replies.length ? [db.reply.delete({ where: { id: r.pick(replies).id } })] : [])]);
      default: {
        // A thread goes, with its replies (cascade); a new one takes its place.
        if (threads.length < 2) return null;
        const gone = r.pick(threads);
        await db.thread.delete({ where: { id: gone } });
        threads.splice(threads.indexOf(gone), 1);
        threads.push((await db.thread.create({ data: { scope, title: `t${threads.length}` } })).id);
        return null;
      }
    }
  };
  for (let i = 0; i < n; i++) {
    try {
      await step();
      ok++;
    } catch (e) {
      const name = (e as Error)?.name;
      if (!['NotFoundError', 'BatchError', 'ConcurrencyError', 'ForeignKeyError', ...alsoExpected].includes(name)) throw e;
      failed++;
    }
  }
  return { ok, failed };
}

/** Every counter that differs from the real count, as text. */
export async function threadMismatches(db: Db, scope: string): Promise<{ checked: number; bad: string[] }> {
  const bad: string[] = [];
  const users = await db.user.findMany({ where: { scope } });
  const threads = await db.thread.findMany({ where: { scope } });
  for (const u of users) {
    const real = await db.reply.count({ where: { userId: u.id } });
    if (u.repliesCount !== real) bad.push(`user ${u.id}.repliesCount = ${u.repliesCount}, real ${real}`);
  }
  for (const t of threads) {
    const real = await db.reply.count({ where: { threadId: t.id } });
    if (t.postsCount !== real) bad.push(`thread ${t.title}.postsCount = ${t.postsCount}, real ${real}`);
  }
  return { checked: users.length + threads.length, bad };
}
