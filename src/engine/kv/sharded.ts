/**
 * Reads of a sharded index (`index(f, { shards: N })`): one Query per shard, merged by
 * (f, table key). Each shard is read until it holds `need` matches past the boundary AND the
 * group of items tied with its need-th on f is complete; any item left unread in a shard then
 * sorts after `need` items of that shard, so the merge's first `need` rows are exact. Without a
 * filter that is one request per shard (Limit need+1 shows whether the tie group continues).
 */
import type { KvCondition, KvQuery, KvSortCondition, KvValue } from '../../plan/kv/ops.js';
import type { ModelDef } from '../../schema/model.js';
import type { KeyValues, Row } from './core.js';
import { mapLimit, resolver, type RunCtx, type Scope } from './context.js';
import { evaluate } from './evaluate.js';
import type { ReadResult, Want } from './read.js';

/** DynamoDB's key order on decoded values: strings by UTF-8 bytes, numbers and dates by value. */
export function compareValues(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if ((typeof a === 'number' || typeof a === 'bigint') && (typeof b === 'number' || typeof b === 'bigint')) return a < b ? -1 : a > b ? 1 : 0;
  return 0;
}

/** The order a sharded read merges in: the field in the read's direction, then the table key. */
export function shardedOrder(model: ModelDef, op: KvQuery): (a: Row, b: Row) => number {
  const s = op.shards!;
  const dir = op.direction === 'forward' ? 1 : -1;
  const keyDir = s.keyOrder === 'asc' ? 1 : -1;
  return (a, b) => {
    const c = compareValues(a[s.field], b[s.field]) * dir;
    if (c !== 0) return c;
    for (const k of model.key) {
      const d = compareValues(a[k], b[k]);
      if (d !== 0) return d * keyDir;
    }
    return 0;
  };
}

/** The attributes of a sharded page boundary: the field and the table key (the shard follows from the key). */
export const shardedBoundaryAttrs = (model: ModelDef, op: KvQuery): string[] => [...new Set([op.shards!.field, ...model.key])];

/** The key condition on the sort field, as a filter (when a cursor takes the key condition's place). */
function sortAsCondition(attr: string, c: KvSortCondition): KvCondition {
  switch (c.op) {
    case 'between':
      return { kind: 'between', attr, low: c.low, high: c.high };
    case 'beginsWith':
      return { kind: 'beginsWith', attr, value: c.value };
    case '=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return { kind: 'compare', attr, op: c.op, value: c.value };
    default: {
      const never: never = c;
      throw new Error(`unhandled sort condition ${JSON.stringify(never)}`);
    }
  }
}

export async function readSharded(x: RunCtx, op: KvQuery, want: Want, scope: Scope = {}): Promise<ReadResult> {
  const model = x.schema.models[op.model];
  const s = op.shards!;
  const order = shardedOrder(model, op);
  const forward = op.direction === 'forward';
  const after = want.startKey ?? null;
  const boundaryRef: KvValue = { from: 'const', value: 'quern-boundary' };
  // After a boundary the key condition starts at its value (ties included, then dropped by the
  // full order); the filter's own condition on the field is then checked on the items.
  const key = after
    ? { partition: op.key.partition, sort: { attr: s.field, cond: { op: forward ? ('>=' as const) : ('<=' as const), value: boundaryRef } } }
    : op.key;
  const checks = [op.postFilter, after && op.key.sort ? sortAsCondition(op.key.sort.attr, op.key.sort.cond) : null].filter((c): c is KvCondition => !!c);
  const need = want.need;
  const hasFilter = !!op.filter || checks.length > 0 || !!after;
  const tieOpen = (rows: Row[]) => need !== null && rows.length > need && compareValues(rows[need - 1][s.field], rows[rows.length - 1][s.field]) === 0;

  const shards = Array.from({ length: s.count }, (_, i) => i);
  const results = await mapLimit(shards, s.count, async (shard) => {
    const override = new Map<KvValue, unknown>(scope.override ?? []);
    override.set(op.key.partition.value, shard);
    if (after) override.set(boundaryRef, after[s.field]);
    const resolve = resolver(x, { ...scope, override });
    const rows: Row[] = [];
    let start: KeyValues | null = null;
    for (;;) {
      const pageSize = hasFilter || need === null ? undefined : Math.max(need + 1 - rows.length, 1);
      const page = await x.core.query(
        { model: op.model, index: op.index, key, filter: op.filter, forward, pageSize, startKey: start, select: 'items', resolve },
        x.log,
      );
      for (const r of page.items) {
        if (after && order(r, after) <= 0) continue;
        if (checks.some((c) => !evaluate(c, r, resolve, model))) continue;
        rows.push(r);
      }
      if (!page.lastKey) return { rows, more: false };
      if (need !== null && rows.length > need && !tieOpen(rows)) return { rows, more: true };
      start = page.lastKey;
    }
  });
  const all = results.flatMap((r) => r.rows).sort(order);
  if (need === null) return { rows: all, more: false };
  return { rows: all.slice(0, need), more: all.length > need || results.some((r) => r.more) };
}
