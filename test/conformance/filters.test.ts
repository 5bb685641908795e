// Every filter operator, on every target, with the two-valued semantics of the
// query AST: a comparison with a null field is false, `not`/`NOT` is plain
// negation (so it matches nulls), `notIn` matches nulls, empty `in` matches nothing.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { A, B, CASES, D, G, O } from './cases.js';
import type { CreateInput, Where } from 'quern';
import { ALL_FILTER_TITLES, createUser, seedFilterPosts, type PostRow, type UserRow } from './fixtures.js';
import type { Blog } from './schema.js';
import { conformance, titles, type CapabilityName, type Target } from './targets.js';

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
    const rows = await t.db.post.findMany({
      where: { authorId: author.id, publishedAt: { gte: new Date('2023-01-01T00:00:00Z') } },
      orderBy: { publishedAt: 'desc' },
    });
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

  // ---- the other scalar types (on Profile), reached through a key list so every target can filter them ----
  const profiles = new WeakMap<Target, Promise<string[]>>();
  const profileIds = (t: Target) => {
    let w = profiles.get(t);
    if (!w) {
      profiles.set(
        t,
        (w = (async () => {
          const users = await Promise.all([0, 1, 2, 3].map(() => createUser(t)));
          const rows: CreateInput<Blog, 'profile'>[] = [
            { userId: users[0].id, bio: 'P1', birthday: '1990-02-28', balance: '10.5', karma: 5n, verified: true, prefs: { a: 1, b: [1, 2] }, scores: [1, 2] },
            { userId: users[1].id, bio: 'P2', birthday: null, balance: '9.99', karma: -3n, verified: false, prefs: null, scores: [] },
            { userId: users[2].id, bio: 'P3', birthday: '2000-01-01', balance: '100', karma: 9007199254740993n, verified: true, prefs: { a: 2 }, scores: [2] },
            { userId: users[3].id, bio: 'P4', birthday: '1989-12-31', balance: '0', karma: 0n, verified: false, prefs: ['x', 1], scores: [5] },
          ];
          const ids = rows.map(() => randomUUID());
          await t.db.profile.createMany({ data: rows.map((r, i) => ({ ...r, id: ids[i] })) });
          return ids;
        })()),
      );
    }
    return w;
  };
  const bios = (rows: readonly { bio: string | null }[]) => rows.map((r) => r.bio ?? '').sort();

  const SCALAR_CASES: { name: string; where: Where<Blog, 'profile'>; expect: string[]; needs?: CapabilityName[] }[] = [
    { name: 'boolean equals', where: { verified: true }, expect: ['P1', 'P3'] },
    { name: 'boolean not', where: { verified: { not: true } }, expect: ['P2', 'P4'] },
    { name: 'bigint range', where: { karma: { gt: 4n } }, expect: ['P1', 'P3'] },
    { name: 'bigint negative', where: { karma: { lt: 0n } }, expect: ['P2'] },
    { name: 'bigint beyond 2^53 by equality', where: { karma: 9007199254740993n }, expect: ['P3'] },
    { name: 'bigint beyond 2^53 is not its float neighbour', where: { karma: 9007199254740992n }, expect: [] },
    { name: 'bigint in', where: { karma: { in: [0n, 5n] } }, expect: ['P1', 'P4'] },
    { name: 'date range', where: { birthday: { gte: '1990-01-01' } }, expect: ['P1', 'P3'] },
    { name: 'date lt', where: { birthday: { lt: '1990-01-01' } }, expect: ['P4'] },
    { name: 'date null', where: { birthday: null }, expect: ['P2'] },
    { name: 'date equals', where: { birthday: '2000-01-01' }, expect: ['P3'] },
    { name: 'decimal equals', where: { balance: '10.5' }, expect: ['P1'] },
    { name: 'decimal equality is numeric (trailing zeros)', where: { balance: '10.50' }, expect: ['P1'] },
    { name: 'decimal in', where: { balance: { in: ['100', '0'] } }, expect: ['P3', 'P4'] },
    { name: 'decimal range is numeric, not lexical', where: { balance: { gt: '9.999' } }, expect: ['P1', 'P3'], needs: ['decimalRange'] },
    { name: 'json equals', where: { prefs: { equals: { a: 2 } } }, expect: ['P3'] },
    { name: 'json equals ignores key order', where: { prefs: { equals: { b: [1, 2], a: 1 } } }, expect: ['P1'] },
    { name: 'json null', where: { prefs: null }, expect: ['P2'] },
    { name: 'list of int has', where: { scores: { has: 2 } }, expect: ['P1', 'P3'] },
    { name: 'list of int equals', where: { scores: [1, 2] }, expect: ['P1'] },
    { name: 'list of int empty', where: { scores: [] }, expect: ['P2'] },
  ];

  for (const c of SCALAR_CASES) {
    scenario(`profile where ${c.name}`, { needs: c.needs }, async (t) => {
      const ids = await profileIds(t);
      expect(bios(await t.db.profile.findMany({ where: { ...c.where, id: { in: ids } } }))).toEqual(c.expect);
    });
  }
});
