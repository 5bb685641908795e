/**
 * Cascades under the fault injection the other reliability suites use (issue 13, acceptance 3).
 * A project's delete cascades to its tasks (onDelete: 'cascade'); a user's delete clears the
 * assignee of theirs (setNull). After any failure nothing is half-written: the project and all its
 * tasks are still there, or none of them is; a task create is there whole or not at all.
 *
 * - DynamoDB: the transport throttles, answers 500, cancels transactions for a conflict and drops
 *   connections before or after the request reached DynamoDB.
 * - PostgreSQL: the session running the cascading DELETE is terminated while the statement waits
 *   for a lock held on one of the tasks.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QuernError } from 'quern';
import { blog } from '../conformance/schema.js';
import { SEED } from './budget.js';
import { describeError } from './differential-run.js';
import { faultyClient, newControl, type FaultControl } from './fault-transport.js';
import { rng } from './random.js';
import { backends, on, openTarget, outcome, type Opened } from './targets.js';

type Row = Record<string, unknown>;
const have = backends();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TASKS = 3;

/** A project with TASKS tasks, assigned to a fresh user: written by the healthy client. */
async function seed(db: Opened['db'], n: number) {
  const team = `cf${n}`;
  const user = (await on(db, 'user').create({ data: { email: `cf${n}-${Date.now()}@x.io`, name: 'C', team } })) as Row;
  const project = (await on(db, 'project').create({ data: { team, name: `p${n}` } })) as Row;
  for (let i = 0; i < TASKS; i++) await on(db, 'task').create({ data: { projectId: project.id, assigneeId: user.id, title: `t${i}` } });
  return { project: project.id as string, user: user.id as string };
}

/** What is there of a project and its tasks (read by the healthy client). */
async function state(db: Opened['db'], project: string) {
  const p = await on(db, 'project').findUnique({ where: { id: project } });
  const tasks = (await on(db, 'task').findMany({ where: { projectId: project } })) as Row[];
  return { project: p !== null, tasks: tasks.length, assigned: tasks.filter((t) => t.assigneeId !== null).length };
}

describe.skipIf(!have.dynamodb)('cascades under DynamoDB transport faults', () => {
  let healthy: Opened;
  let faulty: Opened;
  const ctl: FaultControl = newControl(['throttle', 'server-500', 'transaction-conflict', 'drop-before-send', 'drop-after-send'], 0);

  beforeAll(async () => {
    healthy = await openTarget('dynamodb', blog);
    faulty = await openTarget('dynamodb', blog, {
      tablePrefix: healthy.tablePrefix,
      push: false,
      dynamoClient: (server) => faultyClient(server, ctl, rng(SEED + 41)),
      retry: { attempts: 4, baseMs: 2, capMs: 10 },
    });
  });

  afterAll(async () => {
    await faulty?.close().catch(() => undefined);
    await (faulty?.driver.raw as { destroy?: () => void } | undefined)?.destroy?.();
    await healthy?.close().catch(() => undefined);
  });

  it('a cascade (or setNull) delete and a child create are all or nothing after any failure', async () => {
    const r = rng(SEED + 43);
    const tally = { ok: 0, failed: 0 };
    for (let round = 0; round < 12; round++) {
      const { project, user } = await seed(healthy.db, round);
      const kind = r.pick(['cascade', 'setNull', 'create'] as const);
      ctl.rate = 0.5;
      const res = await outcome(
        kind === 'cascade'
          ? on(faulty.db, 'project').delete({ where: { id: project } })
          : kind === 'setNull'
            ? on(faulty.db, 'user').delete({ where: { id: user } })
            : on(faulty.db, 'task').create({ data: { projectId: project, assigneeId: user, title: 'new' } }),
      );
      ctl.rate = 0;
      const s = await state(healthy.db, project);
      const where = `round ${round} (${kind}, seed ${SEED}): ${res.ok ? 'acknowledged' : describeError(res.error)}; ${JSON.stringify(s)}`;
      if (res.ok) tally.ok++;
      else {
        tally.failed++;
        expect(res.error, where).toBeInstanceOf(QuernError);
      }
      switch (kind) {
        case 'cascade':
          // Before (project + every task) or after (nothing), never between.
          expect([s.project && s.tasks === TASKS, !s.project && s.tasks === 0], where).toContain(true);
          if (res.ok) expect(s.project, where).toBe(false);
          break;
        case 'setNull': {
          const gone = (await on(healthy.db, 'user').findUnique({ where: { id: user } })) === null;
          // The user gone with every assignee cleared, or the user there with every assignee kept.
          expect(gone ? s.assigned === 0 : s.assigned === TASKS, where).toBe(true);
          if (res.ok) expect(gone, where).toBe(true);
          break;
        }
        case 'create':
          expect([TASKS, TASKS + 1], where).toContain(s.tasks);
          if (res.ok) expect(s.tasks, where).toBe(TASKS + 1);
          break;
      }
      // Whatever happened, the guard counts still let a healthy delete cascade completely.
      if (s.project) await on(healthy.db, 'project').delete({ where: { id: project } });
      expect(await state(healthy.db, project), where).toEqual({ project: false, tasks: 0, assigned: 0 });
    }
    console.log(`[cascade-faults] dynamodb: ${tally.ok} acknowledged, ${tally.failed} failed; injected ${JSON.stringify(ctl.injected)}`);
    expect(tally.ok + tally.failed).toBe(12);
    expect(Object.values(ctl.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 240_000);
});

describe.skipIf(!have.postgres)('cascades under PostgreSQL session termination', () => {
  let t: Opened;
  let admin: pg.Client;
  let locker: pg.Client;

  beforeAll(async () => {
    t = await openTarget('postgres', blog, { max: 2 });
    admin = new pg.Client({ connectionString: t.url });
    locker = new pg.Client({ connectionString: t.url });
    for (const c of [admin, locker]) {
      c.on('error', () => undefined);
      await c.connect();
    }
  });

  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await admin?.end().catch(() => undefined);
    await t?.close().catch(() => undefined);
  });

  it('a cascading delete killed while it waits for a task lock leaves the project and every task', async () => {
    for (let round = 0; round < 3; round++) {
      const { project } = await seed(t.db, 100 + round);
      // Hold a lock on the last task: the cascade reaches it after deleting the project row and
      // (possibly) other tasks, inside its statement, and waits there.
      await locker.query('BEGIN');
      await locker.query('SELECT 1 FROM "Task" WHERE "projectId" = $1 AND "title" = $2 FOR UPDATE', [project, `t${TASKS - 1}`]);
      const del = outcome(on(t.db, 'project').delete({ where: { id: project } }));
      let killed = 0;
      for (let i = 0; i < 1000 && killed === 0; i++) {
        const { rows } = await admin.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`,
          [(locker as unknown as { processID: number }).processID],
        );
        for (const r of rows) {
          await admin.query('SELECT pg_terminate_backend($1)', [r.pid]);
          killed++;
        }
        if (!killed) await sleep(5);
      }
      await locker.query('ROLLBACK');
      expect(killed, 'the cascading delete never waited for the lock').toBeGreaterThan(0);
      const res = await del;
      expect(res.ok, 'the delete of a terminated session cannot have succeeded').toBe(false);
      if (!res.ok) expect(res.error, describeError(res.error)).toBeInstanceOf(QuernError);
      expect(await state(t.db, project)).toEqual({ project: true, tasks: TASKS, assigned: TASKS });
      // The client still works, and the delete then cascades completely.
      await on(t.db, 'project').delete({ where: { id: project } });
      expect(await state(t.db, project)).toEqual({ project: false, tasks: 0, assigned: 0 });
    }
  }, 120_000);
});
