/** The migration engine, independent of the command line. */
export { generateMigration, type GenerateOptions, type GenerateResult } from './generate.js';
export { sqlFile } from './postgres/format.js';
export { applyMigrations, checkMigrations, migrationStatuses, statusFor, type ApplyOptions, type CheckOptions, type CheckProblem, type CheckResult, type StatusReport } from './run.js';
export { diffSchemas, isEmptyDiff, type SchemaDiff, type ModelPair } from './diff/diff.js';
export { parseRename, nonInteractiveResolver, type RenameResolver, type RenameSpec } from './diff/renames.js';
export { loadMigrations, SNAPSHOT_FILE, type Migration } from './folder.js';
export { normalizeSchema, sameSchema, parseSnapshot, type Snapshot } from './snapshot.js';
export { renderPostgres } from './postgres/render.js';
export { renderDynamo } from './dynamodb/render.js';
export { resolveConnections, type Connections } from './connections.js';
export { barProgress, lineProgress, silentProgress, collectingProgress, defaultProgress, isCI, isInteractive, type Progress } from './progress.js';
export { describeState, type StatusRow, type MigrationState } from './plan.js';
export { MigrationError, MigrationFileError, DestructiveChangeError, AmbiguousChangeError, UnsupportedChangeError, LockError } from './errors.js';
export { PG_LEDGER } from './postgres/apply.js';
export { LEDGER_TABLE as DYNAMO_LEDGER, DynamoLedger } from './dynamodb/ledger.js';
