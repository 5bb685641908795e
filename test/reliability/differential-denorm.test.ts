/**
 * Differential testing of the denormalizations (issue 12): a schema with a counter cache, a
 * colocated hasMany, an indexed list and a sharded index. Rounds of random writes (creates,
 * updates that move a post or change its tags, deletes, createMany, deleteMany, batches) are
 * replayed on every target, then random reads that exercise the declarations (colocated
 * includes, `has` on the indexed list, cursor pages over the sharded order in both directions,
 * the counter field) are compared with the PGlite oracle. After every round each counter must
 * equal the real count on every target.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { belongsTo, defineSchema, f, hasMany, index, model } from 'quern';
import { SEED } from './budget.js';
import { describeError, fullQuery, judge, runOn, type Outcome } from './differential-run.js';
import { bump, record } from './figures.js';
import type { GenQuery } from './query-gen.js';
import { rng, uuidOf, type Rng } from './random.js';
import { backends, on, openTarget, outcome, type LooseDb, type Opened } from './targets.js';
import { show } from './compare.js';

const SHARDS = 3;
const TAGS = ['db', 'ts', 'Db', 'kv', "'; --", '😀'];
const ROUNDS = 8;
const WRITES_PER_ROUND = 6;
const READS_PER_ROUND = 25;
const T0 = Date.UTC(2026, 0, 1);

const schema = defineSchema(
  {
    user: model('User', { id: f.uuid().key().auto(), name: f.string(), postsCount: f.int().default(0) }),
    note: model('Note', { id: f.uuid().key().auto(), userId: f.uuid(), body: f.string(), createdAt: f.timestamp() }),
    post: model(
      'Post',
      {
        id: f.uuid().key().auto(),
        authorId: f.uuid(),
        title: f.string(),
        tags: f.list(f.string()).indexed(),
        createdAt: f.timestamp(),
      },
      { indexes: [index('createdAt', { shards: SHARDS }), index('authorId', 'createdAt')] },
    ),
  },
  {
    relations: {
      user: { notes: hasMany('note', 'userId', { colocated: true }), posts: hasMany('post', 'authorId') },
      post: { author: belongsTo('user', 'authorId', { counterCache: 'postsCount' }) },
    },
  },
);

const USERS = Array.from({ length: 5 }, (_, i) => uuidOf(11, i + 1));

/** Deterministic write generator: ids and timestamps come from counters, so every target gets the same rows. */
class Writes {
  private n = 0;
  readonly posts: string[] = [];
  readonly notes: string[] = [];
  constructor(private readonly r: Rng) {}
  private post() {
    const i = ++this.n;
    const id = uuidOf(12, i);
    this.posts.push(id);
    // Distinct lists (a tag at most once per post): duplicates inside one list are not what this suite is about.
    const tags = [...new Set(this.r.some(TAGS, 3))];
    return { id, authorId: this.r.pick(USERS), title: `p${i}`, tags, createdAt: new Date(T0 + i * 1000) };
  }
  private note() {
    const i = ++this.n;
    const id = uuidOf(13, i);
    this.notes.push(id);
    return { id, userId: this.r.pick(USERS), body: `n${i}`, createdAt: new Date(T0 + i * 1000) };
  }
  /** A post id, sometimes one that was deleted or never existed (every target must fail the same way). */
  private somePost() {
    return this.posts.length && this.r.chance(0.9) ? this.r.pick(this.posts) : uuidOf(12, 9999);
  }
  /** One write as a function of a client: the same call for every target. */
  next(): { name: string; run: (db: LooseDb) => PromiseLike<unknown> } {
    const r = this.r;
    switch (r.int(0, 8)) {
      case 0:
      case 1: {
        const data = this.post();
        return { name: 'post.create', run: (db) => on(db, 'post').create({ data }) };
      }
      case 2: {
        const data = Array.from({ length: r.int(1, 4) }, () => this.post());
        return { name: 'post.createMany', run: (db) => on(db, 'post').createMany({ data }) };
      }
      case 3: {
        const id = this.somePost();
        const data = r.chance(0.5)
          ? { authorId: r.pick(USERS) }
          : { tags: [...new Set(r.some(TAGS, 3))], ...(r.chance(0.5) ? { authorId: r.pick(USERS) } : {}) };
        return { name: 'post.update', run: (db) => on(db, 'post').update({ where: { id }, data }) };
      }
      case 4: {
        const id = this.somePost();
        return { name: 'post.delete', run: (db) => on(db, 'post').delete({ where: { id } }) };
      }
      case 5: {
        const authorId = r.pick(USERS);
        return { name: 'post.deleteMany', run: (db) => on(db, 'post').deleteMany({ where: { authorId } }) };
      }
      case 6: {
        const data = this.note();
        return { name: 'note.create', run: (db) => on(db, 'note').create({ data }) };
      }
      case 7: {
        const id = this.notes.length ? r.pick(this.notes) : uuidOf(13, 9999);
        return { name: 'note.delete', run: (db) => on(db, 'note').delete({ where: { id } }) };
      }
      default: {
        // Creates, a move of an older post (not one created in the same batch: DynamoDB writes a
        // batch as one transaction, which may touch an item once) and a delete.
        // The deleted post also predates the batch: a deleteMany in a DynamoDB batch does not see
        // the batch's own creates (PGlite does), a divergence this suite leaves to its own issue.
        const moved = this.somePost();
        const pick = this.somePost();
        const gone = pick === moved ? uuidOf(12, 9999) : pick;
        const a = this.post(),
          b = this.post();
        const to = r.pick(USERS);
        return {
          name: 'batch',
          run: (db) =>
            db.batch([
              on(db, 'post').create({ data: a }),
              on(db, 'post').create({ data: b }),
              on(db, 'post').updateMany({ where: { id: moved }, data: { authorId: to } }),
              on(db, 'post').deleteMany({ where: { id: gone } }),
            ]),
        };
      }
    }
  }
}

/** One read exercising a declaration. */
function read(r: Rng): GenQuery {
  switch (r.int(0, 6)) {
    case 0:
      return {
        model: 'user',
        method: 'findUnique',
        args: { where: { id: r.pick(USERS) }, include: { notes: true } },
      };
    case 1:
      return { model: 'note', method: 'findMany', args: { where: { userId: r.pick(USERS) } } };
    case 2:
      return { model: 'post', method: 'findMany', args: { where: { tags: { has: r.pick(TAGS) } } } };
    case 3:
      return { model: 'post', method: 'count', args: { where: { tags: { has: r.pick(TAGS) } } } };
    case 4:
      return {
        model: 'post',
        method: 'paginate',
        args: { orderBy: { createdAt: r.pick(['asc', 'desc']) } },
        page: { size: r.int(1, 7), backward: r.chance(0.5) },
      };
    case 5:
      return { model: 'user', method: 'findUnique', args: { where: { id: r.pick(USERS) } } };
    default:
      return { model: 'post', method: 'findMany', args: { where: { authorId: r.pick(USERS) }, orderBy: { createdAt: r.pick(['asc', 'desc']) } } };
  }
}

/** Every counter against the real count, on one target. */
async function counterMismatches(db: LooseDb): Promise<string[]> {
  const bad: string[] = [];
  for (const id of USERS) {
    const u = (await on(db, 'user').findUnique({ where: { id } })) as { postsCount: number };
    const real = (await on(db, 'post').count({ where: { authorId: id } })) as number;
    if (u.postsCount !== real) bad.push(`user ${id}: postsCount ${u.postsCount}, real ${real}`);
  }
  return bad;
}

describe('differential: denormalizations (counter cache, colocated, indexed list, sharded order)', () => {
  const have = backends();
  const opened: Opened[] = [];
  let oracle: Opened;
  const others: { name: string; t: Opened; kv: boolean }[] = [];

  beforeAll(async () => {
    oracle = await openTarget('pglite', schema);
    opened.push(oracle);
    if (have.postgres) {
      const pg = await openTarget('postgres', schema);
      opened.push(pg);
      others.push({ name: 'postgres', t: pg, kv: false });
    }
    if (have.dynamodb) {
      const ddb = await openTarget('dynamodb', schema);
      opened.push(ddb);
      others.push({ name: 'dynamodb', t: ddb, kv: true });
    }
    const users = USERS.map((id, i) => ({ id, name: `u${i}` }));
    for (const o of opened) await on(o.db, 'user').createMany({ data: users });
  });

  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
  });

  it('random writes then reads: every target equals the oracle, every counter equals the real count', { timeout: 300_000 }, async ({ task }) => {
    const r = rng(SEED);
    const writes = new Writes(rng(SEED + 1));
    const byKind: Record<string, number> = {};
    const mismatches: string[] = [];
    let cases = 0,
      writesDone = 0,
      counterChecks = 0;
    const kindOf = (o: Outcome) => (o.ok ? 'ok' : o.error instanceof Error ? o.error.name : 'non-error');
    for (let round = 0; round < ROUNDS && mismatches.length === 0; round++) {
      for (let w = 0; w < WRITES_PER_ROUND; w++) {
        const op = writes.next();
        const want = await outcome(op.run(oracle.db));
        for (const x of others) {
          const got = await outcome(op.run(x.t.db));
          if (kindOf(got) !== kindOf(want))
            mismatches.push(
              `${x.name}: write ${op.name} ${kindOf(got)} (${got.ok ? '' : describeError(got.error)}), oracle ${kindOf(want)} (${want.ok ? '' : describeError(want.error)})`,
            );
        }
        writesDone++;
      }
      for (let i = 0; i < READS_PER_ROUND; i++) {
        const q = read(r);
        const o = await runOn(oracle.db, q, 1000);
        const fq = o.ok ? fullQuery(q) : null;
        const full = fq ? await runOn(oracle.db, fq, 1000) : null;
        cases++;
        bump(byKind, `${q.model}.${q.method}`);
        for (const x of others) {
          const v = judge(schema.def, q, o, await runOn(x.t.db, q, 1000), full?.ok ? full.value : null, x.kv);
          // Every read here is served by a declaration: a refusal is a mismatch too.
          if (v.kind !== 'same')
            mismatches.push(
              `${x.name} on ${q.model}.${q.method}(${show(q.args)})${q.page ? ` paged ${show(q.page)}` : ''}: ${v.kind === 'violation' ? v.problem : v.kind === 'refused' ? `refused ${v.code}` : 'invalid'}`,
            );
        }
      }
      for (const t of opened) {
        counterChecks++;
        for (const bad of await counterMismatches(t.db)) mismatches.push(`${t.name} counter: ${bad}`);
      }
    }
    record(task, { queriesGenerated: cases, queriesCompared: others.some((x) => x.kv) ? cases : 0, writesCompared: writesDone, violations: mismatches.length });
    console.log(
      `[differential-denorm] seed ${SEED}: ${cases} read cases × ${others.length + 1} targets (${show(byKind)}), ${writesDone} writes, ${counterChecks} counter checks, ${mismatches.length} mismatches`,
    );
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(cases).toBe(ROUNDS * READS_PER_ROUND);
  });
});
