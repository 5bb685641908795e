/**
 * Evaluates a condition AST on a fetched row, with DynamoDB's semantics
 * (two-valued: a comparison with a missing attribute is false, `<>` is true,
 * NOT is plain negation). Used only where the plan declares a ClientFilter:
 * after GetItem/BatchGetItem, which have no filter expression, over rows
 * already bounded by a key list.
 */
import type { KvCondition } from '../../plan/kv/ops.js';
import type { ModelDef } from '../../schema/model.js';
import type { Resolve, Row } from './core.js';
import { minimalDecimal } from '../../schema/decimal.js';

const absent = (v: unknown) => v === null || v === undefined;

/** Code-point order, which is DynamoDB's (UTF-8 byte) order; JS `<` compares UTF-16 units. */
export function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Orders two scalar values of the same field; NaN when they are not comparable. */
export function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : NaN;
  return NaN;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (typeof a === 'bigint' || typeof b === 'bigint')
    return (typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number') && a == b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Row)[k], (b as Row)[k]));
  }
  return false;
}

/** `model` makes decimal equality numeric ('10.5' = '10.50'), as the driver's expressions do. */
export function evaluate(c: KvCondition, row: Row, resolve: Resolve, model?: ModelDef): boolean {
  const same = (attr: string, a: unknown, b: unknown) =>
    model?.fields[attr]?.kind === 'decimal' && typeof a === 'string' && typeof b === 'string' ? minimalDecimal(a) === minimalDecimal(b) : deepEqual(a, b);
  switch (c.kind) {
    case 'and':
      return c.items.every((i) => evaluate(i, row, resolve, model));
    case 'or':
      return c.items.some((i) => evaluate(i, row, resolve, model));
    case 'not':
      return !evaluate(c.item, row, resolve, model);
    case 'const':
      return c.value;
    case 'compare': {
      const v = row[c.attr];
      const w = resolve(c.value);
      if (c.op === '<>') return absent(v) || !same(c.attr, v, w);
      if (absent(v)) return false;
      if (c.op === '=') return same(c.attr, v, w);
      const cmp = compareValues(v, w);
      if (Number.isNaN(cmp)) return false;
      return c.op === '<' ? cmp < 0 : c.op === '<=' ? cmp <= 0 : c.op === '>' ? cmp > 0 : cmp >= 0;
    }
    case 'between': {
      const v = row[c.attr];
      if (absent(v)) return false;
      return compareValues(v, resolve(c.low)) >= 0 && compareValues(v, resolve(c.high)) <= 0;
    }
    case 'in': {
      const v = row[c.attr];
      if (absent(v)) return false;
      return (resolve(c.values) as unknown[]).some((w) => same(c.attr, v, w));
    }
    case 'beginsWith': {
      const v = row[c.attr];
      return typeof v === 'string' && v.startsWith(String(resolve(c.value)));
    }
    case 'contains': {
      const v = row[c.attr];
      const w = resolve(c.value);
      if (typeof v === 'string') return typeof w === 'string' && v.includes(w);
      if (Array.isArray(v)) return v.some((x) => deepEqual(x, w));
      return false;
    }
    case 'exists':
      return absent(row[c.attr]) !== c.exists;
    default: {
      const never: never = c;
      throw new Error(`unhandled condition ${JSON.stringify(never)}`);
    }
  }
}
