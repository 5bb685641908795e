/**
 * The filter-operator grammar, once: each operator's name, the field classes it
 * applies to, the shape of its value and how it becomes a filter node. The
 * parser (where.ts) runs it, lint's concretizer (cli/lint/concretize.ts)
 * reads the value shapes, and the filter types (schema/infer.ts) are a mapped
 * type over it. Adding an operator is a row here (see docs/architecture.md).
 */
import { ValidationError } from '../errors.js';
import type { FieldDef } from '../schema/field.js';
import type { ModelDef } from '../schema/model.js';
import { checkFieldValue, checkScalar, describe } from '../schema/values.js';
import type { FilterNode, Slot } from './ast.js';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** What an operator is checked against: the field's kind, grouped as the grammar needs it. */
export type FieldClass = 'text' | 'ordered' | 'boolean' | 'json' | 'list';

export function fieldClass(def: FieldDef): FieldClass {
  switch (def.kind) {
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
      return 'text';
    case 'int':
    case 'bigint':
    case 'float':
    case 'decimal':
    case 'timestamp':
    case 'date':
      return 'ordered';
    case 'boolean':
      return 'boolean';
    case 'json':
      return 'json';
    case 'list':
      return 'list';
    default: {
      const never: never = def.kind;
      throw new Error(`unhandled field kind ${String(never)}`);
    }
  }
}

/**
 * The value an operator takes. For a field of value type T with elements E:
 * value `T | null`; valueOrFilter `T | null | { ...operators }`; scalars `T[]`;
 * scalar `T`; string `string`; mode `'default' | 'insensitive'`; flag `boolean`;
 * element `E`.
 */
export type ValueShape = 'value' | 'valueOrFilter' | 'scalars' | 'scalar' | 'string' | 'mode' | 'flag' | 'element';

/** One field's operator object being parsed: what every operator's builder reads. */
export interface OperatorInput {
  readonly model: ModelDef;
  readonly field: string;
  readonly def: FieldDef;
  readonly insensitive: boolean;
  readonly add: (v: unknown) => Slot;
  /** Parses a nested operator object (`not: { ... }`) of the same field. */
  readonly nested: (v: Record<string, unknown>, path: string) => FilterNode;
}

export interface OperatorSpec<C extends FieldClass = FieldClass, V extends ValueShape = ValueShape> {
  readonly classes: readonly C[];
  readonly value: V;
  /** Names what the operator is for, in the refusal on another field ("applies to string fields"); null: "is not supported on <kind> fields". */
  readonly appliesTo: string | null;
  /** The node for `field: { op: v }`, after the class check; null adds none (`mode` only qualifies the others). */
  readonly build: (x: OperatorInput, v: unknown, path: string) => FilterNode | null;
}

function operator<const C extends FieldClass, const V extends ValueShape>(
  classes: readonly C[],
  value: V,
  appliesTo: string | null,
  build: OperatorSpec['build'],
): OperatorSpec<C, V> {
  return { classes, value, appliesTo, build };
}

const ANY = ['text', 'ordered', 'boolean', 'json', 'list'] as const;
const SCALAR = ['text', 'ordered', 'boolean'] as const;
const ORDERED = ['text', 'ordered'] as const;

function compare(op: 'lt' | 'lte' | 'gt' | 'gte') {
  return operator(ORDERED, 'scalar', null, (x, v, p) => {
    if (v === null) throw new ValidationError(p, `'${op}' needs a value, got null`);
    return { kind: 'compare', field: x.field, op, value: x.add(checkScalar(x.def, v, p)) };
  });
}

function membership(negated: boolean) {
  return operator(SCALAR, 'scalars', null, (x, v, p) => {
    if (!Array.isArray(v)) throw new ValidationError(p, `expected an array, got ${describe(v)}`);
    const vals = v.map((e, i) => checkScalar(x.def, e, `${p}[${i}]`));
    return { kind: 'in', field: x.field, negated, values: x.add(vals) };
  });
}

function text(op: 'contains' | 'startsWith' | 'endsWith') {
  return operator(['text'], 'string', 'string fields', (x, v, p) => {
    if (typeof v !== 'string') throw new ValidationError(p, `expected a string, got ${describe(v)}`);
    return { kind: 'text', field: x.field, op, value: x.add(checkScalar({ kind: 'string' }, v, p)), insensitive: x.insensitive };
  });
}

export const FILTER_OPERATORS = {
  equals: operator(ANY, 'value', null, (x, v, p) => {
    if (v === null) return { kind: 'isNull', field: x.field, isNull: true };
    if (x.def.kind === 'list') return { kind: 'listEquals', field: x.field, value: x.add(checkFieldValue(x.def, v, p)) };
    if (x.insensitive) return { kind: 'text', field: x.field, op: 'equals', value: x.add(checkScalar(x.def, v, p)), insensitive: true };
    return { kind: 'compare', field: x.field, op: 'eq', value: x.add(checkFieldValue(x.def, v, p)) };
  }),
  not: operator(ANY, 'valueOrFilter', null, (x, v, p) => {
    if (v === null) return { kind: 'isNull', field: x.field, isNull: false };
    if (isPlainObject(v)) return { kind: 'not', item: x.nested(x.insensitive ? { ...v, mode: 'insensitive' } : v, p) };
    if (x.def.kind === 'list') return { kind: 'not', item: { kind: 'listEquals', field: x.field, value: x.add(checkFieldValue(x.def, v, p)) } };
    return { kind: 'compare', field: x.field, op: 'ne', value: x.add(checkFieldValue(x.def, v, p)) };
  }),
  in: membership(false),
  notIn: membership(true),
  lt: compare('lt'),
  lte: compare('lte'),
  gt: compare('gt'),
  gte: compare('gte'),
  contains: text('contains'),
  startsWith: text('startsWith'),
  endsWith: text('endsWith'),
  // Checked (and applied to the text operators beside it) by the parser before the others.
  mode: operator(['text'], 'mode', 'string fields', () => null),
  isNull: operator(ANY, 'flag', null, (x, v, p) => {
    if (typeof v !== 'boolean') throw new ValidationError(p, `expected a boolean, got ${describe(v)}`);
    return { kind: 'isNull', field: x.field, isNull: v };
  }),
  has: operator(['list'], 'element', 'list fields', (x, v, p) => ({ kind: 'has', field: x.field, value: x.add(checkScalar(x.def.element!, v, p)) })),
} as const;

export type FilterOperators = typeof FILTER_OPERATORS;
export type FilterOperator = keyof FilterOperators;
export const FILTER_OPERATOR_NAMES = Object.keys(FILTER_OPERATORS) as readonly FilterOperator[];

/** The operator's row, or null for a name that is not an operator (own keys only: `__proto__` is unknown). */
export function filterOperator(name: string): OperatorSpec | null {
  return Object.prototype.hasOwnProperty.call(FILTER_OPERATORS, name) ? FILTER_OPERATORS[name as FilterOperator] : null;
}

/** The refusal for an operator on a field class it does not apply to. */
export function misapplied(name: string, spec: OperatorSpec, model: ModelDef, field: string, def: FieldDef): string {
  return spec.appliesTo === null
    ? `'${name}' is not supported on ${def.kind} fields`
    : `'${name}' applies to ${spec.appliesTo}; ${model.name}.${field} is ${def.kind}`;
}
