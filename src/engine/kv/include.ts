/**
 * Runs the include steps of a plan over already-read parent rows: belongsTo is
 * ONE BatchGetItem of the parents' distinct foreign keys (chunks of 100);
 * hasMany/hasOne is a Query per parent on the foreign-key index, in parallel
 * with bounded concurrency. Related rows are attached under the relation name.
 */
import type { Operation } from '../../plan/plan.js';
import type { KvBatchGetItem, KvGetItem, KvQuery, KvValue } from '../../plan/kv/ops.js';
import type { KeyValues, Row } from './core.js';
import { expandKeys, keyString, mapLimit, resolver, usableKeyValue, type RunCtx, type Scope } from './context.js';
import { evaluate } from './evaluate.js';
import { checkFanout } from './bound.js';
import { batchGet, countPartition, queryOne } from './read.js';

type IncludeOp = (KvBatchGetItem | KvQuery) & { step: { role: 'include' } };

const isInclude = (op: Operation): op is IncludeOp => (op.kind === 'BatchGetItem' || op.kind === 'Query') && op.step.role === 'include';

export function hasIncludes(ops: readonly Operation[]): boolean {
  return ops.some(isInclude);
}

/** Whether runIncludes or runCounts has anything to do for these operations (a plain read skips both). */
export function hasRelatedSteps(ops: readonly Operation[]): boolean {
  return ops.some((o) => isInclude(o) || isCount(o) || o.kind === 'CounterRead');
}

/**
 * What keys one request: a row's values of `fields` (one field, or the several of a reference to
 * a composite key), or null when one of them is unset. `id` compares tuples by value.
 */
interface Tuple {
  readonly values: readonly unknown[];
  readonly id: string;
}
function tupleOf(row: Row, fields: readonly string[]): Tuple | null {
  const values = fields.map((f) => row[f]);
  if (!values.every(usableKeyValue)) return null;
  return { values, id: keyString(row, fields) };
}

/** The distinct tuples of `rows`, in first-seen order. */
function distinct(rows: readonly Row[], fields: readonly string[]): Tuple[] {
  const seen = new Map<string, Tuple>();
  for (const r of rows) {
    const t = tupleOf(r, fields);
    if (t && !seen.has(t.id)) seen.set(t.id, t);
  }
  return [...seen.values()];
}

/** The key values of the rows matching a tuple, as BatchGetItem takes them. */
const keyFor = (fields: readonly string[], t: Tuple): KeyValues => Object.fromEntries(fields.map((f, i) => [f, t.values[i]]));

/**
 * One Query per parent: its partition value, and the overrides binding every other reference to
 * the parent in the key condition (the sort key of a composite reference) to this parent's values.
 */
function perParent(op: KvQuery, parentFields: readonly string[], t: Tuple): { partition: unknown; scope: Scope } {
  const override = new Map<KvValue, unknown>();
  const sort = op.key.sort?.cond;
  for (const ref of sort ? (sort.op === 'between' ? [sort.low, sort.high] : [sort.value]) : []) {
    if (ref.from === 'parent') override.set(ref, t.values[parentFields.indexOf(ref.field)]);
  }
  const p = op.key.partition.value;
  return { partition: p.from === 'parent' ? t.values[parentFields.indexOf(p.field)] : t.values[0], scope: { override } };
}

type CountOp = KvQuery & { step: { role: 'count' } };
const isCount = (op: Operation): op is CountOp => op.kind === 'Query' && op.step.role === 'count';

/** `_count`: a counter-cache field, or one COUNT Query per distinct parent key (the plan carries the fanout warning). */
export async function runCounts(x: RunCtx, ops: readonly Operation[], parents: Row[]): Promise<void> {
  const counts = ops.filter(isCount);
  const cached = ops.filter((o) => o.kind === 'CounterRead');
  if (counts.length === 0 && cached.length === 0) return;
  for (const p of parents) p._count = {};
  // A counter cache is kept in the parent's own transaction, so the item read holds the count.
  for (const op of cached) for (const p of parents) (p._count as Row)[op.relation] = Number(p[op.field] ?? 0);
  for (const op of counts) {
    const step = op.step;
    const tuples = distinct(parents, step.parentFields);
    checkFanout(x, op.model, tuples.length, `_count (one Query per parent)`);
    const counted = await mapLimit(tuples, x.concurrency, async (t) => {
      const q = perParent(op, step.parentFields, t);
      return [t.id, await countPartition(x, op, q.partition, q.scope)] as const;
    });
    const byParent = new Map(counted);
    for (const p of parents) {
      const t = tupleOf(p, step.parentFields);
      (p._count as Row)[step.relation] = t ? (byParent.get(t.id) ?? 0) : 0;
    }
  }
}

/**
 * The root read of a parent with its colocated children: ONE Query of the item collection.
 * `served` holds, per include step it answered, the children of the (single) parent.
 */
export async function readCollection(x: RunCtx, op: KvGetItem, ops: readonly Operation[]): Promise<{ rows: Row[]; served: Map<Operation, Row[]> }> {
  const keys = expandKeys(op.key, resolver(x));
  const steps = ops.filter((o): o is IncludeOp & KvQuery => isInclude(o) && o.kind === 'Query' && !!o.collection);
  if (keys.length !== 1) return { rows: [], served: new Map(steps.map((s) => [s, []])) };
  const r = await x.core.collection(op.model, keys[0], [...new Set(steps.map((s) => s.model))], x.log);
  return { rows: r.parent ? [r.parent] : [], served: new Map(steps.map((s) => [s, r.children[s.model] ?? []])) };
}

export async function runIncludes(x: RunCtx, ops: readonly Operation[], roots: Row[], served: ReadonlyMap<Operation, Row[]> = new Map()): Promise<void> {
  // Rows reached at each relation path; nested includes read their parents from here.
  const levels = new Map<string, Row[]>([['', roots]]);
  // manyToMany: the link rows read per parent, until the targets step attaches what they point at.
  const links = new Map<string, Map<Row, Row[]>>();
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (!isInclude(op)) continue;
    const step = op.step;
    if (step.link === 'links' && op.kind === 'Query') {
      const next = ops[i + 1];
      const filteredTargets = !!next && next.kind === 'BatchGetItem' && next.filter !== null;
      links.set(step.path.join('.'), await readLinks(x, op, levels.get(step.path.slice(0, -1).join('.')) ?? [], filteredTargets));
      continue;
    }
    if (step.link === 'targets' && op.kind === 'BatchGetItem') {
      const prev = ops[i - 1] as KvQuery;
      levels.set(step.path.join('.'), await attachTargets(x, op, prev, links.get(step.path.join('.')) ?? new Map()));
      continue;
    }
    const parents = levels.get(step.path.slice(0, -1).join('.')) ?? [];
    const children: Row[] = [];
    const pre = served.get(op);
    if (pre) {
      // Served by the item-collection read: one parent, its children already here.
      for (const p of parents) p[step.relation] = step.cardinality === 'one' ? (pre[0] ?? null) : [...pre];
      levels.set(step.path.join('.'), pre);
      continue;
    }
    const tuples = distinct(parents, step.parentFields);
    if (op.kind === 'BatchGetItem') {
      // childFields is the target's key: the rows come back keyed the same way.
      const rows = tuples.length
        ? await batchGet(
            x,
            op.model,
            tuples.map((t) => keyFor(step.childFields, t)),
            `include ${step.path.join('.')}`,
          )
        : [];
      const byKey = new Map(rows.map((r) => [keyString(r, step.childFields), r]));
      for (const p of parents) {
        const t = tupleOf(p, step.parentFields);
        p[step.relation] = t ? (byKey.get(t.id) ?? null) : null;
      }
      children.push(...byKey.values());
    } else {
      checkFanout(x, op.model, tuples.length, `include ${step.path.join('.')} (one Query per parent)`);
      const read = await mapLimit(tuples, x.concurrency, async (t) => {
        const limit = op.limit ? (resolver(x)(op.limit) as number) : null;
        if (limit === 0) return [t.id, []] as const;
        const q = perParent(op, step.parentFields, t);
        const res = await queryOne(x, op, q.partition, { need: limit }, q.scope);
        return [t.id, res.rows] as const;
      });
      const byParent = new Map<string, readonly Row[]>(read);
      for (const p of parents) {
        const t = tupleOf(p, step.parentFields);
        const rows = t ? (byParent.get(t.id) ?? []) : [];
        // Each parent gets its own array: the same child never appears under two parents here.
        p[step.relation] = step.cardinality === 'one' ? (rows[0] ?? null) : [...rows];
        children.push(...rows);
      }
    }
    levels.set(step.path.join('.'), children);
  }
}

/** The join rows of each parent: one Query per distinct parent key. */
async function readLinks(x: RunCtx, op: KvQuery & { step: { role: 'include' } }, parents: Row[], filteredTargets: boolean): Promise<Map<Row, Row[]>> {
  const step = op.step;
  // With a where on the targets, the limit counts matching targets, so every link is read.
  const limit = op.limit && !filteredTargets ? (resolver(x)(op.limit) as number) : null;
  const tuples = distinct(parents, step.parentFields);
  checkFanout(x, op.model, tuples.length, `include ${step.path.join('.')} (one Query per parent)`);
  const read = await mapLimit(tuples, x.concurrency, async (t): Promise<[string, Row[]]> => {
    if (limit === 0) return [t.id, []];
    const q = perParent(op, step.parentFields, t);
    const res = await queryOne(x, op, q.partition, { need: limit }, q.scope);
    return [t.id, [...res.rows]];
  });
  const byValue = new Map<string, Row[]>(read);
  const out = new Map<Row, Row[]>();
  for (const p of parents) {
    const t = tupleOf(p, step.parentFields);
    out.set(p, t ? (byValue.get(t.id) ?? []) : []);
  }
  return out;
}

/** One BatchGetItem of every target the links point at; each parent gets its targets in link order. */
async function attachTargets(x: RunCtx, op: KvBatchGetItem & { step: { role: 'include' } }, linkOp: KvQuery, links: Map<Row, Row[]>): Promise<Row[]> {
  const step = op.step;
  const target = x.schema.models[op.model];
  const tuples = distinct([...links.values()].flat(), step.parentFields);
  const rows = tuples.length
    ? await batchGet(
        x,
        op.model,
        tuples.map((t) => keyFor(step.childFields, t)),
        `include ${step.path.join('.')}`,
      )
    : [];
  const r = resolver(x);
  const kept = op.filter ? rows.filter((row) => evaluate(op.filter!, row, r, target)) : rows;
  const byKey = new Map(kept.map((row) => [keyString(row, step.childFields), row]));
  const limit = linkOp.limit ? (r(linkOp.limit) as number) : null;
  const children: Row[] = [];
  for (const [parent, ls] of links) {
    const mine: Row[] = [];
    for (const l of ls) {
      if (limit !== null && mine.length >= limit) break;
      const t = tupleOf(l, step.parentFields);
      const row = t ? byKey.get(t.id) : undefined;
      // Each parent gets its own copy: the same target may sit under several parents, and nested includes attach to each.
      if (row) mine.push({ ...row });
    }
    parent[step.relation] = mine;
    children.push(...mine);
  }
  return children;
}
