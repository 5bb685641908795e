/**
 * A target written against `quern/driver` alone, as a third party would: a PostgreSQL-compatible
 * SQL target (say, a database behind an HTTP API) with its own serializer and transport. The
 * type-check fails if `quern/driver` stops exporting what such a target needs;
 * test/unit/driver-module.test.ts runs a query through it.
 */
import {
  DriverError,
  postgresCapabilities,
  quoteIdent,
  SqlExecutor,
  SqlWriter,
  UniqueConstraintError,
  type CompiledSql,
  type Driver,
  type Executor,
  type InsertSource,
  type Operation,
  type SchemaDef,
  type SqlConnection,
  type SqlDriverCore,
  type SqlExpr,
  type SqlParam,
  type SqlRows,
  type SelectItem,
  type SqlStatement,
  type TargetDescriptor,
} from 'quern/driver';

/** What the transport is given: the SQL text and its values. */
export type Send = (text: string, values: unknown[]) => Promise<SqlRows>;

class HttpSqlWriter extends SqlWriter {
  protected paramText(n: number): string {
    return `$${n}`;
  }
  protected castText(e: Extract<SqlExpr, { kind: 'cast' }>): string {
    return `CAST(${this.expr(e.expr)} AS ${e.type.name}${e.type.array ? '[]' : ''})`;
  }
  protected likeText(e: Extract<SqlExpr, { kind: 'like' }>): string {
    return `${this.expr(e.expr)} ${e.insensitive ? 'ILIKE' : 'LIKE'} ${this.expr(e.pattern)}`;
  }
  protected memberText(e: Extract<SqlExpr, { kind: 'member' }>): string {
    return `${this.expr(e.item)} = ANY(${this.expr(e.list)})`;
  }
  protected containsText(e: Extract<SqlExpr, { kind: 'contains' }>): string {
    return `${this.expr(e.list)} @> ${this.expr(e.items)}`;
  }
  protected jsonRowText(): string {
    throw new DriverError('httpsql', 'includes are not supported by this example target');
  }
  protected jsonRowsText(): string {
    throw new DriverError('httpsql', 'includes are not supported by this example target');
  }
  protected listAppendText(e: Extract<SqlExpr, { kind: 'listAppend' }>): string {
    return `${this.expr(e.list)} || ${this.expr(e.items)}`;
  }
  protected jsonSourceText(_source: Extract<InsertSource, { kind: 'json' }>, table: string): string {
    throw new DriverError('httpsql', `createMany into ${quoteIdent(table)} is not supported by this example target`);
  }
  protected distinctOn(exprs: readonly SqlExpr[]): string {
    return `DISTINCT ON (${exprs.map((e) => this.expr(e)).join(', ')}) `;
  }
  protected returning(items: readonly SelectItem[]): string {
    return items.length ? ` RETURNING ${items.map((c) => this.selectItem(c)).join(', ')}` : '';
  }
}

/** A param's value: the slot, then the path into it. */
function valueOf(p: SqlParam, params: readonly unknown[]): unknown {
  let v: unknown = params[p.slot];
  for (const k of p.path) v = v === null || v === undefined ? null : (v as Record<string | number, unknown>)[k];
  return v ?? null;
}

function compile(stmt: SqlStatement): CompiledSql {
  const w = new HttpSqlWriter(postgresCapabilities.sql!);
  const text = w.statement(stmt);
  const specs = [...w.params];
  return { text, bind: (params) => specs.map((p) => valueOf(p, params)), readOnly: stmt.kind === 'select' };
}

export const httpSqlTarget: TargetDescriptor = {
  // Names are open: a third-party target names itself (it plans as postgres, its capabilities say so).
  driver: 'httpsql',
  capabilities: postgresCapabilities,
  describe: (op: Operation) => (op.kind === 'sql' ? compile(op.stmt).text : op.kind),
  checkSchema: () => [],
};

export function httpSql(send: Send): Driver {
  const connection: SqlConnection = { query: (sql, values) => send(sql.text, values) };
  const core: SqlDriverCore = {
    driver: 'httpsql',
    compile,
    connection: () => connection,
    transaction: (fn) => fn(connection),
    mapError: (e: unknown, _schema: SchemaDef, model: string | undefined) =>
      (e as { code?: string }).code === '23505' ? new UniqueConstraintError(model ?? '?', [], e) : new DriverError('httpsql', String(e), e),
  };
  return {
    name: 'httpsql',
    target: httpSqlTarget,
    connect: async (): Promise<Executor> => new SqlExecutor(core),
    push: async () => {
      throw new DriverError('httpsql', 'push is not supported by this example target');
    },
    close: async () => {},
    raw: send,
  };
}
