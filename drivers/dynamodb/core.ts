/**
 * KvDriverCore on the AWS SDK: logical requests → DynamoDB commands. Every
 * expression goes through the placeholder sink (`#n`, `:v`), every value
 * through the FieldDef marshalling, every request through `send` (retries,
 * logging). Conditional failures come back as KvConditionFailed /
 * KvTransactionCancelled for the executor to turn into quern errors.
 */
import { randomUUID } from 'node:crypto';
import {
  BatchGetItemCommand,
  DeleteItemCommand,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
  type BatchGetItemCommandOutput,
  type DeleteItemCommandOutput,
  type DynamoDBClient,
  type GetItemCommandOutput,
  type QueryCommandOutput,
  type ScanCommandOutput,
  type TransactWriteItem,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { QuernError, ValidationError } from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { ModelDef } from '../../src/schema/model.js';
import type { KvCondition, KvKeyCondition, KvValue } from '../../src/plan/kv/ops.js';
import { andOf } from '../../src/plan/kv/filter.js';
import { COLLECTION_PK, COLLECTION_SK, kvSchema } from '../../src/schema/colocation.js';
import {
  KvConditionFailed,
  KvTransactionCancelled,
  type KeyValues,
  type KvCancelReason,
  type KvDriverCore,
  type KvEntryPage,
  type KvPage,
  type KvQueryRequest,
  type KvScanRequest,
  type KvWriteItem,
  type Log,
  type Resolve,
  type Row,
} from '../../src/engine/kv/core.js';
import { decimalVariants } from '../../src/schema/decimal.js';
import { evaluate } from '../../src/engine/kv/evaluate.js';
import { foldConstants, PlaceholderSink, renderCondition, renderKeyCondition, renderUpdate, type ValueUse } from './expression.js';
import {
  attributeDef,
  checkKeyValue,
  collectionKey,
  decodeKey,
  decodeRow,
  encodeField,
  encodeItem,
  encodeKey,
  encodeScalar,
  itemSize,
  MAX_ITEM_BYTES,
  shardAttributes,
} from './marshal.js';
import { gsiAttributes } from './tables.js';
import { backoff, DEFAULT_RETRY, isNetwork, mapError, send, sleep, slim, type AnyCommand, type SendPolicy, type SendMeta } from './send.js';
import { UNIQUE_PK, UNIQUE_TABLE, uniqueEntryItem, uniqueEntryKey } from './unique.js';
import { LIST_PK, LIST_TABLE, listEntryItem, listEntryKey, listEntryPk } from './list-entries.js';

/** DynamoDB: an expression string (filter, condition, key condition, update) is at most 4 KB. */
const MAX_EXPRESSION_BYTES = 4096;

type Item = Record<string, AttributeValue>;

/** The value that fills one `:v` placeholder of a rendered expression. */
interface ValueSlot {
  readonly attr: string;
  readonly ref: KvValue;
  readonly as: ValueUse;
}

/** A Query's expression text and names, kept with the value slots that are encoded per call. */
interface RenderedQuery {
  readonly key: string;
  readonly filter: string | undefined;
  readonly names: Record<string, string> | undefined;
  readonly slots: readonly ValueSlot[];
}

interface QueryExpressions {
  readonly key: string;
  readonly filter: string | undefined;
  readonly names: Record<string, string> | undefined;
  readonly values: Record<string, AttributeValue> | undefined;
}

const pickKeyOf = (m: ModelDef, row: Row): KeyValues => Object.fromEntries(m.key.map((k) => [k, row[k]]));

/** Key attribute values in DynamoDB's order: S by UTF-8 bytes, N numerically (B does not key quern tables). */
function compareKeyValues(a: AttributeValue, b: AttributeValue): number {
  if (a.N !== undefined && b.N !== undefined) {
    const x = Number(a.N),
      y = Number(b.N);
    if (Number.isSafeInteger(x) && Number.isSafeInteger(y)) return x - y;
    if (/^-?\d+$/.test(a.N) && /^-?\d+$/.test(b.N)) return BigInt(a.N) < BigInt(b.N) ? -1 : BigInt(a.N) > BigInt(b.N) ? 1 : 0;
    return x - y;
  }
  return Buffer.compare(Buffer.from(a.S ?? ''), Buffer.from(b.S ?? ''));
}

/** A sort-key range `BETWEEN low AND high` whose bounds are reversed: it matches nothing. */
function emptyBetween(m: ModelDef, req: KvQueryRequest): boolean {
  const sort = req.key.sort;
  if (!sort || sort.cond.op !== 'between') return false;
  const def = m.fields[sort.attr];
  const low = req.resolve(sort.cond.low),
    high = req.resolve(sort.cond.high);
  if (!def || low === null || low === undefined || high === null || high === undefined) return false;
  return compareKeyValues(encodeScalar(def, low), encodeScalar(def, high)) > 0;
}

const COLLECTION_PREFIX: KvValue = { from: 'const', value: 'quern-collection-sk' };
const COLLECTION_LOW: KvValue = { from: 'const', value: 'quern-collection-low' };
const COLLECTION_HIGH: KvValue = { from: 'const', value: 'quern-collection-high' };
const COLLECTION_PARTITION: KvValue = { from: 'const', value: 'quern-collection-pk' };

/** Items of this model in its collection table: the parent's constant sort key, or the child's prefix. */
function collectionFilter(m: ModelDef): KvCondition {
  const c = m.colocation!;
  return c.role === 'parent'
    ? { kind: 'compare', attr: COLLECTION_SK, op: '=', value: { from: 'const', value: c.sk } }
    : { kind: 'beginsWith', attr: COLLECTION_SK, value: { from: 'const', value: c.sk } };
}

/**
 * A table Query of a colocated model, on the collection's generic keys: the partition's text,
 * and the sort condition with the model's prefix (only = and beginsWith reach here: the planner
 * leaves ranges on a colocated key to the post-filter, since they would cross into other models).
 */
function collectionKeyCondition(m: ModelDef, key: KvKeyCondition): KvKeyCondition {
  const c = m.colocation!;
  const partition = { attr: COLLECTION_PK, value: COLLECTION_PARTITION, each: false };
  if (c.role === 'parent') return { partition, sort: { attr: COLLECTION_SK, cond: { op: '=', value: COLLECTION_PREFIX } } };
  const s = key.sort;
  if (!s) return { partition, sort: { attr: COLLECTION_SK, cond: { op: 'beginsWith', value: COLLECTION_PREFIX } } };
  if (s.cond.op === '=' || s.cond.op === 'beginsWith') return { partition, sort: { attr: COLLECTION_SK, cond: { op: s.cond.op, value: COLLECTION_LOW } } };
  throw new QuernError(`internal: a ${s.cond.op} key condition on the colocated key ${m.name}.${s.attr}`);
}

function collectionResolve(m: ModelDef, req: KvQueryRequest): (ref: KvValue) => unknown {
  const c = m.colocation!;
  const text = (field: string, ref: KvValue) => {
    const av = encodeField(m.fields[field], req.resolve(ref), field);
    return av?.S ?? '';
  };
  const s = req.key.sort;
  return (ref) => {
    if (ref === COLLECTION_PARTITION) return text(m.key[0], req.key.partition.value);
    if (ref === COLLECTION_PREFIX) return c.sk;
    if (ref === COLLECTION_LOW && s && (s.cond.op === '=' || s.cond.op === 'beginsWith')) return c.sk + text(s.attr, s.cond.value);
    return req.resolve(ref);
  };
}

export class DynamoCore implements KvDriverCore {
  private readonly schema: SchemaDef;
  constructor(
    private readonly client: DynamoDBClient,
    schema: SchemaDef,
    private readonly prefix: string,
    private readonly retry: SendPolicy = DEFAULT_RETRY,
    private readonly readPageLimit?: number,
  ) {
    // Colocated models are stored as the DynamoDB view says (src/schema/colocation.ts).
    this.schema = kvSchema(schema);
  }

  private limit(pageSize: number | undefined): number | undefined {
    if (this.readPageLimit === undefined) return pageSize;
    return pageSize === undefined ? this.readPageLimit : Math.min(pageSize, this.readPageLimit);
  }

  private model(key: string): ModelDef {
    const m = this.schema.models[key];
    if (!m) throw new QuernError(`internal: unknown model '${key}'`);
    return m;
  }

  tableName(model: ModelDef): string {
    return this.prefix + model.table;
  }

  get uniqueTable(): string {
    return this.prefix + UNIQUE_TABLE;
  }

  get listTable(): string {
    return this.prefix + LIST_TABLE;
  }

  private readonly keyAttrCache = new Map<ModelDef, ReadonlySet<string>>();
  /** Key attributes of the table and of every GSI: DynamoDB refuses empty strings in them. */
  private allKeyAttributes(m: ModelDef): ReadonlySet<string> {
    let out = this.keyAttrCache.get(m);
    if (!out) {
      out = new Set([...m.key, ...m.indexes.flatMap((i) => i.fields)]);
      this.keyAttrCache.set(m, out);
    }
    return out;
  }

  keyAttributes(modelKey: string, index: string | null): readonly string[] {
    const m = this.model(modelKey);
    const ix = index ? m.indexes.find((i) => i.name === index) : undefined;
    return [...new Set([...m.key, ...(ix ? gsiAttributes(ix) : [])])];
  }

  private attrDef(m: ModelDef, attr: string) {
    const d = attributeDef(m, attr);
    if (!d) throw new QuernError(`internal: ${m.name} has no field '${attr}'`);
    return d;
  }

  /** One placeholder's value: resolved now, encoded by the attribute's FieldDef. */
  private encodeValue(m: ModelDef, resolve: Resolve, attr: string, ref: KvValue, as: ValueUse): AttributeValue {
    const v = resolve(ref);
    const d = this.attrDef(m, attr);
    if (as === 'text') return { S: String(v) };
    if (as === 'element') return encodeScalar(d.kind === 'list' ? d.element! : d, v, attr);
    return encodeField(d, v, attr) ?? { NULL: true };
  }

  /** An `in` list's values, each encoded as one placeholder. */
  private encodeList(m: ModelDef, resolve: Resolve, attr: string, ref: KvValue): AttributeValue[] {
    const d = this.attrDef(m, attr);
    const list = resolve(ref);
    const values = Array.isArray(list) ? list : [];
    // Decimal equality is numeric: every stored form of each value.
    if (d.kind === 'decimal') return [...new Set(values.flatMap((v) => decimalVariants(String(v))))].map((S) => ({ S }));
    return values.map((v) => encodeScalar(d.kind === 'list' ? d.element! : d, v, attr));
  }

  /** Every stored form equal to the value (decimals), or null for plain equality. */
  private equalForms(m: ModelDef, resolve: Resolve, attr: string, ref: KvValue): AttributeValue[] | null {
    if (this.attrDef(m, attr).kind !== 'decimal') return null;
    return decimalVariants(String(resolve(ref))).map((S) => ({ S }));
  }

  /** A sink whose values are resolved now and encoded by the attribute's FieldDef. */
  private sink(m: ModelDef, resolve: Resolve): PlaceholderSink {
    return new PlaceholderSink(
      (attr, ref, as) => this.encodeValue(m, resolve, attr, ref, as),
      (attr, ref) => this.encodeList(m, resolve, attr, ref),
      (attr, ref) => this.equalForms(m, resolve, attr, ref),
    );
  }

  /**
   * A table or GSI Query's expressions, rendered once per key condition and filter of a cached
   * plan: the text and names do not change between calls, only the values, which are encoded
   * again into the same placeholders. Null: the placeholders depend on the values (an `in` list,
   * a decimal's stored forms), so the expressions are rendered per call.
   */
  private readonly renderedQueries = new WeakMap<KvKeyCondition, Map<KvCondition | null, RenderedQuery | null>>();

  private renderQuery(m: ModelDef, key: KvKeyCondition, filter: KvCondition | null, resolve: Resolve, cache: boolean): QueryExpressions {
    const known = cache ? this.renderedQueries.get(key)?.get(filter) : undefined;
    if (known) {
      const values: Record<string, AttributeValue> = {};
      for (let i = 0; i < known.slots.length; i++) {
        const s = known.slots[i];
        values[`:v${i}`] = this.encodeValue(m, resolve, s.attr, s.ref, s.as);
      }
      return { key: known.key, filter: known.filter, names: known.names ? { ...known.names } : undefined, values: known.slots.length ? values : undefined };
    }
    // Rendered now through a sink that also notes which value fills each placeholder.
    const slots: ValueSlot[] = [];
    let fixed = true;
    const sink = new PlaceholderSink(
      (attr, ref, as) => {
        slots.push({ attr, ref, as });
        return this.encodeValue(m, resolve, attr, ref, as);
      },
      (attr, ref) => {
        fixed = false;
        return this.encodeList(m, resolve, attr, ref);
      },
      (attr, ref) => {
        const forms = this.equalForms(m, resolve, attr, ref);
        if (forms) fixed = false;
        return forms;
      },
    );
    const text = { key: renderKeyCondition(key, sink), filter: this.condition(m, filter, sink) };
    const out: QueryExpressions = { ...text, names: sink.expressionNames, values: sink.expressionValues };
    if (cache) {
      let byFilter = this.renderedQueries.get(key);
      if (!byFilter) this.renderedQueries.set(key, (byFilter = new Map()));
      // Every placeholder must come from one noted value, numbered in order, for the slots to refill it.
      const exact = fixed && slots.length === (out.values ? Object.keys(out.values).length : 0);
      byFilter.set(filter, exact ? { ...text, names: out.names ? { ...out.names } : undefined, slots } : null);
    }
    return out;
  }

  /**
   * A parent and its colocated children in ONE Query of the item collection, paged past 1 MB.
   * `children`: the child models wanted; items of other models in the partition are skipped.
   */
  async collection(modelKey: string, key: KeyValues, children: readonly string[], log: Log): Promise<{ parent: Row | null; children: Record<string, Row[]> }> {
    const m = this.model(modelKey);
    const TableName = this.tableName(m);
    const pk = collectionKey(m, key)[COLLECTION_PK];
    const out: Record<string, Row[]> = Object.fromEntries(children.map((c) => [c, []]));
    const members = children.map((c) => [c, this.model(c)] as const);
    let parent: Row | null = null;
    let start: Item | undefined;
    do {
      const page: QueryCommandOutput = await this.call<QueryCommandOutput>(
        () =>
          new QueryCommand({
            TableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': COLLECTION_PK },
            ExpressionAttributeValues: { ':pk': pk },
            ConsistentRead: true,
            ExclusiveStartKey: start,
            Limit: this.readPageLimit,
          }),
        { operation: 'Query', idempotent: true, model: m.name, table: TableName, rowCount: (o) => (o as QueryCommandOutput).Count ?? 0 },
        log,
      );
      for (const item of page.Items ?? []) {
        const sk = item[COLLECTION_SK]?.S ?? '';
        if (sk === m.colocation!.sk) {
          parent = decodeRow(m, item);
          continue;
        }
        const member = members.find(([, c]) => sk.startsWith(c.colocation!.sk));
        if (member) out[member[0]].push(decodeRow(member[1], item));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return { parent, children: out };
  }

  private condition(m: ModelDef, c: KvCondition | null, sink: PlaceholderSink): string | undefined {
    if (!c) return undefined;
    const text = renderCondition(c, sink, m.key[0], (attr) => m.fields[attr]?.kind === 'list');
    // DynamoDB's documented limit on any expression string; past it the request is rejected.
    if (text.length > MAX_EXPRESSION_BYTES) {
      throw new ValidationError(
        m.name,
        `the filter or condition needs a ${text.length}-byte DynamoDB expression; DynamoDB allows ${MAX_EXPRESSION_BYTES} bytes: pass fewer values to in/notIn or fewer OR branches`,
      );
    }
    return text;
  }

  /** `models`: the model of each transaction item (null for unique entries), to decode cancellation reasons. */
  private async call<T>(make: () => AnyCommand, meta: SendMeta, log: Log, models: readonly (ModelDef | null)[] = []): Promise<T> {
    try {
      return await send<T>(this.client, make, meta, log, this.retry);
    } catch (e) {
      throw this.mapped(e, meta, models);
    }
  }

  private mapped(e: unknown, meta: SendMeta, models: readonly (ModelDef | null)[] = []): Error {
    if (e instanceof DynamoDBServiceException && e.name === 'ConditionalCheckFailedException') {
      const item = (e as unknown as { Item?: Item }).Item;
      const m = meta.model ? Object.values(this.schema.models).find((x) => x.name === meta.model) : undefined;
      return new KvConditionFailed(item && m ? decodeRow(m, item) : null, slim(e));
    }
    if (e instanceof DynamoDBServiceException && e.name === 'TransactionCanceledException') return this.cancelled(e, models);
    return mapError(e, meta);
  }

  private cancelled(e: DynamoDBServiceException, models: readonly (ModelDef | null)[]): KvTransactionCancelled {
    const raw = (e as unknown as { CancellationReasons?: { Code?: string; Message?: string; Item?: Item }[] }).CancellationReasons ?? [];
    const reasons: (KvCancelReason | null)[] = raw.map((r, i) => {
      if (!r.Code || r.Code === 'None') return null;
      const m = models[i];
      return { code: r.Code, message: r.Message, item: r.Item && m ? decodeRow(m, r.Item) : null };
    });
    return new KvTransactionCancelled(reasons, slim(e));
  }

  async get(modelKey: string, key: KeyValues, log: Log): Promise<Row | null> {
    const m = this.model(modelKey);
    const TableName = this.tableName(m);
    const out = await this.call<GetItemCommandOutput>(
      () => new GetItemCommand({ TableName, Key: encodeKey(m, key), ConsistentRead: true }),
      { operation: 'GetItem', idempotent: true, model: m.name, table: TableName, rowCount: (o) => ((o as GetItemCommandOutput).Item ? 1 : 0) },
      log,
    );
    return out.Item ? decodeRow(m, out.Item) : null;
  }

  async batchGet(modelKey: string, keys: readonly KeyValues[], log: Log): Promise<Row[]> {
    const m = this.model(modelKey);
    const TableName = this.tableName(m);
    if (keys.length === 0) return [];
    if (keys.length > 100) throw new QuernError('internal: BatchGetItem takes at most 100 keys');
    let pending: Item[] = keys.map((k) => encodeKey(m, k));
    const rows: Row[] = [];
    for (let round = 0; pending.length > 0; round++) {
      const req = pending;
      const out = await this.call<BatchGetItemCommandOutput>(
        () => new BatchGetItemCommand({ RequestItems: { [TableName]: { Keys: req, ConsistentRead: true } } }),
        {
          operation: 'BatchGetItem',
          idempotent: true,
          model: m.name,
          table: TableName,
          rowCount: (o) => (o as BatchGetItemCommandOutput).Responses?.[TableName]?.length ?? 0,
        },
        log,
      );
      for (const item of out.Responses?.[TableName] ?? []) rows.push(decodeRow(m, item));
      pending = (out.UnprocessedKeys?.[TableName]?.Keys ?? []) as Item[];
      if (pending.length > 0) {
        // Unprocessed keys mean the table is throttling: back off before asking again.
        if (round + 1 >= this.retry.attempts * 2)
          throw new ValidationError(m.name, `BatchGetItem left ${pending.length} keys unprocessed after ${round + 1} rounds (throttled)`);
        await sleep(backoff(this.retry, round));
      }
    }
    return rows;
  }

  async query(req: KvQueryRequest, log: Log): Promise<KvPage> {
    const m = this.model(req.model);
    const TableName = this.tableName(m);
    // DynamoDB rejects `BETWEEN low AND high` with low > high as an invalid request; SQL just matches nothing.
    if (emptyBetween(m, req)) return { items: [], count: 0, lastKey: null };
    const filter = req.filter ? foldConstants(req.filter, req.resolve) : true;
    if (filter === false) return { items: [], count: 0, lastKey: null };
    const onCollection = !!m.colocation && req.index === null;
    const resolve = onCollection ? collectionResolve(m, req) : req.resolve;
    const key = onCollection ? collectionKeyCondition(m, req.key) : req.key;
    const out = await this.call<QueryCommandOutput>(
      () => {
        // A colocated model's key condition is made per call: nothing to cache it by.
        // Cached only under the plan's own filter object: a filter folded into a new one per call would grow the cache.
        const x = this.renderQuery(m, key, filter === true ? null : filter, resolve, !onCollection && (filter === true || filter === req.filter));
        return new QueryCommand({
          TableName,
          IndexName: req.index ?? undefined,
          KeyConditionExpression: x.key,
          FilterExpression: x.filter,
          ExpressionAttributeNames: x.names,
          ExpressionAttributeValues: x.values,
          ScanIndexForward: req.forward,
          Limit: this.limit(req.pageSize),
          Select: req.select === 'count' ? 'COUNT' : undefined,
          ExclusiveStartKey: req.startKey ? encodeKey(m, req.startKey, this.keyAttributes(req.model, req.index)) : undefined,
          // Table reads are strongly consistent (read-your-writes); GSIs cannot be.
          ConsistentRead: req.index ? undefined : true,
        });
      },
      { operation: 'Query', idempotent: true, model: m.name, table: TableName, rowCount: (o) => (o as QueryCommandOutput).Count ?? 0 },
      log,
    );
    return {
      items: (out.Items ?? []).map((i) => decodeRow(m, i)),
      count: out.Count ?? 0,
      lastKey: out.LastEvaluatedKey ? decodeKey(m, out.LastEvaluatedKey) : null,
    };
  }

  async scan(req: KvScanRequest, log: Log): Promise<KvPage> {
    const m = this.model(req.model);
    const TableName = this.tableName(m);
    // A collection table holds several models: a Scan keeps this model's items only.
    const filter = m.colocation ? andOf([collectionFilter(m), ...(req.filter ? [req.filter] : [])]) : req.filter;
    const out = await this.call<ScanCommandOutput>(
      () => {
        const sink = this.sink(m, req.resolve);
        const FilterExpression = this.condition(m, filter, sink);
        return new ScanCommand({
          TableName,
          FilterExpression,
          ExpressionAttributeNames: sink.expressionNames,
          ExpressionAttributeValues: sink.expressionValues,
          Limit: this.limit(req.pageSize),
          Select: req.select === 'count' ? 'COUNT' : undefined,
          ConsistentRead: true,
          ExclusiveStartKey: req.startKey ? encodeKey(m, req.startKey) : undefined,
        });
      },
      { operation: 'Scan', idempotent: true, model: m.name, table: TableName, rowCount: (o) => (o as ScanCommandOutput).Count ?? 0 },
      log,
    );
    return {
      items: (out.Items ?? []).map((i) => decodeRow(m, i)),
      count: out.Count ?? 0,
      lastKey: out.LastEvaluatedKey ? decodeKey(m, out.LastEvaluatedKey) : null,
    };
  }

  async getUnique(modelKey: string, constraint: string, values: readonly unknown[], log: Log): Promise<KeyValues | null> {
    const m = this.model(modelKey);
    if (values.some((v) => v === null || v === undefined)) return null;
    const TableName = this.uniqueTable;
    const out = await this.call<GetItemCommandOutput>(
      () => new GetItemCommand({ TableName, Key: { [UNIQUE_PK]: { S: uniqueEntryKey(m, constraint, values) } }, ConsistentRead: true }),
      { operation: 'GetItem', idempotent: true, model: m.name, table: TableName, rowCount: (o) => ((o as GetItemCommandOutput).Item ? 1 : 0) },
      log,
    );
    const k = out.Item?.k?.M;
    return k ? decodeKey(m, k) : null;
  }

  async listEntries(
    modelKey: string,
    field: string,
    element: unknown,
    startKey: KeyValues | null,
    pageSize: number | undefined,
    log: Log,
  ): Promise<KvEntryPage> {
    const m = this.model(modelKey);
    const TableName = this.listTable;
    const out = await this.call<QueryCommandOutput>(
      () =>
        new QueryCommand({
          TableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': LIST_PK },
          ExpressionAttributeValues: { ':pk': { S: listEntryPk(m, field, element) } },
          Limit: this.limit(pageSize),
          ConsistentRead: true,
          ExclusiveStartKey: startKey ? (startKey as Record<string, AttributeValue>) : undefined,
        }),
      { operation: 'Query', idempotent: true, model: m.name, table: TableName, rowCount: (o) => (o as QueryCommandOutput).Count ?? 0 },
      log,
    );
    return {
      keys: (out.Items ?? []).map((i) => decodeKey(m, i.k?.M ?? {})),
      lastKey: out.LastEvaluatedKey ? (out.LastEvaluatedKey as KeyValues) : null,
    };
  }

  /** Rejects an item over 400 KB before sending, naming the model and key. */
  private checkSize(m: ModelDef, key: KeyValues, item: Item) {
    const n = itemSize(item);
    if (n > MAX_ITEM_BYTES) {
      const k = m.key.map((a) => `${a}=${key[a] instanceof Date ? (key[a] as Date).toISOString() : String(key[a])}`).join(', ');
      throw new ValidationError(`${m.name}(${k})`, `the item is ${n} bytes; DynamoDB items are limited to 400 KB (${MAX_ITEM_BYTES} bytes)`);
    }
  }

  private putInput(w: Extract<KvWriteItem, { kind: 'Put' }>) {
    const m = this.model(w.model);
    const Item = this.encodeItem(m, w.item);
    this.checkSize(m, w.item, Item);
    const sink = this.sink(m, w.resolve);
    const ConditionExpression = this.condition(m, w.condition, sink);
    return {
      m,
      input: {
        TableName: this.tableName(m),
        Item,
        ConditionExpression,
        ExpressionAttributeNames: sink.expressionNames,
        ExpressionAttributeValues: sink.expressionValues,
      },
    };
  }

  private encodeItem(m: ModelDef, row: Row): Item {
    return encodeItem(m, row, this.allKeyAttributes(m));
  }

  /** UpdateExpression, or null when there is nothing to set (the write is then a condition check). */
  private updateInput(w: Extract<KvWriteItem, { kind: 'Update' }>) {
    const m = this.model(w.model);
    const sink = this.sink(m, w.resolve);
    const UpdateExpression = renderUpdate(w.updates, sink, (ref) => {
      const v = w.resolve(ref);
      return v === null || v === undefined;
    });
    const ConditionExpression = this.condition(m, w.condition, sink);
    const Key = encodeKey(m, w.key);
    this.checkSize(m, w.key, { ...Key, ...sink.values });
    return {
      m,
      input: {
        TableName: this.tableName(m),
        Key,
        UpdateExpression: UpdateExpression || undefined,
        ConditionExpression,
        ExpressionAttributeNames: sink.expressionNames,
        ExpressionAttributeValues: sink.expressionValues,
      },
    };
  }

  private deleteInput(w: Extract<KvWriteItem, { kind: 'Delete' }>) {
    const m = this.model(w.model);
    const sink = this.sink(m, w.resolve);
    const ConditionExpression = this.condition(m, w.condition, sink);
    return {
      m,
      input: {
        TableName: this.tableName(m),
        Key: encodeKey(m, w.key),
        ConditionExpression,
        ExpressionAttributeNames: sink.expressionNames,
        ExpressionAttributeValues: sink.expressionValues,
      },
    };
  }

  async put(w: Extract<KvWriteItem, { kind: 'Put' }>, log: Log): Promise<void> {
    const { m, input } = this.putInput(w);
    const meta = { operation: 'PutItem', model: m.name, table: input.TableName, rowCount: () => 1 };
    try {
      await send(this.client, () => new PutItemCommand(input), meta, log, this.retry);
    } catch (e) {
      // A dropped connection leaves it unknown whether the put applied; resending blindly could
      // fail its own attribute_not_exists. Read the item: if it is exactly ours, the put applied.
      if (isNetwork(e)) {
        const now = await this.get(w.model, pickKeyOf(m, w.item), log);
        if (now && JSON.stringify(this.encodeItem(m, now)) === JSON.stringify(input.Item)) return;
        return this.call(() => new PutItemCommand(input), meta, log);
      }
      throw this.mapped(e, meta);
    }
  }

  async update(w: Extract<KvWriteItem, { kind: 'Update' }>, log: Log): Promise<Row> {
    const { m, input } = this.updateInput(w);
    if (!input.UpdateExpression) {
      // Nothing to change: read the item and check the condition the write would have checked.
      const row = await this.get(w.model, w.key, log);
      if (!row || (w.condition && !evaluate(w.condition, row, w.resolve, m))) throw new KvConditionFailed(row);
      return row;
    }
    const out = await this.call<UpdateItemCommandOutput>(
      () =>
        new UpdateItemCommand({ ...input, UpdateExpression: input.UpdateExpression, ReturnValues: 'ALL_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      { operation: 'UpdateItem', model: m.name, table: input.TableName, rowCount: () => 1 },
      log,
    );
    return decodeRow(m, out.Attributes ?? {});
  }

  async delete(w: Extract<KvWriteItem, { kind: 'Delete' }>, log: Log): Promise<Row> {
    const { m, input } = this.deleteInput(w);
    const out = await this.call<DeleteItemCommandOutput>(
      () => new DeleteItemCommand({ ...input, ReturnValues: 'ALL_OLD', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      { operation: 'DeleteItem', model: m.name, table: input.TableName, rowCount: () => 1 },
      log,
    );
    return decodeRow(m, out.Attributes ?? {});
  }

  async transact(items: readonly KvWriteItem[], log: Log): Promise<void> {
    if (items.length === 0) return;
    if (items.length > 100) throw new QuernError('internal: TransactWriteItems takes at most 100 items');
    const models: (ModelDef | null)[] = [];
    const tx: TransactWriteItem[] = items.map((w): TransactWriteItem => {
      switch (w.kind) {
        case 'Put': {
          const { m, input } = this.putInput(w);
          models.push(m);
          return { Put: { ...input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
        }
        case 'Update': {
          const { m, input } = this.updateInput(w);
          models.push(m);
          if (!input.UpdateExpression) {
            return {
              ConditionCheck: {
                TableName: input.TableName,
                Key: input.Key,
                ConditionExpression: input.ConditionExpression ?? `attribute_exists(#k)`,
                ExpressionAttributeNames: input.ExpressionAttributeNames ?? { '#k': m.key[0] },
                ExpressionAttributeValues: input.ExpressionAttributeValues,
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            };
          }
          return { Update: { ...input, UpdateExpression: input.UpdateExpression, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
        }
        case 'Delete': {
          const { m, input } = this.deleteInput(w);
          models.push(m);
          return { Delete: { ...input, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
        }
        case 'PutUnique': {
          const m = this.model(w.model);
          models.push(null);
          return {
            Put: {
              TableName: this.uniqueTable,
              Item: uniqueEntryItem(m, w.constraint, w.values, w.key),
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': UNIQUE_PK },
            },
          };
        }
        case 'DeleteUnique': {
          const m = this.model(w.model);
          models.push(null);
          // Only release an entry that is ours; an absent one is already released.
          return {
            Delete: {
              TableName: this.uniqueTable,
              Key: { [UNIQUE_PK]: { S: uniqueEntryKey(m, w.constraint, w.values) } },
              ConditionExpression: 'attribute_not_exists(#pk) OR #k = :k',
              ExpressionAttributeNames: { '#pk': UNIQUE_PK, '#k': 'k' },
              ExpressionAttributeValues: { ':k': { M: encodeKey(m, w.key) } },
            },
          };
        }
        case 'PutListEntry':
          models.push(null);
          return { Put: { TableName: this.listTable, Item: listEntryItem(this.model(w.model), w.field, w.element, w.key) } };
        case 'DeleteListEntry':
          models.push(null);
          return { Delete: { TableName: this.listTable, Key: listEntryKey(this.model(w.model), w.field, w.element, w.key) } };
        default: {
          const never: never = w;
          throw new QuernError(`internal: unknown write ${JSON.stringify(never)}`);
        }
      }
    });
    const first = models.find((m) => m) ?? null;
    // One token for every retry of this transaction: DynamoDB then applies it at most once.
    const ClientRequestToken = randomUUID();
    await this.call(
      () => new TransactWriteItemsCommand({ TransactItems: tx, ClientRequestToken }),
      {
        operation: 'TransactWriteItems',
        idempotent: true,
        model: first?.name,
        table: first ? this.tableName(first) : this.uniqueTable,
        rowCount: () => items.length,
      },
      log,
      models,
    );
  }
}
