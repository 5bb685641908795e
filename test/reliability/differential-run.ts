/**
 * Running one generated read query on a target and judging it against the
 * oracle's answer. Shared by the differential suite and its regression tests.
 */
import { CapabilityError, DIAGNOSTIC_SEVERITY, QuernError, ValidationError, type SchemaDef } from 'quern';
import { compareRows, normRow, show } from './compare.js';
import type { Args, GenQuery, Row } from './query-gen.js';
import { on, outcome, type LooseDb } from './targets.js';

export const DOCUMENTED_CODES = new Set(Object.keys(DIAGNOSTIC_SEVERITY));

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Page {
  items: Row[];
  nextCursor: string | null;
  prevCursor: string | null;
}

/** Walks every page (forward or backward) and returns the rows in query order; problems found on the way are thrown. */
async function walk(db: LooseDb, q: GenQuery, maxRows: number): Promise<Row[]> {
  const { size, backward } = q.page!;
  const pages: Row[][] = [];
  let cursor: string | null = null;
  const maxPages = Math.ceil(maxRows / size) + 3;
  for (let i = 0; ; i++) {
    if (i > maxPages) throw new Error(`paginate did not end after ${maxPages} pages of ${size}: a cursor loops`);
    const args: Args = {
      ...q.args,
      ...(backward ? { last: size, ...(cursor ? { before: cursor } : {}) } : { first: size, ...(cursor ? { after: cursor } : {}) }),
    };
    const page = (await on(db, q.model).paginate(args)) as Page;
    if (page.items.length > size) throw new Error(`page ${i} holds ${page.items.length} rows, more than ${size}`);
    const next = backward ? page.prevCursor : page.nextCursor;
    // Only the last page may be short: "a short page is a bug" (design.md, limit with a filter).
    if (next !== null && page.items.length < size) throw new Error(`page ${i} holds ${page.items.length} of ${size} rows although more pages follow`);
    if (i > 0 && (backward ? page.nextCursor : page.prevCursor) === null && page.items.length > 0)
      throw new Error(`page ${i} (after a cursor) has no cursor back`);
    pages.push(page.items);
    if (next === null) break;
    cursor = next;
  }
  if (backward) pages.reverse();
  return pages.flat();
}

export async function runOn(db: LooseDb, q: GenQuery, maxRows: number): Promise<Outcome> {
  if (q.method === 'paginate') return outcome(walk(db, q, maxRows));
  return outcome(on(db, q.model)[q.method](q.args));
}

/** What the oracle answers for the same query without its window (limit/offset, findFirst, pages). */
export function fullQuery(q: GenQuery): GenQuery | null {
  const { limit, offset, ...rest } = q.args;
  void limit;
  void offset;
  if (q.method === 'findFirst' || q.method === 'paginate') return { model: q.model, method: 'findMany', args: rest };
  if (q.method === 'findMany' && (q.args.limit !== undefined || q.args.offset !== undefined)) return { model: q.model, method: 'findMany', args: rest };
  return null;
}

/** Compares a target's value to the oracle's; null when they agree on everything the query determines. */
export function compareValues(
  schema: SchemaDef,
  q: GenQuery,
  expected: unknown,
  actual: unknown,
  full: unknown,
  ignore: readonly string[] = [],
): string | null {
  const include = q.args.include as Args | undefined;
  const norm = (r: unknown) => normRow(schema, q.model, r as Row, include, ignore);
  switch (q.method) {
    case 'count':
      return expected === actual ? null : `count: expected ${String(expected)}, got ${String(actual)}`;
    case 'aggregate': {
      const e = show(roundFloats(expected)),
        a = show(roundFloats(actual));
      return e === a ? null : `aggregate: expected ${e}, got ${a}`;
    }
    case 'groupBy': {
      const e = (expected as unknown[]).map((r) => show(roundFloats(r))),
        a = (actual as unknown[]).map((r) => show(roundFloats(r)));
      // Ordered by every by field when ordered at all: a total order over groups, so compare in order.
      const same = q.args.orderBy ? e.join('\n') === a.join('\n') : [...e].sort().join('\n') === [...a].sort().join('\n');
      return same ? null : `groupBy: expected ${e.join(', ')}, got ${a.join(', ')}`;
    }
    case 'findUnique': {
      const e = show(norm(expected)),
        a = show(norm(actual));
      return e === a ? null : `findUnique: expected ${e}, got ${a}`;
    }
    case 'findFirst':
      return compareRows(expected === null ? [] : [norm(expected)], actual === null ? [] : [norm(actual)], {
        orderBy: q.args.orderBy,
        windowed: true,
        full: (full as Row[]).map(norm),
      });
    case 'findMany':
    case 'paginate': {
      const windowed = q.method === 'findMany' && (q.args.limit !== undefined || q.args.offset !== undefined);
      return compareRows((expected as Row[]).map(norm), (actual as Row[]).map(norm), {
        orderBy: q.method === 'paginate' && !q.args.orderBy ? undefined : q.args.orderBy,
        windowed,
        full: windowed ? (full as Row[]).map(norm) : undefined,
      });
    }
  }
}

/** Float aggregates may differ in the last bits (summation order): compare them to 12 significant digits. */
function roundFloats(v: unknown): unknown {
  if (typeof v === 'number' && !Number.isInteger(v)) return Number(v.toPrecision(12));
  if (Array.isArray(v)) return v.map(roundFloats);
  if (v && typeof v === 'object' && !(v instanceof Date)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundFloats(x)]));
  return v;
}

export type Verdict = { kind: 'same' } | { kind: 'refused'; code: string } | { kind: 'invalid' } | { kind: 'violation'; problem: string };

/**
 * Judges a target's outcome against the oracle's.
 * `kv`: the target may refuse a query with a documented CapabilityError code.
 */
export function judge(schema: SchemaDef, q: GenQuery, oracle: Outcome, other: Outcome, full: unknown, kv: boolean): Verdict {
  if (!oracle.ok) {
    if (oracle.error instanceof ValidationError) {
      if (!other.ok && other.error instanceof ValidationError) return { kind: 'invalid' };
      if (!other.ok && kv && other.error instanceof CapabilityError && DOCUMENTED_CODES.has(other.error.code)) return { kind: 'invalid' };
      return {
        kind: 'violation',
        problem: `the oracle rejected the query as invalid (${String(oracle.error)}) but the target ${other.ok ? 'ran it' : `threw ${describeError(other.error)}`}`,
      };
    }
    return { kind: 'violation', problem: `the oracle failed: ${describeError(oracle.error)}` };
  }
  if (!other.ok) {
    const e = other.error;
    if (kv && e instanceof CapabilityError) {
      if (!DOCUMENTED_CODES.has(e.code)) return { kind: 'violation', problem: `refused with an undocumented code '${e.code}': ${e.message}` };
      if (!e.fix || !/\S{3}/.test(e.fix)) return { kind: 'violation', problem: `refusal ${e.code} without a concrete fix: ${e.message}` };
      return { kind: 'refused', code: e.code };
    }
    return { kind: 'violation', problem: `the oracle ran the query but the target threw ${describeError(e)}` };
  }
  const problem = compareValues(schema, q, oracle.value, other.value, full);
  return problem === null ? { kind: 'same' } : { kind: 'violation', problem };
}

export function describeError(e: unknown): string {
  if (e instanceof QuernError) return `${e.name}: ${e.message}`;
  if (e instanceof Error) return `untyped ${e.name}: ${e.message}\n${e.stack?.split('\n').slice(1, 6).join('\n') ?? ''}`;
  return `non-error ${String(e)}`;
}
