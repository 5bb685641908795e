/**
 * Schema snapshots: the full, database-independent schema stored beside every
 * migration (`snapshot.json`). The next `generate` diffs the models against it.
 *
 * Rename hints (`renamedFrom`) are left out: they describe how to get here, not
 * what the schema is, so adding or removing a hint is not a schema change.
 */
import { createHash } from 'node:crypto';
import type { ElementDef, FieldDef, FieldKind } from '../src/schema/field.js';
import type { ModelDef } from '../src/schema/model.js';
import type { RelationDef } from '../src/schema/relation.js';
import { MAX_KEY_FIELDS, type SchemaDef } from '../src/schema/define.js';
import type { PlanTarget } from '../targets/types.js';
import { MigrationFileError } from './errors.js';
import { PLAN_TARGETS } from '../targets/index.js';

export const SNAPSHOT_FORMAT = 'quern-snapshot';
export const SNAPSHOT_VERSION = 1;

/** Checksums of the files of the migration this one was generated on top of. */
export interface ParentLink {
  readonly id: string;
  readonly checksums: Readonly<Record<string, string>>;
}

export interface Snapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly version: number;
  /** The migration folder this snapshot belongs to, e.g. `0003_post_by_status`. */
  readonly migration: string;
  /** Targets this migration has files for. */
  readonly targets: readonly PlanTarget[];
  readonly parent: ParentLink | null;
  readonly schema: SchemaDef;
}

const FIELD_KINDS: readonly FieldKind[] = ['string', 'text', 'int', 'bigint', 'float', 'decimal', 'boolean', 'uuid', 'timestamp', 'date', 'json', 'enum', 'list'];

/** The schema as a snapshot holds it: no hints, a hash over the rest. */
export function normalizeSchema(def: Pick<SchemaDef, 'models' | 'relations'>): SchemaDef {
  const models: Record<string, ModelDef> = {};
  for (const [key, m] of Object.entries(def.models)) {
    const fields: Record<string, FieldDef> = {};
    for (const [name, fd] of Object.entries(m.fields)) {
      const { renamedFrom: _hint, ...rest } = fd;
      fields[name] = rest;
    }
    const { renamedFrom: _modelHint, ...rest } = m;
    models[key] = { ...rest, fields, key: [...m.key], indexes: m.indexes.map((i) => ({ name: i.name, fields: [...i.fields], ...(i.shards !== undefined ? { shards: i.shards } : {}) })), uniques: m.uniques.map((u) => ({ name: u.name, fields: [...u.fields] })) };
  }
  const relations: Record<string, Record<string, RelationDef>> = {};
  for (const [key, rels] of Object.entries(def.relations)) {
    relations[key] = {};
    // restrict is the default: left out, so snapshots written before onDelete existed compare equal.
    for (const [name, r] of Object.entries(rels)) relations[key][name] = { name: r.name, source: r.source, kind: r.kind, target: r.target, foreignKeys: [...r.foreignKeys], ...(r.onDelete && r.onDelete !== 'restrict' ? { onDelete: r.onDelete } : {}), ...(r.through !== undefined ? { through: r.through, to: r.to } : {}), ...(r.counterCache ? { counterCache: r.counterCache } : {}), ...(r.colocated ? { colocated: true } : {}) };
  }
  const hash = schemaHash({ models, relations });
  return { models, relations, hash };
}

/** Order-insensitive for object keys (field order is not a schema change), order-sensitive for lists. */
export function schemaHash(def: Pick<SchemaDef, 'models' | 'relations'>): string {
  return createHash('sha256').update(stableJson({ models: def.models, relations: def.relations })).digest('hex').slice(0, 16);
}

/** True when two schemas describe the same database (ignoring field order and rename hints). */
export function sameSchema(a: Pick<SchemaDef, 'models' | 'relations'>, b: Pick<SchemaDef, 'models' | 'relations'>): boolean {
  return schemaHash(normalizeSchema(a)) === schemaHash(normalizeSchema(b));
}

export function stableJson(value: unknown): string {
  return JSON.stringify(encodeValue(value), (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
    }
    return v;
  });
}

// Defaults may be bigints or Dates, which JSON cannot carry; they are tagged.
function encodeValue(v: unknown): unknown {
  if (typeof v === 'bigint') return { $bigint: v.toString() };
  if (v instanceof Date) return { $date: v.toISOString() };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, encodeValue(x)]));
  return v;
}

function decodeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(decodeValue);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o);
    if (keys.length === 1 && typeof o.$bigint === 'string') return BigInt(o.$bigint);
    if (keys.length === 1 && typeof o.$date === 'string') return new Date(o.$date);
    return Object.fromEntries(keys.map((k) => [k, decodeValue(o[k])]));
  }
  return v;
}

export function renderSnapshot(s: Omit<Snapshot, 'format' | 'version'>): string {
  const body = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, migration: s.migration, targets: s.targets, parent: s.parent, schema: { hash: s.schema.hash, models: s.schema.models, relations: s.schema.relations } };
  return JSON.stringify(encodeValue(body), null, 2) + '\n';
}

/** Parse and validate a snapshot file; any problem names the file. */
export function parseSnapshot(text: string, file: string): Snapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MigrationFileError(file, `not valid JSON (${(e as Error).message})`);
  }
  const bad = (problem: string): never => {
    throw new MigrationFileError(file, problem);
  };
  const o = obj(raw, 'the top level', bad);
  if (o.format !== SNAPSHOT_FORMAT) bad(`"format" must be "${SNAPSHOT_FORMAT}"`);
  if (typeof o.version !== 'number' || !Number.isInteger(o.version)) bad('"version" must be an integer');
  if ((o.version as number) > SNAPSHOT_VERSION) bad(`snapshot version ${o.version} is newer than this quern understands (${SNAPSHOT_VERSION}); upgrade quern`);
  if (typeof o.migration !== 'string') bad('"migration" must be a string');
  if (!Array.isArray(o.targets) || o.targets.some((t) => !PLAN_TARGETS.includes(t as PlanTarget))) bad(`"targets" must be a list of ${PLAN_TARGETS.join(' / ')}`);
  let parent: ParentLink | null = null;
  if (o.parent !== null && o.parent !== undefined) {
    const p = obj(o.parent, '"parent"', bad);
    if (typeof p.id !== 'string') bad('"parent.id" must be a string');
    const sums = obj(p.checksums, '"parent.checksums"', bad);
    for (const [k, v] of Object.entries(sums)) if (typeof v !== 'string') bad(`"parent.checksums.${k}" must be a string`);
    parent = { id: p.id as string, checksums: sums as Record<string, string> };
  }
  const schema = checkSchemaJson(decodeValue(o.schema), bad);
  return { format: SNAPSHOT_FORMAT, version: o.version as number, migration: o.migration as string, targets: o.targets as PlanTarget[], parent, schema };
}

function obj(v: unknown, what: string, bad: (p: string) => never): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) bad(`${what} must be an object`);
  return v as Record<string, unknown>;
}

function strList(v: unknown, what: string, bad: (p: string) => never): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${what} must be a list of strings`);
  return v as string[];
}

/** Structural check of a stored schema: enough that the diff and renderers never meet garbage. */
function checkSchemaJson(raw: unknown, bad: (p: string) => never): SchemaDef {
  const s = obj(raw, '"schema"', bad);
  const models = obj(s.models, '"schema.models"', bad);
  const out: Record<string, ModelDef> = {};
  for (const [key, mv] of Object.entries(models)) {
    const at = `schema.models.${key}`;
    const m = obj(mv, at, bad);
    if (typeof m.name !== 'string' || typeof m.table !== 'string') bad(`${at} needs "name" and "table" strings`);
    const fields = obj(m.fields, `${at}.fields`, bad);
    for (const [fname, fv] of Object.entries(fields)) {
      const fd = obj(fv, `${at}.fields.${fname}`, bad);
      if (!FIELD_KINDS.includes(fd.kind as FieldKind)) bad(`${at}.fields.${fname}.kind "${String(fd.kind)}" is not a field kind`);
      for (const flag of ['nullable', 'key', 'auto', 'unique', 'createdAt', 'updatedAt', 'version']) {
        if (typeof fd[flag] !== 'boolean') bad(`${at}.fields.${fname}.${flag} must be a boolean`);
      }
      if (fd.kind === 'enum') strList(fd.enumValues, `${at}.fields.${fname}.enumValues`, bad);
      if (fd.kind === 'list') {
        const el = obj(fd.element, `${at}.fields.${fname}.element`, bad) as unknown as ElementDef;
        if (!FIELD_KINDS.includes(el.kind) || (el.kind as FieldKind) === 'json' || (el.kind as FieldKind) === 'list') bad(`${at}.fields.${fname}.element.kind is not a scalar kind`);
      }
      if (fd.maxLength !== undefined && (typeof fd.maxLength !== 'number' || !Number.isInteger(fd.maxLength))) bad(`${at}.fields.${fname}.maxLength must be an integer`);
      if (fd.default !== undefined) obj(fd.default, `${at}.fields.${fname}.default`, bad);
    }
    const modelKey = strList(m.key, `${at}.key`, bad);
    if (modelKey.length < 1 || modelKey.length > MAX_KEY_FIELDS || modelKey.some((k) => !fields[k])) bad(`${at}.key must name 1 to ${MAX_KEY_FIELDS} of its fields`);
    for (const list of ['indexes', 'uniques'] as const) {
      if (!Array.isArray(m[list])) bad(`${at}.${list} must be a list`);
      (m[list] as unknown[]).forEach((iv, i) => {
        const ix = obj(iv, `${at}.${list}[${i}]`, bad);
        if (typeof ix.name !== 'string') bad(`${at}.${list}[${i}].name must be a string`);
        const fl = strList(ix.fields, `${at}.${list}[${i}].fields`, bad);
        if (fl.length === 0 || fl.some((f) => !fields[f])) bad(`${at}.${list}[${i}].fields must name fields of ${m.name}`);
        if (ix.shards !== undefined && (typeof ix.shards !== 'number' || !Number.isInteger(ix.shards) || ix.shards < 1)) bad(`${at}.${list}[${i}].shards must be a positive integer`);
      });
    }
    out[key] = m as unknown as ModelDef;
  }
  const relations = obj(s.relations ?? {}, '"schema.relations"', bad);
  for (const [key, rv] of Object.entries(relations)) {
    if (!out[key]) bad(`schema.relations.${key}: no such model`);
    for (const [name, r0] of Object.entries(obj(rv, `schema.relations.${key}`, bad))) {
      const r = obj(r0, `schema.relations.${key}.${name}`, bad);
      if (!['hasMany', 'hasOne', 'belongsTo', 'manyToMany'].includes(r.kind as string)) bad(`schema.relations.${key}.${name}.kind must be hasMany, hasOne, belongsTo or manyToMany`);
      if (r.onDelete !== undefined && !['cascade', 'setNull', 'restrict'].includes(r.onDelete as string)) bad(`schema.relations.${key}.${name}.onDelete must be cascade, setNull or restrict`);
      if (r.kind === 'manyToMany' && (typeof r.through !== 'string' || !out[r.through] || typeof r.to !== 'string')) bad(`schema.relations.${key}.${name} (manyToMany) needs through (a model) and to`);
      if (typeof r.target !== 'string' || !out[r.target]) bad(`schema.relations.${key}.${name}.target names no model`);
      // Snapshots written before composite references hold one `foreignKey` string.
      if (typeof r.foreignKey === 'string' && r.foreignKeys === undefined) {
        r.foreignKeys = [r.foreignKey];
        delete r.foreignKey;
      }
      if (strList(r.foreignKeys, `schema.relations.${key}.${name}.foreignKeys`, bad).length === 0) bad(`schema.relations.${key}.${name}.foreignKeys must name at least one field`);
      if (r.colocated !== undefined && r.colocated !== true) bad(`schema.relations.${key}.${name}.colocated must be true when present`);
    }
  }
  const def = { models: out, relations: relations as SchemaDef['relations'] };
  return { ...def, hash: schemaHash(def) };
}

/** The empty schema: what the first migration is diffed against. */
export const EMPTY_SCHEMA: SchemaDef = { models: {}, relations: {}, hash: schemaHash({ models: {}, relations: {} }) };
