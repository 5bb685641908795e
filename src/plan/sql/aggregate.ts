/**
 * aggregate / groupBy in one statement:
 *
 *   SELECT by.., count(*) AS "_count._all", sum(t.x) AS "_sum.x", .. FROM t WHERE .. GROUP BY by..
 *
 * groupBy wraps it so `having` and `orderBy` are ordinary filters and orders over the
 * group rows (see src/query/aggregate.ts), windowed by LIMIT/OFFSET:
 *
 *   SELECT g.* FROM (<grouped>) g WHERE <having> ORDER BY .. LIMIT .. OFFSET ..
 */
import { groupKey, groupRowModel, termName } from '../../query/aggregate.js';
import type { AggTerm, QueryAst } from '../../query/ast.js';
import { assertNever } from '../plan.js';
import type { SqlExpr } from './ast.js';
import { cast, fn, item, param, select, where as whereOf } from './build.js';
import { Scope, type LowerCtx } from './context.js';
import { lowerFilter } from './filter.js';
import type { SqlOperation } from './ops.js';
import { orderItems } from './read.js';
import { BIGINT, FLOAT } from './types.js';

function aggregateExpr(scope: Scope, t: AggTerm): SqlExpr {
  if (t.field === null) return fn('count', { kind: 'star', table: null });
  const c = scope.col(t.field);
  switch (t.fn) {
    case 'count':
    case 'sum':
    case 'min':
    case 'max':
      return fn(t.fn, c);
    case 'avg':
      // An exact avg of ints would come back as a long decimal string; Prisma's _avg is a float.
      return scope.field(t.field).kind === 'decimal' ? fn('avg', c) : cast(fn('avg', c), FLOAT);
    default:
      return assertNever(t.fn, 'aggregate');
  }
}

export function lowerAggregate(ctx: LowerCtx, ast: Extract<QueryAst, { kind: 'aggregate' }>): SqlOperation {
  const scope = ctx.scope(ast.model);
  const by = ast.by ?? [];
  const rowModel = groupRowModel(scope.model, by, ast.terms);
  const fields = Object.keys(rowModel.fields);
  const grouped = select({
    columns: [...by.map((f) => item(scope.col(f), f)), ...ast.terms.map((t) => item(aggregateExpr(scope, t), termName(t)))],
    from: { kind: 'table', name: scope.model.table, alias: scope.alias },
    where: whereOf(lowerFilter(ctx, scope, ast.where)),
    groupBy: by.map((f) => scope.col(f)),
  });
  const shape = { model: ast.model, fields, includes: [], virtual: rowModel };
  const purpose = `${ast.by ? 'groupBy' : 'aggregate'} ${scope.model.name}`;
  if (!ast.by) return { kind: 'sql', stmt: grouped, purpose, model: ast.model, result: { kind: 'rows', rows: shape } };
  const g = new Scope(groupKey(ast.model), rowModel, ctx.alias());
  const stmt = select({
    columns: fields.map((f) => item(g.col(f), f)),
    from: { kind: 'subquery', query: grouped, alias: g.alias, lateral: false },
    where: whereOf(lowerFilter(ctx, g, ast.having)),
    orderBy: orderItems(g, ast.orderBy),
    limit: ast.limit ? param(ast.limit.slot, BIGINT) : null,
    offset: ast.offset ? param(ast.offset.slot, BIGINT) : null,
  });
  return { kind: 'sql', stmt, purpose, model: ast.model, result: { kind: 'rows', rows: shape } };
}
