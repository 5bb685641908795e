/**
 * The studio's data browser: reads a page of rows per model, and (only with --allow-writes)
 * updates one row through quern's own client, so every edit is validated exactly as the app's
 * writes are. The browser sends text from its inputs; `coerceInput` turns it into the value the
 * field's type takes, and leaves anything it cannot read as text for quern's validation to refuse.
 */
import { createClient } from '../../src/client.js';
import type { Driver } from '../../src/engine/driver.js';
import { capabilitiesFor } from '../../src/plan/capabilities.js';
import { ValidationError } from '../../src/errors.js';
import type { Schema, SchemaDef } from '../../src/schema/define.js';
import type { FieldDef } from '../../src/schema/field.js';
import { connectionOf, describeConnection, planTarget, type Connections, type DeployTarget } from '../../migrations/connections.js';
import { entryOf } from '../../targets/index.js';
import { isReadOnly } from './models.js';

type Row = Record<string, unknown>;

/** The slice of a model client the studio uses; the schema is only known at run time here. */
interface ModelApi {
  findMany(args: object): PromiseLike<Row[]>;
  update(args: object): PromiseLike<Row>;
}

export interface StudioData {
  readonly target: DeployTarget;
  /** Where the rows come from, as printed (passwords masked). */
  readonly where: string;
  rows(model: string, limit: number): Promise<{ rows: Row[]; more: boolean }>;
  update(model: string, key: Readonly<Record<string, unknown>>, input: Readonly<Record<string, string>>): Promise<Row>;
  close(): Promise<void>;
}

export const MAX_ROWS = 200;

const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** Text from an input → the value for a field of this type; unreadable text stays text, for quern to refuse. */
export function coerceInput(def: FieldDef, text: string): unknown {
  if (text === '' && def.nullable) return null;
  switch (def.kind) {
    case 'int':
    case 'float':
      return NUMBER.test(text.trim()) ? Number(text) : text;
    case 'bigint':
      return /^[-+]?\d+$/.test(text.trim()) ? BigInt(text.trim()) : text;
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'list':
    case 'json':
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
    case 'decimal':
    case 'timestamp':
    case 'date':
      return text;
    default: {
      const never: never = def.kind;
      return never;
    }
  }
}

function modelOf(def: SchemaDef, model: string) {
  const m = Object.hasOwn(def.models, model) ? def.models[model] : undefined;
  if (!m) throw new ValidationError('model', `unknown model '${model}'; the schema has ${Object.keys(def.models).join(', ')}`);
  return m;
}

/** The update's `data`: only editable fields, each coerced from its text. */
export function editData(def: SchemaDef, model: string, input: Readonly<Record<string, string>>): Row {
  const m = modelOf(def, model);
  const data: Row = {};
  for (const [name, text] of Object.entries(input)) {
    const f = Object.hasOwn(m.fields, name) ? m.fields[name] : undefined;
    if (!f) throw new ValidationError(`data.${name}`, `${m.name} has no field '${name}'`);
    if (typeof text !== 'string') throw new ValidationError(`data.${name}`, 'expected the text of the input');
    if (isReadOnly(f, m.key.includes(name)))
      throw new ValidationError(`data.${name}`, 'is kept by quern (key, auto, createdAt, updatedAt or version field) and cannot be edited');
    data[name] = coerceInput(f, text);
  }
  if (Object.keys(data).length === 0) throw new ValidationError('data', 'nothing to change');
  return data;
}

/** Browse and edit through a client the caller made (the command's own, or an app's in tests). */
export function clientData(schema: Schema, db: unknown, target: DeployTarget, where: string, close: () => Promise<void> = async () => {}): StudioData {
  const def = schema.def;
  const api = (model: string) => {
    modelOf(def, model);
    return (db as Record<string, ModelApi>)[model];
  };
  return {
    target,
    where,
    async rows(model, limit) {
      const m = modelOf(def, model);
      const n = Math.min(Math.max(1, Math.floor(limit) || 1), MAX_ROWS);
      // Browsing reads the table on purpose: allowScan says so. On SQL, key order keeps rows in place across edits
      // (a key-value scan has no order to ask for).
      const orderBy = capabilitiesFor[planTarget(target)].family === 'kv' ? {} : { orderBy: m.key.map((k) => ({ [k]: 'asc' })) };
      const rows = await api(model).findMany({ limit: n + 1, allowScan: true, ...orderBy });
      return { rows: rows.slice(0, n), more: rows.length > n };
    },
    async update(model, key, input) {
      const m = modelOf(def, model);
      const where: Row = {};
      for (const k of m.key) {
        if (!Object.hasOwn(key, k)) throw new ValidationError(`where.${k}`, `the key of ${m.name} is (${m.key.join(', ')}); '${k}' is missing`);
        where[k] = key[k];
      }
      return api(model).update({ where, data: editData(def, model, input) });
    },
    close,
  };
}

async function openDriver<K extends DeployTarget>(target: K, connections: Connections): Promise<Driver> {
  return entryOf(target).driver(connectionOf(target, connections));
}

/** The command's data source: a quern client on the chosen target's configured connection. */
export async function openData(schema: Schema, target: DeployTarget, connections: Connections): Promise<StudioData> {
  const driver = await openDriver(target, connections);
  const db = await createClient({ schema, driver, strict: false, onWarning: () => {} });
  return clientData(schema, db, target, describeConnection(target, connections), () => db.close());
}
