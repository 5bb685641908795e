/**
 * The dynamodb target's migration applier: status and apply (apply.ts: the ledger table
 * with its lock item), and the development helpers. Loaded lazily: it brings the AWS SDK.
 */
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Migrator } from '../../targets/types.js';
import type { DynamoConnection } from '../connections.js';
import { applyDynamo, statusDynamo } from './apply.js';
import { describe, dynamoClient, waitGone } from './client.js';
import { DynamoLedger, LEDGER_TABLE } from './ledger.js';
import { UNIQUE_TABLE } from './unique-entries.js';

async function withClient<T>(conn: DynamoConnection, fn: (c: DynamoDBClient) => Promise<T>): Promise<T> {
  const c = dynamoClient(conn);
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}

export const dynamodbMigrator: Migrator<DynamoConnection> = {
  status: (conn, migrations) => statusDynamo(conn, migrations),
  apply: applyDynamo,
  existingTables: (conn, tables) =>
    withClient(conn, async (c) => {
      const out: string[] = [];
      for (const t of tables) if (await describe(c, `${conn.tablePrefix}${t}`)) out.push(t);
      return out;
    }),
  baseline: (conn, migrations) =>
    withClient(conn, async (c) => {
      const recorded: string[] = [];
      const already: string[] = [];
      const l = new DynamoLedger(c, conn.tablePrefix);
      await l.ensure();
      const rows = await l.rows();
      for (const m of migrations) {
        if (rows.some((r) => r.id === m.id)) already.push(m.id);
        else {
          await l.markApplied(m.id, m.dynamodb!.checksum, m.dynamodb!.parsed.steps.length);
          recorded.push(m.id);
        }
      }
      return { recorded, already };
    }),
  reset: (conn, tables) =>
    withClient(conn, async (c) => {
      const dropped: string[] = [];
      for (const t of [...tables, UNIQUE_TABLE, LEDGER_TABLE]) {
        const name = `${conn.tablePrefix}${t}`;
        if (!(await describe(c, name))) continue;
        await c.send(new DeleteTableCommand({ TableName: name }));
        await waitGone(c, name);
        dropped.push(name);
      }
      return dropped;
    }),
};
