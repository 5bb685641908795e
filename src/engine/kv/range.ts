/**
 * Range checks for increments on a KV target. PostgreSQL refuses `integer`/`bigint` arithmetic
 * that leaves the column's range; DynamoDB's numbers hold 38 digits, so an ADD past 2^31-1 would
 * simply be stored. Each increment of an int or bigint field therefore carries a write condition
 * keeping the stored value in range (`attr <= max - delta`), and a failed condition whose item
 * breaks it is an OutOfRangeError, as on PostgreSQL.
 */
import { OutOfRangeError } from '../../errors.js';
import type { KvCondition, KvUpdate } from '../../plan/kv/ops.js';
import type { ModelDef } from '../../schema/model.js';
import { INTEGER_BOUNDS } from '../../schema/values.js';
import type { Resolve, Row } from './core.js';

export interface RangeCheck {
  readonly attr: string;
  /** The signed amount added (a decrement is negative). */
  readonly delta: number | bigint;
  readonly min: number | bigint;
  readonly max: number | bigint;
}

/** The increments of `updates` that could leave their field's range. */
export function rangeChecks(model: ModelDef, updates: readonly KvUpdate[], resolve: Resolve): RangeCheck[] {
  const out: RangeCheck[] = [];
  for (const u of updates) {
    if (u.op !== 'add') continue;
    const kind = model.fields[u.attr]?.kind;
    if (kind !== 'int' && kind !== 'bigint') continue;
    const v = resolve(u.value) as number | bigint;
    const { min, max } = INTEGER_BOUNDS[kind];
    const delta = kind === 'bigint' ? (u.negate ? -BigInt(v) : BigInt(v)) : u.negate ? -Number(v) : Number(v);
    if (delta === 0 || delta === 0n) continue;
    out.push({ attr: u.attr, delta, min, max });
  }
  return out;
}

const sub = (a: number | bigint, b: number | bigint) => (typeof a === 'bigint' ? a - BigInt(b) : a - Number(b));
const positive = (d: number | bigint) => (typeof d === 'bigint' ? d > 0n : d > 0);

/** Absent attributes stay absent (null + n is null), so only a present value must be in range. */
export function rangeCondition(checks: readonly RangeCheck[]): KvCondition | null {
  const items = checks.map((c): KvCondition => ({
    kind: 'or',
    items: [
      { kind: 'exists', attr: c.attr, exists: false },
      positive(c.delta)
        ? { kind: 'compare', attr: c.attr, op: '<=', value: { from: 'const', value: sub(c.max, c.delta) } }
        : { kind: 'compare', attr: c.attr, op: '>=', value: { from: 'const', value: sub(c.min, c.delta) } },
    ],
  }));
  return items.length === 0 ? null : items.length === 1 ? items[0] : { kind: 'and', items };
}

/** The error for the first check the row's current values break, or null. */
export function rangeViolation(model: ModelDef, checks: readonly RangeCheck[], row: Row | null | undefined): OutOfRangeError | null {
  if (!row) return null;
  for (const c of checks) {
    const cur = row[c.attr];
    if (cur === null || cur === undefined) continue;
    const next = typeof c.delta === 'bigint' ? BigInt(cur as bigint) + c.delta : Number(cur) + c.delta;
    if (next > c.max || next < c.min) {
      const kind = typeof c.delta === 'bigint' ? 'bigint' : 'integer';
      return new OutOfRangeError(
        model.name,
        c.attr,
        `${kind} out of range: ${String(cur)} + (${String(c.delta)}) is outside ${String(c.min)}..${String(c.max)}; nothing was written`,
      );
    }
  }
  return null;
}
