/**
 * Comparing query results across targets, saying only what the query
 * determines: rows in order where an order is given (rows that tie on the
 * order compare as a multiset, and at the edge of a limit/offset window only
 * their order values must agree), as multisets otherwise; an unordered window
 * must hold the right number of rows, each from the full result.
 */
import { orderTerms, type Args, type Row } from './query-gen.js';
import type { SchemaDef } from 'quern';

/** JSON-safe, key-sorted form of a value: Date → ISO, bigint → "123n". */
export function canon(v: unknown): unknown {
  if (v instanceof Date) return `date:${Number.isNaN(v.getTime()) ? 'invalid' : v.toISOString()}`;
  if (typeof v === 'bigint') return `${v}n`;
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = canon((v as Record<string, unknown>)[k]);
    return out;
  }
  if (typeof v === 'number' && Object.is(v, -0)) return 0;
  return v;
}

export const show = (v: unknown) => JSON.stringify(canon(v));

/**
 * Rows with their includes normalised: a has-many list keeps its order only when the include
 * orders by a field that is distinct in the data (createdAt); otherwise it is sorted canonically.
 */
export function normRow(schema: SchemaDef, model: string, row: Row | null, include: Args | undefined, ignore: readonly string[] = []): unknown {
  if (row === null || row === undefined) return row;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (ignore.includes(k)) continue;
    const rel = schema.relations[model]?.[k];
    if (!rel || !include || !(k in include)) {
      out[k] = canon(v);
      continue;
    }
    const arg = include[k];
    const sub = arg && typeof arg === 'object' ? (arg as Args) : {};
    const subInclude = sub.include as Args | undefined;
    if (Array.isArray(v)) {
      const list = v.map((x) => normRow(schema, rel.target, x as Row, subInclude, ignore));
      const terms = orderTerms(sub.orderBy);
      const keepOrder = terms.length === 1 && terms[0].field === 'createdAt';
      out[k] = keepOrder
        ? list
        : list
            .map((x) => JSON.stringify(x))
            .sort()
            .map((x) => JSON.parse(x));
    } else {
      out[k] = normRow(schema, rel.target, v as Row | null, subInclude, ignore);
    }
  }
  return out;
}

export interface Mismatch {
  readonly problem: string;
}

function multiset(xs: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function sameMultiset(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const m = multiset(a);
  for (const x of b) {
    const n = m.get(x);
    if (!n) return false;
    m.set(x, n - 1);
  }
  return true;
}

/** Each of `part` drawn from `whole`, respecting multiplicity. */
function within(part: readonly string[], whole: readonly string[]): string | null {
  const m = multiset(whole);
  for (const x of part) {
    const n = m.get(x);
    if (!n) return x;
    m.set(x, n - 1);
  }
  return null;
}

export interface RowsSpec {
  /** The query's orderBy argument (undefined: unordered). */
  readonly orderBy?: unknown;
  /** limit/offset (or findFirst) cut a window out of the full result. */
  readonly windowed: boolean;
  /** Every row the query would return without its window (normalised), when windowed. */
  readonly full?: readonly unknown[];
}

/** Compares normalised row lists; returns what differs, or null. */
export function compareRows(expected: readonly unknown[], actual: readonly unknown[], spec: RowsSpec): string | null {
  const e = expected.map((r) => JSON.stringify(r));
  const a = actual.map((r) => JSON.stringify(r));
  const terms = orderTerms(spec.orderBy);
  if (terms.length === 0) {
    if (!spec.windowed) return sameMultiset(e, a) ? null : `rows differ (as multisets): expected ${e.length} ${preview(e)}, got ${a.length} ${preview(a)}`;
    if (a.length !== e.length) return `window holds ${a.length} rows, expected ${e.length}: expected ${preview(e)}, got ${preview(a)}`;
    const full = (spec.full ?? []).map((r) => JSON.stringify(r));
    const stray = within(a, full);
    return stray === null ? null : `row not in the full result: ${stray}`;
  }
  const key = (r: unknown) => JSON.stringify(terms.map((t) => (r as Record<string, unknown>)[t.field] ?? null));
  const ek = expected.map(key);
  const ak = actual.map(key);
  if (ek.length !== ak.length) return `expected ${ek.length} rows, got ${ak.length}: expected ${preview(e)}, got ${preview(a)}`;
  for (let i = 0; i < ek.length; i++) {
    if (ek[i] !== ak[i]) return `order values differ at row ${i}: expected ${ek[i]}, got ${ak[i]} (expected ${preview(ek)}, got ${preview(ak)})`;
  }
  // Groups of rows tying on the order: compare as multisets, except where a window cuts a group.
  const full = spec.full?.map((r) => JSON.stringify(r)) ?? [];
  for (let i = 0; i < ek.length;) {
    let j = i;
    while (j < ek.length && ek[j] === ek[i]) j++;
    const edge = spec.windowed && (i === 0 || j === ek.length);
    const eg = e.slice(i, j);
    const ag = a.slice(i, j);
    if (edge) {
      const stray = within(ag, full);
      if (stray !== null) return `row not in the full result: ${stray}`;
    } else if (!sameMultiset(eg, ag)) {
      return `rows tying on ${ek[i]} differ: expected ${preview(eg)}, got ${preview(ag)}`;
    }
    i = j;
  }
  return null;
}

function preview(xs: readonly string[]): string {
  const s = `[${xs.slice(0, 6).join(', ')}${xs.length > 6 ? `, … ${xs.length - 6} more` : ''}]`;
  return s.length > 1500 ? `${s.slice(0, 1500)}…` : s;
}
