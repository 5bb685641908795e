/**
 * SQL AST → SQLite text with `?` placeholders: SQLite's words for the AST's
 * constructs. Values have no casts (SQLite types values, not placeholders);
 * lists and json values are JSON text, so list membership reads json_each and
 * JSON rows are json_object / json_group_array. NULLs sort as on PostgreSQL
 * (above every value), so keyset pagination means the same on both.
 */
import type { BinaryOp, InsertSource, OrderItem, SelectItem, SqlExpr, SqlParam, SqlScalarType, SqlStatement } from '../../src/plan/sql/ast.js';
import { sqliteDialect } from '../../src/plan/sql/dialect.js';
import { quoteIdent, SqlWriter, type SerializedSql } from '../../src/plan/sql/writer.js';

/** The storage class a CAST converts to. */
const CAST_TYPES: Readonly<Record<SqlScalarType, string>> = {
  text: 'TEXT',
  varchar: 'TEXT',
  uuid: 'TEXT',
  date: 'TEXT',
  timestamp: 'TEXT',
  json: 'TEXT',
  jsonDocument: 'TEXT',
  decimal: 'TEXT',
  int: 'INTEGER',
  bigint: 'INTEGER',
  boolean: 'INTEGER',
  float: 'REAL',
};

/** A string literal for SQLite (quotes doubled; backslashes are plain characters). */
export function quoteLiteral(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

const COMPARISONS: ReadonlySet<BinaryOp> = new Set<BinaryOp>(['=', '<>', '<', '<=', '>', '>=', 'IS DISTINCT FROM', 'IS NOT DISTINCT FROM']);

const isDecimal = (e: SqlExpr): boolean => (e.kind === 'param' || e.kind === 'cast') && e.type !== null && e.type.name === 'decimal' && !e.type.array;

class SqliteWriter extends SqlWriter {
  constructor() {
    super(sqliteDialect);
  }

  protected paramText(): string {
    return '?';
  }

  protected castText(e: Extract<SqlExpr, { kind: 'cast' }>): string {
    // A list is JSON text already: its text form is itself.
    if (e.type.array) return this.expr(e.expr);
    return `CAST(${this.expr(e.expr)} AS ${CAST_TYPES[e.type.name]})`;
  }

  /**
   * SQLite's LIKE ignores ASCII case, which is what `mode: 'insensitive'` asks for. A
   * case-sensitive match compares the raw value with instr/substr instead (no pattern, so
   * nothing to escape), since the case_sensitive_like pragma is compiled out of the driver.
   */
  protected likeText(e: Extract<SqlExpr, { kind: 'like' }>): string {
    if (e.insensitive) return `${this.operand(e.expr)} LIKE ${this.operand(e.pattern)} ESCAPE '\\'`;
    const p = e.pattern;
    if (p.kind !== 'param' || !p.transform) throw new Error('internal: a text match compares a LIKE-pattern param');
    const x = this.operand(e.expr);
    const v = () => this.placeholder({ ...p, transform: null });
    switch (p.transform) {
      case 'like-contains':
        return `instr(${x}, ${v()}) > 0`;
      case 'like-prefix':
        return `substr(${x}, 1, length(${v()})) = ${v()}`;
      case 'like-suffix':
        return `(length(${x}) >= length(${v()}) AND substr(${x}, length(${x}) - length(${v()}) + 1) = ${v()})`;
      case 'like-exact':
        return `${x} = ${v()}`;
      default:
        throw new Error(`internal: ${p.transform} is not a text match`);
    }
  }

  protected memberText(e: Extract<SqlExpr, { kind: 'member' }>): string {
    // A decimal is text: membership compares numbers, as the comparisons below do ('7.5' is in ['7.50']).
    if (e.list.kind === 'param' && e.list.type?.name === 'decimal')
      return `CAST(${this.operand(e.item)} AS REAL) IN (SELECT CAST("value" AS REAL) FROM json_each(${this.expr(e.list)}))`;
    return `${this.operand(e.item)} IN (SELECT "value" FROM json_each(${this.expr(e.list)}))`;
  }

  protected containsText(e: Extract<SqlExpr, { kind: 'contains' }>): string {
    const have = `SELECT "value" FROM json_each(${this.expr(e.list)})`;
    return `(${this.operand(e.list)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM json_each(${this.expr(e.items)}) AS "w" WHERE "w"."value" NOT IN (${have})))`;
  }

  private object(table: string, columns: readonly string[]): string {
    return `json_object(${columns.map((c) => `${quoteLiteral(c)}, ${quoteIdent(table)}.${quoteIdent(c)}`).join(', ')})`;
  }

  protected jsonRowText(e: Extract<SqlExpr, { kind: 'jsonRow' }>): string {
    return this.object(e.table, e.columns);
  }

  protected jsonRowsText(e: Extract<SqlExpr, { kind: 'jsonRows' }>): string {
    const order = e.orderBy.length ? ` ORDER BY ${this.orderBy(e.orderBy)}` : '';
    return `coalesce(json_group_array(${this.object(e.table, e.columns)}${order}), json_array())`;
  }

  protected listAppendText(e: Extract<SqlExpr, { kind: 'listAppend' }>): string {
    // Elements of the list, then of the items, in their positions.
    return (
      `(SELECT json_group_array("v") FROM (SELECT 0 AS "s", "key" AS "k", "value" AS "v" FROM json_each(coalesce(${this.expr(e.list)}, '[]')) ` +
      `UNION ALL SELECT 1, "key", "value" FROM json_each(${this.expr(e.items)}) ORDER BY 1, 2))`
    );
  }

  protected jsonSourceText(source: Extract<InsertSource, { kind: 'json' }>, _table: string, columns: readonly string[]): string {
    const r = quoteIdent(source.alias);
    const cols = columns.map((c, i) => {
      const t = source.types[i];
      const path = quoteLiteral(`$.${JSON.stringify(c)}`);
      // Lists and json values stay JSON text (->); scalars become SQL values (->>). A JSON null is NULL.
      return t.array || t.name === 'json' ? `nullif(${r}."value" -> ${path}, 'null')` : `${r}."value" ->> ${path}`;
    });
    // WHERE TRUE: without it SQLite would read a following ON CONFLICT as a join constraint.
    return `SELECT ${cols.join(', ')} FROM json_each(${this.expr(source.rows)}) ${r} WHERE TRUE`;
  }

  /**
   * SQLite's RETURNING names the written table's columns bare: a qualified name, even by the
   * statement's own alias, is "no such column". A write's returned row is plain columns.
   */
  protected override returning(items: readonly SelectItem[]): string {
    if (!items.length) return '';
    const bare = items.map((c) => {
      if (c.expr.kind !== 'column') throw new Error(`internal: SQLite RETURNING takes columns, got ${c.expr.kind}`);
      return { ...c, expr: { ...c.expr, table: null } };
    });
    return ` RETURNING ${bare.map((c) => this.selectItem(c)).join(', ')}`;
  }

  protected override orderItem(o: OrderItem): string {
    return `${this.expr(o.expr)} ${o.direction === 'asc' ? 'ASC NULLS LAST' : 'DESC NULLS FIRST'}`;
  }

  /**
   * Decimals are stored as text (every digit kept), so a comparison with a decimal value compares
   * numbers: `10.50` equals `10.5`, and `9.999` is below `10`. (Exact to a double's 15-17 digits.)
   */
  override expr(e: SqlExpr): string {
    if (e.kind === 'binary' && COMPARISONS.has(e.op) && (isDecimal(e.left) || isDecimal(e.right)))
      return `CAST(${this.operand(e.left)} AS REAL) ${this.binaryOp(e.op)} CAST(${this.operand(e.right)} AS REAL)`;
    return super.expr(e);
  }

  protected override binaryOp(op: BinaryOp): string {
    if (op === 'IS DISTINCT FROM') return 'IS NOT';
    if (op === 'IS NOT DISTINCT FROM') return 'IS';
    return op;
  }

  protected override window(limit: SqlExpr | null, offset: SqlExpr | null): string {
    // SQLite takes OFFSET only after a LIMIT; -1 is "no limit".
    if (!limit && !offset) return '';
    return ` LIMIT ${limit ? this.expr(limit) : '-1'}${offset ? ` OFFSET ${this.expr(offset)}` : ''}`;
  }

  protected override distinctOn(): string {
    throw new Error('internal: SQLite has no DISTINCT ON (lowering keeps the first row per group with row_number())');
  }
}

export function serialize(stmt: SqlStatement): SerializedSql {
  const w = new SqliteWriter();
  const text = w.statement(stmt);
  return { text, params: w.params };
}

export type { SerializedSql, SqlParam };
