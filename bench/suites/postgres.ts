/**
 * PostgreSQL workloads 1–7: hand-written SQL on the raw driver (the baseline),
 * quern, and the peers (Drizzle ORM with and without `.prepare()`, Kysely,
 * Prisma), on the same database. Run twice: against a real server (pg Pool)
 * and against PGlite (in process).
 */
import { and, asc, eq, gt, gte, inArray, sql } from 'drizzle-orm';
import type { Kysely } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { uuidv7 } from 'uuidv7';
import type { Client } from '../../src/index.js';
import { interleave, type Contender, type Schedule } from '../lib/measure.js';
import type { ComparisonSuite, ContenderFigure, WorkloadFigure } from '../lib/results.js';
import { round } from '../lib/stats.js';
import { drizzleSchema, events as dEvents, items as dItems, posts as dPosts, users as dUsers } from '../drizzle-schema.js';
import { schema, TABLES } from '../schema.js';
import * as seed from '../seed.js';
import type { KyselyDb } from '../peers/kysely.js';
import type { PrismaLike } from '../peers/prisma.js';

export type QuernDb = Client<typeof schema>;
type DrizzleDb = PgDatabase<PgQueryResultHKT, typeof drizzleSchema>;

/** The least a raw client must do: pg's Pool and PGlite both fit. */
export interface SqlClient {
  query(text: string, values?: unknown[]): Promise<{ rows: any[] }>;
}

/** Counts calls to `query` on a client object: how raw and Drizzle round trips are counted. */
export function countQueries<T extends { query: (...a: any[]) => any }>(client: T): { client: T; counter: { n: number } } {
  const counter = { n: 0 };
  const original = client.query.bind(client);
  (client as { query: unknown }).query = (...args: unknown[]) => {
    counter.n++;
    return original(...args);
  };
  return { client, counter };
}

export interface PgTarget {
  readonly id: 'postgres' | 'pglite';
  readonly title: string;
  readonly server: string;
  /** Untimed work: seeding, truncating, checking results. */
  readonly admin: SqlClient;
  /** The baseline contender. */
  readonly raw: SqlClient;
  readonly rawCounter: { n: number };
  readonly drizzle: DrizzleDb;
  readonly drizzleCounter: { n: number };
  readonly kysely: Kysely<KyselyDb>;
  readonly kyselyCounter: { n: number };
  /** Prisma, or why it cannot run on this target */
  readonly prisma: PrismaLike | string;
  readonly prismaCounter: { n: number };
  /** quern for timing (no log hook), or why it is not available */
  readonly quern: QuernDb | string;
  /** quern with a counting log hook, for round trips */
  readonly quernProbe: { db: QuernDb; counter: { n: number } } | null;
}

export const SIZES = { users: 1000, items: 10_000 } as const;

export interface Scale {
  light: Schedule;
  heavy: Schedule;
}

/**
 * Rounds are short (one or two operations per contender) and many, so load
 * bursts from other processes fall on every contender alike.
 *
 * Heavy workloads get at least 6 warm-up calls: a 1,000-row insert's per-row code (validation,
 * id generation, one array literal per column) is still being compiled by V8 over its first
 * 4–5 calls, and with 1 warm-up and 3 rounds the quick run measured that compilation, not
 * the steady state a server sees (quern 2.04× raw `unnest` there, 1.18× over 20 rounds).
 */
export const SCALES: Record<'quick' | 'full', Scale> = {
  quick: { light: { warmup: 20, rounds: 50, perRound: 2 }, heavy: { warmup: 6, rounds: 5, perRound: 1 } },
  full: { light: { warmup: 200, rounds: 600, perRound: 2 }, heavy: { warmup: 8, rounds: 15, perRound: 1 } },
};

// ---- schema and seed --------------------------------------------------------------------------

/**
 * Used only when quern's driver is unavailable, so the baselines still run.
 * It mirrors what `db.push()` creates for bench/schema.ts.
 */
export const FALLBACK_DDL = `
CREATE TABLE IF NOT EXISTS "${TABLES.user}" ("id" uuid PRIMARY KEY, "email" text COLLATE "C" NOT NULL UNIQUE, "name" text COLLATE "C" NOT NULL, "age" int4, "createdAt" timestamptz NOT NULL);
CREATE TABLE IF NOT EXISTS "${TABLES.post}" ("id" uuid PRIMARY KEY, "authorId" uuid NOT NULL, "title" text COLLATE "C" NOT NULL, "status" text COLLATE "C" NOT NULL DEFAULT 'draft', "views" int4 NOT NULL DEFAULT 0, "publishedAt" timestamptz NOT NULL, "version" int4 NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS "Post_authorId_publishedAt_idx" ON "${TABLES.post}" ("authorId", "publishedAt");
CREATE INDEX IF NOT EXISTS "Post_status_publishedAt_idx" ON "${TABLES.post}" ("status", "publishedAt");
CREATE TABLE IF NOT EXISTS "${TABLES.item}" ("id" uuid PRIMARY KEY, "seq" int4 NOT NULL UNIQUE, "category" text COLLATE "C" NOT NULL, "label" text COLLATE "C" NOT NULL, "score" float8 NOT NULL, "price" numeric NOT NULL, "active" bool NOT NULL, "tags" text[] NOT NULL DEFAULT '{}', "createdAt" timestamptz NOT NULL, "note" text COLLATE "C");
CREATE INDEX IF NOT EXISTS "Item_category_seq_idx" ON "${TABLES.item}" ("category", "seq");
CREATE TABLE IF NOT EXISTS "${TABLES.event}" ("id" uuid PRIMARY KEY, "userId" uuid NOT NULL, "kind" text COLLATE "C" NOT NULL, "amount" int4 NOT NULL, "note" text COLLATE "C" NOT NULL, "at" timestamptz NOT NULL);
`;

const columnsOf = {
  user: ['id', 'email', 'name', 'age', 'createdAt'],
  post: ['id', 'authorId', 'title', 'status', 'views', 'publishedAt', 'version'],
  item: ['id', 'seq', 'category', 'label', 'score', 'price', 'active', 'tags', 'createdAt', 'note'],
  event: ['id', 'userId', 'kind', 'amount', 'note', 'at'],
} as const;
const pgTypes = {
  user: ['uuid', 'text', 'text', 'int4', 'timestamptz'],
  post: ['uuid', 'uuid', 'text', 'text', 'int4', 'timestamptz', 'int4'],
  event: ['uuid', 'uuid', 'text', 'int4', 'text', 'timestamptz'],
} as const;
const q = (name: string) => `"${name}"`;
const list = (cols: readonly string[], alias?: string) => cols.map((c) => (alias ? `${alias}.${q(c)}` : q(c))).join(', ');

/** Column-wise unnest insert: one statement, a fixed number of parameters however many rows. */
function unnestInsert(table: string, cols: readonly string[], types: readonly string[]): string {
  return `INSERT INTO ${q(table)} (${list(cols)}) SELECT * FROM unnest(${types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})`;
}
const byColumn = (rows: readonly Record<string, unknown>[], cols: readonly string[]) => cols.map((c) => rows.map((r) => r[c]));

export async function seedPg(raw: SqlClient): Promise<void> {
  await raw.query(`TRUNCATE ${Object.values(TABLES).map(q).join(', ')}`);
  const u = seed.users(SIZES.users);
  await raw.query(unnestInsert(TABLES.user, columnsOf.user, pgTypes.user), byColumn(u as never, columnsOf.user));
  const p = seed.posts(SIZES.users);
  await raw.query(unnestInsert(TABLES.post, columnsOf.post, pgTypes.post), byColumn(p as never, columnsOf.post));
  // Items carry a text[] column, which unnest would flatten: insert them in multi-row VALUES chunks.
  const all = seed.items(SIZES.items);
  for (let i = 0; i < all.length; i += 500) {
    const chunk = all.slice(i, i + 500);
    const values: unknown[] = [];
    const tuples = chunk.map((r) => {
      const start = values.length;
      for (const c of columnsOf.item) values.push(r[c]);
      return `(${columnsOf.item.map((_, k) => `$${start + k + 1}`).join(', ')})`;
    });
    await raw.query(`INSERT INTO ${q(TABLES.item)} (${list(columnsOf.item)}) VALUES ${tuples.join(', ')}`, values);
  }
  await raw.query('ANALYZE');
}

// ---- the workloads ----------------------------------------------------------------------------

export interface Workload {
  readonly id: string;
  readonly title: string;
  readonly weight: keyof Scale;
  /** per contender: the operation; `check` validates the first result so wrong answers cannot be fast */
  readonly raw: Op;
  readonly quern: (i: number, db: QuernDb) => PromiseLike<unknown>;
  readonly drizzle: Op;
  readonly drizzlePrepared: Op;
  readonly kysely: Op;
  readonly prisma: Op;
  readonly check: (result: unknown, i: number) => void;
  readonly before?: (i: number) => Promise<void>;
  readonly note?: string;
}
type Op = (i: number) => PromiseLike<unknown>;

const userIds = Array.from({ length: SIZES.users }, (_, i) => seed.benchId(1, i));
const postId = (i: number) => seed.benchId(2, i);
/** A spread of keys: consecutive calls hit different rows and pages. */
const pick = (i: number, n: number) => (i * 7919) % n;

function expect(cond: unknown, what: string): asserts cond {
  if (!cond) throw new Error(`wrong result: ${what}`);
}

export function workloads(t: PgTarget): Workload[] {
  const d = t.drizzle;
  const raw = t.raw;
  const admin = t.admin;
  const userCols = list(columnsOf.user);
  const itemCols = list(columnsOf.item);
  const postCols = list(columnsOf.post);

  // Workload 7 shares one version map: every contender updates the same rows in turn.
  const versions = new Map<string, number>();
  const versionOf = (id: string) => versions.get(id) ?? 1;

  const window50 = (i: number) => {
    const start = pick(i, SIZES.users - 50);
    return userIds.slice(start, start + 50);
  };
  // 100 posts by 100 different authors.
  const posts100 = (i: number) => {
    const start = pick(i, SIZES.users - 100);
    return Array.from({ length: 100 }, (_, k) => postId((start + k) * seed.POSTS_PER_USER + (k % seed.POSTS_PER_USER)));
  };
  const w2 = (i: number) => ({ category: `c${i % seed.CATEGORIES}`, from: pick(i, 8000) });
  const PAGE = 1000;
  let insertBatch = 0;

  // Kysely and Prisma, used as their documentation shows.
  const k = t.kysely;
  const prisma = (): PrismaLike => {
    if (typeof t.prisma === 'string') throw new Error(t.prisma);
    return t.prisma;
  };
  // Prepared Drizzle: each statement built once with placeholders, then executed with values.
  const ph = sql.placeholder;
  const prep = (name: string) => `bench_${t.id}_${name}`;
  const dPk = d
    .select()
    .from(dUsers)
    .where(eq(dUsers.id, ph('id')))
    .prepare(prep('pk'));
  const dMany = d
    .select()
    .from(dItems)
    .where(and(eq(dItems.category, ph('category')), gte(dItems.seq, ph('from'))))
    .orderBy(asc(dItems.seq))
    .limit(100)
    .prepare(prep('many'));
  // `inArray` expands to one parameter per value, which a prepared statement cannot do: `= ANY` takes the array.
  const dHasMany = d.query.users.findMany({ where: sql`${dUsers.id} = ANY(${ph('ids')}::uuid[])`, with: { posts: true } }).prepare(prep('has_many'));
  const dBelongsTo = d.query.posts.findMany({ where: sql`${dPosts.id} = ANY(${ph('ids')}::uuid[])`, with: { author: true } }).prepare(prep('belongs_to'));
  const dFirstPage = d
    .select()
    .from(dItems)
    .orderBy(asc(dItems.seq))
    .limit(PAGE + 1)
    .prepare(prep('page_first'));
  const dNextPage = d
    .select()
    .from(dItems)
    .where(gt(dItems.seq, ph('after')))
    .orderBy(asc(dItems.seq))
    .limit(PAGE + 1)
    .prepare(prep('page_next'));
  const dUpdate = d
    .update(dPosts)
    .set({ title: sql`${ph('title')}`, version: sql`${dPosts.version} + 1` })
    .where(and(eq(dPosts.id, ph('id')), eq(dPosts.version, ph('version'))))
    .returning()
    .prepare(prep('update'));
  /** Walks all pages with the given page reader (keyset on seq, page size + 1 to see the end). */
  const walk = async (read: (after: number | null) => Promise<{ seq: number }[]>) => {
    let seen = 0;
    let after: number | null = null;
    for (;;) {
      const rows = await read(after);
      const page = rows.length > PAGE ? rows.slice(0, PAGE) : rows;
      seen += page.length;
      if (rows.length <= PAGE) return seen;
      after = page[page.length - 1].seq;
    }
  };
  /** The version check every contender of workload 7 makes: no row back means a conflict. */
  const updated = <R extends { version: number }>(id: string, row: R | undefined | null): R => {
    if (!row) throw new Error(`version conflict on ${id}`);
    versions.set(id, row.version);
    return row;
  };

  return [
    {
      id: 'pk-lookup',
      title: '1 PK lookup',
      weight: 'light',
      raw: async (i) => (await raw.query(`SELECT ${userCols} FROM ${q(TABLES.user)} WHERE "id" = $1`, [userIds[pick(i, SIZES.users)]])).rows[0] ?? null,
      quern: (i, db) => db.user.findUnique({ where: { id: userIds[pick(i, SIZES.users)] } }),
      drizzle: async (i) =>
        (
          await d
            .select()
            .from(dUsers)
            .where(eq(dUsers.id, userIds[pick(i, SIZES.users)]))
        )[0] ?? null,
      drizzlePrepared: async (i) => (await dPk.execute({ id: userIds[pick(i, SIZES.users)] }))[0] ?? null,
      kysely: async (i) => (await k.selectFrom(TABLES.user).selectAll().where('id', '=', userIds[pick(i, SIZES.users)]).executeTakeFirst()) ?? null,
      prisma: (i) => prisma().user.findUnique({ where: { id: userIds[pick(i, SIZES.users)] } }),
      check: (r, i) => expect((r as { id?: string })?.id === userIds[pick(i, SIZES.users)], 'the user by id'),
    },
    {
      id: 'find-many-100',
      title: '2 findMany 100 rows (filter + order)',
      weight: 'light',
      raw: async (i) => {
        const { category, from } = w2(i);
        return (
          await raw.query(`SELECT ${itemCols} FROM ${q(TABLES.item)} WHERE "category" = $1 AND "seq" >= $2 ORDER BY "seq" ASC LIMIT 100`, [category, from])
        ).rows;
      },
      quern: (i, db) => {
        const { category, from } = w2(i);
        return db.item.findMany({ where: { category, seq: { gte: from } }, orderBy: { seq: 'asc' }, limit: 100 });
      },
      drizzle: (i) => {
        const { category, from } = w2(i);
        return d
          .select()
          .from(dItems)
          .where(and(eq(dItems.category, category), gte(dItems.seq, from)))
          .orderBy(asc(dItems.seq))
          .limit(100);
      },
      drizzlePrepared: (i) => dMany.execute(w2(i)),
      kysely: (i) => {
        const { category, from } = w2(i);
        return k.selectFrom(TABLES.item).selectAll().where('category', '=', category).where('seq', '>=', from).orderBy('seq', 'asc').limit(100).execute();
      },
      prisma: (i) => {
        const { category, from } = w2(i);
        return prisma().item.findMany({ where: { category, seq: { gte: from } }, orderBy: { seq: 'asc' }, take: 100 });
      },
      check: (r, i) => {
        const rows = r as { seq: number; category: string }[];
        expect(rows.length === 100, '100 rows');
        expect(
          rows.every((x, k) => x.category === w2(i).category && (k === 0 || x.seq > rows[k - 1].seq)),
          'filtered and ordered',
        );
      },
    },
    {
      id: 'include-has-many',
      title: '3 include hasMany (50 users × 10 posts)',
      weight: 'light',
      raw: async (i) =>
        (
          await raw.query(
            `SELECT ${list(columnsOf.user, 'u')}, COALESCE((SELECT json_agg(p) FROM ${q(TABLES.post)} p WHERE p."authorId" = u."id"), '[]'::json) AS "posts"
         FROM ${q(TABLES.user)} u WHERE u."id" = ANY($1::uuid[])`,
            [window50(i)],
          )
        ).rows,
      quern: (i, db) => db.user.findMany({ where: { id: { in: window50(i) } }, include: { posts: true } }),
      drizzle: (i) => d.query.users.findMany({ where: inArray(dUsers.id, window50(i)), with: { posts: true } }),
      drizzlePrepared: (i) => dHasMany.execute({ ids: window50(i) }),
      kysely: (i) =>
        k
          .selectFrom(`${TABLES.user} as u`)
          .selectAll('u')
          .select((eb) => jsonArrayFrom(eb.selectFrom(`${TABLES.post} as p`).selectAll('p').whereRef('p.authorId', '=', 'u.id')).as('posts'))
          .where('u.id', 'in', window50(i))
          .execute(),
      prisma: (i) => prisma().user.findMany({ where: { id: { in: window50(i) } }, include: { posts: true } }),
      check: (r) => {
        const rows = r as { posts: { authorId: string }[]; id: string }[];
        expect(rows.length === 50, '50 users');
        expect(
          rows.every((u) => u.posts.length === seed.POSTS_PER_USER && u.posts.every((p) => p.authorId === u.id)),
          '10 posts each, their own',
        );
      },
      note: 'raw: one statement with a json_agg sub-select per user',
    },
    {
      id: 'include-belongs-to',
      title: '4 include belongsTo (100 posts)',
      weight: 'light',
      raw: async (i) => {
        const { rows } = await raw.query(
          `SELECT ${list(columnsOf.post, 'p')}, ${columnsOf.user.map((c) => `u.${q(c)} AS ${q(`author_${c}`)}`).join(', ')}
           FROM ${q(TABLES.post)} p LEFT JOIN ${q(TABLES.user)} u ON u."id" = p."authorId" WHERE p."id" = ANY($1::uuid[])`,
          [posts100(i)],
        );
        return rows.map((r: Record<string, unknown>) => ({
          id: r.id,
          authorId: r.authorId,
          title: r.title,
          status: r.status,
          views: r.views,
          publishedAt: r.publishedAt,
          version: r.version,
          author:
            r.author_id === null ? null : { id: r.author_id, email: r.author_email, name: r.author_name, age: r.author_age, createdAt: r.author_createdAt },
        }));
      },
      quern: (i, db) => db.post.findMany({ where: { id: { in: posts100(i) } }, include: { author: true } }),
      drizzle: (i) => d.query.posts.findMany({ where: inArray(dPosts.id, posts100(i)), with: { author: true } }),
      drizzlePrepared: (i) => dBelongsTo.execute({ ids: posts100(i) }),
      kysely: (i) =>
        k
          .selectFrom(`${TABLES.post} as p`)
          .selectAll('p')
          .select((eb) => jsonObjectFrom(eb.selectFrom(`${TABLES.user} as u`).selectAll('u').whereRef('u.id', '=', 'p.authorId')).as('author'))
          .where('p.id', 'in', posts100(i))
          .execute(),
      prisma: (i) => prisma().post.findMany({ where: { id: { in: posts100(i) } }, include: { author: true } }),
      check: (r) => {
        const rows = r as { authorId: string; author: { id: string } | null }[];
        expect(rows.length === 100, '100 posts');
        expect(
          rows.every((p) => p.author?.id === p.authorId),
          'each with its author',
        );
        expect(new Set(rows.map((p) => p.authorId)).size === 100, '100 distinct authors');
      },
      note: 'raw: one LEFT JOIN, nested in JS',
    },
    {
      id: 'insert-1000',
      title: '5 insert 1,000 rows (one batch)',
      weight: 'heavy',
      before: async () => {
        await admin.query(`TRUNCATE ${q(TABLES.event)}`);
        insertBatch++;
      },
      raw: async () => {
        const rows = seed.events(insertBatch).map((r) => ({ id: uuidv7(), ...r }));
        await raw.query(unnestInsert(TABLES.event, columnsOf.event, pgTypes.event), byColumn(rows, columnsOf.event));
        return rows.length;
      },
      quern: async (_i, db) => (await db.event.createMany({ data: seed.events(insertBatch) })).count,
      drizzle: async () => {
        await d.insert(dEvents).values(seed.events(insertBatch).map((r) => ({ id: uuidv7(), ...r })));
        return 1000;
      },
      // A 1,000-row insert has no prepared form in Drizzle (its placeholders are per value): the same call as plain Drizzle.
      drizzlePrepared: async () => {
        await d.insert(dEvents).values(seed.events(insertBatch).map((r) => ({ id: uuidv7(), ...r })));
        return 1000;
      },
      kysely: async () => {
        await k
          .insertInto(TABLES.event)
          .values(seed.events(insertBatch).map((r) => ({ id: uuidv7(), ...r })))
          .execute();
        return 1000;
      },
      prisma: async () => (await prisma().event.createMany({ data: seed.events(insertBatch).map((r) => ({ id: uuidv7(), ...r })) })).count,
      check: async () => {
        const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${q(TABLES.event)}`);
        expect(rows[0].n === 1000, '1,000 rows inserted');
      },
      note: 'raw: INSERT … SELECT FROM unnest($1::uuid[], …); Drizzle: multi-row VALUES; untimed TRUNCATE before each',
    } as Workload,
    {
      id: 'keyset-pagination',
      title: '6 keyset pagination (10,000 rows, pages of 1,000)',
      weight: 'heavy',
      raw: async () => {
        let seen = 0;
        let after: number | null = null;
        for (;;) {
          const { rows }: { rows: { seq: number }[] } =
            after === null
              ? await raw.query(`SELECT ${itemCols} FROM ${q(TABLES.item)} ORDER BY "seq" ASC LIMIT ${PAGE + 1}`)
              : await raw.query(`SELECT ${itemCols} FROM ${q(TABLES.item)} WHERE "seq" > $1 ORDER BY "seq" ASC LIMIT ${PAGE + 1}`, [after]);
          const page: { seq: number }[] = rows.length > PAGE ? rows.slice(0, PAGE) : rows;
          seen += page.length;
          if (rows.length <= PAGE) return seen;
          after = page[page.length - 1].seq;
        }
      },
      quern: async (_i, db) => {
        let seen = 0;
        let after: string | null = null;
        for (;;) {
          const page: { items: unknown[]; nextCursor: string | null } = await db.item.paginate({ orderBy: { seq: 'asc' }, first: PAGE, after });
          seen += page.items.length;
          if (page.nextCursor === null) return seen;
          after = page.nextCursor;
        }
      },
      drizzle: async () => {
        let seen = 0;
        let after: number | null = null;
        for (;;) {
          const rows: (typeof dItems.$inferSelect)[] = await d
            .select()
            .from(dItems)
            .where(after === null ? undefined : gt(dItems.seq, after))
            .orderBy(asc(dItems.seq))
            .limit(PAGE + 1);
          const page: (typeof dItems.$inferSelect)[] = rows.length > PAGE ? rows.slice(0, PAGE) : rows;
          seen += page.length;
          if (rows.length <= PAGE) return seen;
          after = page[page.length - 1].seq;
        }
      },
      drizzlePrepared: () => walk((after) => (after === null ? dFirstPage.execute() : dNextPage.execute({ after }))),
      kysely: () =>
        walk((after) => {
          const base = k
            .selectFrom(TABLES.item)
            .selectAll()
            .orderBy('seq', 'asc')
            .limit(PAGE + 1);
          return (after === null ? base : base.where('seq', '>', after)).execute();
        }),
      prisma: () =>
        walk((after) => prisma().item.findMany({ ...(after === null ? {} : { where: { seq: { gt: after } } }), orderBy: { seq: 'asc' }, take: PAGE + 1 })),
      check: (r) => expect(r === SIZES.items, `all ${SIZES.items} rows (got ${String(r)})`),
      note: 'one operation walks all 10 pages; everyone fetches page size + 1 to detect the end',
    },
    {
      id: 'update-version',
      title: '7 update with version() check',
      weight: 'light',
      raw: async (i) => {
        const id = postId(pick(i, SIZES.users * seed.POSTS_PER_USER));
        const { rows } = await raw.query(
          `UPDATE ${q(TABLES.post)} SET "title" = $1, "version" = "version" + 1 WHERE "id" = $2 AND "version" = $3 RETURNING ${postCols}`,
          [`raw title ${i}`, id, versionOf(id)],
        );
        if (rows.length === 0) throw new Error(`version conflict on ${id}`);
        versions.set(id, rows[0].version);
        return rows[0];
      },
      quern: async (i, db) => {
        const id = postId(pick(i, SIZES.users * seed.POSTS_PER_USER));
        const row = await db.post.update({ where: { id, version: versionOf(id) }, data: { title: `quern title ${i}` } });
        versions.set(id, row.version);
        return row;
      },
      drizzle: async (i) => {
        const id = postId(pick(i, SIZES.users * seed.POSTS_PER_USER));
        const rows = await d
          .update(dPosts)
          .set({ title: `drizzle title ${i}`, version: sql`${dPosts.version} + 1` })
          .where(and(eq(dPosts.id, id), eq(dPosts.version, versionOf(id))))
          .returning();
        if (rows.length === 0) throw new Error(`version conflict on ${id}`);
        versions.set(id, rows[0].version);
        return rows[0];
      },
      drizzlePrepared: async (i) => {
        const id = postId(pick(i, SIZES.users * seed.POSTS_PER_USER));
        return updated(id, (await dUpdate.execute({ title: `drizzle.prepare title ${i}`, id, version: versionOf(id) }))[0]);
      },
      kysely: async (i) => {
        const id = postId(pick(i, SIZES.users * seed.POSTS_PER_USER));
        return updated(
          id,
          await k
            .updateTable(TABLES.post)
            .set((eb) => ({ title: `kysely title ${i}`, version: eb('version', '+', 1) }))
            .where('id', '=', id)
            .where('version', '=', versionOf(id))
            .returningAll()
            .executeTakeFirst(),
        );
      },
      // Prisma reports "no row matched" as an error (P2025), not as an empty result.
      prisma: async (i) => {
        const id = postId(pick(i, SIZES.users * seed.POSTS_PER_USER));
        return updated(
          id,
          await prisma().post.update({ where: { id, version: versionOf(id) }, data: { title: `prisma title ${i}`, version: { increment: 1 } } }),
        );
      },
      check: (r, i) =>
        expect(
          (r as { id: string; version: number }).id === postId(pick(i, SIZES.users * seed.POSTS_PER_USER)) && (r as { version: number }).version > 1,
          'the updated row with its new version',
        ),
      note: 'UPDATE … WHERE id AND version = expected, version + 1, RETURNING the row',
    },
  ];
}

// ---- running ----------------------------------------------------------------------------------

export const PG_CONTENDERS = ['pg', 'quern', 'drizzle.prepare', 'drizzle', 'kysely', 'prisma'] as const;
type PgContender = (typeof PG_CONTENDERS)[number];
const CONTENDERS = PG_CONTENDERS;

/** Round trips of one operation per contender: raw/Drizzle by counting client.query calls, quern by its log hook. */
async function roundTrips(t: PgTarget, w: Workload, i: number): Promise<Record<string, { n: number | null; via: string }>> {
  const out: Record<string, { n: number | null; via: string }> = {};
  const count = async (counter: { n: number }, op: () => PromiseLike<unknown>) => {
    if (w.before) await w.before(i);
    const start = counter.n;
    await op();
    return counter.n - start;
  };
  out.pg = { n: await count(t.rawCounter, () => w.raw(i)), via: 'calls to query()' };
  out.drizzle = { n: await count(t.drizzleCounter, () => w.drizzle(i)), via: 'calls to query()' };
  out['drizzle.prepare'] = { n: await count(t.drizzleCounter, () => w.drizzlePrepared(i)), via: 'calls to query()' };
  out.kysely = { n: await count(t.kyselyCounter, () => w.kysely(i)), via: 'calls to query() on a pool client' };
  out.prisma =
    typeof t.prisma === 'string'
      ? { n: null, via: t.prisma }
      : { n: await count(t.prismaCounter, () => w.prisma(i)), via: 'calls to query() on a pool client (transaction statements included)' };
  if (t.quernProbe) {
    const probe = t.quernProbe;
    out.quern = { n: await count(probe.counter, () => w.quern(i, probe.db)), via: 'log hook events' };
  } else out.quern = { n: null, via: 'quern unavailable' };
  return out;
}

export async function runPgSuite(t: PgTarget, scale: Scale, log: (s: string) => void): Promise<ComparisonSuite> {
  const figures: WorkloadFigure[] = [];
  for (const w of workloads(t)) {
    log(`  ${t.id}: ${w.title}`);
    const quern: Op = (i) => {
      if (typeof t.quern === 'string') return Promise.reject(new Error(t.quern));
      return w.quern(i, t.quern);
    };
    const ops: Record<PgContender, Op> = { pg: w.raw, quern, 'drizzle.prepare': w.drizzlePrepared, drizzle: w.drizzle, kysely: w.kysely, prisma: w.prisma };
    const contenders: Contender[] = CONTENDERS.map((name) => {
      let checked = false;
      return {
        name,
        ...(w.before ? { before: w.before } : {}),
        run: async (i: number) => {
          const r = await ops[name](i);
          if (!checked) {
            checked = true;
            await w.check(r, i);
          }
          return r;
        },
      };
    });
    const measured = await interleave(contenders, scale[w.weight]);
    let trips: Record<string, { n: number | null; via: string }> = {};
    try {
      trips = await roundTrips(t, w, 1_000_003);
    } catch (e) {
      log(`    round-trip probe failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    const base = measured.get('pg')?.summary?.median ?? null;
    const results: Record<string, ContenderFigure> = {};
    for (const name of CONTENDERS) {
      const m = measured.get(name)!;
      const s = m.summary;
      results[name] = {
        median: s ? round(s.median, 4) : null,
        p95: s ? round(s.p95, 4) : null,
        n: s?.n ?? 0,
        ratio: s && base ? round(s.median / base, 3) : null,
        requests: trips[name]?.n ?? null,
        ...(trips[name] ? { requestsVia: trips[name].via } : {}),
        ...(m.error ? { error: m.error } : {}),
      };
      if (m.error) log(`    ${name}: ${m.error}`);
    }
    figures.push({ id: w.id, title: w.title, contenders: results, ...(w.note ? { note: w.note } : {}) });
  }
  return {
    id: t.id,
    title: t.title,
    server: t.server,
    baseline: 'pg',
    contenders: [...CONTENDERS],
    workloads: figures,
    notes: [
      t.id === 'postgres'
        ? 'pg: hand-written parameterized SQL on node-postgres with named (prepared) statements, as quern uses by default; rows used as the driver returns them'
        : "pg: hand-written parameterized SQL through PGlite's query(); rows used as PGlite returns them",
      'drizzle: drizzle-orm 0.45.4, core select/insert/update builders and the relational query API (db.query) for includes',
      'drizzle.prepare: the same statements built once with sql.placeholder() and .prepare(name), then .execute(values); includes filter with = ANY($1) (inArray cannot be prepared); the 1,000-row insert has no prepared form and is the plain call',
      'kysely: kysely 0.28.19, PostgresDialect; includes with jsonArrayFrom / jsonObjectFrom (one statement)' +
        (t.id === 'pglite' ? ', through a small pool adapter over the PGlite instance (Kysely ships no PGlite dialect)' : ''),
      typeof t.prisma === 'string'
        ? `prisma: not run here: ${t.prisma}`
        : 'prisma: prisma / @prisma/client 7.10.0 with @prisma/adapter-pg 7.10.0, the client generated from bench/peers/schema.prisma at bench time; default relation loading',
    ],
  };
}
