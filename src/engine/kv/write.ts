/**
 * Writes on a KV target. Unique constraints live in a unique-index table: a
 * row's write and its entries go in ONE TransactWriteItems, every entry claimed
 * under attribute_not_exists, so a duplicate cancels everything. version()
 * fields become conditions. Writes are compiled into units (the items of one
 * logical row write, plus how to read their failure) so a single call, a bulk
 * write and db.batch share one path.
 */
import {
  CapabilityError,
  ConcurrencyError,
  DriverError,
  ForeignKeyError,
  NotFoundError,
  QuernError,
  UniqueConstraintError,
  ValidationError,
} from '../../errors.js';
import type { ModelDef } from '../../schema/model.js';
import type { Operation } from '../../plan/plan.js';
import type { FilterNode } from '../../query/ast.js';
import type { BatchOverlay } from './batch-overlay.js';
import { fanoutDiagnostic } from '../../plan/kv/plan.js';
import type {
  KvCondition,
  KvDeleteItem,
  KvGetItem,
  KvPutItem,
  KvQuery,
  KvReadOperation,
  KvTransactWrite,
  KvUniqueRef,
  KvUpdate,
  KvUpdateItem,
  KvValue,
  KvWrite,
} from '../../plan/kv/ops.js';
import {
  guardCounts,
  KvConditionFailed,
  KvTransactionCancelled,
  type KeyValues,
  type KvCancelReason,
  type KvWriteItem,
  type Resolve,
  type Row,
} from './core.js';
import { expandKeys, keyString, pickKey, resolver, rowKey, type RunCtx, type Scope } from './context.js';
import { evaluate, deepEqual } from './evaluate.js';
import { isRootRead, queryOne, readRoot } from './read.js';
import { rangeChecks, rangeCondition, rangeViolation, type RangeCheck } from './range.js';
import { counterDeltas, sumDeltas, type CounterDelta } from './counters.js';
import { distinctElements, indexedLists } from '../../schema/lists.js';
import { guardsOf, isGuardAttribute } from '../../schema/guards.js';

/** What one transaction item stands for, to turn a cancellation reason into the right error. */
interface Meaning {
  readonly model: ModelDef;
  /** counter: the ADD on a parent's counter cache (`parent`), made by a write of `model` rows. */
  /** entry: an indexed list's entry written or removed with the row (`fields`: the list). */
  /** guard: a ConditionCheck that a row exists (a nested write's connect target). */
  readonly role: 'row' | 'claim' | 'release' | 'counter' | 'entry' | 'guard';
  readonly parent?: ModelDef;
  readonly delta?: number;
  /** counter: the parent item's identity. */
  readonly target?: string;
  readonly method: 'create' | 'update' | 'delete';
  readonly fields?: readonly string[];
  /** Expected version of the row (to tell a lost race from a vanished row). */
  readonly version?: { readonly attr: string; readonly value: unknown } | null;
  /** Increments the row's write condition keeps in their field's range. */
  readonly ranges?: readonly RangeCheck[];
}

/** The items of one logical write, and its method-level result once committed. */
export interface Unit {
  readonly items: KvWriteItem[];
  readonly meanings: Meaning[];
  /** Identity of each item, for spotting two writes to one item in a transaction. */
  readonly targets: string[];
  /** Counter-cache changes the write makes; turned into items when the transaction is composed. */
  readonly counters: CounterDelta[];
  readonly result: () => unknown;
}

const VERSION_STEP: KvValue = { from: 'const', value: 1 };

export function uniqueValues(row: Row, fields: readonly string[]): unknown[] | null {
  const vals = fields.map((f) => row[f]);
  return vals.some((v) => v === null || v === undefined) ? null : vals;
}

const uniqueTarget = (model: ModelDef, constraint: string, values: readonly unknown[]) =>
  `U|${model.name}|${constraint}|${keyString(
    Object.fromEntries(values.map((v, i) => [i, v])),
    values.map((_, i) => String(i)),
  )}`;
export const rowTarget = (model: ModelDef, row: Row) => `R|${model.name}|${rowKey(model, row)}`;

/** The row after an update, computed from the row read before it (the write's condition guarantees it). */
export function applyUpdates(row: Row, updates: readonly KvUpdate[], resolve: Resolve, versionAttr: string | null): Row {
  const out: Row = { ...row };
  for (const u of updates) {
    const v = resolve(u.value);
    switch (u.op) {
      case 'set':
        out[u.attr] = v;
        break;
      case 'add': {
        const cur = out[u.attr];
        if (cur === null || cur === undefined) break;
        if (typeof cur === 'bigint') out[u.attr] = u.negate ? cur - BigInt(v as bigint) : cur + BigInt(v as bigint);
        else out[u.attr] = u.negate ? (cur as number) - (v as number) : (cur as number) + (v as number);
        break;
      }
      case 'append':
        out[u.attr] = [...((out[u.attr] as unknown[] | null) ?? []), ...(v as unknown[])];
        break;
      case 'count': {
        const cur = out[u.attr] ?? 0;
        out[u.attr] = typeof cur === 'bigint' ? cur + BigInt(v as number) : (cur as number) + (v as number);
        break;
      }
      default: {
        const never: never = u;
        throw new Error(`unhandled update ${JSON.stringify(never)}`);
      }
    }
  }
  if (versionAttr) {
    const cur = out[versionAttr];
    out[versionAttr] = typeof cur === 'bigint' ? cur + 1n : (cur as number) + 1;
  }
  return out;
}

const and = (...items: (KvCondition | null)[]): KvCondition | null => {
  const xs = items.filter((i): i is KvCondition => !!i);
  return xs.length === 0 ? null : xs.length === 1 ? xs[0] : { kind: 'and', items: xs };
};
const exists = (model: ModelDef): KvCondition => ({ kind: 'exists', attr: model.key[0], exists: true });

/** Condition that the unique fields still hold the values read (so the entries we move are the row's). */
function sameUniqueFields(refs: readonly KvUniqueRef[], old: Row): KvCondition | null {
  const fields = [...new Set(refs.flatMap((r) => r.fields))];
  return and(
    ...fields.map((f): KvCondition =>
      old[f] === null || old[f] === undefined
        ? { kind: 'exists', attr: f, exists: false }
        : { kind: 'compare', attr: f, op: '=', value: { from: 'item', field: f } },
    ),
  );
}

/** Condition that the indexed lists whose entries move still hold what was read (so the entries follow the row). */
function sameLists(fields: readonly string[], old: Row): KvCondition | null {
  return and(
    ...fields.map((f): KvCondition =>
      old[f] === null || old[f] === undefined
        ? { kind: 'exists', attr: f, exists: false }
        : { kind: 'compare', attr: f, op: '=', value: { from: 'item', field: f } },
    ),
  );
}

const entryTarget = (model: ModelDef, field: string, element: unknown, key: string) => `E|${model.name}|${field}|${typeof element}:${String(element)}|${key}`;

/**
 * The entries of the indexed lists a row going from `before` to `after` adds and removes (null:
 * absent); returns the lists whose entries changed. Elements in both keep their entry.
 */
function entryItems(model: ModelDef, modelKey: string, before: Row | null, after: Row | null, unit: Unit, method: Meaning['method']): string[] {
  const moved: string[] = [];
  const row = (after ?? before)!;
  const key = pickKey(model, row);
  const k = rowKey(model, row);
  for (const field of indexedLists(model)) {
    const was = distinctElements(before?.[field]);
    const now = distinctElements(after?.[field]);
    const id = (e: unknown) => `${typeof e}:${String(e)}`;
    const wasIds = new Set(was.map(id));
    const nowIds = new Set(now.map(id));
    const removed = was.filter((e) => !nowIds.has(id(e)));
    const added = now.filter((e) => !wasIds.has(id(e)));
    if (removed.length === 0 && added.length === 0) continue;
    moved.push(field);
    for (const [kind, elements] of [
      ['DeleteListEntry', removed],
      ['PutListEntry', added],
    ] as const) {
      for (const element of elements) {
        unit.items.push({ kind, model: modelKey, field, element, key });
        unit.meanings.push({ model, role: 'entry', method, fields: [field] });
        unit.targets.push(entryTarget(model, field, element, k));
      }
    }
  }
  return moved;
}

function withVersion(updates: readonly KvUpdate[], versionAttr: string | null): KvUpdate[] {
  return versionAttr ? [...updates, { op: 'add', attr: versionAttr, value: VERSION_STEP, negate: false }] : [...updates];
}

function claimItems(model: ModelDef, modelKey: string, refs: readonly KvUniqueRef[], row: Row, unit: Unit) {
  const key = pickKey(model, row);
  for (const r of refs) {
    const values = uniqueValues(row, r.fields);
    if (!values) continue;
    unit.items.push({ kind: 'PutUnique', model: modelKey, constraint: r.constraint, values, key });
    unit.meanings.push({ model, role: 'claim', method: 'create', fields: r.fields });
    unit.targets.push(uniqueTarget(model, r.constraint, values));
  }
}

function releaseItems(model: ModelDef, modelKey: string, refs: readonly KvUniqueRef[], row: Row, unit: Unit, method: 'update' | 'delete') {
  const key = pickKey(model, row);
  for (const r of refs) {
    const values = uniqueValues(row, r.fields);
    if (!values) continue;
    unit.items.push({ kind: 'DeleteUnique', model: modelKey, constraint: r.constraint, values, key });
    unit.meanings.push({ model, role: 'release', method, fields: r.fields });
    unit.targets.push(uniqueTarget(model, r.constraint, values));
  }
}

const newUnit = (result: () => unknown): Unit => ({ items: [], meanings: [], targets: [], counters: [], result });

export function createUnit(x: RunCtx, w: KvPutItem, row: Row): Unit {
  const model = x.schema.models[w.model];
  const unit = newUnit(() => row);
  unit.items.push({ kind: 'Put', model: w.model, item: row, condition: w.condition, resolve: resolver(x) });
  unit.meanings.push({ model, role: 'row', method: 'create', fields: model.key });
  unit.targets.push(rowTarget(model, row));
  claimItems(model, w.model, w.uniques, row, unit);
  entryItems(model, w.model, null, row, unit, 'create');
  unit.counters.push(...counterDeltas(x, w.model, null, row));
  return unit;
}

/** A check that a row exists (a nested write's connect target): an Update with no updates is a ConditionCheck. */
export function guardUnit(x: RunCtx, modelKey: string, key: Row): Unit {
  const model = x.schema.models[modelKey];
  const unit = newUnit(() => null);
  unit.items.push({ kind: 'Update', model: modelKey, key: pickKey(model, key), updates: [], condition: exists(model), resolve: resolver(x) });
  unit.meanings.push({ model, role: 'guard', method: 'update' });
  unit.targets.push(rowTarget(model, key));
  return unit;
}

/**
 * A check that no row with `row`'s key exists: what remains of a create whose row a later item of
 * the same db.batch deletes (PostgreSQL would still refuse the insert of a duplicate key).
 */
export function absentUnit(x: RunCtx, modelKey: string, row: Row): Unit {
  const model = x.schema.models[modelKey];
  const unit = newUnit(() => row);
  unit.items.push({
    kind: 'Update',
    model: modelKey,
    key: pickKey(model, row),
    updates: [],
    condition: { kind: 'exists', attr: model.key[0], exists: false },
    resolve: resolver(x),
  });
  unit.meanings.push({ model, role: 'row', method: 'create', fields: model.key });
  unit.targets.push(rowTarget(model, row));
  return unit;
}

/** Update of one existing row, read beforehand: the row, then entries that moved. */
export function updateUnit(x: RunCtx, w: KvUpdateItem, existing: Row, expected: unknown, scope: Scope): Unit {
  const model = x.schema.models[w.model];
  const versionAttr = w.version?.attr ?? null;
  const resolve = resolver(x, { ...scope, item: existing });
  const next = applyUpdates(existing, w.updates, resolve, versionAttr);
  const unit = newUnit(() => next);
  const moved = w.uniques.filter((r) => !deepEqual(uniqueValues(existing, r.fields), uniqueValues(next, r.fields)));
  // The row's item comes first in the unit (its meaning is what a failed condition reports).
  const entries = newUnit(() => next);
  entryItems(model, w.model, existing, next, entries, 'update');
  // Pinned whenever the update writes the list, even to the same elements: writing back what we
  // read over a concurrent change would leave that change's entries behind.
  const lists = indexedLists(model).filter((f) => w.updates.some((u) => u.attr === f));
  // With a version field, the version pins the whole row; without one, pin the unique fields and lists we move.
  const guard = versionAttr
    ? ({ kind: 'compare', attr: versionAttr, op: '=', value: { from: 'item', field: versionAttr } } as KvCondition)
    : and(sameUniqueFields(moved, existing), sameLists(lists, existing));
  // null + n stays null (as in SQL): drop increments of attributes that are absent, and make sure they still are.
  const nullAdds = w.updates.filter((u) => u.op === 'add' && (existing[u.attr] === null || existing[u.attr] === undefined));
  const stillNull = and(...nullAdds.map((u): KvCondition => ({ kind: 'exists', attr: u.attr, exists: false })));
  const updates = w.updates.filter((u) => !nullAdds.includes(u));
  const ranges = rangeChecks(model, updates, resolve);
  const over = rangeViolation(model, ranges, existing);
  if (over) throw over;
  unit.items.push({
    kind: 'Update',
    model: w.model,
    key: pickKey(model, existing),
    updates: withVersion(updates, versionAttr),
    condition: and(exists(model), guard, stillNull, rangeCondition(ranges), w.condition),
    resolve,
  });
  unit.meanings.push({
    model,
    role: 'row',
    method: 'update',
    version: versionAttr ? { attr: versionAttr, value: expected ?? existing[versionAttr] } : null,
    ranges,
  });
  unit.targets.push(rowTarget(model, existing));
  releaseItems(model, w.model, moved, existing, unit, 'update');
  claimItems(model, w.model, moved, next, unit);
  unit.items.push(...entries.items);
  unit.meanings.push(...entries.meanings);
  unit.targets.push(...entries.targets);
  unit.counters.push(...counterDeltas(x, w.model, existing, next));
  return unit;
}

export function deleteUnit(x: RunCtx, w: KvDeleteItem, existing: Row, expected: unknown, scope: Scope): Unit {
  const model = x.schema.models[w.model];
  const versionAttr = w.version?.attr ?? null;
  const resolve = resolver(x, { ...scope, item: existing });
  const unit = newUnit(() => existing);
  const guard = versionAttr
    ? ({ kind: 'compare', attr: versionAttr, op: '=', value: { from: 'item', field: versionAttr } } as KvCondition)
    : and(sameUniqueFields(w.uniques, existing), sameLists(indexedLists(model), existing));
  unit.items.push({ kind: 'Delete', model: w.model, key: pickKey(model, existing), condition: and(exists(model), guard, w.condition), resolve });
  unit.meanings.push({ model, role: 'row', method: 'delete', version: versionAttr ? { attr: versionAttr, value: expected ?? existing[versionAttr] } : null });
  unit.targets.push(rowTarget(model, existing));
  releaseItems(model, w.model, w.uniques, existing, unit, 'delete');
  entryItems(model, w.model, existing, null, unit, 'delete');
  unit.counters.push(...counterDeltas(x, w.model, existing, null));
  return unit;
}

/** Turns one cancellation reason into the error the caller should see. */
function reasonError(m: Meaning, r: KvCancelReason): QuernError {
  if (r.code === 'ConditionalCheckFailed') {
    switch (m.role) {
      case 'claim':
        return new UniqueConstraintError(m.model.name, [...(m.fields ?? [])]);
      case 'release':
        return new ConcurrencyError(m.model.name, `the unique entry for (${m.fields?.join(', ')}) no longer belongs to this record`);
      case 'entry':
        // Entries carry no condition of their own: the row's condition guards them.
        return new DriverError('dynamodb', `${m.model.name}.${m.fields?.[0]} index entry ${m.method} failed its condition`);
      case 'guard':
        return new NotFoundError(m.model.name, 'the record to connect does not exist');
      case 'counter':
        if (isGuardAttribute(m.fields?.[0] ?? ''))
          return new ForeignKeyError(m.model.name, `the ${m.parent!.name} its foreign key points at does not exist (or was deleted meanwhile)`);
        return new ForeignKeyError(
          m.model.name,
          `the ${m.parent!.name} its foreign key points at does not exist (its counter cache ${m.parent!.name}.${m.fields?.[0]} could not be updated)`,
        );
      case 'row':
        if (m.method === 'create') return new UniqueConstraintError(m.model.name, [...m.model.key]);
        if (r.item === null || r.item === undefined) return new NotFoundError(m.model.name, `the record to ${m.method} no longer exists`);
        if (m.version && !deepEqual(r.item[m.version.attr], m.version.value)) {
          return new ConcurrencyError(m.model.name, `the record's ${m.version.attr} is ${String(r.item[m.version.attr])}, expected ${String(m.version.value)}`);
        }
        return rangeViolation(m.model, m.ranges ?? [], r.item) ?? new ConcurrencyError(m.model.name, 'the record was changed concurrently');
    }
  }
  if (r.code === 'TransactionConflict') return new ConcurrencyError(m.model.name, 'another transaction was writing the same item');
  return new DriverError('dynamodb', `${m.model.name} ${m.method} failed: ${r.code}${r.message ? `: ${r.message}` : ''}`);
}

/** The request one transaction sends for `units`, and which unit (and meaning) each item serves. */
export interface Composed {
  readonly items: KvWriteItem[];
  readonly owners: { readonly unit: number; readonly meaning: Meaning }[];
}

/**
 * The units' own items, then one ADD per parent whose counter they change (summed over the
 * units: DynamoDB refuses two operations on one item in a transaction). A parent the units write
 * themselves gets the change folded into that write instead (a Put starts at the count, an
 * Update adds it, a Delete needs none). `gone`: parents known to be absent (a decrement for a
 * child whose parent was deleted earlier has nothing to decrement).
 */
export function composeTransaction(units: readonly Unit[], models: Readonly<Record<string, ModelDef>>, gone: ReadonlySet<string> = new Set()): Composed {
  const items: KvWriteItem[] = [];
  const owners: Composed['owners'][number][] = [];
  const where = new Map<string, number>();
  const added = new Map<string, number>();
  units.forEach((u, ui) =>
    u.items.forEach((it, i) => {
      where.set(u.targets[i], items.length);
      items.push(it);
      owners.push({ unit: ui, meaning: u.meanings[i] });
    }),
  );
  for (const { d, units: by } of sumDeltas(units.flatMap((u, unit) => u.counters.map((d) => ({ d, unit }))))) {
    const value: KvValue = { from: 'const', value: d.delta };
    const at = where.get(d.target);
    if (at !== undefined) {
      const it = items[at];
      if (it.kind === 'Put') items[at] = { ...it, item: { ...it.item, [d.attr]: ((it.item[d.attr] as number) ?? 0) + d.delta } };
      else if (it.kind === 'Update') items[at] = { ...it, updates: [...it.updates, { op: 'count', attr: d.attr, value }] };
      continue;
    }
    if (gone.has(d.target) && d.delta < 0) continue;
    // A second attribute of a parent already updated here (a counter cache and a reference
    // guard on one relation): the same Update, since a transaction takes one operation per item.
    const same = added.get(d.target);
    if (same !== undefined) {
      const it = items[same] as Extract<KvWriteItem, { kind: 'Update' }>;
      items[same] = { ...it, updates: [...it.updates, { op: 'count', attr: d.attr, value }] };
      continue;
    }
    added.set(d.target, items.length);
    const owner = units[by[0]].meanings[0];
    const key = Object.keys(d.key)[0];
    items.push({
      kind: 'Update',
      model: d.parent,
      key: d.key,
      updates: [{ op: 'count', attr: d.attr, value }],
      condition: { kind: 'exists', attr: key, exists: true },
      resolve: (v) => (v.from === 'const' ? v.value : undefined),
    });
    owners.push({
      unit: by[0],
      meaning: { model: owner.model, role: 'counter', method: owner.method, parent: models[d.parent], delta: d.delta, fields: [d.attr], target: d.target },
    });
  }
  return { items, owners };
}

/** A unit of a cancelled transaction, and the error its failure means. */
export class UnitFailure extends Error {
  override name = 'UnitFailure';
  constructor(
    readonly index: number,
    readonly error: QuernError,
    cause?: unknown,
  ) {
    super(error.message, { cause });
  }
}

/** Items one transaction of `units` sends (their own, plus at most one per parent whose counters or guards they move). */
export function transactionSize(units: readonly Unit[]): number {
  return units.reduce((n, u) => n + u.items.length, 0) + new Set(units.flatMap((u) => u.counters.map((c) => c.target))).size;
}

/** What adding `u` to a transaction already holding `taken` counter targets costs in items. */
function unitCost(u: Unit, taken: ReadonlySet<string>): number {
  return u.items.length + new Set(u.counters.map((c) => c.target).filter((t) => !taken.has(t))).size;
}

/**
 * Sends one TransactWriteItems for `units`. A counter decrement whose parent no longer exists is
 * dropped and the request re-sent (the rows it counted are what is being removed); any other
 * cancellation becomes a UnitFailure naming the unit and the error, or is rethrown as is.
 */
export async function transactUnits(x: RunCtx, units: readonly Unit[]): Promise<void> {
  const gone = new Set<string>();
  for (;;) {
    const c = composeTransaction(units, x.schema.models, gone);
    if (c.items.length === 0) return;
    try {
      await x.core.transact(c.items, x.log);
      return;
    } catch (e) {
      if (!(e instanceof KvTransactionCancelled)) throw e;
      let first = e.reasons.findIndex((r) => r && r.code !== 'None');
      if (first < 0) first = 0;
      const owner = c.owners[first];
      if (!owner) throw e;
      const m = owner.meaning;
      const reason = e.reasons[first]!;
      if (m.role === 'counter' && reason.code === 'ConditionalCheckFailed' && (m.delta ?? 0) < 0 && !gone.has(m.target!)) {
        gone.add(m.target!);
        continue;
      }
      throw new UnitFailure(owner.unit, reasonError(m, reason), e);
    }
  }
}

/**
 * Which unit of a cancelled transaction failed first (the items of `units`, flattened in order,
 * were the request), and the error its failure means; null if the reasons point past the units.
 */
export function failedUnit(
  units: readonly Unit[],
  e: KvTransactionCancelled,
  models: Readonly<Record<string, ModelDef>>,
): { index: number; error: QuernError } | null {
  const c = composeTransaction(units, models);
  let first = e.reasons.findIndex((r) => r && r.code !== 'None');
  if (first < 0) first = 0;
  const owner = c.owners[first];
  return owner ? { index: owner.unit, error: reasonError(owner.meaning, e.reasons[first]!) } : null;
}

/** Two items of one transaction on the same item are rejected by DynamoDB: catch it first. */
function checkTargets(units: readonly Unit[], onDuplicate: (unit: number, target: string, first: number) => void) {
  const seen = new Map<string, number>();
  units.forEach((u, ui) => {
    for (const t of u.targets) {
      const prev = seen.get(t);
      if (prev !== undefined && prev !== ui) onDuplicate(ui, t, prev);
      else seen.set(t, ui);
    }
  });
}

/**
 * What to do with a write that needs more than one transaction: `refuse` (createMany by default:
 * batch-too-large before anything is written), `allow` (createMany with atomic: false: the caller
 * accepted the split), `warn` (updateMany/deleteMany: split with a fanout warning).
 */
export type SplitPolicy = 'refuse' | 'allow' | 'warn';

interface CommitOptions {
  readonly skipDuplicates: boolean;
  readonly what: string;
  readonly split?: SplitPolicy;
  /** Collects the units committed (createManyAndReturn returns their rows). */
  readonly written?: Set<Unit>;
}

function tooLarge(model: ModelDef, what: string, rows: number, items: number, max: number): CapabilityError {
  return new CapabilityError(
    'batch-too-large',
    'dynamodb',
    `${what}: ${rows} rows need ${items} transaction items (rows plus unique entries); one DynamoDB transaction holds at most ${max}, so the call could not be atomic. Nothing was written`,
    `pass atomic: false to split it into several transactions (each atomic, the whole not), or write at most ${max} items per call`,
    model.name,
  );
}

/**
 * One unit's items never fit: refused whatever the policy, before anything is written. A unit
 * made large by an indexed list's entries is a limit of the target, not bad input: batch-too-large.
 */
function checkUnitSizes(model: ModelDef, units: readonly Unit[], what: string, max: number) {
  for (const u of units) {
    const n = transactionSize([u]);
    if (n <= max) continue;
    const lists = [...new Set(u.meanings.filter((m) => m.role === 'entry').flatMap((m) => m.fields ?? []))];
    if (lists.length === 0) throw new ValidationError(what, `one ${model.name} write needs ${n} transaction items (max ${max})`);
    const entries = u.meanings.filter((m) => m.role === 'entry').length;
    throw new CapabilityError(
      'batch-too-large',
      'dynamodb',
      `${what}: this ${model.name} write needs ${n} transaction items, ${entries} of them entries of the indexed list${lists.length > 1 ? 's' : ''} ${lists.join(', ')} (one per element added or removed); one DynamoDB transaction holds at most ${max}. Nothing was written`,
      `keep ${lists.map((f) => `${model.name}.${f}`).join(' and ')} to fewer elements (change at most ${max - (n - entries)} elements per write, e.g. several updates with push), or drop .indexed() from ${lists.join(', ')} and filter it with allowScan`,
      model.name,
    );
  }
}

/**
 * Commits units: one transaction when they fit in 100 items, otherwise several (each atomic, the
 * whole not) as `split` allows. createMany skipDuplicates: see commitSkippingDuplicates.
 */
export async function commitUnits(x: RunCtx, model: ModelDef, units: Unit[], opts: CommitOptions): Promise<number> {
  const split = opts.split ?? 'warn';
  if (split === 'refuse') {
    const items = transactionSize(units);
    if (items > x.atomicLimit) {
      checkUnitSizes(model, units, opts.what, x.atomicLimit);
      throw tooLarge(model, opts.what, units.length, items, x.atomicLimit);
    }
  }
  if (opts.skipDuplicates) return commitSkippingDuplicates(x, model, units, opts.what, split, opts.written);
  const live = units;
  checkTargets(live, (ui, target) => {
    const m = live[ui].meanings[live[ui].targets.indexOf(target)];
    if (m.role === 'claim' || (m.role === 'row' && m.method === 'create')) throw new UniqueConstraintError(m.model.name, [...(m.fields ?? m.model.key)]);
    throw new ValidationError(opts.what, `two writes in one transaction target the same ${m.model.name} item (${target})`);
  });
  checkUnitSizes(model, live, opts.what, x.atomicLimit);
  const chunks: Unit[][] = [];
  let cur: Unit[] = [];
  let size = 0;
  let taken = new Set<string>();
  for (const u of live) {
    if (size + unitCost(u, taken) > x.atomicLimit && cur.length) {
      chunks.push(cur);
      cur = [];
      size = 0;
      taken = new Set();
    }
    cur.push(u);
    size += unitCost(u, taken);
    for (const c of u.counters) taken.add(c.target);
  }
  if (cur.length) chunks.push(cur);
  if (chunks.length > 1 && split === 'warn') {
    x.warn(
      fanoutDiagnostic(
        'dynamodb',
        model.name,
        `${opts.what}: ${live.length} rows need ${chunks.length} TransactWriteItems requests of up to ${x.atomicLimit} items; each is atomic, the whole is not`,
        'write at most 100 items (rows plus unique entries) per call to keep it atomic',
      ),
    );
  }
  let written = 0;
  for (const chunk of chunks) {
    try {
      await transactUnits(x, chunk);
      written += chunk.length;
      for (const u of chunk) opts.written?.add(u);
    } catch (e) {
      throw e instanceof UnitFailure ? e.error : e;
    }
  }
  return written;
}

/**
 * createMany with skipDuplicates, with the semantics of INSERT ... ON CONFLICT DO NOTHING: rows
 * are taken in order, and a row is skipped when it collides with a stored row or with an EARLIER
 * ROW OF THE CALL THAT WAS WRITTEN. A row colliding only with an earlier row that was itself
 * skipped is written. So a row colliding with an earlier row of the same request is deferred to
 * a later request (not dropped), and a row whose transaction item fails is removed and the
 * request retried without it.
 */
async function commitSkippingDuplicates(x: RunCtx, model: ModelDef, units: Unit[], what: string, split: SplitPolicy, done?: Set<Unit>): Promise<number> {
  checkUnitSizes(model, units, what, x.atomicLimit);
  const total = transactionSize(units);
  if (total > x.atomicLimit && split === 'warn') {
    x.warn(
      fanoutDiagnostic(
        'dynamodb',
        model.name,
        `${what}: ${units.length} rows need several TransactWriteItems requests of up to ${x.atomicLimit} items; each is atomic, the whole is not`,
        'write at most 100 items (rows plus unique entries) per call to keep it atomic',
      ),
    );
  }
  const written = new Set<string>();
  let pending = units;
  let count = 0;
  while (pending.length > 0) {
    const chunk: Unit[] = [];
    const later: Unit[] = [];
    const taken = new Set<string>();
    const counted = new Set<string>();
    let size = 0;
    for (const u of pending) {
      if (u.targets.some((t) => written.has(t))) continue;
      if (u.targets.some((t) => taken.has(t)) || size + unitCost(u, counted) > x.atomicLimit) {
        later.push(u);
        continue;
      }
      chunk.push(u);
      for (const t of u.targets) taken.add(t);
      size += unitCost(u, counted);
      for (const c of u.counters) counted.add(c.target);
    }
    if (chunk.length === 0) break;
    try {
      await transactUnits(x, chunk);
    } catch (e) {
      if (!(e instanceof UnitFailure)) throw e;
      const failed = e;
      if (!(failed.error instanceof UniqueConstraintError)) throw failed.error;
      // It collides with a stored row: skip it, and try the others again (in the same order).
      const unit = chunk[failed.index];
      pending = pending.filter((u) => u !== unit);
      continue;
    }
    count += chunk.length;
    for (const u of chunk) for (const t of u.targets) written.add(t);
    for (const u of chunk) done?.add(u);
    pending = later;
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Method-level runners.

const findOp = <K extends Operation['kind']>(ops: readonly Operation[], kind: K, pred: (o: Extract<Operation, { kind: K }>) => boolean = () => true) =>
  ops.find((o): o is Extract<Operation, { kind: K }> => o.kind === kind && pred(o as Extract<Operation, { kind: K }>));

/** The key a single-row write targets: from params, or through the unique-index lookup. Null: no such row. */
async function locate(x: RunCtx, ops: readonly Operation[], keyParts: KvUpdateItem['key']): Promise<{ key: KeyValues; scope: Scope } | null> {
  const lookup = findOp(ops, 'GetItem', (o) => o.step.role === 'lookup') as KvGetItem | undefined;
  let scope: Scope = {};
  if (lookup && lookup.step.role === 'lookup') {
    const r = resolver(x);
    const found = await x.core.getUnique(
      lookup.model,
      lookup.step.constraint,
      lookup.key.map((k) => r(k.value)),
      x.log,
    );
    if (!found) return null;
    scope = { lookup: found };
  }
  const keys = expandKeys(keyParts, resolver(x, scope));
  return keys.length === 1 ? { key: keys[0], scope } : null;
}

async function existing(x: RunCtx, model: string, key: KeyValues): Promise<Row | null> {
  return x.core.get(model, key, x.log);
}

export function writeOf(ops: readonly Operation[]): { tx: KvTransactWrite | null; w: KvWrite } {
  const tx = findOp(ops, 'TransactWrite') ?? null;
  if (tx) return { tx, w: tx.items[0] };
  const w = ops.find((o): o is KvWrite => (o.kind === 'PutItem' || o.kind === 'UpdateItem' || o.kind === 'DeleteItem') && o.step.role === 'write');
  if (!w) throw new Error('internal: a write plan without a write operation');
  return { tx: null, w };
}

/** Pre-checks on the row read before writing, so a plain mismatch is reported without a write. */
function precheck(x: RunCtx, model: ModelDef, w: KvUpdateItem | KvDeleteItem, row: Row, scope: Scope, method: string): unknown {
  const expected = w.version?.expected ? resolver(x, scope)(w.version.expected) : null;
  if (w.version?.expected && !deepEqual(row[w.version.attr], expected)) {
    throw new ConcurrencyError(model.name, `the record's ${w.version.attr} is ${String(row[w.version.attr])}, expected ${String(expected)}`);
  }
  if (w.condition && !evaluate(w.condition, row, resolver(x, { ...scope, item: row }), model))
    throw new NotFoundError(model.name, `no record matched the ${method} filter`);
  return expected;
}

export async function runCreate(x: RunCtx, ops: readonly Operation[], returning = false): Promise<unknown> {
  const { tx, w } = writeOf(ops);
  if (w.kind !== 'PutItem') throw new Error('internal: create without PutItem');
  const model = x.schema.models[w.model];
  const rows = resolver(x)(w.item) as Row[];
  const many = w.step.role === 'write' && w.step.many;
  if (!tx) {
    const row = rows[0];
    try {
      await x.core.put({ kind: 'Put', model: w.model, item: row, condition: w.condition, resolve: resolver(x) }, x.log);
    } catch (e) {
      if (e instanceof KvConditionFailed) throw new UniqueConstraintError(model.name, [...model.key]);
      throw e;
    }
    return row;
  }
  const units = rows.map((r) => createUnit(x, w, r));
  const done = new Set<Unit>();
  const written = await commitUnits(x, model, units, {
    skipDuplicates: w.skipDuplicates,
    what: `${model.name}.${many ? 'createMany' : 'create'}`,
    split: w.atomic ? 'refuse' : 'allow',
    written: done,
  });
  // createManyAndReturn: the rows written, in the order given (skipped duplicates left out).
  if (returning) return rows.filter((_, i) => done.has(units[i]));
  return many ? { count: written } : rows[0];
}

export async function runUpdateOne(x: RunCtx, ops: readonly Operation[]): Promise<Row> {
  const { tx, w } = writeOf(ops);
  if (w.kind !== 'UpdateItem') throw new Error('internal: update without UpdateItem');
  const model = x.schema.models[w.model];
  const at = await locate(x, ops, w.key);
  if (!at) throw new NotFoundError(model.name, 'no record matched the update filter');
  const versionAttr = w.version?.attr ?? null;
  if (!tx) {
    const resolve = resolver(x, at.scope);
    const expectedRef = w.version?.expected ?? null;
    const ranges = rangeChecks(model, w.updates, resolve);
    const condition = and(
      exists(model),
      expectedRef ? { kind: 'compare', attr: versionAttr!, op: '=', value: expectedRef } : null,
      rangeCondition(ranges),
      w.condition,
    );
    try {
      return await x.core.update({ kind: 'Update', model: w.model, key: at.key, updates: withVersion(w.updates, versionAttr), condition, resolve }, x.log);
    } catch (e) {
      if (!(e instanceof KvConditionFailed)) throw e;
      if (!e.item) throw new NotFoundError(model.name, 'no record matched the update filter');
      if (expectedRef && !deepEqual(e.item[versionAttr!], resolve(expectedRef))) {
        throw new ConcurrencyError(model.name, `the record's ${versionAttr} is ${String(e.item[versionAttr!])}, expected ${String(resolve(expectedRef))}`);
      }
      throw rangeViolation(model, ranges, e.item) ?? new NotFoundError(model.name, 'no record matched the update filter');
    }
  }
  return readModifyWrite(!!w.version?.expected, async () => {
    const row = await existing(x, w.model, at.key);
    if (!row) throw new NotFoundError(model.name, 'no record matched the update filter');
    const expected = precheck(x, model, w, row, at.scope, 'update');
    const unit = updateUnit(x, w, row, expected, at.scope);
    await commitUnits(x, model, [unit], { skipDuplicates: false, what: `${model.name}.update` });
    return unit.result() as Row;
  });
}

/**
 * A single-row write that quern computes from a read of the row (moving unique entries, null-safe
 * increments) is guarded by the version (or the unique values) read. A concurrent writer makes
 * that guard fail; when the CALLER pinned no version, that only means quern's own read was stale,
 * so read again (as PostgreSQL's row lock would wait), a bounded number of times.
 */
/** Bound on re-reads after a stale read (with jittered backoff up to 100 ms: about 1.5 s in all). */
const STALE_READ_ATTEMPTS = 20;

async function readModifyWrite<T>(pinned: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (pinned || !(e instanceof ConcurrencyError) || i >= STALE_READ_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** i)));
    }
  }
}

export async function runDeleteOne(x: RunCtx, ops: readonly Operation[]): Promise<Row> {
  const { tx, w } = writeOf(ops);
  if (w.kind !== 'DeleteItem') throw new Error('internal: delete without DeleteItem');
  const model = x.schema.models[w.model];
  const at = await locate(x, ops, w.key);
  if (!at) throw new NotFoundError(model.name, 'no record matched the delete filter');
  if (!tx) {
    const resolve = resolver(x, at.scope);
    const expectedRef = w.version?.expected ?? null;
    const condition = and(exists(model), expectedRef ? { kind: 'compare', attr: w.version!.attr, op: '=', value: expectedRef } : null, w.condition);
    try {
      return await x.core.delete({ kind: 'Delete', model: w.model, key: at.key, condition, resolve }, x.log);
    } catch (e) {
      if (!(e instanceof KvConditionFailed)) throw e;
      if (e.item && expectedRef && !deepEqual(e.item[w.version!.attr], resolve(expectedRef))) {
        throw new ConcurrencyError(
          model.name,
          `the record's ${w.version!.attr} is ${String(e.item[w.version!.attr])}, expected ${String(resolve(expectedRef))}`,
        );
      }
      throw new NotFoundError(model.name, 'no record matched the delete filter');
    }
  }
  return readModifyWrite(!!w.version?.expected, async () => {
    const row = await existing(x, w.model, at.key);
    if (!row) throw new NotFoundError(model.name, 'no record matched the delete filter');
    const expected = precheck(x, model, w, row, at.scope, 'delete');
    const unit = await withDependents(x, ops, w.model, deleteUnit(x, w, row, expected, at.scope), row);
    await commitUnits(x, model, [unit], { skipDuplicates: false, what: `${model.name}.delete` });
    return row;
  });
}

/** The unit an upsert commits: create when the row is absent, else update. */
async function upsertUnit(x: RunCtx, ops: readonly Operation[]): Promise<Unit> {
  const { tx } = writeOf(ops);
  const put = tx!.items.find((i): i is KvPutItem => i.kind === 'PutItem')!;
  const upd = tx!.items.find((i): i is KvUpdateItem => i.kind === 'UpdateItem')!;
  const model = x.schema.models[upd.model];
  const at = await locate(x, ops, upd.key);
  const row = at ? await existing(x, upd.model, at.key) : null;
  if (!row || !at) return createUnit(x, put, resolver(x)(put.item) as Row);
  const expected = precheck(x, model, upd, row, at.scope, 'upsert');
  return updateUnit(x, upd, row, expected, at.scope);
}

export async function runUpsert(x: RunCtx, ops: readonly Operation[]): Promise<Row> {
  const { tx } = writeOf(ops);
  const model = x.schema.models[tx!.model];
  // The constraint the upsert looks its row up by (the key, or a unique field through the index table).
  const lookup = findOp(ops, 'GetItem', (o) => o.step.role === 'lookup');
  const by = lookup && lookup.step.role === 'lookup' ? lookup.step.fields : model.key;
  const upd = tx!.items.find((i): i is KvUpdateItem => i.kind === 'UpdateItem');
  const pinned = !!upd?.version?.expected;
  // A concurrent create between our read and our write (on the key or on the unique field we
  // looked up by): the next attempt sees the row and updates it. A concurrent update between our
  // read and our write, when the caller pinned no version, only made OUR read stale: read again.
  for (let attempt = 0; ; attempt++) {
    const unit = await upsertUnit(x, ops);
    try {
      await commitUnits(x, model, [unit], { skipDuplicates: false, what: `${model.name}.upsert` });
      return unit.result() as Row;
    } catch (e) {
      const method = unit.meanings[0].method;
      const createLost = e instanceof UniqueConstraintError && method === 'create' && (deepEqual(e.fields, [...model.key]) || deepEqual(e.fields, [...by]));
      const readStale = e instanceof ConcurrencyError && method === 'update' && !pinned;
      if (!(createLost || readStale) || attempt >= STALE_READ_ATTEMPTS) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
    }
  }
}

/** updateMany/deleteMany: read the matching items through the plan's access path, then write each. */
export async function manyUnits(x: RunCtx, ops: readonly Operation[]): Promise<{ units: Unit[]; model: ModelDef; method: 'update' | 'delete' }> {
  const { w } = writeOf(ops);
  const model = x.schema.models[w.model];
  const reads = ops.filter(isRootRead) as KvReadOperation[];
  const rows = await readRoot(x, model, reads, null);
  if (w.kind === 'UpdateItem') return { units: rows.map((r) => updateUnit(x, w, r, null, {})), model, method: 'update' };
  if (w.kind === 'DeleteItem') {
    const units: Unit[] = [];
    for (const r of rows) units.push(await withDependents(x, ops, w.model, deleteUnit(x, w, r, null, {}), r));
    return { units, model, method: 'delete' };
  }
  throw new Error('internal: bulk write without UpdateItem/DeleteItem');
}

export async function runMany(x: RunCtx, ops: readonly Operation[]): Promise<{ count: number }> {
  const { units, model, method } = await manyUnits(x, ops);
  const count = await commitUnits(x, model, units, { skipDuplicates: false, what: `${model.name}.${method}Many` });
  return { count };
}

/**
 * For db.batch: the units of one prepared write, read what they need first. `overlay` holds the
 * rows earlier items of the batch create, which this write must see (read-your-writes); `where`
 * is the write's own filter, matched against them.
 */
export async function batchUnits(
  x: RunCtx,
  kind: string,
  ops: readonly Operation[],
  overlay: BatchOverlay,
  where: FilterNode | null,
  returning = false,
): Promise<{ units: Unit[]; result: () => unknown }> {
  const { tx, w } = writeOf(ops);
  const model = x.schema.models[w.model];
  const settled = (r: { units: Unit[]; result: () => unknown }) => {
    overlay.settle(r.units);
    return r;
  };
  switch (kind) {
    case 'create': {
      if (w.kind !== 'PutItem') break;
      const rows = resolver(x)(w.item) as Row[];
      const units = rows.map((r) => createUnit(x, w, r));
      overlay.addCreated(x, w, rows, units);
      const many = w.step.role === 'write' && w.step.many;
      return { units, result: () => (many ? (returning ? rows : { count: rows.length }) : rows[0]) };
    }
    case 'update':
    case 'delete': {
      const many = w.step.role === 'write' && w.step.many;
      if (many) {
        const r = await manyUnits(x, ops);
        const own = await overlay.apply(x, ops, where, kind, true, r.units);
        return settled({ units: r.units, result: () => ({ count: r.units.length + own.length }) });
      }
      // A row an earlier item of the batch creates: the write applies to it there.
      const [own] = await overlay.apply(x, ops, where, kind, false);
      if (own) return { units: [], result: () => own };
      const at = await locate(x, ops, (w as KvUpdateItem | KvDeleteItem).key);
      const row = at ? await existing(x, w.model, at.key) : null;
      if (!row || !at) throw new NotFoundError(model.name, `no record matched the ${kind} filter`);
      const expected = precheck(x, model, w as KvUpdateItem | KvDeleteItem, row, at.scope, kind);
      const unit =
        w.kind === 'UpdateItem'
          ? updateUnit(x, w, row, expected, at.scope)
          : await withDependents(x, ops, w.model, deleteUnit(x, w as KvDeleteItem, row, expected, at.scope), row);
      return settled({ units: [unit], result: unit.result });
    }
    case 'upsert': {
      const unit = await upsertUnit(x, ops);
      return settled({ units: [unit], result: unit.result });
    }
    default:
      break;
  }
  void tx;
  throw new ValidationError(
    'batch',
    `a ${kind} cannot be part of db.batch on DynamoDB: batches hold writes (create, update, upsert, delete and their many forms)`,
  );
}

// ---------------------------------------------------------------------------------------------
// onDelete: DynamoDB has no foreign keys, so a delete carries out the actions itself.

export const dependentsOps = (ops: readonly Operation[]) =>
  ops.filter((o): o is KvQuery & { step: Extract<KvQuery['step'], { role: 'dependents' }> } => o.kind === 'Query' && o.step.role === 'dependents');

/**
 * The delete unit of `row` plus the onDelete actions of every row pointing at it, as ONE unit, so
 * the delete and its cascades commit in one TransactWriteItems (commitUnits never splits a unit):
 * restrict refuses with a ForeignKeyError before anything is written; cascade deletes the children
 * (and, recursively, theirs); setNull clears the children's field under the condition that it
 * still points at the row. More than 100 items in all is refused with batch-too-large.
 */
async function withDependents(x: RunCtx, ops: readonly Operation[], modelKey: string, unit: Unit, row: Row): Promise<Unit> {
  const deps = dependentsOps(ops);
  if (deps.length === 0) return unit;
  const root = x.schema.models[modelKey];
  const add = (u: Unit) => {
    unit.items.push(...u.items);
    unit.meanings.push(...u.meanings);
    unit.targets.push(...u.targets);
    // The dependents' own counter caches and guards on OTHER parents (those on rows this delete
    // removes are folded away when the transaction is composed).
    unit.counters.push(...u.counters);
    if (composeTransaction([unit], x.schema.models).items.length > x.atomicLimit) {
      throw new CapabilityError(
        'batch-too-large',
        'dynamodb',
        `deleting this ${root.name} ${deps.some((d) => d.step.onDelete === 'cascade') ? 'cascades to' : 'updates'} more rows than one TransactWriteItems holds (${x.atomicLimit} items, unique-index entries included), so it cannot be atomic; nothing was deleted`,
        `delete the dependent rows first in batches of at most ${x.atomicLimit} (deleteMany on the child model, by its foreign key), then delete the ${root.name}`,
        root.name,
      );
    }
  };
  // `at`: where the parent's own Delete sits in the unit, to condition it on its guards.
  const visit = async (parentKey: string, parent: Row, at: number): Promise<void> => {
    const pm = x.schema.models[parentKey];
    for (const op of deps) {
      if (op.step.parentModel !== parentKey) continue;
      const child = x.schema.models[op.model];
      const step = op.step;
      const guard = guardsOf(x.schema, op.model).find((g) => g.parent === parentKey && sameFields(g.foreignKeys, step.fields));
      const rows = guard
        ? await guardedChildren(x, op, parent, pm, guard.attr, (c) => {
            unit.items[at] = withCondition(unit.items[at], c);
          })
        : (await queryOne(x, op, parent[pm.key[0]], { need: step.onDelete === 'restrict' ? 1 : null }, { item: parent })).rows;
      const label = step.fields.join(', ');
      if (rows.length === 0) continue;
      switch (step.onDelete) {
        case 'restrict':
          throw new ForeignKeyError(
            pm.name,
            `${child.name}.${step.fields.length > 1 ? `(${label})` : label} still references this ${pm.name} (onDelete: restrict); delete those ${child.name} rows or point them elsewhere first`,
          );
        case 'cascade':
          for (const r of rows) {
            const i = unit.items.length;
            add(deleteUnit(x, childWrite(x, op.model, 'delete') as KvDeleteItem, r, null, {}));
            await visit(op.model, r, i);
          }
          break;
        case 'setNull':
          for (const r of rows) add(updateUnit(x, childWrite(x, op.model, 'update', step.fields) as KvUpdateItem, r, null, {}));
          break;
        default: {
          const never: never = step.onDelete;
          throw new Error(`unhandled onDelete ${String(never)}`);
        }
      }
    }
  };
  await visit(modelKey, row, 0);
  return unit;
}

const sameFields = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((f, i) => f === b[i]);

const withCondition = (it: KvWriteItem, c: KvCondition): KvWriteItem =>
  it.kind === 'Delete' || it.kind === 'Update' || it.kind === 'Put' ? { ...it, condition: and(it.condition, c) } : it;

/** Re-reads of a foreign-key index that still shows fewer children than the parent's guard counts. */
const INDEX_CATCH_UP_ATTEMPTS = 5;

/**
 * The children of `parent` through a guarded reference, and the condition its Delete must carry:
 * the guard count read with the parent. The index (eventually consistent on DynamoDB) may lag
 * behind a child created just before that read: it is read again until it shows at least as many
 * children as the count, else the delete is a ConcurrencyError (retried from a fresh read of the
 * parent by the caller's read-modify-write loop). More rows than the count are children written
 * before guards existed, or deletes the index has not caught up with (their own conditional
 * deletes then fail the transaction).
 */
async function guardedChildren(x: RunCtx, op: KvQuery, parent: Row, pm: ModelDef, attr: string, condition: (c: KvCondition) => void): Promise<Row[]> {
  const count = guardCounts(parent)?.[attr];
  condition(count === undefined ? { kind: 'exists', attr, exists: false } : { kind: 'compare', attr, op: '=', value: { from: 'const', value: count } });
  for (let i = 0; ; i++) {
    const rows = (await queryOne(x, op, parent[pm.key[0]], { need: null }, { item: parent })).rows;
    if (rows.length >= (count ?? 0)) return rows;
    if (i >= INDEX_CATCH_UP_ATTEMPTS)
      throw new ConcurrencyError(
        pm.name,
        `its ${attr} count says ${count} rows point at it, the index shows ${rows.length}: a child write is in flight or the index is behind`,
      );
    await new Promise((r) => setTimeout(r, 20 * 2 ** i));
  }
}

/** The write applied to one dependent row, guarded like any read-modify-write (version or unique values). */
function childWrite(x: RunCtx, modelKey: string, method: 'delete' | 'update', fields: readonly string[] = []): KvDeleteItem | KvUpdateItem {
  const model = x.schema.models[modelKey];
  const versionField = Object.keys(model.fields).find((f) => model.fields[f].version) ?? null;
  const version = versionField ? { attr: versionField, expected: null } : null;
  const base = { model: modelKey, table: model.table, step: { role: 'write', method, many: true } as const, key: [] };
  if (method === 'delete') {
    return { ...base, kind: 'DeleteItem', condition: null, version, uniques: model.uniques.map((u) => ({ constraint: u.name, fields: u.fields })) };
  }
  // setNull clears every field of the reference, only while the row still points at the deleted parent.
  const still: KvCondition[] = fields.map((f) => ({ kind: 'compare', attr: f, op: '=', value: { from: 'item', field: f } }));
  return {
    ...base,
    kind: 'UpdateItem',
    version,
    updates: fields.map((f) => ({ op: 'set', attr: f, value: { from: 'const', value: null } })),
    condition: still.length === 1 ? still[0] : { kind: 'and', items: still },
    uniques: model.uniques.filter((u) => u.fields.some((f) => fields.includes(f))).map((u) => ({ constraint: u.name, fields: u.fields })),
  };
}
