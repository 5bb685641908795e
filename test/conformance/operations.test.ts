// The requests each scenario sends, recorded through the client's `log` hook:
// plans are minimal on every target (no N+1 on PostgreSQL; on DynamoDB a key
// lookup is one GetItem, key lists go in BatchGetItem chunks of 100, and a
// belongsTo include is one BatchGetItem of the distinct keys).
import { expect } from 'vitest';
import { createUser } from './fixtures.js';
import { conformance, expectCapabilityError, recordOps, type Target } from './targets.js';

const isSql = (t: Target) => t.caps.family === 'sql';

/** Insert in chunks small enough for one DynamoDB transaction each (unique entries count as items). */
async function chunked<T>(rows: T[], size: number, write: (chunk: T[]) => PromiseLike<unknown>) {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

conformance('operations', ({ scenario }) => {
  scenario('a key lookup is one request', {}, async (t) => {
    const u = await createUser(t);
    const { result, ops } = await recordOps(t, () => t.db.user.findUnique({ where: { id: u.id } }));
    expect(result).toEqual(u);
    expect(ops).toEqual([isSql(t) ? 'sql' : 'GetItem']);
    const miss = await recordOps(t, () => t.db.user.findUnique({ where: { id: '0190a0a0-0000-7000-8000-000000000000' } }));
    expect(miss.ops).toHaveLength(1);
  });

  scenario('a unique-field lookup is one statement, or the unique index then the item', {}, async (t) => {
    const u = await createUser(t);
    const { result, ops } = await recordOps(t, () => t.db.user.findUnique({ where: { email: u.email } }));
    expect(result).toEqual(u);
    expect(ops).toEqual(isSql(t) ? ['sql'] : ['GetItem', 'GetItem']);
  });

  scenario('a partition query with a filter is one Query / one statement', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.createMany({
      data: [
        { authorId: u.id, title: 'a', views: 1 },
        { authorId: u.id, title: 'b', views: 2 },
      ],
    });
    const { result, ops } = await recordOps(t, () => t.db.post.findMany({ where: { authorId: u.id, views: { gt: 1 } }, orderBy: { title: 'asc' } }));
    expect(result.map((p) => p.title)).toEqual(['b']);
    expect(ops).toEqual([isSql(t) ? 'sql' : 'Query']);
    const count = await recordOps(t, () => t.db.post.count({ where: { authorId: u.id } }));
    expect(count.result).toBe(2);
    expect(count.ops).toEqual([isSql(t) ? 'sql' : 'Query']);
  });

  scenario('include of a hasMany over 100 parents is never N+1 on SQL', {}, async (t) => {
    const team = t.tag('team');
    const users = Array.from({ length: 100 }, (_, i) => ({ email: `${team}-${i}@example.com`, name: `n${String(i).padStart(3, '0')}`, team }));
    await chunked(users, 40, (c) => t.db.user.createMany({ data: c }));
    const all = await t.db.user.findMany({ where: { team }, orderBy: { name: 'asc' } });
    const posts = all.slice(0, 30).map((u, i) => ({ authorId: u.id, title: `p${i}` }));
    await chunked(posts, 40, (c) => t.db.post.createMany({ data: c }));
    const run = () => t.db.user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { posts: true } });
    if (isSql(t)) {
      const { result, ops } = await recordOps(t, run);
      expect(result).toHaveLength(100);
      expect(result.filter((u) => u.posts.length === 1)).toHaveLength(30);
      expect(result[0].posts[0].title).toBe('p0');
      expect(ops.length).toBeLessThanOrEqual(2);
    } else {
      // DynamoDB: one Query per parent on the foreign-key index, run in parallel.
      const lax = await t.lax();
      const { result, ops } = await recordOps(t, () => lax.user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { posts: true } }));
      expect(result).toHaveLength(100);
      expect(result.filter((u) => u.posts.length === 1)).toHaveLength(30);
      expect(ops.every((o) => o === 'Query')).toBe(true);
      expect(ops.length).toBeLessThanOrEqual(1 + 100);
    }
  });

  scenario('include of a belongsTo over 50 rows with 7 distinct parents', {}, async (t) => {
    const team = t.tag('team');
    const authors = await Promise.all(Array.from({ length: 7 }, (_, i) => createUser(t, { team, name: `a${i}` })));
    const post = await t.db.post.create({ data: { authorId: authors[0].id, title: 'busy' } });
    const at = (i: number) => new Date(Date.UTC(2024, 0, 1, 0, 0, i));
    const comments = Array.from({ length: 50 }, (_, i) => ({ postId: post.id, authorId: authors[i % 7].id, body: `c${i}`, createdAt: at(i) }));
    await chunked(comments, 50, (c) => t.db.comment.createMany({ data: c }));
    const { result, ops } = await recordOps(t, () =>
      t.db.comment.findMany({ where: { postId: post.id }, orderBy: { createdAt: 'asc' }, include: { author: true } }),
    );
    expect(result).toHaveLength(50);
    expect(result.map((c) => c.author.name)).toEqual(comments.map((_, i) => `a${i % 7}`));
    if (isSql(t)) expect(ops.length).toBeLessThanOrEqual(2);
    else expect(ops).toEqual(['Query', 'BatchGetItem']);
  });

  scenario('250 keys in a list: one statement, or 3 BatchGetItem chunks of at most 100', {}, async (t) => {
    const u = await createUser(t);
    const posts = Array.from({ length: 250 }, (_, i) => ({ authorId: u.id, title: `k${String(i).padStart(3, '0')}` }));
    await chunked(posts, 50, (c) => t.db.post.createMany({ data: c }));
    const ids = (await t.db.post.findMany({ where: { authorId: u.id } })).map((p) => p.id);
    expect(ids).toHaveLength(250);
    if (isSql(t)) {
      const { result, ops } = await recordOps(t, () => t.db.post.findMany({ where: { id: { in: ids } } }));
      expect(result).toHaveLength(250);
      expect(ops).toEqual(['sql']);
    } else {
      // More than one request for one logical read is a fanout: strict mode refuses it…
      await expectCapabilityError(t.db.post.findMany({ where: { id: { in: ids } } }), 'fanout');
      // …and a non-strict client runs it in the minimal number of requests.
      const lax = await t.lax();
      const { result, ops } = await recordOps(t, () => lax.post.findMany({ where: { id: { in: ids } } }));
      expect(result).toHaveLength(250);
      expect(new Set(result.map((p) => p.id)).size).toBe(250);
      expect(ops).toEqual(['BatchGetItem', 'BatchGetItem', 'BatchGetItem']);
    }
  });

  scenario('a refused query sends nothing', {}, async (t) => {
    const before = t.events.length;
    if (isSql(t)) {
      await t.db.post.findMany({ where: { title: { endsWith: 'x' } } });
      expect(t.events.length).toBe(before + 1);
    } else {
      await expectCapabilityError(t.db.post.findMany({ where: { title: { endsWith: 'x' } } }), 'operator-unsupported');
      await expectCapabilityError(t.db.post.findMany({ where: { title: 'x' } }), 'scan-required');
      expect(t.events.length).toBe(before);
    }
  });
});
