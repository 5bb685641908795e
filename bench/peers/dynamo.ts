/**
 * ElectroDB 3.9 and DynamoDB-Toolbox 2.9 mapped onto the tables quern's
 * `db.push()` creates for the bench schema (bench/schema.ts), in quern's
 * documented encoding: the key attributes are the model's own fields (`id`,
 * the GSI fields), numbers are N, timestamps ISO strings, and a unique field
 * has an entry in the shared unique-index table. Both libraries are used the
 * way their documentation shows; where their defaults assume a single-table
 * layout they own, the option that turns that off is named.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Entity as EEntity, Service } from 'electrodb';
import {
  BatchGetCommand as TBatchGetCommand,
  BatchGetRequest,
  Entity as TEntity,
  executeBatchGet,
  executeTransactWrite,
  GetItemCommand,
  item,
  map,
  number,
  PutTransaction,
  QueryCommand as TQueryCommand,
  string,
  Table,
} from 'dynamodb-toolbox';

export interface PhysicalNames {
  readonly user: string;
  readonly post: string;
  readonly unique: string;
  readonly postsByAuthor: string;
  readonly postsByStatus: string;
}

// ---- ElectroDB ---------------------------------------------------------------------------------

/**
 * Each key field is an attribute of its own ("attributes as indexes"), so ElectroDB reads and
 * writes the plain values instead of its composed `$service#…` keys. Items written by quern carry
 * no ElectroDB ownership markers: reads pass `ignoreOwnership: true`.
 */
export function electro(client: DynamoDBDocumentClient, t: PhysicalNames) {
  const model = (entity: string) => ({ entity, version: '1', service: 'bench' });
  const user = new EEntity(
    {
      model: model('User'),
      attributes: {
        id: { type: 'string', required: true },
        email: { type: 'string', required: true },
        name: { type: 'string', required: true },
        age: { type: 'number' },
        createdAt: { type: 'string', required: true },
      },
      indexes: { byId: { pk: { field: 'id', composite: ['id'] } } },
    },
    { table: t.user, client },
  );
  const post = new EEntity(
    {
      model: model('Post'),
      attributes: {
        id: { type: 'string', required: true },
        authorId: { type: 'string', required: true },
        title: { type: 'string', required: true },
        status: { type: 'string', required: true },
        views: { type: 'number', required: true },
        publishedAt: { type: 'string', required: true },
        version: { type: 'number', required: true },
      },
      indexes: {
        byId: { pk: { field: 'id', composite: ['id'] } },
        byAuthor: { index: t.postsByAuthor, pk: { field: 'authorId', composite: ['authorId'] }, sk: { field: 'publishedAt', composite: ['publishedAt'] } },
        byStatus: { index: t.postsByStatus, pk: { field: 'status', composite: ['status'] }, sk: { field: 'publishedAt', composite: ['publishedAt'] } },
      },
    },
    { table: t.post, client },
  );
  const unique = new EEntity(
    {
      model: model('Unique'),
      attributes: {
        pk: { type: 'string', required: true },
        m: { type: 'string', required: true },
        c: { type: 'string', required: true },
        k: { type: 'map', properties: { id: { type: 'string', required: true } }, required: true },
      },
      indexes: { byPk: { pk: { field: 'pk', composite: ['pk'] } } },
    },
    { table: t.unique, client },
  );
  const service = new Service({ user, post, unique }, { client });
  return { user, post, unique, service };
}

// ---- DynamoDB-Toolbox --------------------------------------------------------------------------

/**
 * One Table per physical table (Toolbox's tables are physical), entities without Toolbox's
 * entity-name attribute and timestamps, since quern's items have neither.
 */
export function toolbox(documentClient: DynamoDBDocumentClient, t: PhysicalNames) {
  const usersTable = new Table({ name: t.user, partitionKey: { name: 'id', type: 'string' }, documentClient });
  const postsTable = new Table({
    name: t.post,
    partitionKey: { name: 'id', type: 'string' },
    documentClient,
    indexes: {
      [t.postsByAuthor]: { type: 'global', partitionKey: { name: 'authorId', type: 'string' }, sortKey: { name: 'publishedAt', type: 'string' } },
      [t.postsByStatus]: { type: 'global', partitionKey: { name: 'status', type: 'string' }, sortKey: { name: 'publishedAt', type: 'string' } },
    },
  });
  const uniqueTable = new Table({ name: t.unique, partitionKey: { name: 'pk', type: 'string' }, documentClient });
  const user = new TEntity({
    name: 'User',
    table: usersTable,
    entityAttribute: false,
    timestamps: false,
    schema: item({ id: string().key(), email: string(), name: string(), age: number().optional(), createdAt: string() }),
  });
  const post = new TEntity({
    name: 'Post',
    table: postsTable,
    entityAttribute: false,
    timestamps: false,
    schema: item({
      id: string().key(),
      authorId: string(),
      title: string(),
      status: string(),
      views: number(),
      publishedAt: string(),
      version: number(),
    }),
  });
  const unique = new TEntity({
    name: 'Unique',
    table: uniqueTable,
    entityAttribute: false,
    timestamps: false,
    schema: item({ pk: string().key(), m: string(), c: string(), k: map({ id: string() }) }),
  });
  return { usersTable, postsTable, uniqueTable, user, post, unique };
}

export const toolboxActions = { TBatchGetCommand, BatchGetRequest, executeBatchGet, executeTransactWrite, GetItemCommand, PutTransaction, TQueryCommand };
