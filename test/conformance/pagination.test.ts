// paginate forward and backward with opaque cursors: cursors round-trip in both
// directions, a tampered or foreign cursor is a ValidationError, and a filtered
// page is always full (DynamoDB applies Limit before the filter; a short page is a bug).
import { expect } from 'vitest';
import { ValidationError, type Page } from 'quern';
import { createUser, seedFilterPosts, type PostRow } from './fixtures.js';
import { conformance, rejection, titles, type Target } from './targets.js';

const ASC = ['Alpha', 'Beta', 'Delta', "O'Hara'; DROP TABLE x; --", 'gamma ray'];

/** Flip one character of the signed body: the MAC must catch it. */
function tamper(cursor: string): string {
  const i = Math.floor(cursor.indexOf('.') / 2);
  const c = cursor[i] === 'A' ? 'B' : 'A';
  return cursor.slice(0, i) + c + cursor.slice(i + 1);
}

conformance('pagination', ({ scenario }) => {
  const worlds = new WeakMap<Target, ReturnType<typeof seedFilterPosts>>();
  const world = (t: Target) => {
    let w = worlds.get(t);
    if (!w) worlds.set(t, (w = seedFilterPosts(t)));
    return w;
  };

  scenario('forward: full pages, then a short last page with no next cursor', {}, async (t) => {
    const { author } = await world(t);
    const q = { where: { authorId: author.id }, orderBy: { title: 'asc' } } as const;
    const p1 = await t.db.post.paginate({ ...q, first: 2 });
    expect(titles(p1.items)).toEqual(ASC.slice(0, 2));
    expect(p1.prevCursor).toBeNull();
    expect(typeof p1.nextCursor).toBe('string');
    const p2 = await t.db.post.paginate({ ...q, first: 2, after: p1.nextCursor });
    expect(titles(p2.items)).toEqual(ASC.slice(2, 4));
    expect(typeof p2.prevCursor).toBe('string');
    const p3 = await t.db.post.paginate({ ...q, first: 2, after: p2.nextCursor });
    expect(titles(p3.items)).toEqual(ASC.slice(4));
    expect(p3.nextCursor).toBeNull();
    // A prevCursor leads back to exactly the previous page.
    const back = await t.db.post.paginate({ ...q, last: 2, before: p2.prevCursor });
    expect(titles(back.items)).toEqual(ASC.slice(0, 2));
    expect(back.prevCursor).toBeNull();
    const back3 = await t.db.post.paginate({ ...q, last: 2, before: p3.prevCursor });
    expect(titles(back3.items)).toEqual(ASC.slice(2, 4));
  });

  scenario('forward with an exact multiple of the page size ends without an empty page', {}, async (t) => {
    const { author } = await world(t);
    const q = { where: { authorId: author.id, status: { not: 'archived' as const } }, orderBy: { title: 'asc' as const } };
    const p1 = await t.db.post.paginate({ ...q, first: 2 });
    const p2 = await t.db.post.paginate({ ...q, first: 2, after: p1.nextCursor });
    expect([...titles(p1.items), ...titles(p2.items)]).toEqual(ASC.filter((x) => x !== 'Delta'));
    expect(p2.nextCursor).toBeNull();
  });

  scenario('backward from the end: items stay in query order, cursors walk to the start', {}, async (t) => {
    const { author } = await world(t);
    const q = { where: { authorId: author.id }, orderBy: { title: 'asc' } } as const;
    const l1 = await t.db.post.paginate({ ...q, last: 2 });
    expect(titles(l1.items)).toEqual(ASC.slice(3));
    expect(l1.nextCursor).toBeNull();
    expect(typeof l1.prevCursor).toBe('string');
    const l2 = await t.db.post.paginate({ ...q, last: 2, before: l1.prevCursor });
    expect(titles(l2.items)).toEqual(ASC.slice(1, 3));
    const l3 = await t.db.post.paginate({ ...q, last: 2, before: l2.prevCursor });
    expect(titles(l3.items)).toEqual(ASC.slice(0, 1));
    expect(l3.prevCursor).toBeNull();
    // And forward again from a backward page.
    const fwd = await t.db.post.paginate({ ...q, first: 2, after: l2.nextCursor });
    expect(titles(fwd.items)).toEqual(ASC.slice(3));
  });

  scenario('descending order, with a filter, in both directions', {}, async (t) => {
    const { author } = await world(t);
    const q = { where: { authorId: author.id, views: { gt: 0 } }, orderBy: { title: 'desc' } } as const;
    const want = ASC.filter((x) => x !== 'Beta').reverse();
    const all: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page<PostRow> = await t.db.post.paginate({ ...q, first: 3, after: cursor });
      all.push(...titles(page.items));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(all).toEqual(want);
    expect(pages).toBe(2);
    const last = await t.db.post.paginate({ ...q, last: 3 });
    expect(titles(last.items)).toEqual(want.slice(1));
  });

  scenario('ties in the order field: no row is lost or repeated across pages', {}, async (t) => {
    const u = await createUser(t);
    const same = new Date('2024-05-05T05:05:05.005Z');
    await t.db.post.createMany({ data: Array.from({ length: 7 }, (_, i) => ({ authorId: u.id, title: `tie-${i}`, publishedAt: same })) });
    const q = { where: { authorId: u.id, publishedAt: { not: null } }, orderBy: { publishedAt: 'asc' } } as const;
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: Page<PostRow> = await t.db.post.paginate({ ...q, first: 3, after: cursor });
      seen.push(...page.items.map((p) => p.id));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    // Backward over the same ties.
    const back: string[] = [];
    cursor = null;
    pages = 0;
    do {
      const page: Page<PostRow> = await t.db.post.paginate({ ...q, last: 3, before: cursor });
      back.unshift(...page.items.map((p) => p.id));
      cursor = page.prevCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(back).toEqual(seen);
  });

  scenario('cursors work when select leaves out the order and key fields', {}, async (t) => {
    const { author } = await world(t);
    const q = { where: { authorId: author.id }, orderBy: { title: 'asc' }, select: { views: true } } as const;
    const p1 = await t.db.post.paginate({ ...q, first: 2 });
    expect(p1.items).toEqual([{ views: 10 }, { views: 0 }]);
    const p2 = await t.db.post.paginate({ ...q, first: 2, after: p1.nextCursor });
    expect(p2.items).toEqual([{ views: 5 }, { views: 7 }]);
    const back = await t.db.post.paginate({ ...q, last: 2, before: p2.prevCursor });
    expect(back.items).toEqual(p1.items);
  });

  scenario('paginate over a nullable order field and a multi-field order: pages concatenate to findMany', { needs: ['arbitraryOrder'] }, async (t) => {
    const { author } = await world(t);
    // The last term breaks ties, so findMany's order is fully determined.
    const orders = [
      [{ publishedAt: 'asc' }, { title: 'asc' }],
      [{ publishedAt: 'desc' }, { title: 'desc' }],
      [{ publishedAt: 'desc' }, { title: 'asc' }],
      [{ status: 'asc' }, { rating: 'desc' }, { title: 'asc' }],
      [{ rating: 'asc' }, { body: 'desc' }],
    ] as const;
    for (const orderBy of orders) {
      const q = { where: { authorId: author.id }, orderBy };
      const all = titles(await t.db.post.findMany(q));
      expect(all).toHaveLength(5);
      const fwd: string[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<PostRow> = await t.db.post.paginate({ ...q, first: 2, after: cursor });
        fwd.push(...titles(page.items));
        cursor = page.nextCursor;
      } while (cursor && fwd.length < 20);
      expect(fwd, JSON.stringify(orderBy)).toEqual(all);
      const back: string[] = [];
      cursor = null;
      do {
        const page: Page<PostRow> = await t.db.post.paginate({ ...q, last: 2, before: cursor });
        back.unshift(...titles(page.items));
        cursor = page.prevCursor;
      } while (cursor && back.length < 20);
      expect(back, JSON.stringify(orderBy)).toEqual(all);
    }
  });

  scenario('an empty result has no cursors', {}, async (t) => {
    const u = await createUser(t);
    const page = await t.db.post.paginate({ where: { authorId: u.id }, orderBy: { title: 'asc' }, first: 5 });
    expect(page).toEqual({ items: [], nextCursor: null, prevCursor: null });
    const back = await t.db.post.paginate({ where: { authorId: u.id }, orderBy: { title: 'asc' }, last: 5 });
    expect(back).toEqual({ items: [], nextCursor: null, prevCursor: null });
  });

  scenario('select and include apply to page items', {}, async (t) => {
    const { author } = await world(t);
    const page = await t.db.post.paginate({
      where: { authorId: author.id },
      orderBy: { title: 'asc' },
      first: 1,
      select: { title: true },
      include: { author: { select: { email: true } } },
    });
    expect(page.items).toEqual([{ title: 'Alpha', author: { email: author.email } }]);
    const next = await t.db.post.paginate({
      where: { authorId: author.id },
      orderBy: { title: 'asc' },
      first: 1,
      after: page.nextCursor,
      select: { title: true },
      include: { author: { select: { email: true } } },
    });
    expect(titles(next.items)).toEqual(['Beta']);
  });

  scenario('a tampered, malformed or foreign cursor is a ValidationError, before any I/O', {}, async (t) => {
    const { author } = await world(t);
    const q = { where: { authorId: author.id }, orderBy: { title: 'asc' } } as const;
    const p1 = await t.db.post.paginate({ ...q, first: 2 });
    const start = t.events.length;
    for (const bad of [tamper(p1.nextCursor!), 'not-a-cursor', `${p1.nextCursor!}x`, '']) {
      const e = await rejection(t.db.post.paginate({ ...q, first: 2, after: bad }));
      expect(e, `cursor ${JSON.stringify(bad)}`).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path).toBe('post.paginate.after');
    }
    // A genuine cursor from another query (different order) is refused too.
    const foreign = await rejection(t.db.post.paginate({ where: { authorId: author.id }, orderBy: { title: 'desc' }, first: 2, after: p1.nextCursor }));
    expect(foreign).toBeInstanceOf(ValidationError);
    const otherModel = await rejection(t.db.user.paginate({ where: { team: author.team }, orderBy: { name: 'asc' }, first: 2, after: p1.nextCursor }));
    expect(otherModel).toBeInstanceOf(ValidationError);
    expect(t.events.length).toBe(start);
  });

  scenario('90% of rows fail the filter: every page is still full, over at least 5 pages', {}, async (t) => {
    const author = await createUser(t);
    const rows = Array.from({ length: 120 }, (_, i) => ({
      authorId: author.id,
      title: `row-${String(i).padStart(3, '0')}`,
      tags: i % 10 === 7 ? ['hit'] : ['miss'],
      views: i,
    }));
    for (let i = 0; i < rows.length; i += 40) await t.db.post.createMany({ data: rows.slice(i, i + 40) });
    const want = rows.filter((r) => r.tags[0] === 'hit').map((r) => r.title);
    expect(want).toHaveLength(12);
    const q = { where: { authorId: author.id, tags: { has: 'hit' } }, orderBy: { title: 'asc' } } as const;
    const got: string[][] = [];
    let cursor: string | null = null;
    do {
      const page: Page<PostRow> = await t.db.post.paginate({ ...q, first: 2, after: cursor });
      got.push(titles(page.items));
      cursor = page.nextCursor;
    } while (cursor && got.length < 20);
    expect(got).toEqual([0, 2, 4, 6, 8, 10].map((i) => want.slice(i, i + 2)));
    // Backward over the same filter is full too.
    const back: string[][] = [];
    cursor = null;
    do {
      const page: Page<PostRow> = await t.db.post.paginate({ ...q, last: 5, before: cursor });
      back.push(titles(page.items));
      cursor = page.prevCursor;
    } while (cursor && back.length < 20);
    expect(back).toEqual([want.slice(7), want.slice(2, 7), want.slice(0, 2)]);
    // findMany with a limit fills it too.
    expect(titles(await t.db.post.findMany({ ...q, limit: 5 }))).toEqual(want.slice(0, 5));
    expect(titles(await t.db.post.findMany({ where: q.where, orderBy: { title: 'desc' }, limit: 3 }))).toEqual(want.slice(-3).reverse());
  });
});
