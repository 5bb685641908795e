/**
 * SchemaDiff → ordered DynamoDB steps.
 *
 * DynamoDB has no columns: most field changes need no step. What does:
 * tables (create/delete), GSIs (one create or delete per UpdateTable),
 * unique-index entries (backfilled from the items, or deleted), and renamed
 * attributes (moved on every item so the data follows the field).
 * What DynamoDB cannot do in place (a table rename, a key change, a change of
 * a key or indexed attribute's stored type) is an error that says what to do.
 *
 * Order: create tables → move renamed attributes → create GSIs → backfill
 * uniques → delete GSIs → delete unique entries → delete tables. New access
 * paths exist before old ones go, so a running app keeps working in between.
 */
import type { FieldDef } from '../../src/schema/field.js';
import type { IndexDef, ModelDef } from '../../src/schema/model.js';
import { UnsupportedChangeError } from '../errors.js';
import type { ModelPair, SchemaDiff } from '../diff/diff.js';
import { attributeType, gsiDefinition, listTable, tableDefinition, uniqueTable } from './physical.js';
import { indexedLists } from '../../src/schema/lists.js';
import { isShardAttribute, shardAttribute } from '../../src/schema/shard.js';
import { kvSchema } from '../../src/schema/colocation.js';
import { collectionTableInput } from '../../drivers/dynamodb/table-inputs.js';
import type { DynamoStep, Member } from './steps.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { counterCaches, type CounterCache } from '../../src/schema/counters.js';

export interface DynamoRender {
  readonly steps: readonly DynamoStep[];
  readonly notes: readonly string[];
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * How the driver stores values (drivers/dynamodb/marshal.ts): a change between groups
 * would leave existing items holding values of the old kind.
 */
function storage(d: FieldDef): string {
  const el = d.kind === 'list' ? d.element! : d;
  const base = ['string', 'text', 'enum', 'uuid', 'decimal', 'date'].includes(el.kind) ? 'string' : ['int', 'bigint', 'float'].includes(el.kind) ? 'number' : el.kind;
  return d.kind === 'list' ? `list<${base}>` : base;
}

export function renderDynamo(diff: SchemaDiff): DynamoRender {
  const creates: DynamoStep[] = [];
  const renames: DynamoStep[] = [];
  const gsiCreates: DynamoStep[] = [];
  const backfills: DynamoStep[] = [];
  const gsiDeletes: DynamoStep[] = [];
  const entryDeletes: DynamoStep[] = [];
  const tableDeletes: DynamoStep[] = [];
  const notes: string[] = [];

  // push always creates the shared unique-index table, so the first DynamoDB migration does too.
  if (Object.keys(diff.prev.models).length === 0) {
    const u = uniqueTable();
    creates.push({ op: 'CreateTable', table: u.table, definition: u.definition, comment: 'unique-index entries of every model' });
  }

  // Colocated models share their parent's collection table (src/schema/colocation.ts): tables are
  // compared as DynamoDB stores them, so a relation made colocated (or not) moves items.
  const prevKv = kvSchema(diff.prev);
  const nextKv = kvSchema(diff.next);
  const tablesOf = (def: SchemaDef) => {
    const out = new Map<string, ModelDef[]>();
    for (const m of Object.values(def.models)) out.set(m.table, [...(out.get(m.table) ?? []), m]);
    return out;
  };
  const prevTables = tablesOf(prevKv);
  const nextTables = tablesOf(nextKv);
  const kvOf = (def: SchemaDef, name: string) => Object.values(def.models).find((m) => m.name === name)!;
  const kvPair = (p: ModelPair): ModelPair => ({ ...p, from: kvOf(prevKv, p.from.name), to: kvOf(nextKv, p.to.name) });
  const moving = diff.pairs.map(kvPair).filter((p) => JSON.stringify(p.from.colocation ?? null) !== JSON.stringify(p.to.colocation ?? null));
  const moves: DynamoStep[] = [];
  const moveDeletes: DynamoStep[] = [];

  for (const [table, members] of nextTables) {
    if (prevTables.has(table)) continue;
    if (members[0].colocation) {
      const { TableName: _name, ...definition } = collectionTableInput(members);
      creates.push({ op: 'CreateTable', table, definition: definition as never, comment: `item collection of ${members.map((x) => x.name).join(', ')}` });
    } else {
      creates.push({ op: 'CreateTable', table, definition: tableDefinition(members[0]), comment: `model ${members[0].name}` });
    }
  }

  for (const p of moving) checkMove(p, diff, prevTables, nextTables, { moves, gsiCreates, gsiDeletes });
  // A new model joining an existing item collection: that table gets its GSIs.
  for (const key of diff.created) {
    const m = nextKv.models[key];
    if (prevTables.has(m.table)) for (const ix of m.indexes) gsiCreates.push(createIndexStep(m, ix));
  }

  const movers = new Set(moving.map((p) => p.to.name));
  for (const p of diff.pairs) if (!movers.has(p.to.name)) checkPair(kvPair(p), notes, { renames, gsiCreates, backfills, gsiDeletes, entryDeletes });

  backfills.push(...counterBackfills(diff));
  listEntrySteps(prevKv, nextKv, movers, { creates, backfills, entryDeletes });

  for (const key of diff.dropped) {
    const m = prevKv.models[key];
    if (m.colocation && nextTables.has(m.colocation.table)) {
      throw new UnsupportedChangeError('dynamodb', `model ${m.name} is removed, but its items live in the item collection table ${m.colocation.table}, which stays`,
        `first make its relation not colocated (a migration of its own moves the items to table ${diff.prev.models[key].table}), then remove the model`);
    }
    for (const u of m.uniques) entryDeletes.push({ op: 'DeleteUniqueEntries', table: m.table, model: m.name, constraint: u.name, fields: u.fields, key: m.key, comment: `model ${m.name} removed` });
  }
  for (const [table, members] of prevTables) {
    if (nextTables.has(table)) continue;
    const dropped = members.filter((m) => !movers.has(m.name));
    if (dropped.length === 0) {
      moveDeletes.push({ op: 'DeleteTable', table, comment: `emptied by the move of ${members.map((m) => m.name).join(', ')}` });
      continue;
    }
    const what = members.length > 1 ? `item collection of ${members.map((m) => m.name).join(', ')}` : `model ${members[0].name}`;
    tableDeletes.push({ op: 'DeleteTable', table, comment: `${what} removed`, destructive: `deletes table ${table} (${what}) and all its items` });
  }

  return { steps: [...creates, ...renames, ...gsiCreates, ...moves, ...moveDeletes, ...backfills, ...gsiDeletes, ...entryDeletes, ...tableDeletes], notes };
}

/**
 * Indexed lists: entries are keyed by model name, field name and element, so a list newly indexed
 * (or renamed, or on a renamed model) is backfilled from the items, and one no longer indexed has
 * its entries deleted. A model whose items moved table gets its entries rewritten (they hold the
 * stored key). The entry table is created with the first indexed list.
 */
function listEntrySteps(prevKv: SchemaDef, nextKv: SchemaDef, movers: ReadonlySet<string>, b: { creates: DynamoStep[]; backfills: DynamoStep[]; entryDeletes: DynamoStep[] }): void {
  const lists = (def: SchemaDef) => new Map(Object.values(def.models).flatMap((m) => indexedLists(m).map((f) => [`${m.name}.${f}`, { m, f }] as const)));
  const before = lists(prevKv);
  const after = lists(nextKv);
  const existed = new Set(Object.values(prevKv.models).map((m) => m.name));
  if (after.size > 0 && before.size === 0) {
    const t = listTable();
    b.creates.push({ op: 'CreateTable', table: t.table, definition: t.definition, comment: 'list entries of indexed lists (has)' });
  }
  for (const [id, { m, f }] of after) {
    if (!existed.has(m.name) || (before.has(id) && !movers.has(m.name))) continue;
    b.backfills.push({ op: 'BackfillListEntries', table: m.table, model: m.name, field: f, ...withMember(m), comment: `${m.name}.${f} is indexed: one entry per element of every existing item` });
  }
  for (const [id, { m, f }] of before) {
    if (after.has(id)) continue;
    b.entryDeletes.push({ op: 'DeleteListEntries', table: m.table, model: m.name, field: f, comment: `${m.name}.${f} is no longer indexed: its entries go` });
  }
}

/** Which items of a collection table are the model's. */
const memberOf = (m: ModelDef): Member | undefined => (m.colocation ? { sk: m.colocation.sk, role: m.colocation.role } : undefined);
const withMember = (m: ModelDef, key: 'member' | 'childMember' = 'member') => {
  const mem = memberOf(m);
  return mem ? { [key]: mem } : {};
};

function createIndexStep(m: ModelDef, ix: IndexDef): DynamoStep {
  const g = gsiDefinition(m, ix);
  return { op: 'CreateIndex', table: m.table, index: g.index, attributes: g.attributes, comment: `index(${ix.fields.join(', ')}${ix.shards !== undefined ? `, { shards: ${ix.shards} }` : ''}) on ${m.name}` };
}

/**
 * A model whose relation became colocated (or stopped being), or the parent of a collection that
 * appears or dissolves: its items move to the table the new layout keeps them in. Only the move:
 * a rename, key change or new unique at the same time is refused (each is its own migration).
 */
function checkMove(p: ModelPair, diff: SchemaDiff, prevTables: ReadonlyMap<string, ModelDef[]>, nextTables: ReadonlyMap<string, ModelDef[]>, b: { moves: DynamoStep[]; gsiCreates: DynamoStep[]; gsiDeletes: DynamoStep[] }): void {
  const { from, to } = p;
  const name = to.name;
  const way = to.colocation ? `moves into the item collection table ${to.table}` : `moves out of the item collection table ${from.table}`;
  const alone = 'make the colocation change in a migration of its own (generate one before or after this change)';
  if (from.colocation && to.colocation) {
    throw new UnsupportedChangeError('dynamodb', `${name} moves from the item collection table ${from.table} to ${to.table}`, 'make the relation not colocated in one migration, then colocated under its new parent in the next');
  }
  if (p.renamed.length) throw new UnsupportedChangeError('dynamodb', `${name} ${way} and renames ${p.renamed.map((r) => `${r.from} → ${r.to}`).join(', ')} in the same migration`, alone);
  if (!same(diff.prev.models[p.prevKey].key, diff.next.models[p.key].key)) throw new UnsupportedChangeError('dynamodb', `${name} ${way} and changes its key in the same migration`, alone);
  const added = to.uniques.filter((u) => !from.uniques.some((o) => o.name === u.name) && !(to.colocation?.role === 'child' && same(u.fields, [diff.next.models[p.key].key[0]])));
  if (added.length) throw new UnsupportedChangeError('dynamodb', `${name} ${way} and gains unique ${added.map((u) => u.name).join(', ')} in the same migration`, alone);
  // A table this migration creates has its GSIs already; an existing collection joined or left gains or loses the model's.
  if (prevTables.has(to.table)) for (const ix of to.indexes) b.gsiCreates.push(createIndexStep(to, ix));
  if (nextTables.has(from.table)) for (const ix of from.indexes) b.gsiDeletes.push({ op: 'DeleteIndex', table: from.table, index: ix.name, comment: `${name} left the item collection, and its index with it` });
  const staleUniques = from.uniques.filter((u) => !to.uniques.some((n) => n.name === u.name && same(n.fields, u.fields))).map((u) => ({ name: u.name, fields: u.fields }));
  b.moves.push({
    op: 'MoveItems', table: from.table, to: to.table, model: name, staleUniques,
    ...(from.colocation ? { from: memberOf(from)! } : { into: memberOf(to)! }),
    comment: `${name} ${way}: existing items move (progress shown, resumable)`,
  });
}

interface Buckets {
  renames: DynamoStep[];
  gsiCreates: DynamoStep[];
  backfills: DynamoStep[];
  gsiDeletes: DynamoStep[];
  entryDeletes: DynamoStep[];
}

function checkPair(p: ModelPair, notes: string[], b: Buckets): void {
  const { from, to } = p;
  const name = to.name;
  if (from.table !== to.table) {
    throw new UnsupportedChangeError('dynamodb', `model ${from.name} → ${to.name} would rename table ${from.table} to ${to.table}, and DynamoDB tables cannot be renamed`,
      `keep the table: model('${to.name}', { … }, { table: '${from.table}' }); or add a new model and copy the items, then remove the old one`);
  }
  const mappedKey = from.key.map((f) => p.fieldMap.get(f) ?? `(removed ${f})`);
  const keyRenamed = from.key.some((f) => p.fieldMap.get(f) !== undefined && p.fieldMap.get(f) !== f);
  const keyRetyped = to.key.some((f, i) => from.fields[from.key[i]] && attributeType(from.fields[from.key[i]]) !== attributeType(to.fields[f]));
  if (!same(mappedKey, to.key) || keyRenamed || keyRetyped) {
    throw new UnsupportedChangeError('dynamodb', `the key of ${name} changes from (${from.key.join(', ')}) to (${to.key.join(', ')})${keyRenamed ? ' (a key attribute is renamed)' : keyRetyped ? ' (a key attribute changes type)' : ''}; a DynamoDB table's key cannot change`,
      `add a new model with the new key (its own table), copy the items over, switch the code to it, then remove ${name}`);
  }

  // Field changes that need no step but change what existing items mean.
  for (const c of p.changed) {
    const where = `${name}.${c.name}`;
    if (storage(c.from) !== storage(c.to)) {
      throw new UnsupportedChangeError('dynamodb', `${where} changes from ${c.from.kind} to ${c.to.kind}, but items store it as ${storage(c.from)} and would keep the old values`,
        `add a new field of the new type, copy the values over, then remove ${where} (or keep the type)`);
    }
    if (c.from.nullable && !c.to.nullable) notes.push(`${where} becomes required: existing items without it are not filled in`);
  }
  for (const f of p.added) {
    if (!to.fields[f].nullable) notes.push(`${name}.${f} is new and required: existing items do not have it until they are next written`);
  }
  for (const f of p.dropped) notes.push(`${name}.${f} is removed: existing items keep the attribute (it is ignored)`);

  for (const r of p.renamed) {
    b.renames.push({ op: 'RenameAttribute', table: to.table, key: to.key, from: r.from, to: r.to, ...withMember(to), comment: `${name}.${r.from} → ${r.to}` });
  }

  // GSIs: compare what DynamoDB sees (name, key attributes, their types).
  const gsiOf = (m: ModelDef, ix: IndexDef, rename?: (f: string) => string) => {
    const g = gsiDefinition(m, ix);
    const attrs = g.attributes.map((a) => `${rename && !isShardAttribute(a.AttributeName) ? rename(a.AttributeName) : a.AttributeName}:${a.AttributeType}`);
    return { name: ix.name, sig: attrs.join(','), renamedAttrs: rename ? ix.fields.some((f) => rename(f) !== f) : false };
  };
  const before = from.indexes.map((ix) => gsiOf(from, ix, (f) => p.fieldMap.get(f) ?? `(removed ${f})`));
  const after = to.indexes.map((ix) => gsiOf(to, ix));
  const kept = new Set<string>();
  for (const a of after) {
    const old = before.find((x) => x.name === a.name);
    if (old && old.sig === a.sig && !old.renamedAttrs) {
      kept.add(a.name);
      continue;
    }
    const ix = to.indexes.find((x) => x.name === a.name)!;
    if (old) {
      // Same name, different key: the old one must go first.
      b.gsiCreates.push({ op: 'DeleteIndex', table: to.table, index: old.name, comment: `GSI ${old.name} is re-created with a new key` });
      kept.add(old.name);
    }
    if (ix.shards !== undefined) {
      // Existing items have no shard number yet: without it they would be missing from the GSI.
      const attribute = shardAttribute(ix.shards);
      if (!b.gsiCreates.some((x) => x.op === 'BackfillShards' && x.table === to.table && x.attribute === attribute)) {
        b.gsiCreates.push({ op: 'BackfillShards', table: to.table, model: name, key: to.key, attribute, shards: ix.shards, ...withMember(to), comment: `shard numbers for index(${ix.fields.join(', ')}, { shards: ${ix.shards} }) on ${name}` });
      }
    }
    b.gsiCreates.push(createIndexStep(to, ix));
  }
  for (const old of before) {
    if (kept.has(old.name)) continue;
    const replacement = after.find((a) => a.sig === old.sig);
    b.gsiDeletes.push({
      op: 'DeleteIndex', table: to.table, index: old.name,
      ...(replacement
        ? { comment: `replaced by GSI ${replacement.name}` }
        : { comment: `index removed from ${name}`, destructive: `deletes GSI ${old.name} of ${to.table}: queries that use it will be refused` }),
    });
  }

  // Unique constraints: entries are keyed by model name, constraint name and encoded values, so a
  // renamed model, constraint or field, or a change of encoding, means new entries (and the old ones go).
  const rebuiltAll = from.name !== to.name;
  const carried = (u: { name: string; fields: readonly string[] }) => {
    if (rebuiltAll) return false;
    const old = from.uniques.find((x) => x.name === u.name);
    if (!old) return false;
    const mapped = old.fields.map((f) => p.fieldMap.get(f));
    return same(old.fields, u.fields) && same(mapped.map(String), u.fields) && old.fields.every((f) => storage(from.fields[f]) === storage(to.fields[f]));
  };
  for (const u of to.uniques) {
    if (carried(u)) continue;
    b.backfills.push({ op: 'BackfillUnique', table: to.table, model: name, constraint: u.name, fields: u.fields, key: to.key, ...withMember(to), comment: `unique(${u.fields.join(', ')}) on ${name}: entries for existing items; duplicates are reported` });
  }
  for (const u of from.uniques) {
    if (to.uniques.some((n) => n.name === u.name && carried(n))) continue;
    b.entryDeletes.push({ op: 'DeleteUniqueEntries', table: to.table, model: from.name, constraint: u.name, fields: u.fields, key: from.key, comment: `entries of ${from.name}.${u.name} (removed or rebuilt)` });
  }
}

/** Identity of a counter cache across schemas: model names, not accessors. */
export function counterId(models: SchemaDiff['next']['models'], c: CounterCache): string {
  return `${models[c.child].name}.${c.foreignKey} -> ${models[c.parent].name}.${c.field}`;
}

/** A counter cache that is new (or now counts another relation) needs its existing counts computed. */
function counterBackfills(diff: SchemaDiff): DynamoStep[] {
  const before = new Set(counterCaches(diff.prev).map((c) => counterId(diff.prev.models, c)));
  const kv = kvSchema(diff.next);
  const out: DynamoStep[] = [];
  for (const c of counterCaches(diff.next)) {
    if (before.has(counterId(diff.next.models, c))) continue;
    // As DynamoDB stores them: a colocated model's items are in its collection's table.
    const child = kv.models[c.child];
    const parent = kv.models[c.parent];
    const via = child.key[0] === c.foreignKey ? { index: null } : (() => {
      const ix = child.indexes.find((i) => i.fields[0] === c.foreignKey);
      return ix ? { index: ix.name } : null;
    })();
    out.push({
      op: 'BackfillCounter', table: parent.table, key: diff.next.models[c.parent].key[0], field: c.field, childTable: child.table, foreignKey: c.foreignKey, via,
      ...withMember(parent), ...withMember(child, 'childMember'),
      comment: `counter cache ${parent.name}.${c.field} = number of ${child.name} rows by ${c.foreignKey}, for existing items${via ? '' : ` (no key or index of ${child.name} starts with ${c.foreignKey}: one full count of ${child.table})`}`,
    });
  }
  return out;
}
