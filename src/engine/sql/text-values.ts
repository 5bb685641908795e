/**
 * Values as text, for the SQL dialects that keep lists and json values as JSON text (SQLite,
 * MySQL): one canonical JSON form, and LIKE patterns with their wildcards escaped.
 */

/** `%`, `_` and the escape character itself lose their LIKE meaning (the SQL says ESCAPE '\'). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Object keys in code-point order, at every depth: the one text form a JSON value is stored and compared in. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object' || v instanceof Date) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = canonical((v as Record<string, unknown>)[k]);
  return out;
}

/**
 * One JSON value as text, with bigints written as their exact digits (JSON.stringify refuses
 * them) and object keys sorted: SQLite compares JSON as text, so `json equals` ignores key order
 * only when every stored value and every param is written the same way.
 */
export function jsonText(v: unknown): string {
  return JSON.stringify(canonical(v), (_k, x) => (typeof x === 'bigint' ? `\u0000${x.toString()}` : x)).replace(
    /"\\u0000(-?\d+)"/g,
    (_quoted, digits: string) => digits,
  );
}
