/**
 * Row selection: the columns of a model, its includes as correlated JSON
 * subqueries (one statement however many parents: never N+1), ordering and
 * keyset conditions for pagination.
 */
import type { FieldDef } from '../../schema/field.js';
import { isToMany } from '../../schema/relation.js';
import type { IncludeNode, OrderTerm, RelationCount, Slot } from '../../query/ast.js';
import type { FromItem, OrderItem, SelectItem, SelectStatement, SqlExpr } from './ast.js';
import { and, bin, cast, col, fn, item, or, order, param, select, where as whereOf } from './build.js';
import type { LowerCtx, Scope } from './context.js';
import { lowerFilter } from './filter.js';
import type { IncludeShape, RowShape } from './ops.js';
import { fieldType, TEXT } from './types.js';

/** Fields to fetch: the selection (or all), plus keys and anything else the engine needs. */
export function fetchFields(scope: Scope, select: readonly string[] | null, extra: readonly string[] = []): string[] {
  if (select === null) return Object.keys(scope.model.fields);
  const want = new Set([...scope.model.key, ...select, ...extra]);
  return Object.keys(scope.model.fields).filter((f) => want.has(f));
}

/**
 * Inside JSON, bigint and decimal values would become JSON numbers and lose precision,
 * so they travel as text (and text[]); the executor decodes them per field.
 */
function jsonSafe(expr: SqlExpr, def: FieldDef): SqlExpr {
  const kind = def.kind === 'list' ? def.element!.kind : def.kind;
  if (kind !== 'bigint' && kind !== 'decimal') return expr;
  return cast(expr, { ...TEXT, array: def.kind === 'list' });
}

export interface RowSelection {
  readonly columns: SelectItem[];
  readonly shape: RowShape;
}

/** The select list for rows of `scope`: field columns, then one JSON column per include. */
export function rowSelection(ctx: LowerCtx, scope: Scope, fields: readonly string[], includes: readonly IncludeNode[], inJson: boolean): RowSelection {
  const columns: SelectItem[] = fields.map((f) => item(inJson ? jsonSafe(scope.col(f), scope.field(f)) : scope.col(f), f));
  const shapes: IncludeShape[] = [];
  for (const inc of includes) {
    const { expr, shape } = includeColumn(ctx, scope, inc);
    columns.push(item(expr, inc.relation));
    shapes.push(shape);
  }
  return { columns, shape: { model: scope.modelKey, fields, includes: shapes } };
}

/**
 * One include as a scalar subquery correlated to the parent row:
 *   many: (SELECT <JSON array of x's rows, in order; [] when none> FROM (SELECT ... WHERE fk = parent.key ... LIMIT n) x)
 *   one:  (SELECT <x's row as a JSON object> FROM (SELECT ... LIMIT 1) x)
 */
function includeColumn(ctx: LowerCtx, parent: Scope, inc: IncludeNode): { expr: SqlExpr; shape: IncludeShape } {
  const rel = ctx.relation(parent.modelKey, inc.relation);
  const child = ctx.scope(rel.target);
  const many = isToMany(rel.kind);
  const fields = fetchFields(
    child,
    inc.select,
    inc.orderBy.map((o) => o.field),
  );
  const sel = rowSelection(ctx, child, fields, inc.include, true);
  const { on, joins } = ctx.link(parent, rel, child);
  const inner = select({
    columns: sel.columns,
    from: { kind: 'table', name: child.model.table, alias: child.alias },
    joins,
    where: whereOf(and([on, lowerFilter(ctx, child, inc.where)])),
    orderBy: orderItems(child, inc.orderBy),
    limit: many ? (inc.limit ? param(inc.limit.slot, null) : null) : { kind: 'literal', value: 1 },
  });
  const x = ctx.alias();
  const columns = sel.columns.map((c) => c.alias!);
  const agg: SqlExpr = many
    ? { kind: 'jsonRows', table: x, columns, orderBy: inc.orderBy.map((o) => order(col(x, o.field), o.direction)) }
    : { kind: 'jsonRow', table: x, columns };
  const expr: SqlExpr = { kind: 'subquery', query: select({ columns: [item(agg)], from: { kind: 'subquery', query: inner, alias: x, lateral: false } }) };
  return { expr, shape: { relation: inc.relation, cardinality: many ? 'many' : 'one', rows: sel.shape } };
}

export function orderItems(scope: Scope, terms: readonly OrderTerm[]): OrderItem[] {
  return terms.map((t) => order(scope.col(t.field), t.direction));
}

/**
 * Order terms of a page: the requested order, then the key as a tiebreaker so
 * the order is total. When the order already covers the key or a unique
 * constraint of non-null fields it is total as it is, and adding the key
 * would only stop PostgreSQL from reading the order straight off that index.
 */
export function pageTerms(scope: Scope, orderBy: readonly OrderTerm[]): OrderTerm[] {
  const terms = [...orderBy];
  const ordered = new Set(terms.map((t) => t.field));
  const total = [scope.model.key, ...scope.model.uniques.map((u) => u.fields)].some((fields) =>
    fields.every((f) => ordered.has(f) && !scope.field(f).nullable),
  );
  if (total) return terms;
  for (const k of scope.model.key) if (!terms.some((t) => t.field === k)) terms.push({ field: k, direction: 'asc' });
  return terms;
}

export function reverse(terms: readonly OrderTerm[]): OrderTerm[] {
  return terms.map((t) => ({ field: t.field, direction: t.direction === 'asc' ? 'desc' : 'asc' }));
}

/**
 * Rows strictly after the boundary in the order `terms`. The cursor slot holds
 * the boundary's values in `terms` order. PostgreSQL sorts NULL above every
 * value (ASC NULLS LAST, DESC NULLS FIRST), and reversing every direction
 * reverses that order exactly, so paging backward reuses this with reversed
 * terms.
 */
export function afterBoundary(scope: Scope, terms: readonly OrderTerm[], cursor: Slot): SqlExpr {
  const value = (i: number) => param(cursor.slot, fieldType(scope.field(terms[i].field)), [i]);
  const nullable = terms.some((t) => scope.field(t.field).nullable);
  if (!nullable && terms.every((t) => t.direction === terms[0].direction)) {
    // Row comparison: one index range scan.
    const left: SqlExpr = { kind: 'row', items: terms.map((t) => scope.col(t.field)) };
    const right: SqlExpr = { kind: 'row', items: terms.map((_, i) => value(i)) };
    return bin(terms[0].direction === 'asc' ? '>' : '<', terms.length === 1 ? scope.col(terms[0].field) : left, terms.length === 1 ? value(0) : right);
  }
  const branches: SqlExpr[] = [];
  for (let i = 0; i < terms.length; i++) {
    const eqs: SqlExpr[] = [];
    for (let j = 0; j < i; j++) {
      const c = scope.col(terms[j].field);
      eqs.push(scope.field(terms[j].field).nullable ? bin('IS NOT DISTINCT FROM', c, value(j)) : bin('=', c, value(j)));
    }
    const c = scope.col(terms[i].field);
    const v = value(i);
    let step: SqlExpr;
    if (!scope.field(terms[i].field).nullable) step = bin(terms[i].direction === 'asc' ? '>' : '<', c, v);
    else if (terms[i].direction === 'asc') {
      // After a value: greater values, then the NULLs. After NULL: nothing.
      step = and([{ kind: 'isNull', expr: v, negated: true }, or([bin('>', c, v), { kind: 'isNull', expr: c, negated: false }])]);
    } else {
      // After a value: smaller values. After NULL: every value.
      step = or([
        bin('<', c, v),
        and([
          { kind: 'isNull', expr: v, negated: false },
          { kind: 'isNull', expr: c, negated: true },
        ]),
      ]);
    }
    branches.push(and([...eqs, step]));
  }
  return or(branches);
}

/**
 * Relation counts (`_count`) as scalar subqueries correlated to the parent row,
 * in the same statement: `(SELECT count(*) FROM child WHERE child.fk = parent.key AND ...) AS "_count.rel"`
 * (a manyToMany joins the target to its link rows, which hold the parent's key).
 */
export function withCounts(ctx: LowerCtx, scope: Scope, sel: RowSelection, counts: readonly RelationCount[] | null): RowSelection {
  if (!counts) return sel;
  const columns = [...sel.columns];
  for (const c of counts) {
    const rel = ctx.relation(scope.modelKey, c.relation);
    const child = ctx.scope(rel.target);
    const { on, joins } = ctx.link(scope, rel, child);
    const q = select({
      columns: [item(fn('count', { kind: 'star', table: null }))],
      from: { kind: 'table', name: child.model.table, alias: child.alias },
      joins,
      where: whereOf(and([on, lowerFilter(ctx, child, c.where)])),
    });
    columns.push(item({ kind: 'subquery', query: q }, `_count.${c.relation}`));
  }
  return { columns, shape: { ...sel.shape, counts: counts.map((c) => c.relation) } };
}

/**
 * `distinct`: DISTINCT ON picks the first row per combination in its own order
 * (the distinct fields, then the requested order, then the key, so the pick is
 * deterministic); the outer query restores the requested order and windows it.
 * The outer scope reuses the table's alias, so the selection (includes, counts)
 * reads the picked rows exactly as it would read the table.
 */
export function distinctSelect(
  ctx: LowerCtx,
  scope: Scope,
  filter: SqlExpr | null,
  distinct: readonly string[],
  orderBy: readonly OrderTerm[],
  columns: readonly SelectItem[],
  window: { orderBy: OrderItem[]; limit: SqlExpr | null; offset: SqlExpr | null },
): SelectStatement {
  const fields = Object.keys(scope.model.fields).map((f) => item(scope.col(f), f));
  const from = { kind: 'table', name: scope.model.table, alias: scope.alias } as const;
  const pick = [...distinct.map((f) => order(scope.col(f), 'asc')), ...orderItems(scope, orderBy), ...scope.model.key.map((k) => order(scope.col(k), 'asc'))];
  const inner = ctx.dialect.distinctOn
    ? select({ distinctOn: distinct.map((f) => scope.col(f)), columns: fields, from, where: filter, orderBy: pick })
    : firstPerGroup(
        ctx,
        fields,
        from,
        filter,
        distinct.map((f) => scope.col(f)),
        pick,
      );
  return select({ columns, from: { kind: 'subquery', query: inner, alias: scope.alias, lateral: false }, ...window });
}

/** Without DISTINCT ON: number the rows of each group in `pick` order and keep the first. */
function firstPerGroup(
  ctx: LowerCtx,
  fields: readonly SelectItem[],
  from: FromItem,
  filter: SqlExpr | null,
  groups: readonly SqlExpr[],
  pick: readonly OrderItem[],
): SelectStatement {
  const numbered = select({ columns: [...fields, item({ kind: 'rowNumber', partitionBy: groups, orderBy: pick }, ROW_NUMBER)], from, where: filter });
  const n = ctx.alias();
  return select({
    columns: fields.map((f) => item(col(n, f.alias!), f.alias)),
    from: { kind: 'subquery', query: numbered, alias: n, lateral: false },
    where: bin('=', col(n, ROW_NUMBER), { kind: 'literal', value: 1 }),
  });
}

const ROW_NUMBER = '_quern_rn';
