/**
 * The gate: what a target cannot do, decided once, from plans and Capabilities alone.
 *
 * A query's refusals are its plan's diagnostics (planQuery). A db.batch and a db.transaction are
 * planned here, from their items' plans: the client throws what these return before anything is
 * sent, and `quern lint` calls the same functions on the batches and transactions it finds, so
 * lint reports exactly what the client would throw. No other place compares a query, a batch or
 * a transaction against a capability.
 *
 * What only values can tell (how many rows a createMany holds, how many items a batch's writes
 * need once their rows are read) is counted by the engine at run time; its refusal is built by
 * the same functions (batchTooLargeDiagnostic), so code, message and fix do not drift.
 */
import type { SchemaDef } from '../schema/define.js';
import { diag, type Diagnostic } from './diagnostics.js';
import type { Operation, Plan } from './plan.js';
import type { TargetDescriptor } from './target.js';
import type { DriverName } from './capabilities.js';
import { batchItemDiagnostics } from './kv/plan.js';
import { assertNever } from './plan.js';

/** One member of a batch: its plan (null when lint cannot build it) and how many times it occurs. */
export interface BatchMember {
  readonly plan: Plan | null;
  readonly times: number;
}

/** `db.transaction()` on a target without interactive transactions. */
export function interactiveTransactionDiagnostic(target: TargetDescriptor, model = '*'): Diagnostic {
  const max = target.capabilities.maxAtomicBatch;
  return diag(
    'interactive-transaction-unsupported',
    target.driver,
    model,
    `${target.capabilities.target} has no interactive transactions: a transaction cannot read, decide, then write atomically`,
    `use db.batch([...]) for atomic writes${max !== null ? ` (one transaction, up to ${max} items)` : ''}, with version() fields for optimistic checks`,
  );
}

/**
 * An atomic batch over the target's limit. `queries` is how many the caller passed; `items` how
 * many transaction items they need (on a key-value target each write also carries its
 * unique-index entries), known from the plans or, exactly, by the engine once rows are read.
 */
export function batchTooLargeDiagnostic(driver: DriverName, target: string, queries: number | null, items: number, max: number, model = '*'): Diagnostic {
  const what =
    queries === null
      ? `the batch needs ${items} transaction items`
      : `this atomic batch holds ${queries} queries${items > queries ? ` (${items} items with their unique-index entries)` : ''}`;
  return diag(
    'batch-too-large',
    driver,
    model,
    `${what}; ${target} allows at most ${max} in one transaction (unique-index entries count as items)`,
    `split it into db.batch calls of at most ${max} items each (each is atomic on its own)`,
  );
}

/** db.transaction on this target: its refusal, or nothing. */
export function planTransaction(target: TargetDescriptor): Diagnostic[] {
  return target.capabilities.interactiveTransactions ? [] : [interactiveTransactionDiagnostic(target)];
}

/**
 * db.batch of these members on this target: items the target cannot run inside one transaction,
 * and a batch beyond its atomic limit. The item count is a lower bound (what every run needs),
 * so nothing that would run is refused here; the engine checks the exact count.
 */
export function planBatch(schema: SchemaDef, target: TargetDescriptor, members: readonly BatchMember[]): Diagnostic[] {
  const caps = target.capabilities;
  const out: Diagnostic[] = [];
  const family = caps.family;
  switch (family) {
    case 'sql':
      break;
    case 'kv':
      for (const m of members) if (m.plan) out.push(...batchItemDiagnostics(target.driver, schema, m.plan.operations));
      break;
    default:
      return assertNever(family, 'target family');
  }
  const max = caps.maxAtomicBatch;
  if (max === null) return out;
  let queries = 0;
  let items = 0;
  for (const m of members) {
    queries += m.times;
    items += m.times * (family === 'kv' && m.plan ? Math.max(1, certainItems(schema, m.plan)) : 1);
  }
  if (queries > max || items > max) out.push(batchTooLargeDiagnostic(target.driver, caps.target, queries, items, max));
  return out;
}

/**
 * Transaction items a single-row create needs whatever its values: the row and the entry of
 * each unique constraint over fields that can never be null. Other writes may touch fewer
 * (an update that leaves a unique value alone moves no entry; a many-write may match no row),
 * so they count as their one query.
 */
function certainItems(schema: SchemaDef, plan: Plan): number {
  if (plan.result.kind !== 'create' || plan.result.many) return 1;
  let n = 0;
  const writes = plan.operations.flatMap((op): readonly Operation[] => (op.kind === 'TransactWrite' ? op.items : [op]));
  for (const op of writes) {
    if (op.kind !== 'PutItem') continue;
    const model = schema.models[op.model];
    n += 1 + op.uniques.filter((u) => u.fields.every((f) => model?.fields[f] && !model.fields[f].nullable)).length;
  }
  return n;
}
