/**
 * Concurrency invariants (issue 7, part 3), on every target.
 *
 * Bank transfers: N concurrent workers move money between a few accounts that
 * carry a version() field. Each transfer reads both accounts, then writes both
 * in one atomic db.batch with version-pinned updates (on PostgreSQL also as an
 * interactive transaction). A lost race must surface as ConcurrencyError (or a
 * BatchError caused by one) and is retried by the worker. At the end: the
 * total is conserved, every balance equals its opening balance plus the
 * acknowledged transfers (none lost, none applied twice), and every version
 * counts exactly the acknowledged transfers that touched the account.
 *
 * Signups: workers race to create users with the same emails: exactly one
 * winner per email, every loser a UniqueConstraintError, and on DynamoDB the
 * unique-index table matches the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchError, ConcurrencyError, defineSchema, f, model, QuernError, UniqueConstraintError } from 'quern';
import type { BackendName } from '../harness/index.js';
import { BUDGET, SEED, LOOP_TIMEOUT, deadline } from './budget.js';
import { describeError } from './differential-run.js';
import { record } from './figures.js';
import { uniqueIndexProblems } from './invariants.js';
import { rng } from './random.js';
import { backends, on, openTarget, outcome, type LooseDb, type Opened } from './targets.js';

const Account = model('Account', {
  id: f.string().key(),
  balance: f.int(),
  version: f.int().version(),
});
const Member = model('Member', {
  id: f.uuid().key().auto(),
  email: f.string().unique(),
  worker: f.int(),
});
/** A nullable counter: incrementing it on DynamoDB needs the current item (null + 1 stays null). */
const Tally = model('Tally', {
  id: f.string().key(),
  n: f.int().nullable(),
  version: f.int().version(),
});
const bank = defineSchema({ account: Account, member: Member, tally: Tally });

type Row = Record<string, unknown>;
const ACCOUNTS = ['acct-a', 'acct-b', 'acct-c', 'acct-d', 'acct-e'];
const OPENING = 1_000;
const MAX_ATTEMPTS = 200;

const have = backends();
const names: BackendName[] = ['pglite', ...(have.postgres ? ['postgres' as const] : []), ...(have.dynamodb ? ['dynamodb' as const] : [])];

/** A lost optimistic race: the only failure a transfer may retry. */
function isConflict(e: unknown): boolean {
  return e instanceof ConcurrencyError || (e instanceof BatchError && e.cause instanceof ConcurrencyError);
}

for (const name of names) {
  describe(`concurrency invariants [${name}]`, () => {
    let t: Opened;
    beforeAll(async () => {
      t = await openTarget(name, bank, { max: 12 });
      await on(t.db, 'account').createMany({ data: ACCOUNTS.map((id) => ({ id, balance: OPENING })) });
    });
    afterAll(async () => {
      await t?.close();
    });

    it(
      `${BUDGET.workers} workers × ${BUDGET.transfersPerWorker} transfers: total conserved, no acknowledged transfer lost, every conflict a ConcurrencyError`,
      async ({ task }) => {
        const acked: { from: string; to: string; amount: number }[] = [];
        let operations = 0,
          retries = 0,
          gaveUp = 0;
        const violations: string[] = [];
        const late = deadline();
        const interactive = name !== 'dynamodb';

        async function transferOnce(db: LooseDb, from: string, to: string, amount: number, viaTransaction: boolean): Promise<void> {
          if (viaTransaction) {
            await db.transaction(async (tx) => {
              const a = (await on(tx as never, 'account').findUniqueOrThrow({ where: { id: from } })) as Row;
              const b = (await on(tx as never, 'account').findUniqueOrThrow({ where: { id: to } })) as Row;
              await on(tx as never, 'account').update({ where: { id: from, version: a.version }, data: { balance: { decrement: amount } } });
              await on(tx as never, 'account').update({ where: { id: to, version: b.version }, data: { balance: { increment: amount } } });
            });
            return;
          }
          const [a, b] = (await Promise.all([
            on(db, 'account').findUniqueOrThrow({ where: { id: from } }),
            on(db, 'account').findUniqueOrThrow({ where: { id: to } }),
          ])) as Row[];
          await db.batch([
            on(db, 'account').update({ where: { id: from, version: a.version }, data: { balance: { decrement: amount } } }),
            on(db, 'account').update({ where: { id: to, version: b.version }, data: { balance: { increment: amount } } }),
          ]);
        }

        async function worker(w: number) {
          const r = rng(SEED * 31 + w);
          for (let i = 0; i < BUDGET.transfersPerWorker && !late(); i++) {
            const from = r.pick(ACCOUNTS);
            const to = r.pick(ACCOUNTS.filter((x) => x !== from));
            const amount = r.int(1, 50);
            const viaTransaction = interactive && r.chance(0.4);
            let done = false;
            for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
              operations++;
              const res = await outcome(transferOnce(t.db, from, to, amount, viaTransaction));
              if (res.ok) {
                acked.push({ from, to, amount });
                done = true;
              } else if (isConflict(res.error)) {
                retries++;
                await new Promise((z) => setTimeout(z, r.int(0, 3 + attempt)));
              } else {
                violations.push(
                  `transfer ${from}→${to} ${amount}${viaTransaction ? ' (transaction)' : ' (batch)'} failed with ${describeError(res.error)}; only ConcurrencyError is a lost race`,
                );
                return;
              }
            }
            if (!done) gaveUp++;
          }
        }

        try {
          await Promise.all(Array.from({ length: BUDGET.workers }, (_, w) => worker(w)));
          const rows = (await on(t.db, 'account').findMany({ allowScan: true })) as Row[];
          const by = new Map(rows.map((r) => [r.id as string, r]));
          const total = rows.reduce((s, r) => s + (r.balance as number), 0);
          if (total !== OPENING * ACCOUNTS.length)
            violations.push(`total balance is ${total}, expected ${OPENING * ACCOUNTS.length}: money was created or destroyed`);
          for (const id of ACCOUNTS) {
            const want = OPENING + acked.reduce((s, x) => s + (x.to === id ? x.amount : 0) - (x.from === id ? x.amount : 0), 0);
            const touches = acked.filter((x) => x.from === id || x.to === id).length;
            const row = by.get(id)!;
            if (row.balance !== want)
              violations.push(`${id}: balance ${String(row.balance)}, but the acknowledged transfers give ${want} (a transfer was lost or applied twice)`);
            if (row.version !== 1 + touches)
              violations.push(`${id}: version ${String(row.version)}, but ${touches} acknowledged transfers touched it (expected ${1 + touches})`);
          }
        } finally {
          record(task, { workers: BUDGET.workers, operations, retries, violations: violations.length });
          console.log(
            `[concurrency ${name}] ${BUDGET.workers} workers: ${acked.length} transfers acknowledged, ${operations} attempts, ${retries} retried after a conflict, ${gaveUp} gave up after ${MAX_ATTEMPTS} attempts`,
          );
        }
        expect(violations, violations.join('\n')).toEqual([]);
        expect(acked.length).toBeGreaterThan(0);
        expect(retries, 'the workload must actually contend').toBeGreaterThan(0);
      },
      LOOP_TIMEOUT,
    );

    for (const [m, field, start] of [
      ['account', 'balance', 0],
      ['tally', 'n', 0],
    ] as const) {
      it(
        `${BUDGET.workers} workers increment one ${m}.${field} without a version pin: every increment succeeds, none lost`,
        async ({ task }) => {
          const id = `${m}-counter`;
          await on(t.db, m).create({ data: { id, [field]: start } });
          const per = Math.max(4, Math.floor(BUDGET.transfersPerWorker / 2));
          let acked = 0,
            operations = 0,
            retries = 0;
          const violations: string[] = [];
          await Promise.all(
            Array.from({ length: BUDGET.workers }, async () => {
              for (let i = 0; i < per; i++) {
                for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
                  operations++;
                  const res = await outcome(on(t.db, m).update({ where: { id }, data: { [field]: { increment: 1 } } }));
                  if (res.ok) {
                    acked++;
                    break;
                  }
                  // quern re-reads a stale row itself (bounded); past that bound a ConcurrencyError is the documented, retryable answer.
                  if (res.error instanceof ConcurrencyError) retries++;
                  else {
                    violations.push(`an unpinned increment failed: ${describeError(res.error)}`);
                    return;
                  }
                }
              }
            }),
          );
          if (name !== 'dynamodb' && retries > 0)
            violations.push(`${retries} unpinned increments raised ConcurrencyError on ${name}, which locks the row instead`);
          if (acked !== BUDGET.workers * per) violations.push(`${acked} of ${BUDGET.workers * per} increments acknowledged`);
          const row = (await on(t.db, m).findUnique({ where: { id } })) as Row;
          if (row[field] !== start + acked) violations.push(`${field} is ${String(row[field])} after ${acked} acknowledged increments: increments were lost`);
          if (row.version !== 1 + acked) violations.push(`version ${String(row.version)} after ${acked} acknowledged updates`);
          record(task, { workers: BUDGET.workers, operations, retries, violations: violations.length });
          console.log(`[concurrency ${name}] ${m}.${field}: ${acked} unpinned increments, ${retries} ConcurrencyErrors past quern's own re-reads`);
          expect(violations, violations.join('\n')).toEqual([]);
        },
        LOOP_TIMEOUT,
      );
    }

    it(
      `${BUDGET.signupWorkers} workers upsert the same emails: every upsert succeeds, one row each`,
      async ({ task }) => {
        const emails = Array.from({ length: 3 }, (_, i) => `upsert${i}@x.io`);
        const violations: string[] = [];
        let operations = 0;
        await Promise.all(
          Array.from({ length: BUDGET.signupWorkers }, async (_, w) => {
            for (const email of emails) {
              operations++;
              const res = await outcome(on(t.db, 'member').upsert({ where: { email }, create: { email, worker: w }, update: { worker: w } }));
              if (!res.ok)
                violations.push(
                  `upsert of ${email} by worker ${w} failed: ${describeError(res.error)} (an upsert by a unique field must not lose to its own create)`,
                );
            }
          }),
        );
        const rows = (await on(t.db, 'member').findMany({ where: { email: { in: emails } }, allowScan: true })) as Row[];
        for (const email of emails)
          if (rows.filter((r) => r.email === email).length !== 1) violations.push(`${email}: ${rows.filter((r) => r.email === email).length} rows`);
        violations.push(...(await uniqueIndexProblems(t, bank)));
        record(task, { workers: BUDGET.signupWorkers, operations, violations: violations.length });
        expect(violations, violations.join('\n')).toEqual([]);
      },
      LOOP_TIMEOUT,
    );

    // Two interactive transactions locking two rows in opposite orders: PostgreSQL breaks the
    // deadlock by failing one of them, which must surface as the retryable ConcurrencyError.
    it.skipIf(name !== 'postgres')(
      'a deadlock between two transactions is a ConcurrencyError, and the other commits',
      async ({ task }) => {
        await on(t.db, 'account').createMany({
          data: [
            { id: 'dl-a', balance: 0 },
            { id: 'dl-b', balance: 0 },
          ],
        });
        let arrived = 0;
        let open: () => void = () => undefined;
        const bothLocked = new Promise<void>((r) => {
          open = r;
        });
        const meet = async () => {
          if (++arrived === 2) open();
          await bothLocked;
        };
        const tx = (first: string, second: string) =>
          t.db.transaction(async (db) => {
            await on(db as never, 'account').update({ where: { id: first }, data: { balance: { increment: 1 } } });
            await meet();
            await on(db as never, 'account').update({ where: { id: second }, data: { balance: { increment: 1 } } });
          });
        const results = await Promise.all([outcome(tx('dl-a', 'dl-b')), outcome(tx('dl-b', 'dl-a'))]);
        const failed = results.filter((r) => !r.ok) as { ok: false; error: unknown }[];
        record(task, { workers: 2, operations: 2, retries: failed.length });
        expect(failed, 'exactly one of the two is chosen as the deadlock victim').toHaveLength(1);
        expect(failed[0].error, describeError(failed[0].error)).toBeInstanceOf(ConcurrencyError);
        const rows = (await on(t.db, 'account').findMany({ where: { id: { in: ['dl-a', 'dl-b'] } } })) as Row[];
        expect(rows.map((r) => r.balance)).toEqual([1, 1]);
      },
      LOOP_TIMEOUT,
    );

    it(
      `${BUDGET.signupWorkers} workers race for ${BUDGET.signupEmails} emails: exactly one winner each, every loser a UniqueConstraintError`,
      async ({ task }) => {
        const emails = Array.from({ length: BUDGET.signupEmails }, (_, i) => `race${i}@x.io`);
        const winners = new Map<string, number[]>();
        const violations: string[] = [];
        let operations = 0;
        async function worker(w: number) {
          const r = rng(SEED * 37 + w);
          const order = [...emails].sort(() => r() - 0.5);
          for (const email of order) {
            operations++;
            const res = await outcome(on(t.db, 'member').create({ data: { email, worker: w } }));
            if (res.ok) winners.set(email, [...(winners.get(email) ?? []), w]);
            else if (!(res.error instanceof UniqueConstraintError)) violations.push(`${email} by worker ${w}: ${describeError(res.error)}`);
            else if (res.error.model !== 'Member' || !(res.error instanceof QuernError))
              violations.push(`${email}: wrong UniqueConstraintError ${res.error.message}`);
          }
        }
        try {
          await Promise.all(Array.from({ length: BUDGET.signupWorkers }, (_, w) => worker(w)));
          const rows = (await on(t.db, 'member').findMany({ allowScan: true })) as Row[];
          for (const email of emails) {
            const won = winners.get(email) ?? [];
            const stored = rows.filter((x) => x.email === email);
            if (won.length !== 1) violations.push(`${email}: ${won.length} acknowledged winners (${won.join(', ')}), expected exactly 1`);
            if (stored.length !== 1) violations.push(`${email}: ${stored.length} rows stored, expected 1`);
            else if (won.length === 1 && stored[0].worker !== won[0])
              violations.push(`${email}: the stored row is worker ${String(stored[0].worker)}'s, but worker ${won[0]} was told it won`);
          }
          violations.push(...(await uniqueIndexProblems(t, bank)));
        } finally {
          record(task, { workers: BUDGET.signupWorkers, operations, violations: violations.length });
        }
        expect(violations, violations.join('\n')).toEqual([]);
      },
      LOOP_TIMEOUT,
    );
  });
}
