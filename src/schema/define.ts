import { createHash } from 'node:crypto';
import { SchemaError, ValidationError } from '../errors.js';
import type { AnyField, FieldDef } from './field.js';
import type { IndexDef, Model, ModelDef, UniqueDef } from './model.js';
import { ON_DELETE, soleForeignKey, type RelationDef, type RelationSpec } from './relation.js';
import { checkFieldValue } from './values.js';
import { checkCollections } from './colocation.js';
import { checkForeignKeyName, checkModelNames, checkSchemaNames, OBJECT_PROTOTYPE_NAMES } from './names.js';

/** The validated, database-independent description of every model. Planning works only from this. */
export interface SchemaDef {
  /** Keyed by client accessor (`db.post` → 'post'). */
  readonly models: Readonly<Record<string, ModelDef>>;
  readonly relations: Readonly<Record<string, Readonly<Record<string, RelationDef>>>>;
  /** Stable hash of the definition: cursors and plan caches are bound to it. */
  readonly hash: string;
}

export type RelationsInput<M> = { [K in keyof M]?: Record<string, RelationSpec> };

export interface Schema<M extends Record<string, Model<string, any>> = Record<string, Model<string, any>>, R extends RelationsInput<M> = RelationsInput<M>> {
  readonly models: M;
  readonly relations: R;
  readonly def: SchemaDef;
}

/**
 * Fields in a key, index or unique constraint. PostgreSQL takes up to 32 index columns; 8 keeps
 * statements and plans small. Targets with narrower keys refuse wider ones in their schema check
 * (DynamoDB: table keys of at most 2 fields, GSI keys of at most 1 + 4).
 */
export const MAX_KEY_FIELDS = 8;

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
const RESERVED_FIELDS = new Set(['AND', 'OR', 'NOT', 'prototype', ...OBJECT_PROTOTYPE_NAMES]);
/** Why a name is refused, for the error message. */
const reservedWhy = (name: string) =>
  OBJECT_PROTOTYPE_NAMES.has(name)
    ? `'${name}' is a member of Object.prototype, which every JavaScript object inherits; pick another name`
    : `'${name}' is reserved (filter keyword or prototype name)`;

export function defineSchema<const M extends Record<string, Model<string, any>>, const R extends RelationsInput<M> = {}>(
  models: M,
  options: { relations?: R } = {},
): Schema<M, R> {
  const defs: Record<string, ModelDef> = {};
  const tables = new Map<string, string>();
  for (const [accessor, m] of Object.entries(models)) {
    if (!IDENT_RE.test(accessor)) throw new SchemaError(`invalid model accessor '${accessor}'`, m?.name);
    if (RESERVED_FIELDS.has(accessor)) throw new SchemaError(`invalid model accessor: ${reservedWhy(accessor)}`, m?.name);
    const def = buildModel(m);
    const other = tables.get(def.table);
    if (other) throw new SchemaError(`models '${other}' and '${def.name}' map to the same table '${def.table}'`, def.name);
    tables.set(def.table, def.name);
    defs[accessor] = def;
  }
  checkSchemaNames(Object.values(defs));
  const relations: Record<string, Record<string, RelationDef>> = {};
  for (const accessor of Object.keys(defs)) relations[accessor] = {};
  for (const [source, rels] of Object.entries((options.relations ?? {}) as Record<string, Record<string, RelationSpec>>)) {
    const sourceModel = defs[source];
    if (!sourceModel) throw new SchemaError(`relations declared for unknown model '${source}' (known: ${Object.keys(defs).join(', ')})`);
    for (const [name, spec] of Object.entries(rels ?? {})) {
      const rel = checkRelation(defs, source, name, spec);
      if (rel.kind === 'manyToMany') {
        for (const fields of [rel.foreignKeys, [rel.to!]]) checkForeignKeyName(defs[rel.through!], fields, `${sourceModel.name}.${name}`);
      } else {
        checkForeignKeyName(rel.kind === 'belongsTo' ? sourceModel : defs[rel.target], rel.foreignKeys, `${sourceModel.name}.${name}`);
      }
      relations[source][name] = rel;
    }
  }
  addJoinIndexes(defs, relations);
  checkCounterFieldsDistinct(defs, relations);
  checkCollections(defs, relations);
  const hash = createHash('sha256')
    .update(JSON.stringify({ defs, relations }, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)))
    .digest('hex')
    .slice(0, 16);
  const def: SchemaDef = { models: defs, relations, hash };
  return { models, relations: (options.relations ?? {}) as R, def };
}

function buildModel(m: Model): ModelDef {
  if (!m || typeof m !== 'object' || typeof m.name !== 'string') throw new SchemaError('defineSchema expects models created with model()');
  const name = m.name;
  if (!IDENT_RE.test(name)) throw new SchemaError(`model name '${name}' must be an identifier`, name);
  const fields: Record<string, FieldDef> = {};
  for (const [fname, field] of Object.entries(m.fields as Record<string, AnyField>)) {
    if (!IDENT_RE.test(fname)) throw new SchemaError(`${name}.${fname}: invalid field name`, name, fname);
    if (RESERVED_FIELDS.has(fname)) throw new SchemaError(`${name}.${fname}: invalid field name: ${reservedWhy(fname)}`, name, fname);
    if (!field || typeof field !== 'object' || !('def' in field)) throw new SchemaError(`${name}.${fname}: expected a field built with f.*()`, name, fname);
    fields[fname] = checkField(name, fname, field.def);
  }
  if (Object.keys(fields).length === 0) throw new SchemaError(`model ${name} has no fields`, name);
  const opts = m.options ?? {};
  const marked = Object.keys(fields).filter((k) => fields[k].key);
  let key: string[];
  if (opts.key) {
    key = [...opts.key];
    if (key.length < 1 || key.length > MAX_KEY_FIELDS)
      throw new SchemaError(`model ${name}: key must have 1 to ${MAX_KEY_FIELDS} fields, got ${key.length}`, name);
    if (new Set(key).size !== key.length) throw new SchemaError(`model ${name}: key [${key.join(', ')}] repeats a field`, name);
    if (marked.some((k) => !key.includes(k)))
      throw new SchemaError(`model ${name}: field '${marked.find((k) => !key.includes(k))}' is marked .key() but options.key is [${key.join(', ')}]`, name);
  } else {
    if (marked.length === 0) throw new SchemaError(`model ${name} has no key: mark one field with .key() or pass { key: [partition, sort] }`, name);
    if (marked.length > 1)
      throw new SchemaError(
        `model ${name}: several fields are marked .key() (${marked.join(', ')}); declare a composite key with { key: [${marked.map((k) => `'${k}'`).join(', ')}] }`,
        name,
      );
    key = marked;
  }
  for (const k of key) {
    const fd = fields[k];
    if (!fd) throw new SchemaError(`model ${name}: key field '${k}' does not exist`, name, k);
    if (fd.nullable) throw new SchemaError(`${name}.${k}: a key field cannot be nullable`, name, k);
    if (fd.kind === 'list' || fd.kind === 'json' || fd.kind === 'boolean' || fd.kind === 'float')
      throw new SchemaError(`${name}.${k}: a ${fd.kind} field cannot be a key`, name, k);
    if (!fd.key) fields[k] = { ...fd, key: true };
  }
  const indexes: IndexDef[] = [];
  const names = new Set<string>();
  for (const spec of opts.indexes ?? []) {
    checkFieldList(name, fields, spec.fields, 'index');
    const iname = spec.name ?? `${name}_${spec.fields.join('_')}_idx`;
    if (names.has(iname)) throw new SchemaError(`model ${name}: duplicate index name '${iname}'`, name);
    names.add(iname);
    if (spec.fields.length > MAX_KEY_FIELDS)
      throw new SchemaError(`model ${name}: index(${spec.fields.join(', ')}) has more than ${MAX_KEY_FIELDS} fields`, name);
    if (spec.shards !== undefined) checkShards(name, fields, spec.fields, spec.shards);
    indexes.push({ name: iname, fields: [...spec.fields], ...(spec.shards !== undefined ? { shards: spec.shards } : {}) });
  }
  const uniques: UniqueDef[] = [];
  for (const [fname, fd] of Object.entries(fields)) {
    if (fd.unique) {
      if (key.length === 1 && key[0] === fname) continue; // the key is already unique
      uniques.push({ name: `${name}_${fname}_key`, fields: [fname] });
    }
  }
  for (const spec of opts.uniques ?? []) {
    checkFieldList(name, fields, spec.fields, 'unique');
    if (spec.fields.length > MAX_KEY_FIELDS)
      throw new SchemaError(`model ${name}: unique(${spec.fields.join(', ')}) has more than ${MAX_KEY_FIELDS} fields`, name);
    uniques.push({ name: spec.name ?? `${name}_${spec.fields.join('_')}_key`, fields: [...spec.fields] });
  }
  for (const u of uniques) {
    if (names.has(u.name)) throw new SchemaError(`model ${name}: duplicate index name '${u.name}'`, name);
    names.add(u.name);
  }
  const table = opts.table ?? name;
  if (!IDENT_RE.test(table)) throw new SchemaError(`model ${name}: table name '${table}' must be an identifier`, name);
  const def: ModelDef = { name, table, fields, key, indexes, uniques, ...(opts.renamedFrom ? { renamedFrom: opts.renamedFrom } : {}) };
  checkModelNames(def);
  return def;
}

function checkFieldList(model: string, fields: Record<string, FieldDef>, list: readonly string[], what: string) {
  if (!Array.isArray(list) || list.length === 0) throw new SchemaError(`model ${model}: ${what}() needs at least one field`, model);
  const seen = new Set<string>();
  for (const f of list) {
    if (!fields[f]) throw new SchemaError(`model ${model}: ${what}(${list.join(', ')}) names unknown field '${f}'`, model, f);
    if (seen.has(f)) throw new SchemaError(`model ${model}: ${what}(${list.join(', ')}) repeats field '${f}'`, model, f);
    if (fields[f].kind === 'list' || fields[f].kind === 'json')
      throw new SchemaError(`model ${model}: ${what}() cannot use ${fields[f].kind} field '${f}'`, model, f);
    seen.add(f);
  }
}

/** Most shards one index may have: a page reads every shard, so this bounds a page's requests. */
export const MAX_SHARDS = 64;

function checkShards(model: string, fields: Record<string, FieldDef>, list: readonly string[], shards: number) {
  const call = `index(${list.map((f) => `'${f}'`).join(', ')}, { shards: ${String(shards)} })`;
  if (!Number.isInteger(shards) || shards < 1 || shards > MAX_SHARDS)
    throw new SchemaError(`model ${model}: ${call}: shards must be an integer from 1 to ${MAX_SHARDS}`, model);
  if (list.length !== 1)
    throw new SchemaError(
      `model ${model}: ${call}: a sharded index orders one field (the shard is its partition); declare index('${list[list.length - 1]}', { shards: ${shards} })`,
      model,
    );
  const d = fields[list[0]];
  if (d.kind === 'boolean' || d.kind === 'decimal')
    throw new SchemaError(
      `model ${model}: ${call}: a ${d.kind} field cannot be a sort key (decimal is stored as a string, so its order is not numeric)`,
      model,
      list[0],
    );
}

/** Element kinds an indexed list may hold: stored as S or N on DynamoDB (an entry's key), and GIN-indexable. */
const INDEXED_ELEMENTS: ReadonlySet<string> = new Set(['string', 'text', 'uuid', 'enum', 'date', 'int', 'bigint']);

function checkIndexedList(where: string, model: string, name: string, d: FieldDef) {
  if (d.kind !== 'list')
    throw new SchemaError(
      `${where}: .indexed() applies to list fields (f.list(f.string()).indexed()); ${d.kind} fields are indexed with index('${name}')`,
      model,
      name,
    );
  if (!INDEXED_ELEMENTS.has(d.element!.kind))
    throw new SchemaError(`${where}: .indexed() needs a list of strings, uuids, enums, dates or integers; its elements are ${d.element!.kind}`, model, name);
}

function checkField(model: string, name: string, d: FieldDef): FieldDef {
  const where = `${model}.${name}`;
  if (d.kind === 'enum') {
    const vals = d.enumValues ?? [];
    if (vals.length === 0 || new Set(vals).size !== vals.length) throw new SchemaError(`${where}: enum values must be non-empty and distinct`, model, name);
    checkEnumValues(where, model, name, vals);
  }
  if (d.kind === 'list' && d.element?.enumValues) checkEnumValues(where, model, name, d.element.enumValues);
  if (d.indexed) checkIndexedList(where, model, name, d);
  if (d.auto && d.kind !== 'uuid') throw new SchemaError(`${where}: .auto() is only supported on f.uuid() (a client-generated UUIDv7)`, model, name);
  if ((d.createdAt || d.updatedAt) && d.kind !== 'timestamp') throw new SchemaError(`${where}: .createdAt()/.updatedAt() need f.timestamp()`, model, name);
  if (d.version && d.kind !== 'int' && d.kind !== 'bigint') throw new SchemaError(`${where}: .version() needs f.int() or f.bigint()`, model, name);
  if (d.version && d.nullable) throw new SchemaError(`${where}: a version() field cannot be nullable`, model, name);
  if (d.maxLength !== undefined && (!Number.isInteger(d.maxLength) || d.maxLength <= 0))
    throw new SchemaError(`${where}: maxLength must be a positive integer`, model, name);
  if (d.default) {
    try {
      checkFieldValue(d, d.default.value, where);
    } catch (e) {
      if (e instanceof ValidationError) throw new SchemaError(`${where}: invalid default: ${e.problem}`, model, name);
      throw e;
    }
  }
  return d;
}

/** PostgreSQL text cannot hold U+0000: the enum's CHECK constraint (and every row) would fail at push. */
function checkEnumValues(where: string, model: string, field: string, vals: readonly unknown[]) {
  for (const v of vals) {
    if (typeof v !== 'string') throw new SchemaError(`${where}: enum values must be strings, got ${typeof v}`, model, field);
    if (v.includes('\u0000'))
      throw new SchemaError(`${where}: enum value ${JSON.stringify(v)} contains a NUL character (U+0000), which PostgreSQL text cannot store`, model, field);
  }
}

function checkRelation(defs: Record<string, ModelDef>, source: string, name: string, spec: RelationSpec): RelationDef {
  const src = defs[source];
  const where = `${src.name}.${name}`;
  if (!IDENT_RE.test(name)) throw new SchemaError(`${where}: invalid relation name`, src.name, name);
  if (RESERVED_FIELDS.has(name)) throw new SchemaError(`${where}: invalid relation name: ${reservedWhy(name)}`, src.name, name);
  if (src.fields[name]) throw new SchemaError(`${where}: relation name clashes with a field of the same name`, src.name, name);
  if (!spec || !['hasMany', 'hasOne', 'belongsTo', 'manyToMany'].includes(spec.kind))
    throw new SchemaError(`${where}: expected hasMany(), hasOne(), belongsTo() or manyToMany()`, src.name, name);
  const target = defs[spec.target];
  if (!target) throw new SchemaError(`${where}: relation to unknown model '${spec.target}' (known: ${Object.keys(defs).join(', ')})`, src.name, name);
  if (spec.kind === 'manyToMany') return checkManyToMany(defs, source, name, spec);
  if (spec.onDelete !== undefined && spec.kind !== 'belongsTo')
    throw new SchemaError(`${where}: onDelete is declared on the belongsTo side of a relation`, src.name, name);
  // The side holding the foreign key, and the side whose key it references.
  const [fkModel, keyModel] = spec.kind === 'belongsTo' ? [src, target] : [target, src];
  const foreignKeys = foreignKeyList(where, src.name, spec, spec.kind === 'belongsTo' ? 'belongsTo' : spec.kind);
  const fks = checkReference(where, src.name, fkModel, foreignKeys, keyModel);
  if (spec.onDelete !== undefined && !ON_DELETE.includes(spec.onDelete))
    throw new SchemaError(`${where}: onDelete must be one of ${ON_DELETE.join(', ')}, got ${JSON.stringify(spec.onDelete)}`, src.name, name);
  // SET NULL clears every field of the reference (PostgreSQL's action, and DynamoDB's own).
  const required = foreignKeys.findIndex((_, i) => !fks[i].nullable);
  if (spec.onDelete === 'setNull' && required >= 0) {
    const field = foreignKeys[required];
    throw new SchemaError(
      `${where}: onDelete 'setNull' needs a nullable foreign key; ${fkModel.name}.${field} is not nullable`,
      src.name,
      field,
      undefined,
      `declare ${field}: f.${fks[required].kind}().nullable(), or use onDelete: 'cascade'`,
    );
  }
  if (foreignKeys.length > 1 && (spec.counterCache !== undefined || spec.colocated))
    throw new SchemaError(
      `${where}: ${spec.colocated ? 'colocated' : 'counterCache'} needs a single-field reference; this one is [${foreignKeys.join(', ')}] (${keyModel.name} has a composite key)`,
      src.name,
      name,
      undefined,
      spec.colocated
        ? `leave colocated out (the include is a Query on index(${foreignKeys.map((f) => `'${f}'`).join(', ')}) of ${target.name})`
        : `leave counterCache out and count with _count on the ${target.name} side (SQL: in the same statement; DynamoDB: one COUNT Query per ${target.name})`,
    );
  const counter = spec.counterCache === undefined ? null : checkCounterCache(src, target, name, spec);
  if (spec.colocated) checkColocated(where, src, target, spec, fks[0]);
  return {
    name,
    source,
    kind: spec.kind,
    target: spec.target,
    foreignKeys,
    ...(spec.kind === 'belongsTo' ? { onDelete: spec.onDelete ?? 'restrict' } : {}),
    ...(counter ? { counterCache: counter } : {}),
    ...(spec.colocated ? { colocated: true } : {}),
  };
}

/** The relation's foreign key fields as given: one name, or a non-empty list of distinct names. */
function foreignKeyList(where: string, owner: string, spec: RelationSpec, call: string): string[] {
  const given: unknown = (spec as { foreignKeys?: unknown }).foreignKeys;
  const list = Array.isArray(given) ? (given as unknown[]) : [];
  if (list.length === 0 || list.some((f) => typeof f !== 'string'))
    throw new SchemaError(
      `${where}: ${call}() needs a foreign key: a field name, or a list of field names for a composite key, got ${JSON.stringify(list.length === 1 ? list[0] : given) ?? 'undefined'}`,
      owner,
    );
  const fields = list as string[];
  const twice = fields.find((f, i) => fields.indexOf(f) !== i);
  if (twice) throw new SchemaError(`${where}: the foreign key [${fields.join(', ')}] names ${twice} twice`, owner, twice);
  return fields;
}

/**
 * `fkModel.fields` reference the key of `keyModel` positionally: as many fields as the key has,
 * each of the same kind as the key field it holds.
 */
function checkReference(where: string, owner: string, fkModel: ModelDef, fields: readonly string[], keyModel: ModelDef): FieldDef[] {
  const missing = fields.find((f) => !fkModel.fields[f]);
  if (missing) throw new SchemaError(`${where}: foreign key '${missing}' is not a field of ${fkModel.name}`, owner, missing);
  const key = keyModel.key;
  if (fields.length !== key.length) {
    const quoted = (fs: readonly string[]) => fs.map((f) => `'${f}'`).join(', ');
    throw new SchemaError(
      `${where}: ${keyModel.name} has a ${key.length}-field key [${key.join(', ')}], so a reference to it needs ${key.length} foreign key field${key.length === 1 ? '' : 's'} in that order; got ${fields.length} [${fields.join(', ')}]`,
      owner,
      fields[0],
      undefined,
      key.length === 1
        ? `name the one field of ${fkModel.name} that holds ${keyModel.name}.${key[0]}`
        : `list one field of ${fkModel.name} per key field of ${keyModel.name}, in key order (${quoted(key)})`,
    );
  }
  return fields.map((field, i) => {
    const fk = fkModel.fields[field];
    const ref = keyModel.fields[key[i]];
    if (fk.kind !== ref.kind)
      throw new SchemaError(
        `${where}: foreign key ${fkModel.name}.${field} is ${fk.kind} but ${keyModel.name}.${key[i]}${key.length > 1 ? ` (key field ${i + 1} of ${key.length})` : ''} is ${ref.kind}`,
        owner,
        field,
      );
    return fk;
  });
}

/**
 * manyToMany(target, { through, from, to }): the join model holds one row per link, `from`
 * pointing at the declaring model and `to` at the target; (from, to) must be its key or a unique
 * constraint, so a link exists at most once and connect/disconnect address it directly.
 */
function checkManyToMany(defs: Record<string, ModelDef>, source: string, name: string, spec: RelationSpec): RelationDef {
  const src = defs[source];
  const where = `${src.name}.${name}`;
  const through = typeof spec.through === 'string' ? defs[spec.through] : undefined;
  if (!through)
    throw new SchemaError(
      `${where}: manyToMany needs { through: <join model>, from, to }; '${String(spec.through)}' is not a model (known: ${Object.keys(defs).join(', ')})`,
      src.name,
      name,
    );
  if (spec.through === source || spec.through === spec.target)
    throw new SchemaError(`${where}: the join model must be a third model, not ${through.name} itself`, src.name, name);
  const from: unknown = (spec as { foreignKeys?: readonly unknown[] }).foreignKeys?.[0];
  if (typeof from !== 'string' || typeof spec.to !== 'string' || from === spec.to)
    throw new SchemaError(`${where}: manyToMany needs two different fields of ${through.name} as from and to`, src.name, name);
  checkReference(where, src.name, through, [from], src);
  checkReference(where, src.name, through, [spec.to], defs[spec.target]);
  const pair = [from, spec.to];
  const identifies = (fields: readonly string[]) => fields.length === 2 && pair.every((f) => fields.includes(f));
  if (!identifies(through.key) && !through.uniques.some((u) => identifies(u.fields))) {
    throw new SchemaError(
      `${where}: the join model ${through.name} must be keyed (or unique) by (${pair.join(', ')}) so a link exists once`,
      through.name,
      undefined,
      undefined,
      `declare { key: ['${pair[0]}', '${pair[1]}'] } on ${through.name}`,
    );
  }
  return { name, source, kind: 'manyToMany', target: spec.target, foreignKeys: [from], through: spec.through, to: spec.to };
}

/**
 * Each direction of a many-to-many reads the join rows by its `from` field. When no key or index
 * of the join model starts with that field, quern declares index(from, to) itself: the inverted
 * index a DynamoDB Query needs (and a plain index on SQL), created by push and by migrations.
 */
function addJoinIndexes(defs: Record<string, ModelDef>, relations: Record<string, Record<string, RelationDef>>) {
  for (const rels of Object.values(relations)) {
    for (const rel of Object.values(rels)) {
      if (rel.kind !== 'manyToMany') continue;
      const key = rel.through!;
      const join = defs[key];
      const from = soleForeignKey(rel);
      if (join.key[0] === from || join.indexes.some((i) => i.fields[0] === from)) continue;
      const iname = `${join.name}_${from}_${rel.to}_idx`;
      if (join.uniques.some((u) => u.name === iname))
        throw new SchemaError(`model ${join.name}: index name '${iname}' (needed by ${rel.source}.${rel.name}) is taken`, join.name);
      defs[key] = { ...join, indexes: [...join.indexes, { name: iname, fields: [from, rel.to!] }] };
    }
  }
}

/**
 * A counter cache is a plain int field of the parent that quern alone writes: it must exist,
 * be a non-null int/bigint starting at 0, and be no key, version, unique or timestamp field.
 */
function checkCounterCache(src: ModelDef, parent: ModelDef, name: string, spec: RelationSpec): string {
  const where = `${src.name}.${name}`;
  const field = spec.counterCache;
  const declare = `declare it on ${parent.name}: ${typeof field === 'string' && IDENT_RE.test(field) ? field : 'favoritesCount'}: f.int().default(0)`;
  if (spec.kind !== 'belongsTo')
    throw new SchemaError(
      `${where}: counterCache is an option of belongsTo() (the side holding the foreign key)`,
      src.name,
      name,
      undefined,
      `move it to the belongsTo that points at ${parent.name}`,
    );
  if (typeof field !== 'string' || !IDENT_RE.test(field))
    throw new SchemaError(`${where}: counterCache must name a field of ${parent.name}`, src.name, name, undefined, declare);
  const fd = parent.fields[field];
  if (!fd) throw new SchemaError(`${where}: counterCache '${field}' is not a field of ${parent.name}`, src.name, name, undefined, declare);
  const problem =
    fd.kind !== 'int' && fd.kind !== 'bigint'
      ? `is ${fd.kind}, not an int`
      : fd.nullable
        ? 'is nullable'
        : fd.key || fd.version || fd.unique || fd.auto
          ? 'is a key, version, unique or auto field'
          : fd.default && fd.default.value !== 0 && fd.default.value !== 0n
            ? `has default ${String(fd.default.value)}; a counter starts at 0`
            : !fd.default
              ? 'has no default; a counter starts at 0'
              : null;
  if (problem)
    throw new SchemaError(
      `${where}: counterCache ${parent.name}.${field} ${problem}`,
      parent.name,
      field,
      undefined,
      `declare it as ${field}: f.${fd.kind === 'bigint' ? 'bigint' : 'int'}().default(${fd.kind === 'bigint' ? '0n' : '0'})`,
    );
  return field;
}

/** Two relations maintaining one field would each count their own children into it. */
function checkCounterFieldsDistinct(defs: Record<string, ModelDef>, relations: Record<string, Record<string, RelationDef>>) {
  const owner = new Map<string, string>();
  for (const rels of Object.values(relations)) {
    for (const r of Object.values(rels)) {
      if (!r.counterCache) continue;
      const k = `${r.target}.${r.counterCache}`;
      const here = `${defs[r.source].name}.${r.name}`;
      const prev = owner.get(k);
      if (prev)
        throw new SchemaError(
          `${here}: counterCache ${defs[r.target].name}.${r.counterCache} is already maintained by ${prev}`,
          defs[r.target].name,
          r.counterCache,
          undefined,
          `give each counted relation its own field on ${defs[r.target].name}`,
        );
      owner.set(k, here);
    }
  }
}

/** Keys that can be the text of a DynamoDB item-collection key and keep their order there. */
const COLOCATABLE_KEY = new Set(['uuid', 'string']);

function checkColocated(where: string, parent: ModelDef, child: ModelDef, spec: RelationSpec, fk: FieldDef) {
  const bad = (problem: string) => {
    throw new SchemaError(`${where}: colocated: ${problem}`, parent.name);
  };
  if (spec.kind !== 'hasMany') bad("only a hasMany relation can be colocated (the children join the parent's partition)");
  if (parent.name === child.name) bad('a model cannot be colocated with itself');
  if (fk.nullable) bad(`the foreign key ${child.name}.${spec.foreignKeys[0]} is nullable; a colocated child always belongs to one parent`);
  if (child.key.length !== 1) bad(`${child.name} needs a single-field key (it has [${child.key.join(', ')}])`);
  for (const m of [parent, child]) {
    const kind = m.fields[m.key[0]].kind;
    if (!COLOCATABLE_KEY.has(kind)) bad(`${m.name}.${m.key[0]} is ${kind}; colocated models need a uuid or string key (it becomes part of a text key)`);
  }
}
