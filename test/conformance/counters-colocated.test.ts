// Counters × cascades × colocation together: replies colocated under their thread, removed with it,
// counted on the thread and on their writer. Random writes (bulk writes, batches, thread deletes
// cascading to replies) must leave every counter equal to the real count; the suite prints the figure.
import { expect } from 'vitest';
import { rng } from '../reliability/random.js';
import { conformance, type Target } from './targets.js';
import { threads, type Threads } from './threads-schema.js';
import { randomThreadWrites, threadMismatches } from './thread-writes.js';

type T = Target<Threads>;

async function setup(t: T, nThreads: number, nUsers: number) {
  const scope = t.tag('scope');
  const users: string[] = [];
  for (let i = 0; i < nUsers; i++) users.push((await t.db.user.create({ data: { scope } })).id);
  const list: string[] = [];
  for (let i = 0; i < nThreads; i++) list.push((await t.db.thread.create({ data: { scope, title: `t${i}` } })).id);
  return { scope, users, threads: list };
}

conformance<Threads>(
  'counters × cascades × colocation',
  ({ scenario }) => {
    scenario('deleting a thread cascades to its colocated replies and decrements every writer in the same unit', {}, async (t) => {
      const {
        scope,
        users,
        threads: [a, b],
      } = await setup(t, 2, 2);
      await t.db.reply.createMany({
        data: [
          { threadId: a, userId: users[0], body: 'x' },
          { threadId: a, userId: users[1], body: 'y' },
          { threadId: a, userId: users[1], body: 'z' },
        ],
      });
      await t.db.reply.create({ data: { threadId: b, userId: users[1], body: 'w' } });
      expect((await t.db.thread.findUniqueOrThrow({ where: { id: a } })).postsCount).toBe(3);
      await t.db.thread.delete({ where: { id: a } });
      const byId = new Map((await t.db.user.findMany({ where: { scope } })).map((u) => [u.id, u.repliesCount]));
      expect([byId.get(users[0]), byId.get(users[1])]).toEqual([0, 1]);
      expect(await t.db.reply.count({ where: { threadId: a } })).toBe(0);
      expect((await threadMismatches(t.db, scope)).bad).toEqual([]);
    });

    scenario('generated random writes with batches and cascades leave every counter equal to the real count', {}, async (t) => {
      const { scope, users, threads: list } = await setup(t, 3, 4);
      const report = await randomThreadWrites(t.db, rng(0x7ead5), scope, list, users, 50);
      const { checked, bad } = await threadMismatches(t.db, scope);
      console.log(
        `[counters × cascades × colocation ${t.name}] ${report.ok} random writes committed, ${report.failed} refused/failed (expected ones); counters checked: ${checked}, mismatches: ${bad.length}`,
      );
      expect(bad).toEqual([]);
      expect(report.ok).toBeGreaterThan(20);
    });
  },
  { schema: threads },
);
