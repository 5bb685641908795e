// Every filter operator, on every target, with the two-valued semantics of the
// query AST: a comparison with a null field is false, `not`/`NOT` is plain
// negation (so it matches nulls), `notIn` matches nulls, empty `in` matches nothing.
import { expect } from 'vitest';
import { A, B, CASES, D, G, O } from './cases.js';
import { ALL_FILTER_TITLES, seedFilterPosts, type PostRow, type UserRow } from './fixtures.js';
import { conformance, titles, type Target } from './targets.js';

conformance('filters', ({ scenario }) => {
  // The seed is read-only here, so one per target is enough.
  const worlds = new WeakMap<Target, Promise<{ author: UserRow; posts: PostRow[] }>>();
  const world = (t: Target) => {
    let w = worlds.get(t);
    if (!w) worlds.set(t, (w = seedFilterPosts(t)));
    return w;
  };

  scenario('the seed reads back complete', {}, async (t) => {
    const { posts } = await world(t);
    expect(titles(posts)).toEqual([...ALL_FILTER_TITLES].sort());
  });

  for (const c of CASES) {
    scenario(`where ${c.name}`, { needs: c.needs }, async (t) => {
      const { author } = await world(t);
      const where = { ...c.where, authorId: author.id };
      if (c.unordered) {
        const rows = await t.db.post.findMany({ where });
        expect(titles(rows).sort()).toEqual([...c.expect].sort());
      } else {
        const rows = await t.db.post.findMany({ where, orderBy: { title: 'asc' } });
        expect(titles(rows)).toEqual(c.expect);
      }
      expect(await t.db.post.count({ where })).toBe(c.expect.length);
    });
  }

  scenario('a range on the sparse index (publishedAt) ordered by it', {}, async (t) => {
    const { author } = await world(t);
    const rows = await t.db.post.findMany({ where: { authorId: author.id, publishedAt: { gte: new Date('2023-01-01T00:00:00Z') } }, orderBy: { publishedAt: 'desc' } });
    expect(titles(rows)).toEqual([G, A, D]);
  });

  scenario('a partition-only query returns rows whose sparse-index attribute is null', {}, async (t) => {
    // On DynamoDB the (authorId, publishedAt) GSI holds no drafts: it must not serve this query.
    const { author } = await world(t);
    const rows = await t.db.post.findMany({ where: { authorId: author.id, publishedAt: null } });
    expect(titles(rows).sort()).toEqual([B, O].sort());
    expect(await t.db.post.count({ where: { authorId: author.id } })).toBe(5);
  });

  scenario('key in a list, alone and with a filter', {}, async (t) => {
    const { posts } = await world(t);
    const ids = posts.map((p) => p.id);
    const two = await t.db.post.findMany({ where: { id: { in: [ids[0], ids[4], '0190a0a0-0000-7000-8000-000000000000'] } } });
    expect(titles(two).sort()).toEqual([posts[0].title, posts[4].title].sort());
    const filtered = await t.db.post.findMany({ where: { id: { in: ids }, status: 'draft' } });
    expect(titles(filtered).sort()).toEqual([B, O].sort());
    expect(await t.db.post.findMany({ where: { id: { in: [] } } })).toEqual([]);
  });

  scenario('a unique field by equality, in findMany', {}, async (t) => {
    const { author } = await world(t);
    expect((await t.db.user.findMany({ where: { email: author.email } })).map((u) => u.id)).toEqual([author.id]);
    expect(await t.db.user.findMany({ where: { email: author.email, name: 'other' } })).toEqual([]);
  });

  scenario('filters that pin no key or index', { needs: ['unkeyedFilter'] }, async (t) => {
    const { author } = await world(t);
    const rows = await t.db.post.findMany({ where: { title: { startsWith: 'gamma' }, views: 25 } });
    expect(rows.filter((r) => r.authorId === author.id).map((r) => r.title)).toEqual([G]);
  });

  scenario('allowScan runs an unkeyed filter on every target', {}, async (t) => {
    const { author } = await world(t);
    const rows = await t.db.post.findMany({ where: { title: O }, allowScan: true });
    expect(rows.filter((r) => r.authorId === author.id).map((r) => r.title)).toEqual([O]);
    expect(await t.db.post.count({ where: { title: O, authorId: author.id }, allowScan: true })).toBe(1);
  });

  scenario('count without a pinned partition', { needs: ['unpartitionedCount'] }, async (t) => {
    const { author } = await world(t);
    expect(await t.db.user.count({ where: { email: { startsWith: author.email } } })).toBe(1);
  });
});
