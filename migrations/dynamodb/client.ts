/** A DynamoDB client for migrations, and the table-waiting helpers the steps share. */
import {
  DescribeTableCommand, DynamoDBClient, ResourceNotFoundException, type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { DynamoConnection } from '../connections.js';
import { localCredentials } from '../../drivers/dynamodb/local.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../../src/engine/driver.js';

// The SDK's "Node 22 needed after January 2027" notice would be printed by every command on Node 20,
// which quern supports with a pinned SDK; set the variable to 'false' to see it again.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function dynamoClient(conn: DynamoConnection): DynamoDBClient {
  const credentials = localCredentials(conn.endpoint);
  const timeout = conn.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new DynamoDBClient({
    region: conn.region,
    // A server that accepts the connection but never answers: each request is bounded too.
    ...(timeout > 0 ? { requestHandler: { connectionTimeout: timeout, requestTimeout: timeout, throwOnRequestTimeout: true } } : {}),
    ...(conn.endpoint ? { endpoint: conn.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Poll interval while waiting for tables and indexes (QUERN_MIGRATE_POLL_MS; DynamoDB Local settles in milliseconds). */
export const pollMs = () => Number(process.env.QUERN_MIGRATE_POLL_MS ?? 500);

export async function describe(client: DynamoDBClient, table: string): Promise<TableDescription | null> {
  try {
    const r = await client.send(new DescribeTableCommand({ TableName: table }));
    return r.Table ?? null;
  } catch (e) {
    if (e instanceof ResourceNotFoundException || (e as Error).name === 'ResourceNotFoundException') return null;
    throw e;
  }
}

/** Wait until the table and every GSI are ACTIVE (no backfill running). */
export async function waitActive(client: DynamoDBClient, table: string, onPoll?: (t: TableDescription) => void): Promise<TableDescription> {
  for (;;) {
    const t = await describe(client, table);
    if (!t) throw new Error(`table ${table} disappeared while waiting for it to become ACTIVE`);
    onPoll?.(t);
    const busy = t.TableStatus !== 'ACTIVE' || (t.GlobalSecondaryIndexes ?? []).some((g) => g.IndexStatus !== 'ACTIVE' || g.Backfilling);
    if (!busy) return t;
    await sleep(pollMs());
  }
}

export async function waitGone(client: DynamoDBClient, table: string): Promise<void> {
  while (await describe(client, table)) await sleep(pollMs());
}
