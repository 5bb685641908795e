/**
 * What each target can do, as plain static data. Planning, `explain` and `lint`
 * need nothing but this, so they work offline, without a connection.
 */
export type TargetName = 'postgres' | 'dynamodb';
export type DriverName = 'postgres' | 'pglite' | 'dynamodb';

export interface Capabilities {
  readonly target: TargetName;
  readonly family: 'sql' | 'kv';
  /** Relation filters some/every/none/is evaluated by the database. */
  readonly relationFilters: boolean;
  /** Any orderBy, not just an index's sort key. */
  readonly arbitraryOrder: boolean;
  readonly offset: 'native' | 'emulated';
  /** count without a pinned partition is a full read. */
  readonly countNeedsPartition: boolean;
  readonly interactiveTransactions: boolean;
  /** Largest atomic batch, or null when unbounded. */
  readonly maxAtomicBatch: number | null;
  readonly textOperators: readonly ('contains' | 'startsWith' | 'endsWith')[];
  readonly caseInsensitive: boolean;
  /** Filters on fields outside the key need a Query/Scan filter (false: any WHERE is fine). */
  readonly keyValueAccess: boolean;
  /** Largest request batch of key reads (BatchGetItem). */
  readonly maxBatchGet: number | null;
}

export const postgresCapabilities: Capabilities = {
  target: 'postgres',
  family: 'sql',
  relationFilters: true,
  arbitraryOrder: true,
  offset: 'native',
  countNeedsPartition: false,
  interactiveTransactions: true,
  maxAtomicBatch: null,
  textOperators: ['contains', 'startsWith', 'endsWith'],
  caseInsensitive: true,
  keyValueAccess: false,
  maxBatchGet: null,
};

export const dynamodbCapabilities: Capabilities = {
  target: 'dynamodb',
  family: 'kv',
  relationFilters: false,
  arbitraryOrder: false,
  offset: 'emulated',
  countNeedsPartition: true,
  interactiveTransactions: false,
  maxAtomicBatch: 100,
  // begins_with and contains exist in DynamoDB expressions; ends_with does not.
  textOperators: ['contains', 'startsWith'],
  caseInsensitive: false,
  keyValueAccess: true,
  maxBatchGet: 100,
};

export const capabilitiesFor: Readonly<Record<TargetName, Capabilities>> = {
  postgres: postgresCapabilities,
  dynamodb: dynamodbCapabilities,
};
