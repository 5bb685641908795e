/** Public exports of `quern`. Drivers live in `quern/postgres` and `quern/dynamodb`. */
export { f, Field, type FieldDef, type ScalarKind, type FieldKind, type JsonValue } from './schema/field.js';
export { model, index, unique, type Model, type ModelDef, type IndexDef, type UniqueDef } from './schema/model.js';
export {
  hasMany,
  hasOne,
  belongsTo,
  manyToMany,
  type RelationDef,
  type RelationSpec,
  type OnDelete,
  type BelongsToOptions,
  type ManyToManyOptions,
} from './schema/relation.js';
export { defineSchema, type Schema, type SchemaDef } from './schema/define.js';
export type { Row, CreateInput, CreateData, UpdateInput, UpdateData, Where, OrderBy, Result, SelectArg, IncludeArg, ModelKey } from './schema/infer.js';
export { createClient, planOffline, Query, type Client, type ClientOptions, type ModelClient, type TxClient, type Page, type Explanation } from './client.js';
export {
  QuernError,
  ValidationError,
  SchemaError,
  CapabilityError,
  UniqueConstraintError,
  ForeignKeyError,
  NotFoundError,
  ConcurrencyError,
  BatchError,
  DriverError,
  TimeoutError,
  PoolExhaustedError,
  TransactionClosedError,
  ClientClosedError,
  OutOfRangeError,
} from './errors.js';
export { postgresCapabilities, dynamodbCapabilities, capabilitiesFor, type Capabilities, type TargetName, type DriverName } from './plan/capabilities.js';
export { DIAGNOSTICS, DIAGNOSTIC_SEVERITY, type Diagnostic, type DiagnosticCode, type DiagnosticInfo } from './plan/diagnostics.js';
export type { Plan, Operation } from './plan/plan.js';
export type { Driver, Executor, TargetDescriptor, QueryEvent, ExecContext, PageResult, PreparedQuery, ConnectSettings } from './engine/driver.js';
export { DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS } from './engine/driver.js';
export { buildQuery, METHODS, type Method } from './query/build.js';
export type { QueryAst, FilterNode, BuiltQuery } from './query/ast.js';
export { defineConfig, type QuernConfig } from './config.js';
