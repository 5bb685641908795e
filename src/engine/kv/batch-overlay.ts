/**
 * Read-your-writes inside one db.batch on DynamoDB. PostgreSQL runs a batch's
 * statements in order in one transaction, so an updateMany/deleteMany (or an
 * update/delete by key) sees the rows earlier items created. DynamoDB reads
 * what a write needs BEFORE its one TransactWriteItems, when those rows do not
 * exist yet: the batch's own created rows are kept here and matched in memory
 * against each later write's where (the same conditions the planner gives
 * DynamoDB), so the later write applies to them too:
 *
 * - an update of a created row folds into the create (one Put of the final row);
 * - a delete of a created row cancels it, leaving a check that the key is free
 *   (PostgreSQL would still refuse the insert of a duplicate key).
 *
 * Stored rows an earlier item deletes, or changes so that a later many write's
 * where no longer matches them, are left out of that write, as PostgreSQL's
 * statement would not see them. What cannot be made exact is refused with
 * `batch-item-unsupported` before anything is written: an update that moves a
 * created row's unique value; a delete of a created row that claims unique
 * values or already has rows pointing at it; a many write over
 * a stored row that an earlier item made match it, or that both write.
 */
import { CapabilityError } from '../../errors.js';
import type { FilterNode } from '../../query/ast.js';
import type { Operation } from '../../plan/plan.js';
import type { KvPutItem, KvUpdateItem } from '../../plan/kv/ops.js';
import { toCondition } from '../../plan/kv/filter.js';
import type { Row } from './core.js';
import { resolver, type RunCtx } from './context.js';
import { deepEqual, evaluate } from './evaluate.js';
import { queryOne } from './read.js';
import { absentUnit, createUnit, dependentsOps, rowTarget, uniqueValues, updateUnit, writeOf, type Unit } from './write.js';

/** A row an earlier create of the batch writes, and where its unit sits (replaced in place). */
interface Created {
  readonly model: string;
  readonly put: KvPutItem;
  /** The create's own context (its params resolve the Put's condition). */
  readonly x: RunCtx;
  readonly units: Unit[];
  readonly at: number;
  row: Row;
  deleted: boolean;
}

/**
 * A stored row an earlier item wrote: as it will be after the batch (null: deleted; undefined: an
 * onDelete action changed it, which this overlay does not follow).
 */
interface Touched {
  readonly model: string;
  readonly after: Row | null | undefined;
}

export type OverlayMethod = 'update' | 'delete';

export class BatchOverlay {
  private readonly created: Created[] = [];
  /** By item identity (rowTarget); the latest write wins. */
  private readonly touched = new Map<string, Touched>();
  private readonly own = new WeakSet<Unit>();

  /** Records the rows of a create item (its units, one per row, in order). */
  addCreated(x: RunCtx, put: KvPutItem, rows: readonly Row[], units: Unit[]): void {
    rows.forEach((row, at) => {
      this.created.push({ model: put.model, put, x, units, at, row, deleted: false });
      this.own.add(units[at]);
    });
  }

  /** Records the stored rows an item's units write (not those this overlay owns). */
  settle(units: readonly Unit[]): void {
    for (const u of units) {
      if (this.own.has(u)) continue;
      u.meanings.forEach((m, i) => {
        if (m.role !== 'row') return;
        const after = i > 0 ? undefined : m.method === 'delete' ? null : (u.result() as Row);
        this.touched.set(u.targets[i], { model: m.model.name, after });
      });
    }
  }

  /**
   * Applies an update/delete item to the batch's created rows its where matches; returns the rows
   * it changed (for a many write, they add to its count). `read`: the units of the stored rows a
   * many write read, reconciled in place with what earlier items write.
   */
  async apply(x: RunCtx, ops: readonly Operation[], where: FilterNode | null, method: OverlayMethod, many: boolean, read: Unit[] = []): Promise<Row[]> {
    const { w } = writeOf(ops);
    const model = x.schema.models[w.model];
    const cond = where ? toCondition(model, where) : null;
    const matches = (row: Row) => cond === null || evaluate(cond, row, resolver(x, { item: row }), model);
    if (many) this.reconcile(model.name, method, matches, read);
    const out: Row[] = [];
    for (const c of this.created) {
      if (c.deleted || c.model !== w.model || !matches(c.row)) continue;
      out.push(method === 'update' ? this.update(x, c, w as KvUpdateItem) : await this.delete(x, ops, c));
      if (!many) break;
    }
    return out;
  }

  /**
   * The stored rows a many write read (as they were before the batch) against what earlier items
   * of the batch do to them: a row they delete, or change so that it no longer matches, is
   * dropped, as PostgreSQL's statement would not see it; a row that matches only after their
   * change, or that both write, is refused (the writes would have to be merged).
   */
  private reconcile(model: string, method: OverlayMethod, matches: (row: Row) => boolean, read: Unit[]): void {
    for (const [target, t] of this.touched) {
      if (t.model !== model) continue;
      if (t.after === undefined)
        throw refusal(model, `an earlier item of the batch changes ${model} rows through onDelete, which this ${method}Many may match`);
      const at = read.findIndex((u) => u.targets[0] === target);
      const now = t.after !== null && matches(t.after);
      if (at >= 0 && now) throw refusal(model, `an earlier item of the batch writes a ${model} that this ${method}Many writes too`);
      if (at >= 0) read.splice(at, 1);
      else if (now) throw refusal(model, `an earlier item of the batch changes a ${model} so that this ${method}Many's where matches it`);
    }
  }

  /** The created row with the update applied; its create now writes that row. */
  private update(x: RunCtx, c: Created, w: KvUpdateItem): Row {
    const model = x.schema.models[c.model];
    // updateUnit computes the row (version, updatedAt, increments) and checks the ranges.
    const next = updateUnit(x, w, c.row, null, { item: c.row }).result() as Row;
    if (c.put.uniques.some((r) => !deepEqual(uniqueValues(c.row, r.fields), uniqueValues(next, r.fields))))
      throw refusal(model.name, `it changes a unique field of a ${model.name} created earlier in the same batch`);
    c.row = next;
    c.units[c.at] = createUnit(c.x, c.put, next);
    this.own.add(c.units[c.at]);
    return next;
  }

  /** The created row, no longer written: only a check that its key is free remains. */
  private async delete(x: RunCtx, ops: readonly Operation[], c: Created): Promise<Row> {
    const model = c.x.schema.models[c.model];
    if (c.put.uniques.some((r) => uniqueValues(c.row, r.fields) !== null))
      throw refusal(model.name, `it deletes a ${model.name} created earlier in the same batch, whose unique values cannot be released inside one transaction`);
    // Its counter-cache changes (+1 by the create, -1 by the delete) cancel out, as a batch's
    // changes to one parent are summed anyway: the check that remains is on its key.
    // onDelete: a row created in this batch has children only if they point at its key already
    // (stored rows, or rows created earlier in the batch); without any, every action is a no-op.
    for (const d of dependentsOps(ops)) {
      if (d.step.parentModel !== c.model) continue;
      // Every field of the reference holds the matching key field (several for a composite key).
      const pointsHere = (row: Row) => d.step.fields.every((f, i) => deepEqual(row[f], c.row[model.key[i]]));
      const created = this.created.some((o) => !o.deleted && o.model === d.model && pointsHere(o.row));
      if (created || (await queryOne(x, d, c.row[model.key[0]], { need: 1 }, { item: c.row })).rows.length > 0)
        throw refusal(model.name, `it deletes a ${model.name} created earlier in the same batch that rows already point at (onDelete)`);
    }
    c.deleted = true;
    c.units[c.at] = absentUnit(c.x, c.model, c.row);
    this.own.add(c.units[c.at]);
    return c.row;
  }
}

function refusal(model: string, why: string): CapabilityError {
  return new CapabilityError(
    'batch-item-unsupported',
    'dynamodb',
    `${why}: DynamoDB reads a write's rows before the batch's one TransactWriteItems, so it cannot run this item exactly as PostgreSQL does; nothing was written`,
    'split the batch: run the earlier write first, then this one (or write the final values in the create itself)',
    model,
  );
}
