/** Small constructors for SQL AST nodes, so lowering code reads like the SQL it builds. */
import type { BinaryOp, OrderItem, ParamTransform, SelectItem, SelectStatement, SqlExpr, SqlFunction, SqlParam, SqlTypeRef } from './ast.js';

export const col = (table: string | null, column: string): SqlExpr => ({ kind: 'column', table, column });

export const param = (slot: number, type: SqlTypeRef | null, path: readonly (string | number)[] = [], transform: ParamTransform | null = null): SqlParam => ({
  kind: 'param',
  slot,
  path,
  type,
  transform,
});

export const lit = (value: null | boolean | number): SqlExpr => ({ kind: 'literal', value });
export const TRUE = lit(true);
export const FALSE = lit(false);

export const bin = (op: BinaryOp, left: SqlExpr, right: SqlExpr): SqlExpr => ({ kind: 'binary', op, left, right });

export const fn = (name: SqlFunction, ...args: SqlExpr[]): SqlExpr => ({ kind: 'func', name, args });

export const cast = (expr: SqlExpr, type: SqlTypeRef): SqlExpr => ({ kind: 'cast', expr, type });

export const item = (expr: SqlExpr, alias: string | null = null): SelectItem => ({ expr, alias });

export function and(items: readonly SqlExpr[]): SqlExpr {
  const flat: SqlExpr[] = [];
  for (const i of items) {
    if (i.kind === 'literal' && i.value === true) continue;
    if (i.kind === 'and') flat.push(...i.items);
    else flat.push(i);
  }
  if (flat.some((i) => i.kind === 'literal' && i.value === false)) return FALSE;
  if (flat.length === 0) return TRUE;
  return flat.length === 1 ? flat[0] : { kind: 'and', items: flat };
}

export function or(items: readonly SqlExpr[]): SqlExpr {
  const flat: SqlExpr[] = [];
  for (const i of items) {
    if (i.kind === 'literal' && i.value === false) continue;
    if (i.kind === 'or') flat.push(...i.items);
    else flat.push(i);
  }
  if (flat.some((i) => i.kind === 'literal' && i.value === true)) return TRUE;
  if (flat.length === 0) return FALSE;
  return flat.length === 1 ? flat[0] : { kind: 'or', items: flat };
}

export function not(expr: SqlExpr): SqlExpr {
  if (expr.kind === 'literal' && typeof expr.value === 'boolean') return lit(!expr.value);
  return { kind: 'not', expr };
}

export function select(parts: Partial<Omit<SelectStatement, 'kind'>> & { columns: readonly SelectItem[] }): SelectStatement {
  return { kind: 'select', with: [], distinctOn: null, from: null, joins: [], where: null, groupBy: [], orderBy: [], limit: null, offset: null, ...parts };
}

/** A WHERE clause, dropping a constant TRUE. */
export function where(expr: SqlExpr): SqlExpr | null {
  return expr.kind === 'literal' && expr.value === true ? null : expr;
}

export const order = (expr: SqlExpr, direction: 'asc' | 'desc'): OrderItem => ({ expr, direction });
