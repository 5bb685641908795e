/**
 * SQL AST → text, the part every dialect writes alike (Kysely's default query
 * compiler plays this role). A dialect's serializer extends it and writes the
 * constructs whose words differ: casts, LIKE's escape, list membership, JSON
 * rows, createMany's JSON row source, NULL ordering, `LIMIT`/`OFFSET`, the first
 * row per group and a write's returned row. No PostgreSQL-only word is written
 * here (test/unit/sql-dialect-words.test.ts checks).
 *
 * Identifiers are always double-quoted (embedded quotes doubled); values are
 * always placeholders. The only words written verbatim come from closed
 * unions in the AST (operators, function and type names), never from input.
 */
import type {
  Assignment,
  BinaryOp,
  FromItem,
  InsertSource,
  OnConflict,
  OrderItem,
  SelectItem,
  SelectStatement,
  SqlExpr,
  SqlParam,
  SqlStatement,
} from './ast.js';
import type { SqlDialect } from './dialect.js';
import { assertNever } from '../plan.js';

export interface SerializedSql {
  readonly text: string;
  /** params[i] is the value source of the i-th placeholder (`$${i + 1}`, or the i-th `?`). */
  readonly params: readonly SqlParam[];
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export abstract class SqlWriter {
  readonly params: SqlParam[] = [];
  private readonly index = new Map<string, number>();

  constructor(protected readonly dialect: SqlDialect) {}

  /** How the n-th (1-based) placeholder of `p` is written: numbered and typed, or a bare `?`. */
  protected abstract paramText(n: number, p: SqlParam): string;
  protected abstract castText(e: Extract<SqlExpr, { kind: 'cast' }>): string;
  protected abstract likeText(e: Extract<SqlExpr, { kind: 'like' }>): string;
  protected abstract memberText(e: Extract<SqlExpr, { kind: 'member' }>): string;
  protected abstract containsText(e: Extract<SqlExpr, { kind: 'contains' }>): string;
  protected abstract jsonRowText(e: Extract<SqlExpr, { kind: 'jsonRow' }>): string;
  protected abstract jsonRowsText(e: Extract<SqlExpr, { kind: 'jsonRows' }>): string;
  protected abstract listAppendText(e: Extract<SqlExpr, { kind: 'listAppend' }>): string;
  protected abstract jsonSourceText(source: Extract<InsertSource, { kind: 'json' }>, table: string, columns: readonly string[]): string;

  /** One ORDER BY item; dialects whose NULLs sort first say where they go. */
  protected orderItem(o: OrderItem): string {
    return `${this.expr(o.expr)} ${o.direction === 'asc' ? 'ASC' : 'DESC'}`;
  }

  protected binaryOp(op: BinaryOp): string {
    return op;
  }

  /** `LIMIT .. OFFSET ..` (either may be absent). */
  protected window(limit: SqlExpr | null, offset: SqlExpr | null): string {
    let out = '';
    if (limit) out += ` LIMIT ${this.expr(limit)}`;
    if (offset) out += ` OFFSET ${this.expr(offset)}`;
    return out;
  }

  /** The first row per combination (only where `SqlDialect.distinctOn`: lowering builds it otherwise). */
  protected abstract distinctOn(exprs: readonly SqlExpr[]): string;
  /** A write's returned row; dialects differ in whether and how a write returns it. */
  protected abstract returning(items: readonly SelectItem[]): string;

  /** The clause locking a select's rows to the transaction (only lowered where `SqlDialect.returning` is false). */
  protected lockRows(): string {
    throw new Error(`internal: the ${this.dialect.name} writer has no row lock; lowering asks for one only where a write returns no row`);
  }

  statement(s: SqlStatement): string {
    switch (s.kind) {
      case 'select':
        return this.select(s);
      case 'insert': {
        let out = `INSERT INTO ${quoteIdent(s.table)}${s.alias ? ` AS ${quoteIdent(s.alias)}` : ''} (${s.columns.map(quoteIdent).join(', ')}) `;
        out += this.insertSource(s.source, s.table, s.columns);
        if (s.onConflict) out += this.onConflict(s.onConflict);
        return out + this.returning(s.returning);
      }
      case 'update': {
        let out = `UPDATE ${quoteIdent(s.table)}${s.alias ? ` AS ${quoteIdent(s.alias)}` : ''} SET ${this.assignments(s.set)}`;
        if (s.where) out += ` WHERE ${this.expr(s.where)}`;
        return out + this.returning(s.returning);
      }
      case 'delete': {
        let out = `DELETE FROM ${quoteIdent(s.table)}${s.alias ? ` AS ${quoteIdent(s.alias)}` : ''}`;
        if (s.where) out += ` WHERE ${this.expr(s.where)}`;
        return out + this.returning(s.returning);
      }
      default:
        return assertNever(s, 'statement');
    }
  }

  protected insertSource(source: InsertSource, table: string, columns: readonly string[]): string {
    switch (source.kind) {
      case 'values':
        return `VALUES ${source.rows.map((r) => `(${r.map((e) => this.expr(e)).join(', ')})`).join(', ')}`;
      case 'select':
        return this.select(source.query);
      case 'json':
        return this.jsonSourceText(source, table, columns);
      default:
        return assertNever(source, 'insert source');
    }
  }

  protected select(s: SelectStatement): string {
    let out = '';
    if (s.with.length) out += `WITH ${s.with.map((c) => `${quoteIdent(c.name)} AS (${this.statement(c.statement)})`).join(', ')} `;
    out += `SELECT ${s.distinctOn ? this.distinctOn(s.distinctOn) : ''}${s.columns.map((c) => this.selectItem(c)).join(', ')}`;
    if (s.from) out += ` FROM ${this.from(s.from)}`;
    for (const j of s.joins) out += ` ${j.type === 'inner' ? 'JOIN' : 'LEFT JOIN'} ${this.from(j.item)} ON ${this.expr(j.on)}`;
    if (s.where) out += ` WHERE ${this.expr(s.where)}`;
    if (s.groupBy?.length) out += ` GROUP BY ${s.groupBy.map((e) => this.expr(e)).join(', ')}`;
    if (s.orderBy.length) out += ` ORDER BY ${this.orderBy(s.orderBy)}`;
    return out + this.window(s.limit, s.offset) + (s.forUpdate ? this.lockRows() : '');
  }

  protected selectItem(c: SelectItem): string {
    // A column already carries its own name as the output name.
    if (c.alias === null || (c.expr.kind === 'column' && c.expr.column === c.alias)) return this.expr(c.expr);
    return `${this.expr(c.expr)} AS ${quoteIdent(c.alias)}`;
  }

  protected from(f: FromItem): string {
    switch (f.kind) {
      case 'table':
        return f.alias ? `${quoteIdent(f.name)} ${quoteIdent(f.alias)}` : quoteIdent(f.name);
      case 'subquery':
        return `${f.lateral ? 'LATERAL ' : ''}(${this.select(f.query)}) ${quoteIdent(f.alias)}`;
      default:
        return assertNever(f, 'from item');
    }
  }

  protected orderBy(items: readonly OrderItem[]): string {
    return items.map((o) => this.orderItem(o)).join(', ');
  }

  protected assignments(set: readonly Assignment[]): string {
    return set.map((a) => `${quoteIdent(a.column)} = ${this.expr(a.value)}`).join(', ');
  }

  protected onConflict(c: OnConflict): string {
    const target = c.target.length ? ` (${c.target.map(quoteIdent).join(', ')})` : '';
    if (c.action === 'nothing') return ` ON CONFLICT${target} DO NOTHING`;
    return ` ON CONFLICT${target} DO UPDATE SET ${this.assignments(c.set)}${c.where ? ` WHERE ${this.expr(c.where)}` : ''}`;
  }

  /** Numbered placeholders send a value used twice once; positional ones need it at every mark. */
  protected placeholder(p: SqlParam): string {
    if (this.dialect.placeholders === 'positional') {
      this.params.push(p);
      return this.paramText(this.params.length, p);
    }
    const key = `${p.slot}|${JSON.stringify(p.path)}|${p.type ? `${p.type.name}${p.type.array ? '[]' : ''}` : ''}|${p.transform ?? ''}|${p.pluck ?? ''}`;
    let n = this.index.get(key);
    if (n === undefined) {
      this.params.push(p);
      n = this.params.length;
      this.index.set(key, n);
    }
    return this.paramText(n, p);
  }

  /** Operands are parenthesised whenever they are compound, so precedence never depends on context. */
  protected operand(e: SqlExpr): string {
    switch (e.kind) {
      case 'column':
      case 'star':
      case 'param':
      case 'literal':
      case 'func':
      case 'subquery':
      case 'exists':
      case 'row':
      case 'cast':
      case 'jsonRow':
      case 'jsonRows':
      case 'listAppend':
      case 'rowNumber':
        return this.expr(e);
      default:
        return `(${this.expr(e)})`;
    }
  }

  expr(e: SqlExpr): string {
    switch (e.kind) {
      case 'column':
        return e.table === null ? quoteIdent(e.column) : `${quoteIdent(e.table)}.${quoteIdent(e.column)}`;
      case 'star':
        return e.table === null ? '*' : `${quoteIdent(e.table)}.*`;
      case 'param':
        return this.placeholder(e);
      case 'literal':
        if (e.value === null) return 'NULL';
        if (typeof e.value === 'boolean') return e.value ? 'TRUE' : 'FALSE';
        if (!Number.isFinite(e.value)) throw new Error(`internal: non-finite SQL literal ${e.value}`);
        return String(e.value);
      case 'binary':
        return `${this.operand(e.left)} ${this.binaryOp(e.op)} ${this.operand(e.right)}`;
      case 'like':
        return this.likeText(e);
      case 'and':
      case 'or':
        return e.items.map((i) => this.operand(i)).join(e.kind === 'and' ? ' AND ' : ' OR ');
      case 'not':
        return `NOT ${this.operand(e.expr)}`;
      case 'isNull':
        return `${this.operand(e.expr)} IS ${e.negated ? 'NOT NULL' : 'NULL'}`;
      case 'member':
        return this.memberText(e);
      case 'contains':
        return this.containsText(e);
      case 'exists':
        return `EXISTS (${this.select(e.query)})`;
      case 'subquery':
        return `(${this.select(e.query)})`;
      case 'func':
        return `${e.name}(${e.args.map((a) => this.expr(a)).join(', ')})`;
      case 'cast':
        return this.castText(e);
      case 'jsonRow':
        return this.jsonRowText(e);
      case 'jsonRows':
        return this.jsonRowsText(e);
      case 'listAppend':
        return this.listAppendText(e);
      case 'row':
        return `(${e.items.map((i) => this.expr(i)).join(', ')})`;
      case 'rowNumber':
        return `row_number() OVER (PARTITION BY ${e.partitionBy.map((p) => this.expr(p)).join(', ')} ORDER BY ${this.orderBy(e.orderBy)})`;
      default:
        return assertNever(e, 'expression');
    }
  }
}
