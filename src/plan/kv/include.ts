/**
 * Relation includes on DynamoDB. belongsTo: ONE BatchGetItem of the parents'
 * distinct foreign keys (chunks of 100). hasMany/hasOne: a Query per parent on
 * a key source whose partition is the foreign key, run in parallel with
 * bounded concurrency. Never one request per parent for belongsTo, never a Scan.
 */
import type { IncludeNode } from '../../query/ast.js';
import type { SchemaDef } from '../../schema/define.js';
import type { ModelDef } from '../../schema/model.js';
import type { DriverName } from '../capabilities.js';
import { batchGetChunk, type KvTarget } from './target.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import type { Operation } from '../plan.js';
import { effectiveOrder, indexCall, keySources, sourceAttrs, sparseFields, type KeySource } from './access.js';
import { conditionOf, conjuncts, fieldFacts, findUnsupported, param, splitResidual } from './filter.js';
import type { KvSortCondition } from './ops.js';
import { isToMany, keyPairs, soleForeignKey } from '../../schema/relation.js';

/**
 * Key sources whose key starts with the foreign key fields: partition = the first, sort = the
 * second (a reference to a (partition, sort) key), so one Query per parent pins them all.
 */
export const fkCandidates = (target: ModelDef, fks: readonly string[]): KeySource[] =>
  fks.length > 2 ? [] : keySources(target).filter((s) => s.partition === fks[0] && (fks.length === 1 || s.sort === fks[1]));

/** The key source a hasMany/hasOne on `fks` can query: its key starts with them, no other key field may be missing. */
export function fkSource(target: ModelDef, fks: readonly string[], nonNull: ReadonlySet<string> = new Set()): KeySource | null {
  const candidates = fkCandidates(target, fks).filter((s) => sparseFields(target, s).every((f) => fks.includes(f) || nonNull.has(f)));
  // Prefer the table (strongly consistent), then a GSI without a sort key.
  return candidates[0] ?? null;
}

/**
 * `manyParents`: the level above may hold several rows (a findMany, or below a hasMany), so a
 * per-parent Query is a fan-out: P parents cost P requests, which the plan must say.
 */
export function planIncludes(
  schema: SchemaDef,
  parentKey: string,
  includes: readonly IncludeNode[],
  kt: KvTarget,
  path: readonly string[] = [],
  manyParents = true,
): { ops: Operation[]; diagnostics: Diagnostic[] } {
  const { driver, caps } = kt;
  const ops: Operation[] = [];
  const diagnostics: Diagnostic[] = [];
  const parent = schema.models[parentKey];
  for (const inc of includes) {
    const rel = schema.relations[parentKey][inc.relation];
    const targetKey = rel.target;
    const target = schema.models[targetKey];
    const relPath = [...path, inc.relation];
    if (rel.kind === 'manyToMany') {
      const r = planManyToMany(schema, parentKey, inc, relPath, kt, manyParents);
      ops.push(...r.ops);
      diagnostics.push(...r.diagnostics);
    } else if (rel.kind === 'belongsTo') {
      // The distinct keys the parents point at: (fk1, fk2) pairs for a composite key.
      const pairs = keyPairs(rel.foreignKeys, target.key);
      ops.push({
        kind: 'BatchGetItem',
        model: targetKey,
        table: target.table,
        step: { role: 'include', path: relPath, relation: inc.relation, cardinality: 'one', parentFields: rel.foreignKeys, childFields: target.key },
        key: pairs.map(([fk, k]) => ({ attr: k, value: { from: 'parent', field: fk }, each: true })),
        filter: null,
        chunk: batchGetChunk(caps),
      });
    } else {
      const fks = rel.foreignKeys;
      const fk = fks[0];
      const label = fks.join(', ');
      // A composite reference pins the sort key too (its second field): `where` conditions on the
      // sort key cannot join the key condition, and only that field's (constant) order is served.
      const pinnedSort = fks.length > 1 ? fks[1] : null;
      const items = conjuncts(inc.where);
      const facts = fieldFacts(items);
      for (const u of findUnsupported(caps, target, inc.where)) {
        diagnostics.push(diag(u.code, driver, target.name, `include ${parent.name}.${inc.relation}: ${u.what} cannot be evaluated by DynamoDB`, u.fix));
      }
      const order = effectiveOrder(inc.orderBy, facts).filter((t) => !fks.includes(t.field));
      const candidates = fkCandidates(target, fks);
      const usable = candidates.filter((s) => sparseFields(target, s).every((f) => fks.includes(f) || facts.nonNull.has(f)));
      const ordered = usable.find(
        (s) => order.length === 0 || (!pinnedSort && order.length === 1 && s.sort === order[0].field && target.fields[s.sort]?.kind !== 'decimal'),
      );
      const source = ordered ?? usable[0] ?? null;
      const step = {
        role: 'include',
        path: relPath,
        relation: inc.relation,
        cardinality: rel.kind === 'hasOne' ? 'one' : 'many',
        parentFields: parent.key,
        childFields: fks,
      } as const;
      if (!source) {
        const want = [...fks, ...(order[0] && !pinnedSort && !target.fields[order[0].field]?.nullable ? [order[0].field] : [])];
        const sparse =
          candidates.length > 0
            ? ` (${candidates.map((c) => c.index).join(', ')} cannot: ${sparseFields(target, candidates[0])
                .filter((f) => !fks.includes(f))
                .join(', ')} is nullable and DynamoDB leaves items without it out of the index)`
            : '';
        diagnostics.push(
          diag(
            'index-missing',
            driver,
            target.name,
            pinnedSort
              ? `include ${parent.name}.${inc.relation} needs a Query by ${target.name}.(${label}), and no key or index of ${target.name} has ${fk} as its partition and ${pinnedSort} as its sort key${sparse}`
              : `include ${parent.name}.${inc.relation} needs a Query by ${target.name}.${fk}, and no index of ${target.name} has ${fk} as its partition key${sparse}`,
            `add ${indexCall(want)} to ${target.name}`,
            { model: target.name, fields: want },
          ),
        );
        continue;
      }
      if (!ordered && order.length > 0) {
        const want = [...fks, order[0].field];
        diagnostics.push(
          diag(
            'order-unsupported',
            driver,
            target.name,
            `include ${parent.name}.${inc.relation} orderBy ${order.map((t) => t.field).join(', ')} is not the sort key of ${source.index ?? `the ${target.name} table key`}`,
            pinnedSort
              ? `drop orderBy from the include and sort ${inc.relation} in application code (each parent's rows share ${label}, which the Query pins)`
              : `add ${indexCall(want)} to ${target.name}${target.fields[order[0].field]?.nullable ? ` (${order[0].field} is nullable: also filter it with { not: null })` : ''}`,
            { model: target.name, fields: want },
          ),
        );
      }
      if (manyParents) diagnostics.push(includeFanoutDiagnostic(driver, parent.name, inc.relation, target.name, label, rel.target, !!rel.colocated));
      let sort: { attr: string; cond: KvSortCondition } | null = null;
      const used: unknown[] = [];
      if (pinnedSort) {
        sort = { attr: pinnedSort, cond: { op: '=', value: { from: 'parent', field: parent.key[1] } } };
      } else if (source.sort) {
        const eq = facts.eq.get(source.sort);
        const range = facts.range.get(source.sort)?.[0];
        const prefix = facts.prefix.get(source.sort);
        if (eq) {
          sort = { attr: source.sort, cond: { op: '=', value: param(eq.value) } };
          used.push(eq);
        } else if (prefix) {
          sort = { attr: source.sort, cond: { op: 'beginsWith', value: param(prefix.value) } };
          used.push(prefix);
        } else if (range && target.fields[source.sort]?.kind !== 'decimal' && !(target.colocation?.role === 'child' && source.index === null)) {
          const op = ({ lt: '<', lte: '<=', gt: '>', gte: '>=' } as const)[range.op as 'lt' | 'lte' | 'gt' | 'gte'];
          sort = { attr: source.sort, cond: { op, value: param(range.value) } };
          used.push(range);
        }
      }
      const { filter, postFilter } = splitResidual(
        target,
        items.filter((i) => !used.includes(i)),
        sourceAttrs(source),
      );
      ops.push({
        kind: 'Query',
        model: targetKey,
        table: target.table,
        step,
        index: source.index,
        key: { partition: { attr: fk, value: { from: 'parent', field: parent.key[0] }, each: true }, sort },
        filter,
        postFilter,
        direction: (order[0]?.direction ?? 'asc') === 'asc' ? 'forward' : 'backward',
        limit: rel.kind === 'hasOne' ? { from: 'const', value: 1 } : inc.limit ? param(inc.limit) : null,
        offset: null,
        cursor: null,
        select: 'items',
      });
    }
    ops.push({ kind: 'Merge', relation: relPath.join('.'), from: target.name, to: parent.name, cardinality: isToMany(rel.kind) ? 'many' : 'one' });
    const nested = planIncludes(schema, targetKey, inc.include, kt, relPath, manyParents || isToMany(rel.kind));
    ops.push(...nested.ops);
    diagnostics.push(...nested.diagnostics);
  }
  return { ops, diagnostics };
}

/** A hasMany/hasOne include over several parents: one Query each, so P parents are P requests. */
export function includeFanoutDiagnostic(
  driver: DriverName,
  parent: string,
  relation: string,
  child: string,
  fk: string,
  childKey: string,
  colocated = false,
): Diagnostic {
  return diag(
    'fanout',
    driver,
    child,
    `include ${parent}.${relation} sends one Query per ${parent} row read (P parents: P requests to ${child} by ${fk}); the bound is the number of ${parent} rows the query returns (its limit)`,
    colocated
      ? `the relation is colocated: read one ${parent} at a time (findUnique with include is ONE Query of its item collection), or read one parent's children with findMany({ where: { ${fk} } })`
      : `declare the relation with hasMany('${childKey}', '${fk}', { colocated: true }) so each ${parent} and its ${child} rows are one Query (a DynamoDB item collection), or read one parent's children with findMany({ where: { ${fk} } })`,
  );
}

/**
 * manyToMany on DynamoDB: per parent ONE Query of the join model by `from` (its table key, or the
 * inverted index defineSchema declares), then ONE BatchGetItem of the distinct targets of all the
 * links (chunks of 100). A where on the targets is checked on the fetched items (they are read by
 * key, there is nothing to filter server-side); limit keeps the first matches in link order. An
 * orderBy would need an engine-side sort: refused.
 */
function planManyToMany(
  schema: SchemaDef,
  parentKey: string,
  inc: IncludeNode,
  relPath: readonly string[],
  kt: KvTarget,
  manyParents: boolean,
): { ops: Operation[]; diagnostics: Diagnostic[] } {
  const { driver, caps } = kt;
  const rel = schema.relations[parentKey][inc.relation];
  const parent = schema.models[parentKey];
  const target = schema.models[rel.target];
  const join = schema.models[rel.through!];
  const diagnostics: Diagnostic[] = [];
  for (const u of findUnsupported(caps, target, inc.where)) {
    diagnostics.push(diag(u.code, driver, target.name, `include ${parent.name}.${inc.relation}: ${u.what} cannot be evaluated by DynamoDB`, u.fix));
  }
  if (inc.orderBy.length > 0) {
    diagnostics.push(
      diag(
        'order-unsupported',
        driver,
        target.name,
        `include ${parent.name}.${inc.relation} orderBy ${inc.orderBy.map((t) => t.field).join(', ')}: a manyToMany include reads its targets by key (BatchGetItem), which has no order`,
        `drop orderBy from the include and sort ${inc.relation} in application code`,
      ),
    );
  }
  const from = soleForeignKey(rel);
  const source = fkSource(join, [from]);
  if (!source) {
    diagnostics.push(
      diag(
        'index-missing',
        driver,
        join.name,
        `include ${parent.name}.${inc.relation} needs a Query of ${join.name} by ${from}`,
        `add ${indexCall([from, rel.to!])} to ${join.name}`,
        { model: join.name, fields: [from, rel.to!] },
      ),
    );
    return { ops: [], diagnostics };
  }
  if (manyParents) {
    diagnostics.push(
      diag(
        'fanout',
        driver,
        join.name,
        `include ${parent.name}.${inc.relation} sends one Query of ${join.name} per ${parent.name} row read (P parents: P requests by ${from}), then one BatchGetItem of the ${target.name} rows; the bound is the number of ${parent.name} rows the query returns (its limit)`,
        `read one ${parent.name}'s ${inc.relation} at a time (findUnique with include), or accept the fan-out with a bounded limit on a non-strict client`,
      ),
    );
  }
  const base = { role: 'include', path: relPath, relation: inc.relation, cardinality: 'many' } as const;
  const ops: Operation[] = [
    {
      kind: 'Query',
      model: rel.through!,
      table: join.table,
      index: source.index,
      step: { ...base, parentFields: parent.key, childFields: [from], link: 'links' },
      key: { partition: { attr: from, value: { from: 'parent', field: parent.key[0] }, each: true }, sort: null },
      // The include's limit, per parent: applied to the links when the targets have no where, else to the matching targets.
      filter: null,
      postFilter: null,
      direction: 'forward',
      limit: inc.limit ? param(inc.limit) : null,
      offset: null,
      cursor: null,
      select: 'items',
    },
    {
      kind: 'BatchGetItem',
      model: rel.target,
      table: target.table,
      step: { ...base, parentFields: [rel.to!], childFields: target.key, link: 'targets' },
      key: [{ attr: target.key[0], value: { from: 'parent', field: rel.to! }, each: true }],
      filter: inc.where ? conditionOf(target, conjuncts(inc.where)) : null,
      chunk: batchGetChunk(caps),
    },
  ];
  return { ops, diagnostics };
}
