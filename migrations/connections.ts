/**
 * Where `migrate apply|status|check|baseline|reset|dev` and `db push` connect, first found
 * wins: flags, then the target's section of quern.config.ts, then the conventional
 * environment variables. Each target's entry (targets/) says which of these it reads.
 */
import type { QuernConfig } from '../src/config.js';
import { MigrationError } from './errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../src/engine/driver.js';
import { DEPLOY_TARGETS, entryOf, type ConnectionOf } from '../targets/index.js';
import type { ConnectionFlags, DeployTarget } from '../targets/types.js';
import type { PostgresConnection } from '../targets/postgres.js';
import type { PgliteConnection } from '../targets/pglite.js';

export { DEPLOY_TARGETS, planTarget } from '../targets/index.js';
export { DEFAULT_PGLITE_DIR } from '../targets/pglite.js';
export { redactUrl } from '../targets/options.js';
export type { DeployTarget, ConnectionFlags } from '../targets/types.js';
export type { PostgresConnection } from '../targets/postgres.js';
export type { PgliteConnection } from '../targets/pglite.js';
export type { DynamoConnection } from '../targets/dynamodb.js';

/** A SQL database for the postgres migrations: a server URL, or a PGlite data directory. */
export type SqlConnection = PostgresConnection | PgliteConnection;

/** Connection settings per deploy target; a target without any is left out. */
export type Connections = { readonly [K in DeployTarget]?: ConnectionOf<K> };

/** What the CLI waits for a server that does not answer: --connect-timeout, else the client's default. */
export function connectTimeoutOf(flags: ConnectionFlags): number {
  return flags.connectTimeout === undefined ? DEFAULT_CONNECT_TIMEOUT_MS : Math.round(flags.connectTimeout * 1000);
}

/**
 * Connection settings per target; a target without any is left out (callers decide whether that
 * is an error). Relative paths are resolved from `root` (the config's folder).
 */
export function resolveConnections(config: QuernConfig, flags: ConnectionFlags, root: string = process.cwd()): Connections {
  const connectTimeoutMs = connectTimeoutOf(flags);
  const out: Record<string, unknown> = {};
  const one = <K extends DeployTarget>(t: K) => {
    const c = entryOf(t).connection({ flags, section: config[t], env: process.env, root, connectTimeoutMs });
    if (c !== undefined) out[t] = c;
  };
  for (const t of DEPLOY_TARGETS) one(t);
  return out as Connections;
}

/** The connection of `target`, or the error naming what to pass. */
export function connectionOf<K extends DeployTarget>(target: K, connections: Connections): ConnectionOf<K> {
  const c = connections[target];
  if (c === undefined) throw missingConnection(target);
  return c as ConnectionOf<K>;
}

export function missingConnection(target: DeployTarget): MigrationError {
  const { message, fix } = entryOf(target).missing;
  return new MigrationError(message, fix);
}

/** A connection as printed ("connecting to …" lines, errors): passwords masked. */
export function describeConnection<K extends DeployTarget>(target: K, connections: Connections): string {
  const e = entryOf(target);
  const c = connections[target];
  return c === undefined ? `${e.label} (no connection)` : e.describe(c as ConnectionOf<K>);
}
