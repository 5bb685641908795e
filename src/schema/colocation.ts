/**
 * Colocated collections: `hasMany('post', 'authorId', { colocated: true })`.
 *
 * On DynamoDB the parent and its colocated children share one table, keyed by two generic
 * attributes (their names hold a hyphen, so they never collide with a field):
 *
 *   quern-pk   the parent's key                         (partition)
 *   quern-sk   '#' for the parent, 'Post#<post key>' for a child
 *
 * so a parent and all its children are one item collection: ONE Query returns them, and
 * `findMany({ where: { authorId } })` is one Query too. The planner works on a *view* of the
 * schema in which a colocated child's key is [foreign key, own key] (which is what identifies
 * its item) and its own key is also a unique constraint. That constraint's entry in the
 * unique-index table is how a child is still read by its own key: a consistent GetItem of the
 * entry, then a GetItem of the item (2 requests, 1 extra item per write), chosen over a GSI on
 * the child key because a GSI read is only eventually consistent and would return a child just
 * deleted or miss one just created. SQL targets never see this view.
 */
import { SchemaError } from '../errors.js';
import type { SchemaDef } from './define.js';
import type { ModelDef } from './model.js';
import { soleForeignKey, type RelationDef } from './relation.js';
import { indexKey, shardAttribute } from './shard.js';

export const COLLECTION_PK = 'quern-pk';
export const COLLECTION_SK = 'quern-sk';
export const PARENT_SK = '#';

export const isCollectionAttribute = (attr: string) => attr === COLLECTION_PK || attr === COLLECTION_SK;

/** The collection table of a parent: a name no model table can have (they are identifiers). */
export const collectionTable = (parentTable: string) => `${parentTable}-items`;

export function colocatedRelations(relations: SchemaDef['relations']): RelationDef[] {
  return Object.values(relations)
    .flatMap((rels) => Object.values(rels))
    .filter((r) => r.colocated);
}

/** Everything an item of the model can carry that a GSI could key on. */
function attributesOf(m: ModelDef): Set<string> {
  return new Set([...Object.keys(m.fields), ...m.indexes.filter((i) => i.shards !== undefined).map((i) => shardAttribute(i.shards!))]);
}

/** defineSchema's checks that need every relation: one parent per child, no chains, GSIs that only hold their own model. */
export function checkCollections(models: Readonly<Record<string, ModelDef>>, relations: SchemaDef['relations']): void {
  const rels = colocatedRelations(relations);
  const parentOf = new Map<string, RelationDef>();
  for (const r of rels) {
    const other = parentOf.get(r.target);
    if (other)
      throw new SchemaError(
        `${models[r.source].name}.${r.name}: colocated: ${models[r.target].name} is already colocated under ${models[other.source].name}.${other.name}; a child lives in one partition`,
        models[r.source].name,
      );
    parentOf.set(r.target, r);
  }
  for (const r of rels) {
    if (parentOf.has(r.source))
      throw new SchemaError(
        `${models[r.source].name}.${r.name}: colocated: ${models[r.source].name} is itself a colocated child; collections are one level deep`,
        models[r.source].name,
      );
  }
  for (const parent of new Set(rels.map((r) => r.source))) {
    const members = [parent, ...rels.filter((r) => r.source === parent).map((r) => r.target)].map((k) => models[k]);
    for (const m of members) {
      for (const ix of m.indexes) {
        const k = indexKey(ix);
        const attrs = [k.partition, ...(k.sort ? [k.sort] : [])];
        const clash = members.find((o) => o !== m && attrs.every((a) => attributesOf(o).has(a)));
        if (clash) {
          throw new SchemaError(
            `model ${m.name}: index ${ix.name} would also hold ${clash.name} items: both live in the collection table of ${models[parent].name} on DynamoDB and ${clash.name} has ${attrs.join(' and ')} too; rename the field in one of them`,
            m.name,
          );
        }
      }
    }
  }
}

const views = new WeakMap<SchemaDef, SchemaDef>();

/** The schema as DynamoDB stores it (see the module comment). The same object when nothing is colocated. */
export function kvSchema(def: SchemaDef): SchemaDef {
  const cached = views.get(def);
  if (cached) return cached;
  const rels = colocatedRelations(def.relations);
  let view = def;
  if (rels.length > 0) {
    const models: Record<string, ModelDef> = { ...def.models };
    for (const r of rels) {
      const parent = def.models[r.source];
      const child = def.models[r.target];
      const table = collectionTable(parent.table);
      models[r.source] = { ...parent, table, colocation: { table, sk: PARENT_SK, role: 'parent', parent: r.source } };
      const own = child.key[0];
      models[r.target] = {
        ...child,
        table,
        key: [soleForeignKey(r), own],
        uniques: [...child.uniques, { name: `${child.name}_${own}_key`, fields: [own] }],
        colocation: { table, sk: `${child.name}#`, role: 'child', parent: r.source },
      };
    }
    view = { ...def, models };
  }
  views.set(def, view);
  return view;
}
