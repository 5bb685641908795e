// Read-side relational features on every target: relation counts (`_count`),
// aggregate and groupBy, distinct, omit, and createManyAndReturn. Where DynamoDB
// serves a feature only on a pinned partition, the unpinned form must be refused
// with its documented code and fix.
import { expect } from 'vitest';
import { UniqueConstraintError, ValidationError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, expectCapabilityError, fanoutReader, recordOps, rejection, sortedTitles, type Target } from './targets.js';

/** One author with five posts whose numbers exercise nulls, ties and empty groups. */
async function seedScores(t: Target) {
  const author = await createUser(t);
  const other = await createUser(t);
  const rows = await t.db.post.createManyAndReturn({
    data: [
      { authorId: author.id, title: 'p1', status: 'published', views: 10, rating: 4.5, publishedAt: new Date('2024-01-01T00:00:00.000Z') },
      { authorId: author.id, title: 'p2', status: 'published', views: 5, rating: null, publishedAt: new Date('2024-02-01T00:00:00.000Z') },
      { authorId: author.id, title: 'p3', status: 'draft', views: 7, rating: 1.25 },
      { authorId: author.id, title: 'p4', status: 'draft', views: 0, rating: null },
      { authorId: author.id, title: 'p5', status: 'archived', views: 3, rating: null },
      { authorId: other.id, title: 'o1', status: 'published', views: 100, rating: 2 },
    ],
  });
  const post = (title: string) => rows.find((r) => r.title === title)!;
  await t.db.comment.createMany({
    data: [
      { postId: post('p1').id, authorId: other.id, body: 'one' },
      { postId: post('p1').id, authorId: author.id, body: 'two' },
      { postId: post('p1').id, authorId: other.id, body: 'three' },
      { postId: post('p3').id, authorId: other.id, body: 'one' },
    ],
  });
  return { author, other, post };
}

conformance('aggregates, counts, distinct, omit, createManyAndReturn', ({ scenario }) => {
  // ---- _count ------------------------------------------------------------------
  scenario('_count in include: every to-many relation, Prisma-shaped', { needs: ['inlineRelationCounts'] }, async (t) => {
    const { author, other } = await seedScores(t);
    const users = await t.db.user.findMany({ where: { id: { in: [author.id, other.id] } }, include: { _count: true } });
    const byId = new Map(users.map((u) => [u.id, u]));
    expect(byId.get(author.id)!._count).toEqual({ posts: 5, comments: 1, memberships: 0 });
    expect(byId.get(other.id)!._count).toEqual({ posts: 1, comments: 3, memberships: 0 });
    expect(byId.get(author.id)!.email).toBe(author.email);
  });

  scenario('_count in select with a where on the counted relation', { needs: ['inlineRelationCounts'] }, async (t) => {
    const { author } = await seedScores(t);
    const posts = await t.db.post.findMany({
      where: { authorId: author.id },
      orderBy: { title: 'asc' },
      select: { title: true, _count: { select: { comments: { where: { body: 'one' } } } } },
    });
    expect(posts).toEqual([
      { title: 'p1', _count: { comments: 1 } },
      { title: 'p2', _count: { comments: 0 } },
      { title: 'p3', _count: { comments: 1 } },
      { title: 'p4', _count: { comments: 0 } },
      { title: 'p5', _count: { comments: 0 } },
    ]);
  });

  scenario('_count accepted as a fanout: the same counts on every target, one COUNT per parent on DynamoDB', {}, async (t) => {
    const { author, post } = await seedScores(t);
    const db = await t.lax();
    const { result, ops } = await recordOps(t, () =>
      db.post.findMany({ where: { authorId: author.id }, orderBy: { title: 'asc' }, include: { _count: { select: { comments: true } } } }),
    );
    expect(result.map((p) => [p.title, p._count.comments])).toEqual([
      ['p1', 3],
      ['p2', 0],
      ['p3', 1],
      ['p4', 0],
      ['p5', 0],
    ]);
    const plan = await db.post.findMany({ where: { authorId: author.id }, include: { _count: true } }).explain();
    if (t.caps.family === 'sql') {
      expect(ops).toEqual(['sql']);
      expect(plan.diagnostics).toEqual([]);
    } else {
      expect(ops).toEqual(['Query', 'Query', 'Query', 'Query', 'Query', 'Query']);
      // One per counted relation: comments, and the labels (manyToMany) links.
      expect(plan.diagnostics.map((d) => d.code)).toEqual(['fanout', 'fanout']);
    }
    const one = await db.post.findUniqueOrThrow({ where: { id: post('p1').id }, select: { _count: { select: { comments: true } } } });
    expect(one).toEqual({ _count: { comments: 3 } });
  });

  scenario('_count of a manyToMany relation, both directions: one statement on SQL, one COUNT of the links per parent on DynamoDB', {}, async (t) => {
    const { post } = await seedScores(t);
    const tag = t.tag('t');
    const [red, blue, green] = await t.db.tag.createManyAndReturn({
      data: [
        { team: tag, name: 'red' },
        { team: tag, name: 'blue' },
        { team: tag, name: 'green' },
      ],
    });
    await t.db.postTag.createMany({
      data: [
        { postId: post('p1').id, tagId: red.id },
        { postId: post('p1').id, tagId: blue.id },
        { postId: post('p2').id, tagId: red.id },
      ],
    });
    const db = await fanoutReader(t);
    const { result, ops } = await recordOps(t, () =>
      db.post.findUniqueOrThrow({ where: { id: post('p1').id }, select: { title: true, _count: { select: { labels: true, comments: true } } } }),
    );
    expect(result).toEqual({ title: 'p1', _count: { labels: 2, comments: 3 } });
    expect(ops).toEqual(t.caps.family === 'sql' ? ['sql'] : ['GetItem', 'Query', 'Query']);
    const tags = await db.tag.findMany({ where: { team: tag }, include: { _count: true } });
    expect(Object.fromEntries(tags.map((x) => [x.name, x._count]))).toEqual({ red: { posts: 2 }, blue: { posts: 1 }, green: { posts: 0 } });
    // `_count: true` counts manyToMany relations too.
    const all = await db.post.findUniqueOrThrow({ where: { id: post('p2').id }, include: { _count: true } });
    expect(all._count).toEqual({ comments: 0, labels: 1 });
    const filtered = db.tag.findUnique({ where: { id: red.id }, include: { _count: { select: { posts: { where: { title: 'p1' } } } } } });
    if (t.caps.family === 'sql') expect((await filtered)?._count).toEqual({ posts: 1 });
    else await expectCapabilityError(filtered, 'relation-filter-unsupported');
  });

  scenario('_count on a to-one relation or inside an include is a ValidationError', {}, async (t) => {
    expect(await rejection(t.db.post.findMany({ allowScan: true, include: { _count: { select: { author: true } } } as never }))).toBeInstanceOf(
      ValidationError,
    );
    expect(await rejection(t.db.user.findMany({ allowScan: true, include: { posts: { include: { _count: true } } } as never }))).toBeInstanceOf(
      ValidationError,
    );
  });

  // ---- aggregate ---------------------------------------------------------------
  scenario('aggregate on a pinned partition: _count, _sum, _avg, _min, _max with Prisma semantics', {}, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.aggregate({
      where: { authorId: author.id },
      _count: { _all: true, rating: true, publishedAt: true },
      _sum: { views: true, rating: true },
      _avg: { views: true, rating: true },
      _min: { views: true, title: true, publishedAt: true },
      _max: { views: true, title: true, rating: true },
    });
    expect(r).toEqual({
      _count: { _all: 5, rating: 2, publishedAt: 2 },
      _sum: { views: 25, rating: 5.75 },
      _avg: { views: 5, rating: 2.875 },
      _min: { views: 0, title: 'p1', publishedAt: new Date('2024-01-01T00:00:00.000Z') },
      _max: { views: 10, title: 'p5', rating: 4.5 },
    });
    // `_avg` of ints is a float; `_count: true` is a number.
    const c = await t.db.post.aggregate({ where: { authorId: author.id, status: 'draft' }, _count: true, _avg: { views: true } });
    expect(c).toEqual({ _count: 2, _avg: { views: 3.5 } });
  });

  scenario('aggregate over no rows: _count 0, everything else null', {}, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.aggregate({
      where: { authorId: author.id, title: 'nope' },
      _count: true,
      _sum: { views: true },
      _avg: { views: true },
      _min: { title: true },
      _max: { publishedAt: true },
    });
    expect(r).toEqual({ _count: 0, _sum: { views: null }, _avg: { views: null }, _min: { title: null }, _max: { publishedAt: null } });
  });

  scenario('aggregate counting rows without a pinned partition', { needs: ['unpartitionedCount'] }, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.aggregate({ where: { views: { gte: 5 }, NOT: { authorId: { not: author.id } }, title: { startsWith: 'p' } }, _count: true });
    expect(r).toEqual({ _count: 3 });
  });

  scenario('aggregate summing without a pinned partition', { needs: ['unkeyedFilter'] }, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.aggregate({
      where: { status: 'archived', views: 3, title: 'p5', rating: null, NOT: { authorId: { not: author.id } } },
      _sum: { views: true },
    });
    expect(r).toEqual({ _sum: { views: 3 } });
  });

  scenario('allowScan lets DynamoDB aggregate without a pinned partition', {}, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.aggregate({
      where: { title: { in: ['p1', 'p3'] }, NOT: { authorId: { not: author.id } } },
      allowScan: true,
      _sum: { views: true },
      _max: { rating: true },
    });
    expect(r).toEqual({ _sum: { views: 17 }, _max: { rating: 4.5 } });
  });

  scenario('decimal sums: exact on SQL, refused on DynamoDB (no decimal arithmetic in the engine)', { needs: ['decimalRange'] }, async (t) => {
    const u = await createUser(t);
    await t.db.profile.create({ data: { userId: u.id, balance: '10.25' } });
    const r = await t.db.profile.aggregate({ where: { userId: u.id }, _sum: { balance: true }, _avg: { balance: true } });
    expect(r._sum.balance).toBe('10.25');
    expect(Number(r._avg.balance)).toBe(10.25);
  });

  scenario('bad aggregate arguments are ValidationErrors before any I/O', {}, async (t) => {
    for (const args of [
      {},
      { _sum: { title: true } },
      { _avg: { createdAt: true } },
      { _min: { tags: true } },
      { _sum: { nope: true } },
      { _count: { _all: 'yes' } },
    ]) {
      expect(await rejection(t.db.post.aggregate(args as never)), JSON.stringify(args)).toBeInstanceOf(ValidationError);
    }
  });

  // ---- groupBy -----------------------------------------------------------------
  scenario('groupBy on a pinned partition with having, orderBy, limit and offset', {}, async (t) => {
    const { author } = await seedScores(t);
    const all = await t.db.post.groupBy({
      by: ['status'],
      where: { authorId: author.id },
      _count: true,
      _sum: { views: true },
      _avg: { rating: true },
      orderBy: { status: 'asc' },
    });
    expect(all).toEqual([
      { status: 'archived', _count: 1, _sum: { views: 3 }, _avg: { rating: null } },
      { status: 'draft', _count: 2, _sum: { views: 7 }, _avg: { rating: 1.25 } },
      { status: 'published', _count: 2, _sum: { views: 15 }, _avg: { rating: 4.5 } },
    ]);
    const having = await t.db.post.groupBy({
      by: ['status'],
      where: { authorId: author.id },
      _count: { _all: true },
      having: { views: { _sum: { gte: 7 } }, status: { not: 'published' } },
      orderBy: { _sum: { views: 'desc' } },
    });
    expect(having).toEqual([{ status: 'draft', _count: { _all: 2 } }]);
    const window = await t.db.post.groupBy({
      by: ['status'],
      where: { authorId: author.id },
      _max: { views: true },
      orderBy: [{ _max: { views: 'desc' } }],
      limit: 1,
      offset: 1,
    });
    expect(window).toEqual([{ status: 'draft', _max: { views: 7 } }]);
    const multi = await t.db.post.groupBy({
      by: ['status', 'rating'],
      where: { authorId: author.id },
      _count: true,
      orderBy: [{ status: 'asc' }, { rating: 'asc' }],
    });
    // PostgreSQL's order: nulls last ascending.
    expect(multi).toEqual([
      { status: 'archived', rating: null, _count: 1 },
      { status: 'draft', rating: 1.25, _count: 1 },
      { status: 'draft', rating: null, _count: 1 },
      { status: 'published', rating: 4.5, _count: 1 },
      { status: 'published', rating: null, _count: 1 },
    ]);
  });

  scenario('groupBy with having on a count and an OR', {}, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.groupBy({
      by: ['status'],
      where: { authorId: author.id },
      _count: true,
      having: { OR: [{ id: { _count: { gt: 1 } } }, { views: { _min: { equals: 3 } } }] },
      orderBy: { status: 'desc' },
    });
    expect(r).toEqual([
      { status: 'published', _count: 2 },
      { status: 'draft', _count: 2 },
      { status: 'archived', _count: 1 },
    ]);
  });

  scenario('groupBy without a pinned partition', { needs: ['unkeyedFilter'] }, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.groupBy({
      by: ['authorId'],
      where: { status: 'draft', views: { lt: 100 }, NOT: { authorId: { not: author.id } } },
      _count: true,
    });
    expect(r).toEqual([{ authorId: author.id, _count: 2 }]);
  });

  scenario('groupBy arguments are validated', {}, async (t) => {
    for (const args of [
      { by: [] },
      { by: ['tags'] },
      { by: ['status'], having: { views: { gt: 1 } } },
      { by: ['status'], orderBy: { views: 'asc' } },
      { by: ['status'], having: { nope: { _sum: { gt: 1 } } } },
    ]) {
      expect(await rejection(t.db.post.groupBy({ allowScan: true, ...args } as never)), JSON.stringify(args)).toBeInstanceOf(ValidationError);
    }
  });

  // ---- distinct ----------------------------------------------------------------
  scenario('distinct: the first row of each combination, in query order', {}, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.findMany({
      where: { authorId: author.id },
      distinct: ['status'],
      orderBy: { title: 'asc' },
      select: { title: true, status: true },
    });
    expect(r).toEqual([
      { title: 'p1', status: 'published' },
      { title: 'p3', status: 'draft' },
      { title: 'p5', status: 'archived' },
    ]);
    const desc = await t.db.post.findMany({ where: { authorId: author.id }, distinct: ['status'], orderBy: { title: 'desc' }, limit: 2 });
    expect(desc.map((p) => [p.title, p.status])).toEqual([
      ['p5', 'archived'],
      ['p4', 'draft'],
    ]);
    const pairs = await t.db.post.findMany({ where: { authorId: author.id }, distinct: ['status', 'rating'], select: { status: true, rating: true } });
    expect(pairs).toHaveLength(5);
    const first = await t.db.post.findFirst({ where: { authorId: author.id, title: { gt: 'p1' } }, distinct: ['status'], orderBy: { title: 'asc' } });
    expect(first?.title).toBe('p2');
  });

  scenario('distinct without a pinned partition', { needs: ['unkeyedFilter'] }, async (t) => {
    const { author } = await seedScores(t);
    const r = await t.db.post.findMany({ where: { views: { gt: 4 }, NOT: { authorId: { not: author.id } } }, distinct: ['status'], select: { status: true } });
    expect(r.map((x) => x.status).sort()).toEqual(['draft', 'published']);
  });

  // ---- omit --------------------------------------------------------------------
  scenario('omit drops fields from every read and write result', {}, async (t) => {
    const { author } = await seedScores(t);
    const posts = await t.db.post.findMany({
      where: { authorId: author.id },
      omit: { body: true, tags: true, version: true },
      orderBy: { title: 'asc' },
      limit: 1,
    });
    expect(Object.keys(posts[0]).sort()).toEqual(['authorId', 'createdAt', 'id', 'publishedAt', 'rating', 'status', 'title', 'updatedAt', 'views']);
    const u = await t.db.user.findUniqueOrThrow({ where: { id: author.id }, omit: { email: true }, include: { posts: { select: { title: true } } } });
    expect('email' in u).toBe(false);
    expect(u.name).toBe(author.name);
    expect(sortedTitles(u.posts)).toEqual(['p1', 'p2', 'p3', 'p4', 'p5']);
    const created = await t.db.user.create({
      data: { email: `${t.tag('o')}@x.io`, name: 'O', team: t.tag('team') },
      omit: { createdAt: true, updatedAt: true },
    });
    expect(Object.keys(created).sort()).toEqual(['age', 'email', 'id', 'name', 'role', 'team']);
    expect(await rejection(t.db.user.findMany({ allowScan: true, omit: { email: true }, select: { name: true } } as never))).toBeInstanceOf(ValidationError);
    expect(await rejection(t.db.user.findMany({ allowScan: true, omit: { nope: true } } as never))).toBeInstanceOf(ValidationError);
  });

  // ---- createManyAndReturn -----------------------------------------------------
  scenario('createManyAndReturn returns the rows with generated values, as stored', {}, async (t) => {
    const author = await createUser(t);
    const rows = await t.db.post.createManyAndReturn({
      data: [
        { authorId: author.id, title: 'x1' },
        { authorId: author.id, title: 'x2', views: 4 },
      ],
    });
    expect(rows.map((r) => r.title)).toEqual(['x1', 'x2']);
    for (const r of rows) {
      expect(r.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(r).toMatchObject({ status: 'draft', tags: [], version: 1, body: null });
      expect(r.createdAt).toBeInstanceOf(Date);
    }
    const stored = await t.db.post.findMany({ where: { authorId: author.id }, orderBy: { title: 'asc' } });
    expect(stored).toEqual(rows);
    const picked = await t.db.post.createManyAndReturn({ data: [{ authorId: author.id, title: 'x3' }], select: { id: true, title: true } });
    expect(Object.keys(picked[0]).sort()).toEqual(['id', 'title']);
  });

  scenario('createManyAndReturn is atomic and skipDuplicates returns only the rows written', {}, async (t) => {
    const team = t.tag('team');
    const email = `${t.tag('dup')}@x.io`;
    const e = await rejection(
      t.db.user.createManyAndReturn({
        data: [
          { email, name: 'A', team },
          { email, name: 'B', team },
        ],
      }),
    );
    expect(e).toBeInstanceOf(UniqueConstraintError);
    expect(await t.db.user.findMany({ where: { team } })).toEqual([]);
    await t.db.user.create({ data: { email, name: 'first', team } });
    const fresh = `${t.tag('new')}@x.io`;
    const rows = await t.db.user.createManyAndReturn({
      data: [
        { email, name: 'again', team },
        { email: fresh, name: 'new', team },
      ],
      skipDuplicates: true,
    });
    expect(rows.map((r) => r.email)).toEqual([fresh]);
    expect((await t.db.user.findMany({ where: { team }, orderBy: { name: 'asc' } })).map((u) => u.name)).toEqual(['first', 'new']);
  });

  scenario('createManyAndReturn inside db.batch returns the rows', {}, async (t) => {
    const author = await createUser(t);
    const [rows, one] = await t.db.batch([
      t.db.post.createManyAndReturn({
        data: [
          { authorId: author.id, title: 'b1' },
          { authorId: author.id, title: 'b2' },
        ],
      }),
      t.db.post.create({ data: { authorId: author.id, title: 'b3' } }),
    ]);
    expect(rows.map((r) => r.title)).toEqual(['b1', 'b2']);
    expect(rows[0].id).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.title).toBe('b3');
    expect(sortedTitles(await t.db.post.findMany({ where: { authorId: author.id } }))).toEqual(['b1', 'b2', 'b3']);
  });

  scenario("explain shows each new operation's plan", {}, async (t) => {
    const where = { authorId: '01900000-0000-7000-8000-000000000000' };
    const agg = await t.db.post.groupBy({ by: ['status'], where, _count: true }).explain();
    const dist = await t.db.post.findMany({ where, distinct: ['status'] }).explain();
    if (t.caps.family === 'sql') {
      expect(agg.text).toMatch(/GROUP BY/);
      // DISTINCT ON where the dialect has it; elsewhere the first row per group by row_number().
      expect(dist.text).toMatch(t.caps.sql?.distinctOn ? /DISTINCT ON/ : /row_number\(\) OVER \(PARTITION BY/);
    } else {
      expect(agg.operations.map((o) => o.kind)).toEqual(['Query', 'Fold']);
      expect(dist.operations.map((o) => o.kind)).toEqual(['Query', 'Fold']);
    }
    const refused = await t.db.post.groupBy({ by: ['status'], _count: true }).explain();
    if (t.caps.family === 'kv') {
      expect(refused.diagnostics.map((d) => d.code)).toEqual(['scan-required']);
      await expectCapabilityError(t.db.post.groupBy({ by: ['status'], _count: true }), 'scan-required');
      await expectCapabilityError(t.db.post.aggregate({ _count: true }), 'count-requires-scan');
    } else {
      expect(refused.diagnostics).toEqual([]);
    }
  });
});
