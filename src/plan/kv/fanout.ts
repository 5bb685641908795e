/**
 * Fan-out that depends on values: how many partitions an `in` names, how many keys a
 * BatchGetItem reads. A cached plan cannot know it; the executor reports it when it runs
 * (warning, or an error under `strict`) and `explain`, which has the values, shows it too.
 */
import type { DriverName } from '../capabilities.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import type { Plan } from '../plan.js';
import type { KvBatchGetItem, KvQuery } from './ops.js';

/** One Query per value of a partition `in`: said for reads and counts alike. */
export function partitionFanoutDiagnostic(driver: DriverName, model: string, attr: string, n: number): Diagnostic {
  return diag(
    'fanout',
    driver,
    model,
    `${attr} in [...] becomes ${n} Query requests, one per partition`,
    `query one ${attr} at a time, or add an index whose partition the filter fixes by equality`,
  );
}

export function batchGetFanoutDiagnostic(driver: DriverName, model: string, what: string, keys: number, chunk: number): Diagnostic {
  return diag(
    'fanout',
    driver,
    model,
    `${what}: ${keys} keys need ${Math.ceil(keys / chunk)} BatchGetItem requests (${chunk} keys each)`,
    `fine for bounded lists; pass at most ${chunk} keys to read them in one request`,
  );
}

const distinctCount = (v: unknown): number => (Array.isArray(v) ? new Set(v.map((x) => (typeof x === 'bigint' ? `${x}n` : JSON.stringify(x)))).size : 1);

/** The value-dependent fan-out of a KV plan's root reads, for the given params. */
export function valueFanout(plan: Plan, params: readonly unknown[], modelName: (key: string) => string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const op of plan.operations) {
    if (op.kind === 'Query' && (op as KvQuery).step.role === 'root') {
      const q = op as KvQuery;
      const v = q.key.partition.value;
      if (!q.key.partition.each || v.from !== 'param') continue;
      const n = distinctCount(params[v.slot]);
      if (n > 1) out.push(partitionFanoutDiagnostic(plan.driver, modelName(q.model), q.key.partition.attr, n));
    } else if (op.kind === 'BatchGetItem' && (op as KvBatchGetItem).step.role === 'root') {
      const b = op as KvBatchGetItem;
      const n = b.key.reduce((acc, k) => acc * (k.each && k.value.from === 'param' ? distinctCount(params[k.value.slot]) : 1), 1);
      if (n > b.chunk) out.push(batchGetFanoutDiagnostic(plan.driver, modelName(b.model), `${modelName(b.model)} key in [...]`, n, b.chunk));
    }
  }
  return out;
}
