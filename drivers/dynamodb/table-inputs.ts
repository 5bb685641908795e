/**
 * The CreateTable inputs of a schema: one table per model (its key as the table key, each
 * index(a, b) as a GSI with partition a and sort b projecting ALL, on-demand billing), one per
 * item collection of colocated models, plus the
 * shared unique-index table. Pure data, no AWS SDK at run time: the migration renderer uses these
 * offline, without the SDK installed.
 */
import type { AttributeDefinition, CreateTableCommandInput, GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { DriverError } from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import type { FieldDef } from '../../src/schema/field.js';
import type { IndexDef, ModelDef } from '../../src/schema/model.js';
import { indexKey, isShardAttribute } from '../../src/schema/shard.js';
import { COLLECTION_PK, COLLECTION_SK, isCollectionAttribute, kvSchema } from '../../src/schema/colocation.js';
import { UNIQUE_PK, UNIQUE_TABLE } from './unique.js';
import { LIST_PK, LIST_SK, LIST_TABLE } from './list-entries.js';
import { indexedLists } from '../../src/schema/lists.js';

/** Key attribute type: numbers are N, everything else a key can be is stored as S. */
export function attributeType(def: FieldDef): 'S' | 'N' {
  switch (def.kind) {
    case 'int':
    case 'float':
    case 'bigint':
      return 'N';
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
    case 'decimal':
    case 'date':
    case 'timestamp':
      return 'S';
    default:
      throw new DriverError('dynamodb', `a ${def.kind} field cannot be a DynamoDB key or index attribute (keys are S, N or B)`);
  }
}

export function gsiInput(model: ModelDef, index: IndexDef): GlobalSecondaryIndex {
  const key = indexKey(index);
  return {
    IndexName: index.name,
    KeySchema: [
      { AttributeName: key.partition, KeyType: 'HASH' },
      ...(key.sort ? [{ AttributeName: key.sort, KeyType: 'RANGE' as const }] : []),
      // More than two fields: a multi-attribute sort key (the order of the fields is the sort order).
      ...(index.shards === undefined ? index.fields.slice(2) : []).map((f) => ({ AttributeName: f, KeyType: 'RANGE' as const })),
    ],
    Projection: { ProjectionType: 'ALL' },
  };
}

/** The key attributes of a GSI: its fields, or the shard attribute and the field of a sharded index. */
export function gsiAttributes(index: IndexDef): string[] {
  const key = indexKey(index);
  return [key.partition, ...(key.sort ? [key.sort] : []), ...(index.shards === undefined ? index.fields.slice(2) : [])];
}

export function attributeDefinitions(model: ModelDef, attrs: readonly string[]): AttributeDefinition[] {
  // Shard numbers are N, collection keys S; every other key attribute is a field.
  return [...new Set(attrs)].map((a) => ({
    AttributeName: a,
    AttributeType: isShardAttribute(a) ? 'N' : isCollectionAttribute(a) ? 'S' : attributeType(model.fields[a]),
  }));
}

/**
 * The table of an item collection (src/schema/colocation.ts): generic text keys, and the GSIs of
 * every model stored in it. `models` are the collection's members in the DynamoDB view.
 */
export function collectionTableInput(models: readonly ModelDef[], prefix = ''): CreateTableCommandInput {
  const indexes = models.flatMap((m) => m.indexes.map((i) => ({ m, i })));
  const attrs = [
    ...attributeDefinitions(models[0], [COLLECTION_PK, COLLECTION_SK]),
    ...indexes.flatMap(({ m, i }) => attributeDefinitions(m, gsiAttributes(i))),
  ];
  const seen = new Set<string>();
  return {
    TableName: prefix + models[0].colocation!.table,
    KeySchema: [
      { AttributeName: COLLECTION_PK, KeyType: 'HASH' },
      { AttributeName: COLLECTION_SK, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: attrs.filter((a) => !seen.has(a.AttributeName!) && seen.add(a.AttributeName!)),
    BillingMode: 'PAY_PER_REQUEST',
    ...(indexes.length ? { GlobalSecondaryIndexes: indexes.map(({ m, i }) => gsiInput(m, i)) } : {}),
  };
}

export function createTableInput(model: ModelDef, prefix = ''): CreateTableCommandInput {
  const keyFields = [...model.key, ...model.indexes.flatMap(gsiAttributes)];
  return {
    TableName: prefix + model.table,
    KeySchema: [{ AttributeName: model.key[0], KeyType: 'HASH' }, ...(model.key[1] ? [{ AttributeName: model.key[1], KeyType: 'RANGE' as const }] : [])],
    AttributeDefinitions: attributeDefinitions(model, keyFields),
    BillingMode: 'PAY_PER_REQUEST',
    ...(model.indexes.length ? { GlobalSecondaryIndexes: model.indexes.map((i) => gsiInput(model, i)) } : {}),
  };
}

export function uniqueTableInput(prefix = ''): CreateTableCommandInput {
  return {
    TableName: prefix + UNIQUE_TABLE,
    KeySchema: [{ AttributeName: UNIQUE_PK, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: UNIQUE_PK, AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

/** The list-entry table (drivers/dynamodb/list-entries.ts): needed once some model has an indexed list. */
export function listTableInput(prefix = ''): CreateTableCommandInput {
  return {
    TableName: prefix + LIST_TABLE,
    KeySchema: [
      { AttributeName: LIST_PK, KeyType: 'HASH' },
      { AttributeName: LIST_SK, KeyType: 'RANGE' },
    ],
    AttributeDefinitions: [
      { AttributeName: LIST_PK, AttributeType: 'S' },
      { AttributeName: LIST_SK, AttributeType: 'S' },
    ],
    BillingMode: 'PAY_PER_REQUEST',
  };
}

export const hasIndexedLists = (schema: SchemaDef) => Object.values(schema.models).some((m) => indexedLists(m).length > 0);

/** Every table a schema needs, the unique-index table included (and the list-entry table when used). */
export function schemaTableInputs(schema: SchemaDef, prefix = ''): CreateTableCommandInput[] {
  const byTable = new Map<string, ModelDef[]>();
  for (const m of Object.values(kvSchema(schema).models)) byTable.set(m.table, [...(byTable.get(m.table) ?? []), m]);
  const tables = [...byTable.values()].map((ms) => (ms[0].colocation ? collectionTableInput(ms, prefix) : createTableInput(ms[0], prefix)));
  return [...tables, uniqueTableInput(prefix), ...(hasIndexedLists(schema) ? [listTableInput(prefix)] : [])];
}
