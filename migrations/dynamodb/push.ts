/** DynamoDB `db push`: the driver's own push (what `db.push()` runs). */
import type { SchemaDef } from '../../src/schema/define.js';
import { dynamodb } from '../../drivers/dynamodb/index.js';
import { schemaTableInputs } from '../../drivers/dynamodb/tables.js';
import type { DynamoConnection } from '../connections.js';
import { describe, dynamoClient } from './client.js';

/** Pushes the tables; returns the names of those it created (none when all existed). */
export async function pushDynamo(schema: SchemaDef, conn: DynamoConnection): Promise<string[]> {
  const client = dynamoClient(conn);
  const driver = dynamodb({ client, tablePrefix: conn.tablePrefix });
  try {
    const names = schemaTableInputs(schema, conn.tablePrefix).map((t) => t.TableName!);
    const before = new Set<string>();
    for (const n of names) if (await describe(client, n)) before.add(n);
    await driver.push(schema);
    return names.filter((n) => !before.has(n));
  } finally {
    await driver.close();
    client.destroy();
  }
}
