/**
 * Where `migrate apply|status|check` and `db push` connect, first found wins:
 * flags (--url, --endpoint, --region, --table-prefix), then quern.config.ts
 * (postgres.url, dynamodb.*), then the conventional environment variables
 * DATABASE_URL and AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (the AWS SDK's own).
 */
import type { QuernConfig } from '../src/config.js';
import type { TargetName } from '../src/plan/capabilities.js';
import { MigrationError } from './errors.js';

export interface DynamoConnection {
  readonly endpoint?: string;
  readonly region: string;
  readonly tablePrefix: string;
}

export interface Connections {
  readonly postgres?: { readonly url: string };
  readonly dynamodb?: DynamoConnection;
}

export interface ConnectionFlags {
  readonly url?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly tablePrefix?: string;
}

/** Connection settings per target; a target without any is left out (callers decide whether that is an error). */
export function resolveConnections(config: QuernConfig, flags: ConnectionFlags): Connections {
  const url = flags.url ?? config.postgres?.url ?? (process.env.DATABASE_URL || undefined);
  const d = config.dynamodb ?? {};
  const endpoint = flags.endpoint ?? d.endpoint ?? (process.env.AWS_ENDPOINT_URL_DYNAMODB || undefined);
  const region = flags.region ?? d.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const hasDynamo = endpoint !== undefined || region !== undefined;
  return {
    ...(url ? { postgres: { url } } : {}),
    ...(hasDynamo ? { dynamodb: { ...(endpoint ? { endpoint } : {}), region: region ?? 'us-east-1', tablePrefix: flags.tablePrefix ?? d.tablePrefix ?? '' } } : {}),
  };
}

export function missingConnection(target: TargetName): MigrationError {
  return target === 'postgres'
    ? new MigrationError('no PostgreSQL connection', 'pass --url postgres://…, set postgres.url in quern.config.ts or DATABASE_URL (or choose another target with --target)')
    : new MigrationError('no DynamoDB connection', 'pass --endpoint http://… (DynamoDB Local) or --region, set dynamodb.endpoint / dynamodb.region in quern.config.ts, or AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (or choose another target with --target)');
}
