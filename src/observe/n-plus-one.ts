/**
 * The N+1 detector: the same read shape executed more than `threshold` times within one window
 * is a loop that should have been one query. A window is either one synchronous stretch of code
 * (the queries a `.map(...)` creates before anything is awaited) or one request context opened
 * with `db.$request(fn)` (AsyncLocalStorage), which also sees loops that await each query.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { diag, type Diagnostic } from '../plan/diagnostics.js';
import type { Plan } from '../plan/plan.js';
import type { SchemaDef } from '../schema/define.js';
import type { Method } from '../query/build.js';
import { callSite } from './site.js';

export interface NPlusOneOptions {
  /** Executions of one shape a window may hold before the detector fires (default 10). */
  readonly threshold?: number;
}

export const DEFAULT_N_PLUS_ONE_THRESHOLD = 10;

/** Queries created (per model.method) and executed (per shape) in one window. */
export class QueryWindow {
  readonly created = new Map<string, number>();
  readonly executed = new Map<string, number>();
  /** The call site captured for each model.method past the threshold: one stack per window, not one per query (made when first needed). */
  sites?: Map<string, string | undefined>;
  constructor(readonly kind: 'tick' | 'request') {}
}

/** What the detector keeps on a query between its creation and its execution. */
export interface Tracked {
  readonly modelKey: string;
  readonly method: Method;
  window?: QueryWindow;
  site?: string;
}

// Reads only: a loop of writes is a batch to suggest too, but concurrent writers are normal traffic.
const READS: ReadonlySet<Method> = new Set<Method>([
  'findMany',
  'findFirst',
  'findFirstOrThrow',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'paginate',
  'aggregate',
  'groupBy',
]);

const SETTLED = Promise.resolve();

export class NPlusOneDetector {
  private readonly requests = new AsyncLocalStorage<QueryWindow>();
  private tick: QueryWindow | undefined;
  private readonly endTick = () => {
    this.tick = undefined;
  };

  constructor(readonly threshold: number) {}

  /** At query creation: the query joins the current window; past the threshold its call site is captured for the message. */
  created(q: Tracked): void {
    if (!READS.has(q.method)) return;
    const w = this.requests.getStore() ?? this.tickWindow();
    q.window = w;
    const k = `${q.modelKey}.${q.method}`;
    const n = (w.created.get(k) ?? 0) + 1;
    w.created.set(k, n);
    if (n > this.threshold) {
      // A loop that creates thousands of queries in one tick would pay a stack capture each (~20 µs).
      const sites = (w.sites ??= new Map());
      if (!sites.has(k)) sites.set(k, callSite());
      q.site ??= sites.get(k);
    }
  }

  /** At execution: the diagnostic when this execution is the first one past the threshold for its shape in its window. */
  executed(q: Tracked, plan: Plan, schema: SchemaDef): Diagnostic | undefined {
    const w = q.window!;
    const n = (w.executed.get(plan.shape) ?? 0) + 1;
    w.executed.set(plan.shape, n);
    if (n !== this.threshold + 1) return undefined;
    const where = q.site ? ` at ${q.site}` : '';
    const within = w.kind === 'tick' ? 'within one tick' : 'within one db.$request context';
    return diag(
      'n-plus-one',
      plan.driver,
      schema.models[q.modelKey]?.name ?? q.modelKey,
      `${q.modelKey}.${q.method}${where} ran more than ${this.threshold} times with the same shape ${within}: an N+1 query loop`,
      fixFor(q, schema),
    );
  }

  /** Runs fn as one request context: every query it starts, awaited in sequence or not, counts in one window. */
  request<T>(fn: () => Promise<T>): Promise<T> {
    return this.requests.run(new QueryWindow('request'), fn);
  }

  private tickWindow(): QueryWindow {
    if (!this.tick) {
      this.tick = new QueryWindow('tick');
      // The window closes when the synchronous code that created the queries has run. A reaction
      // on a settled promise, not queueMicrotask: Node wraps each queueMicrotask callback in an
      // AsyncResource, which was most of the detector's cost on a query awaited on its own.
      void SETTLED.then(this.endTick);
    }
    return this.tick;
  }
}

/** A concrete fix: the relations that would load these rows with their parent query, else one batched read. */
function fixFor(q: Tracked, schema: SchemaDef): string {
  const model = schema.models[q.modelKey];
  const key = model?.key[0] ?? 'id';
  const into = Object.values(schema.relations)
    .flatMap((rels) => Object.values(rels))
    .filter((r) => r.target === q.modelKey);
  const toOne = into.filter((r) => r.kind === 'belongsTo' || r.kind === 'hasOne').map((r) => `include: { ${r.name}: true } on the ${r.source} query`);
  const toMany = into.filter((r) => r.kind === 'hasMany' || r.kind === 'manyToMany');
  switch (q.method) {
    case 'findUnique':
    case 'findUniqueOrThrow':
    case 'findFirst':
    case 'findFirstOrThrow':
      return [...toOne, `one ${q.modelKey}.findMany({ where: { ${key}: { in: [...] } } })`].join(', or ');
    case 'count':
      return [
        ...toMany.map((r) => `include: { _count: { select: { ${r.name}: true } } } on the ${r.source} query`),
        `one ${q.modelKey}.groupBy({ by: [...], _count: true })`,
      ].join(', or ');
    case 'findMany':
    case 'paginate':
    case 'aggregate':
    case 'groupBy':
      return [
        ...toMany.map((r) => `include: { ${r.name}: true } on the ${r.source} query`),
        `one ${q.modelKey}.findMany with an \`in\` filter over the parents' keys`,
      ].join(', or ');
    default:
      return 'batch the calls into one query';
  }
}

export function nPlusOneThreshold(opt: false | NPlusOneOptions | undefined): number | null {
  if (opt === false) return null;
  return opt?.threshold ?? DEFAULT_N_PLUS_ONE_THRESHOLD;
}
