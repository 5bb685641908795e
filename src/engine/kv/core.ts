/**
 * The small interface a key-value driver implements for KvExecutor. Requests
 * are logical: model accessors instead of physical table names, JS values
 * instead of AttributeValues, condition ASTs plus a resolver instead of
 * expression strings. The driver renders, marshals, retries and logs.
 */
import type { KvCondition, KvKeyCondition, KvUpdate, KvValue } from '../../plan/kv/ops.js';
import type { QueryEvent } from '../driver.js';

export type Row = Record<string, unknown>;

/**
 * A decoded parent item's reference-guard counts (src/schema/guards.ts), keyed by attribute:
 * a non-enumerable property, so rows handed to callers never show them.
 */
export const GUARD_COUNTS = Symbol('quern.guardCounts');
export const guardCounts = (row: Row): Readonly<Record<string, number>> | undefined => (row as { [GUARD_COUNTS]?: Record<string, number> })[GUARD_COUNTS];
/** Key attributes as JS values. */
export type KeyValues = Record<string, unknown>;
/** Turns a plan's value reference into the JS value for this request. */
export type Resolve = (ref: KvValue) => unknown;
export type Log = ((e: QueryEvent) => void) | undefined;

export interface KvQueryRequest {
  readonly model: string;
  readonly index: string | null;
  readonly key: KvKeyCondition;
  readonly filter: KvCondition | null;
  readonly forward: boolean;
  /** Items evaluated per request (DynamoDB's Limit, applied before the filter). */
  readonly pageSize?: number;
  readonly startKey?: KeyValues | null;
  readonly select: 'items' | 'count';
  readonly resolve: Resolve;
}

export interface KvScanRequest {
  readonly model: string;
  readonly filter: KvCondition | null;
  readonly pageSize?: number;
  readonly startKey?: KeyValues | null;
  readonly select: 'items' | 'count';
  readonly resolve: Resolve;
}

export interface KvPage {
  readonly items: Row[];
  readonly count: number;
  /** Where the next page starts (LastEvaluatedKey decoded), or null at the end. */
  readonly lastKey: KeyValues | null;
}

/** One item of a TransactWriteItems (or a single conditional write). */
export type KvWriteItem =
  | { readonly kind: 'Put'; readonly model: string; readonly item: Row; readonly condition: KvCondition | null; readonly resolve: Resolve }
  | {
      readonly kind: 'Update';
      readonly model: string;
      readonly key: KeyValues;
      readonly updates: readonly KvUpdate[];
      readonly condition: KvCondition | null;
      readonly resolve: Resolve;
    }
  | { readonly kind: 'Delete'; readonly model: string; readonly key: KeyValues; readonly condition: KvCondition | null; readonly resolve: Resolve }
  /** Claim a unique constraint's values for the row with `key` (fails if another row holds them). */
  | { readonly kind: 'PutUnique'; readonly model: string; readonly constraint: string; readonly values: readonly unknown[]; readonly key: KeyValues }
  /** Release the values, only if they belong to `key` (absent is fine). */
  | { readonly kind: 'DeleteUnique'; readonly model: string; readonly constraint: string; readonly values: readonly unknown[]; readonly key: KeyValues }
  /**
   * Write or remove the entry of one element of an indexed list for the row with `key`. No
   * condition of their own: the row's write in the same transaction pins the list they follow.
   */
  | { readonly kind: 'PutListEntry' | 'DeleteListEntry'; readonly model: string; readonly field: string; readonly element: unknown; readonly key: KeyValues };

/** One page of an indexed list's entries: the keys of the rows holding the element, in key order. */
export interface KvEntryPage {
  readonly keys: KeyValues[];
  /** Where the next page starts, or null at the end. */
  readonly lastKey: KeyValues | null;
}

export interface KvDriverCore {
  get(model: string, key: KeyValues, log: Log): Promise<Row | null>;
  /** At most 100 keys; unprocessed keys are retried by the driver. */
  batchGet(model: string, keys: readonly KeyValues[], log: Log): Promise<Row[]>;
  query(req: KvQueryRequest, log: Log): Promise<KvPage>;
  scan(req: KvScanRequest, log: Log): Promise<KvPage>;
  /** The base-table key a unique constraint's values point at, or null. */
  getUnique(model: string, constraint: string, values: readonly unknown[], log: Log): Promise<KeyValues | null>;
  /** Rows whose indexed list `field` holds `element`: one Query page of its entries (at most `pageSize`). */
  listEntries(model: string, field: string, element: unknown, startKey: KeyValues | null, pageSize: number | undefined, log: Log): Promise<KvEntryPage>;
  /** Single conditional writes. `returning`: the item after (update) or before (delete) the write. */
  put(w: Extract<KvWriteItem, { kind: 'Put' }>, log: Log): Promise<void>;
  update(w: Extract<KvWriteItem, { kind: 'Update' }>, log: Log): Promise<Row>;
  delete(w: Extract<KvWriteItem, { kind: 'Delete' }>, log: Log): Promise<Row>;
  /** All or nothing; at most 100 items. */
  transact(items: readonly KvWriteItem[], log: Log): Promise<void>;
  /**
   * A colocated parent and the items of the named child models in its partition: ONE Query of
   * the item collection (paged past 1 MB). See src/schema/colocation.ts.
   */
  collection(model: string, key: KeyValues, children: readonly string[], log: Log): Promise<{ parent: Row | null; children: Record<string, Row[]> }>;
  /** Attributes that identify an item in a table or index: what a page boundary must hold. */
  keyAttributes(model: string, index: string | null): readonly string[];
}

/** A single conditional write failed; `item` is the current item (null when absent). */
export class KvConditionFailed extends Error {
  override name = 'KvConditionFailed';
  constructor(
    readonly item: Row | null,
    cause?: unknown,
  ) {
    super('conditional check failed', { cause });
  }
}

/** One entry per transaction item; null where that item did not cause the cancellation. */
export interface KvCancelReason {
  readonly code: string;
  readonly message?: string;
  readonly item?: Row | null;
}

export class KvTransactionCancelled extends Error {
  override name = 'KvTransactionCancelled';
  constructor(
    readonly reasons: readonly (KvCancelReason | null)[],
    cause?: unknown,
  ) {
    super(`transaction cancelled: ${reasons.map((r) => r?.code ?? 'None').join(', ')}`, { cause });
  }
}
