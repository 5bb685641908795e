/**
 * Root reads of a KV plan: GetItem, BatchGetItem, Query, Scan, unique-index
 * lookups and OR branches. DynamoDB applies Limit before the filter, so a
 * filtered read keeps fetching pages until it has what was asked for or the
 * data ends: a short page is a bug.
 */
import { ValidationError } from '../../errors.js';
import { checkScalar } from '../../schema/values.js';
import { batchGetFanoutDiagnostic, partitionFanoutDiagnostic } from '../../plan/kv/fanout.js';
import type { KvBatchGetItem, KvGetItem, KvQuery, KvReadOperation, KvScan, KvValue } from '../../plan/kv/ops.js';
import type { ModelDef } from '../../schema/model.js';
import type { KeyValues, KvPage, Row } from './core.js';
import { expandKeys, keyString, mapLimit, resolver, rowKey, usableKeyValue, type RunCtx, type Scope } from './context.js';
import { evaluate } from './evaluate.js';
import { readSharded, shardedBoundaryAttrs } from './sharded.js';
import { checkFanout } from './bound.js';
import { fanoutDiagnostic } from '../../plan/kv/plan.js';

/** How many matches to collect (null: all), and where to resume. */
export interface Want {
  readonly need: number | null;
  readonly startKey?: KeyValues | null;
}

export interface ReadResult {
  readonly rows: Row[];
  /** For Query/Scan: whether the source may hold more matches after the last row. */
  readonly more: boolean;
}

function filtered(op: KvGetItem | KvBatchGetItem, rows: Row[], x: RunCtx, scope: Scope): Row[] {
  if (!op.filter) return rows;
  const r = resolver(x, scope);
  const m = x.schema.models[op.model];
  return rows.filter((row) => evaluate(op.filter!, row, r, m));
}

async function getItem(x: RunCtx, op: KvGetItem, scope: Scope): Promise<Row[]> {
  const keys = expandKeys(op.key, resolver(x, scope));
  if (keys.length !== 1) return [];
  const row = await x.core.get(op.model, keys[0], x.log);
  return row ? filtered(op, [row], x, scope) : [];
}

export async function batchGet(x: RunCtx, model: string, keys: KeyValues[], what: string): Promise<Row[]> {
  const chunks: KeyValues[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  checkFanout(x, model, chunks.length, `${what}: ${keys.length} keys in BatchGetItem requests of 100`);
  if (chunks.length > 1) {
    x.warn(batchGetFanoutDiagnostic('dynamodb', x.schema.models[model].name, what, keys.length, 100));
  }
  const pages = await mapLimit(chunks, x.concurrency, (c) => x.core.batchGet(model, c, x.log));
  return pages.flat();
}

async function batchGetItem(x: RunCtx, op: KvBatchGetItem, scope: Scope): Promise<Row[]> {
  const m = x.schema.models[op.model];
  const keys = expandKeys(op.key, resolver(x, scope));
  const rows = await batchGet(x, op.model, keys, `${m.name} key in [...]`);
  // BatchGetItem answers in no order: return the rows in the order of the key list.
  const byKey = new Map(rows.map((r) => [rowKey(m, r), r]));
  const ordered = keys.map((k) => byKey.get(keyString(k, m.key))).filter((r): r is Row => !!r);
  return filtered(op, ordered, x, scope);
}

/** Largest Limit one Query/Scan asks for; beyond it the loop reads further pages. */
const MAX_REQUEST_LIMIT = 10_000;

/** Reads pages until `need` matches are collected or the data ends. */
async function collect(
  fetch: (startKey: KeyValues | null, pageSize: number | undefined) => Promise<KvPage>,
  want: Want,
  hasFilter: boolean,
): Promise<ReadResult> {
  const rows: Row[] = [];
  let start = want.startKey ?? null;
  for (;;) {
    const remaining = want.need === null ? undefined : want.need - rows.length;
    // Without a filter every evaluated item matches, so Limit can be exact. With one,
    // a 1 MB page per request keeps the request count minimal.
    // Capped: a huge limit + offset (2^31 passes validation) is not a valid DynamoDB Limit; pages continue.
    const page = await fetch(start, hasFilter || remaining === undefined ? undefined : Math.min(Math.max(remaining, 1), MAX_REQUEST_LIMIT));
    rows.push(...page.items);
    if (want.need !== null && rows.length >= want.need) {
      return { rows: rows.slice(0, want.need), more: rows.length > want.need || page.lastKey !== null };
    }
    if (!page.lastKey) return { rows, more: false };
    start = page.lastKey;
  }
}

const partitionFanout = (x: RunCtx, op: KvQuery, n: number) => partitionFanoutDiagnostic('dynamodb', x.schema.models[op.model].name, op.key.partition.attr, n);

function partitions(x: RunCtx, op: KvQuery, scope: Scope): unknown[] {
  const v = resolver(x, scope)(op.key.partition.value);
  // One partition value (the common case): no list, set or fanout check to build.
  if (!op.key.partition.each) return usableKeyValue(v) ? [v] : [];
  const list = Array.isArray(v) ? v : [];
  const seen = new Set<string>();
  const out = list.filter((p) => {
    if (!usableKeyValue(p)) return false;
    const k = keyString({ p }, ['p']);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  checkFanout(x, op.model, out.length, `${op.key.partition.attr} in [...] (one Query per partition)`);
  return out;
}

export async function queryOne(x: RunCtx, op: KvQuery, partition: unknown, want: Want, scope: Scope = {}): Promise<ReadResult> {
  const override = new Map<KvValue, unknown>(scope.override ?? []);
  override.set(op.key.partition.value, partition);
  const resolve = resolver(x, { ...scope, override });
  const post = op.postFilter;
  return collect(
    async (startKey, pageSize) => {
      const page = await x.core.query(
        {
          model: op.model,
          index: op.index,
          key: op.key,
          filter: op.filter,
          forward: op.direction === 'forward',
          pageSize,
          startKey,
          select: 'items',
          resolve,
        },
        x.log,
      );
      return post ? { ...page, items: page.items.filter((r) => evaluate(post, r, resolve, x.schema.models[op.model])) } : page;
    },
    want,
    !!op.filter || !!post,
  );
}

async function query(x: RunCtx, op: KvQuery, want: Want, scope: Scope): Promise<ReadResult> {
  if (op.shards) return readSharded(x, op, want, scope);
  const parts = partitions(x, op, scope);
  if (parts.length > 1) x.warn(partitionFanout(x, op, parts.length));
  if (parts.length === 1) return queryOne(x, op, parts[0], want, scope);
  const results = await mapLimit(parts, x.concurrency, (p) => queryOne(x, op, p, { need: want.need }, scope));
  return { rows: results.flatMap((r) => r.rows), more: false };
}

async function scan(x: RunCtx, op: KvScan, want: Want, scope: Scope): Promise<ReadResult> {
  const resolve = resolver(x, scope);
  return collect(
    (startKey, pageSize) => x.core.scan({ model: op.model, filter: op.filter, pageSize, startKey, select: 'items', resolve }, x.log),
    want,
    !!op.filter,
  );
}

export function isRootRead(op: { kind: string; step?: { role: string } }): op is KvReadOperation {
  return (
    (op.kind === 'GetItem' || op.kind === 'BatchGetItem' || op.kind === 'Query' || op.kind === 'Scan') &&
    (op.step!.role === 'root' || op.step!.role === 'lookup' || op.step!.role === 'entries')
  );
}

/** One access path (a unique lookup plus its GetItem, or list entries plus their BatchGetItem, count as one). */
interface Branch {
  readonly lookup: KvGetItem | KvQuery | null;
  readonly op: KvReadOperation;
}

export function branches(ops: readonly KvReadOperation[]): Branch[] {
  const out: Branch[] = [];
  let lookup: KvGetItem | KvQuery | null = null;
  for (const op of ops) {
    if (op.step.role === 'lookup' || op.step.role === 'entries') lookup = op as KvGetItem | KvQuery;
    else {
      out.push({ lookup, op });
      lookup = null;
    }
  }
  return out;
}

/** Entries read per request: one page of keys is one BatchGetItem. */
const ENTRY_PAGE = 100;

/**
 * `has` on an indexed list: pages of the element's entries, each followed by one BatchGetItem of
 * the rows they point at (returned in entry order), until `need` rows pass the where. Without
 * other conditions a page of up to 100 rows is two requests.
 */
async function readListed(x: RunCtx, entries: KvQuery, op: KvReadOperation, want: Want): Promise<ReadResult> {
  if (entries.step.role !== 'entries' || op.kind !== 'BatchGetItem') throw new Error('internal: list entries without their BatchGetItem');
  const m = x.schema.models[op.model];
  const element = resolver(x)(entries.key.partition.value);
  const rows: Row[] = [];
  let start: KeyValues | null = null;
  let pages = 0;
  for (;;) {
    const remaining = want.need === null ? ENTRY_PAGE : Math.min(Math.max(want.need - rows.length, 1), ENTRY_PAGE);
    const page = await x.core.listEntries(op.model, entries.step.field, element, start, remaining, x.log);
    if (++pages === 2) {
      x.warn(
        fanoutDiagnostic(
          'dynamodb',
          m.name,
          `${m.name}.${entries.step.field} has: more than ${ENTRY_PAGE} entries matched, read in pages of ${ENTRY_PAGE} (one Query and one BatchGetItem each)`,
          `pass a limit of at most ${ENTRY_PAGE} (or paginate) to read one page in two requests`,
        ),
      );
    }
    const got = page.keys.length ? await x.core.batchGet(op.model, page.keys, x.log) : [];
    const byKey = new Map(got.map((r) => [rowKey(m, r), r]));
    const ordered = page.keys.map((k) => byKey.get(keyString(k, m.key))).filter((r): r is Row => !!r);
    rows.push(...filtered(op, ordered, x, {}));
    if (want.need !== null && rows.length >= want.need) return { rows: rows.slice(0, want.need), more: rows.length > want.need || page.lastKey !== null };
    if (!page.lastKey) return { rows, more: false };
    start = page.lastKey;
  }
}

export async function readBranch(x: RunCtx, b: Branch, want: Want): Promise<ReadResult> {
  let scope: Scope = {};
  if (b.lookup?.kind === 'Query') return readListed(x, b.lookup, b.op, want);
  if (b.lookup) {
    const l = b.lookup;
    if (l.step.role !== 'lookup') throw new Error('expected a unique lookup');
    const resolve = resolver(x);
    const values = l.key.map((k) => resolve(k.value));
    const key = await x.core.getUnique(l.model, l.step.constraint, values, x.log);
    if (!key) return { rows: [], more: false };
    scope = { lookup: key };
  }
  const op = b.op;
  switch (op.kind) {
    case 'GetItem':
      return { rows: await getItem(x, op, scope), more: false };
    case 'BatchGetItem':
      return { rows: await batchGetItem(x, op, scope), more: false };
    case 'Query':
      return query(x, op, want, scope);
    case 'Scan':
      return scan(x, op, want, scope);
    default: {
      const never: never = op;
      throw new Error(`unhandled read ${JSON.stringify(never)}`);
    }
  }
}

/** All branches, unioned by key in branch order. Each branch reads `need` (enough for the union). */
export async function readRoot(x: RunCtx, model: ModelDef, ops: readonly KvReadOperation[], need: number | null): Promise<Row[]> {
  const bs = branches(ops);
  if (bs.length === 1) return (await readBranch(x, bs[0], { need })).rows;
  const results = await mapLimit(bs, x.concurrency, (b) => readBranch(x, b, { need }));
  const seen = new Set<string>();
  const rows: Row[] = [];
  for (const r of results) {
    for (const row of r.rows) {
      const k = rowKey(model, row);
      if (seen.has(k)) continue;
      seen.add(k);
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Matches in one partition: Query Select=COUNT over every page. Conditions DynamoDB refuses
 * in a filter (a postFilter) need the items, which are then counted.
 */
export async function countPartition(x: RunCtx, op: KvQuery, partition: unknown, scope: Scope = {}): Promise<number> {
  if (op.postFilter) return (await queryOne(x, op, partition, { need: null }, { override: new Map<KvValue, unknown>(scope.override ?? []) })).rows.length;
  const override = new Map<KvValue, unknown>(scope.override ?? []);
  override.set(op.key.partition.value, partition);
  const resolve = resolver(x, { override });
  let n = 0;
  let start: KeyValues | null = null;
  do {
    const page: KvPage = await x.core.query(
      { model: op.model, index: op.index, key: op.key, filter: op.filter, forward: true, startKey: start, select: 'count', resolve },
      x.log,
    );
    n += page.count;
    start = page.lastKey;
  } while (start);
  return n;
}

/** Query Select=COUNT (or Scan) across every page; key paths count the fetched items. */
export async function countRoot(x: RunCtx, model: ModelDef, ops: readonly KvReadOperation[]): Promise<number> {
  const bs = branches(ops);
  if (bs.length === 1 && (bs[0].op.kind === 'Query' || bs[0].op.kind === 'Scan') && !(bs[0].op.kind === 'Query' && bs[0].op.postFilter)) {
    const op = bs[0].op;
    const parts = op.kind === 'Query' ? partitions(x, op, {}) : [];
    if (op.kind === 'Query' && parts.length > 1) x.warn(partitionFanout(x, op, parts.length));
    const counts =
      op.kind === 'Query'
        ? await mapLimit(parts, x.concurrency, (p) => countPartition(x, op, p))
        : [
            await (async () => {
              const resolve = resolver(x);
              let n = 0;
              let start: KeyValues | null = null;
              do {
                const page: KvPage = await x.core.scan({ model: op.model, filter: op.filter, startKey: start, select: 'count', resolve }, x.log);
                n += page.count;
                start = page.lastKey;
              } while (start);
              return n;
            })(),
          ];
    return counts.reduce((a, b) => a + b, 0);
  }
  return (await readRoot(x, model, ops, null)).length;
}

/** The attributes a page boundary holds, taken from an item. */
export function boundaryOf(x: RunCtx, op: KvQuery | KvScan, row: Row): KeyValues {
  const attrs = boundaryAttrs(x, op);
  const b: KeyValues = {};
  for (const a of attrs) b[a] = row[a];
  return b;
}

/** What a page boundary of this read holds: the key attributes of its table or index (a sharded index: field and table key). */
export function boundaryAttrs(x: RunCtx, op: KvQuery | KvScan): readonly string[] {
  if (op.kind === 'Query' && op.shards) return shardedBoundaryAttrs(x.schema.models[op.model], op);
  return x.core.keyAttributes(op.model, op.kind === 'Query' ? op.index : null);
}

/**
 * A decoded cursor is signed by the client, but a cursor from another schema version or a
 * hand-built boundary must still not reach DynamoDB as a malformed ExclusiveStartKey.
 */
export function checkBoundary(x: RunCtx, model: ModelDef, attrs: readonly string[], v: unknown, path = 'cursor'): KeyValues {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ValidationError(path, 'malformed cursor');
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length !== attrs.length || !attrs.every((a) => keys.includes(a)))
    throw new ValidationError(path, 'cursor does not match this query (different key attributes)');
  const out: KeyValues = {};
  for (const a of attrs) {
    const def = model.fields[a];
    try {
      out[a] = checkScalar(def, o[a], `${path}.${a}`);
    } catch {
      throw new ValidationError(path, 'malformed cursor');
    }
    if (!usableKeyValue(out[a])) throw new ValidationError(path, 'malformed cursor');
  }
  return out;
}
