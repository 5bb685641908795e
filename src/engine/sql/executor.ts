/**
 * Runs SQL plans. The statement of each operation is compiled once (the
 * compiled text and binder are kept beside the operation, which the plan
 * cache reuses), bound to the query's params, sent, and its rows decoded per
 * field into the method-level result.
 */
import { BatchError, ConcurrencyError, NotFoundError, QuernError, TransactionClosedError } from '../../errors.js';
import type { SchemaDef } from '../../schema/define.js';
import type { Operation } from '../../plan/plan.js';
import { MATCHED_COLUMN, type RowShape, type SqlOperation } from '../../plan/sql/ops.js';
import type { ExecContext, Executor, PageResult, PreparedQuery } from '../driver.js';
import type { CompiledSql, SqlConnection, SqlDriverCore, SqlRows } from './core.js';
import { rowDecoder, type RowDecoder } from './decode.js';
import { checkBoundaryValues } from '../cursor.js';

type Row = Record<string, unknown>;

const now = () => performance.now();

export class SqlExecutor implements Executor {
  private readonly compiled: WeakMap<SqlOperation, CompiledSql>;
  private readonly decoders: WeakMap<RowShape, RowDecoder>;

  constructor(
    private readonly core: SqlDriverCore,
    private readonly conn: SqlConnection = core.connection(),
    /** Inside an interactive transaction: batches and nested transactions join it. */
    private readonly inTransaction = false,
    shared?: { compiled: WeakMap<SqlOperation, CompiledSql>; decoders: WeakMap<RowShape, RowDecoder> },
  ) {
    this.compiled = shared?.compiled ?? new WeakMap();
    this.decoders = shared?.decoders ?? new WeakMap();
  }

  private bound(conn: SqlConnection, inTransaction: boolean): SqlExecutor {
    return new SqlExecutor(this.core, conn, inTransaction, { compiled: this.compiled, decoders: this.decoders });
  }

  /** The compiled form of an operation, for explain-like callers and tests. */
  compile(op: SqlOperation): CompiledSql {
    let c = this.compiled.get(op);
    if (!c) {
      c = this.core.compile(op.stmt);
      this.compiled.set(op, c);
    }
    return c;
  }

  run(q: PreparedQuery, ctx: ExecContext): Promise<unknown> {
    return this.runOn(this.conn, q, ctx);
  }

  async batch(items: readonly PreparedQuery[], ctx: ExecContext): Promise<unknown[]> {
    const runAll = async (conn: SqlConnection) => {
      const out: unknown[] = [];
      for (let i = 0; i < items.length; i++) {
        try {
          out.push(await this.runOn(conn, items[i], ctx, true));
        } catch (e) {
          throw new BatchError(i, e instanceof Error ? e.message : String(e), e);
        }
      }
      return out;
    };
    if (items.length === 0) return [];
    // Inside an interactive transaction the batch is part of it (its failure fails the transaction).
    if (this.inTransaction) return runAll(this.conn);
    return this.core.transaction(runAll);
  }

  async transaction<T>(fn: (tx: Executor) => Promise<T>, _ctx: ExecContext): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.core.transaction(async (conn) => {
      const fenced = fence(conn, this.core.driver);
      try {
        return await fn(this.bound(fenced, true));
      } finally {
        fenced.close();
      }
    });
  }

  /**
   * Without a log hook (the usual case) a plain promise chain: an async function here was one more
   * promise and microtask hop per statement on the hot path.
   */
  private send(conn: SqlConnection, op: SqlOperation, params: readonly unknown[], ctx: ExecContext): Promise<SqlRows> {
    const sql = this.compile(op);
    const values = sql.bind(params);
    if (ctx.log) return this.sendLogged(conn, op, sql, values, ctx);
    let pending: Promise<SqlRows>;
    try {
      pending = conn.query(sql, values);
    } catch (e) {
      return Promise.reject(this.core.mapError(e, ctx.schema, op.model));
    }
    return pending.then(undefined, (e: unknown) => {
      throw this.core.mapError(e, ctx.schema, op.model);
    });
  }

  private async sendLogged(conn: SqlConnection, op: SqlOperation, sql: CompiledSql, values: unknown[], ctx: ExecContext): Promise<SqlRows> {
    const log = ctx.log;
    const start = log ? now() : 0;
    let res: SqlRows;
    try {
      res = await conn.query(sql, values);
    } catch (e) {
      if (log)
        log({
          driver: this.core.driver,
          model: ctx.schema.models[op.model]?.name,
          operation: 'sql',
          sql: sql.text,
          params: values,
          durationMs: now() - start,
          rowCount: 0,
        });
      throw this.core.mapError(e, ctx.schema, op.model);
    }
    if (log)
      log({
        driver: this.core.driver,
        model: ctx.schema.models[op.model]?.name,
        operation: 'sql',
        sql: sql.text,
        params: values,
        durationMs: now() - start,
        rowCount: res.rowCount,
      });
    return res;
  }

  private decoder(schema: SchemaDef, shape: RowShape): RowDecoder {
    return this.decoders.get(shape) ?? rowDecoder(schema, shape, this.decoders, this.core.values);
  }

  private async runOn(conn: SqlConnection, q: PreparedQuery, ctx: ExecContext, inTransaction = this.inTransaction): Promise<unknown> {
    const ops = q.plan.operations;
    const op = sqlOp(ops[0]);
    if (op.result.kind === 'page' && op.result.cursor) {
      // A signed cursor can still carry a boundary of the wrong types (forged, or from an older
      // schema): refuse it here, not as the server's "invalid input syntax".
      const r = op.result;
      checkBoundaryValues(
        ctx.schema.models[op.model],
        r.boundary,
        q.params[r.cursor!.slot],
        `${op.model}.paginate.${r.direction === 'forward' ? 'after' : 'before'}`,
      );
    }
    const r0 = op.result;
    if (r0.kind === 'written' && (r0.locate || r0.created)) return this.locatedWrite(conn, inTransaction, q, op, r0, ctx);
    const res = await this.send(conn, op, q.params, ctx);
    const r = op.result;
    const modelName = ctx.schema.models[op.model].name;
    switch (r.kind) {
      case 'rows': {
        const decode = this.decoder(ctx.schema, r.rows);
        const rows = res.rows;
        for (let i = 0; i < rows.length; i++) decode(rows[i]);
        return rows;
      }
      case 'first': {
        if (res.rows.length === 0) {
          if (r.orThrow) throw new NotFoundError(modelName);
          return null;
        }
        return this.decoder(ctx.schema, r.rows)(res.rows[0]);
      }
      case 'count': {
        const count = Number(res.rows[0].count);
        return r.wrapped ? { count } : count;
      }
      case 'affected':
        return { count: res.rowCount };
      case 'written': {
        if (r.locate || r.created) throw new QuernError('internal: a write that returns no row runs through locatedWrite');
        if (res.rows.length > 0) {
          if (!r.reread) return this.decoder(ctx.schema, r.rows)(res.rows[0]);
          const again = await this.send(conn, r.reread, [res.rows[0]], ctx);
          if (again.rows.length === 0) throw new NotFoundError(modelName, 'the written row could not be read back');
          return this.decoder(ctx.schema, r.rows)(again.rows[0]);
        }
        return this.nothingWritten(conn, q, r, modelName, ctx);
      }
      case 'page':
        return this.page(ctx, r, res.rows, q.params);
      case 'exists':
        return res.rows.length > 0;
      default: {
        const never: never = r;
        throw new QuernError(`internal: unknown SQL result ${JSON.stringify(never)}`);
      }
    }
  }

  /** A single-row write that matched nothing: NotFoundError, or ConcurrencyError when the row exists at another version. */
  private async nothingWritten(conn: SqlConnection, q: PreparedQuery, r: WrittenSpec, modelName: string, ctx: ExecContext): Promise<never> {
    if (r.onEmpty === 'concurrency') throw new ConcurrencyError(modelName, 'the record exists but did not match the expected version');
    if (r.onEmpty === 'check') {
      const ops = q.plan.operations;
      const check = ops[1] ? sqlOp(ops[1]) : null;
      if (check) {
        const exists = await this.send(conn, check, q.params, ctx);
        if (exists.rows.length > 0) throw new ConcurrencyError(modelName, 'the record was changed concurrently: its version no longer matches');
      }
    }
    throw new NotFoundError(modelName, `no record matched the ${q.plan.kind} filter`);
  }

  /**
   * A single-row write on a dialect without RETURNING (see `Locate` in plan/sql/ops.ts): find and
   * lock the row, write, read it back by key. Locating and writing share one transaction (the
   * caller's, or one of its own), so the row cannot change in between.
   */
  private locatedWrite(conn: SqlConnection, inTransaction: boolean, q: PreparedQuery, op: SqlOperation, r: WrittenSpec, ctx: ExecContext): Promise<unknown> {
    const modelName = ctx.schema.models[op.model].name;
    const run = async (c: SqlConnection): Promise<unknown> => {
      let found: Row | undefined;
      if (r.locate) {
        found = (await this.send(c, r.locate.op, q.params, ctx)).rows[0];
        const failed = found !== undefined && MATCHED_COLUMN in found && !truthy(found[MATCHED_COLUMN]);
        if ((found === undefined && r.locate.missing === 'empty') || failed) return this.nothingWritten(c, q, r, modelName, ctx);
        if (found) delete found[MATCHED_COLUMN];
      }
      const write = found && r.locate?.whenFound ? r.locate.whenFound : op;
      await this.send(c, write, q.params, ctx);
      if (found && r.locate?.result) return this.decoder(ctx.schema, r.rows)(found);
      if (!r.reread) throw new QuernError(`internal: ${op.purpose} has no way to read its row back`);
      const anchor: Row = { ...(found ?? (r.created ? valueAt(q.params, r.created.slot, r.created.path) : {})) };
      for (const k of r.keySet ?? []) anchor[k.field] = q.params[k.slot];
      const again = await this.send(c, r.reread, [anchor], ctx);
      if (again.rows.length === 0) throw new NotFoundError(modelName, 'the written row could not be read back');
      return this.decoder(ctx.schema, r.rows)(again.rows[0]);
    };
    // A create only inserts and reads back: no lock to hold, no transaction needed.
    if (inTransaction || !r.locate) return run(conn);
    return this.core.transaction(run);
  }

  private page(ctx: ExecContext, r: Extract<SqlOperation['result'], { kind: 'page' }>, rows: Row[], params: readonly unknown[]): PageResult {
    const size = Number(params[r.size.slot]);
    const more = rows.length > size;
    const items = more ? rows.slice(0, size) : rows;
    const decode = this.decoder(ctx.schema, r.rows);
    for (const row of items) decode(row);
    // Backward pages were read in reversed order; present them in the requested order.
    if (r.direction === 'backward') items.reverse();
    const boundary = (row: Row | undefined) => (row ? r.boundary.map((f) => row[f]) : null);
    const first = items[0];
    const last = items[items.length - 1];
    if (r.direction === 'forward') {
      return { items, next: more ? boundary(last) : null, prev: r.hasCursor ? boundary(first) : null };
    }
    return { items, next: r.hasCursor ? boundary(last) : null, prev: more ? boundary(first) : null };
  }
}

type WrittenSpec = Extract<SqlOperation['result'], { kind: 'written' }>;

const truthy = (v: unknown) => v === true || v === 1 || v === 1n || v === '1';

function valueAt(params: readonly unknown[], slot: number, path: readonly (string | number)[]): Row {
  let v: unknown = params[slot];
  for (const k of path) v = (v as Record<string | number, unknown> | null | undefined)?.[k];
  return (v ?? {}) as Row;
}

function sqlOp(op: Operation): SqlOperation {
  if (op.kind !== 'sql') throw new QuernError(`internal: the SQL executor cannot run a '${op.kind}' operation`);
  return op;
}

/**
 * The transaction's connection as its callback sees it. Once the callback has settled, the
 * session is about to commit (or roll back) and go back to the pool, where another transaction
 * may take it: a query started on `tx` after that would run inside someone else's transaction.
 * So every later query is refused, typed, before it reaches the session.
 */
function fence(conn: SqlConnection, driver: string): SqlConnection & { close(): void } {
  let open = true;
  return {
    query(sql, values) {
      if (!open) return Promise.reject(new TransactionClosedError(driver));
      return conn.query(sql, values);
    },
    close() {
      open = false;
    },
  };
}
