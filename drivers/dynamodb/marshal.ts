/**
 * JS values ⇄ DynamoDB AttributeValues, per FieldDef:
 *
 *   int, float, bigint        N
 *   string, text, enum, uuid  S
 *   decimal                   S   PostgreSQL's text form (every digit kept; equality numeric; not ordered)
 *   timestamp                 S   ISO 8601 from toISOString(): fixed width, so S order is time order
 *   date                      S   'YYYY-MM-DD'
 *   boolean                   BOOL
 *   list                      L   of the element encoding
 *   json                      M for objects (L, S, N, BOOL, NULL for other JSON values)
 *   null                      the attribute is absent
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DriverError, ValidationError } from '../../src/errors.js';
import type { ElementDef, FieldDef } from '../../src/schema/field.js';
import type { ModelDef } from '../../src/schema/model.js';
import { COLLECTION_PK, COLLECTION_SK, isCollectionAttribute } from '../../src/schema/colocation.js';
import { isShardAttribute, SHARD_FIELD, shardAttribute, shardedIndexes, shardOfKeyText } from '../../src/schema/shard.js';
import { storedDecimal } from '../../src/schema/decimal.js';
import { GUARD_COUNTS } from '../../src/engine/kv/core.js';
import { isGuardAttribute } from '../../src/schema/guards.js';

type Row = Record<string, unknown>;
type Item = Record<string, AttributeValue>;

/**
 * DynamoDB's N holds 38 significant digits with magnitudes from 1e-130 to just under 1e126;
 * anything else the service rejects. Refusing it here names the value's path instead of
 * surfacing DynamoDB's "Number overflow" as a DriverError (a JavaScript double has at most 17
 * significant digits, so only its magnitude can be out of range).
 */
const MIN_MAGNITUDE = 1e-130;
const MAX_MAGNITUDE = 1e126;
const MAX_DIGITS = 38;

function num(v: unknown, path: string): string {
  if (typeof v === 'bigint') {
    const s = v.toString();
    if (s.replace('-', '').length > MAX_DIGITS)
      throw new ValidationError(path, `${s} has more than ${MAX_DIGITS} digits, which DynamoDB cannot store as a number`);
    return s;
  }
  if (typeof v === 'number' && Number.isFinite(v)) {
    const a = Math.abs(v);
    if (a !== 0 && (a < MIN_MAGNITUDE || a >= MAX_MAGNITUDE))
      throw new ValidationError(path, `${v} is outside the range DynamoDB stores numbers in (magnitudes 1e-130 to 1e126, or 0)`);
    return String(v);
  }
  throw new DriverError('dynamodb', `expected a number, got ${typeof v}`);
}

function jsonToAttr(v: unknown, path: string): AttributeValue {
  if (v === null || v === undefined) return { NULL: true };
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: num(v, path) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (Array.isArray(v)) return { L: v.map((x, i) => jsonToAttr(x, `${path}[${i}]`)) };
  if (typeof v === 'object') {
    const m: Item = {};
    for (const [k, x] of Object.entries(v as Row)) {
      if (x === undefined) continue;
      if (k === '')
        throw new ValidationError(
          path,
          'a JSON object with an empty key "" cannot be stored or matched on DynamoDB (its map keys are attribute names, which cannot be empty)',
        );
      // defineProperty: a '__proto__' key (JSON.parse makes it an own key) stays a key, not a prototype.
      Object.defineProperty(m, k, { value: jsonToAttr(x, `${path}.${k}`), enumerable: true, writable: true, configurable: true });
    }
    return { M: m };
  }
  throw new DriverError('dynamodb', `not a JSON value: ${typeof v}`);
}

function attrToJson(a: AttributeValue): unknown {
  if (a.NULL) return null;
  if (a.S !== undefined) return a.S;
  if (a.N !== undefined) return Number(a.N);
  if (a.BOOL !== undefined) return a.BOOL;
  if (a.L !== undefined) return a.L.map(attrToJson);
  if (a.M !== undefined) {
    const out: Row = {};
    // defineProperty: a '__proto__' key in stored JSON stays data.
    for (const [k, x] of Object.entries(a.M)) Object.defineProperty(out, k, { value: attrToJson(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  throw new DriverError('dynamodb', `unexpected attribute type in json value: ${Object.keys(a).join(',')}`);
}

/** One scalar (a field's value or a list element). */
export function encodeScalar(def: ElementDef | FieldDef, v: unknown, path = ''): AttributeValue {
  switch (def.kind) {
    case 'int':
    case 'float':
    case 'bigint':
      return { N: num(v, path) };
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
    case 'date':
      return { S: String(v) };
    case 'decimal':
      return { S: storedDecimal(String(v)) };
    case 'timestamp':
      return { S: (v instanceof Date ? v : new Date(v as string)).toISOString() };
    case 'boolean':
      return { BOOL: Boolean(v) };
    case 'json':
      return jsonToAttr(v, path);
    case 'list':
      throw new DriverError('dynamodb', 'nested lists are not supported');
    default: {
      const never: never = def;
      throw new DriverError('dynamodb', `unknown field kind ${String((never as { kind: string }).kind)}`);
    }
  }
}

/** A field's value; null when the value is null (the attribute is then absent). */
/** A field's value; `path` names it in a ValidationError when DynamoDB could not store it. */
export function encodeField(def: FieldDef, v: unknown, path = ''): AttributeValue | null {
  if (v === null || v === undefined) return null;
  if (def.kind === 'list') return { L: (v as unknown[]).map((e, i) => encodeScalar(def.element!, e, `${path}[${i}]`)) };
  return encodeScalar(def, v, path);
}

/** Key attributes of the table and of every GSI cannot be empty strings on DynamoDB. */
export function checkKeyValue(model: ModelDef, attr: string, av: AttributeValue): void {
  if (av.S === '')
    throw new ValidationError(attr, `${model.name}.${attr} is a key attribute (of the table or of an index) on DynamoDB, which cannot hold an empty string`);
}

export function decodeScalar(def: ElementDef | FieldDef, a: AttributeValue): unknown {
  switch (def.kind) {
    case 'int':
    case 'float':
      return Number(a.N);
    case 'bigint':
      return BigInt(a.N!);
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
    case 'decimal':
    case 'date':
      return a.S;
    case 'timestamp':
      return new Date(a.S!);
    case 'boolean':
      return a.BOOL;
    case 'json':
      return attrToJson(a);
    case 'list':
      throw new DriverError('dynamodb', 'nested lists are not supported');
    default: {
      const never: never = def;
      throw new DriverError('dynamodb', `unknown field kind ${String((never as { kind: string }).kind)}`);
    }
  }
}

export function decodeField(def: FieldDef, a: AttributeValue | undefined): unknown {
  if (!a || a.NULL) return null;
  if (def.kind === 'list') return (a.L ?? []).map((e) => decodeScalar(def.element!, e));
  return decodeScalar(def, a);
}

export function encodeRow(model: ModelDef, row: Row): Item {
  const item: Item = {};
  for (const [name, def] of Object.entries(model.fields)) {
    const av = encodeField(def, row[name], name);
    if (av) item[name] = av;
  }
  return item;
}

/** Every field present: absent attributes decode to null. Attributes that are not fields are ignored. */
export function decodeRow(model: ModelDef, item: Item): Row {
  const row: Row = {};
  for (const [name, def] of Object.entries(model.fields)) row[name] = decodeField(def, item[name]);
  let guards: Record<string, number> | undefined;
  for (const a in item) if (isGuardAttribute(a) && item[a].N !== undefined) (guards ??= {})[a] = Number(item[a].N);
  if (guards) Object.defineProperty(row, GUARD_COUNTS, { value: guards, enumerable: false });
  return row;
}

const COLLECTION_FIELD: FieldDef = { ...SHARD_FIELD, kind: 'string' };
const GUARD_FIELD: FieldDef = { ...SHARD_FIELD, key: false };

/** The FieldDef of a stored attribute: a field, the synthetic int of a shard attribute, or a collection key's text. */
export function attributeDef(model: ModelDef, attr: string): FieldDef | undefined {
  return (
    model.fields[attr] ??
    (isShardAttribute(attr) ? SHARD_FIELD : isCollectionAttribute(attr) ? COLLECTION_FIELD : isGuardAttribute(attr) ? GUARD_FIELD : undefined)
  );
}

/** The text a colocated key field takes inside quern-pk / quern-sk (uuid and string keys only). */
const keyText = (model: ModelDef, field: string, v: unknown): string => {
  const av = encodeField(model.fields[field], v, field);
  if (!av || av.S === undefined) throw new DriverError('dynamodb', `${model.name}: key attribute '${field}' has no value`);
  checkKeyValue(model, field, av);
  return av.S;
};

/** quern-pk and quern-sk of a colocated model's item, from its (DynamoDB-view) key values. */
export function collectionKey(model: ModelDef, key: Row): Item {
  const c = model.colocation!;
  return c.role === 'parent'
    ? { [COLLECTION_PK]: { S: keyText(model, model.key[0], key[model.key[0]]) }, [COLLECTION_SK]: { S: c.sk } }
    : {
        [COLLECTION_PK]: { S: keyText(model, model.key[0], key[model.key[0]]) },
        [COLLECTION_SK]: { S: c.sk + keyText(model, model.key[1], key[model.key[1]]) },
      };
}

/** The key fields back from quern-pk / quern-sk; null when the item is not this model's. */
export function fromCollectionKey(model: ModelDef, item: Item): Row | null {
  const c = model.colocation!;
  const pk = item[COLLECTION_PK]?.S;
  const sk = item[COLLECTION_SK]?.S;
  if (pk === undefined || sk === undefined) return null;
  if (c.role === 'parent') return sk === c.sk ? { [model.key[0]]: decodeField(model.fields[model.key[0]], { S: pk }) } : null;
  if (!sk.startsWith(c.sk)) return null;
  return {
    [model.key[0]]: decodeField(model.fields[model.key[0]], { S: pk }),
    [model.key[1]]: decodeField(model.fields[model.key[1]], { S: sk.slice(c.sk.length) }),
  };
}

/**
 * The whole stored item of a row: its fields, the shard numbers of its sharded indexes (they
 * follow from the key, which no update can change) and, for a colocated model, the collection key.
 * Migrations that move items between layouts build them here too, so a moved item is exactly
 * what a fresh insert writes.
 */
export function encodeItem(m: ModelDef, row: Row, keys: ReadonlySet<string> = new Set([...m.key, ...m.indexes.flatMap((i) => i.fields)])): Item {
  const item: Item = {};
  for (const [name, def] of Object.entries(m.fields)) {
    const av = encodeField(def, row[name], name);
    if (!av) continue;
    if (keys.has(name)) checkKeyValue(m, name, av);
    item[name] = av;
  }
  Object.assign(item, shardAttributes(m, item));
  return m.colocation ? Object.assign(item, collectionKey(m, row)) : item;
}

/** Every shard attribute of the model's sharded indexes, computed from the item's stored key. */
export function shardAttributes(model: ModelDef, item: Item): Item {
  const out: Item = {};
  const parts = model.key.map((k) => item[k]?.S ?? item[k]?.N ?? '');
  for (const i of shardedIndexes(model)) out[shardAttribute(i.shards!)] = { N: String(shardOfKeyText(parts, i.shards!)) };
  return out;
}

export function encodeKey(model: ModelDef, key: Row, attrs: readonly string[] = model.key): Item {
  const out: Item = {};
  if (model.colocation) {
    // The table key is the collection's pair; a GSI boundary adds its own attributes.
    Object.assign(out, collectionKey(model, key));
    attrs = attrs.filter((a) => !model.key.includes(a));
  }
  for (const a of attrs) {
    const av = encodeField(attributeDef(model, a)!, key[a], a);
    if (!av) throw new DriverError('dynamodb', `${model.name}: key attribute '${a}' has no value`);
    checkKeyValue(model, a, av);
    out[a] = av;
  }
  return out;
}

export function decodeKey(model: ModelDef, item: Item): Row {
  const out: Row = model.colocation ? (fromCollectionKey(model, item) ?? {}) : {};
  for (const [a, av] of Object.entries(item)) {
    if (isCollectionAttribute(a)) continue;
    const def = attributeDef(model, a);
    if (def) out[a] = decodeField(def, av);
  }
  return out;
}

/**
 * Item size as DynamoDB counts it: attribute name bytes plus value bytes (numbers ~ digits/2 + 1,
 * plus 3 bytes per list/map and 1 per element). Exact enough to refuse oversized items before sending.
 */
export function itemSize(item: Item): number {
  let n = 0;
  for (const [k, v] of Object.entries(item)) n += Buffer.byteLength(k) + valueSize(v);
  return n;
}

function valueSize(v: AttributeValue): number {
  if (v.S !== undefined) return Buffer.byteLength(v.S);
  if (v.N !== undefined) return Math.ceil(v.N.replace(/^-|\.|e.*$/gi, '').length / 2) + 1;
  if (v.B !== undefined) return v.B.length;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.L !== undefined) return 3 + v.L.reduce((n, x) => n + 1 + valueSize(x), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((n, [k, x]) => n + 1 + Buffer.byteLength(k) + valueSize(x), 0);
  if (v.SS !== undefined) return v.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((n, s) => n + s.length, 0);
  return 0;
}

export const MAX_ITEM_BYTES = 400 * 1024;
