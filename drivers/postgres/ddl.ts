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
import { counterCaches, type CounterCache } from '../../src/schema/counters.js';
import { indexedLists, listIndexName } from '../../src/schema/lists.js';
import { createHash } from 'node:crypto';
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

/** An index as PostgreSQL builds it: a declared index (btree), or the GIN index of an indexed list. */
export interface PgIndex extends IndexDef {
  readonly using?: 'gin';
}

/** Every index of a model on PostgreSQL: its declared indexes, then one GIN index per indexed list (serves `@>`). */
export function pgIndexes(model: ModelDef): PgIndex[] {
  return [...model.indexes, ...indexedLists(model).map((f): PgIndex => ({ name: listIndexName(model, f), fields: [f], using: 'gin' }))];
}

export function createIndexSql(model: ModelDef, index: PgIndex, opts: { ifNotExists?: boolean } = {}): string {
  return `CREATE INDEX ${opts.ifNotExists ? 'IF NOT EXISTS ' : ''}${quoteIdent(index.name)} ON ${quoteIdent(model.table)}${index.using === 'gin' ? ' USING gin' : ''} (${index.fields.map(quoteIdent).join(', ')})`;
}

export interface ForeignKeyDef {
  readonly name: string;
  /** The table holding the foreign key columns. */
  readonly table: string;
  /** One column per field of the referenced key, in its order (a composite FOREIGN KEY). */
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  /** Absent in snapshots written before onDelete existed: restrict. */
  readonly onDelete?: OnDelete;
}

/** One foreign key per reference the schema implies (src/schema/references.ts), with its delete action. */
export function foreignKeys(schema: SchemaDef): ForeignKeyDef[] {
  return references(schema).map((r) => {
    const fkModel = schema.models[r.model];
    const keyModel = schema.models[r.refModel];
    return {
      name: foreignKeyName(fkModel.table, r.fields),
      table: fkModel.table,
      columns: r.fields,
      refTable: keyModel.table,
      refColumns: keyModel.key,
      onDelete: r.onDelete,
    };
  });
}

/**
 * restrict is left as PostgreSQL's default (NO ACTION): it refuses the same deletes, at the end of
 * the statement, and keeps the constraints created before onDelete existed unchanged.
 */
const ON_DELETE_SQL: Readonly<Record<OnDelete, string>> = { cascade: ' ON DELETE CASCADE', setNull: ' ON DELETE SET NULL', restrict: '' };

export function addForeignKeySql(fk: ForeignKeyDef): string {
  return `ALTER TABLE ${quoteIdent(fk.table)} ADD CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${fk.columns.map(quoteIdent).join(', ')}) REFERENCES ${quoteIdent(fk.refTable)} (${fk.refColumns.map(quoteIdent).join(', ')})${ON_DELETE_SQL[fk.onDelete ?? 'restrict']}`;
}

/**
 * Counter caches on PostgreSQL are statement-level AFTER triggers over transition tables: every
 * statement that inserts, deletes or updates child rows adds its net change per parent in the
 * same statement, so db.batch, transactions, FK cascades and even raw SQL keep the counter
 * exact. One UPDATE of each touched parent per statement, whatever the number of rows.
 */
export interface CounterTrigger {
  readonly function: string;
  readonly triggers: readonly { readonly name: string; readonly event: 'INSERT' | 'DELETE' | 'UPDATE' }[];
  readonly childTable: string;
}

export function counterTrigger(schema: Pick<SchemaDef, 'models'>, c: CounterCache): CounterTrigger {
  const child = schema.models[c.child];
  const parent = schema.models[c.parent];
  const h = createHash('sha256').update(`${child.table}\u0000${c.foreignKey}\u0000${parent.table}\u0000${c.field}`).digest('hex').slice(0, 10);
  const fn = `quern_counter_${h}`;
  return {
    function: fn,
    childTable: child.table,
    triggers: (['INSERT', 'DELETE', 'UPDATE'] as const).map((event) => ({ name: `${fn}_${event.toLowerCase()}`, event })),
  };
}

export function counterTriggerSql(schema: Pick<SchemaDef, 'models'>, c: CounterCache): string[] {
  const parent = schema.models[c.parent];
  const t = counterTrigger(schema, c);
  const fk = quoteIdent(c.foreignKey);
  const P = quoteIdent(parent.table);
  const N = quoteIdent(c.field);
  const K = quoteIdent(parent.key[0]);
  const apply = (rows: string) =>
    `UPDATE ${P} SET ${N} = ${P}.${N} + d.delta FROM (SELECT k, sum(delta) AS delta FROM (${rows}) AS x WHERE k IS NOT NULL GROUP BY k HAVING sum(delta) <> 0) AS d WHERE ${P}.${K} = d.k;`;
  const body = [
    `IF TG_OP = 'INSERT' THEN ${apply(`SELECT ${fk} AS k, 1 AS delta FROM quern_new`)}`,
    `ELSIF TG_OP = 'DELETE' THEN ${apply(`SELECT ${fk} AS k, -1 AS delta FROM quern_old`)}`,
    `ELSE ${apply(`SELECT ${fk} AS k, -1 AS delta FROM quern_old UNION ALL SELECT ${fk}, 1 FROM quern_new`)}`,
    'END IF;',
    'RETURN NULL;',
  ].join('\n  ');
  const referencing = { INSERT: 'NEW TABLE AS quern_new', DELETE: 'OLD TABLE AS quern_old', UPDATE: 'OLD TABLE AS quern_old NEW TABLE AS quern_new' } as const;
  return [
    `CREATE OR REPLACE FUNCTION ${quoteIdent(t.function)}() RETURNS trigger LANGUAGE plpgsql AS $quern$\nBEGIN\n  ${body}\nEND\n$quern$`,
    ...t.triggers.map(
      (tr) =>
        `CREATE OR REPLACE TRIGGER ${quoteIdent(tr.name)} AFTER ${tr.event} ON ${quoteIdent(t.childTable)} REFERENCING ${referencing[tr.event]} FOR EACH STATEMENT EXECUTE FUNCTION ${quoteIdent(t.function)}()`,
    ),
  ];
}

export function dropCounterTriggerSql(schema: Pick<SchemaDef, 'models'>, c: CounterCache): string[] {
  const t = counterTrigger(schema, c);
  return [
    ...t.triggers.map((tr) => `DROP TRIGGER IF EXISTS ${quoteIdent(tr.name)} ON ${quoteIdent(t.childTable)}`),
    `DROP FUNCTION IF EXISTS ${quoteIdent(t.function)}()`,
  ];
}

/** Recomputes every counter from the rows (idempotent, so a re-run after a kill is safe). */
export function counterBackfillSql(schema: Pick<SchemaDef, 'models'>, c: CounterCache): string {
  const child = schema.models[c.child];
  const parent = schema.models[c.parent];
  const P = quoteIdent(parent.table);
  const N = quoteIdent(c.field);
  const K = quoteIdent(parent.key[0]);
  return `UPDATE ${P} SET ${N} = (SELECT count(*) FROM ${quoteIdent(child.table)} AS c WHERE c.${quoteIdent(c.foreignKey)} = ${P}.${K}) WHERE ${N} IS DISTINCT FROM (SELECT count(*) FROM ${quoteIdent(child.table)} AS c WHERE c.${quoteIdent(c.foreignKey)} = ${P}.${K})`;
}

/** Every statement to create the schema from nothing, in dependency order (tables, indexes, then foreign keys). */
export function schemaDdl(schema: SchemaDef, opts: { ifNotExists?: boolean } = {}): string[] {
  const models = Object.values(schema.models);
  return [
    ...models.map((m) => createTableSql(m, opts)),
    ...models.flatMap((m) => pgIndexes(m).map((i) => createIndexSql(m, i, opts))),
    ...foreignKeys(schema).map(addForeignKeySql),
    ...counterCaches(schema).flatMap((c) => counterTriggerSql(schema, c)),
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
  for (const m of models) for (const i of pgIndexes(m)) await exec(createIndexSql(m, i, { ifNotExists: true }));
  for (const fk of foreignKeys(schema)) {
    const found = await exec(
      'SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE c.conname = $1 AND t.relname = $2 AND pg_table_is_visible(t.oid)',
      [fk.name.slice(0, 63), fk.table],
    );
    if (found.rows.length === 0) await exec(addForeignKeySql(fk));
  }
  // Idempotent (CREATE OR REPLACE): a push after adding a counter installs its triggers.
  for (const c of counterCaches(schema)) for (const sql of counterTriggerSql(schema, c)) await exec(sql);
}
