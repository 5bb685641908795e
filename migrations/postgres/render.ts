/**
 * SchemaDiff → PostgreSQL statements.
 *
 * Creation reuses the driver's DDL (drivers/postgres/ddl.ts), so a migration
 * history applied from nothing builds exactly what `db push` builds. Changes
 * are derived by comparing the physical objects each schema implies (columns,
 * key, uniques, enum checks, indexes, foreign keys): the previous side is first
 * translated through the renames, so an object that only changed its name is
 * renamed, not dropped and re-created.
 *
 * Enums are text + CHECK (the driver's choice): a value change swaps the
 * constraint. Column defaults are not used (quern fills defaults itself), so
 * a required column added to a table with rows is filled with a one-off
 * DEFAULT that is dropped right after.
 */
import { counterCaches, type CounterCache } from '../../src/schema/counters.js';
import { counterId } from '../dynamodb/render.js';
import type { FieldDef } from '../../src/schema/field.js';
import type { ModelDef } from '../../src/schema/model.js';
import type { SchemaDef } from '../../src/schema/define.js';
import {
  addForeignKeySql, checkConstraintName, counterBackfillSql, counterTriggerSql, dropCounterTriggerSql, columnDefinition, columnType, createIndexSql, createTableSql, pgIndexes, enumCheck, foreignKeys,
  primaryKeyName, type ForeignKeyDef,
} from '../../drivers/postgres/ddl.js';
import { quoteIdent as q, quoteLiteral } from '../../drivers/postgres/serialize.js';
import type { SchemaDiff, ModelPair } from '../diff/diff.js';

export interface PgStatement {
  readonly sql: string;
  /** Why it is here, written as a comment above it. */
  readonly comment?: string;
  readonly noTransaction?: boolean;
  /** Set when the statement can lose data or fail on existing rows. */
  readonly destructive?: string;
}

export interface PgRender {
  readonly statements: readonly PgStatement[];
}

interface Named { readonly name: string; readonly columns: readonly string[]; readonly using?: 'gin' }
interface Column { readonly name: string; readonly type: string; readonly notNull: boolean; readonly check: string | null; readonly checkName: string; readonly def: FieldDef }
interface Table {
  readonly table: string;
  readonly model: ModelDef;
  readonly columns: ReadonlyMap<string, Column>;
  readonly pk: Named;
  readonly uniques: readonly Named[];
  readonly indexes: readonly Named[];
}

/**
 * The physical table a model implies. With `rename`, column names are the new
 * ones while constraint names stay as they are in the database: that is the
 * state right after the RENAME statements ran.
 */
function physical(model: ModelDef, rename?: { table: string; field: (f: string) => string }): Table {
  const col = rename?.field ?? ((f: string) => f);
  const columns = new Map<string, Column>();
  for (const [f, d] of Object.entries(model.fields)) {
    const name = col(f);
    columns.set(name, { name, type: columnType(d), notNull: !d.nullable, check: enumCheck(name, d), checkName: checkConstraintName(model, f), def: d });
  }
  return {
    table: rename?.table ?? model.table,
    model,
    columns,
    pk: { name: primaryKeyName(model), columns: model.key.map(col) },
    uniques: model.uniques.map((u) => ({ name: u.name, columns: u.fields.map(col) })),
    indexes: pgIndexes(model).map((i) => ({ name: i.name, columns: i.fields.map(col), ...(i.using ? { using: i.using } : {}) })),
  };
}

const sameCols = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
/** A GIN index over a column is not the btree index over it: switching one for the other rebuilds it. */
const sameIndex = (a: Pick<Named, 'columns' | 'using'>, b: Pick<Named, 'columns' | 'using'>) => sameCols(a.columns, b.columns) && a.using === b.using;
// The delete action is part of the identity: changing it drops and re-adds the constraint.
const fkKey = (fk: ForeignKeyDef) => [fk.table, fk.columns.join(','), fk.refTable, fk.refColumns.join(','), fk.onDelete ?? 'restrict'].join('\u0000');
const fkLabel = (fk: ForeignKeyDef) => `${fk.table}.${fk.columns.join('+')}`;
// PostgreSQL truncates identifiers to 63 bytes; compare names as the catalog holds them.
const pgName = (s: string) => Buffer.from(s).subarray(0, 63).toString();

export function renderPostgres(diff: SchemaDiff): PgRender {
  const out: PgStatement[] = [];
  const add = (s: PgStatement) => out.push(s);
  const pairs = diff.pairs;
  const prevTableOf = new Map<string, { table: string; field: (f: string) => string }>(); // prev table -> translation
  for (const p of pairs) prevTableOf.set(p.from.table, { table: p.to.table, field: (f) => p.fieldMap.get(f) ?? f });

  // 1. Renames first: everything after speaks the new names.
  for (const p of pairs) {
    if (p.from.table !== p.to.table) add({ sql: `ALTER TABLE ${q(p.from.table)} RENAME TO ${q(p.to.table)}`, comment: `model ${p.from.name} → ${p.to.name}` });
  }
  for (const p of pairs) {
    for (const r of p.renamed) add({ sql: `ALTER TABLE ${q(p.to.table)} RENAME COLUMN ${q(r.from)} TO ${q(r.to)}`, comment: `${p.to.name}.${r.from} → ${r.to} (data kept)` });
    if (p.renamed.length || p.from.table !== p.to.table) {
      add({ sql: renameNotNullConstraints(p.to.table), comment: `PostgreSQL 18+ names NOT NULL constraints <table>_<column>_not_null and renames do not follow: name them as a new ${p.to.table} would (nothing to do before 18)` });
    }
  }

  const before = new Map(pairs.map((p) => [p.key, physical(p.from, prevTableOf.get(p.from.table))]));
  const after = new Map(pairs.map((p) => [p.key, physical(p.to)]));

  // Foreign keys of the previous schema, translated; the ones whose columns change type are re-created.
  const retyped = new Set<string>();
  for (const p of pairs) for (const c of p.changed) if (columnType(c.from) !== columnType(c.to)) retyped.add(`${p.to.table}\u0000${c.name}`);
  const translate = (fk: ForeignKeyDef): ForeignKeyDef | null => {
    const t = prevTableOf.get(fk.table);
    const r = prevTableOf.get(fk.refTable);
    return { ...fk, table: t?.table ?? fk.table, columns: t ? fk.columns.map(t.field) : fk.columns, refTable: r?.table ?? fk.refTable, refColumns: r ? fk.refColumns.map(r.field) : fk.refColumns };
  };
  const prevFks = foreignKeys(diff.prev).map(translate).filter((x): x is ForeignKeyDef => x !== null);
  const nextFks = foreignKeys(diff.next);
  const nextFkKeys = new Map(nextFks.map((fk) => [fkKey(fk), fk]));
  const prevFkKeys = new Map(prevFks.map((fk) => [fkKey(fk), fk]));
  const touchesRetyped = (fk: ForeignKeyDef) =>
    fk.columns.some((c) => retyped.has(`${fk.table}\u0000${c}`)) || fk.refColumns.some((c) => retyped.has(`${fk.refTable}\u0000${c}`));
  const keptFk = (fk: ForeignKeyDef) => nextFkKeys.has(fkKey(fk)) && !touchesRetyped(fk);

  // 2. Drop what goes away or must be rebuilt, before tables and columns change under it.
  for (const fk of prevFks) {
    if (!keptFk(fk)) add({ sql: `ALTER TABLE ${q(fk.table)} DROP CONSTRAINT ${q(fk.name)}`, comment: `foreign key ${fkLabel(fk)} → ${fk.refTable}` });
    else {
      const next = nextFkKeys.get(fkKey(fk))!;
      if (pgName(next.name) !== pgName(fk.name)) add({ sql: `ALTER TABLE ${q(fk.table)} RENAME CONSTRAINT ${q(fk.name)} TO ${q(next.name)}` });
    }
  }
  for (const p of pairs) {
    const a = before.get(p.key)!;
    const b = after.get(p.key)!;
    for (const ix of a.indexes) {
      const m = b.indexes.find((x) => sameIndex(x, ix));
      if (!m) add({ sql: `DROP INDEX ${q(ix.name)}`, comment: `index ${p.to.name}(${ix.columns.join(', ')}) removed` });
      else if (pgName(m.name) !== pgName(ix.name)) add({ sql: `ALTER INDEX ${q(ix.name)} RENAME TO ${q(m.name)}` });
    }
    for (const u of a.uniques) {
      const m = b.uniques.find((x) => sameCols(x.columns, u.columns));
      if (!m) add({ sql: `ALTER TABLE ${q(b.table)} DROP CONSTRAINT ${q(u.name)}`, comment: `unique ${p.to.name}(${u.columns.join(', ')}) removed` });
      else if (pgName(m.name) !== pgName(u.name)) add({ sql: `ALTER TABLE ${q(b.table)} RENAME CONSTRAINT ${q(u.name)} TO ${q(m.name)}` });
    }
    for (const c of a.columns.values()) {
      if (!c.check) continue;
      const nc = b.columns.get(c.name);
      if (!nc || nc.check !== c.check) {
        if (nc) add({ sql: `ALTER TABLE ${q(b.table)} DROP CONSTRAINT ${q(c.checkName)}`, comment: `${p.to.name}.${c.name}: allowed values change` });
      } else if (pgName(nc.checkName) !== pgName(c.checkName)) add({ sql: `ALTER TABLE ${q(b.table)} RENAME CONSTRAINT ${q(c.checkName)} TO ${q(nc.checkName)}` });
    }
    if (!sameCols(a.pk.columns, b.pk.columns)) {
      add({
        sql: `ALTER TABLE ${q(b.table)} DROP CONSTRAINT ${q(a.pk.name)}`,
        comment: `${p.to.name}: key (${a.pk.columns.join(', ')}) → (${b.pk.columns.join(', ')})`,
        destructive: `changes the key of ${p.to.name} from (${a.pk.columns.join(', ')}) to (${b.pk.columns.join(', ')}); fails if the new key has duplicates`,
      });
    } else if (pgName(a.pk.name) !== pgName(b.pk.name)) add({ sql: `ALTER TABLE ${q(b.table)} RENAME CONSTRAINT ${q(a.pk.name)} TO ${q(b.pk.name)}` });
  }

  // 3. Dropped models.
  for (const key of diff.dropped) {
    const m = diff.prev.models[key];
    add({ sql: `DROP TABLE ${q(m.table)}`, comment: `model ${m.name} removed`, destructive: `drops table ${m.table} (model ${m.name}) and all its rows` });
  }

  // 4. New models, exactly as push creates them.
  for (const key of diff.created) add({ sql: createTableSql(diff.next.models[key]), comment: `model ${diff.next.models[key].name}` });

  // 5. Columns of surviving models.
  for (const p of pairs) columnChanges(p, before.get(p.key)!, after.get(p.key)!, add);

  // 6. Constraints that are new (or rebuilt).
  for (const p of pairs) {
    const a = before.get(p.key)!;
    const b = after.get(p.key)!;
    if (!sameCols(a.pk.columns, b.pk.columns)) {
      add({ sql: `ALTER TABLE ${q(b.table)} ADD CONSTRAINT ${q(b.pk.name)} PRIMARY KEY (${b.pk.columns.map(q).join(', ')})`, destructive: `changes the key of ${p.to.name}` });
    }
    for (const c of b.columns.values()) {
      if (!c.check) continue;
      const old = a.columns.get(c.name);
      if (old && old.check === c.check) continue;
      const narrowing = old?.check ? removedEnumValues(old.def, c.def) : (old ? 'all values outside the enum' : null);
      add({
        sql: `ALTER TABLE ${q(b.table)} ADD CONSTRAINT ${q(c.checkName)} ${c.check}`,
        comment: `${p.to.name}.${c.name}: allowed values ${enumValuesOf(c.def).join(', ')}`,
        ...(old && narrowing ? { destructive: `narrows ${p.to.name}.${c.name} (${narrowing} no longer allowed); fails if rows hold them` } : {}),
      });
    }
    for (const u of b.uniques) {
      if (a.uniques.some((x) => sameCols(x.columns, u.columns))) continue;
      // Built without blocking writes, then attached: the same catalog entry as an inline UNIQUE.
      add({ sql: `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${q(u.name)} ON ${q(b.table)} (${u.columns.map(q).join(', ')})`, comment: `unique ${p.to.name}(${u.columns.join(', ')}); fails if rows already repeat a value`, noTransaction: true });
      add({ sql: `ALTER TABLE ${q(b.table)} ADD CONSTRAINT ${q(u.name)} UNIQUE USING INDEX ${q(u.name)}` });
    }
  }

  // 7. Indexes: new tables get plain ones (nothing reads them yet); existing tables are indexed concurrently.
  for (const key of diff.created) {
    const m = diff.next.models[key];
    for (const ix of pgIndexes(m)) add({ sql: createIndexSql(m, ix) });
  }
  for (const p of pairs) {
    const a = before.get(p.key)!;
    for (const ix of pgIndexes(p.to)) {
      const cols = [...ix.fields];
      if (a.indexes.some((x) => sameIndex(x, { columns: cols, using: ix.using }))) continue;
      add({ sql: createIndexSql(p.to, ix, { ifNotExists: true }).replace(/^CREATE INDEX /, 'CREATE INDEX CONCURRENTLY '), comment: `${ix.using === 'gin' ? 'GIN index (serves has)' : 'index'} ${p.to.name}(${cols.join(', ')})`, noTransaction: true });
    }
  }

  // 8. Foreign keys last: every table and column they name exists by now.
  const newTables = new Set(diff.created.map((k) => diff.next.models[k].table));
  for (const fk of nextFks) {
    const old = prevFkKeys.get(fkKey(fk));
    if (old && keptFk(old)) continue;
    const risk = newTables.has(fk.table) ? '' : `; fails if existing rows point at missing ${fk.refTable} rows`;
    add({ sql: addForeignKeySql(fk), comment: `${fkLabel(fk)} → ${fk.refTable}.${fk.refColumns.join('+')}${risk}` });
  }

  // 9. Counter caches: triggers of the ones that went away are dropped; new ones get their
  // triggers, then the backfill (recomputing from the rows: re-running it gives the same values).
  const counterKey = (def: SchemaDiff['next'], c: CounterCache) => counterId(def.models, c);
  const prevCounters = new Map(counterCaches(diff.prev).map((c) => [counterKey(diff.prev, c), c]));
  const nextCounters = new Map(counterCaches(diff.next).map((c) => [counterKey(diff.next, c), c]));
  for (const [k, c] of prevCounters) {
    if (nextCounters.has(k) && diff.next.models[nextCounters.get(k)!.child].table === diff.prev.models[c.child].table) continue;
    const childNow = prevTableOf.get(diff.prev.models[c.child].table)?.table;
    if (!childNow) continue; // the child table is dropped, and its triggers with it
    const renamed = { ...diff.prev.models, [c.child]: { ...diff.prev.models[c.child], table: childNow } };
    for (const sql of dropCounterTriggerSql({ models: renamed }, c)) add({ sql, comment: `counter cache ${k} removed` });
  }
  for (const [k, c] of nextCounters) {
    const old = prevCounters.get(k);
    if (old && diff.next.models[c.child].table === diff.prev.models[old.child].table) continue;
    for (const sql of counterTriggerSql(diff.next, c)) add({ sql, comment: `counter cache ${k}: kept by triggers in the same statement as every child write` });
    add({ sql: counterBackfillSql(diff.next, c), comment: `counter cache ${k}: counts of existing rows` });
  }
  return { statements: out };
}

function columnChanges(p: ModelPair, a: Table, b: Table, add: (s: PgStatement) => void): void {
  const t = q(b.table);
  const model = p.to.name;
  for (const f of p.dropped) {
    add({ sql: `ALTER TABLE ${t} DROP COLUMN ${q(f)}`, comment: `${model}.${f} removed`, destructive: `drops column ${model}.${f} and its data` });
  }
  for (const f of p.added) {
    const d = p.to.fields[f];
    if (d.nullable) {
      add({ sql: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(p.to, f, d)}`, comment: `${model}.${f}` });
      continue;
    }
    const fill = fillExpression(d);
    if (fill) {
      // Existing rows get the value once; the column keeps no default, like a pushed one.
      add({ sql: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(p.to, f, d).replace(/ NOT NULL/, ` NOT NULL DEFAULT ${fill.sql}`)}`, comment: `${model}.${f}: existing rows get ${fill.label}` });
      add({ sql: `ALTER TABLE ${t} ALTER COLUMN ${q(f)} DROP DEFAULT` });
    } else {
      add({
        sql: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(p.to, f, d)}`,
        comment: `${model}.${f}: required, no default`,
        destructive: `adds required column ${model}.${f} with no default: fails if ${p.to.table} has rows (give it .default(...) or make it .nullable())`,
      });
    }
  }
  for (const c of p.changed) {
    const from = a.columns.get(c.name)!;
    const to = b.columns.get(c.name)!;
    if (from.type !== to.type) {
      const cast = castFor(c.from, c.to);
      const where = `${model}.${c.name}`;
      if (cast.recreate) {
        add({ sql: `ALTER TABLE ${t} DROP COLUMN ${q(c.name)}`, comment: `${where}: ${describeKind(c.from)} → ${describeKind(c.to)} has no cast`, destructive: `re-creates ${where} (${describeKind(c.from)} → ${describeKind(c.to)} cannot be converted); its data is lost` });
        const fill = fillExpression(c.to);
        const def = columnDefinition(p.to, c.name, c.to).replace(/ CONSTRAINT .*$/, '');
        add({ sql: `ALTER TABLE ${t} ADD COLUMN ${!c.to.nullable && fill ? def.replace(/ NOT NULL/, ` NOT NULL DEFAULT ${fill.sql}`) : def}` });
        if (!c.to.nullable && fill) add({ sql: `ALTER TABLE ${t} ALTER COLUMN ${q(c.name)} DROP DEFAULT` });
        continue;
      }
      add({
        sql: `ALTER TABLE ${t} ALTER COLUMN ${q(c.name)} TYPE ${to.type}${cast.using ? ` USING ${q(c.name)}::${cast.using}` : ''}`,
        comment: `${where}: ${describeKind(c.from)} → ${describeKind(c.to)}`,
        ...(cast.narrowing ? { destructive: `narrows ${where} from ${describeKind(c.from)} to ${describeKind(c.to)}: ${cast.narrowing}` } : {}),
      });
    }
    if (from.notNull && !to.notNull) add({ sql: `ALTER TABLE ${t} ALTER COLUMN ${q(c.name)} DROP NOT NULL`, comment: `${model}.${c.name} becomes nullable` });
    if (!from.notNull && to.notNull) {
      const fill = fillExpression(c.to);
      if (fill) {
        add({ sql: `UPDATE ${t} SET ${q(c.name)} = ${fill.sql} WHERE ${q(c.name)} IS NULL`, comment: `${model}.${c.name} becomes required: NULLs become ${fill.label}` });
        add({ sql: `ALTER TABLE ${t} ALTER COLUMN ${q(c.name)} SET NOT NULL` });
      } else {
        add({
          sql: `ALTER TABLE ${t} ALTER COLUMN ${q(c.name)} SET NOT NULL`,
          comment: `${model}.${c.name} becomes required`,
          destructive: `makes ${model}.${c.name} required with no default: fails if a row holds NULL (give it .default(...))`,
        });
      }
    }
  }
}

/**
 * A DO block, so one migration file works on every server version: before 18
 * NOT NULL is no constraint and the loop finds nothing. Names are validated
 * identifiers (defineSchema), quoted again here all the same.
 */
function renameNotNullConstraints(table: string): string {
  const lit = quoteLiteral(table);
  return [
    'DO $quern$',
    'DECLARE r record;',
    'BEGIN',
    `  FOR r IN SELECT c.conname, a.attname FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]`,
    `            WHERE c.conrelid = ${quoteLiteral(q(table))}::regclass AND c.contype = 'n' LOOP`,
    `    IF r.conname <> left(${lit} || '_' || r.attname || '_not_null', 63) THEN`,
    `      EXECUTE format('ALTER TABLE %I RENAME CONSTRAINT %I TO %I', ${lit}, r.conname, left(${lit} || '_' || r.attname || '_not_null', 63));`,
    '    END IF;',
    '  END LOOP;',
    'END $quern$',
  ].join('\n');
}

// ---- values and casts ----------------------------------------------------------

export function describeKind(d: FieldDef): string {
  const el = d.kind === 'list' ? d.element! : d;
  const base = el.kind === 'string' && el.maxLength ? `string(${el.maxLength})` : el.kind === 'enum' ? `enum(${el.enumValues!.join('|')})` : el.kind;
  return d.kind === 'list' ? `list(${base})` : base;
}

export function enumValuesOf(d: FieldDef): readonly string[] {
  return (d.kind === 'list' ? d.element!.enumValues : d.enumValues) ?? [];
}

export function removedEnumValues(from: FieldDef, to: FieldDef): string | null {
  const next = new Set(enumValuesOf(to));
  const gone = enumValuesOf(from).filter((v) => !next.has(v));
  return gone.length ? gone.map((v) => `'${v}'`).join(', ') : null;
}

/**
 * What existing rows get when a required field appears, target-independent: its default, or what
 * quern would fill in. Each SQL renderer writes it in its own words.
 */
export type FillValue =
  | { readonly kind: 'value'; readonly value: unknown; readonly label: string }
  | { readonly kind: 'now'; readonly label: string }
  | { readonly kind: 'uuid'; readonly label: string };

export function fillValue(d: FieldDef): FillValue | null {
  if (d.default && d.default.value !== null && d.default.value !== undefined) {
    return { kind: 'value', value: d.default.value, label: `the default ${JSON.stringify(d.default.value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}` };
  }
  if (d.createdAt || d.updatedAt) return { kind: 'now', label: 'the migration time' };
  if (d.version) return { kind: 'value', value: 1, label: 'version 1' };
  if (d.auto && d.kind === 'uuid') return { kind: 'uuid', label: 'a random UUID' };
  return null;
}

/** The value existing rows get when a required field appears, in PostgreSQL. */
export function fillExpression(d: FieldDef): { sql: string; label: string } | null {
  const f = fillValue(d);
  if (!f) return null;
  switch (f.kind) {
    case 'value':
      return { sql: literal(d, f.value), label: f.label };
    case 'now':
      return { sql: 'now()', label: f.label };
    case 'uuid':
      return { sql: 'gen_random_uuid()', label: f.label };
    default: {
      const never: never = f;
      throw new Error(`internal: ${JSON.stringify(never)}`);
    }
  }
}

const TEXTLIKE = new Set(['string', 'text', 'enum']);

function scalarLiteral(kind: string, v: unknown): string {
  switch (kind) {
    case 'int':
    case 'float':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 'TRUE' : 'FALSE';
    case 'timestamp':
      return `${quoteLiteral((v instanceof Date ? v : new Date(String(v))).toISOString())}::timestamptz`;
    case 'decimal':
      return `${quoteLiteral(String(v))}::numeric`;
    case 'uuid':
      return `${quoteLiteral(String(v))}::uuid`;
    case 'date':
      return `${quoteLiteral(String(v))}::date`;
    case 'json':
      return `${quoteLiteral(JSON.stringify(v))}::jsonb`;
    default:
      return quoteLiteral(String(v));
  }
}

function literal(d: FieldDef, v: unknown): string {
  if (d.kind === 'list') {
    const base = columnType(d).replace(/ COLLATE "C"$/, '');
    const items = (v as unknown[]).map((x) => scalarLiteral(d.element!.kind, x));
    return items.length ? `ARRAY[${items.join(', ')}]::${base}` : `'{}'::${base}`;
  }
  return scalarLiteral(d.kind, v);
}

interface Cast {
  /** Explicit USING type, when PostgreSQL has no assignment cast. */
  readonly using?: string;
  /** Why existing values might not fit (the change is destructive), or undefined when every value fits. */
  readonly narrowing?: string;
  /** No sensible conversion: the column is re-created. */
  readonly recreate?: boolean;
}

const NUMERIC_RANK: Record<string, number> = { int: 1, bigint: 2, decimal: 3 };

/**
 * How to convert a column. Text-to-text and number-to-number conversions use
 * PostgreSQL's assignment casts (which raise on overflow or over-long strings,
 * where an explicit cast would silently truncate); others get a USING cast.
 */
export function castFor(from: FieldDef, to: FieldDef): Cast {
  if ((from.kind === 'list') !== (to.kind === 'list') || (from.kind === 'json') !== (to.kind === 'json')) return { recreate: true };
  const a = from.kind === 'list' ? from.element! : from;
  const b = to.kind === 'list' ? to.element! : to;
  const bType = columnType(to).replace(/ COLLATE "C"$/, '');
  if (TEXTLIKE.has(a.kind) && TEXTLIKE.has(b.kind)) {
    const wider = b.kind !== 'enum' && (b.kind !== 'string' || !b.maxLength || (a.kind === 'string' && !!a.maxLength && a.maxLength <= b.maxLength));
    if (wider) return {};
    return { narrowing: b.kind === 'enum' ? 'values outside the enum make the change fail' : `values longer than ${b.maxLength} characters make the change fail` };
  }
  if (a.kind === 'uuid' && TEXTLIKE.has(b.kind)) {
    const fits = b.kind === 'text' || (b.kind === 'string' && (!b.maxLength || b.maxLength >= 36));
    return { using: bType, ...(fits ? {} : { narrowing: 'UUIDs may not fit' }) };
  }
  const numeric = ['int', 'bigint', 'float', 'decimal'];
  if (numeric.includes(a.kind) && numeric.includes(b.kind)) {
    if (a.kind === 'int' && b.kind === 'float') return {};
    if (NUMERIC_RANK[a.kind] && NUMERIC_RANK[b.kind] && NUMERIC_RANK[a.kind] < NUMERIC_RANK[b.kind]) return {};
    if (a.kind === 'float' && b.kind === 'decimal') return {};
    return { narrowing: b.kind === 'int' || b.kind === 'bigint' ? 'fractions are rounded and out-of-range values make the change fail' : 'precision can be lost' };
  }
  if (TEXTLIKE.has(b.kind) && (b.kind === 'text' || (b.kind === 'string' && !b.maxLength))) return { using: bType };
  return { using: bType, narrowing: 'values that do not convert make the change fail' };
}
