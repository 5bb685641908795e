/**
 * SQL plan operations: a statement AST the driver serialises, plus what the
 * SQL executor (src/engine/sql) needs to turn the statement's rows into the
 * method-level result without looking at the model-level query again.
 */
import type { Slot } from '../../query/ast.js';
import type { ModelDef } from '../../schema/model.js';
import type { SqlStatement } from './ast.js';

/**
 * The columns a statement returns for one model, so rows can be decoded per
 * field: top-level columns are named after fields; each include is one JSON
 * column named after the relation, holding rows of the related model.
 */
export interface RowShape {
  /** Schema key of the model (client accessor). */
  readonly model: string;
  readonly fields: readonly string[];
  readonly includes: readonly IncludeShape[];
  /** Relation counts, one bigint column `_count.<relation>` each; decoded into `_count: { relation: n }`. */
  readonly counts?: readonly string[];
  /** Rows of a model that is not in the schema (aggregate group rows): its field definitions. */
  readonly virtual?: ModelDef;
}

export interface IncludeShape {
  readonly relation: string;
  readonly cardinality: 'one' | 'many';
  readonly rows: RowShape;
}

/** How the executor turns a statement's rows into the method result. */
export type SqlResultSpec =
  /** findMany: every row. */
  | { readonly kind: 'rows'; readonly rows: RowShape }
  /** findUnique / findFirst: the first row or null (`orThrow`: NotFoundError). */
  | { readonly kind: 'first'; readonly rows: RowShape; readonly orThrow: boolean }
  /** count: the `count` column of the single row; `wrapped` gives `{ count }` (an updateMany with nothing to set). */
  | { readonly kind: 'count'; readonly wrapped: boolean }
  /** createMany / updateMany / deleteMany: `{ count }` from the affected-row count. */
  | { readonly kind: 'affected' }
  /**
   * create / update / upsert / delete: the returned row. No row means the
   * target did not exist (NotFoundError), or, when `onEmpty` is 'check', the
   * plan's existence check decides between ConcurrencyError and NotFoundError;
   * 'concurrency' means a row existed but failed the version condition.
   */
  | {
      readonly kind: 'written';
      readonly rows: RowShape;
      readonly onEmpty: 'not-found' | 'check' | 'concurrency';
      /**
       * Dialects without writable CTEs: the write returns only the row's key, and this statement
       * (its one param, slot 0, is that returned row) reads the row back with its includes.
       */
      readonly reread?: SqlOperation;
    }
  /**
   * paginate: `size + 1` rows in query order (reversed order when paging
   * backward); `boundary` names the fields whose values delimit a page.
   */
  | {
      readonly kind: 'page';
      readonly rows: RowShape;
      readonly size: Slot;
      readonly direction: 'forward' | 'backward';
      readonly hasCursor: boolean;
      readonly boundary: readonly string[];
      /** The slot holding the decoded cursor (checked against the boundary fields' types before sending). */
      readonly cursor: Slot | null;
    }
  /**
   * Runs only when the preceding write matched no row: a row here means the
   * record exists but its version moved on (ConcurrencyError); none means
   * NotFoundError.
   */
  | { readonly kind: 'exists' };

export interface SqlOperation {
  readonly kind: 'sql';
  readonly stmt: SqlStatement;
  /** What the statement is for, for explain output and the executor. */
  readonly purpose: string;
  /** Schema key of the model the statement is about (error mapping, log events). */
  readonly model: string;
  readonly result: SqlResultSpec;
}
