/**
 * Runs KV plans (see src/plan/kv) on a KvDriverCore. Reads follow the plan's
 * access path; includes are batched; writes keep unique-index entries and
 * version() fields consistent inside TransactWriteItems; db.batch is one
 * TransactWriteItems.
 */
import { BatchError, CapabilityError, NotFoundError, QuernError, ValidationError } from '../../errors.js';
import type { ResultSpec } from '../../plan/result.js';
import { MAX_FOLD_ITEMS } from '../../plan/kv/plan.js';
import { batchTooLargeDiagnostic, planTransaction } from '../../plan/gate.js';
import { atomicLimit } from '../../plan/kv/target.js';
import type { TargetDescriptor } from '../../plan/target.js';
import type { Operation } from '../../plan/plan.js';
import { kvSchema } from '../../schema/colocation.js';
import type { KvQuery, KvReadOperation, KvScan } from '../../plan/kv/ops.js';
import type { BatchGuard, ExecContext, Executor, PageResult, PreparedQuery } from '../driver.js';
import type { KvDriverCore, Row } from './core.js';
import { keyString, rowKey, runCtx, type RunCtx } from './context.js';
import { hasRelatedSteps, readCollection, runCounts, runIncludes } from './include.js';
import { BatchOverlay } from './batch-overlay.js';
import { checkFoldSize, distinctRows, foldGroups } from './fold.js';
import { termName } from '../../query/aggregate.js';
import { boundaryAttrs, boundaryOf, branches, checkBoundary, countRoot, isRootRead, readBranch, readRoot } from './read.js';
import {
  batchUnits,
  guardUnit,
  runCreate,
  transactionSize,
  transactUnits,
  UnitFailure,
  runDeleteOne,
  runMany,
  runUpdateOne,
  runUpsert,
  type Unit,
} from './write.js';

/** What a plan's operations hold, worked out once per plan rather than filtered again on every call. */
interface PlanFacts {
  readonly reads: readonly KvReadOperation[];
  /** Includes, _count Queries or counter-cache reads: without them the related-row steps are skipped, awaits and all. */
  readonly related: boolean;
}

const planFacts = new WeakMap<readonly Operation[], PlanFacts>();

function factsOf(ops: readonly Operation[]): PlanFacts {
  let f = planFacts.get(ops);
  if (!f) {
    f = { reads: ops.filter(isRootRead) as KvReadOperation[], related: hasRelatedSteps(ops) };
    planFacts.set(ops, f);
  }
  return f;
}

export interface KvExecutorOptions {
  /** Requests in flight at most for one query (includes, key chunks, partitions). Default 8. */
  readonly concurrency?: number;
}

export class KvExecutor implements Executor {
  private readonly concurrency: number;
  private readonly atomicLimit: number;
  constructor(
    private readonly core: KvDriverCore,
    private readonly target: TargetDescriptor,
    opts: KvExecutorOptions = {},
  ) {
    this.concurrency = opts.concurrency ?? 8;
    this.atomicLimit = atomicLimit(target.capabilities);
  }

  /** Plans and rows of colocated models use the DynamoDB view of the schema (src/schema/colocation.ts). */
  private kvCtx(ctx: ExecContext): ExecContext {
    const schema = kvSchema(ctx.schema);
    return schema === ctx.schema ? ctx : { ...ctx, schema };
  }

  /** The plan was gated by the client (src/plan/gate.ts is the one gate): it runs as planned. */
  private ctx(q: PreparedQuery, ctx: ExecContext): RunCtx {
    return runCtx(this.core, this.kvCtx(ctx), q.params, this.concurrency, this.atomicLimit);
  }

  async run(q: PreparedQuery, ctx: ExecContext): Promise<unknown> {
    const x = this.ctx(q, ctx);
    const res = q.plan.result;
    const ops = q.plan.operations;
    const model = x.schema.models[q.plan.modelKey];
    switch (res.kind) {
      case 'findMany':
      case 'findFirst':
      case 'findUnique': {
        const limit = res.limit ? (x.params[res.limit.slot] as number) : null;
        const offset = res.offset ? (x.params[res.offset.slot] as number) : 0;
        if (limit === 0) return res.kind === 'findMany' ? [] : null;
        const facts = factsOf(ops);
        const reads = facts.reads;
        const collection = reads.length === 1 && reads[0].kind === 'GetItem' && reads[0].collection ? reads[0] : null;
        if (collection) {
          // A parent with its colocated children: one Query of the item collection.
          const { rows, served } = await readCollection(x, collection, ops);
          await runIncludes(x, ops, rows, served);
          await runCounts(x, ops, rows);
          if (res.kind === 'findMany') return rows;
          if (rows.length === 0 && res.orThrow) throw new NotFoundError(model.name);
          return rows[0] ?? null;
        }
        let read: Row[];
        if (res.distinct) {
          // Which combinations exist is known only after reading every match.
          read = await readRoot(x, model, reads, MAX_FOLD_ITEMS + 1);
          checkFoldSize(model, read.length, `distinct ${res.distinct.join(', ')}`);
          read = distinctRows(model, read, res.distinct);
        } else {
          read = await readRoot(x, model, reads, limit === null ? null : limit + offset);
        }
        const rows = read.slice(offset, limit === null ? undefined : offset + limit);
        if (facts.related) {
          await runIncludes(x, ops, rows);
          await runCounts(x, ops, rows);
        }
        if (res.kind === 'findMany') return rows;
        if (rows.length === 0 && res.orThrow) throw new NotFoundError(model.name);
        return rows[0] ?? null;
      }
      case 'paginate':
        return this.page(x, q, res);
      case 'count':
        return countRoot(x, model, ops.filter(isRootRead) as KvReadOperation[]);
      case 'aggregate': {
        const reads = ops.filter(isRootRead) as KvReadOperation[];
        const fold = res.fold;
        if (!fold.by && fold.terms.every((t) => t.fn === 'count' && t.field === null)) {
          const n = await countRoot(x, model, reads);
          return [Object.fromEntries(fold.terms.map((t) => [termName(t), n]))];
        }
        const rows = await readRoot(x, model, reads, MAX_FOLD_ITEMS + 1);
        checkFoldSize(model, rows.length, fold.by ? `groupBy ${fold.by.join(', ')}` : 'aggregate');
        return foldGroups(x, res.fold, model, rows);
      }
      case 'create': {
        const r = await runCreate(x, ops, res.many && res.returning);
        if (!res.many) await runIncludes(x, ops, [r as Row]);
        return r;
      }
      case 'update': {
        if (res.many) return runMany(x, ops);
        const row = await runUpdateOne(x, ops);
        await runIncludes(x, ops, [row]);
        return row;
      }
      case 'upsert': {
        const row = await runUpsert(x, ops);
        await runIncludes(x, ops, [row]);
        return row;
      }
      case 'delete':
        return res.many ? runMany(x, ops) : runDeleteOne(x, ops);
      default: {
        const never: never = res;
        throw new QuernError(`internal: unknown query kind ${JSON.stringify(never)}`);
      }
    }
  }

  /**
   * One page plus boundaries. A Query/Scan resumes after the boundary item (ExclusiveStartKey)
   * and reads size+1 matches to know whether more exist; backward reads run in reverse
   * (the plan flipped ScanIndexForward) and are turned back into query order here.
   */
  private async page(x: RunCtx, q: PreparedQuery, res: Extract<ResultSpec, { kind: 'paginate' }>): Promise<PageResult> {
    const modelKey = q.plan.modelKey;
    const model = x.schema.models[modelKey];
    const size = x.params[res.size.slot] as number;
    const backward = res.direction === 'backward';
    const rawCursor = res.cursor ? x.params[res.cursor.slot] : null;
    // A cursor was given: whatever it decoded to (even null) must be a valid boundary.
    const hasCursor = res.cursor !== null;
    const reads = q.plan.operations.filter(isRootRead) as KvReadOperation[];
    const bs = branches(reads);
    const single = bs.length === 1 && (bs[0].op.kind === 'Query' || bs[0].op.kind === 'Scan') ? (bs[0].op as KvQuery | KvScan) : null;
    let items: Row[];
    let more: boolean;
    let boundary: (r: Row) => Record<string, unknown>;
    if (single) {
      const attrs = boundaryAttrs(x, single);
      const startKey = hasCursor ? checkBoundary(x, model, attrs, rawCursor, `${modelKey}.paginate.${backward ? 'before' : 'after'}`) : null;
      const r = await readBranch(x, bs[0], { need: size + 1, startKey });
      more = r.rows.length > size;
      items = r.rows.slice(0, size);
      boundary = (row) => boundaryOf(x, single, row);
    } else {
      // Key paths (GetItem, BatchGetItem, unique lookup): a bounded list, paged in memory by key.
      // The boundary is checked before any request.
      const b = hasCursor ? checkBoundary(x, model, model.key, rawCursor, `${modelKey}.paginate.${backward ? 'before' : 'after'}`) : null;
      const all = await readRoot(x, model, reads, null);
      const ordered = backward ? [...all].reverse() : all;
      let from = 0;
      if (b) {
        const at = ordered.findIndex((r) => rowKey(model, r) === keyString(b, model.key));
        from = at < 0 ? ordered.length : at + 1;
      }
      more = ordered.length - from > size;
      items = ordered.slice(from, from + size);
      boundary = (row) => Object.fromEntries(model.key.map((k) => [k, row[k]]));
    }
    if (backward) items.reverse();
    await runIncludes(x, q.plan.operations, items);
    await runCounts(x, q.plan.operations, items);
    const first = items[0];
    const last = items[items.length - 1];
    if (!backward) return { items, next: more && last ? boundary(last) : null, prev: hasCursor && first ? boundary(first) : null };
    return { items, next: hasCursor && last ? boundary(last) : null, prev: more && first ? boundary(first) : null };
  }

  /** db.batch: every item's writes in ONE TransactWriteItems; reads they need happen first. */
  async batch(items: readonly PreparedQuery[], ctx: ExecContext, guards: readonly BatchGuard[] = []): Promise<unknown[]> {
    // What the plans alone refuse (planBatch) the client refused before this call.
    const prepared: { units: Unit[]; result: () => unknown }[] = [];
    const overlay = new BatchOverlay();
    for (let i = 0; i < items.length; i++) {
      const q = items[i];
      const x = this.ctx(q, ctx);
      try {
        const r = q.plan.result;
        const where = r.kind === 'update' || r.kind === 'delete' ? r.where : null;
        prepared.push(await batchUnits(x, q.plan.kind, q.plan.operations, overlay, where, r.kind === 'create' && r.many && r.returning));
      } catch (e) {
        // A shape DynamoDB cannot run as PostgreSQL does is the batch's refusal, not an item's failure.
        if (e instanceof CapabilityError && e.code === 'batch-item-unsupported') throw e;
        if (e instanceof QuernError && !(e instanceof ValidationError)) throw new BatchError(i, e.message, e);
        throw e;
      }
    }
    const all = prepared.flatMap((p, i) => p.units.map((u) => ({ u, i })));
    if (guards.length) {
      // A ConditionCheck per guard, unless the row is written in the transaction anyway (DynamoDB
      // refuses two operations on one item; the write's own condition then checks it). Counter
      // ADDs on the guarded row fold into the guard's item, so its failure still reads "not found".
      const gx = runCtx(this.core, this.kvCtx(ctx), [], this.concurrency, this.atomicLimit);
      const written = new Set(all.flatMap(({ u }) => u.targets));
      guards.forEach((g, gi) => {
        const u = guardUnit(gx, g.model, g.key);
        if (!u.targets.some((t) => written.has(t))) all.push({ u, i: items.length + gi });
        for (const t of u.targets) written.add(t);
      });
    }
    const total = transactionSize(all.map(({ u }) => u));
    // The exact count, known once the writes' rows are read: the plans gave a lower bound.
    if (total > this.atomicLimit) {
      throw CapabilityError.of([batchTooLargeDiagnostic(this.target.driver, this.target.capabilities.target, null, total, this.atomicLimit)]);
    }
    // Two writes to one item in a transaction are rejected by DynamoDB; name both items instead.
    const seen = new Map<string, number>();
    for (const { u, i } of all) {
      for (const t of u.targets) {
        const prev = seen.get(t);
        if (prev !== undefined && prev !== i)
          throw new BatchError(i, `it writes the same item as batch item ${prev} (${t}); DynamoDB cannot write one item twice in a transaction`);
        seen.set(t, i);
      }
    }
    if (total > 0) {
      const x = runCtx(this.core, this.kvCtx(ctx), [], this.concurrency, this.atomicLimit);
      try {
        await transactUnits(
          x,
          all.map(({ u }) => u),
        );
      } catch (e) {
        if (!(e instanceof UnitFailure)) throw e;
        throw new BatchError(all[e.index].i, `${e.error.name}: ${e.error.message}`, e.error);
      }
    }
    return prepared.map((p) => p.result());
  }

  async transaction<T>(): Promise<T> {
    // The client refuses db.transaction from planTransaction before it gets here.
    throw CapabilityError.of(planTransaction(this.target));
  }
}
