/**
 * SQL AST → MySQL/MariaDB text with `?` placeholders: the MySQL dialect's words (JSON_TABLE,
 * JSON_ARRAYAGG, JSON_CONTAINS, <=>, NULL ordering, INSERT IGNORE) live here and nowhere in
 * src/plan/sql. Identifiers stay double-quoted: every session runs with ANSI_QUOTES (see
 * driver.ts). Pure: no connection, so explain and lint use it offline.
 *
 * Two shapes differ from the shared writer's:
 * - An include is one correlated aggregate over the related table itself. The shared AST puts
 *   the related rows in a derived table (`(SELECT agg FROM (SELECT ... WHERE fk = parent.key
 *   LIMIT n) x)`), but MariaDB resolves no outer column inside a derived table; JSON_ARRAYAGG
 *   takes ORDER BY and LIMIT itself, so the derived table is folded into the aggregate.
 * - DELETE takes no table alias on MariaDB: the alias is written as the table's name.
 */
import type {
  InsertSource,
  OrderItem,
  SelectItem,
  SelectStatement,
  SqlExpr,
  SqlParam,
  SqlScalarType,
  SqlStatement,
  SqlTypeRef,
} from '../../src/plan/sql/ast.js';
import { mysqlDialect } from '../../src/plan/sql/dialect.js';
import { quoteIdent, SqlWriter, type SerializedSql } from '../../src/plan/sql/writer.js';

export { quoteIdent, type SerializedSql };

/** A string literal for DDL (enum CHECKs): quotes doubled, backslashes doubled (MySQL reads `\` as an escape). */
export function quoteLiteral(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** The type a value takes in CAST(... AS t) and in JSON_TABLE columns. */
const CAST_TYPES: Readonly<Record<SqlScalarType, string>> = {
  text: 'CHAR',
  varchar: 'CHAR',
  uuid: 'CHAR',
  int: 'SIGNED',
  bigint: 'SIGNED',
  float: 'DOUBLE',
  decimal: 'DECIMAL(65,30)',
  boolean: 'SIGNED',
  timestamp: 'DATETIME(3)',
  date: 'DATE',
  json: 'JSON',
  jsonDocument: 'JSON',
};

const TABLE_COLUMN_TYPES: Readonly<Record<SqlScalarType, string>> = {
  text: 'LONGTEXT',
  varchar: 'LONGTEXT',
  uuid: 'CHAR(36)',
  int: 'INT',
  bigint: 'BIGINT',
  float: 'DOUBLE',
  decimal: 'DECIMAL(65,30)',
  boolean: 'BOOLEAN',
  timestamp: 'DATETIME(3)',
  date: 'DATE',
  json: 'JSON',
  jsonDocument: 'JSON',
};

/** The JSON_TABLE column type of one value of `t` (a list or json value stays JSON). */
function tableColumnType(t: SqlTypeRef): string {
  return t.array ? 'JSON' : TABLE_COLUMN_TYPES[t.name];
}

class MysqlWriter extends SqlWriter {
  /** Table aliases written as the table's own name (DELETE has no alias on MariaDB). */
  private readonly renamed = new Map<string, string>();

  constructor() {
    super(mysqlDialect);
  }

  protected paramText(): string {
    return '?';
  }

  protected castText(e: Extract<SqlExpr, { kind: 'cast' }>): string {
    // A list travels as JSON text already: as text it is itself.
    if (e.type.array) return this.expr(e.expr);
    return `CAST(${this.expr(e.expr)} AS ${CAST_TYPES[e.type.name]})`;
  }

  // Text columns use a binary collation, so LIKE is case-sensitive; `\\` in a MySQL literal is one backslash.
  protected likeText(e: Extract<SqlExpr, { kind: 'like' }>): string {
    return `${this.operand(e.expr)} LIKE ${this.operand(e.pattern)} ESCAPE '\\\\'`;
  }

  /** The elements of a JSON list as rows of one typed column `v`. */
  private elements(list: SqlExpr, type: SqlTypeRef): string {
    return `SELECT "v" FROM JSON_TABLE(${this.expr(list)}, '$[*]' COLUMNS ("v" ${TABLE_COLUMN_TYPES[type.name]} PATH '$')) AS "e"`;
  }

  protected memberText(e: Extract<SqlExpr, { kind: 'member' }>): string {
    const t = e.list.kind === 'param' && e.list.type ? e.list.type : { kind: 'type' as const, name: 'text' as const, array: true };
    return `${this.operand(e.item)} IN (${this.elements(e.list, t)})`;
  }

  protected containsText(e: Extract<SqlExpr, { kind: 'contains' }>): string {
    return `JSON_CONTAINS(${this.expr(e.list)}, ${this.expr(e.items)})`;
  }

  private object(table: string, columns: readonly string[]): string {
    return `JSON_OBJECT(${columns.map((c) => `${quoteLiteral(c)}, ${quoteIdent(table)}.${quoteIdent(c)}`).join(', ')})`;
  }

  protected jsonRowText(e: Extract<SqlExpr, { kind: 'jsonRow' }>): string {
    return this.object(e.table, e.columns);
  }

  protected jsonRowsText(e: Extract<SqlExpr, { kind: 'jsonRows' }>): string {
    const order = e.orderBy.length ? ` ORDER BY ${this.orderBy(e.orderBy)}` : '';
    return `coalesce(JSON_ARRAYAGG(${this.object(e.table, e.columns)}${order}), JSON_ARRAY())`;
  }

  protected listAppendText(e: Extract<SqlExpr, { kind: 'listAppend' }>): string {
    return `JSON_MERGE_PRESERVE(coalesce(${this.expr(e.list)}, JSON_ARRAY()), ${this.expr(e.items)})`;
  }

  protected jsonSourceText(source: Extract<InsertSource, { kind: 'json' }>, _table: string, columns: readonly string[]): string {
    const r = quoteIdent(source.alias);
    const defs = columns.map((c, i) => `${quoteIdent(c)} ${tableColumnType(source.types[i])} PATH ${quoteLiteral(`$.${JSON.stringify(c)}`)}`);
    // A JSON null under a JSON column is the JSON value null: a null list or json field is SQL NULL.
    const cols = columns.map((c, i) => {
      const t = source.types[i];
      return t.array || t.name === 'json' ? `nullif(${r}.${quoteIdent(c)}, 'null')` : `${r}.${quoteIdent(c)}`;
    });
    return `SELECT ${cols.join(', ')} FROM JSON_TABLE(${this.expr(source.rows)}, '$[*]' COLUMNS (${defs.join(', ')})) AS ${r}`;
  }

  override statement(s: SqlStatement): string {
    if (s.kind === 'insert') {
      if (s.returning.length) throw new Error('internal: MySQL has no RETURNING (lowering reads the row back by key)');
      if (s.onConflict?.action === 'update') throw new Error('internal: MySQL upserts lock and update (lowering), not ON CONFLICT');
      // Skipping duplicates: IGNORE drops the rows a unique key refuses (and counts only those inserted).
      const head = `INSERT ${s.onConflict ? 'IGNORE ' : ''}INTO ${quoteIdent(s.table)} (${s.columns.map(quoteIdent).join(', ')}) `;
      return head + this.insertSource(s.source, s.table, s.columns);
    }
    if (s.kind !== 'select' && s.returning.length) throw new Error('internal: MySQL has no RETURNING (lowering locates the row first)');
    if (s.kind === 'delete' && s.alias) {
      this.renamed.set(s.alias, s.table);
      try {
        return super.statement({ ...s, alias: null });
      } finally {
        this.renamed.delete(s.alias);
      }
    }
    return super.statement(s);
  }

  protected override lockRows(): string {
    return ' FOR UPDATE';
  }

  protected override returning(items: readonly SelectItem[]): string {
    if (items.length) throw new Error('internal: MySQL has no RETURNING (lowering reads the row back by key)');
    return '';
  }

  protected override orderItem(o: OrderItem): string {
    // PostgreSQL's NULL order (last ascending, first descending), which quern's cursors assume.
    // Written twice, each time through expr(): a positional placeholder needs its value at each mark.
    const first = this.expr(o.expr);
    return o.direction === 'asc' ? `${first} IS NULL, ${this.expr(o.expr)} ASC` : `${first} IS NOT NULL, ${this.expr(o.expr)} DESC`;
  }

  override expr(e: SqlExpr): string {
    switch (e.kind) {
      case 'column':
        if (e.table !== null && this.renamed.has(e.table)) return `${quoteIdent(this.renamed.get(e.table)!)}.${quoteIdent(e.column)}`;
        return super.expr(e);
      case 'binary':
        // <=> is MySQL's null-safe equality.
        if (e.op === 'IS NOT DISTINCT FROM') return `${this.operand(e.left)} <=> ${this.operand(e.right)}`;
        if (e.op === 'IS DISTINCT FROM') return `NOT (${this.operand(e.left)} <=> ${this.operand(e.right)})`;
        return super.expr(e);
      case 'subquery': {
        const folded = this.foldedAggregate(e.query);
        return folded ?? super.expr(e);
      }
      default:
        return super.expr(e);
    }
  }

  /**
   * `(SELECT <json of x> FROM (inner) x)` → `(SELECT <json over inner's own rows> FROM inner's
   * tables WHERE ... [LIMIT])`: the include shape of read.ts, without the derived table.
   */
  private foldedAggregate(q: SelectStatement): string | null {
    const agg = q.columns.length === 1 ? q.columns[0].expr : null;
    const from = q.from;
    if (!agg || (agg.kind !== 'jsonRows' && agg.kind !== 'jsonRow') || !from || from.kind !== 'subquery' || from.alias !== agg.table) return null;
    const inner = from.query;
    if (inner.with.length || inner.joins.some((j) => j.type !== 'inner') || inner.groupBy?.length || inner.offset || inner.distinctOn) return null;
    const value = (name: string) => {
      const c = inner.columns.find((i) => (i.alias ?? (i.expr.kind === 'column' ? i.expr.column : null)) === name);
      if (!c) throw new Error(`internal: include column ${name} is not in its row selection`);
      return this.expr(c.expr);
    };
    // Positional placeholders: every part is written in the order it appears in the text.
    const object = `JSON_OBJECT(${agg.columns.map((c) => `${quoteLiteral(c)}, ${value(c)}`).join(', ')})`;
    const tail = () => {
      let out = ` FROM ${this.from(inner.from!)}`;
      for (const j of inner.joins) out += ` JOIN ${this.from(j.item)} ON ${this.expr(j.on)}`;
      if (inner.where) out += ` WHERE ${this.expr(inner.where)}`;
      return out;
    };
    if (agg.kind === 'jsonRow') {
      const rest = tail();
      const order = inner.orderBy.length ? ` ORDER BY ${this.orderBy(inner.orderBy)}` : '';
      return `(SELECT ${object}${rest}${order} LIMIT 1)`;
    }
    const order = inner.orderBy.length ? ` ORDER BY ${this.orderBy(inner.orderBy)}` : '';
    const limit = inner.limit ? ` LIMIT ${this.expr(inner.limit)}` : '';
    return `(SELECT coalesce(JSON_ARRAYAGG(${object}${order}${limit}), JSON_ARRAY())${tail()})`;
  }

  protected override window(limit: SqlExpr | null, offset: SqlExpr | null): string {
    // MySQL takes OFFSET only after a LIMIT; 2^64 - 1 is "no limit".
    if (!limit && !offset) return '';
    return ` LIMIT ${limit ? this.expr(limit) : '18446744073709551615'}${offset ? ` OFFSET ${this.expr(offset)}` : ''}`;
  }

  protected override distinctOn(): string {
    throw new Error('internal: MySQL has no DISTINCT ON (lowering keeps the first row per group with row_number())');
  }
}

export function serialize(stmt: SqlStatement): SerializedSql {
  const w = new MysqlWriter();
  const text = w.statement(stmt);
  return { text, params: w.params };
}

export type { SerializedSql as MysqlSerializedSql, SqlParam };
