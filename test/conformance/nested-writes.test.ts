// Nested writes: create and update through relations (create / connect / disconnect / set), each
// call one atomic unit: one transaction on SQL, one TransactWriteItems on DynamoDB. After a
// failure nothing of the call is written.
import { expect } from 'vitest';
import { NotFoundError, UniqueConstraintError, ValidationError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, rejection, sortedTitles, type Target } from './targets.js';

const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name).sort();

async function expectError<E>(p: PromiseLike<unknown>, cls: new (...a: any[]) => E): Promise<E> {
  const e = await rejection(p);
  expect(e, String(e)).toBeInstanceOf(cls);
  return e as E;
}

async function tags(t: Target, team: string, ...list: string[]) {
  return Promise.all(list.map((name) => t.db.tag.create({ data: { team, name } })));
}

conformance('nested writes', ({ scenario }) => {
  scenario('create with hasMany create (two levels), hasOne create; the result is the row', {}, async (t) => {
    const team = t.tag('team');
    const user = await t.db.user.create({
      data: {
        email: `${team}@x.io`,
        name: 'Ann',
        team,
        profile: { create: { bio: 'hi' } },
        posts: { create: [{ title: 'one' }, { title: 'two' }] },
      },
    });
    expect(Object.keys(user).sort()).toEqual(['age', 'createdAt', 'email', 'id', 'name', 'role', 'team', 'updatedAt']);
    const posts = await t.db.post.findMany({ where: { authorId: user.id } });
    expect(sortedTitles(posts)).toEqual(['one', 'two']);
    const profile = await t.db.profile.findUnique({ where: { userId: user.id } });
    expect(profile?.bio).toBe('hi');
    // Two levels: a post with its comments, the comments' author connected.
    const post = await t.db.post.create({
      data: {
        title: 'deep',
        author: { connect: { id: user.id } },
        comments: {
          create: [
            { body: 'a', authorId: user.id },
            { body: 'b', authorId: user.id },
          ],
        },
      },
      include: { comments: true, author: true },
    });
    expect(post.authorId).toBe(user.id);
    expect(post.author.name).toBe('Ann');
    expect(post.comments.map((c) => c.body).sort()).toEqual(['a', 'b']);
    expect(post.comments.every((c) => c.postId === post.id)).toBe(true);
  });

  scenario('create with belongsTo create and manyToMany create + connect; include reads them back', {}, async (t) => {
    const team = t.tag('team');
    const [db] = await tags(t, team, 'db');
    const post = await t.db.post.create({
      data: {
        title: 'linked',
        author: { create: { email: `${team}@x.io`, name: 'Bo', team } },
        labels: { connect: [{ id: db.id }], create: [{ team, name: 'new' }] },
      },
      include: { labels: true, author: true },
    });
    expect(post.author.name).toBe('Bo');
    expect(names(post.labels)).toEqual(['db', 'new']);
    const links = await t.db.postTag.findMany({ where: { postId: post.id } });
    expect(links).toHaveLength(2);
  });

  scenario('update: hasMany connect, belongsTo connect / disconnect, manyToMany connect (idempotent) / disconnect / set', {}, async (t) => {
    const team = t.tag('team');
    const ann = await createUser(t, { team, name: 'Ann' });
    const bo = await createUser(t, { team, name: 'Bo' });
    const post = await t.db.post.create({ data: { title: 'moving', authorId: ann.id } });
    await t.db.user.update({ where: { id: bo.id }, data: { name: 'Bo 2', posts: { connect: { id: post.id } } } });
    expect((await t.db.post.findUniqueOrThrow({ where: { id: post.id } })).authorId).toBe(bo.id);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: bo.id } })).name).toBe('Bo 2');

    const project = await t.db.project.create({
      data: { team, name: 'p', tasks: { create: [{ title: 'a', assignee: { connect: { id: ann.id } } }] } },
      include: { tasks: true },
    });
    const task = project.tasks[0];
    expect(task.assigneeId).toBe(ann.id);
    const cleared = await t.db.task.update({ where: { id: task.id }, data: { assignee: { disconnect: true } } });
    expect(cleared.assigneeId).toBeNull();
    const moved = await t.db.task.update({ where: { id: task.id }, data: { assignee: { connect: { id: bo.id } } } });
    expect(moved.assigneeId).toBe(bo.id);

    const [a, b, c] = await tags(t, team, 'a', 'b', 'c');
    const labels = async () => names((await t.db.post.findUniqueOrThrow({ where: { id: post.id }, include: { labels: true } })).labels);
    await t.db.post.update({ where: { id: post.id }, data: { labels: { connect: [{ id: a.id }, { id: b.id }] } } });
    expect(await labels()).toEqual(['a', 'b']);
    // Connecting an already linked tag again is a no-op, as in Prisma.
    await t.db.post.update({ where: { id: post.id }, data: { labels: { connect: [{ id: a.id }, { id: c.id }] } } });
    expect(await labels()).toEqual(['a', 'b', 'c']);
    await t.db.post.update({ where: { id: post.id }, data: { labels: { disconnect: [{ id: b.id }] } } });
    expect(await labels()).toEqual(['a', 'c']);
    const after = await t.db.post.update({ where: { id: post.id }, data: { labels: { set: [{ id: b.id }, { id: c.id }] } }, include: { labels: true } });
    expect(names(after.labels)).toEqual(['b', 'c']);
    // The tags themselves are untouched.
    expect(await t.db.tag.count({ where: { team } })).toBe(3);
  });

  scenario('atomic: a connect to a missing row, or a duplicate in a nested create, writes nothing', {}, async (t) => {
    const team = t.tag('team');
    const ann = await createUser(t, { team, name: 'Ann' });
    const missing = '0190a000-0000-7000-8000-000000000000';
    const e = await expectError(t.db.post.create({ data: { title: 'orphan', authorId: ann.id, labels: { connect: [{ id: missing }] } } }), NotFoundError);
    expect(e.message).toContain('labels.connect[0]');
    expect(await t.db.post.findMany({ where: { authorId: ann.id } })).toEqual([]);

    // The second user's email is taken: neither the post nor its author is written.
    const dup = await expectError(
      t.db.post.create({ data: { title: 'dup', author: { create: { email: ann.email, name: 'X', team } } } }),
      UniqueConstraintError,
    );
    expect(dup.fields).toEqual(['email']);
    expect(await t.db.user.count({ where: { team } })).toBe(1);
    // A failing child create undoes its parent and siblings.
    const email = `${t.tag('u')}@x.io`;
    await expectError(
      t.db.user.create({
        data: {
          email,
          name: 'Cy',
          team,
          profile: { create: { bio: 'x' } },
          posts: { create: [{ title: 'fine' }, { title: 'bad', labels: { connect: { id: missing } } }] },
        },
      }),
      NotFoundError,
    );
    expect(await t.db.user.findUnique({ where: { email } })).toBeNull();
    // An update whose nested part fails leaves the row as it was.
    await expectError(t.db.user.update({ where: { id: ann.id }, data: { name: 'changed', posts: { connect: [{ id: missing }] } } }), NotFoundError);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: ann.id } })).name).toBe('Ann');
  });

  scenario('bad input: typed ValidationErrors naming the nested path, before any I/O', {}, async (t) => {
    const ann = await createUser(t);
    const before = t.events.length;
    const v = async (p: PromiseLike<unknown>, path: string) => {
      const e = await expectError(p, ValidationError);
      expect(e.path).toBe(path);
    };
    await v(
      t.db.user.create({ data: { email: 'a@b.c', name: 'A', team: 't', posts: { create: [{ title: 'x', authorId: ann.id } as never] } } }),
      'user.create.data.posts.create[0].authorId',
    );
    await v(
      t.db.user.create({ data: { email: 'a@b.c', name: 'A', team: 't', posts: { create: [{ title: 7 as never }] } } }),
      'user.create.data.posts.create[0].title',
    );
    await v(t.db.user.create({ data: { email: 'a@b.c', name: 'A', team: 't', posts: { upsert: [] } as never } }), 'user.create.data.posts.upsert');
    // authorId is not nullable: a post cannot be disconnected from its author.
    await v(t.db.user.update({ where: { id: ann.id }, data: { posts: { disconnect: [{ id: ann.id }] } } }), 'user.update.data.posts.disconnect');
    // Related rows point at the key: the update must name it.
    await v(t.db.user.update({ where: { email: ann.email }, data: { posts: { create: [{ title: 'x' }] } } }), 'user.update.where');
    await v(t.db.post.update({ where: { id: ann.id }, data: { labels: { set: [{ id: ann.id }], connect: [] } } }), 'post.update.data.labels.set');
    // Not inside createMany (each create is already atomic; db.batch composes them).
    await v(t.db.user.createMany({ data: [{ email: 'a@b.c', name: 'A', team: 't', posts: { create: [] } } as never] }), 'user.createMany.data[0].posts');
    expect(t.events.length).toBe(before);
  });

  scenario('beyond one TransactWriteItems: refused with batch-too-large before anything is written', { needs: ['unboundedBatch'] }, async (t) => {
    const team = t.tag('team');
    const email = `${team}@x.io`;
    const posts = Array.from({ length: 100 }, (_, i) => ({ title: `p${i}` }));
    const outcome = await t.db.user.create({ data: { email, name: 'Big', team, posts: { create: posts } } }).then(
      () => null,
      (e: unknown) => e,
    );
    if (outcome) {
      expect(await t.db.user.findUnique({ where: { email } })).toBeNull();
      throw outcome;
    }
    const user = await t.db.user.findUniqueOrThrow({ where: { email } });
    expect(await t.db.post.count({ where: { authorId: user.id } })).toBe(100);
  });

  scenario('explain lists every step of the unit', {}, async (t) => {
    const team = t.tag('team');
    const x = await t.db.user.create({ data: { email: `${team}@x.io`, name: 'E', team, posts: { create: [{ title: 'a' }] } } }).explain();
    expect(x.text).toMatch(/nested write: 2 steps in one (transaction|TransactWriteItems)/);
    expect(x.operations.length).toBeGreaterThanOrEqual(2);
  });
});
