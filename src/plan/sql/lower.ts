/**
 * QueryAst → SQL operations. A SQL target runs everything the API expresses,
 * so lowering never produces diagnostics; what it decides is the statement shape:
 * one statement per method (includes as correlated JSON subqueries, createMany
 * as one INSERT over a JSON document), plus, for writes pinned to an expected
 * version, an existence check that runs only when the write matched nothing.
 */
import type { SchemaDef } from '../../schema/define.js';
import type { FieldUpdate, FilterNode, IncludeNode, QueryAst } from '../../query/ast.js';
import type { TargetDescriptor } from '../target.js';
import type { Diagnostic } from '../diagnostics.js';
import type { Operation } from '../plan.js';
import { assertNever } from '../plan.js';
import type { Assignment, InsertStatement, SelectItem, SqlExpr, SqlStatement } from './ast.js';
import { and, bin, fn, item, lit, param, select, where as whereOf } from './build.js';
import type { SqlDialect } from './dialect.js';
import { LowerCtx, type Scope } from './context.js';
import { lowerFilter, pinsField, uniqueFilter, withoutPins } from './filter.js';
import { MATCHED_COLUMN, type RowShape, type SqlOperation, type SqlResultSpec } from './ops.js';
import { afterBoundary, distinctSelect, fetchFields, orderItems, pageTerms, reverse, rowSelection, withCounts } from './read.js';
import { lowerAggregate } from './aggregate.js';
import { arrayOf, BIGINT, elementType, fieldType, JSON_DOCUMENT } from './types.js';

export function lowerSql(schema: SchemaDef, ast: QueryAst, target: TargetDescriptor): { operations: Operation[]; diagnostics: Diagnostic[] } {
  const dialect = target.capabilities.sql;
  if (!dialect) throw new Error(`internal: target ${target.driver} has no SQL dialect`);
  return { operations: lowerStatements(schema, ast, dialect), diagnostics: [] };
}

function op(model: string, purpose: string, stmt: SqlStatement, result: SqlResultSpec): SqlOperation {
  return { kind: 'sql', stmt, purpose, model, result };
}

export function lowerStatements(schema: SchemaDef, ast: QueryAst, dialect: SqlDialect): SqlOperation[] {
  const ctx = new LowerCtx(schema, dialect);
  const m = ast.model;
  const name = schema.models[m].name;
  switch (ast.kind) {
    case 'findMany':
    case 'findFirst':
    case 'findUnique': {
      const scope = ctx.scope(m);
      const sel = withCounts(ctx, scope, rowSelection(ctx, scope, fetchFields(scope, ast.select), ast.include, false), ast.counts);
      const window = {
        orderBy: orderItems(scope, ast.orderBy),
        limit: ast.limit ? param(ast.limit.slot, BIGINT) : null,
        offset: ast.offset ? param(ast.offset.slot, BIGINT) : null,
      };
      const filter = whereOf(lowerFilter(ctx, scope, ast.where));
      const stmt = ast.distinct
        ? distinctSelect(ctx, scope, filter, ast.distinct, ast.orderBy, sel.columns, window)
        : select({ columns: sel.columns, from: table(scope), where: filter, ...window });
      const result: SqlResultSpec = ast.kind === 'findMany' ? { kind: 'rows', rows: sel.shape } : { kind: 'first', rows: sel.shape, orThrow: ast.orThrow };
      return [op(m, `${ast.kind} ${name}`, stmt, result)];
    }
    case 'paginate': {
      const scope = ctx.scope(m);
      const terms = pageTerms(scope, ast.orderBy);
      const run = ast.direction === 'forward' ? terms : reverse(terms);
      const boundary = terms.map((t) => t.field);
      const sel = withCounts(ctx, scope, rowSelection(ctx, scope, fetchFields(scope, ast.select, boundary), ast.include, false), ast.counts);
      const stmt = select({
        columns: sel.columns,
        from: table(scope),
        where: whereOf(and([lowerFilter(ctx, scope, ast.where), ast.cursor ? afterBoundary(scope, run, ast.cursor) : lit(true)])),
        orderBy: orderItems(scope, run),
        limit: param(ast.size.slot, BIGINT, [], 'plus-one'),
      });
      return [
        op(m, `paginate ${name} (${ast.direction})`, stmt, {
          kind: 'page',
          rows: sel.shape,
          size: ast.size,
          direction: ast.direction,
          hasCursor: ast.cursor !== null,
          boundary,
          cursor: ast.cursor,
        }),
      ];
    }
    case 'count': {
      const scope = ctx.scope(m);
      const stmt = select({
        columns: [item(fn('count', { kind: 'star', table: null }), 'count')],
        from: table(scope),
        where: whereOf(lowerFilter(ctx, scope, ast.where)),
      });
      return [op(m, `count ${name}`, stmt, { kind: 'count', wrapped: false })];
    }
    case 'create':
      return ast.many
        ? [createMany(ctx, ast.model, ast.rows.slot, ast.skipDuplicates, ast.returning, ast.select)]
        : [createOne(ctx, ast.model, ast.rows.slot, ast.select, ast.include)];
    case 'aggregate':
      return [lowerAggregate(ctx, ast)];
    case 'update':
      return lowerUpdate(ctx, ast);
    case 'upsert':
      return [lowerUpsert(ctx, ast)];
    case 'delete':
      return lowerDelete(ctx, ast);
    default:
      return assertNever(ast, 'query kind');
  }
}

const table = (scope: Scope) => ({ kind: 'table' as const, name: scope.model.table, alias: scope.alias });

/**
 * A write returning its row. Without includes the statement's RETURNING is
 * the row; with includes it runs in a WITH and the outer SELECT adds the
 * related rows (which exist before the write, so the snapshot sees them).
 * A dialect without writable CTEs (SQLite) returns the row's key instead, and
 * a second statement reads the row with its includes by that key.
 */
function returningRow(
  ctx: LowerCtx,
  write: Scope,
  stmtOf: (returning: SelectItem[]) => SqlStatement,
  sel: readonly string[] | null,
  include: readonly IncludeNode[],
): { stmt: SqlStatement; shape: RowShape; reread?: SqlOperation } {
  const fields = fetchFields(write, sel);
  if (include.length === 0) {
    const rs = rowSelection(ctx, write, fields, [], false);
    return { stmt: stmtOf(rs.columns), shape: rs.shape };
  }
  if (!ctx.dialect.writableCte) {
    const { shape, reread } = rereadByKey(ctx, write.modelKey, fields, include);
    return { stmt: stmtOf(write.model.key.map((k) => item(write.col(k), k))), shape, reread };
  }
  const written = stmtOf(fields.map((f) => item(write.col(f), f)));
  const outer = ctx.scope(write.modelKey);
  const rs = rowSelection(ctx, outer, fields, include, false);
  const cte = `w_${outer.alias}`;
  return {
    stmt: select({ with: [{ name: cte, statement: written }], columns: rs.columns, from: { kind: 'table', name: cte, alias: outer.alias } }),
    shape: rs.shape,
  };
}

/** Reads a written row back by its key: the re-read's only param (slot 0) is an object holding the key fields. */
function rereadByKey(ctx: LowerCtx, m: string, fields: readonly string[], include: readonly IncludeNode[]): { shape: RowShape; reread: SqlOperation } {
  const outer = ctx.scope(m);
  const rs = rowSelection(ctx, outer, fields, include, false);
  const byKey = and(outer.model.key.map((k) => bin('=', outer.col(k), param(0, fieldType(outer.field(k)), [k]))));
  const stmt = select({ columns: rs.columns, from: table(outer), where: byKey });
  const what = include.length ? 'with its includes, by key' : 'by key';
  return { shape: rs.shape, reread: op(m, `read ${outer.model.name} back ${what}`, stmt, { kind: 'first', rows: rs.shape, orThrow: true }) };
}

/** Key fields a write sets to new values: the re-read finds the row by those. */
function keySet(scope: Scope, set: readonly FieldUpdate[]): { field: string; slot: number }[] {
  return set.filter((u) => u.op === 'set' && scope.model.key.includes(u.field)).map((u) => ({ field: u.field, slot: u.value.slot }));
}

/** Finds the row a write without RETURNING will touch, and locks it (see `Locate` in ops.ts). */
function locateOp(ctx: LowerCtx, scope: Scope, columns: SelectItem[], where: SqlExpr | null, purpose: string, rows: RowShape): SqlOperation {
  const stmt = select({ columns, from: table(scope), where, forUpdate: true });
  return op(scope.modelKey, purpose, stmt, { kind: 'first', rows, orThrow: false });
}

const keyColumns = (scope: Scope): SelectItem[] => scope.model.key.map((k) => item(scope.col(k), k));
const keyShape = (scope: Scope): RowShape => ({ model: scope.modelKey, fields: scope.model.key, includes: [] });

function createOne(ctx: LowerCtx, m: string, slot: number, sel: readonly string[] | null, include: readonly IncludeNode[]): SqlOperation {
  const scope = ctx.scope(m);
  const fields = Object.keys(scope.model.fields);
  // The slot holds [row]: values are addressed as [0, field].
  const values = fields.map((f) => param(slot, fieldType(scope.field(f)), [0, f]));
  if (!ctx.dialect.returning) {
    // No RETURNING: insert, then read the row back by the key quern filled in.
    const { shape, reread } = rereadByKey(ctx, m, fetchFields(scope, sel), include);
    const insert = plainInsert(scope.model.table, fields, values);
    return op(m, `create ${scope.model.name}`, insert, { kind: 'written', rows: shape, onEmpty: 'not-found', reread, created: { slot, path: [0] } });
  }
  const { stmt, shape, reread } = returningRow(
    ctx,
    scope,
    (returning) => ({
      kind: 'insert',
      table: scope.model.table,
      alias: scope.alias,
      columns: fields,
      source: { kind: 'values', rows: [values] },
      onConflict: null,
      returning,
    }),
    sel,
    include,
  );
  return op(m, `create ${scope.model.name}`, stmt, { kind: 'written', rows: shape, onEmpty: 'not-found', ...(reread ? { reread } : {}) });
}

/**
 * createMany: one INSERT whatever the row count, so the statement (and its
 * plan) is the same for 1 row or 10,000: the rows travel as one JSON document
 * that the dialect turns into typed rows of the table.
 */
function createMany(ctx: LowerCtx, m: string, slot: number, skipDuplicates: boolean, returning: boolean, sel: readonly string[] | null): SqlOperation {
  const scope = ctx.scope(m);
  // createManyAndReturn: RETURNING the written rows (with skipDuplicates, only those inserted).
  const back = returning ? rowSelection(ctx, ctx.scope(m, scope.model.table), fetchFields(scope, sel), [], false) : null;
  const fields = Object.keys(scope.model.fields);
  const stmt: InsertStatement = {
    kind: 'insert',
    table: scope.model.table,
    alias: null,
    columns: fields,
    source: { kind: 'json', rows: param(slot, JSON_DOCUMENT, [], 'json-rows'), alias: ctx.alias(), types: fields.map((f) => fieldType(scope.field(f))) },
    onConflict: skipDuplicates ? { target: [], action: 'nothing' } : null,
    returning: back ? back.columns : [],
  };
  if (back) return op(m, `createManyAndReturn ${scope.model.name}`, stmt, { kind: 'rows', rows: back.shape });
  return op(m, `createMany ${scope.model.name}`, stmt, { kind: 'affected' });
}

function assignments(scope: Scope, set: readonly FieldUpdate[], versionField: string | null): Assignment[] {
  const out: Assignment[] = set.map((u) => {
    const def = scope.field(u.field);
    const c = scope.col(u.field);
    switch (u.op) {
      case 'set':
        return { column: u.field, value: param(u.value.slot, fieldType(def)) };
      case 'increment':
        return { column: u.field, value: bin('+', c, param(u.value.slot, fieldType(def))) };
      case 'decrement':
        return { column: u.field, value: bin('-', c, param(u.value.slot, fieldType(def))) };
      case 'push':
        return { column: u.field, value: { kind: 'listAppend', list: c, items: param(u.value.slot, arrayOf(elementType(def))) } };
      default:
        return assertNever(u.op, 'update operator');
    }
  });
  if (versionField) out.push({ column: versionField, value: bin('+', scope.col(versionField), lit(1)) });
  return out;
}

function versionOf(ctx: LowerCtx, m: string): string | null {
  for (const [k, d] of Object.entries(ctx.schema.models[m].fields)) if (d.version) return k;
  return null;
}

/** Run only when a version-pinned write matched nothing: does the record exist at all? */
function existsCheck(ctx: LowerCtx, m: string, where: FilterNode, uniqueBy: readonly string[]): SqlOperation {
  const scope = ctx.scope(m);
  const stmt = select({ columns: [item(lit(1), 'exists')], from: table(scope), where: uniqueFilter(scope, where, uniqueBy) });
  return op(m, `check ${scope.model.name} exists (the write matched nothing)`, stmt, { kind: 'exists' });
}

function lowerUpdate(ctx: LowerCtx, ast: Extract<QueryAst, { kind: 'update' }>): SqlOperation[] {
  const m = ast.model;
  const scope = ctx.scope(m);
  const name = scope.model.name;
  const set = assignments(scope, ast.set, ast.versionField);
  const cond = whereOf(lowerFilter(ctx, scope, ast.where));
  if (set.length === 0) {
    // Nothing to write (no fields, no updatedAt, no version): still report what matched.
    if (ast.many) {
      return [
        op(
          m,
          `updateMany ${name} (no changes)`,
          select({ columns: [item(fn('count', { kind: 'star', table: null }), 'count')], from: table(scope), where: cond }),
          { kind: 'count', wrapped: true },
        ),
      ];
    }
    const sel = rowSelection(ctx, scope, fetchFields(scope, ast.select), ast.include, false);
    return [
      op(m, `update ${name} (no changes)`, select({ columns: sel.columns, from: table(scope), where: cond }), {
        kind: 'written',
        rows: sel.shape,
        onEmpty: 'not-found',
      }),
    ];
  }
  if (ast.many) {
    return [
      op(m, `updateMany ${name}`, { kind: 'update', table: scope.model.table, alias: scope.alias, set, where: cond, returning: [] }, { kind: 'affected' }),
    ];
  }
  const check = pinsField(ast.where, versionOf(ctx, m)) && ast.uniqueBy !== null && ast.where !== null;
  if (!ctx.dialect.returning) {
    const { shape, reread } = rereadByKey(ctx, m, fetchFields(scope, ast.select), ast.include);
    const locate = locateOp(ctx, scope, keyColumns(scope), cond, `find and lock the ${name} to update`, keyShape(scope));
    const main = op(
      m,
      `update ${name}`,
      { kind: 'update', table: scope.model.table, alias: scope.alias, set, where: cond, returning: [] },
      {
        kind: 'written',
        rows: shape,
        onEmpty: check ? 'check' : 'not-found',
        reread,
        locate: { op: locate, missing: 'empty', result: false },
        keySet: keySet(scope, ast.set),
      },
    );
    return check ? [main, existsCheck(ctx, m, ast.where!, ast.uniqueBy!)] : [main];
  }
  const { stmt, shape, reread } = returningRow(
    ctx,
    scope,
    (returning) => ({ kind: 'update', table: scope.model.table, alias: scope.alias, set, where: cond, returning }),
    ast.select,
    ast.include,
  );
  const main = op(m, `update ${name}`, stmt, { kind: 'written', rows: shape, onEmpty: check ? 'check' : 'not-found', ...(reread ? { reread } : {}) });
  return check ? [main, existsCheck(ctx, m, ast.where!, ast.uniqueBy!)] : [main];
}

function lowerDelete(ctx: LowerCtx, ast: Extract<QueryAst, { kind: 'delete' }>): SqlOperation[] {
  const m = ast.model;
  const scope = ctx.scope(m);
  const name = scope.model.name;
  const cond = whereOf(lowerFilter(ctx, scope, ast.where));
  if (ast.many)
    return [op(m, `deleteMany ${name}`, { kind: 'delete', table: scope.model.table, alias: scope.alias, where: cond, returning: [] }, { kind: 'affected' })];
  const check = pinsField(ast.where, versionOf(ctx, m)) && ast.uniqueBy !== null && ast.where !== null;
  if (!ctx.dialect.returning) {
    // The located row is the result: it is gone once the delete has run.
    const rs = rowSelection(ctx, scope, fetchFields(scope, ast.select), [], false);
    const locate = locateOp(ctx, scope, rs.columns, cond, `find and lock the ${name} to delete`, rs.shape);
    const main = op(
      m,
      `delete ${name}`,
      { kind: 'delete', table: scope.model.table, alias: scope.alias, where: cond, returning: [] },
      { kind: 'written', rows: rs.shape, onEmpty: check ? 'check' : 'not-found', locate: { op: locate, missing: 'empty', result: true } },
    );
    return check ? [main, existsCheck(ctx, m, ast.where!, ast.uniqueBy!)] : [main];
  }
  const { stmt, shape } = returningRow(
    ctx,
    scope,
    (returning) => ({ kind: 'delete', table: scope.model.table, alias: scope.alias, where: cond, returning }),
    ast.select,
    [],
  );
  const main = op(m, `delete ${name}`, stmt, { kind: 'written', rows: shape, onEmpty: check ? 'check' : 'not-found' });
  return check ? [main, existsCheck(ctx, m, ast.where!, ast.uniqueBy!)] : [main];
}

/**
 * INSERT ... ON CONFLICT (the unique's columns) DO UPDATE ... WHERE (the rest
 * of the where, checked against the existing row) RETURNING. A conflict whose
 * row fails that condition returns nothing.
 */
function lowerUpsert(ctx: LowerCtx, ast: Extract<QueryAst, { kind: 'upsert' }>): SqlOperation {
  const m = ast.model;
  const scope = ctx.scope(m);
  const fields = Object.keys(scope.model.fields);
  const values = fields.map((f) => param(ast.create.slot, fieldType(scope.field(f)), [f]));
  let set = assignments(scope, ast.set, ast.versionField);
  // DO UPDATE needs an assignment to return the existing row; a self-assignment changes nothing.
  if (set.length === 0) set = [{ column: ast.uniqueBy[0], value: scope.col(ast.uniqueBy[0]) }];
  const rest = withoutPins(ast.where, ast.uniqueBy);
  const condition: SqlExpr | null = rest ? whereOf(lowerFilter(ctx, scope, rest)) : null;
  const onEmpty = pinsField(ast.where, versionOf(ctx, m)) ? 'concurrency' : 'not-found';
  if (!ctx.dialect.returning) return lockedUpsert(ctx, scope, ast, values, set, condition, onEmpty);
  const { stmt, shape, reread } = returningRow(
    ctx,
    scope,
    (returning) => ({
      kind: 'insert',
      table: scope.model.table,
      alias: scope.alias,
      columns: fields,
      source: { kind: 'values', rows: [values] },
      onConflict: { target: ast.uniqueBy, action: 'update', set, where: condition },
      returning,
    }),
    ast.select,
    ast.include,
  );
  return op(m, `upsert ${scope.model.name}`, stmt, { kind: 'written', rows: shape, onEmpty, ...(reread ? { reread } : {}) });
}

/**
 * Upsert without RETURNING or ON CONFLICT: lock the row holding the create's values of the
 * unique fields (what ON CONFLICT would conflict on). Found: its condition decides, and the
 * update runs by those values; not found: a plain INSERT (a conflict on another unique is a
 * UniqueConstraintError, as on PostgreSQL). Then the row is read back by key.
 */
function lockedUpsert(
  ctx: LowerCtx,
  scope: Scope,
  ast: Extract<QueryAst, { kind: 'upsert' }>,
  values: SqlExpr[],
  set: Assignment[],
  condition: SqlExpr | null,
  onEmpty: 'concurrency' | 'not-found',
): SqlOperation {
  const m = scope.modelKey;
  const name = scope.model.name;
  const fields = Object.keys(scope.model.fields);
  const byCreate = and(ast.uniqueBy.map((f) => bin('=', scope.col(f), param(ast.create.slot, fieldType(scope.field(f)), [f]))));
  const { shape, reread } = rereadByKey(ctx, m, fetchFields(scope, ast.select), ast.include);
  const located = locateOp(
    ctx,
    scope,
    [...keyColumns(scope), item(condition ?? lit(true), MATCHED_COLUMN)],
    byCreate,
    `find and lock the ${name} to upsert`,
    keyShape(scope),
  );
  const update = op(
    m,
    `upsert ${name} (update)`,
    { kind: 'update', table: scope.model.table, alias: scope.alias, set, where: byCreate, returning: [] },
    { kind: 'affected' },
  );
  const insert = plainInsert(scope.model.table, fields, values);
  return op(m, `upsert ${name} (insert)`, insert, {
    kind: 'written',
    rows: shape,
    onEmpty,
    reread,
    locate: { op: located, missing: 'write', result: false, whenFound: update },
    created: { slot: ast.create.slot, path: [] },
    keySet: keySet(scope, ast.set),
  });
}

/** One row's INSERT without RETURNING, for a dialect that reads the row back by key instead. */
function plainInsert(table: string, columns: string[], values: SqlExpr[]): InsertStatement {
  return { kind: 'insert', table, alias: null, columns, source: { kind: 'values', rows: [values] }, onConflict: null, returning: [] };
}
