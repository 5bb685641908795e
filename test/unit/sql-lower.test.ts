// Lowering QueryAst → SQL statements, checked offline through the serializer.
import { describe, expect, it } from 'vitest';
import { belongsTo, buildQuery, defineSchema, f, hasMany, index, model, planOffline, type Method } from 'quern';
import { postgresTarget, serialize } from 'quern/postgres';
import { lowerSql } from '../../src/plan/sql/lower.js';
import type { SqlOperation } from '../../src/plan/sql/ops.js';

const User = model('User', {
  id: f.uuid().key().auto(),
  email: f.string().unique(),
  name: f.string(),
  age: f.int().nullable(),
  createdAt: f.timestamp().createdAt(),
});
const Post = model(
  'Post',
  {
    id: f.uuid().key().auto(),
    authorId: f.uuid(),
    title: f.string(),
    tags: f.list(f.string()).default([]),
    score: f.bigint().nullable(),
    publishedAt: f.timestamp().nullable(),
    version: f.int().version(),
  },
  { indexes: [index('authorId', 'publishedAt')] },
);
const schema = defineSchema(
  { user: User, post: Post },
  {
    relations: { user: { posts: hasMany('post', 'authorId') }, post: { author: belongsTo('user', 'authorId') } },
  },
);

const ID = '01890000-0000-7000-8000-000000000000';

function lower(modelKey: string, method: Method, args: unknown) {
  const built = buildQuery(schema.def, modelKey, method, args, { decodeCursor: () => [new Date(0), ID] });
  const { operations, diagnostics } = lowerSql(schema.def, built.ast, postgresTarget);
  expect(diagnostics).toEqual([]);
  const ops = operations as SqlOperation[];
  return { ops, sql: ops.map((o) => serialize(o.stmt).text), built };
}

describe('lowerSql', () => {
  it('findUnique by key: one statement, the key compared to a typed placeholder', () => {
    const { sql, ops } = lower('user', 'findUnique', { where: { id: ID } });
    expect(sql).toEqual(['SELECT "t0"."id", "t0"."email", "t0"."name", "t0"."age", "t0"."createdAt" FROM "User" "t0" WHERE "t0"."id" = $1::uuid']);
    expect(ops[0].result).toMatchObject({ kind: 'first', orThrow: false });
  });

  it('includes become correlated JSON subqueries in the same statement', () => {
    const { sql } = lower('user', 'findMany', {
      include: { posts: { where: { title: { startsWith: 'a' } }, orderBy: { publishedAt: 'desc' }, limit: 5, select: { title: true } } },
      limit: 100,
    });
    expect(sql).toHaveLength(1);
    expect(sql[0]).toContain('(SELECT coalesce(json_agg("t2" ORDER BY "t2"."publishedAt" DESC), json_build_array()) FROM (SELECT');
    expect(sql[0]).toContain('WHERE ("t1"."authorId" = "t0"."id") AND ("t1"."title" LIKE $1::text ESCAPE');
    expect(sql[0]).toContain('ORDER BY "t1"."publishedAt" DESC LIMIT $2) "t2") AS "posts"');
    // bigint travels as text inside JSON
    const withScore = lower('user', 'findMany', { include: { posts: true } }).sql[0];
    expect(withScore).toContain('"t1"."score"::text AS "score"');
    const toOne = lower('post', 'findMany', { include: { author: true } }).sql[0];
    expect(toOne).toContain('(SELECT row_to_json("t2") FROM (SELECT');
    expect(toOne).toContain('WHERE "t1"."id" = "t0"."authorId" LIMIT 1) "t2") AS "author"');
  });

  it('negation coalesces only what can be NULL', () => {
    expect(lower('user', 'findMany', { where: { NOT: { age: 3 } } }).sql[0]).toMatch(/WHERE NOT coalesce\("t0"\."age" = \$1::int4, FALSE\)$/);
    expect(lower('user', 'findMany', { where: { NOT: { name: 'x' } } }).sql[0]).toMatch(/WHERE NOT \("t0"\."name" = \$1::text\)$/);
    expect(lower('user', 'findMany', { where: { age: { not: 3 } } }).sql[0]).toMatch(/WHERE "t0"\."age" IS DISTINCT FROM \$1::int4$/);
    expect(lower('user', 'findMany', { where: { age: { notIn: [1, 2] } } }).sql[0]).toMatch(/WHERE NOT coalesce\("t0"\."age" = ANY\(\$1::int4\[\]\), FALSE\)$/);
    expect(lower('post', 'findMany', { where: { tags: { has: 'x' } } }).sql[0]).toMatch(/WHERE "t0"\."tags" @> \$1::text\[\]$/);
    expect(lower('user', 'findMany', { where: { posts: { every: { publishedAt: { gt: new Date(0) } } } } }).sql[0]).toContain(
      'WHERE NOT EXISTS (SELECT 1 FROM "Post" "t1" WHERE ("t1"."authorId" = "t0"."id") AND (NOT coalesce("t1"."publishedAt" > $1::timestamptz, FALSE)))',
    );
  });

  it('createMany is one INSERT over unnest of one typed array per column, whose text does not depend on the row count', () => {
    const one = lower('user', 'createMany', { data: [{ email: 'a', name: 'a' }] });
    const many = lower('user', 'createMany', { data: Array.from({ length: 50 }, (_, i) => ({ email: `e${i}`, name: 'n' })), skipDuplicates: true });
    expect(one.sql).toEqual([
      'INSERT INTO "User" ("id", "email", "name", "age", "createdAt") SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::int4[], $5::timestamptz[])',
    ]);
    expect(many.sql).toEqual([`${one.sql[0]} ON CONFLICT DO NOTHING`]);
    expect(
      one.built.shape ===
        lower('user', 'createMany', {
          data: [
            { email: 'b', name: 'b' },
            { email: 'c', name: 'c' },
          ],
        }).built.shape,
    ).toBe(true);
  });

  it('createMany on a table with a list column sends the rows as one JSON document (unnest would flatten the lists)', () => {
    expect(lower('post', 'createMany', { data: [{ authorId: ID, title: 't' }] }).sql).toEqual([
      'INSERT INTO "Post" ("id", "authorId", "title", "tags", "score", "publishedAt", "version") SELECT "t1"."id", "t1"."authorId", "t1"."title", "t1"."tags", "t1"."score", "t1"."publishedAt", "t1"."version" FROM json_populate_recordset(NULL::"Post", $1::json) "t1"',
    ]);
  });

  it('a version-pinned update increments the version and adds an existence check', () => {
    const { sql, ops } = lower('post', 'update', { where: { id: ID, version: 3 }, data: { title: 't', tags: { push: 'x' } } });
    expect(sql[0]).toBe(
      'UPDATE "Post" AS "t0" SET "title" = $1::text, "tags" = array_cat("t0"."tags", $2::text[]), "version" = "t0"."version" + 1 WHERE ("t0"."id" = $3::uuid) AND ("t0"."version" = $4::int4) RETURNING "t0"."id", "t0"."authorId", "t0"."title", "t0"."tags", "t0"."score", "t0"."publishedAt", "t0"."version"',
    );
    expect(sql[1]).toBe('SELECT 1 AS "exists" FROM "Post" "t1" WHERE "t1"."id" = $1::uuid');
    expect(ops.map((o) => o.result.kind)).toEqual(['written', 'exists']);
    expect(lower('post', 'update', { where: { id: ID }, data: { title: 't' } }).ops).toHaveLength(1);
  });

  it('upsert is INSERT ... ON CONFLICT (the unique) DO UPDATE ... RETURNING', () => {
    const { sql } = lower('user', 'upsert', { where: { email: 'a' }, create: { email: 'a', name: 'A' }, update: { age: { increment: 1 } } });
    expect(sql[0]).toMatch(
      /^INSERT INTO "User" AS "t0" \("id", "email", "name", "age", "createdAt"\) VALUES \(\$1::uuid, \$2::text, \$3::text, \$4::int4, \$5::timestamptz\) ON CONFLICT \("email"\) DO UPDATE SET "age" = "t0"\."age" \+ \$6::int4 RETURNING /,
    );
  });

  it('paginate orders by the requested fields then the key, reversed when paging backward, reading size + 1', () => {
    const fwd = lower('post', 'paginate', { orderBy: { publishedAt: 'desc' }, first: 10, after: 'c' });
    expect(fwd.sql[0]).toMatch(/ORDER BY "t0"\."publishedAt" DESC, "t0"\."id" ASC LIMIT \$\d+::int8$/);
    const back = lower('post', 'paginate', { orderBy: { publishedAt: 'desc' }, last: 10, before: 'c' });
    expect(back.sql[0]).toMatch(/ORDER BY "t0"\."publishedAt" ASC, "t0"\."id" DESC LIMIT \$\d+::int8$/);
    expect(back.ops[0].result).toMatchObject({ kind: 'page', direction: 'backward', hasCursor: true, boundary: ['publishedAt', 'id'] });
    // Non-null fields in one direction compare as a row: one index range.
    const row = lower('user', 'paginate', { orderBy: { email: 'asc' }, first: 5, after: 'c' });
    expect(row.sql[0]).toContain('WHERE "t0"."email" > $1::text ORDER BY "t0"."email" ASC LIMIT');
    // A unique non-null order field is already a total order: no key tiebreaker.
    expect(row.ops[0].result).toMatchObject({ boundary: ['email'] });
    const multi = lower('post', 'paginate', { orderBy: [{ title: 'asc' }, { authorId: 'asc' }], first: 5, after: 'c' });
    expect(multi.sql[0]).toContain('WHERE ("t0"."title", "t0"."authorId", "t0"."id") > ($1::text, $2::uuid, $3::uuid)');
  });

  it('explain on the postgres target shows the SQL, offline', () => {
    const plan = planOffline(schema, 'post', 'findMany', { where: { title: { contains: 'x' } } }, postgresTarget);
    expect(plan.diagnostics).toEqual([]);
    expect(postgresTarget.describe(plan.operations[0])).toMatch(/^SELECT .* WHERE "t0"\."title" LIKE \$1::text ESCAPE E'\\\\'$/);
  });
});
