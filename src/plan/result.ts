/**
 * What a plan's result is, decided when it is planned: how many rows, which
 * slots window them, how the client projects them. A key-value executor
 * finishes the method from this (as the SQL executor does from each
 * statement's SqlResultSpec) and the client shapes every target's result from
 * it, so nothing re-reads the query AST at run time.
 */
import type { AggSelection, AggTerm, FilterNode, IncludeNode, OrderTerm, QueryAst, Slot } from '../query/ast.js';
import { assertNever } from './plan.js';

/** The rows of an aggregate or groupBy folded in the engine (a key-value target reads them first). */
export interface FoldSpec {
  readonly by: readonly string[] | null;
  readonly terms: readonly AggTerm[];
  readonly having: FilterNode | null;
  readonly orderBy: readonly OrderTerm[];
  readonly limit: Slot | null;
  readonly offset: Slot | null;
}

/** Projection the client applies: the selected fields plus the included relations (and theirs). */
interface Projection {
  readonly select: readonly string[] | null;
  readonly include: readonly IncludeNode[];
}

export type ResultSpec =
  | (Projection & {
      readonly kind: 'findMany' | 'findFirst' | 'findUnique';
      /** findFirstOrThrow / findUniqueOrThrow: no row is a NotFoundError. */
      readonly orThrow: boolean;
      readonly limit: Slot | null;
      readonly offset: Slot | null;
      readonly distinct: readonly string[] | null;
    })
  | (Projection & {
      readonly kind: 'paginate';
      readonly size: Slot;
      readonly direction: 'forward' | 'backward';
      readonly cursor: Slot | null;
      /** What a cursor is bound to (the filter and order it pages through). */
      readonly where: FilterNode | null;
      readonly orderBy: readonly OrderTerm[];
    })
  | { readonly kind: 'count' }
  | { readonly kind: 'aggregate'; readonly fold: FoldSpec; readonly output: AggSelection }
  | (Projection & { readonly kind: 'create'; readonly many: boolean; readonly returning: boolean })
  /** `where`: the filter the write matched (a db.batch on a key-value target re-checks it against the batch's earlier writes). */
  | (Projection & { readonly kind: 'update'; readonly many: boolean; readonly where: FilterNode | null })
  | (Projection & { readonly kind: 'upsert' })
  | { readonly kind: 'delete'; readonly many: boolean; readonly where: FilterNode | null; readonly select: readonly string[] | null };

export function resultSpec(ast: QueryAst): ResultSpec {
  switch (ast.kind) {
    case 'findMany':
    case 'findFirst':
    case 'findUnique':
      return {
        kind: ast.kind,
        orThrow: ast.kind === 'findMany' ? false : ast.orThrow,
        limit: ast.limit,
        offset: ast.offset,
        distinct: ast.distinct,
        select: ast.select,
        include: ast.include,
      };
    case 'paginate':
      return {
        kind: 'paginate',
        size: ast.size,
        direction: ast.direction,
        cursor: ast.cursor,
        where: ast.where,
        orderBy: ast.orderBy,
        select: ast.select,
        include: ast.include,
      };
    case 'count':
      return { kind: 'count' };
    case 'aggregate':
      return {
        kind: 'aggregate',
        fold: { by: ast.by, terms: ast.terms, having: ast.having, orderBy: ast.orderBy, limit: ast.limit, offset: ast.offset },
        output: ast.output,
      };
    case 'create':
      return { kind: 'create', many: ast.many, returning: ast.returning, select: ast.select, include: ast.include };
    case 'update':
      return { kind: 'update', many: ast.many, where: ast.where, select: ast.select, include: ast.include };
    case 'upsert':
      return { kind: 'upsert', select: ast.select, include: ast.include };
    case 'delete':
      return { kind: 'delete', many: ast.many, where: ast.where, select: ast.select };
    default:
      return assertNever(ast, 'query kind');
  }
}
