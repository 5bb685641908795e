/**
 * Engine-side folds on a key-value target: aggregate, groupBy and distinct over
 * the rows of a planned access path (a pinned partition, a key list, or a Scan
 * the caller allowed). The semantics are PostgreSQL's, so both targets answer
 * alike: `_sum`/`_avg`/`_min`/`_max` skip nulls and are null over no values,
 * `_count` of a field counts its non-null values, strings order by code point,
 * nulls sort last ascending and first descending.
 */
import { CapabilityError } from '../../errors.js';
import { groupRowModel, termName } from '../../query/aggregate.js';
import type { AggTerm, OrderTerm } from '../../query/ast.js';
import type { FoldSpec } from '../../plan/result.js';
import { conditionOf, conjuncts } from '../../plan/kv/filter.js';
import { diag } from '../../plan/diagnostics.js';
import { MAX_FOLD_ITEMS } from '../../plan/kv/plan.js';
import type { ModelDef } from '../../schema/model.js';
import type { Row } from './core.js';
import { resolver, type RunCtx } from './context.js';
import { minimalDecimal } from '../../schema/decimal.js';
import { compareValues, evaluate } from './evaluate.js';

/** Refuses a fold beyond the bound, before holding more rows in memory. */
export function checkFoldSize(model: ModelDef, items: number, what: string): void {
  if (items <= MAX_FOLD_ITEMS) return;
  const d = diag(
    'fold-too-large',
    'dynamodb',
    model.name,
    `${what} on DynamoDB folds its rows in the engine; this one matched ${items} items (more than ${MAX_FOLD_ITEMS})`,
    'narrow the where (a sort-key range on the pinned partition), or keep the figure on write (a counter cache or a running total field)',
  );
  throw new CapabilityError(d.code, d.driver, d.message, d.fix, d.model);
}

/** Identity of a value for grouping: numeric decimals and instants compare by value. */
function valueKey(v: unknown, kind: string): string {
  if (v === null || v === undefined) return 'n';
  if (v instanceof Date) return `d${v.getTime()}`;
  if (typeof v === 'bigint') return `b${v}`;
  if (kind === 'decimal' && typeof v === 'string') return `m${minimalDecimal(v)}`;
  return `v${JSON.stringify(v)}`;
}

export function combinationKey(model: ModelDef, row: Row, fields: readonly string[]): string {
  return fields.map((f) => valueKey(row[f], model.fields[f].kind)).join('\u0000');
}

/** distinct: the first row of each combination, in read order. */
export function distinctRows(model: ModelDef, rows: Row[], fields: readonly string[]): Row[] {
  const seen = new Set<string>();
  return rows.filter((r) => {
    const k = combinationKey(model, r, fields);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

interface Acc {
  n: number;
  count: number;
  sum: number | bigint | null;
  min: unknown;
  max: unknown;
}

function fold(model: ModelDef, t: AggTerm, rows: Row[]): unknown {
  if (t.field === null) return rows.length;
  const f = t.field;
  const kind = model.fields[f].kind;
  const acc: Acc = { n: 0, count: 0, sum: null, min: null, max: null };
  for (const r of rows) {
    const v = r[f];
    if (v === null || v === undefined) continue;
    acc.count++;
    if (t.fn === 'sum' || t.fn === 'avg') {
      if (kind === 'bigint') acc.sum = ((acc.sum as bigint | null) ?? 0n) + BigInt(v as bigint);
      else acc.sum = ((acc.sum as number | null) ?? 0) + (v as number);
    } else if (t.fn === 'min' || t.fn === 'max') {
      if (acc.min === null || compareValues(v, acc.min) < 0) acc.min = v;
      if (acc.max === null || compareValues(v, acc.max) > 0) acc.max = v;
    }
  }
  switch (t.fn) {
    case 'count':
      return acc.count;
    case 'sum':
      return acc.sum;
    case 'avg':
      return acc.count === 0 ? null : Number(acc.sum) / acc.count;
    case 'min':
      return acc.min;
    case 'max':
      return acc.max;
    default: {
      const never: never = t.fn;
      throw new Error(`unhandled aggregate ${String(never)}`);
    }
  }
}

/** PostgreSQL's order: nulls are larger than every value (last ascending, first descending). */
export function orderRows(rows: Row[], terms: readonly OrderTerm[]): Row[] {
  if (terms.length === 0) return rows;
  return [...rows].sort((a, b) => {
    for (const t of terms) {
      const x = a[t.field],
        y = b[t.field];
      const xn = x === null || x === undefined,
        yn = y === null || y === undefined;
      let c = xn && yn ? 0 : xn ? 1 : yn ? -1 : typeof x === 'boolean' && typeof y === 'boolean' ? Number(x) - Number(y) : compareValues(x, y);
      if (Number.isNaN(c)) c = 0;
      if (c !== 0) return t.direction === 'asc' ? c : -c;
    }
    return 0;
  });
}

/** Group rows of an aggregate/groupBy, with having, order and window applied. */
export function foldGroups(x: RunCtx, ast: FoldSpec, model: ModelDef, rows: Row[]): Row[] {
  const by = ast.by ?? [];
  const groups = new Map<string, Row[]>();
  if (!ast.by) groups.set('', rows);
  else {
    for (const r of rows) {
      const k = combinationKey(model, r, by);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
  }
  let out: Row[] = [...groups.values()].map((g) => {
    const row: Row = {};
    for (const f of by) row[f] = g[0][f] ?? null;
    for (const t of ast.terms) row[termName(t)] = fold(model, t, g);
    return row;
  });
  if (ast.having) {
    const rowModel = groupRowModel(model, by, ast.terms);
    const cond = conditionOf(rowModel, conjuncts(ast.having));
    const resolve = resolver(x);
    if (cond) out = out.filter((r) => evaluate(cond, r, resolve, rowModel));
  }
  out = orderRows(out, ast.orderBy);
  const offset = ast.offset ? (x.params[ast.offset.slot] as number) : 0;
  const limit = ast.limit ? (x.params[ast.limit.slot] as number) : null;
  return out.slice(offset, limit === null ? undefined : offset + limit);
}
