/**
 * SQL AST → PostgreSQL text with `$n` placeholders. Pure: no connection, so
 * explain and lint use it offline.
 *
 * Identifiers are always double-quoted (embedded quotes doubled); values are
 * always placeholders. The only words written verbatim come from closed
 * unions in the AST (operators, function and type names), never from input.
 */
import type {
  Assignment, FromItem, OnConflict, OrderItem, SelectItem, SelectStatement, SqlExpr, SqlParam, SqlStatement, SqlTypeRef,
} from '../../src/plan/sql/ast.js';
import { assertNever } from '../../src/plan/plan.js';

export interface SerializedSql {
  readonly text: string;
  /** params[i] is the value source of `$${i + 1}`. */
  readonly params: readonly SqlParam[];
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A string literal for DDL (CHECK constraints): quotes doubled, backslashes made explicit with E''. */
export function quoteLiteral(s: string): string {
  const body = s.replace(/'/g, "''");
  return s.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

export function typeName(t: SqlTypeRef): string {
  return t.array ? `${t.name}[]` : t.name;
}

export function serialize(stmt: SqlStatement): SerializedSql {
  const w = new Writer();
  const text = w.statement(stmt);
  return { text, params: w.params };
}

class Writer {
  readonly params: SqlParam[] = [];
  private readonly index = new Map<string, number>();

  statement(s: SqlStatement): string {
    switch (s.kind) {
      case 'select':
        return this.select(s);
      case 'insert': {
        let out = `INSERT INTO ${quoteIdent(s.table)}${s.alias ? ` AS ${quoteIdent(s.alias)}` : ''} (${s.columns.map(quoteIdent).join(', ')}) `;
        out += s.source.kind === 'values'
          ? `VALUES ${s.source.rows.map((r) => `(${r.map((e) => this.expr(e)).join(', ')})`).join(', ')}`
          : this.select(s.source.query);
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

  private select(s: SelectStatement): string {
    let out = '';
    if (s.with.length) out += `WITH ${s.with.map((c) => `${quoteIdent(c.name)} AS (${this.statement(c.statement)})`).join(', ')} `;
    out += `SELECT ${s.distinctOn ? `DISTINCT ON (${s.distinctOn.map((e) => this.expr(e)).join(', ')}) ` : ''}${s.columns.map((c) => this.selectItem(c)).join(', ')}`;
    if (s.from) out += ` FROM ${this.from(s.from)}`;
    for (const j of s.joins) out += ` ${j.type === 'inner' ? 'JOIN' : 'LEFT JOIN'} ${this.from(j.item)} ON ${this.expr(j.on)}`;
    if (s.where) out += ` WHERE ${this.expr(s.where)}`;
    if (s.groupBy?.length) out += ` GROUP BY ${s.groupBy.map((e) => this.expr(e)).join(', ')}`;
    if (s.orderBy.length) out += ` ORDER BY ${this.orderBy(s.orderBy)}`;
    if (s.limit) out += ` LIMIT ${this.expr(s.limit)}`;
    if (s.offset) out += ` OFFSET ${this.expr(s.offset)}`;
    return out;
  }

  private selectItem(c: SelectItem): string {
    // A column already carries its own name as the output name.
    if (c.alias === null || (c.expr.kind === 'column' && c.expr.column === c.alias)) return this.expr(c.expr);
    return `${this.expr(c.expr)} AS ${quoteIdent(c.alias)}`;
  }

  private from(f: FromItem): string {
    switch (f.kind) {
      case 'table':
        return f.alias ? `${quoteIdent(f.name)} ${quoteIdent(f.alias)}` : quoteIdent(f.name);
      case 'subquery':
        return `${f.lateral ? 'LATERAL ' : ''}(${this.select(f.query)}) ${quoteIdent(f.alias)}`;
      case 'function':
        return `${this.expr(f.call)} ${quoteIdent(f.alias)}`;
      default:
        return assertNever(f, 'from item');
    }
  }

  private orderBy(items: readonly OrderItem[]): string {
    return items.map((o) => `${this.expr(o.expr)} ${o.direction === 'asc' ? 'ASC' : 'DESC'}`).join(', ');
  }

  private assignments(set: readonly Assignment[]): string {
    return set.map((a) => `${quoteIdent(a.column)} = ${this.expr(a.value)}`).join(', ');
  }

  private onConflict(c: OnConflict): string {
    const target = c.target.length ? ` (${c.target.map(quoteIdent).join(', ')})` : '';
    if (c.action === 'nothing') return ` ON CONFLICT${target} DO NOTHING`;
    return ` ON CONFLICT${target} DO UPDATE SET ${this.assignments(c.set)}${c.where ? ` WHERE ${this.expr(c.where)}` : ''}`;
  }

  private returning(items: readonly SelectItem[]): string {
    return items.length ? ` RETURNING ${items.map((c) => this.selectItem(c)).join(', ')}` : '';
  }

  private placeholder(p: SqlParam): string {
    const key = `${p.slot}|${JSON.stringify(p.path)}|${p.type ? typeName(p.type) : ''}|${p.transform ?? ''}`;
    let n = this.index.get(key);
    if (n === undefined) {
      this.params.push(p);
      n = this.params.length;
      this.index.set(key, n);
    }
    return p.type ? `$${n}::${typeName(p.type)}` : `$${n}`;
  }

  /** Operands are parenthesised whenever they are compound, so precedence never depends on context. */
  private operand(e: SqlExpr): string {
    switch (e.kind) {
      case 'column': case 'star': case 'param': case 'literal': case 'func': case 'subquery': case 'exists': case 'row': case 'cast':
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
        return `${this.operand(e.left)} ${e.op} ${this.operand(e.right)}`;
      case 'like':
        return `${this.operand(e.expr)} ${e.insensitive ? 'ILIKE' : 'LIKE'} ${this.operand(e.pattern)} ESCAPE E'\\\\'`;
      case 'and':
      case 'or':
        return e.items.map((i) => this.operand(i)).join(e.kind === 'and' ? ' AND ' : ' OR ');
      case 'not':
        return `NOT ${this.operand(e.expr)}`;
      case 'isNull':
        return `${this.operand(e.expr)} IS ${e.negated ? 'NOT NULL' : 'NULL'}`;
      case 'any':
        return `${this.operand(e.left)} = ANY(${this.expr(e.right)})`;
      case 'exists':
        return `EXISTS (${this.select(e.query)})`;
      case 'subquery':
        return `(${this.select(e.query)})`;
      case 'func': {
        const args = e.args.map((a) => this.expr(a)).join(', ');
        return `${e.name}(${args}${e.orderBy?.length ? ` ORDER BY ${this.orderBy(e.orderBy)}` : ''})`;
      }
      case 'cast':
        if (e.type.kind === 'rowtype') return `${this.operand(e.expr)}::${quoteIdent(e.type.table)}`;
        return `${this.operand(e.expr)}::${typeName(e.type)}`;
      case 'row':
        return `(${e.items.map((i) => this.expr(i)).join(', ')})`;
      default:
        return assertNever(e, 'expression');
    }
  }
}
