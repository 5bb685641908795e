import { ValidationError } from '../errors.js';
import type { SchemaDef } from '../schema/define.js';
import type { FieldDef } from '../schema/field.js';
import type { ModelDef } from '../schema/model.js';
import { checkFieldValue, describe } from '../schema/values.js';
import { isToMany } from '../schema/relation.js';
import type { FilterNode, Slot } from './ast.js';
import { didYouMean } from '../suggest.js';
import { FILTER_OPERATOR_NAMES, fieldClass, filterOperator, isPlainObject, misapplied, type OperatorInput } from './operators.js';

/** Collects values out of the AST into a params array. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown): Slot {
    this.values.push(v);
    return { slot: this.values.length - 1 };
  }
}

export { isPlainObject };

/** Own enumerable keys with defined values; `__proto__` and friends are ordinary (unknown) keys here. */
export function entries(o: Record<string, unknown>): [string, unknown][] {
  return Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .map((k) => [k, o[k]]);
}

const MAX_DEPTH = 32;

export function parseWhere(schema: SchemaDef, modelKey: string, where: unknown, params: Params, path: string, depth = 0): FilterNode | null {
  if (where === undefined || where === null) return null;
  if (!isPlainObject(where)) throw new ValidationError(path, `expected an object, got ${describe(where)}`);
  if (depth > MAX_DEPTH) throw new ValidationError(path, `filter nested deeper than ${MAX_DEPTH} levels`);
  const model = schema.models[modelKey];
  const items: FilterNode[] = [];
  // Keys, not entries(): no array of pairs per call on the hot path.
  for (const key of Object.keys(where)) {
    const value = where[key];
    if (value === undefined) continue;
    const p = `${path}.${key}`;
    if (key === 'AND' || key === 'NOT') {
      const list = Array.isArray(value) ? value : [value];
      const sub = list.map(
        (w, i) => parseWhere(schema, modelKey, w, params, Array.isArray(value) ? `${p}[${i}]` : p, depth + 1) ?? ({ kind: 'const', value: true } as FilterNode),
      );
      if (key === 'AND') items.push(...sub);
      else for (const s of sub) items.push({ kind: 'not', item: s });
    } else if (key === 'OR') {
      if (!Array.isArray(value)) throw new ValidationError(p, 'OR expects an array of filters');
      const sub = value.map((w, i) => parseWhere(schema, modelKey, w, params, `${p}[${i}]`, depth + 1) ?? ({ kind: 'const', value: true } as FilterNode));
      items.push(sub.length === 0 ? { kind: 'const', value: false } : sub.length === 1 ? sub[0] : { kind: 'or', items: sub });
    } else if (Object.prototype.hasOwnProperty.call(model.fields, key)) {
      items.push(parseFieldFilter(model, key, model.fields[key], value, params, p, depth));
    } else if (Object.prototype.hasOwnProperty.call(schema.relations[modelKey] ?? {}, key)) {
      items.push(parseRelationFilter(schema, modelKey, key, value, params, p, depth));
    } else {
      throw new ValidationError(
        p,
        `unknown field '${key}' on ${model.name}${didYouMean(key, Object.keys(model.fields))}; known fields: ${Object.keys(model.fields).join(', ')}`,
      );
    }
  }
  if (items.length === 0) return null;
  return items.length === 1 ? items[0] : { kind: 'and', items };
}

function parseRelationFilter(schema: SchemaDef, modelKey: string, name: string, value: unknown, params: Params, path: string, depth: number): FilterNode {
  const rel = schema.relations[modelKey][name];
  if (!isPlainObject(value) && value !== null) throw new ValidationError(path, `expected a relation filter object, got ${describe(value)}`);
  if (isToMany(rel.kind)) {
    if (value === null) throw new ValidationError(path, `a ${rel.kind} relation filter takes { some | every | none }`);
    const out: FilterNode[] = [];
    for (const [op, sub] of entries(value)) {
      if (op !== 'some' && op !== 'every' && op !== 'none')
        throw new ValidationError(`${path}.${op}`, `unknown relation operator '${op}'; use some, every or none`);
      out.push({ kind: 'relation', relation: name, op, filter: parseWhere(schema, rel.target, sub, params, `${path}.${op}`, depth + 1) });
    }
    if (out.length === 0) throw new ValidationError(path, 'empty relation filter; use some, every or none');
    return out.length === 1 ? out[0] : { kind: 'and', items: out };
  }
  if (value === null) return { kind: 'relation', relation: name, op: 'isNot', filter: null };
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  if (keys.length > 0 && keys.every((k) => k === 'is' || k === 'isNot')) {
    const out: FilterNode[] = keys.map((op) => {
      const sub = value[op];
      // `is: null` means "has no related row"; `isNot: null` means "has one".
      if (sub === null) return { kind: 'relation', relation: name, op: op === 'is' ? 'isNot' : 'is', filter: null } as FilterNode;
      return { kind: 'relation', relation: name, op: op as 'is' | 'isNot', filter: parseWhere(schema, rel.target, sub, params, `${path}.${op}`, depth + 1) };
    });
    return out.length === 1 ? out[0] : { kind: 'and', items: out };
  }
  return { kind: 'relation', relation: name, op: 'is', filter: parseWhere(schema, rel.target, value, params, path, depth + 1) };
}

function parseFieldFilter(model: ModelDef, field: string, def: FieldDef, value: unknown, params: Params, path: string, depth: number): FilterNode {
  if (value === null) return { kind: 'isNull', field, isNull: true };
  if (def.kind === 'list' && Array.isArray(value)) return { kind: 'listEquals', field, value: params.add(checkFieldValue(def, value, path)) };
  // A plain object is an operator object; json fields therefore compare with { equals }.
  if (!isPlainObject(value)) return { kind: 'compare', field, op: 'eq', value: params.add(checkFieldValue(def, value, path)) };
  if (depth > MAX_DEPTH) throw new ValidationError(path, `filter nested deeper than ${MAX_DEPTH} levels`);
  const ops = Object.keys(value).filter((k) => value[k] !== undefined);
  if (ops.length === 0) throw new ValidationError(path, 'empty filter object');
  const mode = value.mode;
  if (mode !== undefined && mode !== 'default' && mode !== 'insensitive')
    throw new ValidationError(`${path}.mode`, `expected 'default' or 'insensitive', got ${describe(mode)}`);
  const insensitive = mode === 'insensitive';
  const cls = fieldClass(def);
  if (insensitive && cls !== 'text')
    throw new ValidationError(`${path}.mode`, `mode: 'insensitive' applies to string fields only; ${model.name}.${field} is ${def.kind}`);
  const x: OperatorInput = {
    model,
    field,
    def,
    insensitive,
    add: (v) => params.add(v),
    nested: (v, p) => parseFieldFilter(model, field, def, v, params, p, depth + 1),
  };
  const out: FilterNode[] = [];
  for (const op of ops) {
    const p = `${path}.${op}`;
    const spec = filterOperator(op);
    if (!spec) throw new ValidationError(p, `unknown filter operator '${op}'${didYouMean(op, FILTER_OPERATOR_NAMES)}`);
    if (!spec.classes.includes(cls)) throw new ValidationError(p, misapplied(op, spec, model, field, def));
    const node = spec.build(x, value[op], p);
    if (node) out.push(node);
  }
  if (out.length === 0) throw new ValidationError(path, `'mode' needs an operator beside it`);
  return out.length === 1 ? out[0] : { kind: 'and', items: out };
}
