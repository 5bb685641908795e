// The harness API. Outside vitest (bench, demo), import from './servers.js' to avoid loading vitest.
export type { BackendName, DynamoServer, MysqlServer, PgServer, ProvidedServers, Reasons, Servers, StartOptions } from './types.js';
export { startServers } from './servers.js';
export { availableBackends, freshMysqlDatabase, freshPgDatabase, freshTablePrefix, pgliteOptions, testServers } from './context.js';
export { chromiumRequired, isCI, requiredFromEnv, wantedFromEnv } from './env.js';
