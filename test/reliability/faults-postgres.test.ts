/**
 * Fault injection on PostgreSQL (issue 7, part 2): the server session under a
 * transaction or a batch is terminated with pg_terminate_backend in the middle
 * of it — between statements, while a statement waits for a lock, and just
 * before COMMIT. Invariants: the error is a typed QuernError; nothing of the
 * interrupted transaction or batch is visible (all or nothing); what was
 * acknowledged before stays; the client keeps working afterwards (reads return
 * complete results, writes succeed).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuernError } from 'quern';
import { schema as blog } from '../../examples/blog/schema.js';
import { BUDGET, SEED, LOOP_TIMEOUT } from './budget.js';
import { blogData, seedData } from './blog-data.js';
import { describeError } from './differential-run.js';
import { bump, record } from './figures.js';
import { uuidOf } from './random.js';
import { backends, on, openTarget, outcome, type Opened } from './targets.js';

type Row = Record<string, unknown>;
const have = backends();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!have.postgres)('fault injection: PostgreSQL backends terminated mid-transaction and mid-batch', () => {
  const data = blogData(SEED + 17, { users: 5, posts: 8, comments: 6 });
  let t: Opened;
  let admin: pg.Client;
  let n = 0;
  const faults: Record<string, number> = {};

  beforeAll(async () => {
    t = await openTarget('postgres', blog, { max: 4 });
    await seedData(t, data);
    admin = new pg.Client({ connectionString: t.url });
    admin.on('error', () => undefined);
    await admin.connect();
  });

  afterAll(async () => {
    await admin?.end().catch(() => undefined);
    await t?.close().catch(() => undefined);
  });

  /** Terminates the sessions of the test database in `state` (other than the admin's), waiting until they are gone. */
  async function terminate(where: string): Promise<number> {
    const sql = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND ${where}`;
    for (let i = 0; i < 500; i++) {
      const { rows } = await admin.query<{ pid: number }>(sql);
      if (rows.length) {
        for (const r of rows) await admin.query('SELECT pg_terminate_backend($1)', [r.pid]);
        for (let j = 0; j < 500; j++) {
          const left = await admin.query('SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1)', [rows.map((r) => r.pid)]);
          if (left.rows.length === 0) return rows.length;
          await sleep(5);
        }
        throw new Error('terminated sessions did not go away');
      }
      await sleep(5);
    }
    throw new Error(`no session matched: ${where}`);
  }

  const user = () => {
    const i = ++n;
    return { id: uuidOf(31, i), email: `k${i}@x.io`, name: 'K' };
  };
  const post = (authorId: string) => ({ id: uuidOf(32, ++n), authorId, title: 'killed?' });
  const exists = async (model: string, id: string) => (await on(t.db, model).findUnique({ where: { id } })) !== null;

  /**
   * After every fault: the client still reads everything (the first read; the pool may hand out
   * an idle connection the server has ended, and a read is then run again) and writes.
   */
  async function stillWorks(violation: (why: string) => never) {
    const r = await outcome(on(t.db, 'post').findMany({ orderBy: { createdAt: 'asc' } }));
    if (!r.ok) violation(`the first read after the fault failed: ${describeError(r.error)}`);
    const rows = (r as { value: Row[] }).value;
    const direct = await admin.query('SELECT count(*)::int AS n FROM "Post"');
    if (rows.length !== direct.rows[0].n) violation(`a read after the fault returned ${rows.length} posts, the table holds ${direct.rows[0].n}`);
    const u = user();
    await on(t.db, 'user').create({ data: u });
    if (!(await exists('user', u.id))) violation('a write after the fault was acknowledged but is not there');
  }

  it(
    'a transaction whose session is killed between statements, or before COMMIT, leaves nothing and fails typed',
    async ({ task }) => {
      const violation = (why: string): never => {
        record(task, { violations: 1 });
        throw new Error(`${why} (seed ${SEED})`);
      };
      try {
        for (let round = 0; round < BUDGET.pgKillRounds; round++) {
          for (const at of ['between statements', 'before COMMIT'] as const) {
            const u = user();
            const p = post(u.id);
            const res = await outcome(
              t.db.transaction(async (tx) => {
                await on(tx as never, 'user').create({ data: u });
                if (at === 'between statements') await terminate(`state = 'idle in transaction'`);
                await on(tx as never, 'post').create({ data: p });
                if (at === 'before COMMIT') await terminate(`state = 'idle in transaction'`);
                return 'committed';
              }),
            );
            bump(faults, `postgres: session killed in a transaction, ${at}`);
            if (res.ok) violation(`the transaction killed ${at} reported success`);
            const err = (res as { error: unknown }).error;
            if (!(err instanceof QuernError)) violation(`the transaction killed ${at} failed with an untyped error: ${describeError(err)}`);
            if ((await exists('user', u.id)) || (await exists('post', p.id))) violation(`the transaction killed ${at} left rows behind`);
            await stillWorks(violation);
          }
          // Acknowledged, then the session dies: the commit stands.
          const u = user();
          await t.db.transaction(async (tx) => on(tx as never, 'user').create({ data: u }));
          await terminate(`state = 'idle'`).catch(() => 0);
          bump(faults, 'postgres: idle sessions killed after a commit');
          if (!(await exists('user', u.id))) violation('a committed transaction was lost when its session was killed afterwards');
          await stillWorks(violation);
        }
      } finally {
        record(task, { faults });
      }
      expect(faults['postgres: session killed in a transaction, before COMMIT']).toBe(BUDGET.pgKillRounds);
    },
    LOOP_TIMEOUT,
  );

  // Found by the stress run: the pool handed a read an idle connection the server had just ended
  // (before its socket reported the end), and the read failed with a DriverError. Reads now run
  // once more on a fresh connection; writes are never resent.
  it(
    'reads right after the server ended the idle pooled sessions return complete results',
    async ({ task }) => {
      const violation = (why: string): never => {
        record(task, { violations: 1 });
        throw new Error(`${why} (seed ${SEED})`);
      };
      const local: Record<string, number> = {};
      const total = (await admin.query('SELECT count(*)::int AS n FROM "Post"')).rows[0].n;
      for (let round = 0; round < Math.max(10, BUDGET.pgKillRounds); round++) {
        // Fill the pool with idle connections, end them all server-side, and read at once.
        await Promise.all([1, 2, 3, 4].map(() => on(t.db, 'post').count()));
        const { rows } = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state = 'idle'`,
        );
        bump(local, 'postgres: idle pooled sessions ended, then read at once', rows.length);
        const reads = await Promise.all([1, 2, 3, 4].map(() => outcome(on(t.db, 'post').findMany({}))));
        for (const r of reads) {
          if (!r.ok) violation(`a read right after the idle sessions ended failed: ${describeError(r.error)}`);
          if ((r as { value: Row[] }).value.length !== total) violation('a read right after the idle sessions ended was incomplete');
        }
      }
      record(task, { faults: local });
    },
    LOOP_TIMEOUT,
  );

  it(
    'a nested write whose session is killed while a part waits for a lock leaves nothing and fails typed',
    async ({ task }) => {
      const violation = (why: string): never => {
        record(task, { violations: 1 });
        throw new Error(`${why} (seed ${SEED})`);
      };
      const locker = new pg.Client({ connectionString: t.url });
      locker.on('error', () => undefined);
      await locker.connect();
      const local: Record<string, number> = {};
      try {
        for (let round = 0; round < BUDGET.pgKillRounds; round++) {
          const victim = data.post[round % data.post.length];
          const before = (await on(t.db, 'post').findUnique({ where: { id: victim.id } })) as Row;
          const u = user();
          const pid = uuidOf(33, ++n),
            cid = uuidOf(34, n);
          // Another session holds the victim post, so connecting it (an update) waits mid-unit.
          await locker.query('BEGIN');
          await locker.query('SELECT 1 FROM "Post" WHERE id = $1 FOR UPDATE', [victim.id]);
          const nested = outcome(
            on(t.db, 'user').create({
              data: {
                ...u,
                posts: { create: [{ id: pid, title: 'nested', comments: { create: [{ id: cid, authorId: u.id, body: 'c' }] } }], connect: [{ id: victim.id }] },
              },
            }),
          );
          await terminate(`wait_event_type = 'Lock'`);
          bump(local, 'postgres: session killed in a nested write waiting for a lock');
          const res = await nested;
          await locker.query('ROLLBACK');
          if (res.ok) violation('the killed nested write reported success');
          const err = (res as { error: unknown }).error;
          if (!(err instanceof QuernError)) violation(`the killed nested write failed with an untyped error: ${describeError(err)}`);
          if ((await exists('user', u.id)) || (await exists('post', pid)) || (await exists('comment', cid)))
            violation('the killed nested write left its first parts behind: not all or nothing');
          const after = (await on(t.db, 'post').findUnique({ where: { id: victim.id } })) as Row;
          if (after.authorId !== before.authorId || after.version !== before.version) violation('the killed nested write changed the locked row');
          await stillWorks(violation);
        }
      } finally {
        await locker.end().catch(() => undefined);
        record(task, { faults: local });
      }
    },
    LOOP_TIMEOUT,
  );

  it(
    'a batch whose session is killed while an item waits for a lock leaves nothing and fails typed',
    async ({ task }) => {
      const violation = (why: string): never => {
        record(task, { violations: 1 });
        throw new Error(`${why} (seed ${SEED})`);
      };
      const locker = new pg.Client({ connectionString: t.url });
      locker.on('error', () => undefined);
      await locker.connect();
      const local: Record<string, number> = {};
      try {
        for (let round = 0; round < BUDGET.pgKillRounds; round++) {
          const victim = data.post[round % data.post.length];
          const before = (await on(t.db, 'post').findUnique({ where: { id: victim.id } })) as Row;
          const u = user();
          const p = post(u.id);
          // Another session holds the row, so the batch's update waits mid-batch.
          await locker.query('BEGIN');
          await locker.query('SELECT 1 FROM "Post" WHERE id = $1 FOR UPDATE', [victim.id]);
          const batch = outcome(
            t.db.batch([
              on(t.db, 'user').create({ data: u }),
              on(t.db, 'post').create({ data: p }),
              on(t.db, 'post').update({ where: { id: victim.id }, data: { title: 'batch wrote this' } }),
            ]),
          );
          await terminate(`wait_event_type = 'Lock'`);
          bump(local, 'postgres: session killed in a batch waiting for a lock');
          const res = await batch;
          await locker.query('ROLLBACK');
          if (res.ok) violation('the killed batch reported success');
          const err = (res as { error: unknown }).error;
          if (!(err instanceof QuernError)) violation(`the killed batch failed with an untyped error: ${describeError(err)}`);
          if ((await exists('user', u.id)) || (await exists('post', p.id))) violation('the killed batch left its first items behind: not all or nothing');
          const after = (await on(t.db, 'post').findUnique({ where: { id: victim.id } })) as Row;
          if (after.title !== before.title || after.version !== before.version) violation('the killed batch changed the locked row');
          await stillWorks(violation);
        }
      } finally {
        await locker.end().catch(() => undefined);
        record(task, { faults: local });
      }
    },
    LOOP_TIMEOUT,
  );
});
