/**
 * Offline planning for key-value targets: QueryAst → KV operations plus
 * diagnostics. No connection, no values: everything here depends only on the
 * query's shape, so plans are cacheable and `explain`/`lint` work offline.
 * Counts that depend on values (how many keys an `in` holds, how many rows an
 * updateMany touches) are checked by the executor at run time.
 */
import type { FilterNode, FieldUpdate, IncludeNode, QueryAst, RelationCount } from '../../query/ast.js';
import type { SchemaDef } from '../../schema/define.js';
import { kvSchema } from '../../schema/colocation.js';
import type { ModelDef } from '../../schema/model.js';
import type { TargetDescriptor } from '../target.js';
import type { DriverName } from '../capabilities.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import { assertNever, type Operation } from '../plan.js';
import { planAccess, type AccessPurpose } from './access.js';
import { conditionOf, conjuncts, fieldFacts, findUnsupported, param } from './filter.js';
import { fkSource, planIncludes } from './include.js';
import { atomicLimit, type KvTarget } from './target.js';
import { counterCaches, countersOf } from '../../schema/counters.js';
import { indexedLists } from '../../schema/lists.js';
import { guardsOf } from '../../schema/guards.js';
import { indexCall } from './access.js';
import { references } from '../../schema/references.js';
import { keyPairs } from '../../schema/relation.js';
import { UNIQUE_TABLE, type KvCondition, type KvKeyPart, type KvUniqueRef, type KvUpdate, type KvValue, type KvWrite } from './ops.js';

/** Items the engine folds at most for one aggregate, groupBy or distinct (beyond: fold-too-large). */
export const MAX_FOLD_ITEMS = 100_000;

export interface KvPlanResult {
  operations: Operation[];
  diagnostics: Diagnostic[];
}

export function planKv(schema: SchemaDef, ast: QueryAst, target: TargetDescriptor): KvPlanResult {
  // Colocated models are planned as DynamoDB stores them (src/schema/colocation.ts).
  return new KvPlanner(kvSchema(schema), ast.model, { driver: target.driver, caps: target.capabilities }).plan(ast);
}

/**
 * Queries that cannot be items of an atomic db.batch on DynamoDB, found from the plan alone (so
 * before any request, and by lint): createMany with skipDuplicates decides per row whether to
 * write, which one TransactWriteItems cannot express.
 */
export function batchItemDiagnostics(driver: DriverName, schema: SchemaDef, operations: readonly Operation[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  const writes = operations.flatMap((op): readonly Operation[] => (op.kind === 'TransactWrite' ? op.items : [op]));
  for (const op of writes) {
    // Only createMany carries skipDuplicates.
    if (op.kind === 'PutItem' && op.skipDuplicates) {
      out.push(
        diag(
          'batch-item-unsupported',
          driver,
          schema.models[op.model]?.name ?? op.model,
          'createMany({ skipDuplicates: true }) cannot be an item of db.batch on DynamoDB: skipping a row that exists would need a read-then-write, and one TransactWriteItems cannot skip items',
          'drop skipDuplicates inside db.batch (a duplicate then fails the whole batch), or run createMany({ skipDuplicates: true }) on its own, outside the batch',
        ),
      );
    }
  }
  return out;
}

/** A runtime fan-out (counts known only from values): `in` over keys, partitions, or bulk writes. */
export function fanoutDiagnostic(driver: DriverName, model: string, what: string, fix: string): Diagnostic {
  return diag('fanout', driver, model, what, fix);
}

function uniqueRefs(model: ModelDef, touched?: ReadonlySet<string>): KvUniqueRef[] {
  return model.uniques.filter((u) => !touched || u.fields.some((f) => touched.has(f))).map((u) => ({ constraint: u.name, fields: u.fields }));
}

function updates(set: readonly FieldUpdate[]): KvUpdate[] {
  return set.map((u): KvUpdate => {
    switch (u.op) {
      case 'set':
        return { op: 'set', attr: u.field, value: param(u.value) };
      case 'increment':
        return { op: 'add', attr: u.field, value: param(u.value), negate: false };
      case 'decrement':
        return { op: 'add', attr: u.field, value: param(u.value), negate: true };
      case 'push':
        return { op: 'append', attr: u.field, value: param(u.value) };
      default:
        return assertNever(u.op, 'update op');
    }
  });
}

class KvPlanner {
  private readonly model: ModelDef;
  private readonly diagnostics: Diagnostic[] = [];
  private readonly driver: DriverName;
  constructor(
    private readonly schema: SchemaDef,
    private readonly modelKey: string,
    private readonly kt: KvTarget,
  ) {
    this.model = schema.models[modelKey];
    this.driver = kt.driver;
  }

  plan(ast: QueryAst): KvPlanResult {
    const operations = this.lower(ast);
    // The same problem found twice (e.g. in a branch and the whole) is reported once.
    const seen = new Set<string>();
    const diagnostics = this.diagnostics.filter((d) => {
      const k = `${d.code}|${d.model}|${d.message}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    return { operations, diagnostics };
  }

  private unsupported(where: FilterNode | null) {
    for (const u of findUnsupported(this.kt.caps, this.model, where)) {
      this.diagnostics.push(diag(u.code, this.driver, this.model.name, `${u.what} cannot be evaluated by DynamoDB`, u.fix));
    }
  }

  private access(where: FilterNode | null, purpose: AccessPurpose, extra: Partial<Parameters<typeof planAccess>[0]> = {}) {
    const a = planAccess({
      schema: this.schema,
      modelKey: this.modelKey,
      driver: this.driver,
      caps: this.kt.caps,
      where,
      orderBy: [],
      allowScan: false,
      purpose,
      limit: null,
      offset: null,
      cursor: null,
      backward: false,
      paginate: false,
      ...extra,
    });
    this.diagnostics.push(...a.diagnostics);
    return a;
  }

  /**
   * `_count` of to-many relations. A hasMany counted without a where whose child declares a
   * counter cache on this model is read from the parent's counter field: no request at all.
   * Otherwise one Query Select=COUNT per parent row on the index over the foreign key (the
   * include's index; for a manyToMany, the join model's): N parents are N requests, a fanout.
   */
  private counts(counts: readonly RelationCount[] | null): Operation[] {
    if (!counts) return [];
    const out: Operation[] = [];
    for (const c of counts) {
      const rel = this.schema.relations[this.modelKey][c.relation];
      const cached =
        rel.kind === 'hasMany' && c.where === null
          ? counterCaches(this.schema).find(
              (cc) => cc.parent === this.modelKey && cc.child === rel.target && rel.foreignKeys.length === 1 && cc.foreignKey === rel.foreignKeys[0],
            )
          : undefined;
      if (cached) {
        out.push({ kind: 'CounterRead', model: this.model.name, relation: c.relation, field: cached.field });
        continue;
      }
      const child = this.schema.models[rel.target].name;
      if (rel.kind === 'manyToMany' && c.where !== null) {
        // The where is on the targets, which only a BatchGetItem of every link would show.
        this.diagnostics.push(
          diag(
            'relation-filter-unsupported',
            this.driver,
            child,
            `_count.${c.relation} with a where: counting the ${child} rows of a manyToMany that match a filter needs a join, which DynamoDB does not have`,
            `count without a where (one COUNT Query of the ${this.schema.models[rel.through!].name} links per row), or include ${c.relation} with the where and take its length`,
          ),
        );
        continue;
      }
      // One parent's worth of planning: the fanout is reported below, in _count's own words.
      const r = planIncludes(
        this.schema,
        this.modelKey,
        [{ relation: c.relation, where: c.where, orderBy: [], limit: null, select: null, include: [] }],
        this.kt,
        [],
        false,
      );
      this.diagnostics.push(...r.diagnostics);
      const q = r.ops.find((o) => o.kind === 'Query');
      if (!q || q.kind !== 'Query') continue;
      out.push({
        ...q,
        step: { role: 'count', relation: c.relation, parentFields: this.model.key, childFields: rel.foreignKeys },
        limit: null,
        select: 'count',
      });
      const counted = rel.kind === 'manyToMany' ? this.schema.models[rel.through!].name : child;
      this.diagnostics.push(
        fanoutDiagnostic(
          this.driver,
          this.model.name,
          `_count.${c.relation} runs one COUNT Query on ${counted} per ${this.model.name} row returned (N rows, N requests)`,
          rel.kind === 'manyToMany'
            ? `count one ${this.model.name} at a time (findUnique), or pass strict: false to accept the fanout`
            : rel.foreignKeys.length > 1
              ? `count one ${this.model.name} at a time (findUnique), or pass strict: false to accept the fanout (a counter cache needs a single-field key)`
              : `keep the count on ${this.model.name}: declare a counter cache (belongsTo('${this.modelKey}', '${rel.foreignKeys[0]}', { counterCache: '${c.relation}Count' }) on ${child}), or pass strict: false to accept the fanout`,
        ),
      );
    }
    return out;
  }

  /** `many`: the query may return several rows, each of which a hasMany include queries on its own. */
  private includes(ast: { readonly include: readonly IncludeNode[] }, many = false): Operation[] {
    const r = planIncludes(this.schema, this.modelKey, ast.include, this.kt, [], many);
    this.diagnostics.push(...r.diagnostics);
    return r.ops;
  }

  private lower(ast: QueryAst): Operation[] {
    switch (ast.kind) {
      case 'findMany':
      case 'findFirst':
      case 'findUnique':
      case 'paginate': {
        this.unsupported(ast.where);
        if (ast.offset && this.kt.caps.offset === 'emulated') {
          this.diagnostics.push(
            diag(
              'offset-emulated',
              this.driver,
              this.model.name,
              'offset on DynamoDB reads the skipped items and discards them (it costs as much as reading them)',
              'use paginate({ first, after }) with cursors instead of offset',
            ),
          );
        }
        const paginate = ast.kind === 'paginate';
        const a = this.access(ast.where, 'read', {
          orderBy: ast.orderBy,
          allowScan: ast.allowScan,
          limit: paginate ? param(ast.size) : ast.limit ? param(ast.limit) : null,
          offset: ast.offset ? param(ast.offset) : null,
          cursor: paginate && ast.cursor ? param(ast.cursor) : null,
          backward: paginate && ast.direction === 'backward',
          paginate,
        });
        const fold: Operation[] = ast.distinct
          ? [
              {
                kind: 'Fold',
                model: this.model.name,
                reason: `distinct ${ast.distinct.join(', ')}: every match of the access path is read (limit and offset apply after), the first row of each combination in read order is kept; at most ${MAX_FOLD_ITEMS} items`,
              },
            ]
          : [];
        // A Fold (distinct) keeps the root from being the single GetItem an item-collection read replaces.
        return [
          ...this.collection([...a.ops, ...fold], this.includes(ast, ast.kind === 'findMany' || ast.kind === 'paginate'), ast.include, paginate),
          ...this.counts(ast.counts),
        ];
      }
      case 'aggregate': {
        this.unsupported(ast.where);
        for (const t of ast.terms) {
          if (t.field && t.fn !== 'count' && this.model.fields[t.field].kind === 'decimal') {
            this.diagnostics.push(
              diag(
                'operator-unsupported',
                this.driver,
                this.model.name,
                `_${t.fn} of the decimal field ${this.model.name}.${t.field}: DynamoDB stores decimals as strings (every digit kept) and the engine does no decimal arithmetic`,
                `keep a numeric running total (f.float() or f.bigint() in minor units) beside the decimal, or aggregate ${t.field} on PostgreSQL`,
              ),
            );
          }
        }
        // Counting rows alone is `count-requires-scan`, as count() is; any other aggregate reads items.
        const onlyCount = !ast.by && ast.terms.every((t) => t.fn === 'count' && t.field === null);
        const a = this.access(ast.where, onlyCount ? 'count' : 'read', { allowScan: ast.allowScan });
        if (onlyCount) return a.ops;
        return [
          ...a.ops,
          {
            kind: 'Fold',
            model: this.model.name,
            reason: `${ast.by ? `groupBy ${ast.by.join(', ')}` : 'aggregate'}: the engine folds every matching item as it reads it (at most ${MAX_FOLD_ITEMS} items)${ast.having ? ', then filters groups by having' : ''}${ast.orderBy.length ? ', then orders groups' : ''}`,
          },
        ];
      }
      case 'count': {
        this.unsupported(ast.where);
        return this.access(ast.where, 'count', { allowScan: ast.allowScan }).ops;
      }
      case 'create': {
        const uniques = uniqueRefs(this.model);
        const put: KvWrite = {
          kind: 'PutItem',
          model: this.modelKey,
          table: this.model.table,
          step: { role: 'write', method: 'create', many: ast.many },
          item: param(ast.rows),
          uniques,
          condition: this.notExists(),
          skipDuplicates: ast.skipDuplicates,
          atomic: ast.atomic,
        };
        // A single row without unique fields or counted parents is one PutItem; anything else must
        // be atomic with its index entries and counter caches.
        const write: Operation =
          !ast.many && uniques.length === 0 && this.counted().length === 0 && this.lists().length === 0 ? put : this.transact('create', ast.many, [put]);
        return [write, ...this.includes(ast)];
      }
      case 'update': {
        this.unsupported(ast.where);
        this.keyMove(ast.set);
        const touched = new Set(ast.set.map((s) => s.field));
        const uniques = uniqueRefs(this.model, touched);
        if (ast.many) {
          const a = this.access(ast.where, 'keys', { allowScan: ast.allowScan });
          const upd: KvWrite = {
            kind: 'UpdateItem',
            model: this.modelKey,
            table: this.model.table,
            step: { role: 'write', method: 'update', many: true },
            key: this.keyFromItem(),
            updates: updates(ast.set),
            condition: conditionOf(this.model, conjuncts(ast.where)),
            version: ast.versionField ? { attr: ast.versionField, expected: { from: 'item', field: ast.versionField } } : null,
            uniques,
          };
          return [...a.ops, this.transact('update', true, [upd])];
        }
        const { ops, key, condition, version } = this.locate(ast.where!, ast.uniqueBy!, ast.versionField);
        const upd: KvWrite = {
          kind: 'UpdateItem',
          model: this.modelKey,
          table: this.model.table,
          step: { role: 'write', method: 'update', many: false },
          key,
          updates: updates(ast.set),
          condition,
          version,
          uniques,
        };
        // An increment of a nullable number must leave null as null (as SQL does), which an
        // UpdateExpression cannot say: like moving a unique entry, it needs the current item.
        const nullableAdd = ast.set.some((s) => (s.op === 'increment' || s.op === 'decrement') && this.model.fields[s.field].nullable);
        // Moving a child to another parent moves its counter caches: that needs the old parent.
        const movesCounter = this.counted().some((c) => c.foreignKeys.some((f) => touched.has(f)));
        // Writing an indexed list moves its entries: that needs the old elements too.
        const movesEntries = this.lists().some((f) => touched.has(f));
        if (uniques.length === 0 && !nullableAdd && !movesCounter && !movesEntries) return [...ops, upd, ...this.includes(ast)];
        // Moving a unique entry needs the old values: read the item, then write all in one transaction.
        return [...ops, this.existing(key), this.transact('update', false, [upd]), ...this.includes(ast)];
      }
      case 'upsert': {
        this.unsupported(ast.where);
        this.keyMove(ast.set);
        const { ops, key, condition, version } = this.locate(ast.where, ast.uniqueBy, ast.versionField);
        const touched = new Set(ast.set.map((s) => s.field));
        const step = { role: 'write', method: 'upsert', many: false } as const;
        const put: KvWrite = {
          kind: 'PutItem',
          model: this.modelKey,
          table: this.model.table,
          step,
          item: param(ast.create),
          uniques: uniqueRefs(this.model),
          condition: this.notExists(),
          skipDuplicates: false,
          atomic: true,
        };
        const upd: KvWrite = {
          kind: 'UpdateItem',
          model: this.modelKey,
          table: this.model.table,
          step,
          key,
          updates: updates(ast.set),
          condition,
          version,
          uniques: uniqueRefs(this.model, touched),
        };
        return [...ops, this.existing(key), this.transact('upsert', false, [put, upd]), ...this.includes(ast)];
      }
      case 'delete': {
        this.unsupported(ast.where);
        const uniques = uniqueRefs(this.model);
        const versionField = Object.keys(this.model.fields).find((f) => this.model.fields[f].version) ?? null;
        if (ast.many) {
          const a = this.access(ast.where, 'keys', { allowScan: ast.allowScan });
          const del: KvWrite = {
            kind: 'DeleteItem',
            model: this.modelKey,
            table: this.model.table,
            step: { role: 'write', method: 'delete', many: true },
            key: this.keyFromItem(),
            condition: conditionOf(this.model, conjuncts(ast.where)),
            version: versionField ? { attr: versionField, expected: { from: 'item', field: versionField } } : null,
            uniques,
          };
          return [...a.ops, ...this.dependents(this.modelKey), this.transact('delete', true, [del])];
        }
        const { ops, key, condition, version } = this.locate(ast.where!, ast.uniqueBy!, versionField);
        const del: KvWrite = {
          kind: 'DeleteItem',
          model: this.modelKey,
          table: this.model.table,
          step: { role: 'write', method: 'delete', many: false },
          key,
          condition,
          version,
          uniques,
        };
        const dependents = this.dependents(this.modelKey);
        if (uniques.length === 0 && this.counted().length === 0 && dependents.length === 0 && this.lists().length === 0) return [...ops, del];
        return [...ops, this.existing(key), ...dependents, this.transact('delete', false, [del])];
      }
      default:
        return assertNever(ast, 'query kind');
    }
  }

  /**
   * A single parent read by its key with plain includes of colocated relations: the GetItem
   * becomes one Query of the item collection that returns the children too, and the include
   * steps are served by it. Includes with a where, an order, a limit or nested includes keep
   * their own (per-partition) Query.
   */
  private collection(root: Operation[], includes: Operation[], nodes: readonly IncludeNode[], paginate: boolean): Operation[] {
    const get = root.length === 1 && root[0].kind === 'GetItem' && root[0].step.role === 'root' && !root[0].filter ? root[0] : null;
    if (!get || paginate || this.model.colocation?.role !== 'parent') return [...root, ...includes];
    const rels = this.schema.relations[this.modelKey];
    const plain = new Set(
      nodes.filter((n) => rels[n.relation]?.colocated && !n.where && n.orderBy.length === 0 && !n.limit && n.include.length === 0).map((n) => n.relation),
    );
    if (plain.size === 0) return [...root, ...includes];
    const served = includes.map((op) =>
      op.kind === 'Query' && op.step.role === 'include' && op.step.path.length === 1 && plain.has(op.step.relation) ? { ...op, collection: true } : op,
    );
    return [{ ...get, collection: [...plain] }, ...served];
  }

  /** A colocated child's foreign key is part of its DynamoDB key: changing it would move the item to another partition. */
  private keyMove(set: readonly FieldUpdate[]) {
    const c = this.model.colocation;
    if (c?.role !== 'child') return;
    const fk = this.model.key[0];
    if (!set.some((u) => u.field === fk)) return;
    this.diagnostics.push(
      diag(
        'operator-unsupported',
        this.driver,
        this.model.name,
        `${this.model.name}.${fk} cannot be updated on DynamoDB: ${this.model.name} is colocated with its parent, so ${fk} is part of the item's key (its partition)`,
        `delete the ${this.model.name} and create it again under the new parent, both in one db.batch([...]) (atomic)`,
      ),
    );
  }

  /** Indexed lists of the model: their entries are written with the row (src/schema/lists.ts). */
  private lists() {
    return indexedLists(this.model);
  }

  /** Foreign keys whose writes move a parent's counter cache or reference guard (one transaction with the parent's ADD). */
  private counted(): { readonly foreignKeys: readonly string[] }[] {
    return [...countersOf(this.schema, this.modelKey).map((c) => ({ foreignKeys: [c.foreignKey] })), ...guardsOf(this.schema, this.modelKey)];
  }

  /**
   * onDelete on DynamoDB, which has no foreign keys: for every reference to `modelKey`, a Query
   * of the rows pointing at the deleted row (restrict reads one, to refuse; cascade and setNull
   * read all, and their deletes or updates join the delete's transaction). Cascades recurse into
   * the rows they delete. A reference whose field has no index cannot be enforced: index-missing.
   */
  private dependents(modelKey: string, seen: Set<string> = new Set()): Operation[] {
    const ops: Operation[] = [];
    const parent = this.schema.models[modelKey];
    for (const r of references(this.schema)) {
      if (r.refModel !== modelKey) continue;
      const id = `${r.model}.${r.fields.join(',')}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const child = this.schema.models[r.model];
      const source = fkSource(child, r.fields);
      if (!source) {
        const label = r.fields.join(', ');
        this.diagnostics.push(
          diag(
            'index-missing',
            this.driver,
            child.name,
            `deleting a ${parent.name} must find the ${child.name} rows whose ${label} point${r.fields.length > 1 ? '' : 's'} at it (onDelete: ${r.onDelete}), and no ${r.fields.length > 1 ? 'key or index' : 'index'} of ${child.name} has ${r.fields.length > 1 ? `${r.fields[0]} as its partition and ${r.fields[1]} as its sort key` : `${label} as its partition key`}`,
            `add ${indexCall(r.fields)} to ${child.name}`,
            { model: child.name, fields: [...r.fields] },
          ),
        );
        continue;
      }
      // The row being deleted (`item`) supplies its key: the partition, and the sort for a composite reference.
      const [pk, sk] = keyPairs(r.fields, parent.key);
      ops.push({
        kind: 'Query',
        model: r.model,
        table: child.table,
        index: source.index,
        step: { role: 'dependents', parentModel: modelKey, fields: r.fields, onDelete: r.onDelete },
        key: {
          partition: { attr: pk[0], value: { from: 'item', field: pk[1] }, each: false },
          sort: sk ? { attr: sk[0], cond: { op: '=', value: { from: 'item', field: sk[1] } } } : null,
        },
        filter: null,
        postFilter: null,
        direction: 'forward',
        limit: r.onDelete === 'restrict' ? { from: 'const', value: 1 } : null,
        offset: null,
        cursor: null,
        select: 'items',
      });
      if (r.onDelete === 'cascade') ops.push(...this.dependents(r.model, seen));
    }
    return ops;
  }

  private notExists(): KvCondition {
    return { kind: 'exists', attr: this.model.key[0], exists: false };
  }

  private keyFromItem(): KvKeyPart[] {
    return this.model.key.map((k) => ({ attr: k, value: { from: 'item', field: k } as KvValue, each: false }));
  }

  /**
   * The key of the one row a unique `where` names: from params when it pins the table key,
   * otherwise through the unique-index table. The rest of the where becomes the write's
   * condition, re-checked atomically (the unique fields too: the index entry may be stale).
   * A version() field pinned by equality becomes the write's expected version instead.
   */
  private locate(
    where: FilterNode,
    uniqueBy: readonly string[],
    versionField: string | null,
  ): {
    ops: Operation[];
    key: KvKeyPart[];
    condition: KvCondition | null;
    version: { attr: string; expected: KvValue | null } | null;
  } {
    const all = conjuncts(where);
    const facts = fieldFacts(all);
    const pinned = versionField ? facts.eq.get(versionField) : undefined;
    const version = versionField ? { attr: versionField, expected: pinned ? param(pinned.value) : null } : null;
    const items = all.filter((i) => i !== pinned);
    const byKey = this.model.key.every((k) => uniqueBy.includes(k)) && uniqueBy.length === this.model.key.length;
    if (byKey) {
      const used = this.model.key.map((k) => facts.eq.get(k)!);
      return {
        ops: [],
        key: this.model.key.map((k, i) => ({ attr: k, value: param(used[i].value), each: false })),
        condition: conditionOf(
          this.model,
          items.filter((i) => !used.includes(i as never)),
        ),
        version,
      };
    }
    const u = this.model.uniques.find((x) => x.fields.length === uniqueBy.length && x.fields.every((f) => uniqueBy.includes(f)))!;
    return {
      ops: [
        {
          kind: 'GetItem',
          model: this.modelKey,
          table: UNIQUE_TABLE,
          step: { role: 'lookup', constraint: u.name, fields: u.fields },
          key: u.fields.map((f) => ({ attr: f, value: param(facts.eq.get(f)!.value), each: false })),
          filter: null,
        },
      ],
      key: this.model.key.map((k) => ({ attr: k, value: { from: 'lookup', attr: k } as KvValue, each: false })),
      condition: conditionOf(this.model, items),
      version,
    };
  }

  private existing(key: KvKeyPart[]): Operation {
    return { kind: 'GetItem', model: this.modelKey, table: this.model.table, step: { role: 'existing' }, key, filter: null };
  }

  private transact(method: 'create' | 'update' | 'delete' | 'upsert', many: boolean, items: KvWrite[]): Operation {
    return {
      kind: 'TransactWrite',
      model: this.modelKey,
      table: this.model.table,
      step: { role: 'write', method, many },
      items,
      atomicLimit: atomicLimit(this.kt.caps),
    };
  }
}
