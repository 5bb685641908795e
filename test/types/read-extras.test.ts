// Type tests for `_count`, aggregate / groupBy results, `omit`, `distinct` and
// createManyAndReturn. Checked by `tsc --noEmit`; the functions are never called.
import { describe, expectTypeOf, it } from 'vitest';
import type { Client, Row } from 'quern';
import type { Blog } from '../conformance/schema.js';

type Post = Row<Blog, 'post'>;

async function counts(db: Client<Blog>) {
  const users = await db.user.findMany({ include: { _count: true } });
  // `_count: true` counts every to-many relation of the model.
  expectTypeOf(users[0]._count).toEqualTypeOf<{ posts: number; comments: number; memberships: number }>();
  expectTypeOf(users[0].email).toEqualTypeOf<string>();

  const picked = await db.post.findMany({ select: { title: true, _count: { select: { comments: { where: { body: 'x' } } } } } });
  expectTypeOf(picked[0]).toEqualTypeOf<{ title: string; _count: { comments: number } }>();

  const withRel = await db.user.findUniqueOrThrow({ where: { id: 'x' }, include: { posts: true, _count: { select: { posts: true } } } });
  expectTypeOf(withRel._count).toEqualTypeOf<{ posts: number }>();
  expectTypeOf(withRel.posts).toEqualTypeOf<Post[]>();

  // manyToMany relations are counted too, by `_count: true` and by name.
  const tagged = await db.post.findMany({ include: { _count: true } });
  expectTypeOf(tagged[0]._count).toEqualTypeOf<{ comments: number; labels: number }>();
  const byTag = await db.tag.findFirstOrThrow({ select: { name: true, _count: { select: { posts: { where: { title: 'x' } } } } } });
  expectTypeOf(byTag).toEqualTypeOf<{ name: string; _count: { posts: number } }>();

  // @ts-expect-error a to-one relation has no count
  await db.post.findMany({ include: { _count: { select: { author: true } } } });
  // @ts-expect-error unknown relation
  await db.user.findMany({ include: { _count: { select: { nope: true } } } });
  // @ts-expect-error no _count unless asked for
  void (await db.user.findMany())[0]._count;
}

async function aggregates(db: Client<Blog>) {
  const a = await db.post.aggregate({
    where: { authorId: 'x' },
    _count: true,
    _sum: { views: true, rating: true },
    _avg: { views: true },
    _min: { publishedAt: true, title: true },
    _max: { status: true },
  });
  expectTypeOf(a).toEqualTypeOf<{
    _count: number;
    _sum: { views: number | null; rating: number | null };
    _avg: { views: number | null };
    _min: { publishedAt: Date | null; title: string | null };
    _max: { status: 'draft' | 'published' | 'archived' | null };
  }>();
  const c = await db.post.aggregate({ _count: { _all: true, rating: true } });
  expectTypeOf(c).toEqualTypeOf<{ _count: { _all: number; rating: number } }>();
  const big = await db.profile.aggregate({ _sum: { karma: true, balance: true }, _avg: { karma: true, balance: true } });
  // bigint sums stay bigint; decimals (strings) stay exact strings; the average of a bigint is a float.
  expectTypeOf(big).toEqualTypeOf<{ _sum: { karma: bigint | null; balance: string | null }; _avg: { karma: number | null; balance: string | null } }>();

  // @ts-expect-error timestamps cannot be summed
  await db.post.aggregate({ _sum: { publishedAt: true } });
  // @ts-expect-error lists have no minimum
  await db.post.aggregate({ _min: { tags: true } });
  // @ts-expect-error unknown field
  await db.post.aggregate({ _max: { nope: true } });

  const groups = await db.post.groupBy({
    by: ['status', 'authorId'],
    where: { authorId: 'x' },
    _count: true,
    _sum: { views: true },
    having: { views: { _sum: { gt: 10 } } },
    orderBy: [{ _sum: { views: 'desc' } }, { status: 'asc' }],
    limit: 10,
    offset: 0,
  });
  expectTypeOf(groups).toEqualTypeOf<{ status: 'draft' | 'published' | 'archived'; authorId: string; _count: number; _sum: { views: number | null } }[]>();
  // @ts-expect-error by takes field names
  await db.post.groupBy({ by: ['nope'], _count: true });
}

async function omitAndDistinct(db: Client<Blog>) {
  const posts = await db.post.findMany({ omit: { body: true, version: true }, distinct: ['authorId', 'status'] });
  expectTypeOf(posts[0]).not.toHaveProperty('body');
  expectTypeOf(posts[0]).not.toHaveProperty('version');
  expectTypeOf(posts[0].title).toEqualTypeOf<string>();
  const u = await db.user.findUniqueOrThrow({ where: { id: 'x' }, omit: { email: true }, include: { posts: true } });
  expectTypeOf(u).not.toHaveProperty('email');
  expectTypeOf(u.posts).toEqualTypeOf<Post[]>();
  const created = await db.user.create({ data: { email: 'a', name: 'n', team: 't' }, omit: { createdAt: true } });
  expectTypeOf(created).not.toHaveProperty('createdAt');
  // @ts-expect-error omit takes field names
  await db.post.findMany({ omit: { nope: true } });
  // @ts-expect-error distinct takes field names
  await db.post.findMany({ distinct: ['nope'] });
  // @ts-expect-error findUnique has no distinct
  await db.post.findUnique({ where: { id: 'x' }, distinct: ['title'] });
}

async function createManyAndReturn(db: Client<Blog>) {
  const rows = await db.post.createManyAndReturn({ data: [{ authorId: 'x', title: 't' }] });
  expectTypeOf(rows).toEqualTypeOf<Post[]>();
  const picked = await db.post.createManyAndReturn({ data: [{ authorId: 'x', title: 't' }], select: { id: true, createdAt: true } });
  expectTypeOf(picked).toEqualTypeOf<{ id: string; createdAt: Date }[]>();
  // @ts-expect-error title is required
  await db.post.createManyAndReturn({ data: [{ authorId: 'x' }] });
}

describe('type inference: counts, aggregates, omit, distinct', () => {
  it('compiles (the assertions above are checked by tsc)', () => {
    expectTypeOf(counts).toBeFunction();
    expectTypeOf(aggregates).toBeFunction();
    expectTypeOf(omitAndDistinct).toBeFunction();
    expectTypeOf(createManyAndReturn).toBeFunction();
  });
});
