/**
 * Where `migrate apply|status|check` and `db push` connect: flags override
 * quern.config.ts, which may itself read environment variables.
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
  const url = flags.url ?? config.postgres?.url;
  const d = config.dynamodb ?? {};
  const endpoint = flags.endpoint ?? d.endpoint;
  const region = flags.region ?? d.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const hasDynamo = endpoint !== undefined || region !== undefined;
  return {
    ...(url ? { postgres: { url } } : {}),
    ...(hasDynamo ? { dynamodb: { ...(endpoint ? { endpoint } : {}), region: region ?? 'us-east-1', tablePrefix: flags.tablePrefix ?? d.tablePrefix ?? '' } } : {}),
  };
}

export function missingConnection(target: TargetName): MigrationError {
  return target === 'postgres'
    ? new MigrationError('no PostgreSQL connection', 'pass --url postgres://… or set postgres.url in quern.config.ts (or choose another target with --target)')
    : new MigrationError('no DynamoDB connection', 'pass --endpoint http://… (DynamoDB Local) or --region, or set dynamodb.endpoint / dynamodb.region in quern.config.ts (or choose another target with --target)');
}
