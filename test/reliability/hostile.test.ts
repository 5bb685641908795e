/**
 * Hostile input (issue 7, part 4): every public entry point fuzzed with
 * fast-check — where, data, orderBy, include, select, the arguments object
 * itself, db.batch, pagination cursors (random, tampered, forged with the
 * default secret, carried across queries and targets), config files through
 * cli/config.ts loadProject, and migration folders through loadMigrations.
 *
 * Each input either works or throws a typed error (QuernError; the CLI's
 * ProjectError for config files). Never a raw TypeError/RangeError, never a
 * hang, never prototype pollution, never a partial write (a failed createMany
 * or batch leaves none of its rows), never injection (sentinel rows and every
 * table survive untouched), and whatever was written reads back verbatim.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchError,
  CapabilityError,
  ConcurrencyError,
  defineSchema,
  f,
  hasMany,
  belongsTo,
  index,
  model,
  NotFoundError,
  OutOfRangeError,
  QuernError,
  UniqueConstraintError,
  ValidationError,
  buildQuery,
  type Query,
} from 'quern';
import { cursorBase } from '../../src/query/build.js';
import { CursorCodec } from '../../src/engine/cursor.js';
import { loadProject } from '../../cli/config.js';
import { ProjectError } from '../../cli/errors.js';
import { generateMigration, loadMigrations, nonInteractiveResolver } from '../../migrations/index.js';
import type { BackendName } from '../harness/index.js';
import { BUDGET, SEED, LOOP_TIMEOUT } from './budget.js';
import { canon, show } from './compare.js';
import { describeError } from './differential-run.js';
import { bump, record } from './figures.js';
import {
  deepValue,
  hostileObject,
  hostileScalar,
  hostileSerialisable,
  hostileString,
  hostileValue,
  jsOnly,
  nested,
  pollutingObject,
  polluted,
  prototypeState,
} from './hostile-values.js';
import { backends, on, openTarget, outcome, type Opened } from './targets.js';
import { scaled } from '../harness/time-scale.js';

const Thing = model(
  'Thing',
  {
    id: f.uuid().key().auto(),
    tag: f.string().unique(),
    name: f.string({ maxLength: 200 }),
    body: f.text().nullable(),
    n: f.int().nullable(),
    big: f.bigint().nullable(),
    x: f.float().nullable(),
    amount: f.decimal().nullable(),
    ok: f.boolean().nullable(),
    day: f.date().nullable(),
    at: f.timestamp().nullable(),
    kind: f.enum(['a', 'b']).default('a'),
    tags: f.list(f.string()).default([]),
    meta: f.json().nullable(),
    createdAt: f.timestamp().createdAt(),
    version: f.int().version(),
  },
  { indexes: [index('kind', 'createdAt')] },
);
const Child = model(
  'Child',
  {
    id: f.uuid().key().auto(),
    thingId: f.uuid(),
    label: f.string(),
  },
  { indexes: [index('thingId')] },
);
const hostileSchema = defineSchema(
  { thing: Thing, child: Child },
  {
    relations: { thing: { children: hasMany('child', 'thingId') }, child: { thing: belongsTo('thing', 'thingId') } },
  },
);

type Row = Record<string, unknown>;
const FIELDS = Object.keys(hostileSchema.def.models.thing.fields);
const OPS = ['equals', 'not', 'in', 'notIn', 'lt', 'lte', 'gt', 'gte', 'contains', 'startsWith', 'endsWith', 'isNull', 'has', 'mode'];
const STRING_FIELDS = ['tag', 'name', 'body'];
/**
 * The error classes each entry point may answer hostile input with (acceptance 2 of issue 11):
 * bad input is a ValidationError (or a CapabilityError when the target cannot serve a valid
 * query), and only the domain errors a valid call can meet besides. A DriverError — the database
 * refusing what quern let through — is a failure everywhere, as is any class not listed.
 */
type ErrorClass = abstract new (...args: never[]) => QuernError;
const BAD_INPUT: readonly ErrorClass[] = [ValidationError, CapabilityError];
function expectedErrors(entry: string): readonly ErrorClass[] {
  const [kind, method] = entry.split('.');
  switch (kind) {
    case 'where':
      return method === 'updateMany' || method === 'deleteMany' ? [...BAD_INPUT, ConcurrencyError] : BAD_INPUT;
    case 'data':
      return method === 'create'
        ? [...BAD_INPUT, UniqueConstraintError]
        : [...BAD_INPUT, UniqueConstraintError, NotFoundError, ConcurrencyError, OutOfRangeError];
    case 'createMany':
      return [...BAD_INPUT, UniqueConstraintError];
    case 'db':
      return [...BAD_INPUT, BatchError];
    default:
      // orderBy/include/select/limit/offset/args shapes (a create among them may meet a duplicate tag), cursors, js-only values.
      return method === 'create' ? [...BAD_INPUT, UniqueConstraintError] : BAD_INPUT;
  }
}

/** A hang, not slowness: far above anything a valid call takes. */
const HANG_MS = scaled(60_000);

const have = backends();
const names: BackendName[] = ['pglite', ...(have.postgres ? ['postgres' as const] : []), ...(have.dynamodb ? ['dynamodb' as const] : [])];

let tagN = 0;
/** The input being tried (for the DriverError sample). */
let current: unknown;
const preview = (v: unknown) => {
  try {
    return fc.stringify(v).slice(0, 300);
  } catch {
    return '(unprintable)';
  }
};
const freshTag = (p = 'victim') => `${p}-${++tagN}`;

async function settle<T>(p: PromiseLike<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`HANG: no answer within ${HANG_MS} ms`)), HANG_MS);
  });
  try {
    return await outcome(Promise.race([Promise.resolve().then(() => p), hang]));
  } finally {
    clearTimeout(timer);
  }
}

/** Building a query can throw synchronously (a hostile args object): that counts like a rejection. */
function call(fn: () => PromiseLike<unknown>): PromiseLike<unknown> {
  try {
    return fn();
  } catch (e) {
    return Promise.reject(e);
  }
}

describe('hostile input: every public entry point', () => {
  const targets: Opened[] = [];
  const protoBefore = prototypeState();
  const tried: Record<string, number> = {};
  /** How the inputs ended, per error class (for the log: how many reached a database). */
  const ended: Record<string, number> = {};
  /** A sample of DriverErrors (typed, but a hint that a check before I/O is missing). */
  const driverErrors: string[] = [];
  const sentinels: Record<string, string> = {};

  beforeAll(async () => {
    for (const n of names) targets.push(await openTarget(n, hostileSchema));
    // Rows no fuzzed write may reach: an injection that escaped its parameter would show here.
    for (const t of targets) {
      for (let i = 0; i < 3; i++) {
        const row = (await on(t.db, 'thing').create({
          data: { tag: `sentinel-${i}`, name: `Sentinel '${i}'`, body: "'; --", n: i, tags: ['x'], meta: { i } },
        })) as Row;
        await on(t.db, 'child').create({ data: { thingId: row.id, label: `child of ${i}` } });
      }
      sentinels[t.name] = show(await sentinelRows(t));
    }
  });

  afterAll(async () => {
    for (const t of targets) await t.close().catch(() => undefined);
  });

  async function sentinelRows(t: Opened) {
    const rows = (await on(t.db, 'thing').findMany({ where: { tag: { startsWith: 'sentinel-' } }, include: { children: true }, allowScan: true })) as Row[];
    return rows
      .map((r): Row => ({ ...r, children: (r.children as Row[]).map((c) => ({ label: c.label })) }))
      .sort((a, b) => String(a.tag).localeCompare(String(b.tag)));
  }

  /** Runs one hostile call on every target and checks the outcome; returns a problem or null. */
  async function probe(
    entry: string,
    make: (t: Opened) => PromiseLike<unknown>,
    after?: (t: Opened, ok: boolean, value: unknown) => Promise<string | null>,
  ): Promise<string | null> {
    for (const t of targets) {
      bump(tried, entry);
      const res = await settle(call(() => make(t)));
      bump(ended, res.ok ? 'ok' : ((res.error as Error)?.name ?? 'non-error'));
      if (!res.ok && (res.error as Error)?.name === 'DriverError' && driverErrors.length < 12)
        driverErrors.push(`${t.name} ${entry}: ${(res.error as Error).message.slice(0, 300)} ← ${preview(current)}`);
      if (!res.ok && !(res.error instanceof QuernError)) return `${t.name}: ${entry} threw ${describeError(res.error)}`;
      if (!res.ok && !expectedErrors(entry).some((c) => res.error instanceof c)) {
        return `${t.name}: ${entry} answered with ${describeError(res.error)}; expected ${expectedErrors(entry)
          .map((c) => c.name)
          .join(' | ')} (input: ${preview(current)})`;
      }
      // A BatchError is only acceptable for a domain reason, never a database refusal.
      if (!res.ok && res.error instanceof BatchError && !expectedErrors('data.update').some((c) => (res.error as BatchError).cause instanceof c)) {
        return `${t.name}: ${entry}: a BatchError caused by ${describeError((res.error as BatchError).cause)} (input: ${preview(current)})`;
      }
      const p = polluted();
      if (p) return `${t.name}: ${entry} polluted a prototype: ${p}`;
      if (prototypeState() !== protoBefore) return `${t.name}: ${entry} changed a built-in prototype`;
      if (after) {
        const problem = await after(t, res.ok, res.ok ? res.value : undefined);
        if (problem) return `${t.name}: ${entry}: ${problem}`;
      }
    }
    return null;
  }

  async function fuzz<T>(
    task: { meta: object },
    entry: string,
    arb: fc.Arbitrary<T>,
    body: (v: T) => Promise<string | null>,
    runs: number = BUDGET.hostileRuns,
  ): Promise<void> {
    try {
      await fc.assert(
        fc.asyncProperty(arb, async (v) => {
          current = v;
          const problem = await body(v);
          if (problem) throw new Error(problem);
        }),
        { seed: SEED, numRuns: runs, endOnFailure: true },
      );
    } catch (e) {
      record(task as never, { violations: 1 });
      throw new Error(`${(e as Error).message}\nreproduce: QUERN_SEED=${SEED} npx vitest run test/reliability/hostile.test.ts -t "${entry}"`, { cause: e });
    }
  }

  const whereArb: fc.Arbitrary<unknown> = fc.oneof(
    { weight: 3, arbitrary: hostileObject([...FIELDS, 'children', 'AND', 'OR', 'NOT']) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), hostileValue).map(([k, v]) => ({ [k]: v })) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), hostileObject(OPS)).map(([k, v]) => ({ [k]: v })) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom('AND', 'OR', 'NOT'), hostileValue).map(([k, v]) => ({ [k]: v })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom('some', 'every', 'none'), hostileValue).map(([op, v]) => ({ children: { [op]: v } })) },
    { weight: 1, arbitrary: deepValue },
    { weight: 1, arbitrary: pollutingObject },
    { weight: 1, arbitrary: hostileScalar },
    // Well-typed but nasty: metacharacters and edge strings where strings belong, reaching the database.
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.constantFrom(...STRING_FIELDS),
          fc.constantFrom('equals', 'not', 'contains', 'startsWith', 'endsWith', 'lt', 'gte'),
          hostileString,
          fc.boolean(),
        )
        .map(([k, op, v, ci]) => ({
          [k]: { [op]: v, ...(ci && ['equals', 'contains', 'startsWith', 'endsWith'].includes(op) ? { mode: 'insensitive' } : {}) },
        })),
    },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...STRING_FIELDS), fc.array(hostileString, { maxLength: 4 })).map(([k, vs]) => ({ [k]: { in: vs } })) },
    { weight: 2, arbitrary: hostileString.map((v) => ({ tags: { has: v } })) },
    { weight: 1, arbitrary: fc.oneof(pollutingObject, fc.jsonValue({ maxDepth: 2 })).map((v) => ({ meta: { equals: v } })) },
  );

  it(
    'where: filters on every read method',
    async ({ task }) => {
      await fuzz(
        task,
        'where',
        fc.tuple(whereArb, fc.constantFrom('findMany', 'findFirst', 'count', 'findUnique', 'paginate', 'deleteMany', 'updateMany')),
        async ([where, method]) => {
          // Bulk writes are confined to victim rows: whatever the hostile part says, sentinels must survive.
          const scoped = { AND: [{ tag: { startsWith: 'victim-' } }, where] };
          return probe(`where.${method}`, (t) => {
            const m = on(t.db, 'thing');
            switch (method) {
              case 'deleteMany':
                return m.deleteMany({ where: scoped, allowScan: true });
              case 'updateMany':
                return m.updateMany({ where: scoped, data: { name: 'updated' }, allowScan: true });
              case 'paginate':
                return m.paginate({ where, first: 3, allowScan: true });
              case 'findUnique':
                return m.findUnique({ where });
              default:
                return m[method]({ where, allowScan: true });
            }
          });
        },
      );
    },
    LOOP_TIMEOUT,
  );

  /** A create whose data carries hostile values: it fails typed, or the row reads back verbatim. */
  const dataArb = fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), hostileValue).map(([k, v]) => ({ [k]: v })) },
    { weight: 2, arbitrary: hostileObject(FIELDS) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FIELDS), hostileObject(['set', 'increment', 'decrement', 'push'])).map(([k, v]) => ({ [k]: v })) },
    { weight: 1, arbitrary: pollutingObject },
    // Well-typed but nasty: these must be stored and read back verbatim.
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom('name', 'body'), hostileString).map(([k, v]) => ({ [k]: v })) },
    { weight: 2, arbitrary: fc.array(hostileString, { maxLength: 4 }).map((tags) => ({ tags })) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(pollutingObject, fc.jsonValue({ maxDepth: 3 }), hostileObject(['a', '__proto__', 'constructor'], hostileString))
        .map((meta) => ({ meta })),
    },
  );

  function roundTrip(tag: string, data: Row) {
    return async (t: Opened, ok: boolean): Promise<string | null> => {
      const rows = (await on(t.db, 'thing').findMany({ where: { tag }, allowScan: true })) as Row[];
      if (!ok) return null;
      if (rows.length !== 1) return `the create succeeded but ${rows.length} rows have its tag`;
      for (const k of STRING_FIELDS) {
        // Known upstream bug (regressions.test.ts): PGlite drops a leading U+FEFF from text it returns.
        const want = t.name === 'pglite' && typeof data[k] === 'string' ? (data[k] as string).replace(/^\uFEFF/, '') : data[k];
        if (Object.prototype.hasOwnProperty.call(data, k) && typeof data[k] === 'string' && rows[0][k] !== want)
          return `${k} did not read back verbatim: wrote ${JSON.stringify(data[k]).slice(0, 80)}, read ${JSON.stringify(rows[0][k]).slice(0, 80)}`;
      }
      if (Array.isArray(data.tags) && data.tags.every((x) => typeof x === 'string') && show(rows[0].tags) !== show(data.tags))
        return 'tags did not read back verbatim';
      if (
        data.meta !== undefined &&
        data.meta !== null &&
        typeof data.meta === 'object' &&
        show(canon(rows[0].meta)) !== show(canon(JSON.parse(JSON.stringify(data.meta))))
      )
        return `meta did not read back verbatim: ${show(rows[0].meta).slice(0, 200)}`;
      return null;
    };
  }

  it(
    'data: create, update and upsert',
    async ({ task }) => {
      await fuzz(task, 'data', fc.tuple(dataArb, fc.constantFrom('create', 'update', 'upsert')), async ([extra, method]) => {
        const tag = freshTag();
        const data: Row = { tag, name: 'n', ...extra };
        Object.defineProperty(data, 'tag', { value: tag, enumerable: true, writable: true, configurable: true });
        if (method === 'create') return probe('data.create', (t) => on(t.db, 'thing').create({ data }), roundTrip(tag, data));
        return probe(`data.${method}`, async (t) => {
          await on(t.db, 'thing').create({ data: { tag, name: 'before' } });
          const { tag: _t, ...rest } = extra as Row;
          void _t;
          return method === 'update'
            ? on(t.db, 'thing').update({ where: { tag }, data: rest })
            : on(t.db, 'thing').upsert({ where: { tag }, create: { tag, name: 'c', ...rest }, update: rest });
        });
      });
    },
    LOOP_TIMEOUT,
  );

  it(
    'data: createMany and db.batch are all or nothing',
    async ({ task }) => {
      await fuzz(task, 'all-or-nothing', fc.tuple(dataArb, fc.nat({ max: 2 }), fc.boolean()), async ([extra, at, viaBatch]) => {
        const tags = [freshTag(), freshTag(), freshTag()];
        const rows: Row[] = tags.map((tag) => ({ tag, name: 'fine' }));
        rows[at] = { ...rows[at], ...extra, tag: tags[at] };
        Object.defineProperty(rows[at], 'tag', { value: tags[at], enumerable: true, writable: true, configurable: true });
        return probe(
          viaBatch ? 'db.batch' : 'createMany',
          (t) => (viaBatch ? t.db.batch(rows.map((data) => on(t.db, 'thing').create({ data }))) : on(t.db, 'thing').createMany({ data: rows })),
          async (t, ok) => {
            const found = (await on(t.db, 'thing').findMany({ where: { tag: { in: tags } }, allowScan: true })) as Row[];
            if (ok && found.length !== 3) return `succeeded but ${found.length} of 3 rows are there`;
            if (!ok && found.length !== 0) return `failed but ${found.length} of 3 rows were written: a partial write`;
            return null;
          },
        );
      });
    },
    LOOP_TIMEOUT,
  );

  it(
    'orderBy, include, select and the arguments object itself',
    async ({ task }) => {
      const shapes = fc.oneof(
        fc.tuple(
          fc.constant('orderBy'),
          fc.oneof(
            hostileObject(FIELDS, fc.oneof(fc.constantFrom('asc', 'desc', 'ASC', 'asc; DROP TABLE "Thing"'), hostileValue)),
            fc.array(hostileObject(FIELDS), { maxLength: 3 }),
            hostileValue,
          ),
        ),
        fc.tuple(
          fc.constant('include'),
          fc.oneof(
            hostileObject(['children', 'thing'], fc.oneof(fc.boolean(), hostileObject(['where', 'orderBy', 'limit', 'select', 'include']), hostileValue)),
            fc.constant(nested(50, 'include', true)),
            hostileValue,
          ),
        ),
        fc.tuple(fc.constant('select'), fc.oneof(hostileObject(FIELDS, fc.oneof(fc.boolean(), hostileValue)), hostileValue)),
        fc.tuple(fc.constant('limit'), fc.oneof(hostileScalar, fc.constantFrom(-1, 1.5, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER))),
        fc.tuple(fc.constant('offset'), fc.oneof(hostileScalar, fc.constantFrom(-1, 1.5, 2 ** 31, 2 ** 53))),
        fc.tuple(
          fc.constant('args'),
          fc.oneof(hostileValue, hostileObject(['where', 'orderBy', 'include', 'select', 'limit', 'offset', 'allowScan', 'data', 'first', 'after'])),
        ),
      );
      await fuzz(
        task,
        'shape',
        fc.tuple(shapes, fc.constantFrom('findMany', 'findFirst', 'findUnique', 'paginate', 'create', 'count')),
        async ([[what, v], method]) =>
          probe(`${what}.${method}`, (t) => {
            const m = on(t.db, 'thing');
            if ((what as string) === 'args') return m[method](v);
            const base: Row =
              method === 'findUnique'
                ? { where: { tag: 'sentinel-0' } }
                : method === 'create'
                  ? { data: { tag: freshTag(), name: 'shape' } }
                  : { allowScan: true };
            if (method === 'count' && what !== 'args') return m.count({ allowScan: true, [what]: v });
            return m[method]({ ...base, [what === 'limit' && method === 'paginate' ? 'first' : what]: v });
          }),
      );
    },
    LOOP_TIMEOUT,
  );

  it(
    'db.batch with hostile items',
    async ({ task }) => {
      await fuzz(task, 'batch-items', fc.oneof(hostileValue, fc.array(hostileValue, { maxLength: 3 })), async (items) =>
        probe('db.batch(items)', (t) => t.db.batch(items as Query<unknown>[])),
      );
    },
    LOOP_TIMEOUT,
  );

  it(
    'cursors: random, tampered, forged with the default secret, and carried across queries and targets',
    async ({ task }) => {
      // Real cursors to tamper with and to carry elsewhere.
      const real: string[] = [];
      for (const t of targets) {
        for (const args of [
          { where: { kind: 'a' }, orderBy: { createdAt: 'asc' }, first: 1 },
          { first: 1, allowScan: true },
        ]) {
          const p = (await on(t.db, 'thing').paginate(args)) as { nextCursor: string | null };
          if (p.nextCursor) real.push(p.nextCursor);
        }
      }
      expect(real.length).toBeGreaterThan(0);
      // The default cursor secret is derived from the schema: without cursorSecret, anyone can sign. So forged
      // boundaries must be as safe as the executor's own checks make them (README says to set cursorSecret).
      const forger = new CursorCodec(`quern:${hostileSchema.def.hash}`);
      // The codec only encodes what an executor returns; a forger signs any JSON, including tags that do not parse.
      const signable = (v: unknown): unknown =>
        v instanceof Date && Number.isNaN(v.getTime())
          ? { $d: 'Invalid Date' }
          : Array.isArray(v)
            ? v.map(signable)
            : v && typeof v === 'object' && !(v instanceof Date)
              ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, signable(x)]))
              : v;
      const badTag = fc.constantFrom<unknown>(
        { $d: 'x' },
        { $d: '' },
        { $b: '1e5' },
        { $b: '' },
        { $b: '0x10' },
        { $b: '9'.repeat(5000) },
        { $d: '2024-13-45' },
      );
      const queries = [
        { where: { kind: 'a' }, orderBy: { createdAt: 'asc' } },
        { where: { kind: 'a' }, orderBy: { createdAt: 'desc' } },
        { allowScan: true },
        { allowScan: true, orderBy: { name: 'asc' } },
      ] as const;
      // The binding the client checks (model, filter shape, filter values, order), so forged boundaries reach the executors.
      const base = (q: (typeof queries)[number]) => {
        const built = buildQuery(hostileSchema.def, 'thing', 'paginate', { ...q, first: 2 });
        const ast = built.ast as unknown as { where: never; orderBy: never };
        return cursorBase('thing', ast.where, ast.orderBy, built.params);
      };
      const cursorArb = fc.oneof(
        { weight: 2, arbitrary: hostileString },
        {
          weight: 2,
          arbitrary: fc
            .tuple(fc.constantFrom(...real), fc.nat(), fc.string({ maxLength: 3 }))
            .map(([c, i, s]) => c.slice(0, i % (c.length + 1)) + s + c.slice((i % (c.length + 1)) + s.length)),
        },
        { weight: 1, arbitrary: fc.constantFrom(...real) },
        {
          weight: 3,
          arbitrary: fc
            .tuple(
              fc.oneof(
                hostileSerialisable,
                fc.array(hostileSerialisable, { maxLength: 3 }),
                hostileObject(['id', 'createdAt', 'kind', 'name', '__proto__'], fc.oneof(hostileSerialisable, badTag)),
                badTag,
              ),
              fc.constantFrom(...queries),
            )
            .map(([b, q]) => forger.encode(signable(b), base(q))),
        },
        { weight: 1, arbitrary: fc.constantFrom(...queries).map((q) => forger.encode(nested(200, 'id'), base(q))) },
      );
      await fuzz(task, 'cursor', fc.tuple(cursorArb, fc.constantFrom(...queries), fc.boolean()), async ([cursor, q, backward]) =>
        probe('cursor', (t) => on(t.db, 'thing').paginate({ ...q, ...(backward ? { last: 2, before: cursor } : { first: 2, after: cursor }) })),
      );
    },
    LOOP_TIMEOUT,
  );

  it(
    'values JSON cannot carry, in every position',
    async ({ task }) => {
      await fuzz(
        task,
        'js-only',
        fc.tuple(jsOnly, fc.constantFrom('where', 'data', 'orderBy', 'include', 'select', 'args', 'fieldValue', 'operand')),
        async ([v, where]) =>
          probe(`js-only.${where}`, (t) => {
            const m = on(t.db, 'thing');
            switch (where) {
              case 'where':
                return m.findMany({ where: v, allowScan: true });
              case 'data':
                return m.create({ data: v });
              case 'orderBy':
                return m.findMany({ orderBy: v, allowScan: true });
              case 'include':
                return m.findMany({ include: v, allowScan: true });
              case 'select':
                return m.findMany({ select: v, allowScan: true });
              case 'args':
                return m.findMany(v);
              case 'fieldValue':
                return m.create({ data: { tag: freshTag(), name: v } });
              default:
                return m.findMany({ where: { name: { in: [v] } }, allowScan: true });
            }
          }),
        Math.ceil(BUDGET.hostileRuns / 2),
      );
    },
    LOOP_TIMEOUT,
  );

  it(
    'config files: loadProject refuses hostile quern.config.ts files with a ProjectError',
    async ({ task }) => {
      const dir = mkdtempSync(join(tmpdir(), 'quern-hostile-config-'));
      try {
        writeFileSync(
          join(dir, 'schema.ts'),
          `import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ a: model('A', { id: f.uuid().key().auto() }) });\n`,
        );
        const json = (v: unknown) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'undefined';
        const bodies = fc.oneof(
          hostileSerialisable.map((v) => `export default ${json(v)};`),
          fc
            .tuple(fc.constantFrom('schema', 'targets', 'include', 'exclude', 'migrations', 'postgres', 'dynamodb'), hostileSerialisable)
            .map(([k, v]) => `export default { schema: './schema.ts', ${JSON.stringify(k)}: ${json(v)} };`),
          pollutingObject.map((o) => `export default JSON.parse(${JSON.stringify(JSON.stringify({ schema: './schema.ts', ...o }))});`),
          fc.constant(`export default JSON.parse('{"schema": "./schema.ts", "__proto__": {"polluted": "yes"}}');`),
          hostileString.map((s) => `export default { schema: ${JSON.stringify(s.slice(0, 2000))} };`),
          fc.string({ unit: 'binary', maxLength: 60 }),
          fc.constant('export default {'),
          fc.constant('throw new Error("config exploded");'),
        );
        let n = 0;
        await fuzz(
          task,
          'config',
          bodies,
          async (body) => {
            const file = join(dir, `quern.config.${++n}.ts`);
            writeFileSync(file, body);
            bump(tried, 'config file');
            const res = await settle(loadProject({ config: file }));
            if (polluted()) return `loading ${JSON.stringify(body.slice(0, 200))} polluted a prototype: ${polluted()}`;
            if (res.ok) {
              // What loadProject accepts, the commands use as is: it must have the documented types.
              const c = res.value.config as unknown as Row;
              const bad =
                (
                  [
                    ['migrations', 'string'],
                    ['schema', 'string'],
                  ] as const
                ).find(([k, ty]) => c[k] !== undefined && typeof c[k] !== ty) ??
                (['postgres', 'dynamodb'] as const).find(
                  (k) =>
                    c[k] !== undefined &&
                    (typeof c[k] !== 'object' || c[k] === null || Object.values(c[k] as Row).some((x) => x !== undefined && typeof x !== 'string')),
                );
              return bad
                ? `loadProject accepted ${JSON.stringify(body.slice(0, 200))} although '${String(Array.isArray(bad) ? bad[0] : bad)}' has the wrong type`
                : null;
            }
            if (res.error instanceof ProjectError || res.error instanceof QuernError) return null;
            return `loading ${JSON.stringify(body.slice(0, 200))} threw ${describeError(res.error)}`;
          },
          Math.min(BUDGET.hostileRuns, 80),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    LOOP_TIMEOUT,
  );

  it(
    'migration folders: loadMigrations refuses damaged files with a MigrationError',
    async ({ task }) => {
      const root = mkdtempSync(join(tmpdir(), 'quern-hostile-migrations-'));
      try {
        const good = join(root, 'good');
        await generateMigration({
          schema: hostileSchema.def,
          targets: ['postgres', 'dynamodb'],
          dir: good,
          name: 'init',
          resolver: nonInteractiveResolver(false),
        });
        const [id] = readdirSync(good);
        const files = Object.fromEntries(readdirSync(join(good, id)).map((f) => [f, readFileSync(join(good, id, f), 'utf8')]));
        expect(Object.keys(files).sort()).toEqual(['dynamodb.json', 'migration.sql', 'snapshot.json']);
        expect(loadMigrations(good)).toHaveLength(1);
        const jsonFiles = ['dynamodb.json', 'snapshot.json'];
        /** Replace the value at a random path of a JSON document. */
        const mutateJson = (text: string, pick: number, v: unknown) => {
          const doc = JSON.parse(text);
          const paths: (string | number)[][] = [];
          const walk = (x: unknown, p: (string | number)[]) => {
            paths.push(p);
            if (x && typeof x === 'object') for (const [k, y] of Object.entries(x)) walk(y, [...p, Array.isArray(x) ? Number(k) : k]);
          };
          walk(doc, []);
          const path = paths[pick % paths.length];
          if (path.length === 0) return JSON.stringify(v) ?? 'null';
          let o = doc;
          for (const k of path.slice(0, -1)) o = o[k];
          Object.defineProperty(o, path[path.length - 1], { value: v, enumerable: true, writable: true, configurable: true });
          return JSON.stringify(doc, (_, x) => (typeof x === 'bigint' ? x.toString() : x)) ?? 'null';
        };
        const damage = fc.oneof(
          fc
            .tuple(fc.constantFrom(...jsonFiles), fc.nat(), fc.oneof(hostileSerialisable, pollutingObject))
            .map(([file, pick, v]) => ({ file, text: mutateJson(files[file], pick, v) })),
          fc
            .tuple(fc.constantFrom(...Object.keys(files)), fc.nat(), fc.nat({ max: 50 }))
            .map(([file, at, cut]) => ({ file, text: files[file].slice(0, at % files[file].length) + files[file].slice((at % files[file].length) + cut) })),
          fc.tuple(fc.constantFrom(...Object.keys(files)), hostileString).map(([file, s]) => ({ file, text: s })),
          fc
            .tuple(
              fc.constantFrom(...jsonFiles),
              fc.constantFrom(
                '{"__proto__": {"polluted": "yes"}}',
                '[]',
                'null',
                '1e999',
                '{"format": "quern-dynamodb-steps", "version": 1, "steps": [{"op": "__proto__"}]}',
              ),
            )
            .map(([file, text]) => ({ file, text })),
          fc.tuple(fc.nat(), hostileString).map(([at, s]) => ({
            file: 'migration.sql',
            text:
              files['migration.sql'].slice(0, at % files['migration.sql'].length) +
              s.slice(0, 500) +
              files['migration.sql'].slice(at % files['migration.sql'].length),
          })),
        );
        let n = 0;
        await fuzz(
          task,
          'migration',
          damage,
          async ({ file, text }) => {
            const dir = join(root, `m${++n}`);
            mkdirSync(join(dir, id), { recursive: true });
            for (const [f, t] of Object.entries(files)) writeFileSync(join(dir, id, f), f === file ? text : t);
            bump(tried, 'migration file');
            const res = await settle(Promise.resolve().then(() => loadMigrations(dir)));
            rmSync(dir, { recursive: true, force: true });
            if (polluted()) return `loading a damaged ${file} polluted a prototype: ${polluted()}`;
            if (!res.ok && !(res.error instanceof QuernError))
              return `a damaged ${file} (${JSON.stringify(text.slice(0, 300))}) made loadMigrations throw ${describeError(res.error)}`;
            return null;
          },
          Math.min(BUDGET.hostileRuns * 2, 1_000),
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    LOOP_TIMEOUT,
  );

  it(
    'afterwards: no injection reached the sentinel rows, every table is intact, no prototype changed',
    async ({ task }) => {
      const problems: string[] = [];
      for (const t of targets) {
        const now = show(await sentinelRows(t));
        if (now !== sentinels[t.name])
          problems.push(`${t.name}: the sentinel rows changed:\n  before ${sentinels[t.name].slice(0, 500)}\n  after  ${now.slice(0, 500)}`);
        expect(await on(t.db, 'child').count({ where: { thingId: { not: '00000000-0000-7000-8000-000000000000' } }, allowScan: true })).toBeGreaterThanOrEqual(
          3,
        );
      }
      if (polluted()) problems.push(polluted()!);
      if (prototypeState() !== protoBefore) problems.push('a built-in prototype gained or lost properties');
      record(task, { hostile: tried, violations: problems.length });
      console.log(
        `[hostile] inputs tried: ${show(tried)}; outcomes: ${show(ended)}${driverErrors.length ? `\n  DriverErrors seen:\n  ${driverErrors.join('\n  ')}` : ''}`,
      );
      expect(problems, problems.join('\n')).toEqual([]);
    },
    LOOP_TIMEOUT,
  );
});
