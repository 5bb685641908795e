// Type tests for nested writes: create / update data through relations, with the result type
// unchanged. Checked by `tsc --noEmit`; the functions are never called.
import { describe, expectTypeOf, it } from 'vitest';
import type { Client, Row } from 'quern';
import type { Blog } from '../conformance/schema.js';

type User = Row<Blog, 'user'>;
type Post = Row<Blog, 'post'>;

async function creates(db: Client<Blog>, id: string) {
  const user = await db.user.create({
    data: { email: 'a@x.io', name: 'A', team: 't', posts: { create: [{ title: 'one' }] }, profile: { create: { bio: 'hi' } } },
  });
  // The result is the row, as for a plain create.
  expectTypeOf(user).toEqualTypeOf<User>();
  // A belongsTo's foreign key may come from the relation instead.
  const post = await db.post.create({
    data: { title: 't', author: { connect: { id } }, labels: { connect: [{ id }], create: { team: 't', name: 'n' } } },
    include: { labels: true },
  });
  expectTypeOf(post.labels[0].name).toEqualTypeOf<string>();
  expectTypeOf(post.title).toEqualTypeOf<string>();
  await db.post.create({ data: { title: 't', author: { create: { email: 'b@x.io', name: 'B', team: 't' } } } });
  // Deeper: a child's own relations.
  await db.user.create({ data: { email: 'a@x.io', name: 'A', team: 't', posts: { create: { title: 'x', labels: { connect: { id } } } } } });

  // @ts-expect-error the child's foreign key is set by the relation
  await db.user.create({ data: { email: 'a@x.io', name: 'A', team: 't', posts: { create: [{ title: 'one', authorId: id }] } } });
  // @ts-expect-error nested data is checked against the child model
  await db.user.create({ data: { email: 'a@x.io', name: 'A', team: 't', posts: { create: [{ title: 1 }] } } });
  // @ts-expect-error disconnect is for update
  await db.task.create({ data: { title: 't', projectId: id, assignee: { disconnect: true } } });
  // @ts-expect-error a belongsTo takes create or connect, not both
  await db.post.create({ data: { title: 't', author: { connect: { id }, create: { email: 'b@x.io', name: 'B', team: 't' } } } });
  // @ts-expect-error unknown relation operation
  await db.user.create({ data: { email: 'a@x.io', name: 'A', team: 't', posts: { upsert: [] } } });
  // @ts-expect-error createMany takes no nested writes
  await db.user.createMany({ data: [{ email: 'a@x.io', name: 'A', team: 't', posts: { create: [] } }] });
}

async function updates(db: Client<Blog>, id: string) {
  const post = await db.post.update({ where: { id }, data: { title: 'new', labels: { set: [{ id }] } } });
  expectTypeOf(post).toEqualTypeOf<Post>();
  await db.post.update({ where: { id }, data: { labels: { connect: { id }, disconnect: [{ id }] } } });
  await db.task.update({ where: { id }, data: { assignee: { disconnect: true } } });
  await db.user.update({ where: { id }, data: { posts: { connect: [{ id }] }, profile: { disconnect: true } } });
  const withPosts = await db.user.update({ where: { id }, data: { posts: { create: { title: 'x' } } }, include: { posts: true } });
  expectTypeOf(withPosts.posts).toEqualTypeOf<Post[]>();

  // @ts-expect-error set is for manyToMany relations
  await db.user.update({ where: { id }, data: { posts: { set: [{ id }] } } });
  // @ts-expect-error disconnect of a belongsTo is `true`
  await db.task.update({ where: { id }, data: { assignee: { disconnect: { id } } } });
  // @ts-expect-error connect names fields of the target
  await db.post.update({ where: { id }, data: { labels: { connect: { nope: id } } } });
  // @ts-expect-error updateMany takes no nested writes
  await db.post.updateMany({ where: { id }, data: { labels: { set: [] } } });
}

describe('nested write types', () => {
  it('compiles (checked by tsc)', () => {
    expectTypeOf(creates).toBeFunction();
    expectTypeOf(updates).toBeFunction();
  });
});
