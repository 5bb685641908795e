/**
 * Nested writes: `create` / `update` whose data goes through relations
 * (`posts: { create: [...] }`, `author: { connect: { id } }`, `tags: { set: [...] }`).
 * This module turns one such call into an ordered list of plain writes (parts), which the client
 * runs as ONE atomic unit through the batch path: one transaction on SQL, one
 * TransactWriteItems on DynamoDB (whose unique entries, counter-cache ADDs and 100-item bound
 * therefore apply to the whole). It does no I/O: everything here is validated before anything is
 * sent.
 */
import { uuidv7 } from 'uuidv7';
import { ValidationError } from '../errors.js';
import type { SchemaDef } from '../schema/define.js';
import { keyPairs, referencedModel, soleForeignKey, type RelationDef } from '../schema/relation.js';
import { describe } from '../schema/values.js';
import type { Method } from './build.js';
import { entries, isPlainObject } from './where.js';

/** One plain write of a nested write, with the path its data came from (for error messages). */
export interface WritePart {
  readonly modelKey: string;
  readonly method: Extract<Method, 'create' | 'update' | 'delete' | 'deleteMany'>;
  readonly args: Record<string, unknown>;
  /** Where the part's data sits in the caller's arguments, e.g. `user.create.data.posts.create[0]`. */
  readonly path: string;
}

/** A row that must exist when the unit commits (the target of a `connect`). */
export interface ExistsGuard {
  readonly modelKey: string;
  readonly key: Record<string, unknown>;
  readonly path: string;
}

/**
 * A many-to-many `connect` or `set` in an update: which links exist decides the join rows to
 * write, so the client reads the parent's links first (see resolveLinks).
 */
export interface LinkChange {
  readonly rel: RelationDef;
  readonly parent: unknown;
  /** Targets (key values) to link; already linked ones are left alone. */
  readonly connect: readonly { readonly to: unknown; readonly path: string }[];
  /** `set`: links to targets outside `connect` are removed. */
  readonly replace: boolean;
  readonly path: string;
}

export interface NestedWrite {
  readonly parts: WritePart[];
  /** The part whose result is the call's result (the root create or update). */
  readonly main: number;
  readonly guards: ExistsGuard[];
  readonly links: LinkChange[];
  /** The root row's key, for reading it back with `include`. */
  readonly rootKey: Record<string, unknown>;
}

const NESTED_OPS = ['create', 'connect', 'disconnect', 'set'] as const;
type NestedOp = (typeof NESTED_OPS)[number];
/** Bound on nesting (create inside create inside ...), as includes are bounded. */
const MAX_DEPTH = 8;

/** Whether a create/update call writes through a relation (cheap: the hot path asks on every write). */
export function isNestedWrite(schema: SchemaDef, modelKey: string, method: Method, args: unknown): boolean {
  if (method !== 'create' && method !== 'update') return false;
  const rels = schema.relations[modelKey];
  if (!rels || !isPlainObject(args) || !isPlainObject(args.data)) return false;
  for (const k in rels) if (Object.prototype.hasOwnProperty.call(rels, k) && args.data[k] !== undefined) return true;
  return false;
}

interface Ctx {
  readonly schema: SchemaDef;
  readonly parts: WritePart[];
  readonly guards: ExistsGuard[];
  readonly links: LinkChange[];
}

/** Expands a nested create or update into its parts. Throws ValidationError on bad input. */
export function expandNested(schema: SchemaDef, modelKey: string, method: 'create' | 'update', args: Record<string, unknown>): NestedWrite {
  const c: Ctx = { schema, parts: [], guards: [], links: [] };
  const root = `${modelKey}.${method}`;
  if (method === 'create') {
    const { main, key } = expandCreate(c, modelKey, args.data, `${root}.data`, {}, 0);
    return { parts: c.parts, main, guards: c.guards, links: c.links, rootKey: key };
  }
  const { main, key } = expandUpdate(c, modelKey, args.where, args.data, root);
  return { parts: c.parts, main, guards: c.guards, links: c.links, rootKey: key };
}

/** Splits data into the model's own fields and the relation operations. */
function split(c: Ctx, modelKey: string, data: unknown, path: string): { own: Record<string, unknown>; ops: [RelationDef, Record<string, unknown>, string][] } {
  if (!isPlainObject(data)) throw new ValidationError(path, `expected a data object, got ${describe(data)}`);
  const rels = c.schema.relations[modelKey] ?? {};
  const own: Record<string, unknown> = {};
  const ops: [RelationDef, Record<string, unknown>, string][] = [];
  for (const [k, v] of entries(data)) {
    if (!Object.prototype.hasOwnProperty.call(rels, k)) {
      own[k] = v;
      continue;
    }
    const p = `${path}.${k}`;
    if (!isPlainObject(v) || entries(v).length === 0) throw new ValidationError(p, `expected { ${NESTED_OPS.join(' | ')} }, got ${describe(v)}`);
    for (const op of Object.keys(v)) {
      if (v[op] !== undefined && !(NESTED_OPS as readonly string[]).includes(op))
        throw new ValidationError(`${p}.${op}`, `unknown nested write '${op}'; expected one of: ${NESTED_OPS.join(', ')}`);
    }
    ops.push([rels[k], v, p]);
  }
  return { own, ops };
}

/** The key field of a manyToMany's target (defineSchema allows only single-field keys there). */
const refField = (c: Ctx, modelKey: string) => c.schema.models[modelKey].key[0];

/** `{ id }` (or `{ orderId, lineNo }` for a composite key) naming a target by its key, as connect needs it. */
function keyOf(c: Ctx, modelKey: string, where: unknown, path: string): Record<string, unknown> {
  const model = c.schema.models[modelKey];
  const shape = `{ ${model.key.map((k) => `${k}: value`).join(', ')} }`;
  if (!isPlainObject(where) || model.key.some((k) => where[k] === undefined || isPlainObject(where[k]))) {
    throw new ValidationError(path, `expected ${shape} naming the ${model.name} to connect by its key, got ${describe(where)}`);
  }
  const extra = Object.keys(where).find((f) => !model.key.includes(f) && where[f] !== undefined);
  if (extra) throw new ValidationError(`${path}.${extra}`, `connect names the ${model.name} by its key ${model.key.join(', ')} alone`);
  return Object.fromEntries(model.key.map((k) => [k, where[k]]));
}

/** The foreign key fields of `rel` set to the referenced row's key (positionally, for a composite key). */
function pointAt(c: Ctx, rel: RelationDef, key: Record<string, unknown>): Record<string, unknown> {
  const ref = c.schema.models[referencedModel(rel)];
  return Object.fromEntries(keyPairs(rel.foreignKeys, ref.key).map(([fk, k]) => [fk, key[k]]));
}

/** `x` or `[x, y]`: list forms accept a single object too, as in Prisma. */
function list(v: unknown, path: string): [unknown, string][] {
  if (Array.isArray(v)) return v.map((x, i) => [x, `${path}[${i}]`]);
  if (v === undefined) return [];
  return [[v, path]];
}

function checkNullable(c: Ctx, modelKey: string, field: string, path: string) {
  const m = c.schema.models[modelKey];
  if (!m.fields[field].nullable)
    throw new ValidationError(
      path,
      `disconnect sets ${m.name}.${field} to null, but it is not nullable; delete the ${m.name} instead, or declare ${field} nullable`,
    );
}

function refuse(path: string, op: string, rel: RelationDef, what: string): never {
  throw new ValidationError(`${path}.${op}`, `'${op}' ${what} (relation '${rel.name}' is ${rel.kind})`);
}

/** The ops on belongsTo relations: they set the row's own foreign keys, so they run first. */
function belongsToOps(c: Ctx, ops: [RelationDef, Record<string, unknown>, string][], own: Record<string, unknown>, inUpdate: boolean, depth: number) {
  for (const [rel, v, p] of ops) {
    if (rel.kind !== 'belongsTo') continue;
    const given0 = rel.foreignKeys.find((f) => own[f] !== undefined);
    if (given0 !== undefined) throw new ValidationError(`${p}`, `pass either ${given0} or ${rel.name}, not both`);
    const given = NESTED_OPS.filter((o) => v[o] !== undefined);
    if (given.length !== 1) throw new ValidationError(p, `a belongsTo relation takes exactly one of create, connect${inUpdate ? ', disconnect' : ''}`);
    const op = given[0];
    switch (op) {
      case 'create': {
        if (!isPlainObject(v.create)) throw new ValidationError(`${p}.create`, `expected one data object, got ${describe(v.create)}`);
        Object.assign(own, pointAt(c, rel, expandCreate(c, rel.target, v.create, `${p}.create`, {}, depth + 1).key));
        break;
      }
      case 'connect': {
        const key = keyOf(c, rel.target, v.connect, `${p}.connect`);
        Object.assign(own, pointAt(c, rel, key));
        c.guards.push({ modelKey: rel.target, key, path: `${p}.connect` });
        break;
      }
      case 'disconnect':
        if (!inUpdate) refuse(p, op, rel, 'applies in update; in create, leave the relation out');
        if (v.disconnect !== true) throw new ValidationError(`${p}.disconnect`, `expected true, got ${describe(v.disconnect)}`);
        for (const f of rel.foreignKeys) checkNullable(c, rel.source, f, `${p}.disconnect`);
        for (const f of rel.foreignKeys) own[f] = null;
        break;
      case 'set':
        refuse(p, op, rel, 'applies to manyToMany relations');
        break;
      default: {
        const never: never = op;
        throw new ValidationError(p, `unknown nested write ${String(never)}`);
      }
    }
  }
}

/** The ops on to-many and hasOne relations: they need the row's key, so they run after it. */
function childOps(c: Ctx, ops: [RelationDef, Record<string, unknown>, string][], parentKey: Record<string, unknown>, inUpdate: boolean, depth: number) {
  for (const [rel, v, p] of ops) {
    if (rel.kind === 'belongsTo') continue;
    if (rel.kind === 'manyToMany') {
      manyToManyOps(c, rel, v, p, parentKey[refField(c, rel.source)], inUpdate, depth);
      continue;
    }
    const link = pointAt(c, rel, parentKey);
    const unlinked = Object.fromEntries(rel.foreignKeys.map((f) => [f, null]));
    const one = rel.kind === 'hasOne';
    for (const op of NESTED_OPS) {
      const arg = v[op];
      if (arg === undefined) continue;
      const po = `${p}.${op}`;
      switch (op) {
        case 'create':
          if (one && !isPlainObject(arg)) throw new ValidationError(po, `expected one data object, got ${describe(arg)}`);
          for (const [d, pi] of list(arg, po)) expandCreate(c, rel.target, d, pi, link, depth + 1);
          break;
        case 'connect':
          if (one && Array.isArray(arg)) throw new ValidationError(po, 'a hasOne relation connects one row: pass { key }, not a list');
          for (const [w, pi] of list(arg, po)) {
            if (!isPlainObject(w)) throw new ValidationError(pi, `expected a where naming a unique ${c.schema.models[rel.target].name}, got ${describe(w)}`);
            c.parts.push({ modelKey: rel.target, method: 'update', args: { where: w, data: link }, path: pi });
          }
          break;
        case 'disconnect': {
          if (!inUpdate) refuse(p, op, rel, 'applies in update; in create, leave the relation out');
          for (const f of rel.foreignKeys) checkNullable(c, rel.target, f, po);
          if (one && Array.isArray(arg)) throw new ValidationError(po, 'a hasOne relation disconnects one row: pass true or { key }, not a list');
          // `true` (hasOne): the row pointing here, found by its (unique) foreign key.
          for (const [w, pi] of list(one && arg === true ? {} : arg, po)) {
            if (!isPlainObject(w)) throw new ValidationError(pi, `expected a where naming a unique ${c.schema.models[rel.target].name}, got ${describe(w)}`);
            // Only a row pointing at this parent is disconnected from it.
            c.parts.push({
              modelKey: rel.target,
              method: 'update',
              args: { where: { ...w, ...link }, data: unlinked },
              path: pi,
            });
          }
          break;
        }
        case 'set':
          refuse(p, op, rel, 'applies to manyToMany relations; use connect and disconnect');
          break;
        default: {
          const never: never = op;
          throw new ValidationError(po, `unknown nested write ${String(never)}`);
        }
      }
    }
  }
}

function manyToManyOps(c: Ctx, rel: RelationDef, v: Record<string, unknown>, p: string, parent: unknown, inUpdate: boolean, depth: number) {
  const from = soleForeignKey(rel),
    to = rel.to!,
    through = rel.through!;
  const connect: { to: unknown; path: string }[] = [];
  if (v.create !== undefined) {
    for (const [d, pi] of list(v.create, `${p}.create`)) {
      const key = expandCreate(c, rel.target, d, pi, {}, depth + 1).key[refField(c, rel.target)];
      c.parts.push({ modelKey: through, method: 'create', args: { data: { [from]: parent, [to]: key } }, path: pi });
    }
  }
  if (v.set !== undefined && !inUpdate) throw new ValidationError(`${p}.set`, `'set' applies in update; in create, use connect`);
  if (v.set !== undefined && (v.connect !== undefined || v.disconnect !== undefined))
    throw new ValidationError(`${p}.set`, 'set replaces every link: pass it without connect or disconnect');
  for (const op of ['connect', 'set'] as const) {
    if (v[op] === undefined) continue;
    if (op === 'set' && !Array.isArray(v.set))
      throw new ValidationError(`${p}.set`, `expected a list of { ${refField(c, rel.target)} }, got ${describe(v.set)}`);
    for (const [w, pi] of list(v[op], `${p}.${op}`)) {
      const named = keyOf(c, rel.target, w, pi);
      const key = named[refField(c, rel.target)];
      if (connect.some((x) => x.to === key)) throw new ValidationError(pi, `${c.schema.models[rel.target].name} ${String(key)} is named twice`);
      connect.push({ to: key, path: pi });
      c.guards.push({ modelKey: rel.target, key: named, path: pi });
    }
  }
  if (v.disconnect !== undefined) {
    if (!inUpdate) refuse(p, 'disconnect', rel, 'applies in update; in create, leave the relation out');
    for (const [w, pi] of list(v.disconnect, `${p}.disconnect`)) {
      const key = keyOf(c, rel.target, w, pi)[refField(c, rel.target)];
      // deleteMany: disconnecting a pair that is not linked is a no-op, as in Prisma.
      c.parts.push({ modelKey: through, method: 'deleteMany', args: { where: { [from]: parent, [to]: key } }, path: pi });
    }
  }
  if (connect.length === 0 && v.set === undefined) return;
  if (!inUpdate) {
    // A new row has no links yet: every connect is a new join row.
    for (const x of connect) c.parts.push({ modelKey: through, method: 'create', args: { data: { [from]: parent, [to]: x.to } }, path: x.path });
    return;
  }
  c.links.push({ rel, parent, connect, replace: v.set !== undefined, path: `${p}.${v.set !== undefined ? 'set' : 'connect'}` });
}

function expandCreate(
  c: Ctx,
  modelKey: string,
  data: unknown,
  path: string,
  fixed: Record<string, unknown>,
  depth: number,
): { main: number; key: Record<string, unknown> } {
  if (depth > MAX_DEPTH) throw new ValidationError(path, `nested writes deeper than ${MAX_DEPTH} levels`);
  const model = c.schema.models[modelKey];
  const { own, ops } = split(c, modelKey, data, path);
  for (const [f, val] of Object.entries(fixed)) {
    if (own[f] !== undefined) throw new ValidationError(`${path}.${f}`, `${model.name}.${f} is set by the relation it is created through; leave it out`);
    own[f] = val;
  }
  belongsToOps(c, ops, own, false, depth);
  // The key is known before writing (a client-generated UUID when auto), so children can point at it.
  for (const k of model.key) if (own[k] === undefined && model.fields[k].auto) own[k] = uuidv7();
  const key = Object.fromEntries(model.key.map((k) => [k, own[k]]));
  const main = c.parts.length;
  c.parts.push({ modelKey, method: 'create', args: { data: own }, path });
  childOps(c, ops, key, false, depth);
  return { main, key };
}

function expandUpdate(c: Ctx, modelKey: string, where: unknown, data: unknown, root: string): { main: number; key: Record<string, unknown> } {
  const model = c.schema.models[modelKey];
  const { own, ops } = split(c, modelKey, data, `${root}.data`);
  belongsToOps(c, ops, own, true, 0);
  const pinned = isPlainObject(where) ? model.key.every((k) => where[k] !== undefined && !isPlainObject(where[k])) : false;
  const key = pinned ? Object.fromEntries(model.key.map((k) => [k, (where as Record<string, unknown>)[k]])) : {};
  if (!pinned && ops.some(([rel]) => rel.kind !== 'belongsTo')) {
    throw new ValidationError(
      `${root}.where`,
      `a nested write through a ${model.name} relation needs where to name the ${model.name} by its key (${model.key.join(', ')}), so related rows can point at it`,
    );
  }
  const main = c.parts.length;
  c.parts.push({ modelKey, method: 'update', args: { where, data: own }, path: `${root}.data` });
  childOps(c, ops, key, true, 0);
  return { main, key };
}

/**
 * The join-row writes of the many-to-many connects and sets of an update, given the targets
 * each parent is linked to now (read by the client): new links are created, already linked
 * targets left alone (connect is idempotent, as in Prisma), and with `set` the other links removed.
 */
export function linkParts(change: LinkChange, linked: readonly unknown[]): WritePart[] {
  const { rel, parent } = change;
  const from = soleForeignKey(rel),
    to = rel.to!,
    through = rel.through!;
  const has = (k: unknown) => linked.some((l) => sameKey(l, k));
  const out: WritePart[] = [];
  if (change.replace) {
    for (const l of linked) {
      if (!change.connect.some((x) => sameKey(x.to, l)))
        out.push({ modelKey: through, method: 'delete', args: { where: { [from]: parent, [to]: l } }, path: change.path });
    }
  }
  for (const x of change.connect)
    if (!has(x.to)) out.push({ modelKey: through, method: 'create', args: { data: { [from]: parent, [to]: x.to } }, path: x.path });
  return out;
}

function sameKey(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
