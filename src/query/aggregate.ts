/**
 * aggregate / groupBy arguments → the `aggregate` QueryAst. Results are "group
 * rows": the `by` fields plus one field per aggregate, named `_fn.field`
 * (`_sum.total`, `_count._all`). Modelling them as rows of a virtual model lets
 * `having` reuse the filter parser and both targets reuse their row machinery:
 * SQL filters and orders the grouped subquery, the KV engine evaluates the same
 * filter on the rows it folded.
 */
import { ValidationError } from '../errors.js';
import type { SchemaDef } from '../schema/define.js';
import type { FieldDef, FieldKind } from '../schema/field.js';
import type { ModelDef } from '../schema/model.js';
import { describe } from '../schema/values.js';
import type { AggFn, AggSelection, AggTerm, FilterNode, OrderTerm, QueryAst, Slot } from './ast.js';
import { entries, isPlainObject, parseWhere, type Params } from './where.js';

export const AGG_FNS: readonly AggFn[] = ['count', 'sum', 'avg', 'min', 'max'];
const NUMERIC = new Set<FieldKind>(['int', 'bigint', 'float', 'decimal']);
/** min/max: kinds both targets order the same way (PostgreSQL has no min(uuid) or min(boolean)). */
const EXTREMUM = new Set<FieldKind>(['int', 'bigint', 'float', 'decimal', 'string', 'text', 'enum', 'timestamp', 'date']);

/** The group-row field holding an aggregate: `_sum.total`, `_count._all`. */
export const termName = (t: AggTerm) => `_${t.fn}.${t.field ?? '_all'}`;

const plain = (kind: FieldKind, nullable: boolean): FieldDef => ({
  kind,
  nullable,
  key: false,
  auto: false,
  unique: false,
  createdAt: false,
  updatedAt: false,
  version: false,
});

/**
 * Prisma's result types: `_count` a number; `_sum` the field's type (ints stay ints);
 * `_avg` a float (a decimal for decimals); `_min`/`_max` the field's type. All but
 * `_count` are null over no rows.
 */
export function termDef(model: ModelDef, t: AggTerm): FieldDef {
  if (t.fn === 'count') return plain('int', false);
  const d = model.fields[t.field!];
  switch (t.fn) {
    case 'sum':
      return plain(d.kind, true);
    case 'avg':
      return plain(d.kind === 'decimal' ? 'decimal' : 'float', true);
    case 'min':
    case 'max':
      return { ...plain(d.kind, true), ...(d.enumValues ? { enumValues: d.enumValues } : {}) };
    default: {
      const never: never = t.fn;
      throw new Error(`unhandled aggregate ${String(never)}`);
    }
  }
}

/** The virtual model of group rows, keyed by nothing (they are never written). */
export function groupRowModel(model: ModelDef, by: readonly string[], terms: readonly AggTerm[]): ModelDef {
  const fields: Record<string, FieldDef> = {};
  for (const f of by) fields[f] = { ...model.fields[f], key: false, unique: false, auto: false, version: false, createdAt: false, updatedAt: false };
  for (const t of terms) fields[termName(t)] = termDef(model, t);
  return { name: `${model.name} groups`, table: model.table, fields, key: [], indexes: [], uniques: [] };
}

/** Schema key under which the group-row model is parsed (never a real accessor: it has a '$'). */
export const groupKey = (modelKey: string) => `${modelKey}$groups`;

export function groupSchema(schema: SchemaDef, modelKey: string, rowModel: ModelDef): SchemaDef {
  const k = groupKey(modelKey);
  return { ...schema, models: { ...schema.models, [k]: rowModel }, relations: { ...schema.relations, [k]: {} } };
}

interface AggCtx {
  schema: SchemaDef;
  modelKey: string;
  model: ModelDef;
  params: Params;
  root: string;
}

function fieldsOf(c: AggCtx, fn: AggFn, v: unknown, path: string): string[] {
  if (!isPlainObject(v)) throw new ValidationError(path, `expected { field: true }, got ${describe(v)}`);
  const out: string[] = [];
  for (const [k, on] of entries(v)) {
    const p = `${path}.${k}`;
    if (typeof on !== 'boolean') throw new ValidationError(p, `expected a boolean, got ${describe(on)}`);
    if (!on) continue;
    if (fn === 'count' && k === '_all') {
      out.push(k);
      continue;
    }
    if (!Object.prototype.hasOwnProperty.call(c.model.fields, k)) throw new ValidationError(p, `unknown field '${k}' on ${c.model.name}`);
    checkTermField(c, fn, k, p);
    out.push(k);
  }
  if (out.length === 0) throw new ValidationError(path, `_${fn} must pick at least one field`);
  return out;
}

function checkTermField(c: AggCtx, fn: AggFn, field: string, path: string) {
  const kind = c.model.fields[field].kind;
  if ((fn === 'sum' || fn === 'avg') && !NUMERIC.has(kind))
    throw new ValidationError(path, `_${fn} applies to numeric fields (int, bigint, float, decimal); ${c.model.name}.${field} is ${kind}`);
  if ((fn === 'min' || fn === 'max') && !EXTREMUM.has(kind))
    throw new ValidationError(path, `_${fn} applies to numbers, strings, enums, timestamps and dates; ${c.model.name}.${field} is ${kind}`);
}

function selection(c: AggCtx, a: Record<string, unknown>): AggSelection {
  const pick = (fn: Exclude<AggFn, 'count'>) => (a[`_${fn}`] === undefined ? null : fieldsOf(c, fn, a[`_${fn}`], `${c.root}._${fn}`));
  let count: AggSelection['count'] = null;
  if (a._count === true) count = 'number';
  else if (a._count !== undefined && a._count !== false) count = fieldsOf(c, 'count', a._count, `${c.root}._count`);
  return { count, sum: pick('sum'), avg: pick('avg'), min: pick('min'), max: pick('max') };
}

function termsOf(sel: AggSelection): AggTerm[] {
  const out: AggTerm[] = [];
  if (sel.count === 'number') out.push({ fn: 'count', field: null });
  else if (sel.count) for (const f of sel.count) out.push({ fn: 'count', field: f === '_all' ? null : f });
  for (const fn of ['sum', 'avg', 'min', 'max'] as const) for (const f of sel[fn] ?? []) out.push({ fn, field: f });
  return out;
}

function addTerm(terms: AggTerm[], t: AggTerm) {
  if (!terms.some((x) => x.fn === t.fn && x.field === t.field)) terms.push(t);
}

function aggOf(key: string): AggFn | null {
  return key.startsWith('_') && (AGG_FNS as readonly string[]).includes(key.slice(1)) ? (key.slice(1) as AggFn) : null;
}

/**
 * Prisma's `having: { total: { _sum: { gt: 10 }, gte: 1 } }` → a where over group rows:
 * `{ '_sum.total': { gt: 10 }, total: { gte: 1 } }` (plain filters only on `by` fields).
 */
function rewriteHaving(c: AggCtx, by: readonly string[], terms: AggTerm[], v: unknown, path: string, depth = 0): Record<string, unknown> {
  if (!isPlainObject(v)) throw new ValidationError(path, `expected a having object, got ${describe(v)}`);
  if (depth > 16) throw new ValidationError(path, 'having nested too deeply');
  const out: Record<string, unknown> = {};
  for (const [k, x] of entries(v)) {
    const p = `${path}.${k}`;
    if (k === 'AND' || k === 'NOT') {
      out[k] = Array.isArray(x) ? x.map((y, i) => rewriteHaving(c, by, terms, y, `${p}[${i}]`, depth + 1)) : rewriteHaving(c, by, terms, x, p, depth + 1);
      continue;
    }
    if (k === 'OR') {
      if (!Array.isArray(x)) throw new ValidationError(p, 'OR expects an array of filters');
      out[k] = x.map((y, i) => rewriteHaving(c, by, terms, y, `${p}[${i}]`, depth + 1));
      continue;
    }
    if (k === '_count' && isPlainObject(x) && isPlainObject(x._all)) {
      // `having: { _count: { _all: { gt: 1 } } }` is not Prisma's form; name the right one.
      throw new ValidationError(p, 'count rows with having: { <field>: { _count: { gt: n } } }');
    }
    if (!Object.prototype.hasOwnProperty.call(c.model.fields, k)) throw new ValidationError(p, `unknown field '${k}' on ${c.model.name}`);
    const plainOps: Record<string, unknown> = {};
    const inner = isPlainObject(x) ? x : { equals: x };
    for (const [op, y] of entries(inner)) {
      const fn = aggOf(op);
      if (fn) {
        checkTermField(c, fn, k, `${p}.${op}`);
        const t: AggTerm = { fn, field: k };
        addTerm(terms, t);
        out[termName(t)] = y;
      } else {
        plainOps[op] = y;
      }
    }
    if (Object.keys(plainOps).length) {
      if (!by.includes(k))
        throw new ValidationError(p, `'${k}' is not in by: filter it in where, or filter an aggregate of it (_count, _sum, _avg, _min, _max)`);
      out[k] = isPlainObject(x) ? plainOps : x;
    }
  }
  return out;
}

function groupOrder(c: AggCtx, by: readonly string[], terms: AggTerm[], v: unknown, path: string): OrderTerm[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  const out: OrderTerm[] = [];
  list.forEach((o, i) => {
    const p = Array.isArray(v) ? `${path}[${i}]` : path;
    if (!isPlainObject(o)) throw new ValidationError(p, `expected { field: 'asc' | 'desc' } or { _sum: { field: 'asc' | 'desc' } }, got ${describe(o)}`);
    for (const [k, dir] of entries(o)) {
      const fn = aggOf(k);
      const push = (field: string, d: unknown, pp: string) => {
        if (d !== 'asc' && d !== 'desc') throw new ValidationError(pp, `expected 'asc' or 'desc', got ${describe(d)}`);
        if (out.some((t) => t.field === field)) throw new ValidationError(pp, `'${field}' is ordered by twice`);
        out.push({ field, direction: d });
      };
      if (fn) {
        if (!isPlainObject(dir)) throw new ValidationError(`${p}.${k}`, `expected { field: 'asc' | 'desc' }, got ${describe(dir)}`);
        for (const [f, d] of entries(dir)) {
          const pp = `${p}.${k}.${f}`;
          if (!(fn === 'count' && f === '_all') && !Object.prototype.hasOwnProperty.call(c.model.fields, f))
            throw new ValidationError(pp, `unknown field '${f}' on ${c.model.name}`);
          const t: AggTerm = { fn, field: f === '_all' ? null : f };
          if (t.field) checkTermField(c, fn, t.field, pp);
          addTerm(terms, t);
          push(termName(t), d, pp);
        }
        continue;
      }
      if (!Object.prototype.hasOwnProperty.call(c.model.fields, k)) throw new ValidationError(`${p}.${k}`, `unknown field '${k}' on ${c.model.name}`);
      if (!by.includes(k)) throw new ValidationError(`${p}.${k}`, `'${k}' is not in by: order groups by a by field or an aggregate`);
      push(k, dir, `${p}.${k}`);
    }
  });
  return out;
}

function byFields(c: AggCtx, v: unknown): string[] {
  const path = `${c.root}.by`;
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) throw new ValidationError(path, `expected a non-empty array of field names, got ${describe(v)}`);
  const out: string[] = [];
  list.forEach((f, i) => {
    const p = `${path}[${i}]`;
    if (typeof f !== 'string' || !Object.prototype.hasOwnProperty.call(c.model.fields, f))
      throw new ValidationError(p, `unknown field ${describe(f)} on ${c.model.name}`);
    const kind = c.model.fields[f].kind;
    if (kind === 'list' || kind === 'json') throw new ValidationError(p, `cannot group by a ${kind} field`);
    if (out.includes(f)) throw new ValidationError(p, `'${f}' appears twice in by`);
    out.push(f);
  });
  return out;
}

export function buildAggregate(
  schema: SchemaDef,
  modelKey: string,
  model: ModelDef,
  params: Params,
  root: string,
  a: Record<string, unknown>,
  grouped: boolean,
  extra: { where: FilterNode | null; allowScan: boolean; limit: Slot | null; offset: Slot | null },
): QueryAst {
  const c: AggCtx = { schema, modelKey, model, params, root };
  const output = selection(c, a);
  const terms = termsOf(output);
  const by = grouped ? byFields(c, a.by) : null;
  if (!grouped && terms.length === 0) throw new ValidationError(root, 'aggregate needs at least one of _count, _sum, _avg, _min, _max');
  let having: FilterNode | null = null;
  let orderBy: OrderTerm[] = [];
  if (grouped) {
    orderBy = groupOrder(c, by!, terms, a.orderBy, `${root}.orderBy`);
    const rewritten = a.having === undefined ? undefined : rewriteHaving(c, by!, terms, a.having, `${root}.having`);
    if (rewritten !== undefined) {
      const rows = groupRowModel(model, by!, terms);
      having = parseWhere(groupSchema(schema, modelKey, rows), groupKey(modelKey), rewritten, params, `${root}.having`);
    }
  }
  return {
    kind: 'aggregate',
    model: modelKey,
    by,
    where: extra.where,
    allowScan: extra.allowScan,
    terms,
    output,
    having,
    orderBy,
    limit: extra.limit,
    offset: extra.offset,
  };
}

/**
 * Group rows (flat `_fn.field` names) → Prisma's result shape:
 * `{ status, _count: 3, _sum: { total: 10 } }`. Only what was asked for is shown.
 */
export function shapeGroup(
  ast: { readonly by: readonly string[] | null; readonly output: AggSelection },
  row: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of ast.by ?? []) out[f] = row[f];
  const o = ast.output;
  if (o.count === 'number') out._count = row['_count._all'];
  else if (o.count) out._count = Object.fromEntries(o.count.map((f) => [f, row[`_count.${f}`]]));
  for (const fn of ['sum', 'avg', 'min', 'max'] as const) {
    const fields = o[fn];
    if (fields) out[`_${fn}`] = Object.fromEntries(fields.map((f) => [f, row[`_${fn}.${f}`]]));
  }
  return out;
}
