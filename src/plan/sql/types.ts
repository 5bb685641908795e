/**
 * Field kinds → the SQL types values travel as, by meaning (each dialect's
 * serializer names them). Params carry these, which both fixes their type for
 * the server and tells the driver how to encode
 * the JS value.
 */
import type { ElementDef, FieldDef, ScalarKind } from '../../schema/field.js';
import type { SqlScalarType, SqlTypeRef } from './ast.js';

const SCALAR: Readonly<Record<ScalarKind, SqlScalarType>> = {
  string: 'text',
  text: 'text',
  enum: 'text',
  int: 'int',
  bigint: 'bigint',
  float: 'float',
  decimal: 'decimal',
  boolean: 'boolean',
  uuid: 'uuid',
  timestamp: 'timestamp',
  date: 'date',
  json: 'json',
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
 * The list type a `contains` compares with: the column's own element type, since PostgreSQL
 * cannot compare a list of bounded strings with a list of unbounded ones.
 */
export function containsType(def: FieldDef): SqlTypeRef {
  const el = def.element!;
  return el.kind === 'string' && el.maxLength ? { kind: 'type', name: 'varchar', array: true } : arrayOf(elementType(def));
}

export function arrayOf(t: SqlTypeRef): SqlTypeRef {
  return { kind: 'type', name: t.name, array: true };
}

export const BIGINT: SqlTypeRef = { kind: 'type', name: 'bigint', array: false };
export const FLOAT: SqlTypeRef = { kind: 'type', name: 'float', array: false };
export const JSON_DOCUMENT: SqlTypeRef = { kind: 'type', name: 'jsonDocument', array: false };
export const TEXT: SqlTypeRef = { kind: 'type', name: 'text', array: false };
