/**
 * MySQL/MariaDB DDL for models: what `push()` runs, and the pieces the migrations renderer
 * builds on (column types, CREATE TABLE, indexes, foreign keys, counter triggers).
 *
 * Choices worth knowing:
 * - Tables are InnoDB, utf8mb4 with the binary collation utf8mb4_bin: `=` and LIKE compare
 *   exactly and strings order by code point, as on PostgreSQL (COLLATE "C") and DynamoDB.
 * - An indexed string needs a bounded type (InnoDB indexes at most 3072 bytes, 4 per
 *   character): a string with `.maxLength(n)` is VARCHAR(n); one without it that is part of
 *   the key, a unique or an index is VARCHAR(255) (INDEXED_STRING_LENGTH), otherwise LONGTEXT.
 *   An index whose columns exceed the limit together is refused before anything is created.
 * - Lists and json values are JSON (canonical text, see src/engine/sql/text-values.ts);
 *   booleans BOOLEAN (0/1), timestamps DATETIME(3) in UTC, decimals DECIMAL(65,30).
 * - Names longer than MySQL's 64 characters are shortened with a hash (mysqlName).
 * - Counter caches are per-row triggers.
 */
import { createHash } from 'node:crypto';
import { SchemaError } from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { FieldDef } from '../../src/schema/field.js';
import type { IndexDef, ModelDef } from '../../src/schema/model.js';
import { checkConstraintName, foreignKeyName, primaryKeyName } from '../../src/schema/names.js';
import { references } from '../../src/schema/references.js';
import type { OnDelete } from '../../src/schema/relation.js';
import { counterCaches, type CounterCache } from '../../src/schema/counters.js';
import { quoteIdent, quoteLiteral } from './serialize.js';

/** The length of an indexed string declared without maxLength. */
export const INDEXED_STRING_LENGTH = 255;
/** InnoDB's largest index key (DYNAMIC rows), in bytes. */
export const MAX_INDEX_BYTES = 3072;
const MAX_NAME = 64;

/** A name MySQL accepts: at most 64 characters, longer ones cut and suffixed with a hash of the whole. */
export function mysqlName(name: string): string {
  if (name.length <= MAX_NAME) return name;
  return `${name.slice(0, MAX_NAME - 11)}_${createHash('sha256').update(name).digest('hex').slice(0, 10)}`;
}

/** Fields of a model that some index covers (key, uniques, indexes): they need a bounded type. */
export function indexedFields(model: ModelDef): Set<string> {
  return new Set([...model.key, ...model.uniques.flatMap((u) => u.fields), ...model.indexes.flatMap((i) => i.fields)]);
}

function textType(def: FieldDef, indexed: boolean): string {
  if (def.maxLength) return `VARCHAR(${def.maxLength})`;
  return indexed ? `VARCHAR(${INDEXED_STRING_LENGTH})` : 'LONGTEXT';
}

export function columnType(def: FieldDef, indexed = false): string {
  switch (def.kind) {
    case 'list':
    case 'json':
      return 'JSON';
    case 'string':
    case 'text':
      return textType(def, indexed);
    case 'enum':
      return `VARCHAR(${Math.max(1, ...(def.enumValues ?? []).map((v) => v.length))})`;
    case 'int':
      return 'INT';
    case 'bigint':
      return 'BIGINT';
    case 'float':
      return 'DOUBLE';
    case 'decimal':
      return 'DECIMAL(65,30)';
    case 'boolean':
      return 'BOOLEAN';
    case 'uuid':
      return 'CHAR(36)';
    case 'timestamp':
      return 'DATETIME(3)';
    case 'date':
      return 'DATE';
    default: {
      const never: never = def.kind;
      throw new Error(`internal: unknown field kind ${String(never)}`);
    }
  }
}

/** Bytes one value of the column takes in an index key (utf8mb4: 4 per character). */
function indexBytes(def: FieldDef, indexed: boolean): number {
  const t = columnType(def, indexed);
  const chars = /^(?:VAR)?CHAR\((\d+)\)$/.exec(t);
  if (chars) return Number(chars[1]) * 4;
  if (t === 'JSON' || t === 'LONGTEXT') return Infinity;
  return 17; // DECIMAL(65,30) is the widest fixed-size type (about 30 bytes with scale); numbers and dates are smaller
}

/** Refuses an index MySQL could not build, naming the fields and the fix. */
export function checkIndexLengths(model: ModelDef): void {
  const indexed = indexedFields(model);
  const groups: { what: string; fields: readonly string[] }[] = [
    { what: 'primary key', fields: model.key },
    ...model.uniques.map((u) => ({ what: `unique ${u.name}`, fields: u.fields })),
    ...model.indexes.map((i) => ({ what: `index ${i.name}`, fields: i.fields })),
  ];
  for (const g of groups) {
    const total = g.fields.reduce((n, f) => n + indexBytes(model.fields[f], indexed.has(f)), 0);
    if (total > MAX_INDEX_BYTES) {
      throw new SchemaError(
        `model ${model.name}: the ${g.what} over (${g.fields.join(', ')}) needs ${Number.isFinite(total) ? `${total} bytes` : 'an unbounded column'}, above MySQL's ${MAX_INDEX_BYTES}-byte index limit (4 bytes per character); give its string fields a smaller .maxLength(n), or index fewer of them`,
      );
    }
  }
}

export function enumCheck(field: string, def: FieldDef): string | null {
  if (def.kind !== 'enum' || !def.enumValues) return null;
  return `CHECK (${quoteIdent(field)} IN (${def.enumValues.map(quoteLiteral).join(', ')}))`;
}

export function columnDefinition(model: ModelDef, field: string, def: FieldDef, indexed = indexedFields(model).has(field)): string {
  return `${quoteIdent(field)} ${columnType(def, indexed)}${def.nullable ? ' NULL' : ' NOT NULL'}`;
}

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

export function createTableSql(model: ModelDef, opts: { ifNotExists?: boolean } = {}): string {
  checkIndexLengths(model);
  const indexed = indexedFields(model);
  const lines = Object.entries(model.fields).map(([f, d]) => `  ${columnDefinition(model, f, d, indexed.has(f))}`);
  lines.push(`  CONSTRAINT ${quoteIdent(mysqlName(primaryKeyName(model)))} PRIMARY KEY (${model.key.map(quoteIdent).join(', ')})`);
  // Enum CHECKs are named table constraints: MariaDB has no named column CHECK, and drops a column's unnamed one on MODIFY COLUMN.
  for (const [f, d] of Object.entries(model.fields)) {
    const check = enumCheck(f, d);
    if (check) lines.push(`  CONSTRAINT ${quoteIdent(mysqlName(checkConstraintName(model, f)))} ${check}`);
  }
  for (const u of model.uniques) lines.push(`  CONSTRAINT ${quoteIdent(mysqlName(u.name))} UNIQUE (${u.fields.map(quoteIdent).join(', ')})`);
  for (const i of model.indexes) lines.push(`  INDEX ${quoteIdent(mysqlName(i.name))} (${i.fields.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${opts.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(model.table)} (\n${lines.join(',\n')}\n) ${TABLE_OPTIONS}`;
}

export function createIndexSql(model: ModelDef, index: IndexDef): string {
  return `CREATE INDEX ${quoteIdent(mysqlName(index.name))} ON ${quoteIdent(model.table)} (${index.fields.map(quoteIdent).join(', ')})`;
}

export interface ForeignKeyDef {
  readonly name: string;
  readonly table: string;
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  readonly onDelete?: OnDelete;
}

export function foreignKeys(schema: SchemaDef): ForeignKeyDef[] {
  return references(schema).map((r) => {
    const fkModel = schema.models[r.model];
    const keyModel = schema.models[r.refModel];
    return {
      name: mysqlName(foreignKeyName(fkModel.table, r.fields)),
      table: fkModel.table,
      columns: r.fields,
      refTable: keyModel.table,
      refColumns: keyModel.key,
      onDelete: r.onDelete,
    };
  });
}

const ON_DELETE_SQL: Readonly<Record<OnDelete, string>> = { cascade: ' ON DELETE CASCADE', setNull: ' ON DELETE SET NULL', restrict: '' };

export function addForeignKeySql(fk: ForeignKeyDef): string {
  return `ALTER TABLE ${quoteIdent(fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${fk.columns.map(quoteIdent).join(', ')}) REFERENCES ${quoteIdent(fk.refTable)} (${fk.refColumns.map(quoteIdent).join(', ')})${ON_DELETE_SQL[fk.onDelete ?? 'restrict']}`;
}

/** A counter cache's triggers: one per event, each moving the counter of the parent row the child row points at. */
export function counterTriggers(schema: Pick<SchemaDef, 'models'>, c: CounterCache): { name: string; sql: string }[] {
  const child = schema.models[c.child];
  const parent = schema.models[c.parent];
  const h = createHash('sha256').update(`${child.table}\u0000${c.foreignKey}\u0000${parent.table}\u0000${c.field}`).digest('hex').slice(0, 10);
  const P = quoteIdent(parent.table);
  const N = quoteIdent(c.field);
  const K = quoteIdent(parent.key[0]);
  const fk = quoteIdent(c.foreignKey);
  const add = (delta: string, row: 'NEW' | 'OLD') => `UPDATE ${P} SET ${N} = ${N} ${delta} WHERE ${K} = ${row}.${fk}`;
  const trigger = (event: 'INSERT' | 'DELETE' | 'UPDATE', body: string) => {
    const name = `quern_counter_${h}_${event.toLowerCase()}`;
    return { name, sql: `CREATE TRIGGER ${quoteIdent(name)} AFTER ${event} ON ${quoteIdent(child.table)} FOR EACH ROW ${body}` };
  };
  return [
    trigger('INSERT', add('+ 1', 'NEW')),
    trigger('DELETE', add('- 1', 'OLD')),
    // One statement, no IF … END IF block: migration files are split at semicolons. A row that moves takes one from its old parent and gives one to its new.
    trigger(
      'UPDATE',
      `UPDATE ${P} SET ${N} = ${N} + (${K} <=> NEW.${fk}) - (${K} <=> OLD.${fk}) WHERE NOT (OLD.${fk} <=> NEW.${fk}) AND (${K} <=> OLD.${fk} OR ${K} <=> NEW.${fk})`,
    ),
  ];
}

/** Every statement to create the schema from nothing: tables (with their indexes), foreign keys, counter triggers. */
export function schemaDdl(schema: SchemaDef, opts: { ifNotExists?: boolean } = {}): string[] {
  return [
    ...Object.values(schema.models).map((m) => createTableSql(m, opts)),
    ...foreignKeys(schema).map(addForeignKeySql),
    ...counterCaches(schema).flatMap((c) => counterTriggers(schema, c).map((t) => t.sql)),
  ];
}

type Exec = (sql: string, values?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * `push()`: create what is missing. Tables use IF NOT EXISTS; indexes, foreign keys and
 * triggers (which MySQL 8 cannot create conditionally) are looked up in information_schema
 * first. Existing tables are not altered: that is what migrations are for.
 */
export async function pushSchema(schema: SchemaDef, exec: Exec): Promise<void> {
  const models = Object.values(schema.models);
  for (const m of models) checkIndexLengths(m);
  for (const m of models) {
    const existed = (await exec('SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?', [m.table])).length > 0;
    if (!existed) {
      await exec(createTableSql(m, { ifNotExists: true }));
      continue;
    }
    for (const i of m.indexes) {
      const found = await exec('SELECT 1 FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ?', [
        m.table,
        mysqlName(i.name),
      ]);
      if (found.length === 0) await exec(createIndexSql(m, i));
    }
  }
  for (const fk of foreignKeys(schema)) {
    const found = await exec(
      "SELECT 1 FROM information_schema.table_constraints WHERE constraint_schema = DATABASE() AND table_name = ? AND constraint_name = ? AND constraint_type = 'FOREIGN KEY'",
      [fk.table, fk.name],
    );
    if (found.length === 0) await exec(addForeignKeySql(fk));
  }
  for (const c of counterCaches(schema)) {
    for (const t of counterTriggers(schema, c)) {
      const found = await exec('SELECT 1 FROM information_schema.triggers WHERE trigger_schema = DATABASE() AND trigger_name = ?', [t.name]);
      if (found.length === 0) await exec(t.sql);
    }
  }
}
