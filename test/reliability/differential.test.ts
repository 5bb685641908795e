/**
 * Differential query testing (issue 7, part 1). Generated read queries over
 * the blog schema (with tags: a many-to-many relation, blog-schema.ts) run on PGlite (the oracle), on PostgreSQL, on SQLite and on DynamoDB —
 * twice there: with the default page size, and with a read page of 5 items so
 * that every Query/Scan crosses pages and the "limit applies before the
 * filter" loop is exercised. When DynamoDB accepts a query its result must
 * equal the oracle's; when it refuses, the CapabilityError must carry a
 * documented code and a fix. PostgreSQL and SQLite must agree with PGlite on everything.
 *
 * Reproduce a failure with the seed fast-check prints (QUERN_SEED=<seed>), or
 * with the counterexample itself in a test in regressions.test.ts.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema as blog } from './blog-schema.js';
import { BUDGET, SEED, LOOP_TIMEOUT } from './budget.js';
import { seedData, taggedBlogData } from './blog-data.js';
import { describeError, fullQuery, judge, runOn, type Outcome } from './differential-run.js';
import { bump, record } from './figures.js';
import { QueryGen, type Args, type GenQuery } from './query-gen.js';
import { backends, openTarget, type Opened } from './targets.js';
import { show } from './compare.js';

const data = taggedBlogData(SEED);
const MAX_ROWS = Math.max(...Object.values(data).map((rows) => rows.length));
/** Cases checked at once. */
const CONCURRENCY = 6;
const seedBlog = (t: Opened) => seedData(t, data);

/** Whether a query includes or counts a manyToMany relation, at any depth (a figure the run reports). */
function usesManyToMany(model: string, args: Args | undefined): boolean {
  const rels = blog.def.relations[model] ?? {};
  return Object.entries((args?.include as Args | undefined) ?? {}).some(([name, v]) => {
    if (name === '_count') {
      const counted = v === true ? Object.keys(rels) : Object.keys(((v as Args).select as Args | undefined) ?? {});
      return counted.some((r) => rels[r]?.kind === 'manyToMany');
    }
    const rel = rels[name];
    return !!rel && (rel.kind === 'manyToMany' || (typeof v === 'object' && usesManyToMany(rel.target, v as Args)));
  });
}

describe('differential: generated read queries, oracle vs every target', () => {
  const have = backends();
  const opened: Opened[] = [];
  let oracle: Opened;
  const others: { name: string; t: Opened; kv: boolean }[] = [];

  beforeAll(async () => {
    oracle = await openTarget('pglite', blog);
    opened.push(oracle);
    await seedBlog(oracle);
    if (have.postgres) {
      const pg = await openTarget('postgres', blog);
      opened.push(pg);
      await seedBlog(pg);
      others.push({ name: 'postgres', t: pg, kv: false });
    }
    if (have.sqlite) {
      // A SQL target: it must agree with the oracle on everything, as PostgreSQL must.
      const lite = await openTarget('sqlite', blog);
      opened.push(lite);
      await seedBlog(lite);
      others.push({ name: 'sqlite', t: lite, kv: false });
    }
    if (have.dynamodb) {
      const ddb = await openTarget('dynamodb', blog);
      opened.push(ddb);
      await seedBlog(ddb);
      others.push({ name: 'dynamodb', t: ddb, kv: true });
      // The same tables through a driver reading 5 items per request.
      const paged = await openTarget('dynamodb', blog, { tablePrefix: ddb.tablePrefix, readPageLimit: 5, push: false });
      opened.push(paged);
      others.push({ name: 'dynamodb(readPageLimit=5)', t: paged, kv: true });
    }
  });

  afterAll(async () => {
    for (const o of opened.reverse()) await o.close().catch(() => undefined);
  });

  it(
    `${BUDGET.queries} generated queries: DynamoDB equals the oracle or refuses with a documented code`,
    async ({ task }) => {
      const gen = new QueryGen(blog.def, data);
      const refused: Record<string, number> = {};
      const ms: Record<string, number> = {};
      let generated = 0,
        compared = 0,
        invalid = 0,
        m2mGenerated = 0,
        m2mCompared = 0;
      let violation: string | null = null;
      // A fixed number of cases (not a time budget): the same BUDGET.queries queries every run,
      // generated up front from the seed, checked by a few workers at once so the waits on the
      // servers overlap (each case still runs its targets in order).
      const queries = fc.sample(gen.query(), { seed: SEED, numRuns: BUDGET.queries });
      const check = async (q: GenQuery, index: number) => {
        generated++;
        const m2m = usesManyToMany(q.model, q.args);
        if (m2m) m2mGenerated++;
        let t0 = performance.now();
        const o: Outcome = await runOn(oracle.db, q, MAX_ROWS);
        const fq = o.ok ? fullQuery(q) : null;
        const full = fq ? await runOn(oracle.db, fq, MAX_ROWS) : null;
        bump(ms, 'pglite', performance.now() - t0);
        if (full && !full.ok) throw new Error(`the oracle failed the full query ${show(fq)}: ${describeError(full.error)}`);
        // The paged DynamoDB driver takes every fourth query (it costs several requests per read).
        const kvPaged = others.some((x) => x.name.startsWith('dynamodb(')) && index % 4 === 0;
        for (const x of others) {
          if (x.name.startsWith('dynamodb(') && !kvPaged) continue;
          t0 = performance.now();
          const got = await runOn(x.t.db, q, MAX_ROWS);
          bump(ms, x.name, performance.now() - t0);
          const v = judge(blog.def, q, o, got, full?.ok ? full.value : null, x.kv);
          switch (v.kind) {
            case 'same':
              if (x.kv && x.name === 'dynamodb') {
                compared++;
                if (m2m) m2mCompared++;
              }
              break;
            case 'refused':
              if (x.name === 'dynamodb') bump(refused, v.code);
              break;
            case 'invalid':
              if (x.name === 'dynamodb' || others.length === 1) invalid++;
              break;
            case 'violation':
              throw new Error(
                `${x.name} disagrees with the oracle (pglite) on ${q.model}.${q.method}(${show(q.args)})${q.page ? ` paged ${show(q.page)}` : ''}:\n  ${v.problem}`,
              );
          }
        }
      };
      let next = 0;
      const worker = async () => {
        while (violation === null && next < queries.length) {
          const index = next++;
          try {
            await check(queries[index], index);
          } catch (e) {
            violation ??= `${(e as Error).message}\n\nreproduce: QUERN_SEED=${SEED} npx vitest run test/reliability/differential.test.ts (case ${index})`;
          }
        }
      };
      try {
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));
        if (violation) record(task, { violations: 1 });
      } finally {
        record(task, {
          queriesGenerated: generated,
          queriesCompared: compared,
          queriesRefused: refused,
          queriesInvalid: invalid,
          manyToManyGenerated: m2mGenerated,
          manyToManyCompared: m2mCompared,
        });
        console.log(
          `[differential] seed ${SEED}: ${generated} generated, ${compared} compared with DynamoDB, ${invalid} invalid everywhere, many-to-many includes/counts: ${m2mGenerated} generated, ${m2mCompared} compared with DynamoDB, refused by DynamoDB: ${show(refused)}; time per target (ms, summed over ${CONCURRENCY} workers): ${show(Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v)])))}`,
        );
      }
      expect(violation).toBeNull();
      expect(generated).toBe(BUDGET.queries);
      // Many-to-many includes and counts stay a real share of the queries.
      expect(m2mGenerated).toBeGreaterThan(generated / 40);
      if (have.dynamodb) {
        // The generator must keep DynamoDB busy: most queries are shaped to be servable.
        expect(compared).toBeGreaterThan(generated / 4);
        expect(Object.keys(refused).length).toBeGreaterThan(2);
      }
    },
    LOOP_TIMEOUT,
  );
});
