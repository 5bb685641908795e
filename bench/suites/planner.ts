/**
 * Micro-benchmarks of the pipeline without I/O: building a query, planning a
 * new shape, hitting the plan cache, serialising SQL, binding parameters,
 * decoding rows, and the whole client path over an in-memory connection.
 */
import { buildQuery, createClient, type Driver, type Executor } from '../../src/index.js';
import type { BuiltQuery } from '../../src/query/ast.js';
import { PlanCache, planQuery } from '../../src/plan/planner.js';
import type { SqlOperation } from '../../src/plan/sql/ops.js';
import type { RowShape } from '../../src/plan/sql/ops.js';
import { SqlExecutor } from '../../src/engine/sql/executor.js';
import type { CompiledSql, SqlConnection, SqlDriverCore, SqlRows } from '../../src/engine/sql/core.js';
import { rowDecoder, type RowDecoder } from '../../src/engine/sql/decode.js';
import { projectRows } from '../../src/engine/project.js';
import { postgresTarget, serialize } from '../../drivers/postgres/index.js';
import { compileStatement } from '../../drivers/postgres/compile.js';
import { parseTimestamptz } from '../../drivers/postgres/types.js';
import { dynamodbTarget } from '../../drivers/dynamodb/index.js';
import { micro } from '../lib/measure.js';
import type { MicroFigure } from '../lib/results.js';
import { round, type Summary } from '../lib/stats.js';
import { schema } from '../schema.js';
import * as seed from '../seed.js';

type Method = Parameters<typeof buildQuery>[2];
interface Shape {
  readonly id: string;
  readonly title: string;
  readonly model: string;
  readonly method: Method;
  readonly args: (i: number) => unknown;
}

const ids = Array.from({ length: 1000 }, (_, i) => seed.benchId(1, i));

export const SHAPES: readonly Shape[] = [
  { id: 'pk', title: 'findUnique by id', model: 'user', method: 'findUnique', args: (i) => ({ where: { id: ids[i % 1000] } }) },
  {
    id: 'find-many',
    title: 'findMany filter + order + limit',
    model: 'item',
    method: 'findMany',
    args: (i) => ({ where: { category: `c${i % 10}`, seq: { gte: i % 8000 } }, orderBy: { seq: 'asc' }, limit: 100 }),
  },
  {
    id: 'include',
    title: 'findMany in-list + include hasMany',
    model: 'user',
    method: 'findMany',
    args: (i) => ({ where: { id: { in: ids.slice(i % 900, (i % 900) + 50) } }, include: { posts: true } }),
  },
  {
    id: 'update',
    title: 'update with version check',
    model: 'post',
    method: 'update',
    args: (i) => ({ where: { id: seed.benchId(2, i % 10_000), version: 1 + (i % 5) }, data: { title: `t${i}` } }),
  },
];

/** The include shape with a one-value list: the shape's own cost, without 50 values to validate. */
const INCLUDE_ONE: Shape = {
  id: 'include-1',
  title: 'findMany in-list (1 value) + include hasMany',
  model: 'user',
  method: 'findMany',
  args: (i) => ({ where: { id: { in: [ids[i % 1000]] } }, include: { posts: true } }),
};

const fig = (id: string, title: string, s: Summary, note?: string): MicroFigure => ({
  id,
  title,
  usPerOp: round(s.median, 3),
  p95: round(s.p95, 3),
  ...(note ? { note } : {}),
});

const build = (sh: Shape, i: number): BuiltQuery => buildQuery(schema.def, sh.model, sh.method, sh.args(i));

export async function runPlannerBench(quick: boolean): Promise<{ figures: MicroFigure[] }> {
  const opts = quick ? { batchMs: 8, samples: 11, warmupMs: 100 } : { batchMs: 15, samples: 25, warmupMs: 200 };
  const figures: MicroFigure[] = [];
  const def = schema.def;

  // Warm every path first (in CPU time), so the first figure measured does not carry the JIT's start-up.
  const cpu = () => process.cpuUsage().user / 1000;
  const warmEnd = cpu() + (quick ? 600 : 1000);
  for (let i = 0; cpu() < warmEnd; i++) {
    for (const sh of SHAPES) {
      const b = build(sh, i);
      planQuery(def, b.ast, b.shape, postgresTarget);
      planQuery(def, b.ast, b.shape, dynamodbTarget);
    }
  }

  for (const sh of SHAPES)
    figures.push(
      fig(
        `build-${sh.id}`,
        `build (validate + AST + shape key): ${sh.title}`,
        micro((i) => build(sh, i), opts),
      ),
    );

  // A new shape: what the first call of a query shape pays (build + verify + lower). Planning the
  // same AST again with planQuery (bypassing the cache) is the cost of a cache miss.
  for (const sh of SHAPES) {
    figures.push(
      fig(
        `new-${sh.id}`,
        `new shape, postgres (build + plan): ${sh.title}`,
        micro((i) => {
          const b = build(sh, i);
          return planQuery(def, b.ast, b.shape, postgresTarget);
        }, opts),
      ),
    );
  }
  for (const sh of SHAPES) {
    figures.push(
      fig(
        `new-ddb-${sh.id}`,
        `new shape, dynamodb (build + plan): ${sh.title}`,
        micro((i) => {
          const b = build(sh, i);
          return planQuery(def, b.ast, b.shape, dynamodbTarget);
        }, opts),
      ),
    );
  }

  // The cached path: what every later call pays before I/O (target ≤ 10 µs). Building validates
  // every value, so a 50-value in-list is reported apart from the shapes' own cost.
  for (const sh of [...SHAPES.filter((x) => x.id !== 'include'), INCLUDE_ONE]) {
    const cache = new PlanCache(def);
    cache.get(build(sh, 0), postgresTarget);
    figures.push(
      fig(
        `cached-${sh.id}`,
        `cached plan: ${sh.title}`,
        micro((i) => cache.get(build(sh, i), postgresTarget), opts),
        'build + cache hit',
      ),
    );
  }
  {
    const sh = SHAPES.find((x) => x.id === 'include')!;
    const cache = new PlanCache(def);
    cache.get(build(sh, 0), postgresTarget);
    figures.push(
      fig(
        'values-include',
        `cached plan with 50 in-list values: ${sh.title}`,
        micro((i) => cache.get(build(sh, i), postgresTarget), opts),
        'build validates each UUID',
      ),
    );
  }
  {
    const sh = SHAPES[0];
    const cache = new PlanCache(def);
    cache.get(build(sh, 0), dynamodbTarget);
    figures.push(
      fig(
        'cached-ddb-pk',
        `cached plan (dynamodb): ${sh.title}`,
        micro((i) => cache.get(build(sh, i), dynamodbTarget), opts),
        'build + cache hit',
      ),
    );
  }

  // SQL serialisation (done once per plan; cached plans reuse the text) and parameter binding (every call).
  for (const sh of SHAPES) {
    const plan = planQuery(def, build(sh, 0).ast, build(sh, 0).shape, postgresTarget);
    const op = plan.operations.find((o) => o.kind === 'sql') as SqlOperation;
    figures.push(
      fig(
        `serialize-${sh.id}`,
        `SQL serialisation: ${sh.title}`,
        micro(() => serialize(op.stmt), opts),
      ),
    );
  }
  for (const sh of SHAPES) {
    const plan = planQuery(def, build(sh, 0).ast, build(sh, 0).shape, postgresTarget);
    const compiled = compileStatement((plan.operations.find((o) => o.kind === 'sql') as SqlOperation).stmt);
    const params = Array.from({ length: 64 }, (_, i) => build(sh, i).params);
    figures.push(
      fig(
        `bind-${sh.id}`,
        `parameter binding: ${sh.title}`,
        micro((i) => compiled.bind(params[i & 63]), opts),
      ),
    );
  }

  // The whole client call over a connection that answers from memory: quern's own cost per query.
  const notes: Record<string, string> = {
    pk: '1 row decoded',
    'find-many': '100 rows decoded',
    include: '50 users + 500 posts decoded',
    update: '1 row decoded',
  };
  for (const sh of SHAPES) {
    const s = await clientOverhead(sh, quick);
    figures.push(fig(`client-${sh.id}`, `client call without I/O: ${sh.title}`, s, notes[sh.id]));
  }
  return { figures };
}

// ---- in-memory connection -------------------------------------------------------------------

function canned(sh: Shape): () => Record<string, unknown>[] {
  if (sh.id === 'find-many') {
    const rows = seed.items(100);
    return () => rows.map((r) => ({ ...r, createdAt: new Date(r.createdAt) }));
  }
  if (sh.id === 'include') {
    // As PostgreSQL returns a json_agg column: parsed JSON, timestamps as ISO strings.
    const users = seed.users(50);
    const posts = seed.posts(50);
    const json = users.map((u) => JSON.stringify(posts.filter((p) => p.authorId === u.id)));
    return () => users.map((u, k) => ({ ...u, createdAt: new Date(u.createdAt), posts: JSON.parse(json[k]) }));
  }
  if (sh.id === 'update') {
    const p = seed.posts(1)[0];
    return () => [{ ...p, publishedAt: new Date(p.publishedAt) }];
  }
  const u = seed.users(1)[0];
  return () => [{ ...u, createdAt: new Date(u.createdAt) }];
}

/** A client whose connection answers from memory: everything quern does per query except the I/O. */
export async function memoryClient(sh: Shape): Promise<{ call: (i: number) => PromiseLike<unknown>; rows: () => unknown }> {
  const rows = canned(sh);
  const conn: SqlConnection = {
    query: async (): Promise<SqlRows> => {
      const r = rows();
      return { rows: r, rowCount: r.length };
    },
  };
  const core: SqlDriverCore = {
    driver: 'postgres',
    compile: (stmt): CompiledSql => compileStatement(stmt),
    connection: () => conn,
    transaction: (fn) => fn(conn),
    mapError: (e) => (e instanceof Error ? e : new Error(String(e))),
  };
  const driver: Driver = {
    name: 'postgres',
    target: postgresTarget,
    raw: null,
    connect: async (): Promise<Executor> => new SqlExecutor(core),
    push: async () => undefined,
    close: async () => undefined,
  };
  const db = await createClient({ schema, driver, strict: false });
  const call = (i: number) => (db as unknown as Record<string, Record<string, (a: unknown) => PromiseLike<unknown>>>)[sh.model][sh.method](sh.args(i));
  return { call, rows };
}

async function clientOverhead(sh: Shape, quick: boolean): Promise<Summary> {
  const { call, rows } = await memoryClient(sh);
  // Process CPU time, not wall time: the loop never waits on I/O, so CPU time is its cost, and it
  // is not inflated when other processes hold the cores.
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  let i = 0;
  const warmEnd = cpu() + (quick ? 100 : 300);
  while (cpu() < warmEnd) await call(i++);
  // Calls per batch: about 10 ms of CPU each, whatever the shape costs.
  const t = cpu();
  for (let k = 0; k < 20; k++) await call(i++);
  const per = Math.max(5, Math.round((10 * 20) / Math.max(0.05, cpu() - t)));
  const batches = quick ? 15 : 30;
  const samples: number[] = [];
  // The canned rows are rebuilt per call (the executor decodes in place); time that separately and subtract it.
  for (let b = 0; b < batches; b++) {
    const t0 = cpu();
    for (let k = 0; k < per; k++) await call(i++);
    const t1 = cpu();
    for (let k = 0; k < per; k++) rows();
    const t2 = cpu();
    samples.push(((t1 - t0 - (t2 - t1)) * 1000) / per);
  }
  samples.sort((a, b) => a - b);
  const q = (p: number) => samples[Math.min(samples.length - 1, Math.floor(p * (samples.length - 1)))];
  return { median: q(0.5), p95: q(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length, min: samples[0], n: samples.length };
}

// ---- row mapping ------------------------------------------------------------------------------

const ITEM_SHAPE: RowShape = {
  model: 'item',
  fields: ['id', 'seq', 'category', 'label', 'score', 'price', 'active', 'tags', 'createdAt', 'note'],
  includes: [],
};

/**
 * µs per row for the 10-column Item model: decoding rows as the pg driver
 * hands them over (top-level columns), decoding the JSON form an include
 * delivers, the timestamptz text parser quern installs, and select projection.
 */
export async function runRowMappingBench(quick: boolean): Promise<{ figures: MicroFigure[] }> {
  const opts = quick ? { batchMs: 10, samples: 15, warmupMs: 100 } : { batchMs: 15, samples: 25, warmupMs: 200 };
  const def = schema.def;
  const decode: RowDecoder = rowDecoder(def, ITEM_SHAPE, new WeakMap());
  const N = 1000;
  const base = seed.items(N);
  // Fresh objects per call: the decoder works in place, as it does on rows fresh from the driver.
  const driverRows = () => base.map((r) => ({ ...r }));
  const jsonRows = () => JSON.parse(JSON.stringify(base)) as Record<string, unknown>[];
  const figures: MicroFigure[] = [];

  const copyCost = micro(() => driverRows(), { ...opts, samples: Math.max(8, Math.floor(opts.samples / 2)) }).median;
  const decodeDriver = micro(() => {
    const rows = driverRows();
    for (let i = 0; i < rows.length; i++) decode(rows[i]);
    return rows;
  }, opts);
  figures.push({
    id: 'decode-driver',
    title: 'decode rows from the driver (top-level columns)',
    usPerOp: round(Math.max(0, decodeDriver.median - copyCost) / N, 3),
    p95: round(Math.max(0, decodeDriver.p95 - copyCost) / N, 3),
    note: 'per row; the cost of copying the input rows is subtracted',
  });

  const parseCost = micro(() => jsonRows(), { ...opts, samples: Math.max(8, Math.floor(opts.samples / 2)) }).median;
  const decodeJson = micro(() => {
    const rows = jsonRows();
    for (let i = 0; i < rows.length; i++) decode(rows[i]);
    return rows;
  }, opts);
  figures.push({
    id: 'decode-json',
    title: 'decode included rows (JSON form: ISO timestamps)',
    usPerOp: round(Math.max(0, decodeJson.median - parseCost) / N, 3),
    p95: round(Math.max(0, decodeJson.p95 - parseCost) / N, 3),
    note: 'per row; JSON.parse of the input is subtracted',
  });

  const stamps = base.map((r) => r.createdAt.toISOString().replace('T', ' ').replace('Z', '+00'));
  const ts = micro((i) => parseTimestamptz(stamps[i % N]), opts);
  figures.push({ id: 'parse-timestamptz', title: "timestamptz text → Date (quern's parser, per value)", usPerOp: round(ts.median, 3), p95: round(ts.p95, 3) });

  const rows = driverRows();
  const proj = micro(() => projectRows(rows, ['id', 'seq', 'label'], []), opts);
  figures.push({
    id: 'project-select',
    title: 'select projection (3 of 10 fields)',
    usPerOp: round(proj.median / N, 4),
    p95: round(proj.p95 / N, 4),
    note: 'per row',
  });
  return { figures };
}
