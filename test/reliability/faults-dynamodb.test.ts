/**
 * Fault injection on DynamoDB (issue 7, part 2). A client whose transport
 * throttles, answers 500, cancels transactions for a conflict, leaves
 * BatchGetItem keys unprocessed, cuts Query/Scan pages short, and drops
 * connections before or after the request reached DynamoDB. Invariants:
 *
 * - reads retried through faults return complete results (equal to a healthy client's);
 * - an acknowledged write is there afterwards (no acknowledged write is lost);
 * - a write that failed definitely (a typed domain error) left nothing behind;
 * - a write whose outcome is unknown (DriverError after a dropped connection) is
 *   all there or not at all: atomic batches stay all or nothing;
 * - the unique-index table matches the base tables after every round;
 * - every error is a typed QuernError.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchError, CapabilityError, DriverError, QuernError, type SchemaDef } from 'quern';
import { schema as blog } from '../../examples/blog/schema.js';
import { BUDGET, SEED, deadline, LOOP_TIMEOUT } from './budget.js';
import { blogData, seedData } from './blog-data.js';
import { show } from './compare.js';
import { compareValues, describeError, fullQuery, runOn } from './differential-run.js';
import { faultyClient, FAULT_KINDS, newControl, type FaultControl } from './fault-transport.js';
import { record } from './figures.js';
import { uniqueIndexProblems } from './invariants.js';
import { QueryGen } from './query-gen.js';
import { rng, uuidOf } from './random.js';
import { backends, on, openTarget, outcome, type Opened } from './targets.js';

type Row = Record<string, unknown>;

/** Table or index → its key attributes (table key first), for cutting pages with a valid LastEvaluatedKey. */
function keyAttributesFor(schema: SchemaDef, prefix: string) {
  return (table: string, index: string | undefined): string[] | null => {
    const m = Object.values(schema.models).find((x) => prefix + x.table === table);
    if (!m) return null;
    const idx = index ? (m.indexes.find((i) => i.name === index)?.fields ?? []) : [];
    return [...new Set([...m.key, ...idx])];
  };
}

const have = backends();

describe.skipIf(!have.dynamodb)('fault injection: DynamoDB transport faults', () => {
  const data = blogData(SEED + 3, { users: 8, posts: 30, comments: 40 });
  let healthy: Opened;
  let faulty: Opened;
  const ctl: FaultControl = newControl(FAULT_KINDS, 0);
  const maxRows = 40;

  beforeAll(async () => {
    healthy = await openTarget('dynamodb', blog);
    await seedData(healthy, data);
    ctl.keyAttributes = keyAttributesFor(blog.def, healthy.tablePrefix!);
    faulty = await openTarget('dynamodb', blog, {
      tablePrefix: healthy.tablePrefix,
      push: false,
      dynamoClient: (server) => faultyClient(server, ctl, rng(SEED + 11)),
      // Fast, still bounded: 8 attempts with a few ms of jittered backoff.
      retry: { attempts: 8, baseMs: 2, capMs: 20 },
    });
  });

  afterAll(async () => {
    await faulty?.close().catch(() => undefined);
    await (faulty?.driver.raw as { destroy?: () => void } | undefined)?.destroy?.();
    await healthy?.close().catch(() => undefined);
  });

  it(
    'reads retried through faults return complete results',
    async ({ task }) => {
      const gen = new QueryGen(blog.def, data);
      const queries = fc.sample(gen.query(), { seed: SEED + 5, numRuns: BUDGET.dynamoFaultRounds * 5 });
      const before = { ...ctl.injected };
      let compared = 0,
        exhausted = 0;
      const late = deadline();
      try {
        for (const q of queries) {
          if (late()) break;
          ctl.rate = 0;
          const want = await runOn(healthy.db, q, maxRows);
          if (!want.ok) {
            if (want.error instanceof CapabilityError || (want.error as Error).name === 'ValidationError') continue;
            throw new Error(`the healthy client failed ${q.model}.${q.method}(${show(q.args)}): ${describeError(want.error)}`);
          }
          const fq = fullQuery(q);
          const full = fq ? await runOn(healthy.db, fq, maxRows) : null;
          ctl.rate = 0.3;
          const got = await runOn(faulty.db, q, maxRows);
          ctl.rate = 0;
          if (!got.ok) {
            // Only "the service kept failing" is acceptable, and only as a typed DriverError.
            if (got.error instanceof DriverError) {
              exhausted++;
              continue;
            }
            record(task, { violations: 1 });
            throw new Error(`a read under faults failed with ${describeError(got.error)}: ${q.model}.${q.method}(${show(q.args)}); seed ${SEED}`);
          }
          // Without an order, a window (limit/offset) may hold any rows of the full result.
          const problem = compareValues(blog.def, q, want.value, got.value, full?.ok ? full.value : null);
          if (problem) {
            record(task, { violations: 1 });
            throw new Error(
              `a read under faults returned an incomplete or wrong result: ${q.model}.${q.method}(${show(q.args)}):\n  ${problem}\n  seed ${SEED}`,
            );
          }
          compared++;
        }
      } finally {
        ctl.rate = 0;
        const faults = Object.fromEntries(
          Object.entries(ctl.injected)
            .map(([k, n]) => [`dynamodb: ${k}`, n - before[k as keyof typeof before]])
            .filter(([, n]) => (n as number) > 0),
        );
        record(task, { faults });
        console.log(`[faults-dynamodb] reads: ${compared} compared under faults, ${exhausted} gave up with DriverError; injected ${show(faults)}`);
      }
      expect(compared).toBeGreaterThan(0);
      // Every read fault kind was exercised.
      for (const k of ['throttle', 'server-500', 'unprocessed-keys', 'short-page', 'drop-after-send'] as const)
        expect(ctl.injected[k] - before[k], k).toBeGreaterThan(0);
    },
    LOOP_TIMEOUT,
  );

  it(
    'writes under faults: acknowledged ones are kept, failed ones leave nothing, batches stay all or nothing, unique index intact',
    async ({ task }) => {
      const r = rng(SEED + 13);
      const before = { ...ctl.injected };
      let n = 0,
        acked = 0,
        definite = 0,
        ambiguous = 0;
      const late = deadline();
      // What the test knows about rows it created, refreshed from a healthy read after every write.
      const users = new Map<string, string>(); // id → email
      const posts = new Map<string, number>(); // id → version
      for (const p of data.post) posts.set(p.id as string, p.version as number);
      const fresh = () => ++n;
      const getUser = async (id: string) => (await on(healthy.db, 'user').findUnique({ where: { id } })) as Row | null;
      const getPost = async (id: string) => (await on(healthy.db, 'post').findUnique({ where: { id } })) as Row | null;

      interface Step {
        what: string;
        run: () => PromiseLike<unknown>;
        effects: (() => Promise<boolean>)[];
        after: () => Promise<void>;
      }
      const steps: (() => Step | null)[] = [
        () => {
          const id = uuidOf(21, fresh()),
            email = `f${n}@x.io`;
          return {
            what: `create user ${email}`,
            run: () => on(faulty.db, 'user').create({ data: { id, email, name: 'F' } }),
            effects: [async () => (await getUser(id))?.email === email],
            after: async () => void ((await getUser(id)) && users.set(id, email)),
          };
        },
        () => {
          if (!users.size) return null;
          const id = r.pick([...users.keys()]);
          const email = `moved${fresh()}@x.io`;
          return {
            what: `move user ${id} to ${email}`,
            run: () => on(faulty.db, 'user').update({ where: { id }, data: { email } }),
            effects: [async () => (await getUser(id))?.email === email],
            after: async () => {
              const u = await getUser(id);
              if (u) users.set(id, u.email as string);
              else users.delete(id);
            },
          };
        },
        () => {
          const id = r.pick([...posts.keys()]);
          const v = posts.get(id)!;
          const title = `t${fresh()}`;
          return {
            what: `update post ${id} at version ${v}`,
            run: () => on(faulty.db, 'post').update({ where: { id, version: v }, data: { title } }),
            effects: [
              async () => {
                const p = await getPost(id);
                return p?.title === title && p?.version === v + 1;
              },
            ],
            after: async () => void posts.set(id, (await getPost(id))!.version as number),
          };
        },
        () => {
          const uid = uuidOf(21, fresh()),
            email = `b${n}@x.io`,
            pid = uuidOf(22, n);
          const old = r.pick([...posts.keys()]);
          const v = posts.get(old)!;
          const title = `batch${n}`;
          return {
            what: `batch: create user ${email}, create post ${pid}, update post ${old}@${v}`,
            run: () =>
              faulty.db.batch([
                on(faulty.db, 'user').create({ data: { id: uid, email, name: 'B' } }),
                on(faulty.db, 'post').create({ data: { id: pid, authorId: uid, title: 'p' } }),
                on(faulty.db, 'post').update({ where: { id: old, version: v }, data: { title } }),
              ]),
            effects: [
              async () => (await getUser(uid))?.email === email,
              async () => (await getPost(pid)) !== null,
              async () => {
                const p = await getPost(old);
                return p?.title === title && p?.version === v + 1;
              },
            ],
            after: async () => {
              if (await getUser(uid)) users.set(uid, email);
              if (await getPost(pid)) posts.set(pid, 1);
              posts.set(old, (await getPost(old))!.version as number);
            },
          };
        },
        () => {
          // A nested create: user, profile, post and the post's comment in one TransactWriteItems.
          const id = uuidOf(25, fresh()),
            email = `n${n}@x.io`,
            pid = uuidOf(26, n),
            cid = uuidOf(27, n);
          const getComment = async () => (await on(healthy.db, 'comment').findUnique({ where: { id: cid } })) as Row | null;
          return {
            what: `nested create of user ${email} with profile, post ${pid} and comment ${cid}`,
            run: () =>
              on(faulty.db, 'user').create({
                data: {
                  id,
                  email,
                  name: 'N',
                  profile: { create: { bio: 'b' } },
                  posts: { create: [{ id: pid, title: 'nested', comments: { create: [{ id: cid, authorId: id, body: 'c' }] } }] },
                },
              }),
            effects: [
              async () => (await getUser(id))?.email === email,
              async () => (await on(healthy.db, 'profile').findUnique({ where: { userId: id } })) !== null,
              async () => (await getPost(pid)) !== null,
              async () => (await getComment()) !== null,
            ],
            after: async () => {
              if (await getUser(id)) users.set(id, email);
              if (await getPost(pid)) posts.set(pid, 1);
            },
          };
        },
        () => {
          // A nested update: the post's title (versioned) and a new comment, all or nothing.
          const id = r.pick([...posts.keys()]);
          const v = posts.get(id)!;
          const title = `nu${fresh()}`,
            cid = uuidOf(28, n);
          return {
            what: `nested update of post ${id}@${v} with comment ${cid}`,
            run: () =>
              on(faulty.db, 'post').update({
                where: { id, version: v },
                data: { title, comments: { create: { id: cid, authorId: uuidOf(1, 1), body: 'c' } } },
              }),
            effects: [
              async () => {
                const p = await getPost(id);
                return p?.title === title && p?.version === v + 1;
              },
              async () => (await on(healthy.db, 'comment').findUnique({ where: { id: cid } })) !== null,
            ],
            after: async () => void posts.set(id, (await getPost(id))!.version as number),
          };
        },
        () => {
          if (!users.size) return null;
          const id = r.pick([...users.keys()]);
          return {
            what: `delete user ${id}`,
            run: () => on(faulty.db, 'user').delete({ where: { id } }),
            effects: [async () => (await getUser(id)) === null],
            after: async () => void ((await getUser(id)) ? undefined : users.delete(id)),
          };
        },
        () => {
          const ids = [1, 2, 3].map(() => uuidOf(23, fresh()));
          return {
            what: `createMany posts ${ids.join(', ')}`,
            run: () => on(faulty.db, 'post').createMany({ data: ids.map((id) => ({ id, authorId: uuidOf(1, 1), title: 'm' })) }),
            effects: ids.map((id) => async () => (await getPost(id)) !== null),
            after: async () => {
              for (const id of ids) if (await getPost(id)) posts.set(id, 1);
            },
          };
        },
        () => {
          const known = users.size && r.chance(0.6);
          const email = known ? users.get(r.pick([...users.keys()]))! : `u${fresh()}@x.io`;
          const id = uuidOf(24, fresh());
          const name = `up${n}`;
          return {
            what: `upsert user ${email}`,
            run: () => on(faulty.db, 'user').upsert({ where: { email }, create: { id, email, name }, update: { name } }),
            effects: [async () => ((await on(healthy.db, 'user').findUnique({ where: { email } })) as Row | null)?.name === name],
            after: async () => {
              const u = (await on(healthy.db, 'user').findUnique({ where: { email } })) as Row | null;
              if (u) users.set(u.id as string, email);
            },
          };
        },
      ];

      const rounds = BUDGET.dynamoFaultRounds * 3;
      try {
        for (let i = 0; i < rounds && !late(); i++) {
          const step = r.pick(steps)();
          if (!step) continue;
          ctl.rate = 0.35;
          const res = await outcome(step.run());
          ctl.rate = 0;
          const held = await Promise.all(step.effects.map((e) => e()));
          const all = held.every(Boolean),
            none = held.every((h) => !h);
          const fail = (why: string) => {
            record(task, { violations: 1 });
            throw new Error(`${step.what}: ${why} (effects held: ${show(held)}); seed ${SEED}, round ${i}`);
          };
          if (res.ok) {
            acked++;
            if (!all) fail('acknowledged, but not all of it is in the database (an acknowledged write was lost)');
          } else if (!(res.error instanceof QuernError)) {
            fail(`failed with an untyped error: ${describeError(res.error)}`);
          } else if (res.error instanceof DriverError || (res.error instanceof BatchError && res.error.cause instanceof DriverError)) {
            // The connection dropped or the service kept failing: the write may or may not have happened — but atomically.
            ambiguous++;
            if (!all && !none) fail(`outcome unknown (${res.error.message}), and only part of the write is there: not atomic`);
          } else {
            definite++;
            if (!none) fail(`failed with ${describeError(res.error)}, yet part of it is in the database`);
          }
          await step.after();
          if (i % 10 === 9) {
            const p = await uniqueIndexProblems(healthy, blog);
            if (p.length) fail(`the unique-index table no longer matches the base tables:\n${p.slice(0, 10).join('\n')}`);
          }
        }
        const p = await uniqueIndexProblems(healthy, blog);
        if (p.length) {
          record(task, { violations: 1 });
          throw new Error(`the unique-index table no longer matches the base tables:\n${p.slice(0, 10).join('\n')}`);
        }
      } finally {
        ctl.rate = 0;
        const faults = Object.fromEntries(
          Object.entries(ctl.injected)
            .map(([k, c]) => [`dynamodb: ${k}`, c - before[k as keyof typeof before]])
            .filter(([, c]) => (c as number) > 0),
        );
        record(task, { faults });
        console.log(
          `[faults-dynamodb] writes: ${acked} acknowledged, ${definite} failed definitely, ${ambiguous} with unknown outcome; injected ${show(faults)}; all faults by operation so far ${show(ctl.byOperation)}`,
        );
      }
      expect(acked).toBeGreaterThan(0);
      for (const k of ['throttle', 'server-500', 'transaction-conflict', 'drop-before-send', 'drop-after-send'] as const)
        expect(ctl.injected[k] - before[k], k).toBeGreaterThan(0);
    },
    LOOP_TIMEOUT,
  );
});
