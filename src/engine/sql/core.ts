/**
 * What the SQL executor needs from a SQL driver: a compiler (SQL AST → text
 * and a param binder), connections, transactions and error mapping. The
 * postgres and pglite drivers implement it; the executor knows no dialect.
 */
import type { SchemaDef } from '../../schema/define.js';
import type { DriverName } from '../../plan/capabilities.js';
import type { SqlStatement } from '../../plan/sql/ast.js';

export interface CompiledSql {
  readonly text: string;
  /** Turns the query's params array into the values for $1..$n. */
  bind(params: readonly unknown[]): unknown[];
  /** Driver-private: e.g. the prepared-statement name on pg. */
  readonly name?: string;
  /** A plain read (a SELECT with no data-modifying CTE): safe to run again after a lost session. */
  readonly readOnly: boolean;
}

export interface SqlRows {
  readonly rows: Record<string, unknown>[];
  readonly rowCount: number;
}

/** One session (a pooled client, or the PGlite instance or its transaction). */
export interface SqlConnection {
  query(sql: CompiledSql, values: unknown[]): Promise<SqlRows>;
}

/**
 * How a driver's column values differ from what the decoders take (PostgreSQL's forms). SQLite
 * keeps booleans as 0/1 and lists and json values as JSON text: these turn them back first.
 */
export interface StoredValues {
  readonly boolean?: (v: unknown) => unknown;
  readonly json?: (v: unknown) => unknown;
  readonly list?: (v: unknown) => unknown;
  /** A timestamp in the driver's own text (MySQL's JSON holds `YYYY-MM-DD HH:MM:SS.mmm` in UTC). */
  readonly timestamp?: (v: unknown) => unknown;
  /** A decimal in the driver's own text (MySQL pads DECIMAL(65,30) with zeros). */
  readonly decimal?: (v: unknown) => unknown;
}

export interface SqlDriverCore {
  readonly driver: DriverName;
  /** Absent: values arrive in PostgreSQL's forms. */
  readonly values?: StoredValues;
  compile(stmt: SqlStatement): CompiledSql;
  /** Auto-commit execution (a pool on pg). */
  connection(): SqlConnection;
  /** Runs fn on one connection inside BEGIN/COMMIT; rolls back when fn throws. */
  transaction<T>(fn: (conn: SqlConnection) => Promise<T>): Promise<T>;
  /** A database error → the typed quern error (UniqueConstraintError, ...). `model` is a schema key. */
  mapError(e: unknown, schema: SchemaDef, model: string | undefined): Error;
}
