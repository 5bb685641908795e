/**
 * Database values → quern's JS values, per field. Top-level columns arrive
 * already parsed by the driver (the drivers configure their type parsers so
 * int8/numeric/date come as strings, timestamptz as Date); included rows
 * arrive as JSON (timestamps as ISO strings, int8/numeric as text). The
 * decoders accept both forms, so both paths give identical rows.
 */
import type { SchemaDef } from '../../schema/define.js';
import type { ElementDef, FieldDef, ScalarKind } from '../../schema/field.js';
import type { RowShape } from '../../plan/sql/ops.js';
import type { StoredValues } from './core.js';

type Row = Record<string, unknown>;
type Decode = (v: unknown) => unknown;

const toDate: Decode = (v) => (v instanceof Date ? v : new Date(v as string));
const toBigInt: Decode = (v) => (typeof v === 'bigint' ? v : BigInt(v as string | number));
const toStringValue: Decode = (v) => (typeof v === 'string' ? v : String(v));
const toNumber: Decode = (v) => (typeof v === 'number' ? v : Number(v));
const toDateString: Decode = (v) => (v instanceof Date ? isoDate(v) : v);

function isoDate(d: Date): string {
  // A driver that parsed DATE into a local-midnight Date: format it back in local time.
  const y = String(d.getFullYear()).padStart(4, '0');
  return `${y}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

const SCALAR: Readonly<Record<ScalarKind, Decode | null>> = {
  string: null,
  text: null,
  enum: null,
  uuid: null,
  boolean: null,
  json: null,
  int: toNumber,
  float: toNumber,
  bigint: toBigInt,
  decimal: toStringValue,
  timestamp: toDate,
  date: toDateString,
};

function fieldDecoder(def: FieldDef | ElementDef, stored: StoredValues | undefined): Decode | null {
  if (def.kind === 'list') {
    const kind = (def as FieldDef).element!.kind;
    const el = (kind === 'boolean' ? stored?.boolean : undefined) ?? SCALAR[kind];
    const pre = stored?.list;
    if (!el) return pre ?? null;
    const each: Decode = (v) => (v as unknown[]).map((x) => (x === null ? null : el(x)));
    return pre ? (v) => each(pre(v)) : each;
  }
  if (def.kind === 'boolean' && stored?.boolean) return stored.boolean;
  if (def.kind === 'json' && stored?.json) return stored.json;
  if (def.kind === 'timestamp' && stored?.timestamp) {
    const own = stored.timestamp;
    return (v) => toDate(own(v));
  }
  if (def.kind === 'decimal' && stored?.decimal) {
    const own = stored.decimal;
    return (v) => toStringValue(own(v));
  }
  return SCALAR[def.kind as ScalarKind];
}

export type RowDecoder = (row: Row) => Row;

interface Step {
  readonly name: string;
  readonly decode: Decode;
}

/**
 * One straight-line function per row shape: each field read and written by its own name, each
 * decoder called from its own call site. A generic loop over steps makes every `row[name]` a
 * keyed (megamorphic) access and every decoder call polymorphic, which is most of the cost of
 * decoding a 100-row result. Field names are embedded as JSON string literals, so any name is
 * safe; the decoders are passed in, never written into the source.
 */
function specialise(steps: readonly Step[]): RowDecoder {
  let body = 'return function decodeRow(row) {\n  let v;\n';
  steps.forEach((s, i) => {
    const key = JSON.stringify(s.name);
    body += `  v = row[${key}];\n  if (v !== null && v !== undefined) row[${key}] = d${i}(v);\n`;
  });
  body += '  return row;\n};';
  const make = new Function(...steps.map((_, i) => `d${i}`), body) as (...ds: Decode[]) => RowDecoder;
  return make(...steps.map((s) => s.decode));
}

/**
 * A decoder for rows of `shape`, built once per shape and kept beside it.
 * Fields whose driver value is already right are not touched; the row object
 * is decoded in place (it is fresh from the driver).
 */
export function rowDecoder(schema: SchemaDef, shape: RowShape, cache: WeakMap<RowShape, RowDecoder>, stored?: StoredValues): RowDecoder {
  const hit = cache.get(shape);
  if (hit) return hit;
  const model = shape.virtual ?? schema.models[shape.model];
  const steps: Step[] = [];
  for (const f of shape.fields) {
    const d = fieldDecoder(model.fields[f], stored);
    if (d) steps.push({ name: f, decode: d });
  }
  for (const inc of shape.includes) {
    const child = rowDecoder(schema, inc.rows, cache, stored);
    const name = inc.relation;
    if (inc.cardinality === 'many') {
      // The JSON may arrive unparsed (a driver without a json parser): accept text too.
      steps.push({ name, decode: (v) => (typeof v === 'string' ? JSON.parse(v) : (v as Row[])).map(child) });
    } else {
      steps.push({ name, decode: (v) => child(typeof v === 'string' ? JSON.parse(v) : (v as Row)) });
    }
  }
  const decodeFields: RowDecoder = steps.length === 0 ? (row) => row : specialise(steps);
  const counts = shape.counts ?? [];
  // Relation counts arrive as int8 text columns `_count.<relation>`: folded into one `_count` object.
  const decode: RowDecoder =
    counts.length === 0
      ? decodeFields
      : (row) => {
          const c: Row = {};
          for (const r of counts) {
            const col = `_count.${r}`;
            c[r] = Number(row[col]);
            delete row[col];
          }
          row._count = c;
          return decodeFields(row);
        };
  cache.set(shape, decode);
  return decode;
}
