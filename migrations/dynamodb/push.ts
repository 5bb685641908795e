/** DynamoDB `db push`: the driver's own push (what `db.push()` runs). */
import type { SchemaDef } from '../../src/schema/define.js';
import { dynamodb } from '../../drivers/dynamodb/index.js';
import type { DynamoConnection } from '../connections.js';
import { dynamoClient } from './client.js';

export async function pushDynamo(schema: SchemaDef, conn: DynamoConnection): Promise<void> {
  const client = dynamoClient(conn);
  const driver = dynamodb({ client, tablePrefix: conn.tablePrefix });
  try {
    await driver.push(schema);
  } finally {
    await driver.close();
    client.destroy();
  }
}
