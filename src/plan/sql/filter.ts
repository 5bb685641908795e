/**
 * FilterNode → SQL boolean expression, keeping quern's two-valued semantics.
 *
 * SQL is three-valued: `col = $1` is NULL when col is NULL. In a positive
 * position that is harmless (WHERE treats NULL as false, and AND/OR without
 * negation give the same answer as evaluating NULL as false at the leaves).
 * Under NOT it is not: `NOT (col = $1)` is NULL, not true. So every negation
 * of an expression that may be NULL is written `NOT COALESCE(expr, false)`.
 * Expressions that cannot be NULL (non-nullable columns, IS [NOT] NULL,
 * EXISTS, IS DISTINCT FROM) are negated plainly, so indexes stay usable.
 */
import type { FilterNode } from '../../query/ast.js';
import { assertNever } from '../plan.js';
import type { ParamTransform, SqlExpr } from './ast.js';
import { FALSE, TRUE, and, bin, cast, fn, lit, not, or, param, select, where as whereOf } from './build.js';
import type { LowerCtx, Scope } from './context.js';
import { arrayOf, containsType, elementType, fieldType, TEXT } from './types.js';

export interface Predicate {
  readonly expr: SqlExpr;
  /** May evaluate to NULL (then a negation must coalesce it). */
  readonly nullable: boolean;
}

const COMPARE = { eq: '=', ne: 'IS DISTINCT FROM', lt: '<', lte: '<=', gt: '>', gte: '>=' } as const;
const LIKE: Readonly<Record<'equals' | 'contains' | 'startsWith' | 'endsWith', ParamTransform>> = {
  equals: 'like-exact',
  contains: 'like-contains',
  startsWith: 'like-prefix',
  endsWith: 'like-suffix',
};

export function lowerFilter(ctx: LowerCtx, scope: Scope, node: FilterNode | null): SqlExpr {
  return node ? predicate(ctx, scope, node).expr : TRUE;
}

/** A negation that stays two-valued. */
export function negate(p: Predicate): SqlExpr {
  return p.nullable ? not(fn('coalesce', p.expr, FALSE)) : not(p.expr);
}

export function predicate(ctx: LowerCtx, scope: Scope, node: FilterNode): Predicate {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const items = node.items.map((n) => predicate(ctx, scope, n));
      const expr = node.kind === 'and' ? and(items.map((i) => i.expr)) : or(items.map((i) => i.expr));
      return { expr, nullable: items.some((i) => i.nullable) };
    }
    case 'not':
      return { expr: negate(predicate(ctx, scope, node.item)), nullable: false };
    case 'const':
      return { expr: lit(node.value), nullable: false };
    case 'compare': {
      const def = scope.field(node.field);
      const expr = bin(COMPARE[node.op], scope.col(node.field), param(node.value.slot, fieldType(def)));
      return { expr, nullable: node.op !== 'ne' && def.nullable };
    }
    case 'in': {
      const def = scope.field(node.field);
      const member: SqlExpr = { kind: 'member', item: scope.col(node.field), list: param(node.values.slot, arrayOf(elementType(def))) };
      const p = { expr: member, nullable: def.nullable };
      return node.negated ? { expr: negate(p), nullable: false } : p;
    }
    case 'text': {
      const def = scope.field(node.field);
      // uuid has no LIKE operator; compare its canonical text form.
      const subject = def.kind === 'uuid' ? cast(scope.col(node.field), TEXT) : scope.col(node.field);
      const pattern = param(node.value.slot, TEXT, [], LIKE[node.op]);
      // Without a case-insensitive LIKE operator, compare both sides lowercased.
      const expr: SqlExpr =
        node.insensitive && !ctx.dialect.ilike
          ? { kind: 'like', expr: fn('lower', subject), pattern: fn('lower', pattern), insensitive: false }
          : { kind: 'like', expr: subject, pattern, insensitive: node.insensitive };
      return { expr, nullable: def.nullable };
    }
    case 'isNull':
      return { expr: { kind: 'isNull', expr: scope.col(node.field), negated: !node.isNull }, nullable: false };
    case 'has': {
      // "The list contains [x]" rather than "x is a member of the list": the same rows (NULL for a
      // NULL list), and an index over the list's elements (an indexed list's) can serve it.
      const def = scope.field(node.field);
      return {
        expr: { kind: 'contains', list: scope.col(node.field), items: param(node.value.slot, containsType(def), [], 'singleton') },
        nullable: def.nullable,
      };
    }
    case 'listEquals': {
      const def = scope.field(node.field);
      return { expr: bin('=', scope.col(node.field), param(node.value.slot, fieldType(def))), nullable: def.nullable };
    }
    case 'relation':
      return { expr: relationFilter(ctx, scope, node.relation, node.op, node.filter), nullable: false };
    default:
      return assertNever(node, 'filter node');
  }
}

function relationFilter(ctx: LowerCtx, parent: Scope, relation: string, op: 'some' | 'every' | 'none' | 'is' | 'isNot', filter: FilterNode | null): SqlExpr {
  const rel = ctx.relation(parent.modelKey, relation);
  const child = ctx.scope(rel.target);
  const { on, joins } = ctx.link(parent, rel, child);
  const exists = (cond: SqlExpr): SqlExpr => ({
    kind: 'exists',
    query: select({
      columns: [{ expr: lit(1), alias: null }],
      from: { kind: 'table', name: child.model.table, alias: child.alias },
      joins,
      where: whereOf(and([on, cond])),
    }),
  });
  switch (op) {
    case 'some':
    case 'is':
      return exists(filter ? predicate(ctx, child, filter).expr : TRUE);
    case 'none':
    case 'isNot':
      return not(exists(filter ? predicate(ctx, child, filter).expr : TRUE));
    case 'every':
      // Every related row passes = no related row fails (an empty relation passes).
      if (!filter) return TRUE;
      return not(exists(negate(predicate(ctx, child, filter))));
    default:
      return assertNever(op, 'relation operator');
  }
}

/** Equality on the fields a write is pinned by, taken from the top level of its where. */
export function uniqueFilter(scope: Scope, where: FilterNode, fields: readonly string[]): SqlExpr {
  const top = where.kind === 'and' ? where.items : [where];
  const items: SqlExpr[] = [];
  for (const f of fields) {
    const n = top.find((t) => t.kind === 'compare' && t.op === 'eq' && t.field === f);
    if (!n || n.kind !== 'compare') throw new Error(`internal: where does not pin ${f} by equality`);
    items.push(bin('=', scope.col(f), param(n.value.slot, fieldType(scope.field(f)))));
  }
  return and(items);
}

/** The where without the equality nodes on `fields` (what is left to check on an existing row). */
export function withoutPins(where: FilterNode, fields: readonly string[]): FilterNode | null {
  const top = where.kind === 'and' ? where.items : [where];
  const rest = top.filter((t) => !(t.kind === 'compare' && t.op === 'eq' && fields.includes(t.field)));
  if (rest.length === 0) return null;
  return rest.length === 1 ? rest[0] : { kind: 'and', items: rest };
}

/** Whether the where pins `field` by equality at its top level (an expected version). */
export function pinsField(where: FilterNode | null, field: string | null): boolean {
  if (!where || !field) return false;
  const top = where.kind === 'and' ? where.items : [where];
  return top.some((t) => t.kind === 'compare' && t.op === 'eq' && t.field === field);
}
