/**
 * SQLite DDL for models: what `push()` runs. SQLite stores a value's type
 * with the value, so columns declare only their affinity: lists and json
 * values are JSON text, booleans 0/1, timestamps ISO text (which sorts as time
 * does), decimals text (every digit kept). Foreign keys are declared in
 * CREATE TABLE (SQLite cannot add one later), and counter caches are
 * per-row triggers.
 */
import { createHash } from 'node:crypto';
import type { SchemaDef } from '../../src/schema/define.js';
import type { FieldDef } from '../../src/schema/field.js';
import type { ModelDef } from '../../src/schema/model.js';
import { references } from '../../src/schema/references.js';
import type { OnDelete } from '../../src/schema/relation.js';
import { counterCaches, type CounterCache } from '../../src/schema/counters.js';
import { quoteIdent } from '../../src/plan/sql/writer.js';
import { quoteLiteral } from './serialize.js';

export function columnType(def: FieldDef): string {
  if (def.kind === 'list') return 'TEXT';
  switch (def.kind) {
    case 'int':
    case 'bigint':
    case 'boolean':
      return 'INTEGER';
    case 'float':
      return 'REAL';
    case 'string':
    case 'text':
    case 'enum':
    case 'decimal':
    case 'uuid':
    case 'timestamp':
    case 'date':
    case 'json':
      return 'TEXT';
    default: {
      const never: never = def.kind;
      throw new Error(`internal: unknown field kind ${String(never)}`);
    }
  }
}

/** CHECK constraints named `quern_range_<table>.<column>` hold int and bigint columns in range; errors.ts maps them to OutOfRangeError. */
export const RANGE_CHECK_PREFIX = 'quern_range_';

/**
 * SQLite integers are 64-bit and overflow into floats: an int column is held to 32 bits, and a
 * bigint column to integers (an increment past 2^63 - 1 yields a REAL, which the check refuses).
 */
function rangeCheck(table: string, field: string, def: FieldDef): string {
  const c = quoteIdent(field);
  const name = quoteIdent(`${RANGE_CHECK_PREFIX}${table}.${field}`);
  if (def.kind === 'int') return ` CONSTRAINT ${name} CHECK (${c} BETWEEN -2147483648 AND 2147483647)`;
  if (def.kind === 'bigint') return ` CONSTRAINT ${name} CHECK (${c} IS NULL OR typeof(${c}) = 'integer')`;
  return '';
}

const ON_DELETE: Readonly<Record<OnDelete, string>> = { cascade: ' ON DELETE CASCADE', setNull: ' ON DELETE SET NULL', restrict: '' };

export function createTableSql(schema: SchemaDef, modelKey: string): string {
  const model: ModelDef = schema.models[modelKey];
  const lines = Object.entries(model.fields).map(([f, d]) => {
    let out = `  ${quoteIdent(f)} ${columnType(d)}${d.nullable ? '' : ' NOT NULL'}`;
    if (d.kind === 'enum' && d.enumValues) out += ` CHECK (${quoteIdent(f)} IN (${d.enumValues.map(quoteLiteral).join(', ')}))`;
    out += rangeCheck(model.table, f, d);
    return out;
  });
  lines.push(`  PRIMARY KEY (${model.key.map(quoteIdent).join(', ')})`);
  for (const u of model.uniques) lines.push(`  CONSTRAINT ${quoteIdent(u.name)} UNIQUE (${u.fields.map(quoteIdent).join(', ')})`);
  for (const r of references(schema).filter((x) => x.model === modelKey)) {
    const target = schema.models[r.refModel];
    lines.push(
      `  FOREIGN KEY (${r.fields.map(quoteIdent).join(', ')}) REFERENCES ${quoteIdent(target.table)} (${target.key.map(quoteIdent).join(', ')})${ON_DELETE[r.onDelete ?? 'restrict']}`,
    );
  }
  return `CREATE TABLE IF NOT EXISTS ${quoteIdent(model.table)} (\n${lines.join(',\n')}\n)`;
}

/** A counter cache: one trigger per event, each adjusting the parent row the child row points at. */
export function counterTriggerSql(schema: SchemaDef, c: CounterCache): string[] {
  const child = schema.models[c.child];
  const parent = schema.models[c.parent];
  const h = createHash('sha256').update(`${child.table}\u0000${c.foreignKey}\u0000${parent.table}\u0000${c.field}`).digest('hex').slice(0, 10);
  const P = quoteIdent(parent.table);
  const N = quoteIdent(c.field);
  const K = quoteIdent(parent.key[0]);
  const fk = quoteIdent(c.foreignKey);
  const add = (delta: string, row: 'NEW' | 'OLD', extra = '') => `UPDATE ${P} SET ${N} = ${N} ${delta} WHERE ${K} = ${row}.${fk}${extra};`;
  const moved = ` AND OLD.${fk} IS NOT NEW.${fk}`;
  const trigger = (event: string, body: string) =>
    `CREATE TRIGGER IF NOT EXISTS ${quoteIdent(`quern_counter_${h}_${event.toLowerCase()}`)} AFTER ${event} ON ${quoteIdent(child.table)} BEGIN ${body} END`;
  return [
    trigger('INSERT', add('+ 1', 'NEW')),
    trigger('DELETE', add('- 1', 'OLD')),
    trigger('UPDATE', `${add('- 1', 'OLD', moved)} ${add('+ 1', 'NEW', moved)}`),
  ];
}

/** Every statement `push()` runs: tables, indexes, counter triggers; all idempotent. */
export function schemaDdl(schema: SchemaDef): string[] {
  return [
    ...Object.keys(schema.models).map((k) => createTableSql(schema, k)),
    ...Object.values(schema.models).flatMap((m) =>
      m.indexes.map((i) => `CREATE INDEX IF NOT EXISTS ${quoteIdent(i.name)} ON ${quoteIdent(m.table)} (${i.fields.map(quoteIdent).join(', ')})`),
    ),
    ...counterCaches(schema).flatMap((c) => counterTriggerSql(schema, c)),
  ];
}
