/**
 * Access-path choice for one model on DynamoDB (design.md section 3):
 *
 *   every key field fixed by equality          → GetItem
 *   key fields fixed by equality or `in`       → BatchGetItem (chunks of 100)
 *   every field of a unique constraint fixed   → GetItem on the unique-index table, then GetItem
 *   partition of the table or of a GSI fixed   → Query (sort-key condition in the key, rest in the filter)
 *   an OR whose every branch is one of those   → one request per branch, unioned (fanout warning)
 *   anything else                              → scan-required, or Scan when allowScan
 *
 * SPARSE-INDEX RULE (a deliberate design decision): DynamoDB writes an item into a GSI only when
 * the item has every key attribute of that GSI, and quern stores null fields as absent
 * attributes. A GSI whose partition or sort field is nullable therefore does not hold the rows
 * where that field is null. Such a GSI may serve a query only when the filter's top level already
 * guarantees those fields are non-null (equality, `in`, a range, startsWith, or `isNull: false` /
 * `not: null`); any other use would silently drop rows. When no other path exists the plan fails
 * with a fix naming an index over non-nullable fields (or the filter that makes the GSI usable).
 */
import type { FilterNode, OrderTerm } from '../../query/ast.js';
import type { SchemaDef } from '../../schema/define.js';
import type { FieldDef } from '../../schema/field.js';
import type { ModelDef } from '../../schema/model.js';
import type { Capabilities, DriverName } from '../capabilities.js';
import { batchGetChunk } from './target.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import type { Operation } from '../plan.js';
import { shardAttribute } from '../../schema/shard.js';
import { andOf, conditionOf, conjuncts, fieldFacts, param, splitResidual, type FieldFacts } from './filter.js';
import { indexedCall } from '../../schema/lists.js';
import { LIST_TABLE, UNIQUE_TABLE, type KvKeyCondition, type KvKeyPart, type KvRole, type KvSortCondition, type KvValue } from './ops.js';

/** The table's own key, or a GSI: something a Query can use. */
export interface KeySource {
  /** GSI name, or null for the table. */
  readonly index: string | null;
  readonly partition: string;
  /** The first sort attribute: the one the planner puts conditions on and orders by. */
  readonly sort: string | null;
  /**
   * Further sort attributes of a multi-attribute GSI key (an index of more than two fields):
   * items are ordered by them after `sort`, and they are key attributes (never in a filter,
   * and an item lacking one is not in the index).
   */
  readonly rest: readonly string[];
}

/** Sources a filter can pin: the table key and every GSI except sharded ones (their partition is a shard number, never a field). */
export function keySources(model: ModelDef): KeySource[] {
  return [
    { index: null, partition: model.key[0], sort: model.key[1] ?? null, rest: [] },
    ...model.indexes
      .filter((i) => i.shards === undefined)
      .map((i) => ({ index: i.name, partition: i.fields[0], sort: i.fields[1] ?? null, rest: i.fields.slice(2) })),
  ];
}

/** Every key attribute of a key source. */
export const sourceAttrs = (s: KeySource): string[] => [s.partition, ...(s.sort ? [s.sort] : []), ...s.rest];

/** The fix for an order over a whole table: a sharded index on the field. */
export const shardedIndexCall = (field: string) => `index('${field}', { shards: 8 })`;

export const sourceName = (model: ModelDef, s: KeySource) => s.index ?? `${model.name} table key`;

/** Fields of a GSI key that may be null, and so missing from the index (see the sparse-index rule). */
export function sparseFields(model: ModelDef, s: KeySource): string[] {
  if (s.index === null) return [];
  return sourceAttrs(s).filter((f) => model.fields[f]?.nullable);
}

/** DynamoDB key attributes are S, N or B: these kinds cannot key a table or a GSI. */
export const indexable = (d: FieldDef | undefined) => !!d && d.kind !== 'list' && d.kind !== 'json' && d.kind !== 'boolean';

export const indexCall = (fields: readonly string[]) => `index(${fields.map((f) => `'${f}'`).join(', ')})`;

export type AccessPurpose = 'read' | 'count' | 'keys';

export interface AccessRequest {
  readonly schema: SchemaDef;
  readonly modelKey: string;
  readonly driver: DriverName;
  readonly caps: Capabilities;
  readonly where: FilterNode | null;
  readonly orderBy: readonly OrderTerm[];
  readonly allowScan: boolean;
  readonly purpose: AccessPurpose;
  readonly limit: KvValue | null;
  readonly offset: KvValue | null;
  readonly cursor: KvValue | null;
  /** paginate backward reads in reverse order and flips the result. */
  readonly backward: boolean;
  readonly paginate: boolean;
}

export type AccessKind = 'get' | 'batch' | 'unique' | 'query' | 'multi' | 'scan' | 'none';

export interface Access {
  readonly kind: AccessKind;
  readonly ops: Operation[];
  readonly diagnostics: Diagnostic[];
}

const ROOT: KvRole = { role: 'root' };

/** orderBy terms left once terms on equality-fixed fields (constant across the result) are dropped. */
export function effectiveOrder(orderBy: readonly OrderTerm[], facts: FieldFacts): OrderTerm[] {
  return orderBy.filter((t) => !facts.eq.has(t.field));
}

/** Can a Query on `s` return rows in `order`? */
function orderServed(model: ModelDef, s: KeySource, order: readonly OrderTerm[]): boolean {
  if (order.length === 0) return true;
  if (!s.sort || order[0].field !== s.sort) return false;
  if (model.fields[s.sort]?.kind === 'decimal') return false;
  // On the table the (partition, sort) pair is unique, so later terms can never break a tie.
  return order.length === 1 || s.index === null;
}

function sortCondition(model: ModelDef, field: string, facts: FieldFacts): { cond: KvSortCondition; used: FilterNode[] } | null {
  const eq = facts.eq.get(field);
  if (eq) return { cond: { op: '=', value: param(eq.value) }, used: [eq] };
  const prefix = facts.prefix.get(field);
  if (prefix) return { cond: { op: 'beginsWith', value: param(prefix.value) }, used: [prefix] };
  // A colocated child's own key is text after its prefix in the collection's sort key: a range
  // there would run into other models' items, so it is checked on the partition's items instead.
  if (model.colocation?.role === 'child' && field === model.key[1]) return null;
  // decimal is stored as S: its string order is not numeric order, so it cannot bound a key range.
  if (model.fields[field]?.kind === 'decimal') return null;
  const ranges = facts.range.get(field) ?? [];
  const low = ranges.find((r) => r.op === 'gte');
  const high = ranges.find((r) => r.op === 'lte');
  if (low && high) return { cond: { op: 'between', low: param(low.value), high: param(high.value) }, used: [low, high] };
  const one = ranges[0];
  if (!one) return null;
  const op = ({ lt: '<', lte: '<=', gt: '>', gte: '>=' } as const)[one.op as 'lt' | 'lte' | 'gt' | 'gte'];
  return { cond: { op, value: param(one.value) }, used: [one] };
}

interface QueryChoice {
  readonly source: KeySource;
  readonly key: KvKeyCondition;
  readonly used: FilterNode[];
  readonly orderOk: boolean;
  readonly score: number;
}

function queryChoices(model: ModelDef, facts: FieldFacts, order: readonly OrderTerm[], rejected: string[]): QueryChoice[] {
  const out: QueryChoice[] = [];
  for (const s of keySources(model)) {
    const eq = facts.eq.get(s.partition);
    const inList = eq ? undefined : facts.inList.get(s.partition);
    if (!eq && !inList) continue;
    const missing = sparseFields(model, s).filter((f) => !facts.nonNull.has(f));
    if (missing.length > 0) {
      rejected.push(
        `index ${s.index} cannot serve this filter: ${missing.map((f) => `${model.name}.${f}`).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} nullable, and DynamoDB leaves items whose index key is null out of the index`,
      );
      continue;
    }
    const sort = s.sort ? sortCondition(model, s.sort, facts) : null;
    const partition = eq ? { attr: s.partition, value: param(eq.value), each: false } : { attr: s.partition, value: param(inList!.values), each: true };
    const orderOk = orderServed(model, s, order);
    const score = (orderOk ? 100 : 0) + (sort ? 10 : 0) + (eq ? 5 : 0) + (s.index === null ? 1 : 0);
    out.push({
      source: s,
      key: { partition, sort: sort && s.sort ? { attr: s.sort, cond: sort.cond } : null },
      used: [eq ?? inList!, ...(sort?.used ?? [])],
      orderOk,
      score,
    });
  }
  return out.sort((a, b) => b.score - a.score);
}

/**
 * When an index would serve this query but for rows whose index key is null (DynamoDB leaves
 * them out of the index), the fix is a `not: null` filter on those fields, not another index:
 * suggesting `index('authorId', 'publishedAt')` to a model that has it helps nobody.
 */
function notNullFix(model: ModelDef, facts: FieldFacts, order: readonly OrderTerm[]): string | null {
  for (const s of keySources(model)) {
    if (!facts.eq.has(s.partition) && !facts.inList.has(s.partition)) continue;
    const missing = sparseFields(model, s).filter((f) => !facts.nonNull.has(f));
    if (missing.length === 0 || (order.length > 0 && !orderServed(model, s, order))) continue;
    const filters = missing.map((f) => `${f}: { not: null }`).join(', ');
    return `if rows without ${missing.join(' or ')} need not be returned, add ${filters} to the where: ${s.index} then serves this query (it holds only items where ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} set)`;
  }
  return null;
}

const hasIndex = (model: ModelDef, fields: readonly string[]) =>
  model.key.join('\u0000') === fields.join('\u0000') || model.indexes.some((i) => i.fields.join('\u0000') === fields.join('\u0000'));

/** The index that would let this filter (and order) run as a Query, for fixes. */
function suggestIndex(model: ModelDef, facts: FieldFacts, order: readonly OrderTerm[]): string[] | null {
  const usable = (f: string) => indexable(model.fields[f]) && model.fields[f].kind !== 'decimal';
  const partition = [...facts.eq.keys(), ...facts.inList.keys()].find((f) => usable(f) && !model.key.includes(f)) ?? [...facts.eq.keys()].find(usable);
  if (!partition) return null;
  const ordered = order.find((t) => t.field !== partition);
  let sort: string | undefined;
  if (ordered && usable(ordered.field) && (!model.fields[ordered.field].nullable || facts.nonNull.has(ordered.field))) sort = ordered.field;
  else if (!ordered) sort = [...facts.range.keys(), ...facts.prefix.keys()].find((f) => f !== partition && usable(f));
  return sort ? [partition, sort] : [partition];
}

function keyPart(attr: string, n: FilterNode & { kind: 'compare' | 'in' }): KvKeyPart {
  return n.kind === 'compare' ? { attr, value: param(n.value), each: false } : { attr, value: param(n.values), each: true };
}

const notUsed = (items: readonly FilterNode[], used: readonly FilterNode[]) => items.filter((i) => !used.includes(i));

/** Plans the reads of the root model. Errors are diagnostics; the ops still describe the best effort for explain. */
export function planAccess(req: AccessRequest, items: readonly FilterNode[] = conjuncts(req.where), allowMulti = true): Access {
  const model = req.schema.models[req.modelKey];
  const facts = fieldFacts(items);
  const order = effectiveOrder(req.orderBy, facts);
  const diagnostics: Diagnostic[] = [];
  const err = (code: Parameters<typeof diag>[0], message: string, fix?: string, suggested?: readonly string[] | null) =>
    diagnostics.push(diag(code, req.driver, model.name, message, fix, suggested ? { model: model.name, fields: suggested } : undefined));
  const base = { model: req.modelKey, table: model.table, step: ROOT };
  const window = { limit: req.limit, offset: req.offset };

  // 1 and 2: the whole table key fixed by equality (GetItem) or by equality/`in` (BatchGetItem).
  const keyFixed = model.key.map((k) => facts.eq.get(k) ?? facts.inList.get(k));
  if (keyFixed.every((n) => n)) {
    const used = keyFixed as (FilterNode & { kind: 'compare' | 'in' })[];
    const key = model.key.map((k, i) => keyPart(k, used[i]));
    const filter = conditionOf(model, notUsed(items, used));
    const single = key.every((k) => !k.each);
    if (!single && order.length > 0) {
      err(
        'order-unsupported',
        `orderBy ${order.map((t) => t.field).join(', ')} cannot be served by BatchGetItem: it returns items in no particular order`,
        `drop orderBy and sort the (bounded) result in application code, or query by a partition with an index sorted by ${order[0].field}`,
      );
    }
    const ops: Operation[] = [
      single ? { kind: 'GetItem', ...base, key, filter } : { kind: 'BatchGetItem', ...base, key, filter, chunk: batchGetChunk(req.caps) },
    ];
    if (filter)
      ops.push({
        kind: 'ClientFilter',
        model: model.name,
        reason: `${single ? 'GetItem' : 'BatchGetItem'} has no filter expression: the remaining conditions are checked on the fetched items (bounded by the key list)`,
      });
    return { kind: single ? 'get' : 'batch', ops, diagnostics };
  }

  // 3: a unique constraint fixed by equality → its index entry holds the key.
  const uniq = model.uniques.find((u) => u.fields.every((f) => facts.eq.has(f)));
  if (uniq) {
    const lookupKey = uniq.fields.map((f) => ({ attr: f, value: param(facts.eq.get(f)!.value), each: false }));
    // The unique fields stay in the filter: the entry could be stale by the time the item is read.
    const filter = conditionOf(model, items);
    return {
      kind: 'unique',
      ops: [
        {
          kind: 'GetItem',
          model: req.modelKey,
          table: UNIQUE_TABLE,
          step: { role: 'lookup', constraint: uniq.name, fields: uniq.fields },
          key: lookupKey,
          filter: null,
        },
        { kind: 'GetItem', ...base, key: model.key.map((k) => ({ attr: k, value: { from: 'lookup', attr: k } as KvValue, each: false })), filter },
        {
          kind: 'ClientFilter',
          model: model.name,
          reason: 'GetItem has no filter expression: the where is re-checked on the fetched item (the unique entry may be stale)',
        },
      ],
      diagnostics,
    };
  }

  // 4: Query on the table or a GSI whose partition is fixed.
  const rejected: string[] = [];
  const choices = queryChoices(model, facts, order, rejected);
  if (choices.length > 0) {
    const best = choices[0];
    if (!best.orderOk) {
      const want = [best.source.partition, order[0].field];
      const dec = model.fields[order[0].field]?.kind === 'decimal';
      err(
        'order-unsupported',
        dec
          ? `orderBy ${order[0].field}: decimal fields are stored as strings on DynamoDB, so their order is not numeric`
          : `orderBy ${order.map((t) => t.field).join(', ')} is not the sort key of ${sourceName(model, best.source)}${best.source.sort ? ` (sorted by ${best.source.sort})` : ' (it has no sort key)'}`,
        dec
          ? `store ${order[0].field} as f.int()/f.bigint() in minor units, or sort in application code`
          : order.length > 1
            ? `order by one field that an index sorts by: add ${indexCall(want)} to ${model.name} and order by ${order[0].field} only`
            : `add ${indexCall(want)} to ${model.name}${model.fields[order[0].field]?.nullable ? ` (and filter ${order[0].field}: { not: null }, since it is nullable)` : ''}`,
        dec ? null : want,
      );
    }
    if (best.key.partition.each && (req.paginate || order.length > 0)) {
      err(
        'order-unsupported',
        `${req.paginate ? 'paginate' : `orderBy ${order.map((t) => t.field).join(', ')}`} over several partitions (${best.key.partition.attr} in [...]) has no single order: each partition is a separate Query`,
        `query one ${best.key.partition.attr} at a time (equality instead of in), or drop orderBy and sort the result in application code`,
      );
    }
    const forward = (order[0]?.direction ?? 'asc') === 'asc';
    const keyAttrs = sourceAttrs(best.source);
    const { filter, postFilter } = splitResidual(model, notUsed(items, best.used), keyAttrs);
    const ops: Operation[] = [
      {
        kind: 'Query',
        ...base,
        index: best.source.index,
        key: best.key,
        filter,
        postFilter,
        direction: forward !== req.backward ? 'forward' : 'backward',
        ...window,
        cursor: req.cursor,
        select: req.purpose === 'count' ? 'count' : 'items',
      },
    ];
    if (postFilter)
      ops.push({
        kind: 'ClientFilter',
        model: model.name,
        reason: `DynamoDB refuses conditions on ${keyAttrs.join('/')} (the key of ${sourceName(model, best.source)}) in a FilterExpression beyond the key condition: they are checked on the items the Query returns`,
      });
    return { kind: 'query', ops, diagnostics };
  }

  // 4b: no partition fixed, ordered by the field of a sharded index: one Query per shard, merged.
  const sharded =
    req.purpose === 'read' && order.length === 1 ? model.indexes.find((i) => i.shards !== undefined && i.fields[0] === order[0].field) : undefined;
  if (sharded && (!model.fields[order[0].field].nullable || facts.nonNull.has(order[0].field))) {
    const field = sharded.fields[0];
    const sort = sortCondition(model, field, facts);
    const { filter, postFilter } = splitResidual(model, notUsed(items, sort?.used ?? []), [field]);
    const forward = order[0].direction === 'asc';
    const ops: Operation[] = [
      {
        kind: 'Query',
        ...base,
        index: sharded.name,
        key: {
          partition: { attr: shardAttribute(sharded.shards!), value: { from: 'const', value: 0 }, each: false },
          sort: sort ? { attr: field, cond: sort.cond } : null,
        },
        filter,
        postFilter,
        direction: forward !== req.backward ? 'forward' : 'backward',
        ...window,
        cursor: req.cursor,
        select: 'items',
        shards: { count: sharded.shards!, field, keyOrder: req.backward ? 'desc' : 'asc' },
      },
    ];
    if (postFilter)
      ops.push({
        kind: 'ClientFilter',
        model: model.name,
        reason: `DynamoDB refuses conditions on ${field} (the sort key of ${sharded.name}) in a FilterExpression beyond the key condition: they are checked on the items the Query returns`,
      });
    return { kind: 'query', ops, diagnostics };
  }
  if (sharded)
    rejected.push(
      `sharded index ${sharded.name} cannot serve this filter: ${model.name}.${sharded.fields[0]} is nullable, and DynamoDB leaves items whose index key is null out of the index (filter ${sharded.fields[0]}: { not: null })`,
    );

  // 4c: `has` on an indexed list: a Query of that element's entries, then a BatchGetItem of the rows.
  const listed = [...facts.has.values()].find((h) => model.fields[h.field].indexed);
  if (listed) return { kind: 'batch', ops: listAccess(req, model, items, listed, order, err), diagnostics };

  // 5: an OR whose every branch has a key path: one request per branch.
  const orNode = allowMulti ? items.find((i) => i.kind === 'or') : undefined;
  if (orNode && orNode.kind === 'or') {
    const rest = items.filter((i) => i !== orNode);
    const branches = orNode.items.map((b) =>
      planAccess({ ...req, orderBy: [], purpose: req.purpose === 'count' ? 'read' : req.purpose }, [...rest, ...conjuncts(b)], false),
    );
    if (branches.every((b) => b.kind !== 'scan' && b.kind !== 'none' && b.diagnostics.every((x) => x.severity !== 'error'))) {
      const ops = branches.flatMap((b) => b.ops);
      if (order.length > 0 || req.paginate) {
        err(
          'order-unsupported',
          `${req.paginate ? 'paginate' : `orderBy ${order.map((t) => t.field).join(', ')}`} over an OR of ${branches.length} key lookups has no single order`,
          `run one query per OR branch, or sort the (bounded) result in application code`,
        );
      }
      err(
        'fanout',
        `the OR becomes ${branches.length} separate requests (one per branch), unioned by key`,
        `fine for a few branches; to make it one request, filter with { in: [...] } on one key field instead of OR`,
      );
      return { kind: 'multi', ops, diagnostics };
    }
  }

  // 6: nothing narrower than the whole table.
  const nullable = notNullFix(model, facts, order);
  const proposed = suggestIndex(model, facts, order);
  // An index the model already has is never the fix.
  const suggested = proposed && !hasIndex(model, proposed) ? proposed : null;
  // A `has` on a list that is not indexed: declaring it indexed serves exactly this filter.
  const listFix = !suggested ? [...facts.has.keys()].find((f) => !model.fields[f].indexed) : undefined;
  const keyHint = `${model.key.join(', ')}`;
  const sparse = rejected.length > 0 ? ` (${rejected.join('; ')})` : '';
  const indexFix = suggested ? `add ${indexCall(suggested)} to ${model.name}${sparse ? ' (over non-nullable fields)' : ''}` : null;
  if (!req.allowScan) {
    if (req.purpose === 'count') {
      err(
        'count-requires-scan',
        `count on ${model.name} without a pinned partition reads every item${sparse}`,
        nullable
          ? `${nullable}; ${indexFix ? `to count them too, ${indexFix}; ` : ''}or pass allowScan: true to count with a full Scan`
          : `${indexFix ? `${indexFix} and pin its partition by equality, or ` : listFix ? `${indexedCall(listFix)} on ${model.name}, or ` : `pin the partition key (${keyHint}) or an indexed field by equality, or `}pass allowScan: true to count with a full Scan`,
        suggested,
      );
    } else {
      const globalOrder = !indexFix && order.length === 1 && indexable(model.fields[order[0].field]) && model.fields[order[0].field].kind !== 'decimal';
      err(
        'scan-required',
        `no key or index of ${model.name} can serve this filter${sparse}: it would need a full table Scan`,
        nullable
          ? `${nullable}; ${indexFix ? `to return them too, ${indexFix}; ` : ''}or pass allowScan: true to read the whole table`
          : indexFix
            ? `${indexFix}, or pass allowScan: true to read the whole table`
            : listFix
              ? `${indexedCall(listFix)} on ${model.name} so \`has\` reads its index entries, or pass allowScan: true to read the whole table`
              : globalOrder
                ? `to read ${model.name} in ${order[0].field} order without a partition, add ${shardedIndexCall(order[0].field)} to ${model.name}; or filter by ${keyHint} or an indexed field by equality, or pass allowScan: true`
                : `filter by ${keyHint} or an indexed field by equality, or pass allowScan: true to read the whole table`,
        suggested,
      );
    }
  }
  if (order.length > 0) {
    const global = order.length === 1 && indexable(model.fields[order[0].field]) && model.fields[order[0].field].kind !== 'decimal';
    const orderIndex = suggested && !hasIndex(model, [suggested[0], order[0].field]) ? [suggested[0], order[0].field] : null;
    err(
      'order-unsupported',
      `orderBy ${order.map((t) => t.field).join(', ')} on a Scan: a Scan returns items in no particular order`,
      nullable
        ? nullable
        : orderIndex
          ? `add ${indexCall(orderIndex)} to ${model.name} and pin ${orderIndex[0]} by equality, or sort in application code`
          : global
            ? `for an order over the whole table, add ${shardedIndexCall(order[0].field)} to ${model.name} (writes spread over 8 partitions; a page reads the 8 and merges them), or pin a partition whose index sorts by ${order[0].field}`
            : `pin a partition whose index sorts by ${order[0].field} (add index('<partition field>', '${order[0].field}')), or sort in application code`,
      nullable ? null : orderIndex,
    );
  }
  if (req.paginate && req.backward) {
    err('order-unsupported', 'a Scan cannot read backwards', 'paginate forward (first/after), or query a partition so the index can read in reverse');
  }
  return {
    kind: 'scan',
    ops: [
      {
        kind: 'Scan',
        ...base,
        filter: andOf(items.length ? [conditionOf(model, items)!] : []),
        ...window,
        cursor: req.cursor,
        select: req.purpose === 'count' ? 'count' : 'items',
      },
    ],
    diagnostics,
  };
}

/**
 * `has` on an indexed list: one Query of the element's entries (the row keys, in key order),
 * then one BatchGetItem of those rows; the rest of the where is checked on the rows fetched.
 * A page of up to 100 rows without further filter is two requests. The entries have no order
 * of the model's fields, so orderBy is refused as on any key path.
 */
function listAccess(
  req: AccessRequest,
  model: ModelDef,
  items: readonly FilterNode[],
  has: FilterNode & { kind: 'has' },
  order: readonly OrderTerm[],
  err: (code: Parameters<typeof diag>[0], message: string, fix?: string) => void,
): Operation[] {
  if (order.length > 0) {
    err(
      'order-unsupported',
      `orderBy ${order.map((t) => t.field).join(', ')} cannot be served by the entries of the indexed list ${model.name}.${has.field}: they are kept in key order`,
      `drop orderBy and sort the result in application code, or pin a partition whose index sorts by ${order[0].field}`,
    );
  }
  // The `has` itself stays in the filter: a row read just as a concurrent write moved its entry is re-checked.
  const filter = conditionOf(model, items);
  const ops: Operation[] = [
    {
      kind: 'Query',
      model: req.modelKey,
      table: LIST_TABLE,
      index: null,
      step: { role: 'entries', field: has.field },
      key: { partition: { attr: 'pk', value: param(has.value), each: false }, sort: null },
      filter: null,
      postFilter: null,
      direction: 'forward',
      limit: req.limit,
      offset: req.offset,
      cursor: null,
      select: 'items',
    },
    {
      kind: 'BatchGetItem',
      model: req.modelKey,
      table: model.table,
      step: ROOT,
      key: model.key.map((k) => ({ attr: k, value: { from: 'lookup', attr: k } as KvValue, each: true })),
      filter,
      chunk: 100,
    },
  ];
  ops.push({
    kind: 'ClientFilter',
    model: model.name,
    reason: `the where is checked on the rows the ${has.field} entries point at (BatchGetItem has no filter expression)`,
  });
  return ops;
}
