/**
 * Runs a nested write (see src/query/nested.ts) as one atomic unit: its parts go through the
 * executor's batch, which is one transaction on SQL and one TransactWriteItems on DynamoDB.
 * Connect targets must exist: on SQL a read of each inside the transaction, on DynamoDB a
 * ConditionCheck in the same TransactWriteItems.
 */
import { BatchError, NotFoundError, QuernError, ValidationError } from '../errors.js';
import type { SchemaDef } from '../schema/define.js';
import { expandNested, linkParts, type ExistsGuard, type NestedWrite, type WritePart } from '../query/nested.js';
import type { Plan } from '../plan/plan.js';
import type { BatchGuard, ExecContext, Executor, PreparedQuery, TargetDescriptor } from './driver.js';
import { Query, type QueryRunner } from './query.js';
import { soleForeignKey } from '../schema/relation.js';

/** What running a nested write needs from the client runtime. */
export interface NestedHost extends QueryRunner {
  readonly executor: Executor;
  readonly ctx: ExecContext;
  gate(plan: Plan, q: Query<unknown>): void;
  /** The unit is one batch: refused as db.batch would be (src/plan/gate.ts planBatch). */
  gateBatch(plans: readonly Plan[], target: TargetDescriptor): void;
  finish(prepared: PreparedQuery, result: unknown): unknown;
}

/** One step of the unit: a part of the write, a guard read (SQL), or the final read-back. */
interface Step {
  readonly q: Query<unknown>;
  readonly part: WritePart | null;
  readonly guard: ExistsGuard | null;
}

const SHAPING = ['select', 'include', 'omit'] as const;

export function expand(schema: SchemaDef, q: Query<unknown>): NestedWrite {
  return expandNested(schema, q.modelKey, q.method as 'create' | 'update', q.args as Record<string, unknown>);
}

/**
 * The steps in order. `linked`: per LinkChange, the targets linked now (null: unknown, as when
 * only planning; every connect is then a new join row).
 */
function steps(
  host: QueryRunner,
  q: Query<unknown>,
  n: NestedWrite,
  target: TargetDescriptor,
  linked: (readonly unknown[] | null)[],
): { steps: Step[]; main: number; reread: boolean; guards: ExistsGuard[] } {
  const args = q.args as Record<string, unknown>;
  const reread = args.include !== undefined;
  const shaping: Record<string, unknown> = {};
  if (!reread) for (const k of SHAPING) if (args[k] !== undefined) shaping[k] = args[k];
  const sql = target.capabilities.family === 'sql';
  const out: Step[] = [];
  // SQL reads inside its transaction: the guards are reads before the writes.
  if (sql)
    for (const g of n.guards)
      out.push({
        q: new Query(host, g.modelKey, 'findUniqueOrThrow', { where: g.key, select: Object.fromEntries(Object.keys(g.key).map((k) => [k, true])) }),
        part: null,
        guard: g,
      });
  let main = -1;
  n.parts.forEach((p, i) => {
    if (i === n.main) main = out.length;
    out.push({ q: new Query(host, p.modelKey, p.method, i === n.main ? { ...p.args, ...shaping } : p.args), part: p, guard: null });
  });
  n.links.forEach((change, i) => {
    for (const p of linkParts(change, linked[i] ?? [])) out.push({ q: new Query(host, p.modelKey, p.method, p.args), part: p, guard: null });
  });
  if (reread && sql) out.push({ q: readBack(host, q, n), part: null, guard: null });
  return { steps: out, main, reread, guards: sql ? [] : n.guards };
}

function readBack(host: QueryRunner, q: Query<unknown>, n: NestedWrite): Query<unknown> {
  const args = q.args as Record<string, unknown>;
  const shaping: Record<string, unknown> = {};
  for (const k of SHAPING) if (args[k] !== undefined) shaping[k] = args[k];
  return new Query(host, q.modelKey, 'findUniqueOrThrow', { where: n.rootKey, ...shaping });
}

/** Validation errors of a part name the nested path the caller wrote, not the part's own call. */
function prepareStep(host: QueryRunner, s: Step, isMain: boolean): PreparedQuery {
  try {
    return host.prepare(s.q).prepared;
  } catch (e) {
    if (!(e instanceof ValidationError) || !s.part || isMain) throw e;
    const own = `${s.q.modelKey}.${s.q.method}`;
    const rest = e.path.startsWith(`${own}.data`)
      ? e.path.slice(`${own}.data`.length)
      : e.path.startsWith(`${own}.where`)
        ? e.path.slice(`${own}.where`.length)
        : '';
    throw new ValidationError(`${s.part.path}${rest}`, e.problem);
  }
}

export async function runNested(host: NestedHost, q: Query<unknown>, target: TargetDescriptor): Promise<unknown> {
  const n = expand(host.ctx.schema, q);
  // Every part is validated before anything is read or written.
  const planned = steps(
    host,
    q,
    n,
    target,
    n.links.map(() => null),
  );
  planned.steps.forEach((s, i) => prepareStep(host, s, i === planned.main));
  const linked: (readonly unknown[] | null)[] = [];
  for (const change of n.links) {
    const rows = (await host.execute(
      new Query(host, change.rel.through!, 'findMany', { where: { [soleForeignKey(change.rel)]: change.parent }, select: { [change.rel.to!]: true } }),
    )) as Record<string, unknown>[];
    linked.push(rows.map((r) => r[change.rel.to!]));
  }
  const { steps: list, main, reread, guards } = n.links.length ? steps(host, q, n, target, linked) : planned;
  const prepared = list.map((s, i) => {
    const p = prepareStep(host, s, i === main);
    host.gate(p.plan, s.q);
    return p;
  });
  host.gateBatch(
    prepared.map((p) => p.plan),
    target,
  );
  let results: unknown[];
  try {
    results = await host.executor.batch(
      prepared,
      host.ctx,
      guards.map((g): BatchGuard => ({ model: g.modelKey, key: g.key })),
    );
  } catch (e) {
    throw unwrap(e, host.ctx.schema, list, guards);
  }
  if (reread) {
    if (target.capabilities.family === 'sql') return host.finish(prepared[prepared.length - 1], results[results.length - 1]);
    return host.execute(readBack(host, q, n));
  }
  return host.finish(prepared[main], results[main]);
}

/** The error of the failing part itself (the batch wrapping says nothing the caller wrote). */
function unwrap(e: unknown, schema: SchemaDef, list: readonly Step[], guards: readonly ExistsGuard[]): unknown {
  if (!(e instanceof BatchError)) return e;
  const guard = e.index < list.length ? list[e.index].guard : guards[e.index - list.length];
  const cause = e.cause;
  if (guard && (cause instanceof NotFoundError || cause === undefined)) {
    return new NotFoundError(schema.models[guard.modelKey].name, `no record to connect at ${guard.path} (${JSON.stringify(guard.key)}); nothing was written`);
  }
  return cause instanceof QuernError ? cause : e;
}

/** What explain and lint show for a nested write: every part's plan, in order (links as new join rows). */
export function nestedPlans(host: QueryRunner, q: Query<unknown>, schema: SchemaDef, target: TargetDescriptor): Query<unknown>[] {
  const n = expand(schema, q);
  return steps(
    host,
    q,
    n,
    target,
    n.links.map(() => null),
  ).steps.map((s) => s.q);
}
