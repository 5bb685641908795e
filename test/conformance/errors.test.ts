// The error types (ValidationError before I/O, UniqueConstraintError with model
// and fields, NotFoundError, ConcurrencyError, BatchError with index,
// CapabilityError), batch atomicity, racing version() writers, transactions,
// strict mode, and the plan cache.
import { expect } from 'vitest';
import { BatchError, CapabilityError, ConcurrencyError, DriverError, NotFoundError, QuernError, UniqueConstraintError, ValidationError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, expectCapabilityError, rejection, titles } from './targets.js';

conformance('errors and guarantees', ({ scenario }) => {
  scenario('ValidationError names the path and is raised before any I/O', {}, async (t) => {
    const u = await createUser(t);
    const start = t.events.length;
    const cases: [PromiseLike<unknown>, string][] = [
      [t.db.user.findMany({ where: { team: u.team, nickname: 'x' } as never }), 'user.findMany.where.nickname'],
      [t.db.user.findMany({ where: { team: u.team, age: 'old' as never } }), 'user.findMany.where.age'],
      [t.db.user.findMany({ where: { team: u.team, age: { gt: Number.NaN } } }), 'user.findMany.where.age.gt'],
      [t.db.user.findMany({ where: { team: u.team }, orderBy: { 'name; DROP TABLE x; --': 'asc' } as never }), 'user.findMany.orderBy.name; DROP TABLE x; --'],
      [t.db.user.findMany({ where: { team: u.team }, orderBy: { name: 'sideways' as never } }), 'user.findMany.orderBy.name'],
      [t.db.user.findMany({ where: { team: u.team }, limit: -1 }), 'user.findMany.limit'],
      [t.db.user.create({ data: { email: 'a@b.c', team: 'x' } as never }), 'user.create.data.name'],
      [t.db.user.create({ data: { email: 'a@b.c', name: 'x'.repeat(41), team: 'x' } }), 'user.create.data.name'],
      [t.db.user.create({ data: { email: 'a@b.c', name: 'n', team: 'x', role: 'root' as never } }), 'user.create.data.role'],
      [t.db.user.create({ data: { email: 'a@b.c', name: 'n', team: 'x', age: Infinity } }), 'user.create.data.age'],
      [t.db.user.create({ data: { email: 'a@b.c', name: 'n', team: 'x', age: 1.5 } }), 'user.create.data.age'],
      [t.db.post.create({ data: { authorId: 'not-a-uuid', title: 't' } }), 'post.create.data.authorId'],
      [t.db.post.create({ data: { authorId: u.id, title: 't', tags: ['ok', 3 as never] } }), 'post.create.data.tags[1]'],
      [t.db.post.create({ data: { authorId: u.id, title: 't', extra: 1 } as never }), 'post.create.data.extra'],
      [t.db.post.update({ where: { id: u.id }, data: { version: 5 } as never }), 'post.update.data.version'],
      [t.db.post.update({ where: { id: u.id }, data: { id: u.id } as never }), 'post.update.data.id'],
      [t.db.post.update({ where: { id: u.id }, data: { title: { increment: 1 } as never } }), 'post.update.data.title.increment'],
      [t.db.post.update({ where: { id: u.id }, data: { views: { increment: Number.NaN } } }), 'post.update.data.views.increment'],
      [t.db.post.createMany({ data: [{ authorId: u.id, title: 'ok' }, { authorId: u.id } as never] }), 'post.createMany.data[1].title'],
      [t.db.user.findMany({ where: { team: u.team }, bogus: true } as never), 'user.findMany.bogus'],
      [t.db.post.findMany({ where: { authorId: u.id, title: { contains: 5 as never } } }), 'post.findMany.where.title.contains'],
      [t.db.post.findMany({ where: { authorId: u.id, views: { has: 1 } as never } }), 'post.findMany.where.views.has'],
    ];
    for (const [q, path] of cases) {
      const e = await rejection(q);
      expect(e, `${path}: ${String(e)}`).toBeInstanceOf(ValidationError);
      expect(e).toBeInstanceOf(QuernError);
      expect((e as ValidationError).path, String(e)).toBe(path);
    }
    expect(t.events.length, 'no request may be sent for invalid input').toBe(start);
    // Nothing was written by the rejected creates.
    expect(await t.db.user.findUnique({ where: { email: 'a@b.c' } })).toBeNull();
  });

  scenario('UniqueConstraintError names the model and fields (single, composite unique, key)', {}, async (t) => {
    const u = await createUser(t);
    const e1 = await rejection(t.db.user.create({ data: { email: u.email, name: 'dup', team: u.team } }));
    expect(e1, String(e1)).toBeInstanceOf(UniqueConstraintError);
    expect(e1).toMatchObject({ model: 'User', fields: ['email'] });
    expect(await t.db.user.count({ where: { team: u.team } })).toBe(1);

    const org = t.tag('org');
    await t.db.membership.create({ data: { orgId: org, userId: u.id, role: 'owner' } });
    const e2 = await rejection(t.db.membership.create({ data: { orgId: `${org}-b`, userId: u.id, role: 'owner' } }));
    expect(e2, String(e2)).toBeInstanceOf(UniqueConstraintError);
    expect(e2).toMatchObject({ model: 'Membership' });
    expect([...(e2 as UniqueConstraintError).fields].sort()).toEqual(['role', 'userId']);

    const e3 = await rejection(t.db.membership.create({ data: { orgId: org, userId: u.id, role: 'admin' } }));
    expect(e3, String(e3)).toBeInstanceOf(UniqueConstraintError);
    expect(e3).toMatchObject({ model: 'Membership' });
    expect([...(e3 as UniqueConstraintError).fields].sort()).toEqual(['orgId', 'userId']);

    const e4 = await rejection(t.db.user.create({ data: { id: u.id, email: `other-${u.email}`, name: 'same id', team: u.team } }));
    expect(e4, String(e4)).toBeInstanceOf(UniqueConstraintError);
    expect(e4).toMatchObject({ model: 'User', fields: ['id'] });
    // The failed create left no unique entry behind: the email is still free.
    await t.db.user.create({ data: { email: `other-${u.email}`, name: 'free', team: u.team } });
  });

  scenario('two concurrent creates with the same unique email: exactly one wins', {}, async (t) => {
    const team = t.tag('team');
    const email = `${team}@example.com`;
    const results = await Promise.allSettled([
      t.db.user.create({ data: { email, name: 'first', team } }),
      t.db.user.create({ data: { email, name: 'second', team } }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason, String(lost[0].reason)).toBeInstanceOf(UniqueConstraintError);
    const winner = (won[0] as PromiseFulfilledResult<{ id: string; name: string }>).value;
    expect(await t.db.user.findUnique({ where: { email } })).toMatchObject({ id: winner.id, name: winner.name });
    expect(await t.db.user.count({ where: { team } })).toBe(1);
  });

  scenario('version(): a stale expected version is a ConcurrencyError and writes nothing', {}, async (t) => {
    const u = await createUser(t);
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'v' } });
    const v2 = await t.db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'v2' } });
    expect(v2.version).toBe(2);
    const e = await rejection(t.db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'stale' } }));
    expect(e, String(e)).toBeInstanceOf(ConcurrencyError);
    expect((e as ConcurrencyError).model).toBe('Post');
    expect(await t.db.post.findUnique({ where: { id: p.id } })).toMatchObject({ title: 'v2', version: 2 });
    // A missing row stays NotFoundError even with a version pinned.
    const gone = await rejection(t.db.post.update({ where: { id: u.id, version: 1 }, data: { title: 'x' } }));
    expect(gone).toBeInstanceOf(NotFoundError);
    // delete honours the version too.
    const d = await rejection(t.db.post.delete({ where: { id: p.id, version: 1 } }));
    expect(d, String(d)).toBeInstanceOf(ConcurrencyError);
    expect(await t.db.post.delete({ where: { id: p.id, version: 2 } })).toMatchObject({ id: p.id });
  });

  scenario('version(): two racing writers with the same expected version, exactly one wins', {}, async (t) => {
    const u = await createUser(t);
    for (let round = 0; round < 3; round++) {
      const p = await t.db.post.create({ data: { authorId: u.id, title: `race-${round}` } });
      const results = await Promise.allSettled([
        t.db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'A', views: { increment: 1 } } }),
        t.db.post.update({ where: { id: p.id, version: 1 }, data: { title: 'B', views: { increment: 1 } } }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ title: string; version: number }>[];
      const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(won, `round ${round}`).toHaveLength(1);
      expect(lost[0].reason, String(lost[0].reason)).toBeInstanceOf(ConcurrencyError);
      const final = await t.db.post.findUniqueOrThrow({ where: { id: p.id } });
      expect(final).toMatchObject({ title: won[0].value.title, version: 2, views: 1 });
    }
  });

  scenario('version(): unpinned concurrent updates both apply (every update increments)', {}, async (t) => {
    const u = await createUser(t);
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'inc' } });
    await Promise.all(Array.from({ length: 5 }, () => t.db.post.update({ where: { id: p.id }, data: { views: { increment: 2 } } })));
    expect(await t.db.post.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ views: 10, version: 6 });
  });

  scenario('batch: results in order, all written', {}, async (t) => {
    const team = t.tag('team');
    const u = await createUser(t, { team });
    const [a, b, upd, cnt] = await t.db.batch([
      t.db.user.create({ data: { email: `${team}-a@example.com`, name: 'a', team } }),
      t.db.post.create({ data: { authorId: u.id, title: 'in batch' } }),
      t.db.user.update({ where: { id: u.id }, data: { age: 9 } }),
      t.db.post.deleteMany({ where: { authorId: u.id, title: 'nothing' } }),
    ]);
    expect(a).toMatchObject({ name: 'a', team });
    expect(b).toMatchObject({ title: 'in batch', version: 1 });
    expect(upd).toMatchObject({ id: u.id, age: 9 });
    expect(cnt).toEqual({ count: 0 });
    expect(await t.db.user.count({ where: { team } })).toBe(2);
  });

  scenario('batch atomicity: a failing item writes nothing, BatchError names it', {}, async (t) => {
    const team = t.tag('team');
    const u = await createUser(t, { team, name: 'base' });
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'keep' } });
    const e = await rejection(
      t.db.batch([
        t.db.user.create({ data: { email: `${team}-new@example.com`, name: 'new', team } }),
        t.db.post.update({ where: { id: p.id }, data: { title: 'changed' } }),
        t.db.user.create({ data: { email: u.email, name: 'duplicate', team } }),
        t.db.post.create({ data: { authorId: u.id, title: 'after' } }),
      ]),
    );
    expect(e, String(e)).toBeInstanceOf(BatchError);
    expect((e as BatchError).index).toBe(2);
    expect((e as BatchError).reason).toMatch(/\S/);
    // Read back: nothing from the batch is visible.
    expect((await t.db.user.findMany({ where: { team } })).map((x) => x.name)).toEqual(['base']);
    expect(await t.db.user.findUnique({ where: { email: `${team}-new@example.com` } })).toBeNull();
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id } }))).toEqual(['keep']);
    expect(await t.db.post.findUniqueOrThrow({ where: { id: p.id } })).toEqual(p);
  });

  scenario('batch atomicity: a version conflict or missing row fails the whole batch', {}, async (t) => {
    const u = await createUser(t);
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'orig' } });
    const stale = await rejection(
      t.db.batch([
        t.db.post.create({ data: { authorId: u.id, title: 'side effect' } }),
        t.db.post.update({ where: { id: p.id, version: 7 }, data: { title: 'stale' } }),
      ]),
    );
    expect(stale, String(stale)).toBeInstanceOf(BatchError);
    expect((stale as BatchError).index).toBe(1);
    const missing = await rejection(t.db.batch([t.db.post.update({ where: { id: p.id }, data: { views: 5 } }), t.db.post.delete({ where: { id: u.id } })]));
    expect(missing, String(missing)).toBeInstanceOf(BatchError);
    expect((missing as BatchError).index).toBe(1);
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id } }))).toEqual(['orig']);
    expect(await t.db.post.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ views: 0, version: 1 });
  });

  scenario('batch refuses awaited results and invalid items before any I/O', {}, async (t) => {
    const start = t.events.length;
    const notQuery = await rejection(t.db.batch([{ then() {} } as never]));
    expect(notQuery).toBeInstanceOf(ValidationError);
    const invalid = await rejection(
      t.db.batch([
        t.db.user.create({ data: { email: 'ok@example.com', name: 'ok', team: 'x' } }),
        t.db.user.create({ data: { email: 'bad@example.com', team: 'x' } as never }),
      ]),
    );
    expect(invalid).toBeInstanceOf(ValidationError);
    expect(t.events.length).toBe(start);
    expect(await t.db.user.findUnique({ where: { email: 'ok@example.com' } })).toBeNull();
  });

  scenario('a batch beyond the atomic limit', { needs: ['unboundedBatch'] }, async (t) => {
    const team = t.tag('team');
    const qs = Array.from({ length: 101 }, (_, i) => t.db.user.create({ data: { email: `${team}-${i}@example.com`, name: `n${i}`, team } }));
    const out = await t.db.batch(qs);
    expect(out).toHaveLength(101);
    expect(await t.db.user.count({ where: { team } })).toBe(101);
  });

  scenario('interactive transaction: commits on success, rolls back on throw', { needs: ['interactiveTransactions'] }, async (t) => {
    const team = t.tag('team');
    const result = await t.db.transaction(async (tx) => {
      const u = await tx.user.create({ data: { email: `${team}-tx@example.com`, name: 'tx', team } });
      await tx.post.create({ data: { authorId: u.id, title: 'in tx' } });
      expect(await tx.post.count({ where: { authorId: u.id } })).toBe(1);
      return u.id;
    });
    expect(await t.db.post.count({ where: { authorId: result } })).toBe(1);

    const boom = new Error('boom');
    const e = await rejection(
      t.db.transaction(async (tx) => {
        await tx.user.create({ data: { email: `${team}-rolled@example.com`, name: 'rolled', team } });
        throw boom;
      }),
    );
    expect(e).toBe(boom);
    expect(await t.db.user.findUnique({ where: { email: `${team}-rolled@example.com` } })).toBeNull();
  });

  scenario(
    'the root client inside its own transaction: another session on postgres, refused at once on one-session pglite and sqlite',
    { needs: ['interactiveTransactions'] },
    async (t) => {
      const team = t.tag('team');
      const seen = await rejection(
        t.db.transaction(async (tx) => {
          await tx.user.create({ data: { email: `${team}-inner@example.com`, name: 'inner', team } });
          // On postgres() this is another pooled session: it does not see the uncommitted row.
          const outside = await t.db.user.findMany({ where: { team } });
          throw Object.assign(new Error('seen'), { outside });
        }),
      );
      if (seen instanceof CapabilityError) throw seen; // a target without transactions: the harness checks the code
      if (t.name === 'pglite' || t.name === 'sqlite') {
        // PGlite and the SQLite driver are one session, held by the transaction: the query would wait for ever.
        expect(seen).toBeInstanceOf(DriverError);
        expect((seen as Error).message).toMatch(/inside its own db\.transaction.*tx argument/);
        // A batch or a nested transaction on the root client is refused the same way, and the client works afterwards.
        const nested = await rejection(t.db.transaction(async () => t.db.batch([t.db.user.count({ where: { team } })])));
        expect(nested).toBeInstanceOf(DriverError);
      } else {
        expect((seen as Error).message).toBe('seen');
        expect((seen as unknown as { outside: unknown[] }).outside).toEqual([]);
      }
      expect(await t.db.user.count({ where: { team } })).toBe(0);
      // Work the callback started without awaiting may use the root client once the transaction has ended.
      let later: Promise<number> | undefined;
      let release!: () => void;
      const ended = new Promise<void>((resolve) => (release = resolve));
      await t.db.transaction(async (tx) => {
        later = ended.then(() => t.db.user.count({ where: { team } }));
        await tx.user.create({ data: { email: `${team}-kept@example.com`, name: 'kept', team } });
      });
      release();
      expect(await later).toBe(1);
    },
  );

  scenario('orderBy a field no index sorts by', { needs: ['arbitraryOrder'] }, async (t) => {
    const u = await createUser(t);
    await t.db.post.createMany({
      data: [
        { authorId: u.id, title: 'x', views: 2 },
        { authorId: u.id, title: 'y', views: 9 },
        { authorId: u.id, title: 'z', views: 5 },
      ],
    });
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id }, orderBy: { views: 'desc' } }))).toEqual(['y', 'z', 'x']);
  });

  scenario('offset', { needs: ['offset'] }, async (t) => {
    const u = await createUser(t);
    await t.db.post.createMany({ data: ['p', 'q', 'r', 's'].map((title) => ({ authorId: u.id, title })) });
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id }, orderBy: { title: 'asc' }, offset: 1, limit: 2 }))).toEqual(['q', 'r']);
  });

  scenario('strict mode throws on a warning; a non-strict client runs the query', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.createMany({ data: ['p', 'q', 'r', 's'].map((title) => ({ authorId: u.id, title })) });
    const q = { where: { authorId: u.id }, orderBy: { title: 'asc' }, offset: 2 } as const;
    const warned = t.db.target.capabilities.offset === 'emulated';
    if (warned) await expectCapabilityError(t.db.post.findMany(q), 'offset-emulated');
    else expect(titles(await t.db.post.findMany(q))).toEqual(['r', 's']);
    const lax = await t.lax();
    expect(titles(await lax.post.findMany(q))).toEqual(['r', 's']);
    expect((await lax.post.findFirstOrThrow(q)).title).toBe('r');
  });

  scenario('CapabilityError carries code, driver, reason and fix', {}, async (t) => {
    if (t.has('interactiveTransactions')) {
      // PostgreSQL refuses nothing here; make sure a never-servable shape is still a ValidationError, not a CapabilityError.
      const e = await rejection(t.db.post.findMany({ where: { nope: 1 } as never }));
      expect(e).toBeInstanceOf(ValidationError);
      return;
    }
    const e = await expectCapabilityError(
      t.db.transaction(async () => 1),
      'interactive-transaction-unsupported',
    );
    expect(e).toBeInstanceOf(QuernError);
    expect(e.driver).toBe(t.name);
    expect(e.reason).toMatch(/\S/);
    expect(e.fix).toMatch(/batch/);
    const scan = await expectCapabilityError(t.db.post.findMany({ where: { title: { contains: 'x' } } }), 'scan-required');
    expect(scan.model).toBe('Post');
    expect(scan.fix).toMatch(/index|allowScan/);
  });

  scenario('the plan cache: a repeated shape skips planning', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.findMany({ where: { authorId: u.id, views: { gt: 1 } }, orderBy: { title: 'asc' }, limit: 3 });
    const before = t.db.$stats();
    const other = await createUser(t);
    const rows = await t.db.post.findMany({ where: { authorId: other.id, views: { gt: 100 } }, orderBy: { title: 'asc' }, limit: 7 });
    expect(rows).toEqual([]);
    const mid = t.db.$stats();
    // createUser's create shape was planned before too, so nothing new was planned at all.
    expect(mid.planned).toBe(before.planned);
    expect(mid.cacheHits).toBe(before.cacheHits + 2);
    // A different shape is planned once, then cached.
    await t.db.post.findMany({ where: { authorId: u.id, views: { lt: 1 } }, orderBy: { title: 'asc' } });
    await t.db.post.findMany({ where: { authorId: other.id, views: { lt: 5 } }, orderBy: { title: 'asc' } });
    const after = t.db.$stats();
    expect(after.planned).toBe(mid.planned + 1);
    expect(after.cacheHits).toBe(mid.cacheHits + 1);
  });

  scenario('createMany({ skipDuplicates }) in db.batch: atomic on SQL, refused on DynamoDB before any request', {}, async (t) => {
    const team = t.tag('team');
    const batch = () =>
      t.db.batch([t.db.tag.create({ data: { team, name: 'first' } }), t.db.tag.createMany({ data: [{ team, name: 'second' }], skipDuplicates: true })]);
    if (t.caps.family !== 'kv') {
      expect(await batch()).toMatchObject([{ team, name: 'first' }, { count: 1 }]);
      return;
    }
    const start = t.events.length;
    const e = await expectCapabilityError(batch(), 'batch-item-unsupported');
    expect(e).toMatchObject({ driver: 'dynamodb', model: 'Tag' });
    expect(e.fix).toMatch(/drop skipDuplicates/);
    expect(t.events.length, 'refused before any request').toBe(start);
    expect(await t.db.tag.count({ where: { team } })).toBe(0);
  });
});
