/**
 * Opening quern clients on the real test servers for the reliability suites.
 * Every client is created with `strict: false`: the suites generate queries
 * whose warnings (fanout, offset-emulated) are legitimate, and what they check
 * is results and errors, not the warning policy (the conformance suite does).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createClient, type Driver, type Query, type QueryEvent, type Schema } from 'quern';
import { availableBackends, freshMysqlDatabase, freshPgDatabase, freshTablePrefix, pgliteOptions, testServers, type BackendName } from '../harness/index.js';

/** The client seen through a string index: the generated suites build model names and args at run time. */
export type LooseModel = Record<string, (args?: unknown) => Query<unknown>>;
export interface LooseDb {
  readonly [model: string]: LooseModel | unknown;
  batch(queries: readonly Query<unknown>[]): Promise<unknown[]>;
  transaction<T>(fn: (tx: Record<string, LooseModel>) => Promise<T>): Promise<T>;
  push(): Promise<void>;
  close(): Promise<void>;
}
export const on = (db: LooseDb, model: string): LooseModel => db[model] as LooseModel;

export interface Opened {
  readonly name: BackendName;
  readonly db: LooseDb;
  readonly driver: Driver;
  /** postgres: the database URL (for admin sessions); dynamodb: the table prefix. */
  readonly url?: string;
  readonly tablePrefix?: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** dynamodb: a client of the caller's (e.g. one with a fault-injecting request handler). */
  readonly dynamoClient?: (server: NonNullable<ReturnType<typeof testServers>['dynamodb']>) => DynamoDBClient;
  /** dynamodb: retry policy override (fault tests want a fast, still bounded, backoff). */
  readonly retry?: { attempts?: number; baseMs?: number; capMs?: number };
  /** dynamodb: reuse these tables (another driver over the same prefix). */
  readonly tablePrefix?: string;
  /** dynamodb: items evaluated per Query/Scan request. */
  readonly readPageLimit?: number;
  /** Create the tables (default true). */
  readonly push?: boolean;
  /** postgres: pool size. */
  readonly max?: number;
  readonly log?: (e: QueryEvent) => void;
}

export async function openTarget(name: BackendName, schema: Schema<any, any>, opts: OpenOptions = {}): Promise<Opened> {
  let driver: Driver;
  let cleanup = async () => undefined as void;
  let url: string | undefined;
  let tablePrefix: string | undefined;
  switch (name) {
    case 'pglite': {
      const { pglite } = await import('quern/postgres');
      driver = pglite(pgliteOptions());
      break;
    }
    case 'postgres': {
      const { postgres } = await import('quern/postgres');
      const database = await freshPgDatabase();
      url = database.url;
      driver = postgres({ connectionString: database.url, ...(opts.max ? { max: opts.max } : {}) });
      cleanup = () => database.drop();
      break;
    }
    case 'dynamodb': {
      const { dynamodb } = await import('quern/dynamodb');
      const server = testServers().dynamodb!;
      tablePrefix = opts.tablePrefix ?? freshTablePrefix();
      driver = dynamodb({
        endpoint: server.endpoint,
        region: server.region,
        credentials: server.credentials,
        tablePrefix,
        ...(opts.dynamoClient ? { client: opts.dynamoClient(server) } : {}),
        ...(opts.retry ? { retry: opts.retry } : {}),
        ...(opts.readPageLimit ? { readPageLimit: opts.readPageLimit } : {}),
      });
      break;
    }
    case 'sqlite': {
      const { sqlite } = await import('quern/sqlite');
      driver = sqlite({ filename: ':memory:' });
      break;
    }
    case 'mysql': {
      const { mysql } = await import('quern/mysql');
      const database = await freshMysqlDatabase();
      url = database.url;
      driver = mysql({ uri: database.url, ...(opts.max ? { connectionLimit: opts.max } : {}) });
      cleanup = () => database.drop();
      break;
    }
  }
  const db = (await createClient({ schema, driver, strict: false, onWarning: () => undefined, ...(opts.log ? { log: opts.log } : {}) })) as unknown as LooseDb;
  if (opts.push !== false) await db.push();
  return {
    name,
    db,
    driver,
    url,
    tablePrefix,
    async close() {
      try {
        await db.close();
      } finally {
        await cleanup();
      }
    },
  };
}

/** Which backends this run can use; missing ones are announced (the harness fails the run under CI). */
export function backends(): { pglite: true; postgres: boolean; dynamodb: boolean; sqlite: boolean; reasons: Record<string, string> } {
  const have = new Set(availableBackends());
  const reasons = testServers().reasons as Record<string, string>;
  for (const b of ['postgres', 'dynamodb'] as const) {
    if (!have.has(b)) console.warn(`[reliability] ${b} unavailable, its side of these suites is SKIPPED: ${reasons[b] ?? 'unknown reason'}`);
  }
  return { pglite: true, postgres: have.has('postgres'), dynamodb: have.has('dynamodb'), sqlite: have.has('sqlite'), reasons };
}

/** Awaits a query and returns its outcome instead of throwing. */
export async function outcome<T>(p: PromiseLike<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}
