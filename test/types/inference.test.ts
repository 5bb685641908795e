// Type tests: what the schema infers, with no code generation. The assertions are
// checked by `tsc --noEmit` (npm test runs it over test/): expectTypeOf fails to
// compile on a mismatch, and every `@ts-expect-error` line must really be an error.
// The functions below are never called; vitest only confirms the file loads.
import { describe, expectTypeOf, it } from 'vitest';
import type { Client, CreateInput, OrderBy, Page, Row, UpdateInput, Where } from 'quern';
import { blog, type Blog } from '../conformance/schema.js';

type User = Row<Blog, 'user'>;
type Post = Row<Blog, 'post'>;
type Comment = Row<Blog, 'comment'>;
type Profile = Row<Blog, 'profile'>;
type Membership = Row<Blog, 'membership'>;
/** A row with relations, flattened the way results are (no intersection left). */
type With<T, R> = { [K in keyof (T & R)]: (T & R)[K] };

// ---- rows ------------------------------------------------------------------
expectTypeOf<User>().toEqualTypeOf<{
  id: string;
  email: string;
  name: string;
  team: string;
  age: number | null;
  role: 'admin' | 'member' | 'guest';
  createdAt: Date;
  updatedAt: Date;
}>();
expectTypeOf<Post['status']>().toEqualTypeOf<'draft' | 'published' | 'archived'>();
expectTypeOf<Post['tags']>().toEqualTypeOf<string[]>();
expectTypeOf<Post['rating']>().toEqualTypeOf<number | null>();
expectTypeOf<Post['publishedAt']>().toEqualTypeOf<Date | null>();
expectTypeOf<Post['version']>().toEqualTypeOf<number>();
expectTypeOf<Membership['role']>().toEqualTypeOf<'owner' | 'admin' | 'member'>();

// ---- create input: required fields required, generated/defaulted/nullable ones optional ----
expectTypeOf<CreateInput<Blog, 'user'>>().toEqualTypeOf<{
  email: string;
  name: string;
  team: string;
  id?: string;
  age?: number | null;
  role?: 'admin' | 'member' | 'guest';
  createdAt?: Date;
  updatedAt?: Date;
}>();
expectTypeOf<CreateInput<Blog, 'membership'>>().toHaveProperty('orgId').toEqualTypeOf<string>();

async function createInputs(db: Client<Blog>) {
  await db.user.create({ data: { email: 'a@b.c', name: 'n', team: 't' } });
  // @ts-expect-error name and team are required
  await db.user.create({ data: { email: 'a@b.c' } });
  // @ts-expect-error an enum takes only its values
  await db.user.create({ data: { email: 'a@b.c', name: 'n', team: 't', role: 'root' } });
  // @ts-expect-error a non-nullable field does not take null
  await db.user.create({ data: { email: 'a@b.c', name: null, team: 't' } });
  // @ts-expect-error unknown fields are rejected
  await db.user.create({ data: { email: 'a@b.c', name: 'n', team: 't', nickname: 'x' } });
  // @ts-expect-error a list takes its element type
  await db.post.create({ data: { authorId: 'x', title: 't', tags: [1] } });
  await db.post.createMany({
    data: [
      { authorId: 'x', title: 't' },
      { authorId: 'y', title: 'u', status: 'published' },
    ],
  });
  // @ts-expect-error every row of createMany is a create input
  await db.post.createMany({ data: [{ authorId: 'x' }] });
}

// ---- where ----------------------------------------------------------------------
async function wheres(db: Client<Blog>) {
  await db.post.findMany({
    where: {
      title: { contains: 'x', mode: 'insensitive' },
      views: { gte: 1 },
      tags: { has: 'a' },
      OR: [{ status: 'draft' }, { rating: null }],
      NOT: { body: { startsWith: 'b' } },
    },
  });
  // @ts-expect-error a where on an unknown field does not compile
  await db.post.findMany({ where: { nope: 1 } });
  // @ts-expect-error nor inside a combinator
  await db.post.findMany({ where: { OR: [{ nope: 1 }] } });
  // @ts-expect-error values have the field's type
  await db.post.findMany({ where: { views: 'ten' } });
  // @ts-expect-error enum filters take enum values
  await db.post.findMany({ where: { status: { in: ['draft', 'gone'] } } });
  // @ts-expect-error text operators are for strings
  await db.post.findMany({ where: { views: { contains: '1' } } });
  // @ts-expect-error `has` is for lists
  await db.post.findMany({ where: { title: { has: 'x' } } });
  await db.user.findMany({ where: { posts: { some: { status: 'published' } }, profile: { is: { bio: null } } } });
  await db.post.findMany({ where: { author: { is: { name: 'Ann' } }, comments: { none: {} } } });
  // @ts-expect-error relation filters check the related model's fields
  await db.user.findMany({ where: { posts: { some: { nope: 1 } } } });
  // @ts-expect-error has-many relations take some/every/none, not is
  await db.user.findMany({ where: { posts: { is: { title: 'x' } } } });
  // @ts-expect-error findUnique needs a where
  await db.user.findUnique({});
}
expectTypeOf<{ nope: 1 }>().not.toExtend<Where<Blog, 'post'>>();
expectTypeOf<{ title: 'x' }>().toExtend<Where<Blog, 'post'>>();

// ---- orderBy / select / include -------------------------------------------------
expectTypeOf<{ title: 'asc' }>().toExtend<OrderBy<Blog, 'post'>>();
expectTypeOf<{ nope: 'asc' }>().not.toExtend<OrderBy<Blog, 'post'>>();
expectTypeOf<{ title: 'up' }>().not.toExtend<OrderBy<Blog, 'post'>>();

async function shapes(db: Client<Blog>) {
  // select narrows
  const sel = await db.user.findUnique({ where: { id: 'x' }, select: { name: true, age: true } });
  expectTypeOf(sel).toEqualTypeOf<{ name: string; age: number | null } | null>();
  const many = await db.post.findMany({ select: { title: true } });
  expectTypeOf(many).toEqualTypeOf<{ title: string }[]>();
  // @ts-expect-error select names fields of the model
  await db.post.findMany({ select: { nope: true } });

  // include adds the relation: hasMany → array, belongsTo (non-null FK) → row, hasOne → row | null
  const withPosts = await db.user.findMany({ include: { posts: true, profile: true } });
  expectTypeOf(withPosts[0].posts).toEqualTypeOf<Post[]>();
  expectTypeOf(withPosts[0].profile).toEqualTypeOf<Profile | null>();
  expectTypeOf(withPosts[0].email).toEqualTypeOf<string>();
  const withAuthor = await db.post.findFirstOrThrow({ include: { author: true } });
  expectTypeOf(withAuthor.author).toEqualTypeOf<User>();
  expectTypeOf(withAuthor).toEqualTypeOf<With<Post, { author: User }>>();
  // nested include with select at each level
  const nested = await db.user.findUniqueOrThrow({
    where: { id: 'x' },
    select: { email: true },
    include: { posts: { select: { title: true }, include: { comments: { include: { author: { select: { name: true } } } } } } },
  });
  expectTypeOf(nested).toEqualTypeOf<{ email: string; posts: { title: string; comments: With<Comment, { author: { name: string } }>[] }[] }>();
  // include: false adds nothing
  const none = await db.user.findMany({ include: { posts: false } });
  expectTypeOf(none).toEqualTypeOf<User[]>();
  // @ts-expect-error include names relations
  await db.user.findMany({ include: { friends: true } });

  // write results
  expectTypeOf(await db.post.create({ data: { authorId: 'a', title: 't' } })).toEqualTypeOf<Post>();
  expectTypeOf(await db.post.create({ data: { authorId: 'a', title: 't' }, include: { author: true } })).toEqualTypeOf<With<Post, { author: User }>>();
  expectTypeOf(await db.post.createMany({ data: [] })).toEqualTypeOf<{ count: number }>();
  expectTypeOf(await db.post.update({ where: { id: 'x' }, data: { title: 'y' }, select: { version: true } })).toEqualTypeOf<{ version: number }>();
  expectTypeOf(await db.post.updateMany({ data: { views: { increment: 1 } } })).toEqualTypeOf<{ count: number }>();
  expectTypeOf(await db.post.delete({ where: { id: 'x' } })).toEqualTypeOf<Post>();
  expectTypeOf(await db.post.deleteMany()).toEqualTypeOf<{ count: number }>();
  expectTypeOf(await db.post.count()).toEqualTypeOf<number>();
  expectTypeOf(await db.post.findFirst()).toEqualTypeOf<Post | null>();
  expectTypeOf(await db.post.paginate({ first: 2 })).toEqualTypeOf<Page<Post>>();
  expectTypeOf(await db.post.upsert({ where: { id: 'x' }, create: { authorId: 'a', title: 't' }, update: {} })).toEqualTypeOf<Post>();

  // batch keeps each item's type, in order
  const [u, n] = await db.batch([db.user.create({ data: { email: 'e', name: 'n', team: 't' } }), db.post.count()]);
  expectTypeOf(u).toEqualTypeOf<User>();
  expectTypeOf(n).toEqualTypeOf<number>();

  // transactions hand out the same typed models
  await db.transaction(async (tx) => {
    expectTypeOf(await tx.user.findMany()).toEqualTypeOf<User[]>();
  });
}

// ---- update input -----------------------------------------------------------------
expectTypeOf<{ views: { increment: 1 } }>().toExtend<UpdateInput<Blog, 'post'>>();
expectTypeOf<{ tags: { push: 'x' } }>().toExtend<UpdateInput<Blog, 'post'>>();
expectTypeOf<{ tags: { push: ['x', 'y'] } }>().toExtend<UpdateInput<Blog, 'post'>>();
expectTypeOf<{ rating: null }>().toExtend<UpdateInput<Blog, 'post'>>();
expectTypeOf<{ title: { increment: 1 } }>().not.toExtend<UpdateInput<Blog, 'post'>>();
expectTypeOf<{ views: { push: 1 } }>().not.toExtend<UpdateInput<Blog, 'post'>>();
expectTypeOf<{ title: null }>().not.toExtend<UpdateInput<Blog, 'post'>>();

async function updates(db: Client<Blog>) {
  await db.post.update({ where: { id: 'x' }, data: { views: { decrement: 2 }, tags: { set: [] }, status: 'archived' } });
  // @ts-expect-error unknown fields in data
  await db.post.update({ where: { id: 'x' }, data: { nope: 1 } });
  // @ts-expect-error enum values only
  await db.post.update({ where: { id: 'x' }, data: { status: 'gone' } });
}

// ---- many-to-many ------------------------------------------------------------------
type Tag = Row<Blog, 'tag'>;
async function manyToManys(db: Client<Blog>) {
  // manyToMany → an array of the target's rows, in both directions
  const p = await db.post.findUniqueOrThrow({ where: { id: 'x' }, include: { labels: true } });
  expectTypeOf(p.labels).toEqualTypeOf<Tag[]>();
  const t = await db.tag.findUniqueOrThrow({ where: { id: 'x' }, include: { posts: { select: { title: true }, include: { author: true } } } });
  expectTypeOf(t.posts).toEqualTypeOf<{ title: string; author: User }[]>();
  await db.post.findMany({ include: { labels: { where: { name: 'db' }, limit: 2 } } });
  await db.post.findMany({ where: { labels: { some: { name: 'db' } }, NOT: { labels: { every: { team: 't' } } } } });
  // @ts-expect-error a many-to-many filter takes some / every / none, not is
  await db.post.findMany({ where: { labels: { is: { name: 'db' } } } });
  // @ts-expect-error the join model's fields are not the target's
  expectTypeOf(p.labels[0].postId).toEqualTypeOf<string>();
}

describe('type tests', () => {
  it('compile (checked by tsc --noEmit); the schema they describe is real', () => {
    expectTypeOf(blog.def.models.user.name).toEqualTypeOf<string>();
    void [createInputs, wheres, shapes, updates, manyToManys];
  });
});
