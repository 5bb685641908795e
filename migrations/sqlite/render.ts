/**
 * SchemaDiff → SQLite statements.
 *
 * SQLite's ALTER TABLE can add, rename and (with restrictions) drop a column, and nothing
 * else: no change of type, nullability, key, unique, CHECK or foreign key. So a table whose
 * CREATE TABLE text changes is REBUILT, as SQLite's documentation prescribes (the "12-step"
 * procedure): create the new table under a temporary name, copy the rows (renamed columns
 * read from their old name, converted, filled), drop the old table, rename the new one,
 * recreate its indexes and triggers. The applier runs the whole migration in one transaction
 * with `PRAGMA foreign_keys = OFF` (dropping a parent table would otherwise cascade) and runs
 * `PRAGMA foreign_key_check` before COMMIT: SQLite DDL is transactional, so a migration is
 * applied whole or not at all.
 *
 * Every table is created from the driver's own DDL (drivers/sqlite/ddl.ts), so what a history
 * of migrations builds is, text for text in sqlite_master, what `db push` builds. Rebuilding
 * instead of `ADD COLUMN` costs a copy of the table, and keeps that equality (an added column
 * would otherwise sit after the table constraints in the stored text).
 */
import type { SchemaDef } from '../../src/schema/define.js';
import type { FieldDef } from '../../src/schema/field.js';
import { counterCaches, type CounterCache } from '../../src/schema/counters.js';
import { columnType, counterTriggerSql, createTableSql } from '../../drivers/sqlite/ddl.js';
import { quoteIdent as q } from '../../src/plan/sql/writer.js';
import { jsonText } from '../../drivers/sqlite/params.js';
import { quoteLiteral } from '../../drivers/sqlite/serialize.js';
import { counterId } from '../dynamodb/render.js';
import type { ModelPair, SchemaDiff } from '../diff/diff.js';
import type { SqlFileStatement } from '../postgres/format.js';
import { describeKind, fillValue, removedEnumValues } from '../postgres/render.js';

/** The name a table is rebuilt under before it takes its own (were a table so named, the CREATE would fail and roll back). */
export const REBUILD_PREFIX = '_quern_new_';

const CREATE_PREFIX = /^CREATE TABLE IF NOT EXISTS ("(?:[^"]|"")+") \(/;

/** A model's CREATE TABLE as push runs it, without IF NOT EXISTS: a migration meeting an existing table must say so. */
function createTable(schema: SchemaDef, key: string, as?: string): string {
  const sql = createTableSql(schema, key);
  return sql.replace(CREATE_PREFIX, (_m, name: string) => `CREATE TABLE ${as === undefined ? name : q(as)} (`);
}

const createIndex = (table: string, ix: { name: string; fields: readonly string[] }) => `CREATE INDEX ${q(ix.name)} ON ${q(table)} (${ix.fields.map(q).join(', ')})`;

interface Trigger {
  readonly name: string;
  readonly sql: string;
  /** The tables the trigger is on or writes to. */
  readonly tables: readonly string[];
}

const TRIGGER_NAME = /^CREATE TRIGGER IF NOT EXISTS ("(?:[^"]|"")+")/;

function triggers(schema: SchemaDef): Trigger[] {
  return counterCaches(schema).flatMap((c) =>
    counterTriggerSql(schema, c).map((sql) => ({
      name: TRIGGER_NAME.exec(sql)![1].slice(1, -1).replace(/""/g, '"'),
      sql: sql.replace(/^CREATE TRIGGER IF NOT EXISTS /, 'CREATE TRIGGER '),
      tables: [schema.models[c.child].table, schema.models[c.parent].table],
    })),
  );
}

export function renderSqlite(diff: SchemaDiff): SqlFileStatement[] {
  const out: SqlFileStatement[] = [];
  const add = (s: SqlFileStatement) => out.push(s);
  const { prev, next } = diff;

  // Which surviving tables change: any difference in the CREATE TABLE text (columns, types,
  // nullability, key, uniques, CHECKs, foreign keys, the table's or a column's name).
  const rebuilt = diff.pairs.filter((p) => createTableSql(prev, p.prevKey) !== createTableSql(next, p.key));
  const kept = diff.pairs.filter((p) => !rebuilt.includes(p));
  const touched = new Set([...rebuilt.flatMap((p) => [p.from.table, p.to.table]), ...diff.dropped.map((k) => prev.models[k].table)]);

  // 1. Counter triggers that go away, or that are on or write to a table rebuilt or dropped (a
  // trigger naming a table that is dropped for a moment would stop the rename that replaces it).
  const before = triggers(prev);
  const after = triggers(next);
  const keptTrigger = (t: Trigger) => !t.tables.some((x) => touched.has(x)) && after.some((a) => a.sql === t.sql);
  for (const t of before) if (!keptTrigger(t)) add({ sql: `DROP TRIGGER ${q(t.name)}`, comment: 'counter cache trigger, re-created below if it stays' });

  // 2. Indexes of tables that stay as they are: dropped when gone or changed.
  for (const p of kept) {
    for (const ix of p.from.indexes) {
      if (!p.to.indexes.some((x) => x.name === ix.name && sameList(x.fields, ix.fields))) add({ sql: `DROP INDEX ${q(ix.name)}`, comment: `index ${p.to.name}(${ix.fields.join(', ')}) removed` });
    }
  }

  // 3. Dropped models.
  for (const key of diff.dropped) {
    const m = prev.models[key];
    add({ sql: `DROP TABLE ${q(m.table)}`, comment: `model ${m.name} removed`, destructive: `drops table ${m.table} (model ${m.name}) and all its rows` });
  }

  // 4. New models, exactly as push creates them.
  for (const key of diff.created) add({ sql: createTable(next, key), comment: `model ${next.models[key].name}` });

  // 5. Rebuilds: every new table is built and filled before any old one is dropped, so two
  // tables may swap names; then the old ones go and the new ones take their names.
  for (const p of rebuilt) {
    const tmp = `${REBUILD_PREFIX}${p.to.table}`;
    add({ sql: createTable(next, p.key, tmp), comment: rebuildReason(p) });
    const copy = copyColumns(p);
    // One statement copies the rows: every way it can lose data or fail is one destructive reason.
    const destructive = [
      ...(keyChanged(p) ? [`changes the key of ${p.to.name} from (${p.from.key.join(', ')}) to (${p.to.key.join(', ')}); fails if the new key has duplicates`] : []),
      ...p.dropped.map((f) => `drops column ${p.to.name}.${f} and its data`),
      ...copy.flatMap((c) => (c.destructive ? [c.destructive] : [])),
    ];
    const comment = copy.flatMap((c) => (c.comment ? [c.comment] : [])).join('\n');
    add({
      sql: `INSERT INTO ${q(tmp)} (${copy.map((c) => q(c.column)).join(', ')})\n  SELECT ${copy.map((c) => c.expr).join(', ')} FROM ${q(p.from.table)}`,
      ...(comment ? { comment } : {}),
      ...(destructive.length ? { destructive: destructive.join('; ') } : {}),
    });
  }
  for (const p of rebuilt) add({ sql: `DROP TABLE ${q(p.from.table)}` });
  for (const p of rebuilt) add({ sql: `ALTER TABLE ${q(`${REBUILD_PREFIX}${p.to.table}`)} RENAME TO ${q(p.to.table)}` });

  // 6. Indexes: all of a new or rebuilt table's (the old table took its own with it), the new ones of the others.
  for (const key of diff.created) for (const ix of next.models[key].indexes) add({ sql: createIndex(next.models[key].table, ix) });
  for (const p of rebuilt) for (const ix of p.to.indexes) add({ sql: createIndex(p.to.table, ix) });
  for (const p of kept) {
    for (const ix of p.to.indexes) {
      if (!p.from.indexes.some((x) => x.name === ix.name && sameList(x.fields, ix.fields))) add({ sql: createIndex(p.to.table, ix), comment: `index ${p.to.name}(${ix.fields.join(', ')})` });
    }
  }

  // 7. Counter triggers, then the counts of the caches that are new (recomputed from the rows).
  for (const t of after) if (!before.some((b) => b.sql === t.sql && keptTrigger(b))) add({ sql: t.sql });
  const prevCounters = new Set(counterCaches(prev).map((c) => counterId(prev.models, c)));
  for (const c of counterCaches(next)) {
    if (!prevCounters.has(counterId(next.models, c))) add({ sql: counterBackfill(next, c), comment: `counter cache ${counterId(next.models, c)}: counts of existing rows` });
  }
  return out;
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
const keyChanged = (p: ModelPair) => !sameList(p.from.key.map((f) => p.fieldMap.get(f) ?? f), p.to.key);

function rebuildReason(p: ModelPair): string {
  const what = [
    ...(p.from.table !== p.to.table ? [`table ${p.from.table} → ${p.to.table}`] : []),
    ...p.renamed.map((r) => `${r.from} → ${r.to} (data kept)`),
    ...p.added.map((f) => `+${f}`),
    ...p.dropped.map((f) => `-${f}`),
    ...p.changed.map((c) => `${c.name} changed`),
  ];
  return `${p.to.name}: rebuilt (SQLite cannot ALTER this in place)${what.length ? `: ${what.join(', ')}` : ': constraints or foreign keys changed'}`;
}

function counterBackfill(schema: SchemaDef, c: CounterCache): string {
  const child = schema.models[c.child];
  const parent = schema.models[c.parent];
  const P = q(parent.table);
  return `UPDATE ${P} SET ${q(c.field)} = (SELECT count(*) FROM ${q(child.table)} AS c WHERE c.${q(c.foreignKey)} = ${P}.${q(parent.key[0])})`;
}

// ---- copying rows into a rebuilt table ------------------------------------------

interface CopiedColumn {
  readonly column: string;
  readonly expr: string;
  readonly comment?: string;
  readonly destructive?: string;
}

function copyColumns(p: ModelPair): CopiedColumn[] {
  const model = p.to.name;
  const prevOf = new Map([...p.fieldMap].map(([a, b]) => [b, a]));
  const out: CopiedColumn[] = [];
  for (const [name, to] of Object.entries(p.to.fields)) {
    const where = `${model}.${name}`;
    const old = prevOf.get(name);
    if (old === undefined) {
      if (to.nullable) out.push({ column: name, expr: 'NULL', comment: `${where}: new, NULL in existing rows` });
      else {
        const fill = fillExpression(to);
        out.push(
          fill
            ? { column: name, expr: fill.sql, comment: `${where}: existing rows get ${fill.label}` }
            : { column: name, expr: 'NULL', destructive: `adds required column ${where} with no default: fails if ${p.to.table} has rows (give it .default(...) or make it .nullable())` },
        );
      }
      continue;
    }
    const from = p.from.fields[old];
    const conv = convert(q(old), from, to);
    const notes: string[] = [];
    let destructive: string | undefined;
    if (conv.lost) destructive = `re-creates ${where} (${describeKind(from)} → ${describeKind(to)} cannot be converted); its data is lost`;
    else if (conv.narrowing) destructive = `narrows ${where} from ${describeKind(from)} to ${describeKind(to)}: ${conv.narrowing}`;
    let expr = conv.lost ? 'NULL' : conv.expr;
    if (old !== name) notes.push(`${where}: from ${old}`);
    if (!to.nullable && (from.nullable || conv.lost)) {
      const fill = fillExpression(to);
      if (fill) {
        expr = conv.lost ? fill.sql : `coalesce(${expr}, ${fill.sql})`;
        notes.push(`${where} becomes required: NULLs become ${fill.label}`);
      } else {
        destructive ??= `makes ${where} required with no default: fails if a row holds NULL (give it .default(...))`;
      }
    }
    out.push({ column: name, expr, ...(notes.length ? { comment: notes.join('\n') } : {}), ...(destructive ? { destructive } : {}) });
  }
  return out;
}

const TEXTLIKE = new Set(['string', 'text', 'enum', 'uuid']);

interface Conversion {
  readonly expr: string;
  /** Why some stored values may not convert (the copy then fails, or changes them). */
  readonly narrowing?: string;
  /** No conversion: the column starts empty. */
  readonly lost?: boolean;
}

/**
 * How an old column's stored value becomes the new one's. Values are stored as the driver
 * writes them (booleans 0/1, decimals and timestamps text, lists and json JSON text), so
 * most changes keep the value as it is; numbers that change affinity are CAST.
 */
function convert(col: string, from: FieldDef, to: FieldDef): Conversion {
  if ((from.kind === 'list') !== (to.kind === 'list') || (from.kind === 'json') !== (to.kind === 'json')) return { expr: 'NULL', lost: true };
  if (from.kind === 'list' || from.kind === 'json') {
    const a = from.kind === 'list' ? from.element! : from;
    const b = to.kind === 'list' ? to.element! : to;
    const widening = a.kind === b.kind || (TEXTLIKE.has(a.kind) && (b.kind === 'text' || (b.kind === 'string' && !b.maxLength)));
    return { expr: col, ...(widening ? {} : { narrowing: 'elements are kept as stored; those the new kind does not read fail when read' }) };
  }
  const a = from.kind;
  const b = to.kind;
  if (a === 'enum' && b === 'enum') {
    const gone = removedEnumValues(from, to);
    return { expr: col, ...(gone ? { narrowing: `${gone} no longer allowed; fails if rows hold them` } : {}) };
  }
  if (a === b) return { expr: col };
  if (TEXTLIKE.has(a) && (b === 'text' || b === 'string')) return { expr: col };
  if (TEXTLIKE.has(a) && TEXTLIKE.has(b)) return { expr: col, narrowing: b === 'enum' ? 'values outside the enum make the change fail' : 'values are kept as they are; those that are not UUIDs fail when read' };
  if (a === 'int' && b === 'bigint') return { expr: col };
  if (a === 'bigint' && b === 'int') return { expr: col, narrowing: 'values outside 32 bits make the change fail' };
  if ((a === 'int' || a === 'bigint') && b === 'float') return { expr: `CAST(${col} AS REAL)` };
  if ((a === 'int' || a === 'bigint' || a === 'float') && b === 'decimal') return { expr: `CAST(${col} AS TEXT)` };
  if ((a === 'float' || a === 'decimal') && (b === 'int' || b === 'bigint')) return { expr: `CAST(${col} AS INTEGER)`, narrowing: 'fractions are cut off and out-of-range values make the change fail' };
  if (a === 'decimal' && b === 'float') return { expr: `CAST(${col} AS REAL)`, narrowing: 'precision can be lost' };
  if (b === 'text' || (b === 'string' && !to.maxLength)) return { expr: `CAST(${col} AS TEXT)`, narrowing: 'values are written as SQLite prints them' };
  return { expr: `CAST(${col} AS ${columnType(to)})`, narrowing: 'values that do not convert are kept as stored and fail when read' };
}

// ---- values for existing rows ---------------------------------------------------

/**
 * The value existing rows get when a required field appears (fillValue), as the driver stores it;
 * null when there is none. SQLite generates no UUIDs: an `auto()` uuid has no fill here.
 */
export function fillExpression(d: FieldDef): { sql: string; label: string } | null {
  const f = fillValue(d);
  if (!f) return null;
  switch (f.kind) {
    case 'value':
      return { sql: literal(d, f.value), label: f.label };
    case 'now':
      // ISO text with milliseconds, as a Date is written.
      return { sql: `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`, label: f.label };
    case 'uuid':
      return null;
    default: {
      const never: never = f;
      throw new Error(`internal: ${JSON.stringify(never)}`);
    }
  }
}

function literal(d: FieldDef, v: unknown): string {
  if (d.kind === 'list') return quoteLiteral(jsonText((v as unknown[]).map((x) => (x instanceof Date ? x.toISOString() : x))));
  switch (d.kind) {
    case 'int':
    case 'float':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? '1' : '0';
    case 'timestamp':
      return quoteLiteral((v instanceof Date ? v : new Date(String(v))).toISOString());
    case 'json':
      return quoteLiteral(jsonText(v));
    case 'decimal':
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
    case 'date':
      return quoteLiteral(String(v));
    default: {
      const never: never = d.kind;
      throw new Error(`internal: unknown field kind ${String(never)}`);
    }
  }
}
