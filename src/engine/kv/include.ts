/**
 * Runs the include steps of a plan over already-read parent rows: belongsTo is
 * ONE BatchGetItem of the parents' distinct foreign keys (chunks of 100);
 * hasMany/hasOne is a Query per parent on the foreign-key index, in parallel
 * with bounded concurrency. Related rows are attached under the relation name.
 */
import type { Operation } from '../../plan/plan.js';
import type { KvBatchGetItem, KvQuery, KvValue } from '../../plan/kv/ops.js';
import type { Row } from './core.js';
import { keyString, mapLimit, resolver, usableKeyValue, type RunCtx } from './context.js';
import { batchGet, queryOne } from './read.js';

type IncludeOp = (KvBatchGetItem | KvQuery) & { step: { role: 'include' } };

const isInclude = (op: Operation): op is IncludeOp => (op.kind === 'BatchGetItem' || op.kind === 'Query') && op.step.role === 'include';

export function hasIncludes(ops: readonly Operation[]): boolean {
  return ops.some(isInclude);
}

function distinct(values: unknown[]): unknown[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    if (!usableKeyValue(v)) return false;
    const k = keyString({ v }, ['v']);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export async function runIncludes(x: RunCtx, ops: readonly Operation[], roots: Row[]): Promise<void> {
  // Rows reached at each relation path; nested includes read their parents from here.
  const levels = new Map<string, Row[]>([['', roots]]);
  for (const op of ops) {
    if (!isInclude(op)) continue;
    const step = op.step;
    const parents = levels.get(step.path.slice(0, -1).join('.')) ?? [];
    const children: Row[] = [];
    const values = distinct(parents.map((p) => p[step.parentField]));
    if (op.kind === 'BatchGetItem') {
      const target = x.schema.models[op.model];
      const rows = values.length ? await batchGet(x, op.model, values.map((v) => ({ [step.childField]: v })), `include ${step.path.join('.')}`) : [];
      const byKey = new Map(rows.map((r) => [keyString(r, target.key), r]));
      for (const p of parents) {
        const v = p[step.parentField];
        const child = usableKeyValue(v) ? byKey.get(keyString({ [step.childField]: v }, [step.childField])) ?? null : null;
        p[step.relation] = child;
      }
      children.push(...byKey.values());
    } else {
      const perParent = await mapLimit(values, x.concurrency, async (v) => {
        const limit = op.limit ? resolver(x)(op.limit) as number : null;
        if (limit === 0) return [v, []] as const;
        const res = await queryOne(x, op, v, { need: limit }, { override: new Map<KvValue, unknown>() });
        return [v, res.rows] as const;
      });
      const byParent = new Map(perParent.map(([v, rows]) => [keyString({ v }, ['v']), rows]));
      for (const p of parents) {
        const v = p[step.parentField];
        const rows = usableKeyValue(v) ? byParent.get(keyString({ v }, ['v'])) ?? [] : [];
        // Each parent gets its own array: the same child never appears under two parents here.
        p[step.relation] = step.cardinality === 'one' ? rows[0] ?? null : [...rows];
        children.push(...rows);
      }
    }
    levels.set(step.path.join('.'), children);
  }
}
