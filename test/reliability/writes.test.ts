/**
 * Differential writes (issue 7, part 1): the same random writes replayed on
 * PGlite (the oracle), PostgreSQL and DynamoDB. Each write must have the same
 * outcome everywhere (the same returned row or count, or the same error
 * class — for a batch, the same failing item and cause), and every 25 writes
 * and at the end the targets must hold the same rows, with DynamoDB's
 * unique-index table matching its base tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchError, CapabilityError, QuernError, UniqueConstraintError } from 'quern';
import { schema as blog } from '../../examples/blog/schema.js';
import { BUDGET, SEED, deadline, LOOP_TIMEOUT } from './budget.js';
import { blogData, seedData } from './blog-data.js';
import { canon, show } from './compare.js';
import { DOCUMENTED_CODES, describeError } from './differential-run.js';
import { bump, record } from './figures.js';
import { diffSnapshots, snapshot, uniqueIndexProblems } from './invariants.js';
import { rng } from './random.js';
import { backends, on, openTarget, outcome, type Opened } from './targets.js';
import { readState, WriteGen, type WriteOp } from './write-gen.js';

/** updatedAt is the writer's clock, different on every target by design. */
const IGNORE = ['updatedAt'];

type Outcome = Awaited<ReturnType<typeof outcome<unknown>>>;

function run(t: Opened, op: WriteOp): Promise<Outcome> {
  if (op.kind === 'batch') return outcome(t.db.batch(op.items.map((i) => on(t.db, i.model)[i.method](i.args))));
  return outcome(on(t.db, op.model)[op.method](op.args));
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (v && typeof v === 'object' && !(v instanceof Date))
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => !IGNORE.includes(k))
        .map(([k, x]) => [k, strip(x)]),
    );
  return v;
}

/**
 * The parts of an error both targets must agree on. A batch where several items would fail may
 * name a different one per target (PostgreSQL runs items in order; DynamoDB checks versions
 * before its one transaction and unique values in it), so only "a BatchError with a typed cause".
 */
function errorSig(e: unknown): string {
  if (e instanceof BatchError) return e.cause instanceof QuernError ? 'BatchError ← typed cause' : `BatchError ← untyped ${describeError(e.cause)}`;
  if (e instanceof UniqueConstraintError) return `UniqueConstraintError(${e.model})`;
  if (e instanceof QuernError) return e.name;
  return `untyped ${describeError(e)}`;
}

function sameOutcome(a: Outcome, b: Outcome): string | null {
  if (a.ok && b.ok) {
    const x = show(strip(a.value)),
      y = show(strip(b.value));
    return x === y ? null : `results differ: ${x} vs ${y}`;
  }
  if (!a.ok && !b.ok) {
    const x = errorSig(a.error),
      y = errorSig(b.error);
    return x === y ? null : `errors differ: ${x} (${String(a.error)}) vs ${y} (${String(b.error)})`;
  }
  return a.ok
    ? `succeeded vs threw ${describeError((b as { error: unknown }).error)}`
    : `threw ${describeError((a as { error: unknown }).error)} vs succeeded with ${show(canon(strip((b as { value: unknown }).value)))}`;
}

describe('differential: random writes, then the final states compared', () => {
  const have = backends();
  const targets: Opened[] = [];

  beforeAll(async () => {
    const data = blogData(SEED + 7, { users: 6, posts: 10, comments: 12 });
    targets.push(await openTarget('pglite', blog));
    if (have.dynamodb) targets.push(await openTarget('dynamodb', blog));
    if (have.postgres) targets.push(await openTarget('postgres', blog));
    for (const t of targets) await seedData(t, data);
  });

  afterAll(async () => {
    for (const t of targets) await t.close().catch(() => undefined);
  });

  it(
    `${BUDGET.writes} random writes have the same outcome everywhere and leave the same state`,
    async ({ task }) => {
      const [oracle, ...others] = targets;
      const kv = others.find((t) => t.name === 'dynamodb');
      const r = rng(SEED + 1);
      const gen = new WriteGen(r);
      const late = deadline();
      const kinds: Record<string, number> = {};
      const outcomes: Record<string, number> = {};
      let done = 0;
      const fail = (msg: string) => {
        record(task, { violations: 1 });
        throw new Error(`${msg}\nreproduce: QUERN_SEED=${SEED} npx vitest run test/reliability/writes.test.ts (write #${done})`);
      };
      const compareStates = async (when: string) => {
        const base = await snapshot(oracle, blog, IGNORE);
        for (const t of others) {
          const d = diffSnapshots(base, await snapshot(t, blog, IGNORE), [oracle.name, t.name]);
          if (d.length) fail(`${when}: ${t.name} holds different rows than ${oracle.name}:\n${d.join('\n')}`);
        }
        if (kv) {
          const p = await uniqueIndexProblems(kv, blog);
          if (p.length) fail(`${when}: the DynamoDB unique-index table does not match the base tables:\n${p.slice(0, 10).join('\n')}`);
        }
      };
      try {
        for (; done < BUDGET.writes && !late(); done++) {
          const op = gen.next(await readState(oracle.db));
          bump(kinds, op.kind === 'batch' ? 'batch' : `${op.model}.${op.method}`);
          // DynamoDB first: a write it refuses for a capability reason is not replayed elsewhere.
          const order = kv ? [kv, oracle, ...others.filter((t) => t !== kv)] : [oracle, ...others];
          const first = await run(order[0], op);
          if (!first.ok && first.error instanceof CapabilityError) {
            if (!DOCUMENTED_CODES.has(first.error.code)) fail(`${order[0].name} refused ${show(op)} with an undocumented code ${first.error.code}`);
            bump(kinds, `refused:${first.error.code}`);
            continue;
          }
          const results = new Map<Opened, Outcome>([[order[0], first]]);
          for (const t of order.slice(1)) results.set(t, await run(t, op));
          const want = results.get(oracle)!;
          bump(outcomes, want.ok ? 'ok' : (want.error as Error).name);
          if (!want.ok && !(want.error instanceof QuernError))
            fail(`write #${done} ${show(op)}: the oracle threw an untyped error: ${describeError(want.error)}`);
          for (const t of others) {
            const problem = sameOutcome(want, results.get(t)!);
            if (problem) fail(`write #${done} ${show(op)}\n  ${oracle.name} vs ${t.name}: ${problem}`);
          }
          if (done % 25 === 24) await compareStates(`after write #${done}`);
        }
        await compareStates('at the end');
      } finally {
        record(task, { writesCompared: done });
        console.log(`[writes] seed ${SEED}: ${done} writes on ${targets.map((t) => t.name).join(', ')}; by kind ${show(kinds)}; outcomes ${show(outcomes)}`);
      }
      if (late()) console.warn(`[writes] the deadline stopped the run after ${done} of ${BUDGET.writes} writes`);
      expect(done).toBeGreaterThan(0);
    },
    LOOP_TIMEOUT,
  );
});
