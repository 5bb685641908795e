/**
 * Optional peer dependencies: each app installs only the database client it
 * uses. A missing one is reported with the command that installs it, instead of
 * Node's bare ERR_MODULE_NOT_FOUND from deep inside quern.
 */
import { MissingDependencyError } from './errors.js';

/** The versions quern is tested with; the install hint pins the same major. */
export const PEER_DEPENDENCIES = {
  pg: '^8.23.1',
  '@electric-sql/pglite': '^0.5.16',
  '@aws-sdk/client-dynamodb': '^3.1162.0',
  '@libsql/client': '^0.18.0',
  mysql2: '^3.24.6',
  typescript: '^5.9.3',
  '@opentelemetry/api': '^1.9.0',
} as const;

export type PeerName = keyof typeof PEER_DEPENDENCIES;

export function installCommand(name: PeerName): string {
  return `npm install ${name}@'${PEER_DEPENDENCIES[name]}'`;
}

/** True when `e` says `name` itself (not one of its own imports) could not be found. */
export function isMissingPackage(e: unknown, name: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  if (!err || (err.code !== 'ERR_MODULE_NOT_FOUND' && err.code !== 'MODULE_NOT_FOUND')) return false;
  return typeof err.message === 'string' && (err.message.includes(`'${name}'`) || err.message.includes(`"${name}"`));
}

export function missingPeer(name: PeerName, neededBy: string, cause?: unknown): MissingDependencyError {
  return new MissingDependencyError(name, neededBy, installCommand(name), cause);
}

/** Imports a peer dependency, or throws MissingDependencyError naming the install command. */
export async function loadPeer<T>(name: PeerName, neededBy: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, name)) throw missingPeer(name, neededBy, e);
    throw e;
  }
}

/** Imports a peer dependency if installed; `undefined` when it is not (the caller reports it when used). */
export async function optionalPeer<T>(name: PeerName, load: () => Promise<T>): Promise<T | undefined> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, name)) return undefined;
    throw e;
  }
}
