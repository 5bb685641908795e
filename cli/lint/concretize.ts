/**
 * Turns a statically evaluated argument tree into real arguments for
 * buildQuery: structure kept exactly, every run-time value replaced by a fixed
 * value that is valid for its field's type. The result builds the same AST
 * (hence the same shape and plan) as the real call, because shapes hold slots,
 * never values.
 *
 * Where the structure is unknown and it could change the plan (where, orderBy,
 * include, allowScan, mode), the site is unanalysable. Where it cannot change the
 * plan (the contents of create data, update data, select), a stand-in is used and
 * the site's shape is marked approximate.
 */
import type ts from 'typescript';
import type { SchemaDef } from '../../src/schema/define.js';
import type { ElementDef, FieldDef } from '../../src/schema/field.js';
import type { Method } from '../../src/query/build.js';
import { filterOperator, type ValueShape } from '../../src/query/operators.js';
import type { Prim, SValue } from './static-value.js';

export const PLACEHOLDER_UUID = '00000000-0000-7000-8000-000000000000';
export const PLACEHOLDER_DATE = new Date(Date.UTC(2000, 0, 1));
export const PLACEHOLDER_CURSOR = 'cursor';

export type Concrete =
  | { readonly ok: true; readonly args: unknown; readonly approximate: readonly string[] }
  | { readonly ok: false; readonly node: ts.Node | null; readonly why: string };

class Unanalysable extends Error {
  constructor(
    readonly node: ts.Node | null,
    readonly why: string,
  ) {
    super(why);
  }
}

interface Ctx {
  readonly schema: SchemaDef;
  readonly approximate: string[];
}

export function concretize(schema: SchemaDef, modelKey: string, method: Method, args: SValue | null): Concrete {
  const ctx: Ctx = { schema, approximate: [] };
  try {
    return { ok: true, args: topLevel(ctx, modelKey, method, args), approximate: ctx.approximate };
  } catch (e) {
    if (e instanceof Unanalysable) return { ok: false, node: e.node, why: e.why };
    throw e;
  }
}

function fail(v: SValue, what: string): never {
  if (v.k === 'unknown') throw new Unanalysable(v.node, `${what}: ${v.why}`);
  throw new Unanalysable(v.k === 'dyn' ? v.node : null, `${what} is not an object literal the lint can read`);
}

function topLevel(ctx: Ctx, m: string, method: Method, args: SValue | null): unknown {
  if (args === null || args.k === 'undef') return undefined;
  if (args.k !== 'obj') fail(args, 'the query arguments');
  const out: Record<string, unknown> = {};
  for (const [key, v] of args.props) {
    if (v.k === 'undef') continue;
    switch (key) {
      case 'where':
        out.where = where(ctx, m, v, 'where');
        break;
      case 'orderBy':
        out.orderBy = orderBy(ctx, v);
        break;
      case 'limit':
      case 'offset':
      case 'first':
      case 'last':
        out[key] = count(v, key);
        break;
      case 'after':
      case 'before':
        out[key] = v.k === 'lit' ? v.v : v.k === 'dyn' ? PLACEHOLDER_CURSOR : fail(v, key);
        break;
      case 'select':
        out.select = select(ctx, m, v, 'select');
        break;
      case 'include':
        out.include = include(ctx, m, v, 'include');
        break;
      case 'allowScan':
      case 'skipDuplicates':
        out[key] = literalBoolean(v, key, key === 'skipDuplicates' ? true : null);
        break;
      case 'data':
        if (method === 'createMany' || method === 'createManyAndReturn') out.data = createManyData(ctx, m, v);
        else if (method === 'create') out.data = createData(ctx, m, v, 'data');
        else out.data = updateData(ctx, m, v, 'data');
        break;
      case 'create':
        out.create = createData(ctx, m, v, 'create');
        break;
      case 'update':
        out.update = updateData(ctx, m, v, 'update');
        break;
      default:
        // Unknown argument: passed through so the query builder reports it, as it would at run time.
        out[key] = v.k === 'lit' ? v.v : true;
    }
  }
  if (method === 'upsert') alignUpsert(ctx, m, out);
  return out;
}

function count(v: SValue, what: string): unknown {
  if (v.k === 'lit') return v.v;
  if (v.k === 'dyn') return v.literals?.length === 1 ? v.literals[0] : 1;
  return fail(v, what);
}

function literalBoolean(v: SValue, what: string, dynamicDefault: boolean | null): unknown {
  if (v.k === 'lit') return v.v;
  if (v.k === 'dyn' && v.literals?.length === 1) return v.literals[0];
  if (v.k === 'dyn' && dynamicDefault !== null) return dynamicDefault;
  if (v.k === 'dyn') throw new Unanalysable(v.node, `${what} is decided at run time, and it changes the plan; pass a literal true or false`);
  return fail(v, what);
}

// ---- where --------------------------------------------------------------------

function where(ctx: Ctx, m: string, v: SValue, path: string): unknown {
  if (v.k === 'undef') return undefined;
  if (v.k === 'lit' && v.v === null) return null;
  if (v.k !== 'obj') fail(v, path);
  const model = ctx.schema.models[m];
  const rels = ctx.schema.relations[m] ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, x] of v.props) {
    if (x.k === 'undef') continue;
    const p = `${path}.${key}`;
    if (key === 'AND' || key === 'NOT' || key === 'OR') {
      if (x.k === 'arr') out[key] = x.items.map((w, i) => where(ctx, m, w, `${p}[${i}]`));
      else if (x.k === 'obj' && key !== 'OR') out[key] = where(ctx, m, x, p);
      else fail(x, p);
    } else if (Object.prototype.hasOwnProperty.call(model.fields, key)) {
      out[key] = fieldFilter(model.fields[key], x, p);
    } else if (Object.prototype.hasOwnProperty.call(rels, key)) {
      out[key] = relationFilter(ctx, rels[key].kind, rels[key].target, x, p);
    } else {
      out[key] = x.k === 'lit' ? x.v : {};
    }
  }
  return out;
}

function relationFilter(ctx: Ctx, kind: string, target: string, v: SValue, path: string): unknown {
  if (v.k === 'lit' && v.v === null) return null;
  if (v.k !== 'obj') return fail(v, path);
  const keys = [...v.props.keys()];
  const wrapped = kind === 'hasMany' || (keys.length > 0 && keys.every((k) => k === 'is' || k === 'isNot'));
  if (!wrapped) return where(ctx, target, v, path);
  const out: Record<string, unknown> = {};
  for (const [op, sub] of v.props) {
    if (sub.k === 'undef') continue;
    out[op] = where(ctx, target, sub, `${path}.${op}`);
  }
  return out;
}

function fieldFilter(def: FieldDef, v: SValue, path: string): unknown {
  if (v.k === 'lit') return v.v;
  if (v.k === 'dyn') return fieldValue(def, v);
  if (v.k === 'arr') return def.kind === 'json' ? jsonValue(v) : v.items.map((x, i) => elementValue(def, x, `${path}[${i}]`));
  // A plain object is an operator object, for json fields too (they compare with { equals }).
  if (v.k !== 'obj') return fail(v, path);
  const out: Record<string, unknown> = {};
  for (const [op, x] of v.props) {
    if (x.k === 'undef') continue;
    const p = `${path}.${op}`;
    // The operator table's value shape says what a stand-in value looks like.
    const spec = filterOperator(op);
    if (!spec) {
      // Not an operator: the query builder names the mistake.
      out[op] = x.k === 'lit' ? x.v : true;
      continue;
    }
    out[op] = operand(def, spec.value, x, p);
  }
  return out;
}

function operand(def: FieldDef, shape: ValueShape, x: SValue, p: string): unknown {
  switch (shape) {
    case 'value':
      if (def.kind === 'json') return jsonValue(x);
      return x.k === 'lit' ? x.v : x.k === 'arr' ? x.items.map((e, i) => elementValue(def, e, `${p}[${i}]`)) : fieldValue(def, x);
    case 'valueOrFilter':
      if (x.k === 'obj') return fieldFilter(def, x, p);
      if (def.kind === 'json') return jsonValue(x);
      return x.k === 'lit' ? x.v : fieldValue(def, x);
    case 'scalar':
      return x.k === 'lit' ? x.v : x.k === 'arr' ? x.items.map((e, i) => elementValue(def, e, `${p}[${i}]`)) : scalarValue(def, x, p);
    case 'scalars':
      return x.k === 'arr' ? x.items.map((e, i) => scalarValue(def, e, `${p}[${i}]`)) : x.k === 'dyn' ? [scalarValue(def, x, p)] : fail(x, p);
    case 'string':
      return x.k === 'lit' ? x.v : x.k === 'dyn' ? 'x' : fail(x, p);
    case 'mode':
      return x.k === 'lit' ? x.v : x.k === 'dyn' && x.literals?.length === 1 ? x.literals[0] : modeUnknown(x, p);
    case 'flag':
      return x.k === 'lit' ? x.v : x.k === 'dyn' ? (x.literals?.length === 1 ? x.literals[0] : true) : fail(x, p);
    case 'element':
      return def.element ? scalarValue(def.element, x, p) : x.k === 'lit' ? x.v : 'x';
    default: {
      const never: never = shape;
      throw new Error(`unhandled operator value shape ${String(never)}`);
    }
  }
}

function modeUnknown(x: SValue, path: string): never {
  if (x.k === 'dyn') throw new Unanalysable(x.node, `${path} is decided at run time, and case-insensitive matching changes the plan`);
  return fail(x, path);
}

// ---- values --------------------------------------------------------------------

/** A whole field value: null allowed, lists as arrays. */
function fieldValue(def: FieldDef, v: SValue): unknown {
  if (v.k === 'lit') return v.v;
  if (v.k === 'dyn') {
    if (def.kind === 'list') return [placeholder(def.element!, v)];
    if (def.kind === 'json') return 'x';
    return placeholder(def, v);
  }
  if (v.k === 'arr') return def.kind === 'list' ? v.items.map((x) => scalarValue(def.element!, x, '')) : jsonValue(v);
  if (v.k === 'obj' && def.kind === 'json') return jsonValue(v);
  return fail(v, 'a value');
}

function elementValue(def: FieldDef, v: SValue, path: string): unknown {
  return def.element ? scalarValue(def.element, v, path) : fieldValue(def, v);
}

function scalarValue(def: FieldDef | ElementDef, v: SValue, path: string): unknown {
  if (v.k === 'lit') return v.v;
  if (v.k === 'dyn') return def.kind === 'json' ? 'x' : def.kind === 'list' ? placeholder((def as FieldDef).element!, v) : placeholder(def as ElementDef, v);
  return fail(v, path);
}

/** A fixed value valid for the field's type; a literal type is kept when it is a valid value. */
export function placeholder(def: ElementDef | FieldDef, v?: { prim: Prim; literals?: readonly (string | number | boolean)[] }): unknown {
  const lit = v?.literals?.length === 1 ? v.literals[0] : undefined;
  switch (def.kind) {
    case 'string':
    case 'text':
      return typeof lit === 'string' && (def.maxLength === undefined || lit.length <= def.maxLength) ? lit : 'x';
    case 'enum':
      return typeof lit === 'string' && def.enumValues!.includes(lit)
        ? lit
        : (v?.literals?.find((l) => typeof l === 'string' && def.enumValues!.includes(l)) ?? def.enumValues![0]);
    case 'uuid':
      return PLACEHOLDER_UUID;
    case 'int':
    case 'float':
      return typeof lit === 'number' && Number.isInteger(lit) ? lit : 1;
    case 'bigint':
      return 1n;
    case 'decimal':
      return '1';
    case 'boolean':
      return typeof lit === 'boolean' ? lit : true;
    case 'timestamp':
      return PLACEHOLDER_DATE;
    case 'date':
      return '2000-01-01';
    case 'json':
      return 'x';
    case 'list':
      return [];
  }
}

function jsonValue(v: SValue): unknown {
  switch (v.k) {
    case 'lit':
      return typeof v.v === 'bigint' ? Number(v.v) : v.v;
    case 'undef':
      return undefined;
    case 'arr':
      return v.items.map(jsonValue);
    case 'obj': {
      const o: Record<string, unknown> = {};
      for (const [k, x] of v.props) if (x.k !== 'undef') o[k] = jsonValue(x);
      return o;
    }
    default:
      return 'x';
  }
}

// ---- select / include / orderBy -------------------------------------------------

function select(ctx: Ctx, m: string, v: SValue, path: string): unknown {
  if (v.k === 'undef') return undefined;
  if (v.k !== 'obj') {
    ctx.approximate.push(`${path} is not a literal`);
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of v.props) {
    if (x.k === 'undef') continue;
    out[k] = x.k === 'lit' ? x.v : x.k === 'dyn' ? (x.literals?.length === 1 ? x.literals[0] : true) : true;
    if (x.k === 'dyn' && x.literals?.length !== 1) ctx.approximate.push(`${path}.${k} is decided at run time`);
  }
  void m;
  return out;
}

function include(ctx: Ctx, m: string, v: SValue, path: string): unknown {
  if (v.k === 'undef') return undefined;
  if (v.k !== 'obj') return fail(v, path);
  const rels = ctx.schema.relations[m] ?? {};
  const out: Record<string, unknown> = {};
  for (const [name, x] of v.props) {
    if (x.k === 'undef') continue;
    const p = `${path}.${name}`;
    if (x.k === 'lit') {
      out[name] = x.v;
      continue;
    }
    if (x.k === 'dyn') {
      if (x.literals?.length === 1) out[name] = x.literals[0];
      else throw new Unanalysable(x.node, `${p} is decided at run time, and an include changes the plan`);
      continue;
    }
    if (x.k !== 'obj') fail(x, p);
    const target = rels[name]?.target;
    if (!target) {
      out[name] = {};
      continue;
    }
    const o: Record<string, unknown> = {};
    for (const [opt, y] of x.props) {
      if (y.k === 'undef') continue;
      const q = `${p}.${opt}`;
      if (opt === 'where') o.where = where(ctx, target, y, q);
      else if (opt === 'orderBy') o.orderBy = orderBy(ctx, y);
      else if (opt === 'limit') o.limit = count(y, q);
      else if (opt === 'select') o.select = select(ctx, target, y, q);
      else if (opt === 'include') o.include = include(ctx, target, y, q);
      else o[opt] = y.k === 'lit' ? y.v : true;
    }
    out[name] = o;
  }
  return out;
}

function orderBy(ctx: Ctx, v: SValue): unknown {
  if (v.k === 'arr') return v.items.map((x) => orderTerm(ctx, x));
  return orderTerm(ctx, v);
}

function orderTerm(ctx: Ctx, v: SValue): unknown {
  if (v.k !== 'obj') return fail(v, 'orderBy');
  const out: Record<string, unknown> = {};
  for (const [field, dir] of v.props) {
    if (dir.k === 'undef') continue;
    if (dir.k === 'lit') out[field] = dir.v;
    else if (dir.k === 'dyn') {
      // Either direction reads the same index (forwards or backwards): the plan's feasibility does not depend on it.
      const lit = dir.literals?.length === 1 ? dir.literals[0] : undefined;
      out[field] = lit ?? 'asc';
      if (lit === undefined) ctx.approximate.push(`orderBy.${field} direction is decided at run time`);
    } else fail(dir, `orderBy.${field}`);
  }
  return out;
}

// ---- writes ---------------------------------------------------------------------

/**
 * Create rows go into the shape as one slot, so their contents never change
 * the plan: unknown data becomes a complete stand-in row.
 */
function createData(ctx: Ctx, m: string, v: SValue, path: string): unknown {
  const model = ctx.schema.models[m];
  const row: Record<string, unknown> = {};
  if (v.k === 'obj') {
    for (const [k, x] of v.props) {
      if (x.k === 'undef') continue;
      const def = model.fields[k];
      if (!def) {
        row[k] = x.k === 'lit' ? x.v : true;
        continue;
      }
      try {
        row[k] = fieldValue(def, x);
      } catch (e) {
        if (!(e instanceof Unanalysable)) throw e;
        row[k] = standIn(def);
        ctx.approximate.push(`${path}.${k} is not a literal`);
      }
    }
  } else {
    ctx.approximate.push(`${path} is not an object literal`);
  }
  for (const [k, def] of Object.entries(model.fields)) {
    if (!(k in row) && needsStandIn(def)) row[k] = standIn(def);
  }
  return row;
}

function needsStandIn(def: FieldDef): boolean {
  return !def.auto && !def.createdAt && !def.updatedAt && !def.version && !def.default && !def.nullable;
}

function standIn(def: FieldDef): unknown {
  if (def.nullable) return null;
  if (def.kind === 'list') return [];
  return placeholder(def);
}

function createManyData(ctx: Ctx, m: string, v: SValue): unknown {
  if (v.k === 'arr') return v.items.map((x, i) => createData(ctx, m, x, `data[${i}]`));
  ctx.approximate.push('data is not an array literal');
  return [createData(ctx, m, { k: 'undef' }, 'data[0]')];
}

const UPDATE_OPS = new Set(['set', 'increment', 'decrement', 'push']);

function updateData(ctx: Ctx, m: string, v: SValue, path: string): unknown {
  const model = ctx.schema.models[m];
  if (v.k !== 'obj') {
    // The fields set never change where the row is found, so the plan's feasibility holds.
    ctx.approximate.push(`${path} is not an object literal`);
    return {};
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of v.props) {
    if (x.k === 'undef') continue;
    const def = model.fields[k];
    if (!def) {
      out[k] = x.k === 'lit' ? x.v : true;
      continue;
    }
    if (x.k === 'obj' && def.kind !== 'json') {
      const ops: Record<string, unknown> = {};
      for (const [op, y] of x.props) {
        if (y.k === 'undef') continue;
        if (!UPDATE_OPS.has(op)) ops[op] = y.k === 'lit' ? y.v : true;
        else if (op === 'set') ops[op] = valueOrStandIn(ctx, def, y, `${path}.${k}.set`);
        else if (op === 'push')
          ops[op] =
            y.k === 'arr'
              ? y.items.map((e, i) => scalarOrStandIn(ctx, def.element ?? def, e, `${path}.${k}.push[${i}]`))
              : scalarOrStandIn(ctx, def.element ?? def, y, `${path}.${k}.push`);
        else ops[op] = scalarOrStandIn(ctx, def, y, `${path}.${k}.${op}`);
      }
      out[k] = ops;
    } else if (x.k === 'unknown' && def.kind !== 'json') {
      // Could be an operator object or a plain value: either way one slot for this field.
      ctx.approximate.push(`${path}.${k} is not a literal`);
      out[k] = standIn(def);
    } else {
      out[k] = valueOrStandIn(ctx, def, x, `${path}.${k}`);
    }
  }
  return out;
}

function valueOrStandIn(ctx: Ctx, def: FieldDef, v: SValue, path: string): unknown {
  try {
    return fieldValue(def, v);
  } catch (e) {
    if (!(e instanceof Unanalysable)) throw e;
    ctx.approximate.push(`${path} is not a literal`);
    return standIn(def);
  }
}

function scalarOrStandIn(ctx: Ctx, def: FieldDef | ElementDef, v: SValue, path: string): unknown {
  try {
    return scalarValue(def, v, path);
  } catch (e) {
    if (!(e instanceof Unanalysable)) throw e;
    ctx.approximate.push(`${path} is not a literal`);
    return placeholder(def);
  }
}

/** An upsert's created row must carry the values its where looks up: copy them across. */
function alignUpsert(ctx: Ctx, m: string, out: Record<string, unknown>) {
  const w = out.where;
  const c = out.create;
  if (!w || typeof w !== 'object' || !c || typeof c !== 'object') return;
  const model = ctx.schema.models[m];
  for (const [k, x] of Object.entries(w as Record<string, unknown>)) {
    if (!model.fields[k]) continue;
    const value = x !== null && typeof x === 'object' && !(x instanceof Date) && !Array.isArray(x) ? (x as Record<string, unknown>).equals : x;
    if (value !== undefined) (c as Record<string, unknown>)[k] = value;
  }
}
