/**
 * The interface every driver implements. `src` defines it and never imports a
 * driver; drivers import these types and the executors from src/engine.
 */
import type { SchemaDef } from '../schema/define.js';
import type { DriverName } from '../plan/capabilities.js';
import type { Diagnostic } from '../plan/diagnostics.js';
import type { Plan } from '../plan/plan.js';
import type { TargetDescriptor } from '../plan/target.js';

/** Re-exported: drivers implement the descriptor next to the rest of this interface. */
export type { TargetDescriptor };

/** One request sent to a database, reported through the client's `log` hook. */
export interface QueryEvent {
  readonly driver: DriverName;
  readonly model?: string;
  /** 'sql', or the DynamoDB command name ('GetItem', 'Query', ...). */
  readonly operation: string;
  readonly sql?: string;
  readonly params?: readonly unknown[];
  readonly request?: unknown;
  readonly durationMs: number;
  readonly rowCount: number;
  /** DynamoDB: capacity units the request consumed (ReturnConsumedCapacity TOTAL). */
  readonly consumedCapacity?: number;
}

export interface ExecContext {
  readonly schema: SchemaDef;
  readonly log?: (e: QueryEvent) => void;
  /**
   * A warning only known at run time (e.g. `fanout` when an `in` list needs several
   * BatchGetItem requests). The client throws from it under `strict`; absent, the
   * executor reports it with process.emitWarning.
   */
  readonly warn?: (d: Diagnostic) => void;
  /** Requests one fan-out point of a query may send before it is refused (KV targets); absent: the default. */
  readonly maxFanout?: number;
}

/** Boundaries for paginate: target-specific, the engine turns them into signed opaque cursors. */
export interface PageResult<Row = Record<string, unknown>> {
  readonly items: Row[];
  readonly next: unknown | null;
  readonly prev: unknown | null;
}

export interface PreparedQuery {
  readonly plan: Plan;
  readonly params: unknown[];
}

/**
 * Runs plans. `run` returns the method-level result: a row or null (findUnique,
 * findFirst), rows (findMany), a number (count), a row (create/update/upsert/
 * delete), { count } (createMany, updateMany, deleteMany),
 * or a PageResult (paginate).
 */
/** A row (model schema key and key values) a batch requires to exist. */
export interface BatchGuard {
  readonly model: string;
  readonly key: Readonly<Record<string, unknown>>;
}

export interface Executor {
  run(q: PreparedQuery, ctx: ExecContext): Promise<unknown>;
  /**
   * All or nothing. A failing item throws BatchError with its index. `guards`: rows that must
   * exist when the batch commits (a nested write's connect targets), checked in the same atomic
   * unit where the target cannot read inside it; a missing one fails with index items.length + i.
   */
  batch(items: readonly PreparedQuery[], ctx: ExecContext, guards?: readonly BatchGuard[]): Promise<unknown[]>;
  /** Interactive transaction; executors that cannot do it throw CapabilityError. */
  transaction<T>(fn: (tx: Executor) => Promise<T>, ctx: ExecContext): Promise<T>;
}

/**
 * Bounds on waiting for a server, passed by createClient. A value of 0 means no bound. What a
 * driver does with them: postgres() bounds opening a connection and each statement (and the wait
 * for a free pooled connection); dynamodb() bounds opening a connection and each request.
 */
export interface ConnectSettings {
  /** Opening a connection: TCP, TLS and the server's handshake. */
  readonly connectTimeoutMs: number;
  /** One request or statement, from sending it to its answer. */
  readonly requestTimeoutMs: number;
}

/** Defaults: generous enough for a busy server, short enough that a dead one is reported, not waited for. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** createClient's settings over the driver's own options over the defaults. */
export function resolveTimeouts(fromClient: Partial<ConnectSettings> | undefined, fromDriver: Partial<ConnectSettings>): ConnectSettings {
  return {
    connectTimeoutMs: fromClient?.connectTimeoutMs ?? fromDriver.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    requestTimeoutMs: fromClient?.requestTimeoutMs ?? fromDriver.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  };
}

export interface Driver {
  readonly name: DriverName;
  readonly target: TargetDescriptor;
  /** Called once by createClient; `settings` holds only what createClient was given. */
  connect(schema: SchemaDef, settings?: Partial<ConnectSettings>): Promise<Executor>;
  /** Development: create tables, indexes (and unique-index tables) directly. */
  push(schema: SchemaDef): Promise<void>;
  close(): Promise<void>;
  /** The underlying client (pg Pool, PGlite, DynamoDBClient). */
  readonly raw: unknown;
}
