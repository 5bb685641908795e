/**
 * Client arguments → validated QueryAst + params. Everything a user can get
 * wrong is caught here, before any I/O, as a ValidationError naming the path.
 */
import { counterFor } from '../schema/counters.js';
import { uuidv7 } from 'uuidv7';
import { ValidationError } from '../errors.js';
import type { SchemaDef } from '../schema/define.js';
import type { FieldDef } from '../schema/field.js';
import type { ModelDef } from '../schema/model.js';
import { isToMany } from '../schema/relation.js';
import { checkFieldValue, checkScalar, describe } from '../schema/values.js';
import type { BuiltQuery, FieldUpdate, FilterNode, IncludeNode, OrderTerm, QueryAst, RelationCount, Slot } from './ast.js';
import { buildAggregate } from './aggregate.js';
import { Params, entries, isPlainObject, parseWhere } from './where.js';
import { didYouMean } from '../suggest.js';

export type Method =
  | 'findUnique'
  | 'findUniqueOrThrow'
  | 'findFirst'
  | 'findFirstOrThrow'
  | 'findMany'
  | 'count'
  | 'paginate'
  | 'create'
  | 'createMany'
  | 'createManyAndReturn'
  | 'update'
  | 'updateMany'
  | 'upsert'
  | 'delete'
  | 'deleteMany'
  | 'aggregate'
  | 'groupBy';

export const METHODS: readonly Method[] = [
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'paginate',
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'upsert',
  'delete',
  'deleteMany',
  'aggregate',
  'groupBy',
];

const AGGREGATES = ['_count', '_sum', '_avg', '_min', '_max'];
const ALLOWED_ARGS: Record<Method, readonly string[]> = {
  findUnique: ['where', 'select', 'include', 'omit'],
  findUniqueOrThrow: ['where', 'select', 'include', 'omit'],
  findFirst: ['where', 'orderBy', 'offset', 'select', 'include', 'omit', 'distinct', 'allowScan'],
  findFirstOrThrow: ['where', 'orderBy', 'offset', 'select', 'include', 'omit', 'distinct', 'allowScan'],
  findMany: ['where', 'orderBy', 'limit', 'offset', 'select', 'include', 'omit', 'distinct', 'allowScan'],
  count: ['where', 'allowScan'],
  paginate: ['where', 'orderBy', 'first', 'after', 'last', 'before', 'select', 'include', 'omit', 'allowScan'],
  create: ['data', 'select', 'include', 'omit'],
  createMany: ['data', 'skipDuplicates', 'atomic'],
  createManyAndReturn: ['data', 'skipDuplicates', 'atomic', 'select', 'omit'],
  update: ['where', 'data', 'select', 'include', 'omit'],
  updateMany: ['where', 'data', 'allowScan'],
  upsert: ['where', 'create', 'update', 'select', 'include', 'omit'],
  delete: ['where', 'select', 'omit'],
  deleteMany: ['where', 'allowScan'],
  aggregate: ['where', ...AGGREGATES, 'allowScan'],
  groupBy: ['by', 'where', ...AGGREGATES, 'having', 'orderBy', 'limit', 'offset', 'allowScan'],
};

const MAX_PAGE = 10_000;
/** Bound on rows per createMany call: one statement / one request stream, not unbounded memory. */
const MAX_CREATE_MANY = 100_000;

export interface BuildOptions {
  /** Turns an opaque cursor string into the boundary value it signed (the client verifies the MAC). */
  decodeCursor?: (cursor: string, base: string, path: string) => unknown;
  /** Clock for createdAt/updatedAt, injectable for tests. */
  now?: () => Date;
}

export function buildQuery(schema: SchemaDef, modelKey: string, method: Method, args: unknown, opts: BuildOptions = {}): BuiltQuery {
  const model = schema.models[modelKey];
  if (!model) throw new ValidationError(modelKey, `unknown model '${modelKey}'`);
  if (!ALLOWED_ARGS[method]) throw new ValidationError(`${model.name}.${String(method)}`, `unknown method '${String(method)}'`);
  const root = `${modelKey}.${method}`;
  const a = normaliseArgs(args, method, root);
  const params = new Params();
  const ctx: Ctx = { schema, modelKey, model, params, root, now: opts.now ?? (() => new Date()) };
  const ast = buildAst(ctx, method, a, opts);
  return { ast, params: params.values, shape: JSON.stringify(ast) };
}

interface Ctx {
  schema: SchemaDef;
  modelKey: string;
  model: ModelDef;
  params: Params;
  root: string;
  now: () => Date;
}

function normaliseArgs(args: unknown, method: Method, root: string): Record<string, unknown> {
  if (args === undefined || args === null) {
    if (['findMany', 'count', 'deleteMany', 'findFirst', 'findFirstOrThrow', 'aggregate'].includes(method)) return {};
    throw new ValidationError(root, `${method} needs an arguments object`);
  }
  if (!isPlainObject(args)) throw new ValidationError(root, `expected an arguments object, got ${describe(args)}`);
  const allowed = ALLOWED_ARGS[method];
  for (const k of Object.keys(args)) {
    if (args[k] === undefined) continue;
    if (!allowed.includes(k)) throw new ValidationError(`${root}.${k}`, `unknown argument '${k}' for ${method}; expected one of: ${allowed.join(', ')}`);
  }
  return args;
}

function buildAst(c: Ctx, method: Method, a: Record<string, unknown>, opts: BuildOptions): QueryAst {
  const { modelKey: m } = c;
  switch (method) {
    case 'findMany':
    case 'findFirst':
    case 'findFirstOrThrow': {
      const read = readShape(c, a, method !== 'findMany');
      if (method === 'findMany') return { kind: 'findMany', model: m, ...read };
      return { kind: 'findFirst', model: m, orThrow: method === 'findFirstOrThrow', ...read, limit: c.params.add(1) };
    }
    case 'findUnique':
    case 'findUniqueOrThrow': {
      const where = requireWhere(c, a);
      const uniqueBy = pinnedUnique(c, where);
      return { kind: 'findUnique', model: m, orThrow: method === 'findUniqueOrThrow', uniqueBy, ...readShape(c, a, true) };
    }
    case 'count':
      return {
        kind: 'count',
        model: m,
        where: parseWhere(c.schema, m, a.where, c.params, `${c.root}.where`),
        allowScan: bool(a.allowScan, `${c.root}.allowScan`),
      };
    case 'paginate':
      return buildPaginate(c, a, opts);
    case 'create': {
      const row = createRow(c, a.data, `${c.root}.data`);
      return {
        kind: 'create',
        model: m,
        many: false,
        rows: c.params.add([row]),
        select: writeSelect(c, a),
        include: include(c, m, a.include, `${c.root}.include`),
        skipDuplicates: false,
        atomic: true,
        returning: true,
      };
    }
    case 'createMany':
    case 'createManyAndReturn': {
      if (!Array.isArray(a.data)) throw new ValidationError(`${c.root}.data`, `${method} expects an array, got ${describe(a.data)}`);
      if (a.data.length > MAX_CREATE_MANY) throw new ValidationError(`${c.root}.data`, `at most ${MAX_CREATE_MANY} rows per ${method}`);
      const now = c.now();
      const rows = a.data.map((d, i) => createRow(c, d, `${c.root}.data[${i}]`, now));
      const returning = method === 'createManyAndReturn';
      return {
        kind: 'create',
        model: m,
        many: true,
        rows: c.params.add(rows),
        select: returning ? writeSelect(c, a) : null,
        include: [],
        skipDuplicates: bool(a.skipDuplicates, `${c.root}.skipDuplicates`),
        atomic: a.atomic === undefined ? true : bool(a.atomic, `${c.root}.atomic`),
        returning,
      };
    }
    case 'aggregate':
    case 'groupBy': {
      const grouped = method === 'groupBy';
      return buildAggregate(c.schema, m, c.model, c.params, c.root, a, grouped, {
        where: parseWhere(c.schema, m, a.where, c.params, `${c.root}.where`),
        allowScan: bool(a.allowScan, `${c.root}.allowScan`),
        limit: grouped && a.limit !== undefined ? c.params.add(count(a.limit, `${c.root}.limit`, 0)) : null,
        offset: grouped && a.offset !== undefined ? c.params.add(count(a.offset, `${c.root}.offset`, 0)) : null,
      });
    }
    case 'update':
    case 'updateMany': {
      const many = method === 'updateMany';
      const where = many ? parseWhere(c.schema, m, a.where, c.params, `${c.root}.where`) : requireWhere(c, a);
      const uniqueBy = many ? null : pinnedUnique(c, where!);
      const set = updateOps(c, a.data, `${c.root}.data`);
      return {
        kind: 'update',
        model: m,
        many,
        where,
        uniqueBy,
        set,
        versionField: versionField(c.model),
        select: many ? null : writeSelect(c, a),
        include: many ? [] : include(c, m, a.include, `${c.root}.include`),
        allowScan: bool(a.allowScan, `${c.root}.allowScan`),
      };
    }
    case 'upsert': {
      const where = requireWhere(c, a);
      const uniqueBy = pinnedUnique(c, where);
      const row = createRow(c, a.create, `${c.root}.create`);
      // The row created must satisfy the where it was looked up by, or the upsert is incoherent.
      for (const f of uniqueBy) {
        const w = (a.where as Record<string, unknown>)[f];
        const wv = isPlainObject(w) ? w.equals : w;
        if (wv !== undefined && !sameValue(checkFieldValue(c.model.fields[f], wv, `${c.root}.where.${f}`), row[f])) {
          throw new ValidationError(`${c.root}.create.${f}`, `must equal where.${f} (the upsert looks the row up by it)`);
        }
      }
      return {
        kind: 'upsert',
        model: m,
        where,
        uniqueBy,
        create: c.params.add(row),
        set: updateOps(c, a.update, `${c.root}.update`),
        versionField: versionField(c.model),
        select: writeSelect(c, a),
        include: include(c, m, a.include, `${c.root}.include`),
      };
    }
    case 'delete':
    case 'deleteMany': {
      const many = method === 'deleteMany';
      const where = many ? parseWhere(c.schema, m, a.where, c.params, `${c.root}.where`) : requireWhere(c, a);
      return {
        kind: 'delete',
        model: m,
        many,
        where,
        uniqueBy: many ? null : pinnedUnique(c, where!),
        select: many ? null : writeSelect(c, a),
        allowScan: bool(a.allowScan, `${c.root}.allowScan`),
      };
    }
    default: {
      const never: never = method;
      throw new ValidationError(c.root, `unknown method ${String(never)}`);
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function bool(v: unknown, path: string): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw new ValidationError(path, `expected a boolean, got ${describe(v)}`);
  return v;
}

function count(v: unknown, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new ValidationError(path, `expected an integer between ${min} and ${max}, got ${typeof v === 'number' ? v : describe(v)}`);
  return v;
}

/** Per-model facts every write asks for, found once per model rather than per call. */
interface WriteFacts {
  readonly versionField: string | null;
  readonly updatedAt: readonly string[];
}
const writeFactsCache = new WeakMap<ModelDef, WriteFacts>();
function writeFacts(model: ModelDef): WriteFacts {
  let f = writeFactsCache.get(model);
  if (!f) {
    const all = Object.entries(model.fields);
    f = { versionField: all.find(([, d]) => d.version)?.[0] ?? null, updatedAt: all.filter(([, d]) => d.updatedAt).map(([k]) => k) };
    writeFactsCache.set(model, f);
  }
  return f;
}

function versionField(model: ModelDef): string | null {
  return writeFacts(model).versionField;
}

function requireWhere(c: Ctx, a: Record<string, unknown>): FilterNode {
  const where = parseWhere(c.schema, c.modelKey, a.where, c.params, `${c.root}.where`);
  if (!where) throw new ValidationError(`${c.root}.where`, `a where naming the key (${c.model.key.join(', ')}) or a unique field is required`);
  return where;
}

/** The key or unique constraint that the top level of `where` pins by equality. */
function pinnedUnique(c: Ctx, where: FilterNode): readonly string[] {
  const eq = new Set<string>();
  const top = where.kind === 'and' ? where.items : [where];
  for (const n of top) if (n.kind === 'compare' && n.op === 'eq') eq.add(n.field);
  const candidates = [c.model.key, ...c.model.uniques.map((u) => u.fields)];
  const hit = candidates.find((fields) => fields.every((f) => eq.has(f)));
  if (!hit) {
    const options = candidates.map((fs) => (fs.length === 1 ? fs[0] : `(${fs.join(', ')})`)).join(' or ');
    throw new ValidationError(`${c.root}.where`, `must pin a key or unique field by equality: ${options}`);
  }
  return hit;
}

function readShape(c: Ctx, a: Record<string, unknown>, single: boolean) {
  const where = parseWhere(c.schema, c.modelKey, a.where, c.params, `${c.root}.where`);
  const orderBy = order(c, c.modelKey, a.orderBy, `${c.root}.orderBy`);
  const limit = a.limit === undefined || single ? null : c.params.add(count(a.limit, `${c.root}.limit`, 0));
  const offset = a.offset === undefined ? null : c.params.add(count(a.offset, `${c.root}.offset`, 0));
  const [sel, selCount] = withoutCount(a.select);
  const [inc, incCount] = withoutCount(a.include);
  if (selCount !== undefined && incCount !== undefined)
    throw new ValidationError(`${c.root}.include._count`, '_count is given in both select and include; keep one');
  const countArg = selCount ?? incCount;
  const countPath = `${c.root}.${selCount !== undefined ? 'select' : 'include'}._count`;
  // `select: { _count: ... }` alone selects no field: only the counts (and internally the key).
  const onlyCount = sel !== undefined && isPlainObject(sel) && entries(sel).length === 0 && selCount !== undefined;
  return {
    where,
    orderBy,
    limit,
    offset,
    select: onlyCount ? [] : shapeSelect(c, c.modelKey, sel, a.omit, c.root),
    include: include(c, c.modelKey, inc, `${c.root}.include`),
    allowScan: bool(a.allowScan, `${c.root}.allowScan`),
    counts: countArg === undefined || countArg === false ? null : relationCounts(c, countArg, countPath),
    distinct: a.distinct === undefined ? null : distinctFields(c, a.distinct, `${c.root}.distinct`),
  };
}

/** Splits `_count` out of a select or include argument. */
function withoutCount(v: unknown): [unknown, unknown] {
  if (!isPlainObject(v) || !Object.prototype.hasOwnProperty.call(v, '_count')) return [v, undefined];
  const { _count, ...rest } = v;
  return [rest, _count];
}

/** `select` or `omit` (never both, as in Prisma) → the selected fields, or null for all. */
function shapeSelect(c: Ctx, modelKey: string, sel: unknown, omit: unknown, root: string): string[] | null {
  if (omit === undefined) return select(c, modelKey, sel, `${root}.select`);
  const path = `${root}.omit`;
  if (sel !== undefined) throw new ValidationError(path, 'pass either select or omit, not both');
  const model = c.schema.models[modelKey];
  if (!isPlainObject(omit)) throw new ValidationError(path, `expected { field: true }, got ${describe(omit)}`);
  const drop = new Set<string>();
  for (const [k, on] of entries(omit)) {
    if (!Object.prototype.hasOwnProperty.call(model.fields, k)) throw new ValidationError(`${path}.${k}`, `unknown field '${k}' on ${model.name}`);
    if (typeof on !== 'boolean') throw new ValidationError(`${path}.${k}`, `expected a boolean, got ${describe(on)}`);
    if (on) drop.add(k);
  }
  if (drop.size === 0) return null;
  const keep = Object.keys(model.fields).filter((f) => !drop.has(f));
  if (keep.length === 0) throw new ValidationError(path, 'omit leaves no field to return');
  return keep;
}

function writeSelect(c: Ctx, a: Record<string, unknown>): string[] | null {
  return shapeSelect(c, c.modelKey, a.select, a.omit, c.root);
}

/** `_count: true` (every hasMany and manyToMany relation) or `{ select: { comments: true | { where } } }`. */
function relationCounts(c: Ctx, v: unknown, path: string): RelationCount[] {
  const rels = c.schema.relations[c.modelKey] ?? {};
  const toMany = Object.keys(rels).filter((r) => rels[r].kind === 'hasMany' || rels[r].kind === 'manyToMany');
  if (v === true) return toMany.map((relation) => ({ relation, where: null }));
  if (!isPlainObject(v) || Object.keys(v).some((k) => k !== 'select') || !isPlainObject(v.select)) {
    throw new ValidationError(path, `expected true or { select: { relation: true } }, got ${describe(v)}`);
  }
  const out: RelationCount[] = [];
  for (const [name, arg] of entries(v.select)) {
    const p = `${path}.select.${name}`;
    if (!Object.prototype.hasOwnProperty.call(rels, name))
      throw new ValidationError(p, `unknown relation '${name}' on ${c.model.name}; relations: ${Object.keys(rels).join(', ') || '(none)'}`);
    if (rels[name].kind !== 'hasMany' && rels[name].kind !== 'manyToMany')
      throw new ValidationError(p, `_count counts to-many relations; '${name}' is ${rels[name].kind}`);
    if (arg === false) continue;
    if (arg === true) {
      out.push({ relation: name, where: null });
      continue;
    }
    if (!isPlainObject(arg) || Object.keys(arg).some((k) => k !== 'where')) throw new ValidationError(p, `expected true or { where }, got ${describe(arg)}`);
    out.push({ relation: name, where: parseWhere(c.schema, rels[name].target, arg.where, c.params, `${p}.where`) });
  }
  return out;
}

function distinctFields(c: Ctx, v: unknown, path: string): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0) throw new ValidationError(path, `expected a non-empty array of field names, got ${describe(v)}`);
  const out: string[] = [];
  list.forEach((f, i) => {
    const p = `${path}[${i}]`;
    if (typeof f !== 'string' || !Object.prototype.hasOwnProperty.call(c.model.fields, f))
      throw new ValidationError(p, `unknown field ${describe(f)} on ${c.model.name}`);
    const kind = c.model.fields[f].kind;
    if (kind === 'list' || kind === 'json') throw new ValidationError(p, `distinct on a ${kind} field is not supported`);
    if (!out.includes(f)) out.push(f);
  });
  return out;
}

function order(c: Ctx, modelKey: string, v: unknown, path: string): OrderTerm[] {
  if (v === undefined) return [];
  const model = c.schema.models[modelKey];
  const list = Array.isArray(v) ? v : [v];
  const out: OrderTerm[] = [];
  list.forEach((o, i) => {
    const p = Array.isArray(v) ? `${path}[${i}]` : path;
    if (!isPlainObject(o)) throw new ValidationError(p, `expected { field: 'asc' | 'desc' }, got ${describe(o)}`);
    for (const [field, dir] of entries(o)) {
      if (!Object.prototype.hasOwnProperty.call(model.fields, field))
        throw new ValidationError(`${p}.${field}`, `unknown field '${field}' on ${model.name}${didYouMean(field, Object.keys(model.fields))}`);
      const d = model.fields[field];
      if (d.kind === 'list' || d.kind === 'json') throw new ValidationError(`${p}.${field}`, `cannot order by a ${d.kind} field`);
      if (dir !== 'asc' && dir !== 'desc') throw new ValidationError(`${p}.${field}`, `expected 'asc' or 'desc', got ${describe(dir)}`);
      if (out.some((t) => t.field === field)) throw new ValidationError(`${p}.${field}`, `'${field}' is ordered by twice`);
      out.push({ field, direction: dir });
    }
  });
  return out;
}

function select(c: Ctx, modelKey: string, v: unknown, path: string): string[] | null {
  if (v === undefined) return null;
  const model = c.schema.models[modelKey];
  if (!isPlainObject(v)) throw new ValidationError(path, `expected { field: true }, got ${describe(v)}`);
  const out: string[] = [];
  for (const [k, on] of entries(v)) {
    if (k === '_count')
      throw new ValidationError(
        `${path}._count`,
        '_count is supported at the top level of findMany, findFirst, findUnique and paginate (not inside an include, nor on writes)',
      );
    if (!Object.prototype.hasOwnProperty.call(model.fields, k)) {
      const hint = Object.prototype.hasOwnProperty.call(c.schema.relations[modelKey] ?? {}, k) ? ` ('${k}' is a relation: use include)` : '';
      throw new ValidationError(`${path}.${k}`, `unknown field '${k}' on ${model.name}${hint || didYouMean(k, Object.keys(model.fields))}`);
    }
    if (typeof on !== 'boolean') throw new ValidationError(`${path}.${k}`, `expected a boolean, got ${describe(on)}`);
    if (on) out.push(k);
  }
  if (out.length === 0) throw new ValidationError(path, 'select must pick at least one field');
  return out;
}

function include(c: Ctx, modelKey: string, v: unknown, path: string, depth = 0): IncludeNode[] {
  if (v === undefined) return [];
  if (!isPlainObject(v)) throw new ValidationError(path, `expected { relation: true }, got ${describe(v)}`);
  if (depth > 8) throw new ValidationError(path, 'includes nested deeper than 8 levels');
  const rels = c.schema.relations[modelKey] ?? {};
  const out: IncludeNode[] = [];
  for (const [name, arg] of entries(v)) {
    const p = `${path}.${name}`;
    if (name === '_count')
      throw new ValidationError(
        p,
        '_count is supported at the top level of findMany, findFirst, findUnique and paginate (not inside an include, nor on writes)',
      );
    if (!Object.prototype.hasOwnProperty.call(rels, name))
      throw new ValidationError(p, `unknown relation '${name}' on ${c.schema.models[modelKey].name}; relations: ${Object.keys(rels).join(', ') || '(none)'}`);
    if (arg === false) continue;
    const target = rels[name].target;
    if (arg === true) {
      out.push({ relation: name, where: null, orderBy: [], limit: null, select: null, include: [] });
      continue;
    }
    if (!isPlainObject(arg)) throw new ValidationError(p, `expected true or { where, orderBy, limit, select, include }, got ${describe(arg)}`);
    for (const k of Object.keys(arg))
      if (arg[k] !== undefined && !['where', 'orderBy', 'limit', 'select', 'include'].includes(k))
        throw new ValidationError(`${p}.${k}`, `unknown include option '${k}'`);
    if (!isToMany(rels[name].kind) && (arg.where !== undefined || arg.orderBy !== undefined || arg.limit !== undefined)) {
      throw new ValidationError(p, `where/orderBy/limit apply to hasMany and manyToMany relations; '${name}' is ${rels[name].kind}`);
    }
    out.push({
      relation: name,
      where: parseWhere(c.schema, target, arg.where, c.params, `${p}.where`),
      orderBy: order(c, target, arg.orderBy, `${p}.orderBy`),
      limit: arg.limit === undefined ? null : c.params.add(count(arg.limit, `${p}.limit`, 0)),
      select: select(c, target, arg.select, `${p}.select`),
      include: include(c, target, arg.include, `${p}.include`, depth + 1),
    });
  }
  return out;
}

function createRow(c: Ctx, data: unknown, path: string, now = c.now()): Record<string, unknown> {
  if (!isPlainObject(data)) throw new ValidationError(path, `expected a data object, got ${describe(data)}`);
  const model = c.model;
  for (const k of Object.keys(data)) {
    if (data[k] === undefined) continue;
    if (!Object.prototype.hasOwnProperty.call(model.fields, k)) {
      const rel = Object.prototype.hasOwnProperty.call(c.schema.relations[c.modelKey] ?? {}, k);
      throw new ValidationError(
        `${path}.${k}`,
        rel
          ? `nested writes through relation '${k}' are supported in create and update (each already one atomic unit), not here; write the related rows separately (db.batch makes it atomic)`
          : `unknown field '${k}' on ${model.name}`,
      );
    }
  }
  const row: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(model.fields)) {
    const v = data[name];
    const p = `${path}.${name}`;
    if (v !== undefined) refuseCounterWrite(c, name, p);
    if (v !== undefined) row[name] = checkFieldValue(def, v, p);
    else row[name] = generated(def, name, p, model, now);
  }
  return row;
}

/** A counter cache is written by quern alone: a value from the caller would make it lie. */
function refuseCounterWrite(c: Ctx, field: string, path: string) {
  const cc = counterFor(c.schema, c.modelKey, field);
  if (cc)
    throw new ValidationError(
      path,
      `'${field}' is a counter cache maintained by quern (the number of ${c.schema.models[cc.child].name} rows whose ${cc.foreignKey} points here); leave it out of the data`,
    );
}

function generated(def: FieldDef, name: string, path: string, model: ModelDef, now: Date): unknown {
  if (def.auto) return uuidv7();
  if (def.createdAt || def.updatedAt) return now;
  if (def.version) return def.kind === 'bigint' ? 1n : 1;
  if (def.default) return structuredClone(def.default.value);
  if (def.nullable) return null;
  throw new ValidationError(path, `missing required field '${name}' on ${model.name}`);
}

function updateOps(c: Ctx, data: unknown, path: string): FieldUpdate[] {
  if (!isPlainObject(data)) throw new ValidationError(path, `expected a data object, got ${describe(data)}`);
  const model = c.model;
  const out: FieldUpdate[] = [];
  for (const [k, v] of entries(data)) {
    const p = `${path}.${k}`;
    if (!Object.prototype.hasOwnProperty.call(model.fields, k)) {
      const rel = Object.prototype.hasOwnProperty.call(c.schema.relations[c.modelKey] ?? {}, k);
      throw new ValidationError(
        p,
        rel
          ? `nested writes through relation '${k}' are supported in create and update (each already one atomic unit), not here; write the related rows separately (db.batch makes it atomic)`
          : `unknown field '${k}' on ${model.name}`,
      );
    }
    const def = model.fields[k];
    if (model.key.includes(k)) throw new ValidationError(p, `key field '${k}' cannot be updated; create a new record instead`);
    if (def.version) throw new ValidationError(p, `'${k}' is a version() field, managed by quern; pin it in where for an optimistic check`);
    refuseCounterWrite(c, k, p);
    if (!isPlainObject(v) || def.kind === 'json') {
      out.push({ field: k, op: 'set', value: c.params.add(checkFieldValue(def, v, p)) });
      continue;
    }
    const ops = entries(v);
    if (ops.length !== 1) throw new ValidationError(p, 'expected exactly one of set, increment, decrement, push');
    const [op, x] = ops[0];
    const po = `${p}.${op}`;
    switch (op) {
      case 'set':
        out.push({ field: k, op: 'set', value: c.params.add(checkFieldValue(def, x, po)) });
        break;
      case 'increment':
      case 'decrement':
        if (def.kind !== 'int' && def.kind !== 'bigint' && def.kind !== 'float')
          throw new ValidationError(po, `'${op}' applies to numeric fields; ${model.name}.${k} is ${def.kind}`);
        if (x === null) throw new ValidationError(po, `'${op}' needs a number`);
        out.push({ field: k, op, value: c.params.add(checkScalar(def, x, po)) });
        break;
      case 'push': {
        if (def.kind !== 'list') throw new ValidationError(po, `'push' applies to list fields; ${model.name}.${k} is ${def.kind}`);
        const items = Array.isArray(x) ? x : [x];
        out.push({ field: k, op: 'push', value: c.params.add(items.map((e, i) => checkScalar(def.element!, e, Array.isArray(x) ? `${po}[${i}]` : po))) });
        break;
      }
      default:
        throw new ValidationError(po, `unknown update operator '${op}'; expected set, increment, decrement or push`);
    }
  }
  const stamped = writeFacts(model).updatedAt;
  if (stamped.length > 0) {
    const now = c.now();
    for (const k of stamped) if (!out.some((u) => u.field === k)) out.push({ field: k, op: 'set', value: c.params.add(now) });
  }
  return out;
}

function buildPaginate(c: Ctx, a: Record<string, unknown>, opts: BuildOptions): QueryAst {
  const p = c.root;
  const hasFirst = a.first !== undefined,
    hasLast = a.last !== undefined;
  if (hasFirst && hasLast) throw new ValidationError(p, 'pass either first (forward) or last (backward), not both');
  if (a.after !== undefined && a.before !== undefined) throw new ValidationError(p, 'pass either after or before, not both');
  if (a.after !== undefined && hasLast) throw new ValidationError(`${p}.after`, 'after pages forward: use it with first');
  if (a.before !== undefined && hasFirst) throw new ValidationError(`${p}.before`, 'before pages backward: use it with last');
  const direction = hasLast || a.before !== undefined ? 'backward' : 'forward';
  const size = direction === 'forward' ? (hasFirst ? count(a.first, `${p}.first`, 1, MAX_PAGE) : 20) : hasLast ? count(a.last, `${p}.last`, 1, MAX_PAGE) : 20;
  const where = parseWhere(c.schema, c.modelKey, a.where, c.params, `${p}.where`);
  const orderBy = order(c, c.modelKey, a.orderBy, `${p}.orderBy`);
  const [selArg, selCount] = withoutCount(a.select);
  const [incArg, incCount] = withoutCount(a.include);
  if (selCount !== undefined && incCount !== undefined)
    throw new ValidationError(`${p}.include._count`, '_count is given in both select and include; keep one');
  const countArg = selCount ?? incCount;
  const onlyCount = isPlainObject(selArg) && entries(selArg).length === 0 && selCount !== undefined;
  const sel = onlyCount ? [] : shapeSelect(c, c.modelKey, selArg, a.omit, p);
  const inc = include(c, c.modelKey, incArg, `${p}.include`);
  const counts =
    countArg === undefined || countArg === false ? null : relationCounts(c, countArg, `${p}.${selCount !== undefined ? 'select' : 'include'}._count`);
  const allowScan = bool(a.allowScan, `${p}.allowScan`);
  const raw = direction === 'forward' ? a.after : a.before;
  const sizeSlot = c.params.add(size);
  let cursor: Slot | null = null;
  if (raw !== undefined && raw !== null) {
    const cp = `${p}.${direction === 'forward' ? 'after' : 'before'}`;
    if (typeof raw !== 'string') throw new ValidationError(cp, `expected a cursor string, got ${describe(raw)}`);
    if (!opts.decodeCursor) throw new ValidationError(cp, 'cursors need a client to verify them');
    const base = cursorBase(c.modelKey, where, orderBy, c.params.values);
    cursor = c.params.add(opts.decodeCursor(raw, base, cp));
  }
  return {
    kind: 'paginate',
    model: c.modelKey,
    where,
    orderBy,
    limit: null,
    offset: null,
    select: sel,
    include: inc,
    allowScan,
    counts,
    distinct: null,
    direction,
    size: sizeSlot,
    cursor,
  };
}

/**
 * What a cursor is bound to: the same model, filter shape, filter VALUES and order. A cursor from
 * `where: { authorId: A }` replayed with `authorId: B` would otherwise skip B's first rows (its
 * boundary lies in A's range), or point DynamoDB at another partition.
 */
export function cursorBase(modelKey: string, where: FilterNode | null, orderBy: readonly OrderTerm[], params: readonly unknown[]): string {
  const values = filterSlots(where).map((s) => params[s]);
  return JSON.stringify([modelKey, where, orderBy, values], (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
}

/** The param slots a filter reads, in a fixed order. */
function filterSlots(node: FilterNode | null, out: number[] = []): number[] {
  if (!node) return out;
  switch (node.kind) {
    case 'and':
    case 'or':
      for (const i of node.items) filterSlots(i, out);
      return out;
    case 'not':
      return filterSlots(node.item, out);
    case 'const':
    case 'isNull':
      return out;
    case 'compare':
    case 'text':
    case 'has':
    case 'listEquals':
      out.push(node.value.slot);
      return out;
    case 'in':
      out.push(node.values.slot);
      return out;
    case 'relation':
      return filterSlots(node.filter, out);
    default: {
      const never: never = node;
      throw new Error(`internal: unknown filter node ${JSON.stringify(never)}`);
    }
  }
}
