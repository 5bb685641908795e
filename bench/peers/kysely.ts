/**
 * Kysely 0.28 on the bench tables: the table types written by hand, as Kysely's
 * documentation shows, and a dialect for pg's Pool (Kysely's own) or for PGlite
 * (a small pool adapter: Kysely ships no PGlite dialect).
 */
import { Kysely, PostgresDialect, type ColumnType, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import { TABLES } from '../schema.js';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface KyselyDb {
  [TABLES.user]: { id: string; email: string; name: string; age: number | null; createdAt: Timestamp };
  [TABLES.post]: { id: string; authorId: string; title: string; status: string; views: number; publishedAt: Timestamp; version: number };
  [TABLES.item]: {
    id: string;
    seq: number;
    category: string;
    label: string;
    score: number;
    price: string;
    active: boolean;
    tags: string[];
    createdAt: Timestamp;
    note: string | null;
  };
  [TABLES.event]: { id: string; userId: string; kind: string; amount: number; note: string; at: Timestamp };
}

export function kyselyOnPool(pool: pg.Pool): Kysely<KyselyDb> {
  return new Kysely<KyselyDb>({ dialect: new PostgresDialect({ pool }) });
}

/** PGlite is one connection: every "pool client" is the instance itself, and releasing it is a no-op. */
export function kyselyOnPglite(instance: Pick<PGlite, 'query'>): Kysely<KyselyDb> {
  const client = {
    async query(text: string, parameters: readonly unknown[]) {
      const r = await instance.query(text, [...parameters]);
      return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length, command: undefined };
    },
    release() {},
  } as unknown as PostgresPoolClient;
  const pool: PostgresPool = { connect: async () => client, end: async () => undefined };
  return new Kysely<KyselyDb>({ dialect: new PostgresDialect({ pool }) });
}
