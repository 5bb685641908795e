/**
 * Counter caches on DynamoDB: each child write knows the net change it makes to each parent's
 * counter; the transaction that carries the write carries one `ADD` per touched parent (several
 * child writes on one parent in one transaction are summed, since DynamoDB refuses two
 * operations on one item in a transaction, and a parent the same transaction writes itself gets
 * the change folded into that write).
 */
import { countersOf } from '../../schema/counters.js';
import { guardsOf } from '../../schema/guards.js';
import type { KeyValues, Row } from './core.js';
import { keyString, usableKeyValue, type RunCtx } from './context.js';

export interface CounterDelta {
  /** Schema key of the parent model, its key and counter attribute. */
  readonly parent: string;
  readonly key: KeyValues;
  readonly attr: string;
  readonly delta: number;
  /** Same identity as the parent row's own write target, so folding can find it. */
  readonly target: string;
}

export const rowTargetOf = (modelName: string, key: string) => `R|${modelName}|${key}`;

/** What a child write keeps on its parent item: a counter cache's field, or a reference guard's count. */
interface Tracked {
  readonly parent: string;
  /** Positional: the parent's key fields, in order. */
  readonly foreignKeys: readonly string[];
  readonly attr: string;
}

/** The counters (counter caches and reference guards) a child row going from `before` to `after` moves (null: absent). */
export function counterDeltas(x: RunCtx, child: string, before: Row | null, after: Row | null): CounterDelta[] {
  const out: CounterDelta[] = [];
  const tracked: Tracked[] = [
    ...countersOf(x.schema, child).map((c) => ({ parent: c.parent, foreignKeys: [c.foreignKey], attr: c.field })),
    ...guardsOf(x.schema, child),
  ];
  for (const c of tracked) {
    const parent = x.schema.models[c.parent];
    // The parent's key a row points at, or null when any field of the reference is unset.
    const pointsAt = (row: Row | null): KeyValues | null => {
      if (!row || !c.foreignKeys.every((f) => usableKeyValue(row[f]))) return null;
      return Object.fromEntries(c.foreignKeys.map((f, i) => [parent.key[i], row[f]]));
    };
    const was = pointsAt(before);
    const now = pointsAt(after);
    if (was && now && keyString(was, parent.key) === keyString(now, parent.key)) continue;
    const push = (key: KeyValues, delta: number) => {
      out.push({ parent: c.parent, key, attr: c.attr, delta, target: rowTargetOf(parent.name, keyString(key, parent.key)) });
    };
    if (was) push(was, -1);
    if (now) push(now, 1);
  }
  return out;
}

/** Net change per (parent item, attribute), in first-seen order; zero sums are dropped. */
export function sumDeltas(deltas: readonly { d: CounterDelta; unit: number }[]): { d: CounterDelta; units: number[] }[] {
  const by = new Map<string, { d: CounterDelta; units: number[] }>();
  for (const { d, unit } of deltas) {
    const k = `${d.target}\u0000${d.attr}`;
    const cur = by.get(k);
    if (cur) {
      cur.d = { ...cur.d, delta: cur.d.delta + d.delta };
      if (!cur.units.includes(unit)) cur.units.push(unit);
    } else by.set(k, { d, units: [unit] });
  }
  return [...by.values()].filter((e) => e.d.delta !== 0);
}
