/**
 * Param binding for SQL drivers with `?` marks whose clients bind plain values only (SQLite,
 * MySQL): the query's params array → one value per mark. What each such driver shares is here
 * (reading a param's slot and path, the LIKE and JSON transforms, lists as JSON text); what
 * differs is its rules: how each scalar type is written, and what an untyped value (a LIMIT
 * count, a raw text match) becomes.
 */
import type { ParamTransform, SqlParam, SqlScalarType, SqlTypeRef } from '../../plan/sql/ast.js';
import { escapeLike, jsonText } from './text-values.js';

export type Encode = (v: unknown) => unknown;

export interface BindRules {
  /** Per scalar type, how a value is written; null: as it is. */
  readonly scalar: Readonly<Record<SqlScalarType, Encode | null>>;
  /** The last step for every value, typed or not, so that anything left is bindable. */
  readonly untyped: Encode;
}

const TRANSFORMS: Readonly<Record<ParamTransform, Encode>> = {
  'like-contains': (v) => `%${escapeLike(String(v))}%`,
  'like-prefix': (v) => `${escapeLike(String(v))}%`,
  'like-suffix': (v) => `%${escapeLike(String(v))}`,
  'like-exact': (v) => escapeLike(String(v)),
  'plus-one': (v) => Number(v) + 1,
  'json-rows': (v) => jsonText(v),
  singleton: (v) => [v],
};

/** A list element inside JSON text: a timestamp as ISO text (what the decoders read back). */
const element = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);

function encoder(rules: BindRules, t: SqlTypeRef): Encode | null {
  if (t.array) return (v) => jsonText((Array.isArray(v) ? v : [v]).map(element));
  return rules.scalar[t.name];
}

function getter(rules: BindRules, p: SqlParam): (params: readonly unknown[]) => unknown {
  const read = (ps: readonly unknown[]): unknown => {
    let v: unknown = ps[p.slot];
    for (const k of p.path) {
      if (v === null || v === undefined) return null;
      v = (v as Record<string | number, unknown>)[k];
    }
    return v === undefined ? null : v;
  };
  const transform = p.transform ? TRANSFORMS[p.transform] : null;
  const encode = p.type ? encoder(rules, p.type) : null;
  return (ps) => {
    let v = read(ps);
    if (v === null) return null;
    if (transform) v = transform(v);
    if (encode) v = encode(v);
    return rules.untyped(v);
  };
}

/** A driver's binder: built once per statement from its param specs. */
export function positionalBinder(rules: BindRules): (specs: readonly SqlParam[]) => (params: readonly unknown[]) => unknown[] {
  return (specs) => {
    const getters = specs.map((p) => getter(rules, p));
    return (params) => getters.map((g) => g(params));
  };
}
