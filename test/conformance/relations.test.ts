// select and nested include for every relation kind (hasMany, belongsTo, hasOne),
// and the relation filters some / every / none / is / isNot.
import { expect } from 'vitest';
import { ValidationError } from 'quern';
import { createUser, seedBlog } from './fixtures.js';
import { byKey, conformance, fanoutReader, rejection, titles, type Target } from './targets.js';

type World = Awaited<ReturnType<typeof seedBlog>>;

conformance('relations', ({ scenario }) => {
  const worlds = new WeakMap<Target, Promise<World>>();
  const world = (t: Target) => {
    let w = worlds.get(t);
    if (!w) worlds.set(t, (w = seedBlog(t)));
    return w;
  };

  scenario('include hasMany: every child, including rows a sparse index would miss; [] when none', {}, async (t) => {
    const { team, ann, bob, cy } = await world(t);
    const users = await (await fanoutReader(t)).user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { posts: true } });
    expect(users.map((u) => u.name)).toEqual(['Ann', 'Bob', 'Cy']);
    expect(titles(users[0].posts).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(titles(users[1].posts)).toEqual(['b1']);
    expect(users[2].posts).toEqual([]);
    // Included rows are complete rows.
    expect(users[0].posts.find((p) => p.title === 'a2')).toMatchObject({ authorId: ann.id, status: 'draft', publishedAt: null, version: 1 });
    expect(users[1]).toMatchObject({ id: bob.id, email: bob.email });
    expect(users[2].id).toBe(cy.id);
  });

  scenario('include hasMany with where, orderBy and limit', {}, async (t) => {
    const { ann } = await world(t);
    const u = await t.db.user.findUniqueOrThrow({ where: { id: ann.id }, include: { posts: { orderBy: { title: 'desc' }, limit: 2 } } });
    expect(titles(u.posts)).toEqual(['a3', 'a2']);
    const pub = await t.db.user.findUniqueOrThrow({ where: { id: ann.id }, include: { posts: { where: { status: 'published' }, orderBy: { title: 'asc' } } } });
    expect(titles(pub.posts)).toEqual(['a1', 'a3']);
  });

  scenario('include limit applies per parent, not to the whole result', {}, async (t) => {
    const { team } = await world(t);
    const db = await fanoutReader(t);
    const users = await db.user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { posts: { orderBy: { title: 'asc' }, limit: 1 } } });
    expect(users.map((u) => titles(u.posts))).toEqual([['a1'], ['b1'], []]);
    const desc = await db.user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { posts: { orderBy: { title: 'desc' }, limit: 2 } } });
    expect(desc.map((u) => titles(u.posts))).toEqual([['a3', 'a2'], ['b1'], []]);
  });

  scenario('nested include: user → posts → comments → author', {}, async (t) => {
    const { ann, bob, cy } = await world(t);
    const u = await (
      await fanoutReader(t)
    ).user.findUniqueOrThrow({
      where: { id: ann.id },
      include: { posts: { orderBy: { title: 'asc' }, include: { comments: { orderBy: { createdAt: 'asc' }, include: { author: true } } } } },
    });
    expect(titles(u.posts)).toEqual(['a1', 'a2', 'a3']);
    expect(u.posts[0].comments.map((c) => [c.body, c.author.name])).toEqual([
      ['nice', 'Bob'],
      ['agreed', 'Cy'],
      ['thanks', 'Ann'],
    ]);
    expect(u.posts[1].comments).toEqual([]);
    expect(u.posts[2].comments.map((c) => [c.body, c.author.id])).toEqual([['hmm', bob.id]]);
    expect(u.posts[0].comments[1].author).toMatchObject({ id: cy.id, email: cy.email });
  });

  scenario('include belongsTo, including a chain (comment → post → author)', {}, async (t) => {
    const { ann, bob } = await world(t);
    const posts = await t.db.post.findMany({ where: { authorId: ann.id }, orderBy: { title: 'asc' }, include: { author: true } });
    expect(posts.map((p) => p.author.name)).toEqual(['Ann', 'Ann', 'Ann']);
    expect(posts[0].author).toEqual(await t.db.user.findUniqueOrThrow({ where: { id: ann.id } }));
    const comments = await t.db.comment.findMany({
      where: { authorId: bob.id },
      orderBy: { createdAt: 'asc' },
      include: { post: { include: { author: true } } },
    });
    expect(comments.map((c) => [c.body, c.post.title, c.post.author.name])).toEqual([
      ['nice', 'a1', 'Ann'],
      ['hmm', 'a3', 'Ann'],
    ]);
  });

  scenario('include hasOne: the row, or null', {}, async (t) => {
    const { team, profile } = await world(t);
    const users = await (await fanoutReader(t)).user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { profile: true } });
    expect(users.map((u) => u.profile?.bio ?? null)).toEqual(['writes about databases', null, null]);
    expect(users[0].profile).toEqual(profile);
    const back = await t.db.profile.findUniqueOrThrow({ where: { userId: users[0].id }, include: { user: true } });
    expect(back.user.name).toBe('Ann');
  });

  scenario('include on a composite-key model (membership → user, user → memberships)', {}, async (t) => {
    const u = await createUser(t, { name: 'Member' });
    const org = t.tag('org');
    await t.db.membership.createMany({
      data: [
        { orgId: org, userId: u.id, role: 'owner' },
        { orgId: `${org}-2`, userId: u.id, role: 'member' },
      ],
    });
    const ms = await t.db.membership.findMany({ where: { orgId: org }, include: { user: true } });
    expect(ms.map((m) => [m.role, m.user.name])).toEqual([['owner', 'Member']]);
    const withMs = await t.db.user.findUniqueOrThrow({ where: { id: u.id }, include: { memberships: { orderBy: { orgId: 'asc' } } } });
    expect(withMs.memberships.map((m) => m.orgId)).toEqual([org, `${org}-2`]);
  });

  scenario('select and include together: exactly the selected fields plus the relation', {}, async (t) => {
    const { ann } = await world(t);
    const posts = await (
      await fanoutReader(t)
    ).post.findMany({
      where: { authorId: ann.id },
      orderBy: { title: 'asc' },
      select: { title: true },
      include: { author: { select: { name: true } }, comments: { select: { body: true }, orderBy: { createdAt: 'asc' } } },
    });
    expect(posts).toEqual([
      { title: 'a1', author: { name: 'Ann' }, comments: [{ body: 'nice' }, { body: 'agreed' }, { body: 'thanks' }] },
      { title: 'a2', author: { name: 'Ann' }, comments: [] },
      { title: 'a3', author: { name: 'Ann' }, comments: [{ body: 'hmm' }] },
    ]);
    const one = await t.db.user.findUniqueOrThrow({
      where: { id: ann.id },
      select: { email: true },
      include: { profile: { select: { bio: true } }, posts: false },
    });
    expect(one).toEqual({ email: ann.email, profile: { bio: 'writes about databases' } });
  });

  scenario('include on write results (create, update, upsert)', {}, async (t) => {
    const u = await createUser(t, { name: 'Writer' });
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'w' }, include: { author: true } });
    expect(p.author.name).toBe('Writer');
    const upd = await t.db.post.update({ where: { id: p.id }, data: { views: 1 }, include: { author: { select: { id: true } }, comments: true } });
    expect(upd).toMatchObject({ views: 1, author: { id: u.id }, comments: [] });
    const up = await t.db.user.upsert({
      where: { id: u.id },
      create: { id: u.id, email: u.email, name: 'x', team: u.team },
      update: { age: 3 },
      include: { posts: true },
    });
    expect(up.age).toBe(3);
    expect(titles(up.posts)).toEqual(['w']);
  });

  scenario('an unknown relation in include is a ValidationError', {}, async (t) => {
    const e = await rejection(t.db.user.findMany({ where: { team: 'x' }, include: { friends: true } as never }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).path).toBe('user.findMany.include.friends');
  });

  // ---- relation filters --------------------------------------------------
  const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name).sort();

  scenario('relation filter: hasMany some', { needs: ['relationFilters'] }, async (t) => {
    const { team } = await world(t);
    expect(names(await t.db.user.findMany({ where: { team, posts: { some: { status: 'published' } } } }))).toEqual(['Ann']);
    expect(names(await t.db.user.findMany({ where: { team, posts: { some: {} } } }))).toEqual(['Ann', 'Bob']);
  });

  scenario('relation filter: hasMany every (vacuously true without children)', { needs: ['relationFilters'] }, async (t) => {
    const { team } = await world(t);
    expect(names(await t.db.user.findMany({ where: { team, posts: { every: { status: 'published' } } } }))).toEqual(['Cy']);
    expect(names(await t.db.user.findMany({ where: { team, posts: { every: { views: { lt: 100 } } } } }))).toEqual(['Ann', 'Bob', 'Cy']);
  });

  scenario('relation filter: every / none are two-valued over null fields', { needs: ['relationFilters'] }, async (t) => {
    // Every seeded post has rating null: a comparison with null is false, so no post satisfies rating < 100.
    const { team } = await world(t);
    expect(names(await t.db.user.findMany({ where: { team, posts: { every: { rating: { lt: 100 } } } } }))).toEqual(['Cy']);
    expect(names(await t.db.user.findMany({ where: { team, posts: { none: { rating: { lt: 100 } } } } }))).toEqual(['Ann', 'Bob', 'Cy']);
    expect(names(await t.db.user.findMany({ where: { team, posts: { some: { rating: { not: 1 } } } } }))).toEqual(['Ann', 'Bob']);
  });

  scenario('relation filters in updateMany, deleteMany and count', { needs: ['relationFilters'] }, async (t) => {
    const { ann, bob } = await seedBlog(t);
    expect(await t.db.comment.count({ where: { authorId: bob.id, post: { title: 'a3' } } })).toBe(1);
    expect(await t.db.post.updateMany({ where: { authorId: ann.id, comments: { some: {} } }, data: { views: 100 } })).toEqual({ count: 2 });
    expect((await t.db.post.findMany({ where: { authorId: ann.id }, orderBy: { title: 'asc' } })).map((p) => p.views)).toEqual([100, 1, 100]);
    expect(await t.db.comment.deleteMany({ where: { authorId: bob.id, post: { author: { name: 'Ann' } } } })).toEqual({ count: 2 });
    expect(await t.db.comment.count({ where: { authorId: bob.id } })).toBe(0);
  });

  scenario('relation filter: hasMany none', { needs: ['relationFilters'] }, async (t) => {
    const { team } = await world(t);
    expect(names(await t.db.user.findMany({ where: { team, posts: { none: { status: 'published' } } } }))).toEqual(['Bob', 'Cy']);
    expect(await t.db.user.count({ where: { team, posts: { none: {} } } })).toBe(1);
  });

  scenario('relation filter: belongsTo is / isNot / shorthand', { needs: ['relationFilters'] }, async (t) => {
    const { ann, bob } = await world(t);
    for (const id of [ann.id, bob.id]) {
      const is = await t.db.post.findMany({ where: { authorId: id, author: { is: { name: 'Ann' } } } });
      expect(titles(is).sort()).toEqual(id === ann.id ? ['a1', 'a2', 'a3'] : []);
      const isNot = await t.db.post.findMany({ where: { authorId: id, author: { isNot: { name: 'Ann' } } } });
      expect(titles(isNot)).toEqual(id === ann.id ? [] : ['b1']);
      const short = await t.db.post.findMany({ where: { authorId: id, author: { name: 'Bob' } } });
      expect(titles(short)).toEqual(id === ann.id ? [] : ['b1']);
    }
  });

  scenario('relation filter: hasOne is null / isNot null / is', { needs: ['relationFilters'] }, async (t) => {
    const { team } = await world(t);
    expect(names(await t.db.user.findMany({ where: { team, profile: { is: null } } }))).toEqual(['Bob', 'Cy']);
    expect(names(await t.db.user.findMany({ where: { team, profile: null } }))).toEqual(['Bob', 'Cy']);
    expect(names(await t.db.user.findMany({ where: { team, profile: { isNot: null } } }))).toEqual(['Ann']);
    expect(names(await t.db.user.findMany({ where: { team, profile: { is: { bio: { contains: 'databases' } } } } }))).toEqual(['Ann']);
  });

  scenario('relation filter: nested through two relations, combined with NOT and OR', { needs: ['relationFilters'] }, async (t) => {
    const { team, bob } = await world(t);
    // Users who commented on one of Ann's posts.
    const commenters = await t.db.user.findMany({ where: { team, comments: { some: { post: { is: { author: { is: { name: 'Ann' } } } } } } } });
    expect(names(commenters)).toEqual(['Ann', 'Bob', 'Cy']);
    const comments = await t.db.comment.findMany({ where: { authorId: bob.id, post: { author: { name: 'Ann' } }, NOT: { post: { title: 'a3' } } } });
    expect(comments.map((c) => c.body)).toEqual(['nice']);
    const either = await t.db.user.findMany({ where: { team, OR: [{ profile: { isNot: null } }, { posts: { some: { title: 'b1' } } }] } });
    expect(names(either)).toEqual(['Ann', 'Bob']);
  });

  scenario('relation filter inside an include where', { needs: ['relationFilters'] }, async (t) => {
    const { ann } = await world(t);
    const u = await t.db.user.findUniqueOrThrow({ where: { id: ann.id }, include: { posts: { where: { comments: { some: { body: 'hmm' } } } } } });
    expect(titles(u.posts)).toEqual(['a3']);
  });

  scenario('sorting children does not reorder parents', {}, async (t) => {
    const { team } = await world(t);
    const users = await (
      await fanoutReader(t)
    ).user.findMany({ where: { team }, orderBy: { name: 'desc' }, include: { posts: { orderBy: { title: 'desc' } } } });
    expect(users.map((u) => u.name)).toEqual(['Cy', 'Bob', 'Ann']);
    expect(titles(users[2].posts)).toEqual(['a3', 'a2', 'a1']);
    expect(byKey(users, (u) => u.name).map((u) => u.name)).toEqual(['Ann', 'Bob', 'Cy']);
  });
});
