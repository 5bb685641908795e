// Keyset pagination on PostgreSQL: forward and backward walks must together visit every row
// exactly once, in the same total order findMany gives, including with duplicate and NULL
// values in the order fields (NULL sorts above every value, as PostgreSQL orders it).
import { expect, it } from 'vitest';
import { ValidationError } from 'quern';
import { onPostgres, type Db } from './backends.js';

interface TitlePage {
  items: { title: string }[];
  nextCursor: string | null;
  prevCursor: string | null;
}
type Order = Record<string, 'asc' | 'desc'> | Record<string, 'asc' | 'desc'>[];

async function walkForward(db: Db, orderBy: Order, size: number, where = {}) {
  const seen: string[] = [];
  const pages: { next: string | null; prev: string | null }[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page: TitlePage = await db.note.paginate({ where, orderBy, first: size, ...(after ? { after } : {}) });
    seen.push(...page.items.map((n) => n.title));
    pages.push({ next: page.nextCursor, prev: page.prevCursor });
    if (!page.nextCursor) return { seen, pages };
    after = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

async function walkBackward(db: Db, orderBy: Order, size: number, where = {}) {
  const seen: string[] = [];
  let before: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page: TitlePage = await db.note.paginate({ where, orderBy, last: size, ...(before ? { before } : {}) });
    seen.unshift(...page.items.map((n) => n.title));
    if (!page.prevCursor) return seen;
    before = page.prevCursor;
  }
  throw new Error('pagination did not end');
}

onPostgres('paginate', (b) => {
  async function seed() {
    const a = await b.db.account.create({ data: { handle: 'p', name: 'P' } });
    // 23 rows; rank has duplicates and NULLs, `at` has NULLs.
    const data = Array.from({ length: 23 }, (_, i) => ({
      accountId: a.id,
      title: `n${String(i).padStart(2, '0')}`,
      rank: i % 4 === 0 ? null : i % 5,
      at: i % 3 === 0 ? null : new Date(Date.UTC(2024, 0, 1 + (i % 7))),
      big: BigInt(i % 6) * 10n ** 17n,
    }));
    await b.db.note.createMany({ data });
    return a;
  }

  const orders: Order[] = [
    { title: 'asc' },
    { title: 'desc' },
    { rank: 'asc' },
    { rank: 'desc' },
    [{ rank: 'desc' }, { at: 'asc' }],
    [{ at: 'desc' }, { title: 'asc' }],
    [{ big: 'desc' }, { rank: 'asc' }],
    {},
  ];

  for (const orderBy of orders) {
    for (const size of [1, 4, 23, 50]) {
      it(`forward and backward walks of ${JSON.stringify(orderBy)} by ${size} match findMany`, async () => {
        await seed();
        // The key is the final tiebreaker, as paginate adds it.
        const terms = (Array.isArray(orderBy) ? orderBy : [orderBy]).filter((o) => Object.keys(o).length > 0);
        const all = (await b.db.note.findMany({ orderBy: [...terms, { id: 'asc' }] as never })).map((n) => n.title);
        expect(all).toHaveLength(23);
        const fwd = await walkForward(b.db, orderBy, size);
        expect(fwd.seen).toEqual(all);
        expect(fwd.pages[0].prev).toBeNull();
        expect(fwd.pages.at(-1)!.next).toBeNull();
        expect(fwd.pages).toHaveLength(Math.max(1, Math.ceil(23 / size)));
        expect(await walkBackward(b.db, orderBy, size)).toEqual(all);
      });
    }
  }

  it('ordering by a unique field pages on that field alone', async () => {
    await b.db.account.createMany({ data: ['e', 'a', 'g', 'c', 'b', 'f', 'd'].map((h) => ({ handle: h, name: h })) });
    const fwd: string[] = [];
    let after: string | null = null;
    do {
      const page: { items: { handle: string }[]; nextCursor: string | null } = await b.db.account.paginate({
        orderBy: { handle: 'desc' },
        first: 2,
        ...(after ? { after } : {}),
      });
      fwd.push(...page.items.map((a) => a.handle));
      after = page.nextCursor;
    } while (after);
    expect(fwd).toEqual(['g', 'f', 'e', 'd', 'c', 'b', 'a']);
    b.events.length = 0;
    const last = await b.db.account.paginate({ orderBy: { handle: 'desc' }, last: 3 });
    expect(last.items.map((a) => a.handle)).toEqual(['c', 'b', 'a']);
    const before = await b.db.account.paginate({ orderBy: { handle: 'desc' }, last: 3, before: last.prevCursor });
    expect(before.items.map((a) => a.handle)).toEqual(['f', 'e', 'd']);
    expect(b.events[0].sql).toMatch(/ORDER BY "t0"\."handle" ASC LIMIT/);
  });

  it('prev of a forward page leads back to the page before it', async () => {
    await seed();
    const p1 = await b.db.note.paginate({ orderBy: { rank: 'asc' }, first: 5 });
    const p2 = await b.db.note.paginate({ orderBy: { rank: 'asc' }, first: 5, after: p1.nextCursor });
    const back = await b.db.note.paginate({ orderBy: { rank: 'asc' }, last: 5, before: p2.prevCursor });
    expect(back.items.map((n) => n.title)).toEqual(p1.items.map((n) => n.title));
    expect(back.prevCursor).toBeNull();
    expect(back.nextCursor).not.toBeNull();
  });

  it('paginate with a filter, select and include; a cursor from another query is refused', async () => {
    await seed();
    const where = { rank: { not: null }, title: { startsWith: 'n1' } };
    const got = await walkForward(b.db, { rank: 'desc' }, 2, where);
    const all = (await b.db.note.findMany({ where, orderBy: [{ rank: 'desc' }, { id: 'asc' }] })).map((n) => n.title);
    expect(got.seen).toEqual(all);
    const page = await b.db.note.paginate({
      where,
      orderBy: { rank: 'desc' },
      first: 2,
      select: { title: true },
      include: { account: { select: { handle: true } } },
    });
    expect(page.items[0]).toEqual({ title: all[0], account: { handle: 'p' } });
    const foreign = await b.db.note.paginate({ orderBy: { title: 'asc' }, first: 2 });
    const err = await Promise.resolve(b.db.note.paginate({ where, orderBy: { rank: 'desc' }, first: 2, after: foreign.nextCursor })).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ValidationError);
  });

  it('each page is one statement', async () => {
    await seed();
    b.events.length = 0;
    const p1 = await b.db.note.paginate({ orderBy: { at: 'desc' }, first: 3, include: { account: true } });
    await b.db.note.paginate({ orderBy: { at: 'desc' }, first: 3, after: p1.nextCursor, include: { account: true } });
    expect(b.events).toHaveLength(2);
    expect(b.events[1].params).toContain(4); // size + 1: one extra row says whether there is a next page
  });
});
