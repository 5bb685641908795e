/**
 * Param binding for SQLite: the query's params array → the values for the
 * statement's `?` marks. SQLite binds numbers, strings, bigints and null only,
 * so booleans become 1/0, timestamps ISO text (which sorts as time does),
 * and lists and json values JSON text (read back with json_each / ->).
 */
import type { ParamTransform, SqlParam, SqlScalarType, SqlTypeRef } from '../../src/plan/sql/ast.js';
import { escapeLike, jsonText } from '../../src/engine/sql/text-values.js';

export { jsonText };

type Encode = (v: unknown) => unknown;

const TRANSFORMS: Readonly<Record<ParamTransform, (v: unknown) => unknown>> = {
  'like-contains': (v) => `%${escapeLike(String(v))}%`,
  'like-prefix': (v) => `${escapeLike(String(v))}%`,
  'like-suffix': (v) => `%${escapeLike(String(v))}`,
  'like-exact': (v) => escapeLike(String(v)),
  'plus-one': (v) => Number(v) + 1,
  'json-rows': (v) => jsonText(v),
  singleton: (v) => [v],
};

const timestamp: Encode = (v) => (v instanceof Date ? v.toISOString() : v);
const bool: Encode = (v) => (v === true ? 1 : v === false ? 0 : v);

const SCALAR: Readonly<Record<SqlScalarType, Encode | null>> = {
  text: null,
  varchar: null,
  uuid: null,
  date: null,
  int: null,
  float: null,
  bigint: (v) => (typeof v === 'number' ? BigInt(v) : v),
  decimal: (v) => (typeof v === 'string' ? v : String(v)),
  boolean: bool,
  timestamp,
  json: (v) => jsonText(v),
  // Built by a transform (json-rows) already.
  jsonDocument: (v) => (typeof v === 'string' ? v : jsonText(v)),
};

/** A list element inside JSON text: a timestamp as ISO text, a bigint as exact digits. */
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
    // Untyped values (LIMIT counts, raw text matches) still must be bindable.
    return typeof v === 'boolean' ? (v ? 1 : 0) : v instanceof Date ? v.toISOString() : v;
  };
}

export function binder(specs: readonly SqlParam[]): (params: readonly unknown[]) => unknown[] {
  const getters = specs.map(getter);
  return (params) => getters.map((g) => g(params));
}
