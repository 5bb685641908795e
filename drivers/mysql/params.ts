/**
 * Param binding for MySQL: the query's params array → the values for the statement's `?`
 * marks. Booleans become 1/0, timestamps UTC `YYYY-MM-DD HH:MM:SS.mmm` (what DATETIME(3)
 * takes), bigints numbers when exact (LIMIT takes no string) and digit strings otherwise,
 * lists and json values canonical JSON text.
 */
import type { ParamTransform, SqlParam, SqlScalarType, SqlTypeRef } from '../../src/plan/sql/ast.js';
import { escapeLike, jsonText } from '../../src/engine/sql/text-values.js';

type Encode = (v: unknown) => unknown;

/** A Date as DATETIME text in UTC (sessions run with time_zone '+00:00'). */
export function datetimeText(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

const TRANSFORMS: Readonly<Record<ParamTransform, (v: unknown) => unknown>> = {
  'like-contains': (v) => `%${escapeLike(String(v))}%`,
  'like-prefix': (v) => `${escapeLike(String(v))}%`,
  'like-suffix': (v) => `%${escapeLike(String(v))}`,
  'like-exact': (v) => escapeLike(String(v)),
  'plus-one': (v) => Number(v) + 1,
  // JSON_TABLE reads ISO timestamps into DATETIME(3) columns as they are.
  'json-rows': (v) => jsonText(v),
  singleton: (v) => [v],
};

const integer: Encode = (v) => {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  return v;
};

const SCALAR: Readonly<Record<SqlScalarType, Encode | null>> = {
  text: null,
  varchar: null,
  uuid: null,
  date: null,
  int: null,
  float: null,
  bigint: integer,
  decimal: (v) => (typeof v === 'string' ? v : String(v)),
  boolean: (v) => (v === true ? 1 : v === false ? 0 : v),
  timestamp: (v) => (v instanceof Date ? datetimeText(v) : v),
  json: (v) => jsonText(v),
  jsonDocument: (v) => (typeof v === 'string' ? v : jsonText(v)),
};

/** A list element inside JSON text: a timestamp as ISO text (what the decoders read back). */
const element = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

function encoder(t: SqlTypeRef): Encode | null {
  if (t.array) return (v) => jsonText((Array.isArray(v) ? v : [v]).map(element));
  return SCALAR[t.name];
}

function getter(p: SqlParam): (params: readonly unknown[]) => unknown {
  const read = (ps: readonly unknown[]): unknown => {
    let v: unknown = ps[p.slot];
    for (const k of p.path) {
      if (v === null || v === undefined) return null;
      v = (v as Record<string | number, unknown>)[k];
    }
    return v === undefined ? null : v;
  };
  const transform = p.transform ? TRANSFORMS[p.transform] : null;
  const encode = p.type ? encoder(p.type) : null;
  return (ps) => {
    let v = read(ps);
    if (v === null) return null;
    if (transform) v = transform(v);
    if (encode) v = encode(v);
    // Untyped values (LIMIT counts) still must be bindable.
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Date) return datetimeText(v);
    return integer(v);
  };
}

export function binder(specs: readonly SqlParam[]): (params: readonly unknown[]) => unknown[] {
  const getters = specs.map(getter);
  return (params) => getters.map((g) => g(params));
}
