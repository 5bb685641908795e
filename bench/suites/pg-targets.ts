/**
 * Builds the PostgreSQL bench targets: one database, three contenders on it.
 * quern creates the tables (`db.push()`); the raw and Drizzle contenders use
 * them as they are. Without quern's driver the baselines still run on the
 * fallback DDL, and quern's column says why it is missing.
 */
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { createClient, type Driver, type QueryEvent } from '../../src/index.js';
import { drizzleSchema } from '../drizzle-schema.js';
import { schema } from '../schema.js';
import { kyselyOnPglite, kyselyOnPool } from '../peers/kysely.js';
import { prismaOnPool } from '../peers/prisma.js';
import { countQueries, FALLBACK_DDL, seedPg, type PgTarget, type QuernDb, type SqlClient } from './postgres.js';

/**
 * The raw baseline on a server: every distinct text gets a prepared-statement
 * name, like quern's own default, so the baseline is the fastest plain-pg code.
 */
function preparedStatements(pool: pg.Pool): SqlClient {
  const names = new Map<string, string>();
  return {
    query(text, values) {
      let name = names.get(text);
      if (!name) names.set(text, (name = `raw_${names.size + 1}`));
      return pool.query({ name, text, values });
    },
  };
}

/**
 * Counts statements sent by any client a pool hands out: the way to count round
 * trips for libraries that check clients out (Kysely, Prisma's adapter), where
 * wrapping `pool.query` would see nothing.
 */
function countClientQueries(pool: pg.Pool): { n: number } {
  const counter = { n: 0 };
  pool.on('connect', (client) => {
    const original = client.query.bind(client) as (...a: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      counter.n++;
      return original(...args);
    };
  });
  return counter;
}

export interface Opened {
  readonly target: PgTarget;
  /** the bench database, for work in other processes (cold start) */
  readonly connectionString: string;
  close(): Promise<void>;
}

type PgDriverModule = typeof import('../../drivers/postgres/index.js');

export async function loadPgDriver(): Promise<PgDriverModule | string> {
  try {
    return await import('../../drivers/postgres/index.js');
  } catch (e) {
    return `quern/postgres is not available: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`;
  }
}

async function quernClient(driver: Driver, log?: (e: QueryEvent) => void): Promise<QuernDb> {
  // Not strict: a benchmark measures what runs; warnings are reported by the tests, not here.
  return createClient({ schema, driver, strict: false, onWarning: () => undefined, ...(log ? { log } : {}) });
}

function probeLog(): { counter: { n: number }; log: (e: QueryEvent) => void } {
  const counter = { n: 0 };
  return { counter, log: () => void counter.n++ };
}

const message = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));

/** A real server: a fresh database on it, a pool per contender. */
export async function openServerTarget(url: string, source: string, log: (s: string) => void): Promise<Opened> {
  const dbName = `quern_bench_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${dbName}"`);
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const version = (await admin.query('SHOW server_version')).rows[0].server_version as string;
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${dbName}`;
  const connectionString = u.toString();

  const closers: (() => Promise<void>)[] = [];
  let quern: QuernDb | string;
  let quernProbe: PgTarget['quernProbe'] = null;
  const mod = await loadPgDriver();
  if (typeof mod === 'string') {
    quern = mod;
  } else {
    try {
      const db = await quernClient(mod.postgres({ connectionString }));
      closers.push(() => db.close());
      await db.push();
      quern = db;
      const probe = probeLog();
      const probeDb = await quernClient(mod.postgres({ connectionString, max: 1 }), probe.log);
      closers.push(() => probeDb.close());
      quernProbe = { db: probeDb, counter: probe.counter };
    } catch (e) {
      quern = `quern failed to start: ${message(e)}`;
    }
  }

  const adminPool = new pg.Pool({ connectionString, max: 1 });
  closers.push(() => adminPool.end());
  if (typeof quern === 'string') await adminPool.query(FALLBACK_DDL);
  log(`  seeding ${dbName}`);
  await seedPg(adminPool);

  const rawPool = new pg.Pool({ connectionString });
  closers.push(() => rawPool.end());
  const { counter: rawCounter } = countQueries(rawPool);
  const raw = preparedStatements(rawPool);

  const drizzlePool = new pg.Pool({ connectionString });
  closers.push(() => drizzlePool.end());
  const { counter: drizzleCounter } = countQueries(drizzlePool);
  const drizzle = drizzleNodePg(drizzlePool, { schema: drizzleSchema });

  const kyselyPool = new pg.Pool({ connectionString });
  const kyselyCounter = countClientQueries(kyselyPool);
  const kysely = kyselyOnPool(kyselyPool);
  closers.push(() => kysely.destroy());

  const prismaPool = new pg.Pool({ connectionString });
  const prismaCounter = countClientQueries(prismaPool);
  let prisma: PgTarget['prisma'];
  try {
    const client = await prismaOnPool(prismaPool, log);
    closers.push(() => client.$disconnect());
    prisma = client;
  } catch (e) {
    prisma = `Prisma failed to start: ${message(e)}`;
    log(`  ${prisma}`);
  }
  closers.push(() => prismaPool.end());

  return {
    connectionString,
    target: {
      id: 'postgres',
      title: `PostgreSQL ${version} server`,
      server: source,
      admin: adminPool,
      raw,
      rawCounter,
      drizzle: drizzle as never,
      drizzleCounter,
      kysely,
      kyselyCounter,
      prisma,
      prismaCounter,
      quern,
      quernProbe,
    },
    async close() {
      for (const c of closers.reverse()) await c().catch(() => undefined);
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
      await a.end();
    },
  };
}

/** PGlite: one in-process instance shared by all three contenders (passed to quern as `{ instance }`). */
export async function openPgliteTarget(log: (s: string) => void): Promise<Opened> {
  const closers: (() => Promise<void>)[] = [];
  let quern: QuernDb | string;
  let quernProbe: PgTarget['quernProbe'] = null;
  let instance: PGlite | null = null;
  const mod = await loadPgDriver();
  if (typeof mod === 'string') {
    quern = mod;
  } else {
    try {
      instance = new PGlite();
      const driver = mod.pglite({ instance });
      const db = await quernClient(driver);
      closers.push(() => db.close());
      await db.push();
      quern = db;
      // A second client on the same instance, with a counting log hook.
      const probe = probeLog();
      const probeDb = await quernClient(mod.pglite({ instance }), probe.log);
      quernProbe = { db: probeDb, counter: probe.counter };
    } catch (e) {
      quern = `quern failed to start: ${message(e)}`;
    }
  }
  if (!instance) instance = new PGlite();
  const pgl = instance;
  closers.push(() => pgl.close());
  const { client: raw, counter } = countQueries(pgl);
  if (typeof quern === 'string') await raw.exec(FALLBACK_DDL);
  log('  seeding PGlite');
  await seedPg(raw);
  const drizzle = drizzlePglite(pgl, { schema: drizzleSchema });
  const version = (await pgl.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '';
  return {
    connectionString: '',
    target: {
      id: 'pglite',
      title: `PGlite ${version} (in process)`,
      server: 'in-process WASM',
      admin: raw,
      raw,
      rawCounter: counter,
      drizzle: drizzle as never,
      drizzleCounter: counter,
      kysely: kyselyOnPglite(raw),
      kyselyCounter: counter,
      prisma: 'Prisma 7 has no PGlite driver adapter of its own (only third-party ones)',
      prismaCounter: { n: 0 },
      quern,
      quernProbe,
    },
    async close() {
      for (const c of closers.reverse()) await c().catch(() => undefined);
    },
  };
}
