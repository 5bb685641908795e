/**
 * Where `migrate apply|status|check|baseline|reset|dev` and `db push` connect,
 * first found wins: flags (--url, --pglite, --endpoint, --region,
 * --table-prefix), then quern.config.ts (postgres.url, pglite.dataDir,
 * dynamodb.*), then the conventional environment variables DATABASE_URL and
 * AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (the AWS SDK's own).
 */
import { isAbsolute, resolve } from 'node:path';
import type { ConfigTarget, QuernConfig } from '../src/config.js';
import type { TargetName } from '../src/plan/capabilities.js';
import { MigrationError } from './errors.js';
import { postgresUrlProblem } from '../drivers/postgres/url.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../src/engine/driver.js';

/**
 * What the CLI deploys to. `pglite` is PostgreSQL embedded in the process, on a
 * data directory: it plans as `postgres` and takes the same migration.sql files.
 */
export type DeployTarget = ConfigTarget;
export const DEPLOY_TARGETS: readonly DeployTarget[] = ['postgres', 'pglite', 'dynamodb'];

/** The planning target (capabilities, lint, migration files) of a deploy target. */
export function planTarget(t: DeployTarget): TargetName {
  switch (t) {
    case 'pglite':
      return 'postgres';
    case 'postgres':
    case 'dynamodb':
      return t;
    default: {
      const never: never = t;
      return never;
    }
  }
}

/** Where PGlite keeps its files when the config names no pglite.dataDir. */
export const DEFAULT_PGLITE_DIR = './.quern/pglite';

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

/** A SQL database for migrations: a server URL, or a PGlite data directory. */
export type SqlConnection = PostgresConnection | { readonly dataDir: string };

export interface Connections {
  readonly postgres?: PostgresConnection;
  readonly pglite?: { readonly dataDir: string };
  readonly dynamodb?: DynamoConnection;
}

export interface ConnectionFlags {
  readonly url?: string;
  readonly pglite?: string;
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

/**
 * Connection settings per target; a target without any is left out (callers decide whether that
 * is an error). PGlite needs no server, so it always has one: the configured or default folder,
 * resolved from `root` (the config's folder).
 */
export function resolveConnections(config: QuernConfig, flags: ConnectionFlags, root: string = process.cwd()): Connections {
  const url = flags.url ?? config.postgres?.url ?? (process.env.DATABASE_URL || undefined);
  const urlProblem = url ? postgresUrlProblem(url) : null;
  if (urlProblem) throw new MigrationError(`bad PostgreSQL URL: ${urlProblem}`, 'check --url, postgres.url in quern.config.ts or DATABASE_URL');
  const d = config.dynamodb ?? {};
  const endpoint = flags.endpoint ?? d.endpoint ?? (process.env.AWS_ENDPOINT_URL_DYNAMODB || undefined);
  const region = flags.region ?? d.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  const hasDynamo = endpoint !== undefined || region !== undefined;
  const connectTimeoutMs = connectTimeoutOf(flags);
  const dataDir = flags.pglite ?? config.pglite?.dataDir ?? DEFAULT_PGLITE_DIR;
  return {
    ...(url ? { postgres: { url, connectTimeoutMs } } : {}),
    pglite: { dataDir: isAbsolute(dataDir) ? dataDir : resolve(root, dataDir) },
    ...(hasDynamo ? { dynamodb: { ...(endpoint ? { endpoint } : {}), region: region ?? 'us-east-1', tablePrefix: flags.tablePrefix ?? d.tablePrefix ?? '', connectTimeoutMs } } : {}),
  };
}

/** The SQL connection of a SQL deploy target. */
export function sqlConnection(target: 'postgres' | 'pglite', connections: Connections): SqlConnection {
  const c = connections[target];
  if (!c) throw missingConnection(target);
  return c;
}

export function missingConnection(target: DeployTarget): MigrationError {
  switch (target) {
    case 'postgres':
      return new MigrationError('no PostgreSQL connection', 'pass --url postgres://…, set postgres.url in quern.config.ts or DATABASE_URL (or choose another target with --target)');
    case 'pglite':
      return new MigrationError('no PGlite data directory', "pass --pglite <dir> or set pglite: { dataDir: './.quern/pglite' } in quern.config.ts");
    case 'dynamodb':
      return new MigrationError('no DynamoDB connection', 'pass --endpoint http://… (DynamoDB Local) or --region, set dynamodb.endpoint / dynamodb.region in quern.config.ts, or AWS_ENDPOINT_URL_DYNAMODB / AWS_REGION (or choose another target with --target)');
    default: {
      const never: never = target;
      throw new Error(`unknown target ${String(never)}`);
    }
  }
}

/** A connection as printed ("connecting to …" lines, errors): the PostgreSQL password masked, the PGlite folder, the DynamoDB endpoint. */
export function describeConnection(target: DeployTarget, connections: Connections): string {
  switch (target) {
    case 'postgres':
      return connections.postgres ? redactUrl(connections.postgres.url) : 'PostgreSQL (no connection)';
    case 'pglite':
      return connections.pglite ? connections.pglite.dataDir : '(no data directory)';
    case 'dynamodb': {
      const d = connections.dynamodb;
      return d ? `${d.endpoint ?? `DynamoDB ${d.region}`}${d.tablePrefix ? ` (prefix ${d.tablePrefix})` : ''}` : 'DynamoDB (no connection)';
    }
    default: {
      const never: never = target;
      return String(never);
    }
  }
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
