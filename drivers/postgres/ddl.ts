/**
 * PostgreSQL DDL for models: what `push()` runs, and the pieces the
 * migrations renderer reuses (column types, CREATE TABLE, indexes, foreign
 * keys).
 *
 * Choices worth knowing:
 * - Text-like columns use COLLATE "C": strings order by code point on
 *   PostgreSQL exactly as they do on DynamoDB (byte order), whatever the
 *   database's locale.
 * - Enums are `text` + a CHECK constraint, not CREATE TYPE ... AS ENUM: adding
 *   or removing a value is then a constraint swap in a migration (no ALTER
 *   TYPE, which cannot run inside a transaction block on older servers), and
 *   enum values order as text, like on DynamoDB.
 * - Constraint names come from the schema (ModelDef.uniques, `<table>_pkey`),
 *   so a unique violation maps back to the model's fields.
 * - Defaults, auto ids and timestamps are filled in by quern, not by column
 *   defaults, so both targets behave the same.
 */
import type { SchemaDef } from '../../src/schema/define.js';
import type { ElementDef, FieldDef } from '../../src/schema/field.js';
import type { IndexDef, ModelDef } from '../../src/schema/model.js';
import { checkConstraintName, foreignKeyName, primaryKeyName } from '../../src/schema/names.js';
import { references } from '../../src/schema/references.js';
import type { OnDelete } from '../../src/schema/relation.js';
import { quoteIdent, quoteLiteral } from './serialize.js';

const TEXT_LIKE = new Set(['string', 'text', 'enum']);

function scalarColumnType(def: FieldDef | ElementDef): string {
  switch (def.kind) {
    case 'string':
      return def.maxLength ? `varchar(${def.maxLength})` : 'text';
    case 'text':
    case 'enum':
      return 'text';
    case 'int':
      return 'integer';
    case 'bigint':
      return 'bigint';
    case 'float':
      return 'double precision';
    case 'decimal':
      return 'numeric';
    case 'boolean':
      return 'boolean';
    case 'uuid':
      return 'uuid';
    case 'timestamp':
      return 'timestamptz(3)';
    case 'date':
      return 'date';
    case 'json':
      return 'jsonb';
    case 'list':
      throw new Error('internal: nested list');
    default: {
      const never: never = def;
      throw new Error(`internal: unknown field kind ${JSON.stringify(never)}`);
    }
  }
}

/** The column type, e.g. `text COLLATE "C"`, `varchar(80)[] COLLATE "C"`, `timestamptz(3)`. */
export function columnType(def: FieldDef): string {
  const scalar = def.kind === 'list' ? def.element! : def;
  const base = scalarColumnType(scalar) + (def.kind === 'list' ? '[]' : '');
  return TEXT_LIKE.has(scalar.kind) ? `${base} COLLATE "C"` : base;
}

// One definition of each derived name: defineSchema checks them (src/schema/names.ts).
export { checkConstraintName, primaryKeyName } from '../../src/schema/names.js';

/** CHECK constraint text for an enum (or list of enum) field, or null. */
export function enumCheck(field: string, def: FieldDef): string | null {
  const values = def.kind === 'list' ? def.element!.enumValues : def.kind === 'enum' ? def.enumValues : undefined;
  if (!values) return null;
  const list = values.map(quoteLiteral).join(', ');
  return def.kind === 'list' ? `CHECK (${quoteIdent(field)} <@ ARRAY[${list}]::text[])` : `CHECK (${quoteIdent(field)} IN (${list}))`;
}

/** `"name" type [NOT NULL] [CONSTRAINT ... CHECK (...)]` */
export function columnDefinition(model: ModelDef, field: string, def: FieldDef): string {
  let out = `${quoteIdent(field)} ${columnType(def)}`;
  if (!def.nullable) out += ' NOT NULL';
  const check = enumCheck(field, def);
  if (check) out += ` CONSTRAINT ${quoteIdent(checkConstraintName(model, field))} ${check}`;
  return out;
}

export function createTableSql(model: ModelDef, opts: { ifNotExists?: boolean } = {}): string {
  const lines = Object.entries(model.fields).map(([f, d]) => `  ${columnDefinition(model, f, d)}`);
  lines.push(`  CONSTRAINT ${quoteIdent(primaryKeyName(model))} PRIMARY KEY (${model.key.map(quoteIdent).join(', ')})`);
  for (const u of model.uniques) lines.push(`  CONSTRAINT ${quoteIdent(u.name)} UNIQUE (${u.fields.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE ${opts.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(model.table)} (\n${lines.join(',\n')}\n)`;
}

export function createIndexSql(model: ModelDef, index: IndexDef, opts: { ifNotExists?: boolean } = {}): string {
  return `CREATE INDEX ${opts.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(index.name)} ON ${quoteIdent(model.table)} (${index.fields.map(quoteIdent).join(', ')})`;
}

export interface ForeignKeyDef {
  readonly name: string;
  /** The table holding the foreign key column. */
  readonly table: string;
  readonly column: string;
  readonly refTable: string;
  readonly refColumn: string;
  /** Absent in snapshots written before onDelete existed: restrict. */
  readonly onDelete?: OnDelete;
}

/** One foreign key per reference the schema implies (src/schema/references.ts), with its delete action. */
export function foreignKeys(schema: SchemaDef): ForeignKeyDef[] {
  return references(schema).map((r) => {
    const fkModel = schema.models[r.model];
    const keyModel = schema.models[r.refModel];
    return { name: foreignKeyName(fkModel.table, r.field), table: fkModel.table, column: r.field, refTable: keyModel.table, refColumn: keyModel.key[0], onDelete: r.onDelete };
  });
}

/**
 * restrict is left as PostgreSQL's default (NO ACTION): it refuses the same deletes, at the end of
 * the statement, and keeps the constraints created before onDelete existed unchanged.
 */
const ON_DELETE_SQL: Readonly<Record<OnDelete, string>> = { cascade: ' ON DELETE CASCADE', setNull: ' ON DELETE SET NULL', restrict: '' };

export function addForeignKeySql(fk: ForeignKeyDef): string {
  return `ALTER TABLE ${quoteIdent(fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${quoteIdent(fk.column)}) REFERENCES ${quoteIdent(fk.refTable)} (${quoteIdent(fk.refColumn)})${ON_DELETE_SQL[fk.onDelete ?? 'restrict']}`;
}

/** Every statement to create the schema from nothing, in dependency order (tables, indexes, then foreign keys). */
export function schemaDdl(schema: SchemaDef, opts: { ifNotExists?: boolean } = {}): string[] {
  const models = Object.values(schema.models);
  return [
    ...models.map((m) => createTableSql(m, opts)),
    ...models.flatMap((m) => m.indexes.map((i) => createIndexSql(m, i, opts))),
    ...foreignKeys(schema).map(addForeignKeySql),
  ];
}

/**
 * `push()`: create what is missing. Tables and indexes use IF NOT EXISTS;
 * foreign keys (which have no IF NOT EXISTS) are added only when absent.
 * Existing tables are not altered: that is what migrations are for.
 */
export async function pushSchema(schema: SchemaDef, exec: (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>): Promise<void> {
  const models = Object.values(schema.models);
  for (const m of models) await exec(createTableSql(m, { ifNotExists: true }));
  for (const m of models) for (const i of m.indexes) await exec(createIndexSql(m, i, { ifNotExists: true }));
  for (const fk of foreignKeys(schema)) {
    const found = await exec('SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.conname = $1 AND t.relname = $2 AND pg_table_is_visible(t.oid)', [fk.name.slice(0, 63), fk.table]);
    if (found.rows.length === 0) await exec(addForeignKeySql(fk));
  }
}
