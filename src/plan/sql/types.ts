/**
 * Field kinds → the PostgreSQL types values travel as. Params are cast to
 * these (`$1::uuid`), which both fixes their type for the server and tells
 * the driver how to encode the JS value.
 */
import type { ElementDef, FieldDef, ScalarKind } from '../../schema/field.js';
import type { SqlScalarType, SqlTypeRef } from './ast.js';

const SCALAR: Readonly<Record<ScalarKind, SqlScalarType>> = {
  string: 'text',
  text: 'text',
  enum: 'text',
  int: 'int4',
  bigint: 'int8',
  float: 'float8',
  decimal: 'numeric',
  boolean: 'bool',
  uuid: 'uuid',
  timestamp: 'timestamptz',
  date: 'date',
  json: 'jsonb',
};

export function scalarType(kind: ScalarKind): SqlScalarType {
  return SCALAR[kind];
}

/** The type of a whole field value (a list is an array of its element type). */
export function fieldType(def: FieldDef): SqlTypeRef {
  if (def.kind === 'list') return { kind: 'type', name: SCALAR[def.element!.kind], array: true };
  return { kind: 'type', name: SCALAR[def.kind], array: false };
}

/** The type of one scalar of a field: the field itself, or a list's element. */
export function elementType(def: FieldDef | ElementDef): SqlTypeRef {
  const kind = def.kind === 'list' ? (def as FieldDef).element!.kind : (def.kind as ScalarKind);
  return { kind: 'type', name: SCALAR[kind], array: false };
}

/**
 * The array type `list @> $1` compares with: the column's own element type, since PostgreSQL has
 * no `varchar[] @> text[]` (a string list with maxLength is a varchar(n)[] column).
 */
export function containsType(def: FieldDef): SqlTypeRef {
  const el = def.element!;
  return el.kind === 'string' && el.maxLength ? { kind: 'type', name: 'varchar', array: true } : arrayOf(elementType(def));
}

export function arrayOf(t: SqlTypeRef): SqlTypeRef {
  return { kind: 'type', name: t.name, array: true };
}

export const INT8: SqlTypeRef = { kind: 'type', name: 'int8', array: false };
export const JSON_TYPE: SqlTypeRef = { kind: 'type', name: 'json', array: false };
export const TEXT: SqlTypeRef = { kind: 'type', name: 'text', array: false };
