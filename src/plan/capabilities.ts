/**
 * What each target can do, as plain static data. Planning, `explain` and `lint`
 * need nothing but this, so they work offline, without a connection. Every
 * flag here has a reader in the planner, the engine or the client: a flag
 * nothing reads is decoration and does not belong here.
 */
import { mysqlDialect, postgresDialect, sqliteDialect, type SqlDialect } from './sql/dialect.js';

/**
 * A target's planning name (`Capabilities.target`) and a driver's name (`Driver.name`). Both are
 * open, so a target written against `quern/driver` outside this package names itself. Nothing in
 * src/ chooses by name: the planner, the engine and the client read the target's Capabilities
 * (family, SQL dialect, limits) and its descriptor. The closed list of the targets quern ships,
 * where one is needed (one migration file per target), is the registry's (targets/).
 *
 * Flavoured strings: any string is one, but a DriverName is not taken for a TargetName (pglite
 * is a driver that plans as postgres).
 */
export type TargetName = string & { readonly __quernName?: 'target' };
export type DriverName = string & { readonly __quernName?: 'driver' };

export interface Capabilities {
  readonly target: TargetName;
  /**
   * Which planner runs: 'sql' lowers to one statement per method (any filter, any order,
   * count, offset); 'kv' chooses a key-value access path per query, where a filter
   * outside keys and indexes, an order off an index's sort key, or a count without a
   * pinned partition is refused with its diagnostic.
   */
  readonly family: 'sql' | 'kv';
  /** The SQL dialect ('sql' family), read by lowering and the DDL renderers; null for key-value targets. */
  readonly sql: SqlDialect | null;
  /** Relation filters some/every/none/is evaluated by the database. */
  readonly relationFilters: boolean;
  /** 'emulated': offset reads and discards the skipped rows (an `offset-emulated` warning). */
  readonly offset: 'native' | 'emulated';
  readonly interactiveTransactions: boolean;
  /** Largest atomic batch (items of one transaction), or null when unbounded. */
  readonly maxAtomicBatch: number | null;
  /** Text operators the target evaluates; any other is `operator-unsupported`. */
  readonly textOperators: readonly ('contains' | 'startsWith' | 'endsWith')[];
  /** `mode: 'insensitive'` on text operators. */
  readonly caseInsensitive: boolean;
  /** Largest request batch of key reads (BatchGetItem), or null when unbounded. */
  readonly maxBatchGet: number | null;
}

export const postgresCapabilities: Capabilities = {
  target: 'postgres',
  family: 'sql',
  sql: postgresDialect,
  relationFilters: true,
  offset: 'native',
  interactiveTransactions: true,
  maxAtomicBatch: null,
  textOperators: ['contains', 'startsWith', 'endsWith'],
  caseInsensitive: true,
  maxBatchGet: null,
};

export const dynamodbCapabilities: Capabilities = {
  target: 'dynamodb',
  family: 'kv',
  sql: null,
  relationFilters: false,
  offset: 'emulated',
  interactiveTransactions: false,
  maxAtomicBatch: 100,
  // begins_with and contains exist in DynamoDB expressions; ends_with does not.
  textOperators: ['contains', 'startsWith'],
  caseInsensitive: false,
  maxBatchGet: 100,
};

/** SQLite runs every query shape in one statement, as PostgreSQL does; what differs is its dialect. */
export const sqliteCapabilities: Capabilities = {
  ...postgresCapabilities,
  target: 'sqlite',
  sql: sqliteDialect,
};

/** MySQL and MariaDB: every query shape in one statement too; writes re-read their row by key (no RETURNING). */
export const mysqlCapabilities: Capabilities = {
  ...postgresCapabilities,
  target: 'mysql',
  sql: mysqlDialect,
};

/** The capabilities of the targets quern ships, by planning name. */
export const capabilitiesFor = {
  postgres: postgresCapabilities,
  dynamodb: dynamodbCapabilities,
  sqlite: sqliteCapabilities,
  mysql: mysqlCapabilities,
} as const satisfies Readonly<Record<string, Capabilities>>;
