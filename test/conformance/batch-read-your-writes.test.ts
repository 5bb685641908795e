// db.batch sees its own writes (issue 12): a later item applies to the rows earlier items created,
// as PostgreSQL's statements in one transaction do. DynamoDB reads a write's rows before its one
// TransactWriteItems, so the engine matches the batch's created rows itself; what it cannot make
// exact is refused with batch-item-unsupported before anything is written.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { BatchError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, expectCapabilityError } from './targets.js';

const titles = (rows: readonly { title: string }[]) => rows.map((r) => r.title).sort();

conformance('db.batch reads its own writes', ({ scenario }) => {
  scenario('create, then deleteMany whose where matches the created row: it is deleted and counted', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.create({ data: { authorId: u.id, title: 'stored draft', status: 'draft' } });
    const [made, kept, del] = await t.db.batch([
      t.db.post.create({ data: { authorId: u.id, title: 'created draft', status: 'draft' } }),
      t.db.post.create({ data: { authorId: u.id, title: 'created published', status: 'published' } }),
      t.db.post.deleteMany({ where: { authorId: u.id, status: 'draft' } }),
    ]);
    // The create returns the row it inserted, as PostgreSQL's INSERT … RETURNING does.
    expect(made).toMatchObject({ title: 'created draft', status: 'draft' });
    expect(kept).toMatchObject({ title: 'created published' });
    expect(del).toEqual({ count: 2 });
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id } }))).toEqual(['created published']);
  });

  scenario('create, then updateMany whose where matches the created row: the row is written updated', {}, async (t) => {
    const u = await createUser(t);
    const stored = await t.db.post.create({ data: { authorId: u.id, title: 'stored', status: 'draft', views: 1 } });
    const [made, upd, unrelated] = await t.db.batch([
      t.db.post.create({ data: { authorId: u.id, title: 'created', status: 'draft', views: 5 } }),
      t.db.post.updateMany({ where: { authorId: u.id, status: 'draft', views: { gte: 1 } }, data: { status: 'published', views: { increment: 10 } } }),
      // A where the created row no longer matches after the update: it stays as updated.
      t.db.post.updateMany({ where: { authorId: u.id, status: 'draft' }, data: { title: 'never' } }),
    ]);
    expect(made).toMatchObject({ title: 'created', status: 'draft', views: 5, version: 1 });
    expect(upd).toEqual({ count: 2 });
    expect(unrelated).toEqual({ count: 0 });
    const rows = await t.db.post.findMany({ where: { authorId: u.id }, orderBy: { title: 'asc' } });
    expect(rows.map((r) => [r.title, r.status, r.views, r.version])).toEqual([
      ['created', 'published', 15, 2],
      ['stored', 'published', 11, stored.version + 1],
    ]);
  });

  scenario('create, then update and delete by key: the created rows are found', {}, async (t) => {
    const u = await createUser(t);
    const [a, b] = [randomUUID(), randomUUID()];
    const [, renamed, , gone] = await t.db.batch([
      t.db.post.create({ data: { id: a, authorId: u.id, title: 'first' } }),
      t.db.post.update({ where: { id: a }, data: { title: 'renamed', tags: { push: 'x' } } }),
      t.db.post.create({ data: { id: b, authorId: u.id, title: 'second' } }),
      t.db.post.delete({ where: { id: b } }),
    ]);
    expect(renamed).toMatchObject({ id: a, title: 'renamed', tags: ['x'], version: 2 });
    expect(gone).toMatchObject({ id: b, title: 'second' });
    expect(await t.db.post.findMany({ where: { authorId: u.id } })).toEqual([expect.objectContaining({ id: a, title: 'renamed', version: 2 })]);
  });

  scenario('a created row deleted in the same batch still conflicts with a stored key', {}, async (t) => {
    const u = await createUser(t);
    const stored = await t.db.post.create({ data: { authorId: u.id, title: 'stored', status: 'published' } });
    const e = await t.db
      .batch([
        t.db.post.create({ data: { id: stored.id, authorId: u.id, title: 'duplicate key', status: 'draft' } }),
        t.db.post.deleteMany({ where: { authorId: u.id, status: 'draft' } }),
      ])
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(e, String(e)).toBeInstanceOf(BatchError);
    expect((e as BatchError).index).toBe(0);
    expect(await t.db.post.findMany({ where: { authorId: u.id } })).toEqual([stored]);
  });

  scenario('shapes DynamoDB cannot run as PostgreSQL does are refused before anything is written', {}, async (t) => {
    const team = t.tag('team');
    const u = await createUser(t, { team });
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'published', status: 'published' } });
    // An earlier update makes a stored row match a later updateMany.
    const moved = () =>
      t.db.batch([
        t.db.post.update({ where: { id: p.id }, data: { status: 'draft' } }),
        t.db.post.updateMany({ where: { authorId: u.id, status: 'draft' }, data: { title: 'matched after the update' } }),
      ]);
    // A created row with a unique value, deleted in the same batch.
    const claimed = () =>
      t.db.batch([t.db.user.create({ data: { email: `${team}-new@example.com`, name: 'new', team } }), t.db.user.deleteMany({ where: { team, name: 'new' } })]);
    if (t.caps.family === 'sql') {
      expect(await moved()).toEqual([expect.objectContaining({ status: 'draft' }), { count: 1 }]);
      expect(await t.db.post.findUniqueOrThrow({ where: { id: p.id } })).toMatchObject({ title: 'matched after the update', status: 'draft' });
      expect((await claimed())[1]).toEqual({ count: 1 });
    } else {
      const e = await expectCapabilityError(moved(), 'batch-item-unsupported');
      expect(e.message).toMatch(/earlier item of the batch/);
      expect(await t.db.post.findUniqueOrThrow({ where: { id: p.id } })).toEqual(p);
      await expectCapabilityError(claimed(), 'batch-item-unsupported');
    }
    expect(await t.db.user.findMany({ where: { team }, select: { email: true } })).toEqual([{ email: u.email }]);
  });
});
