/**
 * Names the targets derive from a schema, and the checks that keep them valid on every target.
 * defineSchema runs these so that a name which would break `push()` or a migration (PostgreSQL
 * truncating it to 63 bytes, two models deriving the same constraint name, a DynamoDB index name
 * with characters DynamoDB refuses) is a SchemaError naming the problem, before any I/O.
 */
import { SchemaError } from '../errors.js';
import type { ModelDef } from './model.js';

/** PostgreSQL keeps the first NAMEDATALEN - 1 bytes of an identifier and silently drops the rest. */
export const PG_MAX_IDENTIFIER_BYTES = 63;
/** DynamoDB index names: 3 to 255 characters of [A-Za-z0-9_.-]. */
const DYNAMODB_INDEX_NAME = /^[A-Za-z0-9_.-]{3,255}$/;
/** Unique constraint names become PostgreSQL identifiers and unique-index-table keys on DynamoDB. */
const CONSTRAINT_NAME = /^[A-Za-z0-9_.-]+$/;

/**
 * Own property names of Object.prototype (`toString`, `valueOf`, `hasOwnProperty`, …). As field,
 * accessor or relation names they would be found on every plain object by `in` and `obj[name]`,
 * so a row or an argument object would seem to carry them. quern refuses them instead of
 * guarding every lookup (see docs/design-changes.md).
 */
export const OBJECT_PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

export function primaryKeyName(model: Pick<ModelDef, 'table'>): string {
  return `${model.table}_pkey`;
}

export function checkConstraintName(model: Pick<ModelDef, 'table'>, field: string): string {
  return `${model.table}_${field}_check`;
}

/** PostgreSQL's own default name: the table, then every column. */
export function foreignKeyName(table: string, columns: readonly string[]): string {
  return `${table}_${columns.join('_')}_fkey`;
}

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');

/** What a derived name is, for the error message. */
interface NamedThing {
  readonly name: string;
  readonly what: string;
  readonly model: string;
  readonly field?: string;
}

function* namesOf(m: ModelDef): Generator<NamedThing> {
  yield { name: m.table, what: `the table of model ${m.name}`, model: m.name };
  yield { name: primaryKeyName(m), what: `the primary key constraint of model ${m.name}`, model: m.name };
  for (const u of m.uniques)
    yield { name: u.name, what: `the unique constraint (${u.fields.join(', ')}) of model ${m.name}`, model: m.name, field: u.fields[0] };
  for (const i of m.indexes) yield { name: i.name, what: `the index (${i.fields.join(', ')}) of model ${m.name}`, model: m.name, field: i.fields[0] };
  for (const [f, d] of Object.entries(m.fields)) {
    const enumField = d.kind === 'enum' || (d.kind === 'list' && d.element?.kind === 'enum');
    if (enumField) yield { name: checkConstraintName(m, f), what: `the CHECK constraint of enum field ${m.name}.${f}`, model: m.name, field: f };
  }
}

/** One model's own names: lengths and characters. */
export function checkModelNames(m: ModelDef): void {
  for (const [f] of Object.entries(m.fields)) {
    if (bytes(f) > PG_MAX_IDENTIFIER_BYTES)
      throw new SchemaError(`${m.name}.${f}: the field name is ${bytes(f)} bytes; PostgreSQL truncates identifiers to ${PG_MAX_IDENTIFIER_BYTES}`, m.name, f);
  }
  for (const i of m.indexes) {
    if (!DYNAMODB_INDEX_NAME.test(i.name)) {
      throw new SchemaError(
        `model ${m.name}: index name ${JSON.stringify(i.name)} is not a valid DynamoDB index name (3 to 255 characters of A-Z, a-z, 0-9, '_', '-', '.')`,
        m.name,
        i.fields[0],
        undefined,
        `name it with index(...).named('${m.name}_${i.fields.join('_')}_idx')`,
      );
    }
  }
  for (const u of m.uniques) {
    if (!CONSTRAINT_NAME.test(u.name))
      throw new SchemaError(
        `model ${m.name}: unique constraint name ${JSON.stringify(u.name)} may hold only A-Z, a-z, 0-9, '_', '-' and '.'`,
        m.name,
        u.fields[0],
      );
  }
  for (const n of namesOf(m)) {
    if (bytes(n.name) > PG_MAX_IDENTIFIER_BYTES) {
      const over = bytes(n.name) - PG_MAX_IDENTIFIER_BYTES;
      throw new SchemaError(
        `${n.what} is named '${n.name}' (${bytes(n.name)} bytes); PostgreSQL truncates identifiers to ${PG_MAX_IDENTIFIER_BYTES} bytes, so it could collide with another name`,
        n.model,
        n.field,
        undefined,
        `shorten the model name or set { table: '…' } (${over} bytes shorter), or name the index or constraint yourself with .named('…')`,
      );
    }
  }
}

/**
 * Across models: tables, primary keys, unique constraints and indexes share one PostgreSQL
 * namespace (each is a relation), and quern maps constraint names back to fields, so every
 * derived name must be distinct. `A_b.c` and `A.b_c` both derive `A_b_c_key`.
 */
export function checkSchemaNames(models: readonly ModelDef[]): void {
  const seen = new Map<string, NamedThing>();
  for (const m of models) {
    for (const n of namesOf(m)) {
      // quern quotes every identifier, so names differing only in case are distinct.
      const prev = seen.get(n.name);
      if (prev && !(prev.model === n.model && prev.what === n.what)) {
        throw new SchemaError(
          `${n.what} and ${prev.what} both get the name '${n.name}'`,
          n.model,
          n.field,
          undefined,
          "rename one of the models or fields, or name the index or constraint yourself with .named('…')",
        );
      }
      seen.set(n.name, n);
    }
  }
}

/** The foreign key constraint a relation derives (on the table holding the column) must fit too. */
export function checkForeignKeyName(model: ModelDef, columns: readonly string[], relation: string): void {
  const name = foreignKeyName(model.table, columns);
  if (bytes(name) > PG_MAX_IDENTIFIER_BYTES) {
    throw new SchemaError(
      `relation ${relation}: its foreign key constraint is named '${name}' (${bytes(name)} bytes); PostgreSQL truncates identifiers to ${PG_MAX_IDENTIFIER_BYTES} bytes`,
      model.name,
      columns[0],
      undefined,
      'shorten the model (or table) name or the foreign key field name',
    );
  }
}
