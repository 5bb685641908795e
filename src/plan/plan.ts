import type { DriverName, TargetName } from './capabilities.js';
import type { Diagnostic } from './diagnostics.js';
import type { QueryKind } from '../query/ast.js';
import type { ResultSpec } from './result.js';
import type { KvOperation } from './kv/ops.js';
import type { SqlOperation } from './sql/ops.js';

/** Engine-side steps that no database runs. */
export type EngineOperation =
  /** Stitch related rows onto parents (relation include). */
  | { readonly kind: 'Merge'; readonly relation: string; readonly from: string; readonly to: string; readonly cardinality: 'one' | 'many' }
  /** Filtering done by the engine; only where a capability declares it as an emulation. */
  | { readonly kind: 'ClientFilter'; readonly model: string; readonly reason: string }
  /** Rows folded by the engine after reading them (aggregate, groupBy, distinct on a key-value target). */
  | { readonly kind: 'Fold'; readonly model: string; readonly reason: string }
  /** `_count` of a relation read from the parent's counter-cache field (no request). */
  | { readonly kind: 'CounterRead'; readonly model: string; readonly relation: string; readonly field: string };

/** The closed union of everything a plan can do. Executors switch on `kind` exhaustively. */
export type Operation = SqlOperation | KvOperation | EngineOperation;

export interface Plan {
  readonly target: TargetName;
  readonly driver: DriverName;
  /** The model's name (diagnostics, explain). */
  readonly model: string;
  /** The model's schema key (`db.post` → 'post'), which executors index the schema by. */
  readonly modelKey: string;
  /** The client method's kind (the query AST's): a closed union, so executors switch on it exhaustively. */
  readonly kind: QueryKind;
  readonly shape: string;
  /** How the method's result is finished and projected (the executors and the client read this, never the AST). */
  readonly result: ResultSpec;
  readonly operations: readonly Operation[];
  /** Errors mean the plan must not run; warnings run (or throw under `strict`). */
  readonly diagnostics: readonly Diagnostic[];
}

export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}
