/**
 * SchemaDiff → MySQL/MariaDB statements.
 *
 * Creation reuses the driver's DDL, so a history applied from nothing builds what `db push`
 * builds. Changes compare the physical objects each schema implies (columns, key, uniques, enum
 * checks, indexes, foreign keys), with the previous side translated through the renames first,
 * as the PostgreSQL renderer does.
 *
 * MySQL commits every DDL statement on its own, so each statement here is a unit of the apply
 * (see apply.ts) and does one thing, which keeps a re-run after a crash simple. What differs
 * from PostgreSQL:
 * - A required column is added nullable, filled with an UPDATE, then made NOT NULL: a column
 *   default works for every type only on some servers (TEXT and JSON refuse literal defaults on
 *   MySQL), and three plain statements work on all of them.
 * - A type change is `MODIFY COLUMN` with the whole definition. In strict mode (the default on
 *   MySQL 5.7+ and MariaDB 10.2.4+) a value that does not fit makes it fail instead of being
 *   truncated, so narrowing is destructive, as on PostgreSQL.
 * - The primary key is always named PRIMARY; a unique constraint is a unique index; foreign
 *   keys and CHECK constraints cannot be renamed, so a changed name drops and re-adds them.
 */
import type { FieldDef } from '../../src/schema/field.js';
import type { ModelDef } from '../../src/schema/model.js';
import { counterCaches } from '../../src/schema/counters.js';
import type { ModelPair, SchemaDiff } from '../diff/diff.js';
import { castFor, describeKind, enumValuesOf, fillValue, removedEnumValues } from '../postgres/render.js';
import { checkConstraintName } from '../../src/schema/names.js';
import type { CounterCache } from '../../src/schema/counters.js';
import {
  addForeignKeySql, columnType, counterTriggers, createIndexSql, createTableSql, enumCheck, foreignKeys, indexedFields, mysqlName, type ForeignKeyDef,
} from '../../drivers/mysql/ddl.js';
import { quoteIdent as q, quoteLiteral } from '../../drivers/mysql/serialize.js';
import { counterId } from '../dynamodb/render.js';

export interface MysqlStatement {
  readonly sql: string;
  /** Why it is here, written as a comment above it. */
  readonly comment?: string;
  /** Set when the statement can lose data or fail on existing rows. */
  readonly destructive?: string;
}

interface Named {
  readonly name: string;
  readonly columns: readonly string[];
}
interface Column {
  readonly name: string;
  readonly type: string;
  readonly notNull: boolean;
  readonly check: string | null;
  readonly checkName: string;
  readonly def: FieldDef;
}
interface Table {
  readonly table: string;
  readonly columns: ReadonlyMap<string, Column>;
  readonly pk: readonly string[];
  readonly uniques: readonly Named[];
  readonly indexes: readonly Named[];
}

/** The physical table a model implies; with `rename`, column names are the new ones, object names as in the database. */
function physical(model: ModelDef, rename?: { table: string; field: (f: string) => string }): Table {
  const col = rename?.field ?? ((f: string) => f);
  // An unbounded string is VARCHAR(255) where an index covers it and LONGTEXT elsewhere: the type depends on the indexes.
  const indexed = indexedFields(model);
  const columns = new Map<string, Column>();
  for (const [f, d] of Object.entries(model.fields)) {
    const name = col(f);
    columns.set(name, { name, type: columnType(d, indexed.has(f)), notNull: !d.nullable, check: enumCheck(name, d), checkName: mysqlName(checkConstraintName(model, f)), def: d });
  }
  return {
    table: rename?.table ?? model.table,
    columns,
    pk: model.key.map(col),
    uniques: model.uniques.map((u) => ({ name: mysqlName(u.name), columns: u.fields.map(col) })),
    indexes: model.indexes.map((i) => ({ name: mysqlName(i.name), columns: i.fields.map(col) })),
  };
}

/** `name type NULL|NOT NULL`: what ADD and MODIFY COLUMN restate (the enum CHECK is a table constraint of its own). */
function columnSql(c: Column, nullable = !c.notNull): string {
  return `${q(c.name)} ${c.type}${nullable ? ' NULL' : ' NOT NULL'}`;
}

const sameCols = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
// The name and the delete action are part of a foreign key's identity here: MySQL cannot rename one.
const fkKey = (fk: ForeignKeyDef) => [fk.name, fk.table, fk.columns.join(','), fk.refTable, fk.refColumns.join(','), fk.onDelete ?? 'restrict'].join('\u0000');
const fkLabel = (fk: ForeignKeyDef) => `${fk.table}.${fk.columns.join('+')}`;

export function renderMysql(diff: SchemaDiff): MysqlStatement[] {
  const out: MysqlStatement[] = [];
  const add = (s: MysqlStatement) => out.push(s);
  const pairs = diff.pairs;
  const prevTableOf = new Map<string, { table: string; field: (f: string) => string }>();
  for (const p of pairs) prevTableOf.set(p.from.table, { table: p.to.table, field: (f) => p.fieldMap.get(f) ?? f });

  // 1. Renames first: everything after speaks the new names. RENAME COLUMN needs MySQL 8 or MariaDB 10.5.
  for (const p of pairs) {
    if (p.from.table !== p.to.table) add({ sql: `RENAME TABLE ${q(p.from.table)} TO ${q(p.to.table)}`, comment: `model ${p.from.name} → ${p.to.name}` });
  }
  for (const p of pairs) {
    for (const r of p.renamed) add({ sql: `ALTER TABLE ${q(p.to.table)} RENAME COLUMN ${q(r.from)} TO ${q(r.to)}`, comment: `${p.to.name}.${r.from} → ${r.to} (data kept)` });
  }

  const before = new Map(pairs.map((p) => [p.key, physical(p.from, prevTableOf.get(p.from.table))]));
  const after = new Map(pairs.map((p) => [p.key, physical(p.to)]));

  // Foreign keys of the previous schema, translated; those over a column whose type changes are re-created.
  const retyped = new Set<string>();
  for (const p of pairs) {
    const a = before.get(p.key)!;
    for (const c of after.get(p.key)!.columns.values()) if (a.columns.get(c.name) && a.columns.get(c.name)!.type !== c.type) retyped.add(`${p.to.table}\u0000${c.name}`);
  }
  const translate = (fk: ForeignKeyDef): ForeignKeyDef => {
    const t = prevTableOf.get(fk.table);
    const r = prevTableOf.get(fk.refTable);
    return { ...fk, table: t?.table ?? fk.table, columns: t ? fk.columns.map(t.field) : fk.columns, refTable: r?.table ?? fk.refTable, refColumns: r ? fk.refColumns.map(r.field) : fk.refColumns };
  };
  const droppedTables = new Set(diff.dropped.map((k) => diff.prev.models[k].table));
  const prevFks = foreignKeys(diff.prev).map(translate);
  const nextFks = foreignKeys(diff.next);
  const nextFkKeys = new Set(nextFks.map(fkKey));
  const touchesRetyped = (fk: ForeignKeyDef) => fk.columns.some((c) => retyped.has(`${fk.table}\u0000${c}`)) || fk.refColumns.some((c) => retyped.has(`${fk.refTable}\u0000${c}`));
  const keptFk = (fk: ForeignKeyDef) => nextFkKeys.has(fkKey(fk)) && !touchesRetyped(fk);
  const keptFkKeys = new Set(prevFks.filter(keptFk).map(fkKey));

  // 2. Drop what goes away or must be rebuilt, before tables and columns change under it.
  for (const fk of prevFks) {
    // A foreign key from a dropped table goes with it; one pointing into it must go first.
    if (!keptFk(fk) && !droppedTables.has(fk.table)) add({ sql: `ALTER TABLE ${q(fk.table)} DROP FOREIGN KEY ${q(fk.name)}`, comment: `foreign key ${fkLabel(fk)} → ${fk.refTable}` });
  }
  for (const p of pairs) {
    const a = before.get(p.key)!;
    const b = after.get(p.key)!;
    const t = q(b.table);
    for (const ix of a.indexes) {
      const m = b.indexes.find((x) => sameCols(x.columns, ix.columns));
      if (!m) add({ sql: `ALTER TABLE ${t} DROP INDEX ${q(ix.name)}`, comment: `index ${p.to.name}(${ix.columns.join(', ')}) removed` });
      else if (m.name !== ix.name) add({ sql: `ALTER TABLE ${t} RENAME INDEX ${q(ix.name)} TO ${q(m.name)}` });
    }
    for (const u of a.uniques) {
      const m = b.uniques.find((x) => sameCols(x.columns, u.columns));
      if (!m) add({ sql: `ALTER TABLE ${t} DROP INDEX ${q(u.name)}`, comment: `unique ${p.to.name}(${u.columns.join(', ')}) removed` });
      else if (m.name !== u.name) add({ sql: `ALTER TABLE ${t} RENAME INDEX ${q(u.name)} TO ${q(m.name)}` });
    }
    for (const c of a.columns.values()) {
      if (!c.check) continue;
      const nc = b.columns.get(c.name);
      // A dropped column takes its CHECK with it; a changed or renamed one is dropped here and added in step 6.
      if (nc && (nc.check !== c.check || nc.checkName !== c.checkName)) add({ sql: `ALTER TABLE ${t} DROP CONSTRAINT ${q(c.checkName)}`, comment: `${p.to.name}.${c.name}: allowed values (or their constraint's name) change` });
    }
    if (!sameCols(a.pk, b.pk)) {
      add({
        sql: `ALTER TABLE ${t} DROP PRIMARY KEY`,
        comment: `${p.to.name}: key (${a.pk.join(', ')}) → (${b.pk.join(', ')})`,
        destructive: `changes the key of ${p.to.name} from (${a.pk.join(', ')}) to (${b.pk.join(', ')}); fails if the new key has duplicates`,
      });
    }
  }

  // 3. Dropped models.
  for (const key of diff.dropped) {
    const m = diff.prev.models[key];
    add({ sql: `DROP TABLE ${q(m.table)}`, comment: `model ${m.name} removed`, destructive: `drops table ${m.table} (model ${m.name}) and all its rows` });
  }

  // 4. New models, as push creates them.
  for (const key of diff.created) add({ sql: createTableSql(diff.next.models[key]), comment: `model ${diff.next.models[key].name}` });

  // 5. Columns of surviving models.
  for (const p of pairs) columnChanges(p, before.get(p.key)!, after.get(p.key)!, add);

  // 6. Constraints that are new (or rebuilt).
  for (const p of pairs) {
    const a = before.get(p.key)!;
    const b = after.get(p.key)!;
    const t = q(b.table);
    if (!sameCols(a.pk, b.pk)) add({ sql: `ALTER TABLE ${t} ADD PRIMARY KEY (${b.pk.map(q).join(', ')})`, destructive: `changes the key of ${p.to.name}` });
    for (const c of b.columns.values()) {
      if (!c.check) continue;
      // A re-created column lost its CHECK with the DROP COLUMN.
      const prior = a.columns.get(c.name);
      const old = prior && prior.type !== c.type && conversion(prior, c).recreate ? undefined : prior;
      if (old && old.check === c.check && old.checkName === c.checkName) continue;
      const narrowing = old?.check ? removedEnumValues(old.def, c.def) : old ? 'all values outside the enum' : null;
      add({
        sql: `ALTER TABLE ${t} ADD CONSTRAINT ${q(c.checkName)} ${c.check}`,
        comment: `${p.to.name}.${c.name}: allowed values ${enumValuesOf(c.def).join(', ')}`,
        ...(old && narrowing ? { destructive: `narrows ${p.to.name}.${c.name} (${narrowing} no longer allowed); fails if rows hold them` } : {}),
      });
    }
    for (const u of b.uniques) {
      if (a.uniques.some((x) => sameCols(x.columns, u.columns))) continue;
      add({ sql: `ALTER TABLE ${t} ADD CONSTRAINT ${q(u.name)} UNIQUE (${u.columns.map(q).join(', ')})`, comment: `unique ${p.to.name}(${u.columns.join(', ')}); fails if rows already repeat a value` });
    }
  }

  // 7. New indexes of existing tables (InnoDB builds them online); CREATE TABLE has those of new tables.
  for (const p of pairs) {
    const a = before.get(p.key)!;
    for (const ix of p.to.indexes) {
      if (a.indexes.some((x) => sameCols(x.columns, ix.fields))) continue;
      add({ sql: createIndexSql(p.to, ix), comment: `index ${p.to.name}(${ix.fields.join(', ')})` });
    }
  }

  // 8. Foreign keys last: every table and column they name exists by now.
  const newTables = new Set(diff.created.map((k) => diff.next.models[k].table));
  for (const fk of nextFks) {
    if (keptFkKeys.has(fkKey(fk))) continue;
    const risk = newTables.has(fk.table) ? '' : `; fails if existing rows point at missing ${fk.refTable} rows`;
    add({ sql: addForeignKeySql(fk), comment: `${fkLabel(fk)} → ${fk.refTable}.${fk.refColumns.join('+')}${risk}` });
  }

  // 9. Counter caches.
  counterChanges(diff, prevTableOf, add);
  return out;
}

/**
 * Counter caches: the triggers of those that went away are dropped (a dropped child table took
 * them with it); new ones get their triggers, then the backfill, which recomputes every count
 * from the rows, so re-running it after a crash gives the same values.
 */
function counterChanges(diff: SchemaDiff, prevTableOf: ReadonlyMap<string, { table: string }>, add: (s: MysqlStatement) => void): void {
  const key = (def: SchemaDiff['next'], c: CounterCache) => counterId(def.models, c);
  const prevCounters = new Map(counterCaches(diff.prev).map((c) => [key(diff.prev, c), c]));
  const nextCounters = new Map(counterCaches(diff.next).map((c) => [key(diff.next, c), c]));
  const sameChild = (k: string) => {
    const [p, n] = [prevCounters.get(k), nextCounters.get(k)];
    return !!p && !!n && diff.prev.models[p.child].table === diff.next.models[n.child].table;
  };
  for (const [k, c] of prevCounters) {
    if (sameChild(k)) continue;
    const childNow = prevTableOf.get(diff.prev.models[c.child].table)?.table;
    if (!childNow) continue;
    // Trigger names are derived from the child's table as it was: the names to drop are the old ones.
    for (const tr of counterTriggers(diff.prev, c)) add({ sql: `DROP TRIGGER IF EXISTS ${q(tr.name)}`, comment: `counter cache ${k} removed` });
  }
  for (const [k, c] of nextCounters) {
    if (sameChild(k)) continue;
    for (const tr of counterTriggers(diff.next, c)) add({ sql: tr.sql, comment: `counter cache ${k}: kept by a trigger on every child row written` });
    const parent = diff.next.models[c.parent];
    const child = diff.next.models[c.child];
    const P = q(parent.table);
    const count = `(SELECT count(*) FROM ${q(child.table)} AS c WHERE c.${q(c.foreignKey)} = ${P}.${q(parent.key[0])})`;
    add({ sql: `UPDATE ${P} SET ${q(c.field)} = ${count} WHERE NOT (${q(c.field)} <=> ${count})`, comment: `counter cache ${k}: counts of existing rows` });
  }
}

function columnChanges(p: ModelPair, a: Table, b: Table, add: (s: MysqlStatement) => void): void {
  const t = q(b.table);
  const model = p.to.name;
  for (const f of p.dropped) add({ sql: `ALTER TABLE ${t} DROP COLUMN ${q(f)}`, comment: `${model}.${f} removed`, destructive: `drops column ${model}.${f} and its data` });
  for (const f of p.added) {
    const d = p.to.fields[f];
    const c = b.columns.get(f)!;
    if (d.nullable) {
      add({ sql: `ALTER TABLE ${t} ADD COLUMN ${columnSql(c)}`, comment: `${model}.${f}` });
      continue;
    }
    const fill = fillSql(d);
    if (fill) {
      // Added nullable, filled once, then required: the column keeps no default, like a pushed one.
      add({ sql: `ALTER TABLE ${t} ADD COLUMN ${columnSql(c, true)}`, comment: `${model}.${f}: existing rows get ${fill.label}` });
      add({ sql: `UPDATE ${t} SET ${q(f)} = ${fill.sql} WHERE ${q(f)} IS NULL` });
      add({ sql: `ALTER TABLE ${t} MODIFY COLUMN ${columnSql(c)}` });
    } else {
      add({
        sql: `ALTER TABLE ${t} ADD COLUMN ${columnSql(c)}`,
        comment: `${model}.${f}: required, no default`,
        destructive: `adds required column ${model}.${f} with no default: fails if ${p.to.table} has rows (give it .default(...) or make it .nullable())`,
      });
    }
  }
  // Surviving columns whose type or nullability changes: a changed field, or an unbounded string an index now covers (or no longer does).
  for (const to of b.columns.values()) {
    const from = a.columns.get(to.name);
    if (!from || (from.type === to.type && from.notNull === to.notNull)) continue;
    const where = `${model}.${to.name}`;
    if (from.type !== to.type) {
      const conv = conversion(from, to);
      if (conv.recreate) {
        add({ sql: `ALTER TABLE ${t} DROP COLUMN ${q(to.name)}`, comment: `${where}: ${describeKind(from.def)} → ${describeKind(to.def)} has no conversion`, destructive: `re-creates ${where} (${describeKind(from.def)} → ${describeKind(to.def)} cannot be converted); its data is lost` });
        const fill = to.notNull ? fillSql(to.def) : null;
        add({ sql: `ALTER TABLE ${t} ADD COLUMN ${columnSql(to, !to.notNull || !!fill)}` });
        if (fill) {
          add({ sql: `UPDATE ${t} SET ${q(to.name)} = ${fill.sql} WHERE ${q(to.name)} IS NULL` });
          add({ sql: `ALTER TABLE ${t} MODIFY COLUMN ${columnSql(to)}` });
        }
        continue;
      }
    }
    // MODIFY restates the whole column: when it becomes required, NULLs are filled first.
    const fill = !from.notNull && to.notNull ? fillSql(to.def) : null;
    if (fill) add({ sql: `UPDATE ${t} SET ${q(to.name)} = ${fill.sql} WHERE ${q(to.name)} IS NULL`, comment: `${where} becomes required: NULLs become ${fill.label}` });
    const narrowing = from.type !== to.type ? conversion(from, to).narrowing : undefined;
    const change = from.type !== to.type ? `${describeKind(from.def)} (${from.type}) → ${describeKind(to.def)} (${to.type})` : to.notNull ? 'becomes required' : 'becomes nullable';
    add({
      sql: `ALTER TABLE ${t} MODIFY COLUMN ${columnSql(to)}`,
      comment: `${where}: ${change}`,
      ...(narrowing
        ? { destructive: `narrows ${where} from ${from.type} to ${to.type}: ${narrowing}` }
        : !from.notNull && to.notNull && !fill
          ? { destructive: `makes ${where} required with no default: fails if a row holds NULL (give it .default(...))` }
          : {}),
    });
  }
}

const TEXT_KINDS = new Set(['string', 'text', 'enum', 'uuid']);

/** Characters a text column holds: VARCHAR(n)/CHAR(n) → n, LONGTEXT → unbounded. */
function capacity(type: string): number {
  const m = /^(?:VAR)?CHAR\((\d+)\)$/.exec(type);
  return m ? Number(m[1]) : Infinity;
}

/**
 * How a column's type changes. Text to text compares the column types themselves (an enum is a
 * VARCHAR as wide as its longest value; its values are the CHECK's business); the rest is
 * PostgreSQL's classification. MySQL in strict mode raises on a value that does not fit.
 */
function conversion(from: Column, to: Column): { narrowing?: string; recreate?: boolean } {
  const cast = castFor(from.def, to.def);
  if (cast.recreate) return cast;
  if (from.def.kind !== 'list' && to.def.kind !== 'list' && TEXT_KINDS.has(from.def.kind) && TEXT_KINDS.has(to.def.kind) && to.def.kind !== 'uuid') {
    const n = capacity(to.type);
    return capacity(from.type) <= n ? {} : { narrowing: `values longer than ${n} characters make the change fail` };
  }
  return cast.narrowing ? { narrowing: cast.narrowing } : {};
}

// ---- values ------------------------------------------------------------------------

/** What existing rows get, in MySQL: the value as the driver stores it, UTC time, a random UUID per row. */
function fillSql(d: FieldDef): { sql: string; label: string } | null {
  const f = fillValue(d);
  if (!f) return null;
  switch (f.kind) {
    case 'value':
      return { sql: literal(d, f.value), label: f.label };
    case 'now':
      return { sql: 'UTC_TIMESTAMP(3)', label: f.label };
    case 'uuid':
      return { sql: 'UUID()', label: f.label };
    default: {
      const never: never = f;
      throw new Error(`internal: ${JSON.stringify(never)}`);
    }
  }
}

function literal(d: FieldDef, v: unknown): string {
  if (d.kind === 'list' || d.kind === 'json') return quoteLiteral(JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)));
  switch (d.kind) {
    case 'int':
    case 'float':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'timestamp':
      // datetime(3) in UTC, as the driver writes it.
      return quoteLiteral((v instanceof Date ? v : new Date(String(v))).toISOString().replace('T', ' ').replace('Z', ''));
    default:
      return quoteLiteral(String(v));
  }
}
