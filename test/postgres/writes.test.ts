// Writes on PostgreSQL: optimistic versions, racing writers, upsert, createMany as one statement,
// error mapping, atomic batches and interactive transactions.
import { expect, it } from 'vitest';
import { BatchError, ConcurrencyError, ForeignKeyError, NotFoundError, UniqueConstraintError } from 'quern';
import { onPostgres } from './backends.js';

async function rejected(p: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(p).then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

onPostgres('writes', (b) => {
  it('an update pinned to a stale version is a ConcurrencyError; to a missing row, NotFoundError', async () => {
    const a = await b.db.account.create({ data: { handle: 'v', name: 'V' } });
    expect(a.version).toBe(1);
    const u = await b.db.account.update({ where: { id: a.id, version: 1 }, data: { name: 'V2' } });
    expect(u.version).toBe(2);
    expect(await rejected(b.db.account.update({ where: { id: a.id, version: 1 }, data: { name: 'V3' } }))).toBeInstanceOf(ConcurrencyError);
    expect(await rejected(b.db.account.delete({ where: { id: a.id, version: 1 } }))).toBeInstanceOf(ConcurrencyError);
    expect((await b.db.account.findUniqueOrThrow({ where: { id: a.id } })).name).toBe('V2');
    const missing = '00000000-0000-7000-8000-000000000000';
    expect(await rejected(b.db.account.update({ where: { id: missing, version: 1 }, data: { name: 'x' } }))).toBeInstanceOf(NotFoundError);
    expect(await rejected(b.db.account.update({ where: { id: missing }, data: { name: 'x' } }))).toBeInstanceOf(NotFoundError);
    expect(await rejected(b.db.account.delete({ where: { id: missing } }))).toBeInstanceOf(NotFoundError);
    // A non-version condition that fails is NotFound, not a conflict.
    expect(await rejected(b.db.account.update({ where: { id: a.id, name: 'other' }, data: { score: 1 } }))).toBeInstanceOf(NotFoundError);
    // updateMany bumps versions too.
    await b.db.account.updateMany({ where: { handle: 'v' }, data: { score: 3 } });
    expect((await b.db.account.findUniqueOrThrow({ where: { id: a.id } })).version).toBe(3);
  });

  it('two racing writers with the same expected version: exactly one wins', async () => {
    const a = await b.db.account.create({ data: { handle: 'race', name: 'R', score: 0 } });
    const other = await b.client();
    for (let round = 0; round < 5; round++) {
      const current = await b.db.account.findUniqueOrThrow({ where: { id: a.id } });
      const results = await Promise.allSettled([
        b.db.account.update({ where: { id: a.id, version: current.version }, data: { name: `one-${round}`, score: { increment: 1 } } }),
        other.account.update({ where: { id: a.id, version: current.version }, data: { name: `two-${round}`, score: { increment: 1 } } }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      expect(lost[0].reason).toBeInstanceOf(ConcurrencyError);
    }
    const end = await b.db.account.findUniqueOrThrow({ where: { id: a.id } });
    expect(end.version).toBe(6);
    expect(end.score).toBe(5);
  });

  it('upsert: insert, update, version bump, a stale expected version, and a unique violation on another field', async () => {
    const created = await b.db.account.upsert({ where: { handle: 'u' }, create: { handle: 'u', name: 'first' }, update: { name: 'second' } });
    expect(created).toMatchObject({ handle: 'u', name: 'first', version: 1 });
    const updated = await b.db.account.upsert({
      where: { handle: 'u' },
      create: { handle: 'u', name: 'first' },
      update: { name: 'second', score: { increment: 2 } },
    });
    expect(updated).toMatchObject({ id: created.id, name: 'second', version: 2 });
    expect(updated.score).toBeNull(); // null + 2 stays null, as in SQL
    const stale = await rejected(b.db.account.upsert({ where: { handle: 'u', version: 1 }, create: { handle: 'u', name: 'x' }, update: { name: 'third' } }));
    expect(stale).toBeInstanceOf(ConcurrencyError);
    const fresh = await b.db.account.upsert({ where: { handle: 'u', version: 2 }, create: { handle: 'u', name: 'x' }, update: { name: 'third' } });
    expect(fresh).toMatchObject({ name: 'third', version: 3 });
    // An empty update returns the existing row unchanged (but for the version bump).
    const same = await b.db.membership.upsert({
      where: { org: 'o', accountId: created.id },
      create: { org: 'o', accountId: created.id, role: 'owner' },
      update: {},
    });
    const again = await b.db.membership.upsert({
      where: { org: 'o', accountId: created.id },
      create: { org: 'o', accountId: created.id, role: 'member' },
      update: {},
    });
    expect(again).toEqual(same);
    // Composite key upsert conflicts on the key; another unique (accountId, role) still raises.
    const err = await rejected(
      b.db.membership.upsert({ where: { org: 'p', accountId: created.id }, create: { org: 'p', accountId: created.id, role: 'owner' }, update: {} }),
    );
    expect(err).toBeInstanceOf(UniqueConstraintError);
    expect((err as UniqueConstraintError).fields).toEqual(['accountId', 'role']);
  });

  it('createMany is one statement with the same SQL for 2 rows or 500; skipDuplicates skips', async () => {
    const a = await b.db.account.create({ data: { handle: 'cm', name: 'C' } });
    b.events.length = 0;
    expect(
      await b.db.note.createMany({
        data: [
          { accountId: a.id, title: '1' },
          { accountId: a.id, title: '2' },
        ],
      }),
    ).toEqual({ count: 2 });
    const many = Array.from({ length: 500 }, (_, i) => ({
      accountId: a.id,
      title: `m${i}`,
      rank: i,
      big: BigInt(i) * 10n ** 15n,
      at: new Date(Date.UTC(2020, 0, 1, 0, 0, 0, i)),
    }));
    expect(await b.db.note.createMany({ data: many })).toEqual({ count: 500 });
    expect(b.events).toHaveLength(2);
    expect(b.events[1].sql).toBe(b.events[0].sql);
    expect(await b.db.note.count({ where: { accountId: a.id } })).toBe(502);
    const last = await b.db.note.findFirstOrThrow({ where: { title: 'm499' } });
    expect(last).toMatchObject({ rank: 499, big: 499n * 10n ** 15n, at: new Date(Date.UTC(2020, 0, 1, 0, 0, 0, 499)) });

    const dupes = [
      { handle: 'cm', name: 'dup' },
      { handle: 'new1', name: 'n' },
      { handle: 'new1', name: 'again' },
    ];
    const err = await rejected(b.db.account.createMany({ data: dupes }));
    expect(err).toBeInstanceOf(UniqueConstraintError);
    expect((err as UniqueConstraintError).fields).toEqual(['handle']);
    expect(await b.db.account.count()).toBe(1);
    expect(await b.db.account.createMany({ data: dupes, skipDuplicates: true })).toEqual({ count: 1 });
    expect(await b.db.account.count()).toBe(2);
    expect(await b.db.account.createMany({ data: [] })).toEqual({ count: 0 });
  });

  it('maps database errors: unique (key, field, composite), foreign key', async () => {
    const a = await b.db.account.create({ data: { handle: 'e', name: 'E' } });
    const dupKey = await rejected(b.db.account.create({ data: { id: a.id, handle: 'e2', name: 'E' } }));
    expect(dupKey).toBeInstanceOf(UniqueConstraintError);
    expect(dupKey).toMatchObject({ model: 'Account', fields: ['id'] });
    expect(await rejected(b.db.account.create({ data: { handle: 'e', name: 'E' } }))).toMatchObject({ model: 'Account', fields: ['handle'] });
    await b.db.membership.create({ data: { org: 'o', accountId: a.id, role: 'owner' } });
    expect(await rejected(b.db.membership.create({ data: { org: 'o', accountId: a.id, role: 'member' } }))).toMatchObject({
      model: 'Membership',
      fields: ['org', 'accountId'],
    });
    expect(await rejected(b.db.membership.create({ data: { org: 'p', accountId: a.id, role: 'owner' } }))).toMatchObject({
      model: 'Membership',
      fields: ['accountId', 'role'],
    });
    const fk = await rejected(b.db.note.create({ data: { accountId: '00000000-0000-7000-8000-000000000001', title: 't' } }));
    expect(fk).toBeInstanceOf(ForeignKeyError);
    expect(fk).toMatchObject({ model: 'Note' });
    // Deleting a referenced row is refused, not cascaded.
    await b.db.note.create({ data: { accountId: a.id, title: 't' } });
    expect(await rejected(b.db.account.delete({ where: { id: a.id } }))).toBeInstanceOf(ForeignKeyError);
  });

  it('batch is atomic: a failing item writes nothing and BatchError keeps the typed cause', async () => {
    const a = await b.db.account.create({ data: { handle: 'b0', name: 'B' } });
    const err = await rejected(
      b.db.batch([
        b.db.account.create({ data: { handle: 'b1', name: 'one' } }),
        b.db.account.update({ where: { id: a.id }, data: { name: 'changed' } }),
        b.db.account.create({ data: { handle: 'b0', name: 'duplicate' } }),
      ]),
    );
    expect(err).toBeInstanceOf(BatchError);
    expect((err as BatchError).index).toBe(2);
    expect((err as BatchError).cause).toBeInstanceOf(UniqueConstraintError);
    expect(await b.db.account.count()).toBe(1);
    expect((await b.db.account.findUniqueOrThrow({ where: { id: a.id } })).name).toBe('B');

    const notFound = await rejected(
      b.db.batch([b.db.account.create({ data: { handle: 'b2', name: 'x' } }), b.db.account.delete({ where: { handle: 'nope' } })]),
    );
    expect(notFound).toMatchObject({ index: 1 });
    expect((notFound as BatchError).cause).toBeInstanceOf(NotFoundError);
    expect(await b.db.account.count()).toBe(1);

    const [c, u, n] = await b.db.batch([
      b.db.account.create({ data: { handle: 'b3', name: 'three' } }),
      b.db.account.update({ where: { id: a.id }, data: { name: 'B!' } }),
      b.db.account.count(),
    ]);
    expect(c.handle).toBe('b3');
    expect(u.name).toBe('B!');
    expect(n).toBe(2);
  });

  it('transaction: commits together, rolls back everything on a throw, reads its own writes', async () => {
    const result = await b.db.transaction(async (tx) => {
      const a = await tx.account.create({ data: { handle: 't1', name: 'T' } });
      await tx.note.create({ data: { accountId: a.id, title: 'inside' } });
      expect(await tx.note.count({ where: { accountId: a.id } })).toBe(1);
      return a.id;
    });
    expect(await b.db.note.count({ where: { accountId: result } })).toBe(1);

    const boom = new Error('boom');
    const err = await rejected(
      b.db.transaction(async (tx) => {
        await tx.account.create({ data: { handle: 't2', name: 'gone' } });
        await tx.account.update({ where: { handle: 't1' }, data: { name: 'changed' } });
        throw boom;
      }),
    );
    expect(err).toBe(boom);
    expect(await b.db.account.count()).toBe(1);
    expect((await b.db.account.findUniqueOrThrow({ where: { handle: 't1' } })).name).toBe('T');

    // A database error inside is mapped, and undoes the transaction's earlier writes.
    const dup = await rejected(
      b.db.transaction(async (tx) => {
        await tx.account.create({ data: { handle: 't3', name: 'x' } });
        await tx.account.create({ data: { handle: 't1', name: 'dup' } });
      }),
    );
    expect(dup).toBeInstanceOf(UniqueConstraintError);
    expect(await b.db.account.count()).toBe(1);
  });

  it('an update with nothing to set still reports what it matched', async () => {
    const a = await b.db.account.create({ data: { handle: 'm', name: 'M' } });
    const m = await b.db.membership.create({ data: { org: 'o', accountId: a.id, role: 'owner' } });
    expect(await b.db.membership.updateMany({ where: { org: 'o' }, data: {} })).toEqual({ count: 1 });
    expect(await b.db.membership.updateMany({ where: { org: 'none' }, data: {} })).toEqual({ count: 0 });
    expect(await b.db.membership.update({ where: { org: 'o', accountId: a.id }, data: {} })).toEqual(m);
    expect(await rejected(b.db.membership.update({ where: { org: 'x', accountId: a.id }, data: {} }))).toBeInstanceOf(NotFoundError);
  });

  it('update operators on every numeric kind and on lists of every element kind', async () => {
    const a = await b.db.account.create({
      data: { handle: 'ops', name: 'O', score: 1, balance: 10n, ratio: 1.5, tags: ['a'], nums: [1n], days: ['2024-01-01'], times: [] },
    });
    const t = new Date('2024-05-06T07:08:09.010Z');
    const u = await b.db.account.update({
      where: { id: a.id },
      data: {
        score: { decrement: 3 },
        balance: { increment: 2n ** 60n },
        ratio: { increment: 0.25 },
        tags: { push: ['"b"', '\\'] },
        nums: { push: -5n },
        days: { push: '2024-02-29' },
        times: { push: t },
      },
    });
    expect(u).toMatchObject({
      score: -2,
      balance: 10n + 2n ** 60n,
      ratio: 1.75,
      tags: ['a', '"b"', '\\'],
      nums: [1n, -5n],
      days: ['2024-01-01', '2024-02-29'],
      times: [t],
    });
    expect(await b.db.account.findUniqueOrThrow({ where: { id: a.id } })).toEqual(u);
    const cleared = await b.db.account.update({ where: { id: a.id }, data: { score: null, tags: [], meta: 'just a string' } });
    expect(cleared).toMatchObject({ score: null, tags: [], meta: 'just a string' });
    expect(await b.db.account.count({ where: { meta: { equals: 'just a string' } } })).toBe(1);
  });
});
