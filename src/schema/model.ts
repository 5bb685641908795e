import type { AnyField, FieldDef } from './field.js';

export interface IndexDef {
  readonly name: string;
  readonly fields: readonly string[];
  /**
   * Write-sharded global order (DynamoDB): the one field is the sort key of a GSI whose
   * partition is a shard number derived from the item's key, so writes spread over `shards`
   * partitions and an order over the whole table reads them all and merges. SQL: a plain index.
   */
  readonly shards?: number;
}
export interface UniqueDef {
  readonly name: string;
  readonly fields: readonly string[];
}

export interface ModelDef {
  readonly name: string;
  /** Physical table name (PostgreSQL table, DynamoDB table before the prefix). */
  readonly table: string;
  readonly fields: Readonly<Record<string, FieldDef>>;
  /** On DynamoDB one field (partition key) or two (partition, sort); on SQL up to MAX_KEY_FIELDS primary key columns. */
  readonly key: readonly string[];
  readonly indexes: readonly IndexDef[];
  /** Every unique constraint, single-field `.unique()` ones included. */
  readonly uniques: readonly UniqueDef[];
  readonly renamedFrom?: string;
  /**
   * Only in the DynamoDB view of a schema (src/schema/colocation.ts): the model lives in an item
   * collection shared with a parent (or its children).
   */
  readonly colocation?: Colocation;
}

export interface Colocation {
  /** The physical table of the collection (before the driver's prefix). */
  readonly table: string;
  /** The sort-key text of this model's items: the parent's constant, or the child's prefix before its key. */
  readonly sk: string;
  readonly role: 'parent' | 'child';
  /** Schema accessor of the collection's parent model. */
  readonly parent: string;
}

export interface IndexSpec {
  readonly fields: readonly string[];
  readonly name?: string;
  readonly shards?: number;
  named(name: string): IndexSpec;
}
export interface IndexOptions {
  /** Spread the index over this many DynamoDB partitions (write-sharded global order). */
  readonly shards?: number;
}
export interface UniqueSpec {
  readonly fields: readonly string[];
  readonly name?: string;
  named(name: string): UniqueSpec;
}

export function index(...args: [string, ...string[]] | [string, IndexOptions] | [string, string, IndexOptions]): IndexSpec {
  const last = args[args.length - 1];
  const opts: IndexOptions | null = typeof last === 'object' && last !== null ? last : null;
  const fields = (opts ? args.slice(0, -1) : args) as string[];
  return {
    fields,
    ...(opts && opts.shards !== undefined ? { shards: opts.shards } : {}),
    named(name: string) {
      return { ...this, name };
    },
  };
}
export function unique(...fields: [string, ...string[]]): UniqueSpec {
  return {
    fields,
    named(name: string) {
      return { ...this, name };
    },
  };
}

export type FieldsShape = Record<string, AnyField>;

export interface ModelOptions<F extends FieldsShape> {
  /** Composite key: [partition, sort] (more fields on SQL targets). Without it, the single field marked `.key()` is the key. */
  key?: readonly (keyof F & string)[];
  indexes?: readonly IndexSpec[];
  uniques?: readonly UniqueSpec[];
  table?: string;
  renamedFrom?: string;
}

export interface Model<N extends string = string, F extends FieldsShape = FieldsShape> {
  readonly name: N;
  readonly fields: F;
  /** Unvalidated options; defineSchema validates and produces the ModelDef. */
  readonly options: ModelOptions<F>;
}

export function model<const N extends string, F extends FieldsShape>(name: N, fields: F, options: ModelOptions<F> = {}): Model<N, F> {
  return { name, fields, options };
}
