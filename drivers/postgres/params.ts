/**
 * Param binding: the query's params array → the values sent for `$1..$n`.
 *
 * Every value is encoded here to what PostgreSQL's text input accepts for the
 * placeholder's cast (ISO timestamps, bigint digits, array literals, JSON
 * text), so pg and PGlite receive the same strings and neither driver's own
 * serialisation rules matter. The getters are built once per compiled
 * statement; binding a cached plan is a loop over closures.
 */
import type { ParamTransform, SqlParam, SqlScalarType, SqlTypeRef } from '../../src/plan/sql/ast.js';

export type ParamGetter = (params: readonly unknown[]) => unknown;

export function binder(specs: readonly SqlParam[]): (params: readonly unknown[]) => unknown[] {
  const getters = specs.map(getter);
  const n = getters.length;
  return (params) => {
    const out = new Array<unknown>(n);
    for (let i = 0; i < n; i++) out[i] = getters[i](params);
    return out;
  };
}

function getter(p: SqlParam): ParamGetter {
  const slot = p.slot;
  const path = p.path;
  if (p.pluck !== undefined) return plucker(p, p.pluck);
  const read: ParamGetter =
    path.length === 0
      ? (ps) => ps[slot]
      : (ps) => {
          let v: unknown = ps[slot];
          for (const k of path) {
            if (v === null || v === undefined) return null;
            v = (v as Record<string | number, unknown>)[k];
          }
          return v === undefined ? null : v;
        };
  const transform = p.transform ? TRANSFORMS[p.transform] : null;
  const encode = p.type ? encoder(p.type) : null;
  if (!transform && !encode) return read;
  if (!transform)
    return (ps) => {
      const v = read(ps);
      return v === null || v === undefined ? null : encode!(v);
    };
  return (ps) => {
    const v = read(ps);
    if (v === null || v === undefined) return null;
    const t = transform(v);
    return encode ? encode(t) : t;
  };
}

/** One column of a list of rows, as the array literal of the param's array type (createMany through unnest). */
function plucker(p: SqlParam, key: string): ParamGetter {
  if (!p.type?.array || p.path.length > 0 || p.transform) throw new Error(`internal: a plucked param is a typed array of a slot's rows (${key})`);
  const slot = p.slot;
  const el = SCALAR_ENCODERS[p.type.name];
  return (ps) => {
    const rows = ps[slot] as readonly Record<string, unknown>[];
    const column = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) column[i] = rows[i][key];
    return arrayLiteral(column, el);
  };
}

/** `%`, `_` and the escape character itself lose their LIKE meaning (the SQL says ESCAPE '\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Rows as one JSON document, bigints as their digits. A replacer makes JSON.stringify call back
 * into JS for every key of every row (most of a 1,000-row insert's CPU), so it is only used when
 * the plain call meets a bigint, which it refuses with a TypeError.
 */
function jsonRows(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  }
}

const TRANSFORMS: Readonly<Record<ParamTransform, (v: unknown) => unknown>> = {
  'like-contains': (v) => `%${escapeLike(String(v))}%`,
  'like-prefix': (v) => `${escapeLike(String(v))}%`,
  'like-suffix': (v) => `%${escapeLike(String(v))}`,
  'like-exact': (v) => escapeLike(String(v)),
  'plus-one': (v) => Number(v) + 1,
  'json-rows': jsonRows,
  singleton: (v) => [v],
};

type Encode = (v: unknown) => unknown;

const identity: Encode = (v) => v;
const toText: Encode = (v) => (typeof v === 'string' ? v : String(v));
const int8: Encode = (v) => (typeof v === 'bigint' ? v.toString() : v);
const timestamp: Encode = (v) => (v instanceof Date ? v.toISOString() : v);

const SCALAR_ENCODERS: Readonly<Record<SqlScalarType, Encode>> = {
  text: identity,
  varchar: identity,
  uuid: identity,
  date: identity,
  int: identity,
  float: identity,
  boolean: identity,
  bigint: int8,
  decimal: toText,
  timestamp,
  // A document param is already JSON text when a transform produced it (json-rows).
  jsonDocument: (v) => (typeof v === 'string' ? v : JSON.stringify(v)),
  json: (v) => JSON.stringify(v),
};

function encoder(t: SqlTypeRef): Encode | null {
  const el = SCALAR_ENCODERS[t.name];
  if (!t.array) return el === identity ? null : el;
  return (v) => arrayLiteral(Array.isArray(v) ? v : [v], el);
}

/** A one-dimensional PostgreSQL array literal: every element quoted, `"` and `\` escaped. */
export function arrayLiteral(values: readonly unknown[], encode: Encode = identity): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    if (i) out += ',';
    const v = values[i];
    if (v === null || v === undefined) {
      out += 'NULL';
      continue;
    }
    const e = encode(v);
    const s = typeof e === 'string' ? e : String(e);
    // Most elements (uuids, numbers, plain words) hold neither character: skip the regex for them.
    out += s.indexOf('"') < 0 && s.indexOf('\\') < 0 ? `"${s}"` : `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return out + '}';
}
