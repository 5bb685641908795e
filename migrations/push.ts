/** `db push` per target, through the drivers' own push (exactly what `db.push()` runs). */
import type { SchemaDef } from '../src/schema/define.js';
import type { TargetName } from '../src/plan/capabilities.js';
import { postgres } from '../drivers/postgres/pg-driver.js';
import { missingConnection, type Connections } from './connections.js';
import { MigrationError } from './errors.js';
import { pushDynamo } from './dynamodb/push.js';

export async function pushSchema(target: TargetName, schema: SchemaDef, connections: Connections): Promise<void> {
  switch (target) {
    case 'postgres': {
      if (!connections.postgres) throw missingConnection('postgres');
      const driver = postgres({ connectionString: connections.postgres.url, connectTimeoutMs: connections.postgres.connectTimeoutMs });
      try {
        await driver.push(schema);
      } finally {
        await driver.close();
      }
      return;
    }
    case 'dynamodb':
      if (!connections.dynamodb) throw missingConnection('dynamodb');
      return pushDynamo(schema, connections.dynamodb);
    default: {
      const never: never = target;
      throw new MigrationError(`unknown target ${String(never)}`);
    }
  }
}
