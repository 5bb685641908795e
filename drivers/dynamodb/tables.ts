/**
 * Physical tables: one per model (its key as the table key, each index(a, b)
 * as a GSI with partition a and sort b projecting ALL, on-demand billing) plus
 * the shared unique-index table. The CreateTable inputs are exported for the
 * migrations renderer; push() is the development shortcut that creates
 * whatever is missing and waits for ACTIVE.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBServiceException,
  UpdateTableCommand,
  type CreateTableCommandInput,
  type DescribeTableCommandOutput,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DriverError } from '../../src/errors.js';
import type { SchemaDef } from '../../src/schema/define.js';
import { mapError, send, sleep } from './send.js';

export {
  attributeType,
  gsiInput,
  gsiAttributes,
  attributeDefinitions,
  collectionTableInput,
  createTableInput,
  uniqueTableInput,
  schemaTableInputs,
} from './table-inputs.js';
import { schemaTableInputs } from './table-inputs.js';

const admin = (operation: string, table: string) => ({ operation, table, idempotent: true, rowCount: () => 0 });

async function describe(client: DynamoDBClient, TableName: string): Promise<TableDescription | null> {
  try {
    return (
      (await send<DescribeTableCommandOutput>(client, () => new DescribeTableCommand({ TableName }), admin('DescribeTable', TableName), undefined)).Table ??
      null
    );
  } catch (e) {
    if (e instanceof DynamoDBServiceException && e.name === 'ResourceNotFoundException') return null;
    throw mapError(e, { operation: 'DescribeTable', table: TableName, rowCount: () => 0 });
  }
}

/** Polls until the table and all its GSIs are ACTIVE. */
export async function waitActive(client: DynamoDBClient, TableName: string, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const t = await describe(client, TableName);
    if (t && t.TableStatus === 'ACTIVE' && (t.GlobalSecondaryIndexes ?? []).every((g) => g.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline) throw new DriverError('dynamodb', `table ${TableName} did not become ACTIVE within ${Math.round(timeoutMs / 1000)} s`);
    await sleep(Math.min(2_000, 50 * 2 ** Math.min(i, 6)));
  }
}

/** Creates the table if missing; adds missing GSIs one at a time (DynamoDB allows one per UpdateTable). */
export async function ensureTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  const name = input.TableName!;
  const existing = await describe(client, name);
  if (!existing) {
    try {
      await send(client, () => new CreateTableCommand(input), admin('CreateTable', name), undefined);
    } catch (e) {
      // Another process created it meanwhile: fine, wait for it below.
      if (!(e instanceof DynamoDBServiceException && e.name === 'ResourceInUseException'))
        throw mapError(e, { operation: 'CreateTable', table: name, rowCount: () => 0 });
    }
    await waitActive(client, name);
    return;
  }
  const have = new Set((existing.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  for (const gsi of input.GlobalSecondaryIndexes ?? []) {
    if (have.has(gsi.IndexName)) continue;
    await waitActive(client, name);
    const attrs = (input.AttributeDefinitions ?? []).filter((a) => gsi.KeySchema!.some((k) => k.AttributeName === a.AttributeName));
    try {
      await send(
        client,
        () => new UpdateTableCommand({ TableName: name, AttributeDefinitions: attrs, GlobalSecondaryIndexUpdates: [{ Create: gsi }] }),
        admin('UpdateTable', name),
        undefined,
      );
    } catch (e) {
      throw mapError(e, { operation: 'UpdateTable', table: name, rowCount: () => 0 });
    }
  }
  await waitActive(client, name);
}

export async function pushTables(client: DynamoDBClient, schema: SchemaDef, prefix = ''): Promise<void> {
  // Tables are independent: create them concurrently, then wait for each.
  await Promise.all(schemaTableInputs(schema, prefix).map((input) => ensureTable(client, input)));
}
