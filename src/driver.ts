/**
 * `quern/driver`: everything a target's author needs, without deep imports. A target is a
 * `Driver` (connect, push, close) whose `Executor` runs the plans quern makes, plus a
 * `TargetDescriptor`: its `Capabilities` (what the planner may ask of it) and how it describes
 * an operation for `explain`. docs/architecture.md walks through adding one.
 *
 * The contract, in short:
 * - Plans are data. A SQL target gets `{ kind: 'sql', stmt }` operations holding a
 *   dialect-neutral AST (`SqlStatement`) and serializes it itself; `SqlExecutor` runs whole
 *   plans over a `SqlDriverCore` (compile + query + transaction), so a SQL target writes only
 *   those. Every operation kind is in the closed union `Operation`.
 * - Errors are typed. A driver maps its database's errors to the classes below (a unique
 *   violation to `UniqueConstraintError`, a timeout to `TimeoutError`, anything else to
 *   `DriverError`), so an application catches the same class on every target.
 * - Capabilities are honest. A flag says what the planner may rely on; what the target cannot
 *   do is refused by the planner with a `CapabilityError` carrying a diagnostic code and a fix.
 */
export type { Driver, Executor, ExecContext, PreparedQuery, PageResult, BatchGuard, ConnectSettings, QueryEvent } from './engine/driver.js';
export type { TargetDescriptor } from './plan/target.js';
export { resolveTimeouts, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './engine/driver.js';
export type { Capabilities, TargetName, DriverName } from './plan/capabilities.js';
export { postgresCapabilities, dynamodbCapabilities } from './plan/capabilities.js';
export type { SqlDialect, SqlDialectName } from './plan/sql/dialect.js';
export type { Plan, Operation, EngineOperation } from './plan/plan.js';
export { assertNever } from './plan/plan.js';
export type { Diagnostic, DiagnosticCode } from './plan/diagnostics.js';
export type {
  SqlStatement,
  SelectStatement,
  InsertStatement,
  UpdateStatement,
  DeleteStatement,
  SqlExpr,
  SqlParam,
  SqlScalarType,
  SqlTypeRef,
  ParamTransform,
  BinaryOp,
  SqlFunction,
  InsertSource,
  OrderItem,
  SelectItem,
} from './plan/sql/ast.js';
export { SqlWriter, quoteIdent, type SerializedSql } from './plan/sql/writer.js';
export type { SqlDriverCore, CompiledSql, SqlRows, SqlConnection } from './engine/sql/core.js';
export { SqlExecutor } from './engine/sql/executor.js';
export { refuseWhenClosed } from './engine/closed.js';
export type { SchemaDef } from './schema/define.js';
export type { ModelDef, IndexDef, UniqueDef } from './schema/model.js';
export type { FieldDef, FieldKind, ScalarKind, ElementDef } from './schema/field.js';
export type { RelationDef, OnDelete } from './schema/relation.js';
export {
  QuernError,
  ValidationError,
  CapabilityError,
  UniqueConstraintError,
  ForeignKeyError,
  NotFoundError,
  ConcurrencyError,
  OutOfRangeError,
  BatchError,
  DriverError,
  TimeoutError,
  PoolExhaustedError,
  TransactionClosedError,
  ClientClosedError,
  MissingDependencyError,
} from './errors.js';
