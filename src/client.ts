/**
 * createClient(): the typed per-model API over any driver. This is the only
 * place that ties the pipeline together: build (validate) → plan (cached) →
 * refuse what the target cannot run well → execute → project.
 */
import { randomBytes } from 'node:crypto';
import { CapabilityError, ClientClosedError, SchemaError, ValidationError } from './errors.js';
import type { Schema } from './schema/define.js';
import type {
  AggregateResult,
  AggregateSelect,
  CreateData,
  CreateInput,
  FieldsFor,
  GroupOrderBy,
  GroupRow,
  Having,
  IncludeArg,
  ModelKey,
  OmitArg,
  OrderBy,
  Result,
  SelectArg,
  ToManyRelations,
  UpdateData,
  UpdateInput,
  Where,
} from './schema/infer.js';
import { buildQuery, cursorBase, METHODS, type BuildOptions, type Method } from './query/build.js';
import type { BuiltQuery } from './query/ast.js';
import { PlanCache } from './plan/planner.js';
import type { Diagnostic } from './plan/diagnostics.js';
import type { Plan } from './plan/plan.js';
import { valueFanout } from './plan/kv/fanout.js';
import { planBatch, planTransaction } from './plan/gate.js';
import type { ConnectSettings, Driver, ExecContext, Executor, PageResult, PreparedQuery, QueryEvent, TargetDescriptor } from './engine/driver.js';
import { CursorCodec } from './engine/cursor.js';
import { projectRow, projectRows } from './engine/project.js';
import { shapeGroup } from './query/aggregate.js';
import { Query, type Explanation, type QueryRunner } from './engine/query.js';
import { pointAtCaller } from './engine/site.js';
import { Tracing, type QuerySpan } from './observe/tracing.js';
import type { TracingOptions } from './observe/tracing-options.js';
import { ShapeRecorder, outcomeOf, type RecordShapesOptions } from './observe/record.js';
import { NPlusOneDetector, nPlusOneThreshold, type NPlusOneOptions } from './observe/n-plus-one.js';
import { shapeId } from './observe/shape-id.js';
import { callSite } from './observe/site.js';
import { isNestedWrite } from './query/nested.js';
import { nestedPlans, runNested } from './engine/nested.js';

export { Query, type Explanation } from './engine/query.js';

// ---- argument types ---------------------------------------------------------
type ReadArgs<S, K extends ModelKey<S>> = { where?: Where<S, K>; orderBy?: OrderBy<S, K>; limit?: number; offset?: number; allowScan?: boolean };
// `Sel & SelectArg` alone accepts unknown keys (Sel is inferred from the literal itself), so keys outside the shape are mapped to never.
type Exact<T, Shape> = T & { [P in Exclude<keyof T, keyof Shape>]: never };
// `_count: { select }` names relations one level down, where Exact does not reach.
type ExactCount<T, S, K extends ModelKey<S>> = T extends { _count: { select: infer C } }
  ? { _count: { select: { [P in Exclude<keyof C, ToManyRelations<S, K>>]: never } } }
  : unknown;
type Shaping<S, K extends ModelKey<S>, Sel, Inc> = {
  select?: Exact<Sel, SelectArg<S, K>> & SelectArg<S, K>;
  include?: Exact<Inc, IncludeArg<S, K>> & IncludeArg<S, K> & ExactCount<Inc, S, K>;
};
/** `omit: { body: true }`: every field but these (not together with select). */
type Omitting<S, K extends ModelKey<S>, Om> = { omit?: Exact<Om, OmitArg<S, K>> & OmitArg<S, K> };
/** `distinct: ['authorId']`: the first row (in query order) of each combination of these fields. */
type Distinct<S, K extends ModelKey<S>> = { distinct?: readonly (keyof FieldsFor<S, K> & string)[] };
type AggregateArgs<S, K extends ModelKey<S>> = { where?: Where<S, K>; allowScan?: boolean } & AggregateSelect<S, K>;
type GroupByArgs<S, K extends ModelKey<S>> = AggregateArgs<S, K> & { having?: Having<S, K>; orderBy?: GroupOrderBy<S, K>; limit?: number; offset?: number };

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  prevCursor: string | null;
}

export interface ModelClient<S, K extends ModelKey<S>> {
  findMany<Sel = undefined, Inc = undefined, Om = undefined>(
    args?: ReadArgs<S, K> & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om> & Distinct<S, K>,
  ): Query<Result<S, K, Sel, Inc, Om>[]>;
  findFirst<Sel = undefined, Inc = undefined, Om = undefined>(
    args?: Omit<ReadArgs<S, K>, 'limit'> & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om> & Distinct<S, K>,
  ): Query<Result<S, K, Sel, Inc, Om> | null>;
  findFirstOrThrow<Sel = undefined, Inc = undefined, Om = undefined>(
    args?: Omit<ReadArgs<S, K>, 'limit'> & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om> & Distinct<S, K>,
  ): Query<Result<S, K, Sel, Inc, Om>>;
  findUnique<Sel = undefined, Inc = undefined, Om = undefined>(
    args: { where: Where<S, K> } & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om>,
  ): Query<Result<S, K, Sel, Inc, Om> | null>;
  findUniqueOrThrow<Sel = undefined, Inc = undefined, Om = undefined>(
    args: { where: Where<S, K> } & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om>,
  ): Query<Result<S, K, Sel, Inc, Om>>;
  count(args?: { where?: Where<S, K>; allowScan?: boolean }): Query<number>;
  paginate<Sel = undefined, Inc = undefined, Om = undefined>(
    args: {
      where?: Where<S, K>;
      orderBy?: OrderBy<S, K>;
      first?: number;
      after?: string | null;
      last?: number;
      before?: string | null;
      allowScan?: boolean;
    } & Shaping<S, K, Sel, Inc> &
      Omitting<S, K, Om>,
  ): Query<Page<Result<S, K, Sel, Inc, Om>>>;
  create<Sel = undefined, Inc = undefined, Om = undefined>(
    args: { data: CreateData<S, K> } & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om>,
  ): Query<Result<S, K, Sel, Inc, Om>>;
  /**
   * Atomic on every target by default: on DynamoDB a call needing more than one TransactWriteItems
   * (100 items, unique entries included) is refused with `batch-too-large`; `atomic: false` lets it
   * be split into several transactions, each atomic, the whole not.
   */
  createMany(args: { data: readonly CreateInput<S, K>[]; skipDuplicates?: boolean; atomic?: boolean }): Query<{ count: number }>;
  /** createMany returning the rows written, generated values included (with skipDuplicates: only those inserted). Same atomicity as createMany. */
  createManyAndReturn<Sel = undefined, Om = undefined>(
    args: { data: readonly CreateInput<S, K>[]; skipDuplicates?: boolean; atomic?: boolean; select?: Exact<Sel, OmitArg<S, K>> & OmitArg<S, K> } & Omitting<
      S,
      K,
      Om
    >,
  ): Query<Result<S, K, Sel, undefined, Om>[]>;
  update<Sel = undefined, Inc = undefined, Om = undefined>(
    args: { where: Where<S, K>; data: UpdateData<S, K> } & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om>,
  ): Query<Result<S, K, Sel, Inc, Om>>;
  updateMany(args: { where?: Where<S, K>; data: UpdateInput<S, K>; allowScan?: boolean }): Query<{ count: number }>;
  upsert<Sel = undefined, Inc = undefined, Om = undefined>(
    args: { where: Where<S, K>; create: CreateInput<S, K>; update: UpdateInput<S, K> } & Shaping<S, K, Sel, Inc> & Omitting<S, K, Om>,
  ): Query<Result<S, K, Sel, Inc, Om>>;
  delete<Sel = undefined, Om = undefined>(
    args: { where: Where<S, K>; select?: Sel & OmitArg<S, K> } & Omitting<S, K, Om>,
  ): Query<Result<S, K, Sel, undefined, Om>>;
  deleteMany(args?: { where?: Where<S, K>; allowScan?: boolean }): Query<{ count: number }>;
  /** `_count`, `_sum`, `_avg`, `_min`, `_max` over the matched rows. */
  aggregate<A extends AggregateArgs<S, K>>(args: A & AggregateArgs<S, K>): Query<AggregateResult<S, K, A>>;
  /** One row per combination of the `by` fields, with its aggregates; `having` filters groups. */
  groupBy<const By extends readonly (keyof FieldsFor<S, K> & string)[], A extends GroupByArgs<S, K>>(
    args: { by: By } & A & GroupByArgs<S, K>,
  ): Query<GroupRow<S, K, By[number], A>[]>;
}

type ResultsOf<Q extends readonly unknown[]> = { -readonly [I in keyof Q]: Q[I] extends PromiseLike<infer T> ? T : never };

export interface ClientMethods<S> {
  /** Atomic on every target: all items commit or none do (BatchError names the failing item). */
  batch<const Q extends readonly Query<unknown>[]>(queries: Q): Promise<ResultsOf<Q>>;
  /** Interactive transaction (PostgreSQL). On DynamoDB: CapabilityError interactive-transaction-unsupported. */
  transaction<T>(fn: (tx: TxClient<S>) => Promise<T>): Promise<T>;
  /** Development only: create tables and indexes directly. Use migrations in production. */
  push(): Promise<void>;
  close(): Promise<void>;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly target: TargetDescriptor;
  /** Planner statistics: how many shapes were planned, how many came from the cache. */
  $stats(): { planned: number; cacheHits: number };
  /**
   * Runs fn as one request context for the N+1 detector: the same read shape run more than the
   * threshold within it (awaited one by one or not) is reported as a loop that should be one query.
   */
  $request<T>(fn: () => Promise<T>): Promise<T>;
}

export type TxClient<S> = { [K in ModelKey<S>]: ModelClient<S, K> };
export type Client<S> = TxClient<S> & ClientMethods<S>;

export interface ClientOptions<S extends Schema<any, any>> {
  schema: S;
  driver: Driver;
  /** Warnings (fanout, offset-emulated) throw instead of running. Default: on under test (NODE_ENV=test or vitest). */
  strict?: boolean;
  /** Called once per database request with the SQL or operation, duration and row count. */
  log?: (e: QueryEvent) => void;
  /** Called when a warning-level diagnostic lets a query run (non-strict mode). */
  onWarning?: (d: Diagnostic) => void;
  /**
   * Signs pagination cursors. Set it (or QUERN_CURSOR_SECRET) to make cursors unforgeable.
   * Without it: under NODE_ENV=production a random secret per process (with a warning: cursors
   * then do not survive a restart or cross instances); elsewhere one derived from the schema.
   */
  cursorSecret?: string;
  /**
   * DynamoDB: requests one fan-out point of a query may send (the Queries of a partition `in`,
   * the BatchGetItem chunks of a key list, the per-parent Queries of an include) before the
   * query is refused with a `fanout` CapabilityError, before anything is sent. Default 1,000;
   * `Infinity` lifts the bound.
   */
  maxFanout?: number;
  /** Bound on opening a connection to the server, in ms (default 10,000; 0: none). A TimeoutError names the endpoint. */
  connectTimeoutMs?: number;
  /** Bound on one request or statement, in ms (default 60,000; 0: none). A TimeoutError names the endpoint. */
  requestTimeoutMs?: number;
  /**
   * OpenTelemetry spans (one per query, one child per request) and metrics, following the database
   * semantic conventions, never carrying a value. `true`: the global providers of
   * `@opentelemetry/api` (an optional peer dependency). Off by default. See docs/observability.md.
   */
  tracing?: boolean | TracingOptions;
  /** Appends value-free shapes of a sample of queries to a file, for `quern lint --shapes` and `quern studio`. */
  recordShapes?: RecordShapesOptions;
  /**
   * The N+1 detector: the same read shape executed more than `threshold` (default 10) times within
   * one tick or one `db.$request` context is a warning (an error under `strict`) with code
   * `n-plus-one`, naming the call site. `false` turns it off.
   */
  nPlusOne?: false | NPlusOneOptions;
}

/** The timeouts createClient was given, checked (the driver fills in its own and the defaults). */
function timeoutSettings(opts: ClientOptions<any>): Partial<ConnectSettings> {
  const out: { -readonly [K in keyof ConnectSettings]?: number } = {};
  for (const key of ['connectTimeoutMs', 'requestTimeoutMs'] as const) {
    const v = opts[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 2 ** 31 - 1) {
      throw new ValidationError(`createClient.${key}`, 'expected a whole number of milliseconds between 0 (no bound) and 2147483647');
    }
    out[key] = v;
  }
  return out;
}

/**
 * The schema-derived default is public (anyone with the schema can sign a cursor), which is fine
 * in development but not in production, where a random per-process secret is used instead.
 */
function cursorSecret(opts: ClientOptions<any>, schema: Schema<any, any>): string | Uint8Array {
  const given = opts.cursorSecret ?? process.env.QUERN_CURSOR_SECRET;
  if (given !== undefined) {
    if (typeof given !== 'string' || given.length < 16)
      throw new ValidationError('createClient.cursorSecret', 'expected a secret string of at least 16 characters');
    return given;
  }
  if (process.env.NODE_ENV !== 'production') return `quern:${schema.def.hash}`;
  process.emitWarning(
    'quern: NODE_ENV=production and no cursorSecret: pagination cursors are signed with a random per-process secret, so they stop working after a restart and across instances. Pass createClient({ cursorSecret }) or set QUERN_CURSOR_SECRET.',
    { code: 'QUERN_CURSOR_SECRET' },
  );
  return randomBytes(32);
}

const defaultStrict = () => process.env.NODE_ENV === 'test' || process.env.VITEST !== undefined;

class Runtime implements QueryRunner {
  readonly cache: PlanCache;
  readonly cursors: CursorCodec;
  readonly ctx: ExecContext;
  readonly strict: boolean;
  private readonly warned = new Set<string>();
  /** Called on every query the model methods create, when shape recording or the N+1 detector needs it. */
  readonly onCreate?: (q: Query<unknown>) => void;

  constructor(
    readonly schema: Schema<any, any>,
    readonly driver: Driver,
    readonly executor: Executor,
    readonly opts: ClientOptions<any>,
    secret: string | Uint8Array,
    readonly observe: Observe = {},
  ) {
    this.cache = new PlanCache(schema.def);
    this.cursors = new CursorCodec(secret);
    this.strict = opts.strict ?? defaultStrict();
    this.ctx = {
      schema: schema.def,
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.maxFanout !== undefined ? { maxFanout: opts.maxFanout } : {}),
      warn: (d) => this.runtimeWarning(d),
    };
    const { recorder, nPlusOne } = observe;
    if (recorder || nPlusOne) {
      this.onCreate = (q) => {
        if (recorder?.sampled()) {
          q.sampled = true;
          q.site = callSite();
        }
        nPlusOne?.created(q);
      };
    }
  }

  withExecutor(executor: Executor): Runtime {
    const r = Object.create(this) as Runtime;
    (r as { executor: Executor }).executor = executor;
    return r;
  }

  /** Built once: a fresh options object and closure per call showed up in profiles of the cached path. */
  private readonly buildOptions: BuildOptions = { decodeCursor: (cursor, base, path) => this.cursors.decode(cursor, base, path) };

  build(q: Query<unknown>): BuiltQuery {
    return buildQuery(this.schema.def, q.modelKey, q.method, q.args, this.buildOptions);
  }

  prepare(q: Query<unknown>, target: TargetDescriptor = this.driver.target) {
    const built = this.build(q);
    const plan = this.cache.get(built, target);
    return { prepared: { plan, params: built.params } as PreparedQuery, target };
  }

  /** Errors stop the query; warnings stop it under strict, else are reported once per shape. */
  gate(plan: Plan) {
    // Most plans carry no diagnostics: no filtered copy per call.
    if (plan.diagnostics.length === 0) return;
    const refusing = plan.diagnostics.filter((d) => d.severity === 'error' || this.strict);
    if (refusing.length) throw CapabilityError.of(refusing);
    for (const d of plan.diagnostics) {
      const key = `${plan.driver}:${plan.shape}:${d.code}`;
      if (this.warned.has(key)) continue;
      this.warned.add(key);
      if (this.opts.onWarning) this.opts.onWarning(d);
      else process.emitWarning(`[quern ${d.code}] ${d.message}${d.fix ? ` (fix: ${d.fix})` : ''}`);
    }
  }

  /**
   * db.batch, or the unit of a nested write: what planBatch refuses from the items' plans (items a
   * transaction cannot hold, a batch beyond the atomic limit) stops it before anything is sent.
   */
  gateBatch(plans: readonly Plan[], target: TargetDescriptor = this.driver.target) {
    const refused = planBatch(
      this.schema.def,
      target,
      plans.map((plan) => ({ plan, times: 1 })),
    );
    if (refused.length) throw CapabilityError.of(refused);
  }

  /** A warning only known at run time (e.g. fanout of a 250-key `in`): same policy as plan warnings. */
  runtimeWarning(d: Diagnostic) {
    if (d.severity === 'error' || this.strict) throw CapabilityError.of([d]);
    const key = `${d.driver}:${d.model}:${d.code}:${d.message}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    if (this.opts.onWarning) this.opts.onWarning(d);
    else process.emitWarning(`[quern ${d.code}] ${d.message}${d.fix ? ` (fix: ${d.fix})` : ''}`);
  }

  /** Shared with the transaction runtimes derived from this one. */
  readonly state = { closed: false };

  /** After db.close() nothing reaches the driver (some, like the AWS SDK, would silently reconnect). */
  ensureOpen(): void {
    if (this.state.closed) throw new ClientClosedError(this.driver.name);
  }

  async execute(q: Query<unknown>): Promise<unknown> {
    try {
      this.ensureOpen();
      if (isNestedWrite(this.schema.def, q.modelKey, q.method, q.args)) return await runNested(this, q, this.driver.target);
      const { prepared } = this.prepare(q);
      if (q.window) {
        const d = this.observe.nPlusOne!.executed(q, prepared.plan, this.schema.def);
        if (d) this.runtimeWarning(d);
      }
      // Tracing off and the query not sampled for recording: the plain path, one branch.
      if (this.observe.tracing || q.sampled) return await this.executeObserved(q, prepared);
      this.gate(prepared.plan);
      const result = await this.executor.run(prepared, this.ctx);
      return this.finish(prepared, result);
    } catch (e) {
      throw await pointAtCaller(e);
    }
  }

  /** execute() with a span around it and/or its shape recorded; a refusal is observed too. */
  private async executeObserved(q: Query<unknown>, prepared: PreparedQuery): Promise<unknown> {
    const plan = prepared.plan;
    const record = q.sampled ? this.observe.recorder : undefined;
    const span = this.observe.tracing?.start(this.spanInfo(plan, q.modelKey, q.method));
    const started = performance.now();
    let requests = 0;
    const userLog = this.ctx.log;
    const ctx: ExecContext = {
      ...this.ctx,
      log: (e) => {
        requests++;
        span?.request(e);
        userLog?.(e);
      },
    };
    const run = async () => {
      this.gate(plan);
      return this.finish(prepared, await this.executor.run(prepared, ctx));
    };
    let result: unknown;
    let error: unknown;
    try {
      result = await (span ? span.with(run) : run());
      return result;
    } catch (e) {
      error = e ?? new Error('unknown error');
      throw e;
    } finally {
      const rows = error === undefined ? rowsOf(result) : null;
      span?.end(rows ?? undefined, error);
      record?.record(plan.driver, q.modelKey, q.method, plan, q.site, { durationMs: round(performance.now() - started), requests, rows }, outcomeOf(error));
    }
  }

  spanInfo(plan: Plan, modelKey: string, method: string) {
    const target = this.driver.target;
    return {
      driver: plan.driver,
      system: target.dbSystem ?? target.capabilities.target,
      method,
      model: modelKey,
      table: this.schema.def.models[modelKey].table,
      shapeId: shapeId(plan),
      operations: plan.operations.map((o) => o.kind),
    };
  }

  /** A batch is one span (its requests are shared by its items); each sampled item is recorded without a cost. */
  async runBatch(queries: readonly Query<unknown>[], prepared: readonly PreparedQuery[]): Promise<unknown[]> {
    let span: QuerySpan | undefined;
    let ctx = this.ctx;
    if (this.observe.tracing) {
      const first = prepared[0].plan;
      const s = (span = this.observe.tracing.start({
        ...this.spanInfo(first, queries[0].modelKey, 'batch'),
        shapeId: shapeId(first),
        operations: prepared.flatMap((p) => p.plan.operations.map((o) => o.kind)),
      }));
      const userLog = this.ctx.log;
      ctx = { ...this.ctx, log: (e) => (s.request(e), userLog?.(e)) };
    }
    let error: unknown;
    try {
      const results = await (span ? span.with(() => this.executor.batch(prepared, ctx)) : this.executor.batch(prepared, ctx));
      return results.map((r, i) => this.finish(prepared[i], r));
    } catch (e) {
      error = e ?? new Error('unknown error');
      throw e;
    } finally {
      span?.end(error === undefined ? prepared.length : undefined, error);
      const recorder = this.observe.recorder;
      if (recorder)
        queries.forEach(
          (q, i) =>
            q.sampled &&
            recorder.record(
              prepared[i].plan.driver,
              q.modelKey,
              q.method,
              prepared[i].plan,
              q.site,
              { durationMs: null, requests: null, rows: null },
              outcomeOf(error),
            ),
        );
    }
  }

  finish(prepared: PreparedQuery, result: unknown): unknown {
    return shapeResult(this, prepared, result);
  }

  explain(q: Query<unknown>, target?: TargetDescriptor): Explanation {
    if (isNestedWrite(this.schema.def, q.modelKey, q.method, q.args)) return this.explainNested(q, target ?? this.driver.target);
    const { prepared, target: t } = this.prepare(q, target);
    const plan = prepared.plan;
    // Fan-out that depends on the values (an `in` over 3 partitions) is known here, as at run time.
    const byValue = t.capabilities.family === 'kv' ? valueFanout(plan, prepared.params, (k) => this.schema.def.models[k].name) : [];
    const diagnostics = [...plan.diagnostics, ...byValue];
    const lines = plan.operations.map((op, i) => `${i + 1}. ${t.describe(op)}`);
    for (const d of diagnostics) lines.push(`${d.severity} ${d.code}: ${d.message}${d.fix ? `\n   fix: ${d.fix}` : ''}`);
    return { driver: t.driver, operations: plan.operations, diagnostics, text: lines.join('\n') };
  }

  /** A nested write: the plan of each part, in the order the atomic unit runs them. */
  private explainNested(q: Query<unknown>, t: TargetDescriptor): Explanation {
    const parts = nestedPlans(this, q, this.schema.def, t).map((p) => this.explain(p, t));
    const unit = t.capabilities.family === 'sql' ? 'one transaction' : 'one TransactWriteItems (reads it needs first)';
    const text = [`nested write: ${parts.length} steps in ${unit}`, ...parts.map((p, i) => `-- step ${i + 1}\n${p.text}`)].join('\n');
    return { driver: t.driver, operations: parts.flatMap((p) => p.operations), diagnostics: parts.flatMap((p) => p.diagnostics), text };
  }
}

/** What observation needs, opened by createClient. */
interface Observe {
  readonly tracing?: Tracing;
  readonly recorder?: ShapeRecorder;
  readonly nPlusOne?: NPlusOneDetector;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** Rows in a method's result: a list's length, a page's items, a `{ count }`, 1 for a row or a number, 0 for null. */
function rowsOf(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  if (result === null || result === undefined) return 0;
  if (typeof result === 'object') {
    const r = result as { items?: unknown; count?: unknown };
    if (Array.isArray(r.items)) return r.items.length;
    if (typeof r.count === 'number' && Object.keys(r).length === 1) return r.count;
  }
  return 1;
}

/** Apply select projection and turn page boundaries into signed cursors. */
function shapeResult(rt: Runtime, prepared: PreparedQuery, result: unknown): unknown {
  const spec = prepared.plan.result;
  switch (spec.kind) {
    case 'findMany':
      return projectRows(result as Record<string, unknown>[], spec.select, spec.include);
    case 'findFirst':
    case 'findUnique':
    case 'upsert':
      return projectRow(result as Record<string, unknown> | null, spec.select, spec.include);
    case 'create':
      if (spec.many) return spec.returning ? projectRows(result as Record<string, unknown>[], spec.select, []) : result;
      return projectRow(result as Record<string, unknown>, spec.select, spec.include);
    case 'aggregate': {
      const rows = result as Record<string, unknown>[];
      const group = { by: spec.fold.by, output: spec.output };
      return group.by ? rows.map((r) => shapeGroup(group, r)) : shapeGroup(group, rows[0]);
    }
    case 'update':
      return spec.many ? result : projectRow(result as Record<string, unknown>, spec.select, spec.include);
    case 'delete':
      return spec.many ? result : projectRow(result as Record<string, unknown>, spec.select, []);
    case 'count':
      return result;
    case 'paginate': {
      const page = result as PageResult;
      const base = cursorBase(prepared.plan.modelKey, spec.where, spec.orderBy, prepared.params);
      return {
        items: projectRows(page.items, spec.select, spec.include),
        nextCursor: page.next === null ? null : rt.cursors.encode(page.next, base),
        prevCursor: page.prev === null ? null : rt.cursors.encode(page.prev, base),
      };
    }
  }
}

function modelClients<S>(schema: Schema<any, any>, runner: QueryRunner, onCreate: ((q: Query<unknown>) => void) | undefined): TxClient<S> {
  const out: Record<string, Record<string, (args?: unknown) => Query<unknown>>> = {};
  for (const key of Object.keys(schema.def.models)) {
    const m: Record<string, (args?: unknown) => Query<unknown>> = {};
    for (const method of METHODS) {
      m[method] = (args?: unknown) => {
        const q = new Query<unknown>(runner, key, method as Method, args);
        if (onCreate) onCreate(q);
        return q;
      };
    }
    out[key] = m;
  }
  return out as unknown as TxClient<S>;
}

export async function createClient<S extends Schema<any, any>>(opts: ClientOptions<S>): Promise<Client<S>> {
  if (!opts || typeof opts !== 'object') throw new ValidationError('createClient', 'expected { schema, driver }');
  const { schema, driver } = opts;
  if (!schema || !schema.def) throw new ValidationError('createClient.schema', 'expected a schema from defineSchema()');
  if (!driver || typeof driver.connect !== 'function')
    throw new ValidationError('createClient.driver', 'expected a driver, e.g. pglite(), postgres({ connectionString }) or dynamodb({ ... })');
  const problems = driver.target.checkSchema(schema.def).filter((d) => d.severity === 'error');
  if (problems.length) {
    const d = problems[0];
    throw new SchemaError(`${d.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, d.model, undefined, d.code, d.fix);
  }
  const secret = cursorSecret(opts, schema);
  if (
    opts.maxFanout !== undefined &&
    !(typeof opts.maxFanout === 'number' && opts.maxFanout >= 1 && (Number.isInteger(opts.maxFanout) || opts.maxFanout === Infinity))
  ) {
    throw new ValidationError('createClient.maxFanout', 'expected a positive integer (requests), or Infinity to lift the bound');
  }
  const observe = await openObserve(opts);
  const executor = await driver.connect(schema.def, timeoutSettings(opts));
  const rt = new Runtime(schema, driver, executor, opts, secret, observe);
  return makeClient<S>(rt);
}

/** Tracing, shape recording and the N+1 detector, checked before anything connects. */
async function openObserve(opts: ClientOptions<any>): Promise<Observe> {
  if (opts.tracing !== undefined && typeof opts.tracing !== 'boolean' && (typeof opts.tracing !== 'object' || opts.tracing === null)) {
    throw new ValidationError('createClient.tracing', 'expected true, false or { tracerProvider?, meterProvider? }');
  }
  if (opts.nPlusOne !== undefined && opts.nPlusOne !== false) {
    const t = (opts.nPlusOne as NPlusOneOptions | null)?.threshold;
    if (typeof opts.nPlusOne !== 'object' || opts.nPlusOne === null || (t !== undefined && !(Number.isInteger(t) && t >= 1))) {
      throw new ValidationError('createClient.nPlusOne', 'expected false, or { threshold } with a whole number of executions of one shape (at least 1)');
    }
  }
  const recorder = ShapeRecorder.from(opts.recordShapes, process.env.QUERN_RECORD);
  const threshold = nPlusOneThreshold(opts.nPlusOne);
  const tracing = opts.tracing ? await Tracing.open(opts.tracing) : undefined;
  return { ...(tracing ? { tracing } : {}), ...(recorder ? { recorder } : {}), ...(threshold !== null ? { nPlusOne: new NPlusOneDetector(threshold) } : {}) };
}

function makeClient<S>(rt: Runtime): Client<S> {
  const models = modelClients<S>(rt.schema, rt, rt.onCreate);
  const methods: ClientMethods<S> = {
    async batch(queries) {
      if (!Array.isArray(queries)) throw new ValidationError('batch', 'expected an array of queries');
      queries.forEach((q, i) => {
        if (!(q instanceof Query))
          throw new ValidationError(`batch[${i}]`, 'expected a query built by this client (e.g. db.user.create({...})), not an awaited result');
        // A started query has run (or is running) on its own: running it again in the batch would write twice.
        if (q.started) throw new ValidationError(`batch[${i}]`, 'this query was already run (awaited or then() called); pass queries to db.batch un-awaited');
      });
      try {
        rt.ensureOpen();
        const prepared = queries.map((q) => {
          const p = rt.prepare(q as Query<unknown>).prepared;
          rt.gate(p.plan);
          return p;
        });
        rt.gateBatch(prepared.map((p) => p.plan));
        return (await rt.runBatch(queries, prepared)) as never;
      } catch (e) {
        throw await pointAtCaller(e);
      }
    },
    async transaction(fn) {
      const refused = planTransaction(rt.driver.target);
      if (refused.length) throw await pointAtCaller(CapabilityError.of(refused));
      rt.ensureOpen();
      return rt.executor.transaction((txExec) => fn(modelClients<S>(rt.schema, rt.withExecutor(txExec), rt.onCreate)), rt.ctx);
    },
    push: () => rt.driver.push(rt.schema.def),
    close: () => {
      rt.state.closed = true;
      return rt.driver.close();
    },
    raw: Object.freeze({ [rt.driver.name]: rt.driver.raw }),
    target: rt.driver.target,
    $stats: () => ({ planned: rt.cache.planned, cacheHits: rt.cache.hits }),
    $request: (fn) => {
      if (typeof fn !== 'function') throw new ValidationError('$request', 'expected an async function to run as one request context');
      return rt.observe.nPlusOne ? rt.observe.nPlusOne.request(fn) : fn();
    },
  };
  for (const k of Object.keys(models)) {
    if (k in methods) throw new SchemaError(`model accessor '${k}' clashes with a client method; rename it in defineSchema`);
  }
  return Object.assign(Object.create(null), models, methods) as Client<S>;
}

/**
 * Plan a query without a client or a connection: what `quern lint` and
 * `quern explain` use.
 */
export function planOffline(schema: Schema<any, any>, modelKey: string, method: Method, args: unknown, target: TargetDescriptor): Plan {
  const cache = new PlanCache(schema.def);
  const plan = (k: string, m: Method, a: unknown) => cache.get(buildQuery(schema.def, k, m, a, { decodeCursor: () => null }), target);
  if (!isNestedWrite(schema.def, modelKey, method, args)) return plan(modelKey, method, args);
  // A nested write: its parts' plans as one (what lint and explain report for the call site).
  const offline: QueryRunner = {
    prepare: () => {
      throw new Error('offline');
    },
    execute: () => Promise.reject(new Error('offline')),
    explain: () => {
      throw new Error('offline');
    },
  };
  const parts = nestedPlans(offline, new Query(offline, modelKey, method, args), schema.def, target).map((q) => plan(q.modelKey, q.method, q.args));
  // isNestedWrite holds only for create and update.
  const kind = method === 'create' ? 'create' : 'update';
  return { ...parts[0], model: modelKey, kind, operations: parts.flatMap((p) => p.operations), diagnostics: parts.flatMap((p) => p.diagnostics) };
}
