import type { Diagnostic } from './plan/diagnostics.js';

/**
 * Every error quern throws on purpose extends QuernError, so callers can tell
 * "quern refused this" from "the database or the network failed".
 */
export class QuernError extends Error {
  override name = 'QuernError';
}

/** Bad input, found before any I/O. `path` names the offending field, e.g. `where.author.is.email`. */
export class ValidationError extends QuernError {
  override name = 'ValidationError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
  }
}

/** A schema that cannot work, found at defineSchema/createClient time. */
export class SchemaError extends QuernError {
  override name = 'SchemaError';
  constructor(
    message: string,
    readonly model?: string,
    readonly field?: string,
    readonly code?: string,
    readonly fix?: string,
  ) {
    super(fix ? `${message}\n  fix: ${fix}` : message);
  }
}

/** The target cannot run this query well; `fix` says what to change. */
export class CapabilityError extends QuernError {
  override name = 'CapabilityError';
  /**
   * Every error diagnostic of the plan (warnings too under `strict`), so following one fix
   * does not just lead to the next error. `code`, `reason` and `fix` are the first one's.
   */
  readonly diagnostics: readonly Diagnostic[];
  constructor(
    readonly code: string,
    readonly driver: string,
    readonly reason: string,
    readonly fix?: string,
    readonly model?: string,
    diagnostics?: readonly Diagnostic[],
  ) {
    const others = (diagnostics ?? []).slice(1);
    super(
      `[${code}] ${driver}${model ? ` ${model}` : ''}: ${reason}${fix ? `\n  fix: ${fix}` : ''}` +
        others.map((d) => `\n[${d.code}] ${d.driver} ${d.model}: ${d.message}${d.fix ? `\n  fix: ${d.fix}` : ''}`).join(''),
    );
    this.diagnostics =
      diagnostics && diagnostics.length > 0
        ? diagnostics
        : [
            {
              code: code as Diagnostic['code'],
              severity: 'error',
              driver: driver as Diagnostic['driver'],
              model: model ?? '*',
              message: reason,
              ...(fix ? { fix } : {}),
            },
          ];
  }

  /** One error for every refusing diagnostic of a plan (at least one). */
  static of(diagnostics: readonly Diagnostic[]): CapabilityError {
    const d = diagnostics[0];
    return new CapabilityError(d.code, d.driver, d.message, d.fix, d.model === '*' ? undefined : d.model, diagnostics);
  }
}

export class UniqueConstraintError extends QuernError {
  override name = 'UniqueConstraintError';
  constructor(
    readonly model: string,
    readonly fields: string[],
    cause?: unknown,
  ) {
    super(`Unique constraint failed on ${model}(${fields.join(', ')})`, { cause });
  }
}

export class ForeignKeyError extends QuernError {
  override name = 'ForeignKeyError';
  constructor(
    readonly model: string,
    readonly detail: string,
    cause?: unknown,
  ) {
    super(`Foreign key constraint failed on ${model}: ${detail}`, { cause });
  }
}

export class NotFoundError extends QuernError {
  override name = 'NotFoundError';
  constructor(
    readonly model: string,
    detail = 'no record matched',
  ) {
    super(`${model}: ${detail}`);
  }
}

/** A conditional write lost a race (version() mismatch, serialization failure). Safe to retry. */
export class ConcurrencyError extends QuernError {
  override name = 'ConcurrencyError';
  constructor(
    readonly model: string,
    detail = 'the record was changed concurrently',
    cause?: unknown,
  ) {
    super(`${model}: ${detail}`, { cause });
  }
}

/**
 * A write would take a number outside its field's range (an increment past 2^31-1 on an int,
 * past 2^63-1 on a bigint). The database refused it; nothing was written. Found at write time,
 * since it depends on the stored value.
 */
export class OutOfRangeError extends QuernError {
  override name = 'OutOfRangeError';
  constructor(
    readonly model: string,
    readonly field: string | null,
    detail: string,
    cause?: unknown,
  ) {
    super(`${model}${field ? `.${field}` : ''}: ${detail}`, { cause });
  }
}

/** An atomic batch failed; nothing was written. `index` is the failing item's position. */
export class BatchError extends QuernError {
  override name = 'BatchError';
  constructor(
    readonly index: number,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`batch item ${index} failed: ${reason}; nothing was written`, { cause });
  }
}

/** The database or transport failed in a way quern maps but cannot classify further. */
export class DriverError extends QuernError {
  override name = 'DriverError';
  constructor(
    readonly driver: string,
    message: string,
    cause?: unknown,
  ) {
    super(`${driver}: ${message}`, { cause });
  }
}

/**
 * The server did not answer in time: connecting (`connectTimeoutMs`) or answering one request
 * (`requestTimeoutMs`). Names the endpoint and the bound. A request that timed out may still
 * have been applied by the server; its connection is discarded, never reused.
 */
export class TimeoutError extends DriverError {
  override name = 'TimeoutError';
  constructor(
    driver: string,
    readonly endpoint: string,
    readonly phase: 'connect' | 'request',
    readonly timeoutMs: number,
    cause?: unknown,
  ) {
    super(
      driver,
      phase === 'connect'
        ? `could not connect to ${endpoint} within ${timeoutMs} ms (connectTimeoutMs): the server did not complete the connection`
        : `${endpoint} did not answer within ${timeoutMs} ms (requestTimeoutMs); the connection was discarded`,
      cause,
    );
  }
}

/**
 * Every pooled connection is checked out and none will come back: the transactions holding them
 * wait for a connection themselves (a query on the root client inside db.transaction), or the
 * wait for a free connection outlasted its bound.
 */
export class PoolExhaustedError extends QuernError {
  override name = 'PoolExhaustedError';
  constructor(
    readonly driver: string,
    readonly max: number,
    detail: string,
  ) {
    super(`${driver}: connection pool exhausted (max ${max}): ${detail}`);
  }
}

/** A transaction client (`tx`) used after its db.transaction callback returned or threw. */
export class TransactionClosedError extends QuernError {
  override name = 'TransactionClosedError';
  constructor(readonly driver: string) {
    super(
      `${driver}: this transaction client is used after its db.transaction(...) callback returned: the transaction has ended (committed or rolled back). Await every query on tx inside the callback, or use the root client for work that outlives it.`,
    );
  }
}

/** A query on a client (or driver) after `db.close()`. */
export class ClientClosedError extends QuernError {
  override name = 'ClientClosedError';
  constructor(readonly driver: string) {
    super(`${driver}: the client is closed (db.close() was called); create a new client to run queries`);
  }
}

/** An optional peer dependency that this feature needs is not installed; the message names the install command. */
export class MissingDependencyError extends QuernError {
  override name = 'MissingDependencyError';
  constructor(
    readonly dependency: string,
    readonly neededBy: string,
    readonly install: string,
    cause?: unknown,
  ) {
    super(`${neededBy} needs the package '${dependency}', which is not installed.\n  fix: ${install}`, { cause });
  }
}
