/**
 * Runs a PostgreSQL test file on every PostgreSQL backend the harness has:
 * PGlite always (one instance per file: start-up costs seconds), and a real
 * server (a fresh database of its own) when one is available. Tables are
 * emptied before each test, so tests do not see each other's rows.
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { createClient, type Client, type Driver, type QueryEvent } from 'quern';
import { pglite, postgres } from 'quern/postgres';
import { availableBackends, freshPgDatabase, pgliteOptions, testServers } from '../harness/index.js';
import { pgSchema, type PgSchema } from './schema.js';

export type Db = Client<PgSchema>;

export interface Backend {
  readonly name: 'pglite' | 'postgres';
  readonly db: Db;
  readonly driver: Driver;
  /** Every statement the client sent, in order. */
  readonly events: QueryEvent[];
  /** Run SQL directly (test setup and inspection only). */
  sql(text: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /** A second client over the same database (e.g. for racing writers). */
  client(opts?: { log?: (e: QueryEvent) => void }): Promise<Db>;
}

const TABLES = Object.values(pgSchema.def.models)
  .map((m) => `"${m.table}"`)
  .join(', ');

export function onPostgres(title: string, body: (b: Backend) => void): void {
  const available = availableBackends();
  for (const name of ['pglite', 'postgres'] as const) {
    const here = available.includes(name);
    if (!here) console.warn(`[postgres tests] SKIPPING ${title} on ${name}: ${testServers().reasons.postgres ?? 'unavailable'}`);
    describe.skipIf(!here)(`${title} [${name}]`, () => {
      const events: QueryEvent[] = [];
      let db: Db | undefined;
      let driver: Driver | undefined;
      let cleanup: () => Promise<void> = async () => undefined;
      const extra: Db[] = [];
      const sql = async (text: string, params: unknown[] = []) => {
        const raw = driver!.raw as PGlite | pg.Pool;
        const res = await (raw as { query(t: string, p: unknown[]): Promise<{ rows: Record<string, unknown>[] }> }).query(text, params);
        return res.rows;
      };
      const backend: Backend = {
        name,
        get db() {
          return db!;
        },
        get driver() {
          return driver!;
        },
        events,
        sql,
        async client(opts = {}) {
          const c = await createClient({ schema: pgSchema, driver: driver!, strict: true, ...(opts.log ? { log: opts.log } : {}) });
          extra.push(c);
          return c;
        },
      };
      beforeAll(async () => {
        if (name === 'pglite') {
          driver = pglite(pgliteOptions());
        } else {
          const database = await freshPgDatabase();
          driver = postgres({ connectionString: database.url });
          cleanup = () => database.drop();
        }
        db = await createClient({ schema: pgSchema, driver, strict: true, log: (e) => void events.push(e) });
        await db.push();
      });
      beforeEach(async () => {
        await sql(`TRUNCATE ${TABLES} CASCADE`);
        events.length = 0;
      });
      afterAll(async () => {
        try {
          await db?.close();
        } finally {
          await cleanup();
        }
      });
      body(backend);
    });
  }
}
