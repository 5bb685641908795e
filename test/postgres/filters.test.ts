// Filter semantics on PostgreSQL: two-valued logic (SQL's NULL never leaks through a NOT),
// `in`/`notIn` edge cases, list operators, and relation filters through EXISTS.
import { expect, it } from 'vitest';
import { onPostgres, type Backend } from './backends.js';

async function seed(b: Backend) {
  const acc = await b.db.account.create({ data: { handle: 'seed', name: 'S' } });
  // rank: 1, 2, null; body: 'x', null, 'y'
  await b.db.note.createMany({
    data: [
      { accountId: acc.id, title: 'a', rank: 1, body: 'x', amount: '1.5' },
      { accountId: acc.id, title: 'b', rank: 2, body: null, amount: null },
      { accountId: acc.id, title: 'c', rank: null, body: 'y', amount: '10' },
    ],
  });
  return acc;
}

const titles = (rows: { title: string }[]) => rows.map((r) => r.title).sort();

onPostgres('filters', (b) => {
  it('comparisons with null fields are false, and NOT of them is true (two-valued)', async () => {
    await seed(b);
    const q = async (where: Record<string, unknown>) => titles(await b.db.note.findMany({ where }));
    expect(await q({ rank: 1 })).toEqual(['a']);
    expect(await q({ rank: { not: 1 } })).toEqual(['b', 'c']); // ne matches null
    expect(await q({ NOT: { rank: 1 } })).toEqual(['b', 'c']);
    expect(await q({ rank: { gt: 1 } })).toEqual(['b']);
    expect(await q({ NOT: { rank: { gt: 1 } } })).toEqual(['a', 'c']);
    expect(await q({ NOT: { rank: { lte: 1 } } })).toEqual(['b', 'c']);
    expect(await q({ NOT: { body: { contains: 'x' } } })).toEqual(['b', 'c']);
    expect(await q({ body: { not: { contains: 'x' } } })).toEqual(['b', 'c']);
    expect(await q({ NOT: { OR: [{ rank: 1 }, { body: 'y' }] } })).toEqual(['b']);
    expect(await q({ NOT: { AND: [{ rank: { gte: 1 } }, { body: { not: null } }] } })).toEqual(['b', 'c']);
    expect(await q({ NOT: { NOT: { rank: { gt: 1 } } } })).toEqual(['b']);
    expect(await q({ amount: { gt: '2' } })).toEqual(['c']); // numeric, not text, comparison
    expect(await q({ rank: null })).toEqual(['c']);
    expect(await q({ rank: { not: null } })).toEqual(['a', 'b']);
    expect(await q({ rank: { isNull: true } })).toEqual(['c']);
  });

  it('in and notIn: empty lists, nulls in the column', async () => {
    await seed(b);
    const q = async (where: Record<string, unknown>) => titles(await b.db.note.findMany({ where }));
    expect(await q({ rank: { in: [1, 2] } })).toEqual(['a', 'b']);
    expect(await q({ rank: { in: [] } })).toEqual([]);
    expect(await q({ rank: { notIn: [] } })).toEqual(['a', 'b', 'c']);
    expect(await q({ rank: { notIn: [1] } })).toEqual(['b', 'c']); // a null rank is not in [1]
    expect(await q({ NOT: { rank: { in: [1] } } })).toEqual(['b', 'c']);
    expect(await q({ NOT: { rank: { notIn: [1] } } })).toEqual(['a']);
    expect(await q({ title: { in: ['a', 'zz'] } })).toEqual(['a']);
  });

  it('list operators: has, whole-list equality, and their negations', async () => {
    await b.db.account.create({ data: { handle: 'p', name: 'P', tags: ['x', 'y'] } });
    await b.db.account.create({ data: { handle: 'q', name: 'Q', tags: [] } });
    await b.db.account.create({ data: { handle: 'r', name: 'R', tags: ['y', 'x'] } });
    const q = async (where: Record<string, unknown>) => (await b.db.account.findMany({ where, orderBy: { handle: 'asc' } })).map((a) => a.handle);
    expect(await q({ tags: { has: 'x' } })).toEqual(['p', 'r']);
    expect(await q({ NOT: { tags: { has: 'x' } } })).toEqual(['q']);
    expect(await q({ tags: ['x', 'y'] })).toEqual(['p']);
    expect(await q({ tags: { equals: [] } })).toEqual(['q']);
    expect(await q({ tags: { not: ['x', 'y'] } })).toEqual(['q', 'r']);
  });

  it('relation filters: some, every, none on has-many; is, isNot and null on to-one', async () => {
    const full = await b.db.account.create({ data: { handle: 'full', name: 'F' } });
    const empty = await b.db.account.create({ data: { handle: 'empty', name: 'E' } });
    const mixed = await b.db.account.create({ data: { handle: 'mixed', name: 'M' } });
    await b.db.note.createMany({
      data: [
        { accountId: full.id, title: 'x', rank: 5 },
        { accountId: full.id, title: 'y', rank: 6 },
        { accountId: mixed.id, title: 'x', rank: 1 },
        { accountId: mixed.id, title: 'z', rank: null },
      ],
    });
    await b.db.profile.create({ data: { accountId: full.id, bio: 'hi' } });
    await b.db.profile.create({ data: { accountId: mixed.id, bio: null } });
    const q = async (where: Record<string, unknown>) => (await b.db.account.findMany({ where, orderBy: { handle: 'asc' } })).map((a) => a.handle);

    expect(await q({ notes: { some: { title: 'x' } } })).toEqual(['full', 'mixed']);
    expect(await q({ notes: { some: {} } })).toEqual(['full', 'mixed']);
    expect(await q({ notes: { none: {} } })).toEqual(['empty']);
    expect(await q({ notes: { none: { rank: { gte: 5 } } } })).toEqual(['empty', 'mixed']);
    // every: an empty relation passes; a null rank fails `gte` (two-valued), so mixed fails.
    expect(await q({ notes: { every: { rank: { gte: 1 } } } })).toEqual(['empty', 'full']);
    expect(await q({ notes: { every: { rank: { not: 99 } } } })).toEqual(['empty', 'full', 'mixed']);
    expect(await q({ NOT: { notes: { some: { title: 'x' } } } })).toEqual(['empty']);

    expect(await q({ profile: { is: { bio: 'hi' } } })).toEqual(['full']);
    expect(await q({ profile: { bio: 'hi' } })).toEqual(['full']);
    expect(await q({ profile: { isNot: { bio: 'hi' } } })).toEqual(['empty', 'mixed']);
    expect(await q({ profile: null })).toEqual(['empty']);
    expect(await q({ profile: { is: null } })).toEqual(['empty']);
    expect(await q({ profile: { isNot: null } })).toEqual(['full', 'mixed']);

    const n = async (where: Record<string, unknown>) => titles(await b.db.note.findMany({ where }));
    expect(await n({ account: { handle: 'mixed' } })).toEqual(['x', 'z']);
    expect(await n({ account: { profile: { bio: 'hi' } } })).toEqual(['x', 'y']);
  });

  it('count, offset and limit agree with the filter', async () => {
    await seed(b);
    expect(await b.db.note.count({ where: { rank: { not: 1 } } })).toBe(2);
    const page = await b.db.note.findMany({ orderBy: { title: 'desc' }, offset: 1, limit: 1 });
    expect(page.map((p) => p.title)).toEqual(['b']);
    expect(await b.db.note.findMany({ limit: 0 })).toEqual([]);
  });
});
