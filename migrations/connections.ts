/**
 * Where `migrate apply|status|check` and `db push` connect, first found wins:
 * flags (--url, --endpoint, --region, --table-prefix), then quern.config.ts
 * (postgres.url, dynamodb.*), then the conventional environment variables
 * DATABASE_URL and AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (the AWS SDK's own).
 */
import type { QuernConfig } from '../src/config.js';
import type { TargetName } from '../src/plan/capabilities.js';
import { MigrationError } from './errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../src/engine/driver.js';

export interface DynamoConnection {
  readonly endpoint?: string;
  readonly region: string;
  readonly tablePrefix: string;
  /** Bound on connecting and on each request's answer (0: none); default DEFAULT_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number;
}

export interface PostgresConnection {
  readonly url: string;
  /** Bound on opening the session, up to the server's first answer (0: none); default DEFAULT_CONNECT_TIMEOUT_MS. */
  readonly connectTimeoutMs?: number;
}

export interface Connections {
  readonly postgres?: PostgresConnection;
  readonly dynamodb?: DynamoConnection;
}

export interface ConnectionFlags {
  readonly url?: string;
  readonly endpoint?: string;
  readonly region?: string;
  readonly tablePrefix?: string;
  /** --connect-timeout, in seconds. */
  readonly connectTimeout?: number;
}

/** What the CLI waits for a server that does not answer: --connect-timeout, else the client's default. */
export function connectTimeoutOf(flags: ConnectionFlags): number {
  return flags.connectTimeout === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : Math.round(flags.connectTimeout * 1000);
}

/** Where a connection goes, for "connecting to …" lines and errors (no password). */
export function describeConnection(target: TargetName, connections: Connections): string {
  if (target === 'postgres') return connections.postgres ? redactUrl(connections.postgres.url) : 'PostgreSQL';
  const d = connections.dynamodb;
  if (!d) return 'DynamoDB';
  return `${d.endpoint ?? `DynamoDB ${d.region}`}${d.tablePrefix ? ` (prefix ${d.tablePrefix})` : ''}`;
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable url)';
  }
}

/** Connection settings per target; a target without any is left out (callers decide whether that is an error). */
export function resolveConnections(config: QuernConfig, flags: ConnectionFlags): Connections {
  const url = flags.url ?? config.postgres?.url ?? (process.env.DATABASE_URL || undefined);
  const d = config.dynamodb ?? {};
  const endpoint = flags.endpoint ?? d.endpoint ?? (process.env.AWS_ENDPOINT_URL_DYNAMODB || undefined);
  const region = flags.region ?? d.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const hasDynamo = endpoint !== undefined || region !== undefined;
  const connectTimeoutMs = connectTimeoutOf(flags);
  return {
    ...(url ? { postgres: { url, connectTimeoutMs } } : {}),
    ...(hasDynamo ? { dynamodb: { ...(endpoint ? { endpoint } : {}), region: region ?? 'us-east-1', tablePrefix: flags.tablePrefix ?? d.tablePrefix ?? '', connectTimeoutMs } } : {}),
  };
}

export function missingConnection(target: TargetName): MigrationError {
  return target === 'postgres'
    ? new MigrationError('no PostgreSQL connection', 'pass --url postgres://…, set postgres.url in quern.config.ts or DATABASE_URL (or choose another target with --target)')
    : new MigrationError('no DynamoDB connection', 'pass --endpoint http://… (DynamoDB Local) or --region, set dynamodb.endpoint / dynamodb.region in quern.config.ts, or AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (or choose another target with --target)');
}
