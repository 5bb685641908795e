// Shapes shared by the harness, the vitest globalSetup and the tests. Everything in
// `ProvidedServers` crosses a process boundary (vitest `provide`), so it must stay plain data.

export type BackendName = 'pglite' | 'postgres' | 'dynamodb' | 'sqlite' | 'mysql';

export const ALL_BACKENDS: readonly BackendName[] = ['pglite', 'postgres', 'dynamodb', 'sqlite', 'mysql'];

export interface PgServer {
  /** Connection URL of the server's `postgres` database; a superuser, so tests may CREATE DATABASE. */
  url: string;
  source: 'env' | 'container' | 'embedded' | 'system';
}

export interface MysqlServer {
  /** Connection URL of the server, no database: an account with every privilege, so tests may CREATE DATABASE. */
  url: string;
  source: 'env' | 'system';
}

export interface DynamoServer {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  source: 'env' | 'container' | 'local-jar';
}

/** Why a backend is unavailable (or, for pglite and sqlite, nothing: they run in the process, always there). */
export type Reasons = Partial<Record<BackendName, string>>;

export interface ProvidedServers {
  postgres: PgServer | null;
  dynamodb: DynamoServer | null;
  mysql: MysqlServer | null;
  reasons: Reasons;
}

export interface Servers extends ProvidedServers {
  /** Stops whatever this call started; servers given by endpoint are left alone. Idempotent. */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Backends to bring up. Default: QUERN_TEST_BACKENDS, else all. `require` is always added. */
  want?: BackendName[];
  /** Backends whose absence is an error. Default: QUERN_REQUIRE, plus postgres, dynamodb and mysql under CI. */
  require?: BackendName[];
  /** Where progress lines go. Default: stderr, so a caller's stdout stays clean. */
  log?: (line: string) => void;
}

declare module 'vitest' {
  export interface ProvidedContext {
    quernServers: ProvidedServers;
    /** Path of the empty PGlite cluster tarball (pglite-template.ts), or null when it could not be made. */
    quernPgliteTemplate: string | null;
  }
}
