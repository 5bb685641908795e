// Includes run as one statement however many parents there are (acceptance 3), and rows that
// arrive as JSON decode exactly like top-level rows.
import { expect, it } from 'vitest';
import { onPostgres } from './backends.js';

onPostgres('include', (b) => {
  it('an include of a has-many relation over 100 parents issues exactly one SQL statement', async () => {
    const accounts = Array.from({ length: 100 }, (_, i) => ({ handle: `h${String(i).padStart(3, '0')}`, name: `n${i}` }));
    expect(await b.db.account.createMany({ data: accounts })).toEqual({ count: 100 });
    const ids = (await b.db.account.findMany({ orderBy: { handle: 'asc' }, select: { id: true } })).map((a) => a.id);
    // Three notes for every parent, in one statement too.
    const notes = ids.flatMap((accountId, i) => [0, 1, 2].map((k) => ({ accountId, title: `t${i}-${k}`, rank: k })));
    expect(await b.db.note.createMany({ data: notes })).toEqual({ count: 300 });

    b.events.length = 0;
    const rows = await b.db.account.findMany({ orderBy: { handle: 'asc' }, include: { notes: { orderBy: { rank: 'desc' } } } });
    expect(b.events).toHaveLength(1);
    expect(b.events[0].operation).toBe('sql');
    expect(b.events[0].sql).toMatch(/^SELECT /);
    expect(b.events[0].rowCount).toBe(100);

    expect(rows).toHaveLength(100);
    for (const [i, a] of rows.entries()) {
      expect(a.notes.map((n) => n.title)).toEqual([`t${i}-2`, `t${i}-1`, `t${i}-0`]);
      for (const n of a.notes) expect(n.accountId).toBe(a.id);
    }
  });

  it('nested includes with where, orderBy, limit and select stay one statement', async () => {
    const a = await b.db.account.create({ data: { handle: 'ann', name: 'Ann' } });
    const other = await b.db.account.create({ data: { handle: 'bob', name: 'Bob' } });
    for (let i = 0; i < 5; i++) {
      const n = await b.db.note.create({ data: { accountId: a.id, title: `note ${i}`, rank: i } });
      for (let s = 0; s < 3; s++) await b.db.remark.create({ data: { noteId: n.id, text: `r${i}.${s}`, seq: s } });
    }
    await b.db.note.create({ data: { accountId: other.id, title: 'not mine', rank: 9 } });
    await b.db.profile.create({ data: { accountId: a.id, bio: 'hello' } });

    b.events.length = 0;
    const got = await b.db.account.findUniqueOrThrow({
      where: { id: a.id },
      include: {
        profile: true,
        notes: {
          where: { rank: { gte: 1 } },
          orderBy: { rank: 'asc' },
          limit: 2,
          select: { title: true },
          include: { remarks: { orderBy: { seq: 'desc' }, limit: 1 }, account: { select: { handle: true } } },
        },
      },
    });
    expect(b.events).toHaveLength(1);
    expect(got.profile).toMatchObject({ accountId: a.id, bio: 'hello' });
    expect(got.notes).toEqual([
      { title: 'note 1', remarks: [expect.objectContaining({ text: 'r1.2', seq: 2 })], account: { handle: 'ann' } },
      { title: 'note 2', remarks: [expect.objectContaining({ text: 'r2.2', seq: 2 })], account: { handle: 'ann' } },
    ]);

    // No related rows: [] for has-many, null for to-one.
    const bob = await b.db.account.findUniqueOrThrow({ where: { id: other.id }, include: { profile: true, memberships: true } });
    expect(bob.profile).toBeNull();
    expect(bob.memberships).toEqual([]);
  });

  it('included rows decode bigint, decimal, dates, timestamps, json and lists exactly like top-level rows', async () => {
    const acc = await b.db.account.create({
      data: {
        handle: 'typed',
        name: 'T',
        score: -7,
        balance: 9007199254740993n,
        price: '12345678901234567890.125',
        ratio: 0.1,
        born: '0099-02-28',
        active: false,
        meta: { deep: [1, 'two', null, { k: true }] },
        tags: ['x', 'y'],
        nums: [-(2n ** 63n), 2n ** 63n - 1n],
        days: ['2024-02-29', '1970-01-01'],
        times: [new Date('0099-01-02T03:04:05.678Z'), new Date('2024-06-30T23:59:59.999Z')],
      },
    });
    await b.db.note.create({
      data: {
        accountId: acc.id,
        title: 'n',
        amount: '0.000000000000000001',
        big: -9007199254740993n,
        at: new Date('1999-12-31T23:59:59.987Z'),
        day: '2000-01-01',
      },
    });
    const top = await b.db.account.findUniqueOrThrow({ where: { id: acc.id } });
    expect(top).toEqual(acc);
    expect(top.balance).toBe(9007199254740993n);
    expect(top.times[0].toISOString()).toBe('0099-01-02T03:04:05.678Z');

    const viaNote = await b.db.note.findFirstOrThrow({ where: { accountId: acc.id }, include: { account: true } });
    expect(viaNote.account).toEqual(top);
    expect(viaNote.amount).toBe('0.000000000000000001');
    expect(viaNote.big).toBe(-9007199254740993n);
    expect(viaNote.day).toBe('2000-01-01');
    const viaAccount = await b.db.account.findUniqueOrThrow({ where: { id: acc.id }, include: { notes: true } });
    const { account: _account, ...plainNote } = viaNote;
    expect(viaAccount.notes).toEqual([plainNote]);
  });

  it('create, update and upsert return includes in the same single statement', async () => {
    const a = await b.db.account.create({ data: { handle: 'w', name: 'W' } });
    await b.db.note.create({ data: { accountId: a.id, title: 'first' } });
    b.events.length = 0;
    const n = await b.db.note.create({ data: { accountId: a.id, title: 'second' }, include: { account: true } });
    expect(n.account).toMatchObject({ id: a.id, handle: 'w' });
    const u = await b.db.account.update({ where: { id: a.id }, data: { name: 'W2' }, include: { notes: { orderBy: { title: 'asc' } } } });
    expect(u.name).toBe('W2');
    expect(u.notes.map((x) => x.title)).toEqual(['first', 'second']);
    const up = await b.db.account.upsert({
      where: { handle: 'w' },
      create: { handle: 'w', name: 'never' },
      update: { score: 5 },
      include: { notes: { select: { title: true }, orderBy: { title: 'desc' } } },
    });
    expect(up).toMatchObject({ name: 'W2', score: 5, notes: [{ title: 'second' }, { title: 'first' }] });
    expect(b.events).toHaveLength(3);
  });
});
