// Every client method, on every target: create, createMany, findUnique(+OrThrow),
// findFirst(+OrThrow), findMany, count, update, updateMany, upsert, delete,
// deleteMany, and every update operator.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { NotFoundError, UniqueConstraintError, ValidationError } from 'quern';
import { createUser, seedFilterPosts } from './fixtures.js';
import { conformance, rejection, titles } from './targets.js';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

conformance('crud', ({ scenario }) => {
  scenario('create fills defaults, auto ids, timestamps and version, and reads back identically', {}, async (t) => {
    const team = t.tag('team');
    const before = Date.now();
    const u = await t.db.user.create({ data: { email: `${team}@example.com`, name: 'Ann', team } });
    expect(u.id).toMatch(UUID_V7);
    expect(u).toMatchObject({ email: `${team}@example.com`, name: 'Ann', team, age: null, role: 'member' });
    expect(u.createdAt).toBeInstanceOf(Date);
    expect(u.createdAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(u.updatedAt.getTime()).toBe(u.createdAt.getTime());

    const p = await t.db.post.create({ data: { authorId: u.id, title: 'Hello' } });
    expect(p).toMatchObject({ authorId: u.id, title: 'Hello', body: null, status: 'draft', tags: [], views: 0, rating: null, publishedAt: null, version: 1 });
    expect(await t.db.post.findUnique({ where: { id: p.id } })).toEqual(p);
    expect(await t.db.user.findUnique({ where: { id: u.id } })).toEqual(u);
  });

  scenario('values round-trip verbatim: SQL metacharacters, unicode, floats, lists, dates with milliseconds', {}, async (t) => {
    const evil = "'; DROP TABLE x; --";
    const u = await createUser(t, { name: evil });
    const data = {
      authorId: u.id,
      title: `${evil} \u00e9\u4e2d\ud83d\ude00 "quoted" \\ back`,
      body: 'line1\nline2\ttab %_ %% __',
      tags: [evil, '', 'x y', '\u00e9'],
      rating: -0.1,
      views: -2147483648,
      publishedAt: new Date('1999-12-31T23:59:59.987Z'),
    };
    const p = await t.db.post.create({ data });
    expect(p).toMatchObject(data);
    const back = await t.db.post.findUniqueOrThrow({ where: { id: p.id } });
    expect(back).toEqual(p);
    expect(back.publishedAt!.getTime()).toBe(data.publishedAt.getTime());
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).name).toBe(evil);
    // The value is matched as a value, never as SQL or an expression.
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id, title: data.title } }))).toEqual([data.title]);
    // Backslashes are literal in text operators too (it is LIKE's default escape character).
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id, title: { contains: '\\ b' } } }))).toEqual([data.title]);
    expect(await t.db.post.findMany({ where: { authorId: u.id, title: { contains: '\\%' } } })).toEqual([]);
    expect(titles(await t.db.post.findMany({ where: { authorId: u.id, body: { startsWith: 'line1\n' } } }))).toEqual([data.title]);
  });

  scenario('every scalar type round-trips: date, decimal, bigint, boolean, json, list of int', {}, async (t) => {
    const [u1, u2] = [await createUser(t), await createUser(t)];
    const prefs = { theme: 'dark', ratio: 1.5, nested: { list: [1, 'two', null, true], empty: {} }, "quote'": "'; DROP TABLE x; --" };
    const data = {
      userId: u1.id,
      birthday: '1990-02-28',
      balance: '12345678901234567890.123456789',
      karma: 9007199254740993n,
      verified: true,
      prefs,
      scores: [3, -1, 0],
    };
    const p = await t.db.profile.create({ data });
    expect(p).toMatchObject(data);
    expect(typeof p.karma).toBe('bigint');
    expect(await t.db.profile.findUnique({ where: { id: p.id } })).toEqual(p);
    // Defaults for every type.
    const d = await t.db.profile.create({ data: { userId: u2.id } });
    expect(d).toMatchObject({ bio: null, birthday: null, balance: '0', karma: 0n, verified: false, prefs: null, scores: [] });
    expect(await t.db.profile.findUnique({ where: { userId: u2.id } })).toEqual(d);
    // Updates on every type.
    const upd = await t.db.profile.update({
      where: { id: p.id },
      data: { karma: { increment: 2n }, scores: { push: 7 }, verified: false, prefs: { replaced: [true] }, balance: '0.5', birthday: null },
    });
    expect(upd).toMatchObject({
      karma: 9007199254740995n,
      scores: [3, -1, 0, 7],
      verified: false,
      prefs: { replaced: [true] },
      balance: '0.5',
      birthday: null,
    });
    expect(await t.db.profile.findUnique({ where: { id: p.id } })).toEqual(upd);
    const dec = await t.db.profile.update({ where: { id: d.id }, data: { karma: { decrement: 5n }, balance: '-0.001' } });
    expect(dec).toMatchObject({ karma: -5n, balance: '-0.001' });
  });

  scenario('decimal values keep their numeric value exactly', {}, async (t) => {
    const u = await createUser(t);
    const p = await t.db.profile.create({ data: { userId: u.id, balance: '0.30000000000000000001' } });
    expect(p.balance).toBe('0.30000000000000000001');
    expect((await t.db.profile.findUniqueOrThrow({ where: { id: p.id } })).balance).toBe('0.30000000000000000001');
  });

  scenario('createMany returns the count and writes every row', {}, async (t) => {
    const team = t.tag('team');
    const rows = ['a', 'b', 'c', 'd'].map((n) => ({ email: `${team}-${n}@example.com`, name: n, team }));
    expect(await t.db.user.createMany({ data: rows })).toEqual({ count: 4 });
    const found = await t.db.user.findMany({ where: { team }, orderBy: { name: 'asc' } });
    expect(found.map((u) => u.name)).toEqual(['a', 'b', 'c', 'd']);
    expect(new Set(found.map((u) => u.id)).size).toBe(4);
    expect(await t.db.user.createMany({ data: [] })).toEqual({ count: 0 });
  });

  scenario('createMany stores every value as given: quotes, backslashes, braces, commas, the word NULL, nulls', {}, async (t) => {
    const team = t.tag('team');
    const values: [string, number | null][] = [
      ['say "hi"', null],
      ['back\\slash\\', 0],
      ['{a,b}', -5],
      ['NULL', 2147483647],
      ['\\"{},', null],
      ["ünï ✓ 'q'", 7],
    ];
    const rows = values.map(([name, age], i) => ({ email: `${team}-${i}@example.com`, name, age, team }));
    expect(await t.db.user.createMany({ data: rows })).toEqual({ count: rows.length });
    const found = (await t.db.user.findMany({ where: { team } })).sort((a, b) => (a.email < b.email ? -1 : 1));
    expect(found.map((u) => [u.name, u.age])).toEqual(values);
    expect(found.every((u) => u.createdAt instanceof Date && u.role === 'member')).toBe(true);
  });

  scenario('createMany with a duplicate writes nothing; skipDuplicates skips it', {}, async (t) => {
    const team = t.tag('team');
    const existing = await createUser(t, { team, name: 'old' });
    const dup = [
      { email: `${team}-new@example.com`, name: 'new', team },
      { email: existing.email, name: 'clash', team },
    ];
    const e = await rejection(t.db.user.createMany({ data: dup }));
    expect(e, String(e)).toBeInstanceOf(UniqueConstraintError);
    expect((e as UniqueConstraintError).model).toBe('User');
    expect((e as UniqueConstraintError).fields).toEqual(['email']);
    expect((await t.db.user.findMany({ where: { team }, orderBy: { name: 'asc' } })).map((u) => u.name)).toEqual(['old']);

    expect(await t.db.user.createMany({ data: dup, skipDuplicates: true })).toEqual({ count: 1 });
    expect((await t.db.user.findMany({ where: { team }, orderBy: { name: 'asc' } })).map((u) => u.name)).toEqual(['new', 'old']);
  });

  scenario('findUnique by key, by unique field, by composite key and by composite unique', {}, async (t) => {
    const u = await createUser(t);
    expect(await t.db.user.findUnique({ where: { id: u.id } })).toEqual(u);
    expect(await t.db.user.findUnique({ where: { email: u.email } })).toEqual(u);
    expect(await t.db.user.findUnique({ where: { email: `absent-${u.email}` } })).toBeNull();
    expect(await t.db.user.findUnique({ where: { id: '0190a0a0-0000-7000-8000-000000000000' } })).toBeNull();
    // A non-key condition beside the key is honoured, not ignored.
    expect(await t.db.user.findUnique({ where: { id: u.id, name: 'someone else' } })).toBeNull();

    const org = t.tag('org');
    const m = await t.db.membership.create({ data: { orgId: org, userId: u.id, role: 'owner' } });
    expect(m).toMatchObject({ orgId: org, userId: u.id, role: 'owner' });
    expect(await t.db.membership.findUnique({ where: { orgId: org, userId: u.id } })).toEqual(m);
    expect(await t.db.membership.findUnique({ where: { userId: u.id, role: 'owner' } })).toEqual(m);
    expect(await t.db.membership.findUnique({ where: { userId: u.id, role: 'admin' } })).toBeNull();
  });

  scenario('findUnique rejects a where that pins no key or unique field, before any I/O', {}, async (t) => {
    const start = t.events.length;
    const e = await rejection(t.db.user.findUnique({ where: { name: 'x' } }));
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).path).toBe('user.findUnique.where');
    const e2 = await rejection(t.db.membership.findUnique({ where: { orgId: 'o' } }));
    expect(e2).toBeInstanceOf(ValidationError);
    expect(t.events.length).toBe(start);
  });

  scenario('findUniqueOrThrow and findFirstOrThrow throw NotFoundError', {}, async (t) => {
    const u = await createUser(t);
    expect(await t.db.user.findUniqueOrThrow({ where: { email: u.email } })).toEqual(u);
    const e = await rejection(t.db.user.findUniqueOrThrow({ where: { email: `nobody-${u.email}` } }));
    expect(e).toBeInstanceOf(NotFoundError);
    expect((e as NotFoundError).model).toBe('User');
    const e2 = await rejection(t.db.post.findFirstOrThrow({ where: { authorId: u.id } }));
    expect(e2).toBeInstanceOf(NotFoundError);
    expect((e2 as NotFoundError).model).toBe('Post');
  });

  scenario('findFirst returns the first row in order, or null', {}, async (t) => {
    const { author } = await seedFilterPosts(t);
    expect((await t.db.post.findFirst({ where: { authorId: author.id }, orderBy: { title: 'asc' } }))?.title).toBe('Alpha');
    expect((await t.db.post.findFirst({ where: { authorId: author.id }, orderBy: { title: 'desc' } }))?.title).toBe('gamma ray');
    expect((await t.db.post.findFirst({ where: { authorId: author.id, status: 'archived' } }))?.title).toBe('Delta');
    expect(await t.db.post.findFirst({ where: { authorId: author.id, title: 'none' } })).toBeNull();
    expect((await t.db.post.findFirstOrThrow({ where: { authorId: author.id, views: { gt: 20 } } })).title).toBe('gamma ray');
  });

  scenario('findMany orders by code point in both directions and honours limit', {}, async (t) => {
    const { author } = await seedFilterPosts(t);
    const asc = await t.db.post.findMany({ where: { authorId: author.id }, orderBy: { title: 'asc' } });
    expect(titles(asc)).toEqual(['Alpha', 'Beta', 'Delta', "O'Hara'; DROP TABLE x; --", 'gamma ray']);
    const desc = await t.db.post.findMany({ where: { authorId: author.id }, orderBy: [{ title: 'desc' }] });
    expect(titles(desc)).toEqual(titles(asc).reverse());
    expect(titles(await t.db.post.findMany({ where: { authorId: author.id }, orderBy: { title: 'asc' }, limit: 2 }))).toEqual(['Alpha', 'Beta']);
    expect(await t.db.post.findMany({ where: { authorId: author.id }, limit: 0 })).toEqual([]);
    // limit with a filter still fills the page (DynamoDB applies Limit before the filter).
    expect(titles(await t.db.post.findMany({ where: { authorId: author.id, status: 'published' }, orderBy: { title: 'desc' }, limit: 2 }))).toEqual([
      'gamma ray',
      'Alpha',
    ]);
  });

  scenario('findMany on a composite key: partition query ordered by the sort key', {}, async (t) => {
    const org = t.tag('org');
    const users = await Promise.all([0, 1, 2].map(() => createUser(t)));
    await t.db.membership.createMany({ data: users.map((u, i) => ({ orgId: org, userId: u.id, role: (['owner', 'admin', 'member'] as const)[i] })) });
    const ids = users.map((u) => u.id).sort();
    const asc = await t.db.membership.findMany({ where: { orgId: org }, orderBy: { userId: 'asc' } });
    expect(asc.map((m) => m.userId)).toEqual(ids);
    const desc = await t.db.membership.findMany({ where: { orgId: org }, orderBy: { userId: 'desc' } });
    expect(desc.map((m) => m.userId)).toEqual([...ids].reverse());
    expect(await t.db.membership.count({ where: { orgId: org } })).toBe(3);
    const admins = await t.db.membership.findMany({ where: { orgId: org, role: 'admin' } });
    expect(admins.map((m) => m.userId)).toEqual([users[1].id]);
  });

  scenario('count counts matching rows only', {}, async (t) => {
    const { author } = await seedFilterPosts(t);
    expect(await t.db.post.count({ where: { authorId: author.id } })).toBe(5);
    expect(await t.db.post.count({ where: { authorId: author.id, status: 'draft' } })).toBe(2);
    expect(await t.db.post.count({ where: { authorId: author.id, title: 'nope' } })).toBe(0);
  });

  scenario('update returns the new row, bumps version and updatedAt, and persists', {}, async (t) => {
    const u = await createUser(t);
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'draft', body: 'b' } });
    const upd = await t.db.post.update({ where: { id: p.id }, data: { title: 'final', status: 'published', body: null } });
    expect(upd).toMatchObject({ id: p.id, title: 'final', status: 'published', body: null, version: 2, createdAt: p.createdAt });
    expect(upd.updatedAt.getTime()).toBeGreaterThanOrEqual(p.updatedAt.getTime());
    expect(await t.db.post.findUnique({ where: { id: p.id } })).toEqual(upd);
    const again = await t.db.post.update({ where: { id: p.id }, data: { views: { set: 3 } } });
    expect(again).toMatchObject({ views: 3, version: 3, title: 'final' });
  });

  scenario('update by a unique field; a missing row is NotFoundError', {}, async (t) => {
    const u = await createUser(t);
    const upd = await t.db.user.update({ where: { email: u.email }, data: { name: 'Renamed', age: 40 } });
    expect(upd).toMatchObject({ id: u.id, email: u.email, name: 'Renamed', age: 40 });
    const e = await rejection(t.db.user.update({ where: { email: `ghost-${u.email}` }, data: { name: 'x' } }));
    expect(e).toBeInstanceOf(NotFoundError);
    expect((e as NotFoundError).model).toBe('User');
    const e2 = await rejection(t.db.post.update({ where: { id: '0190a0a0-0000-7000-8000-00000000abcd' }, data: { title: 'x' } }));
    expect(e2).toBeInstanceOf(NotFoundError);
    // An update whose extra condition does not hold touches nothing.
    const e3 = await rejection(t.db.user.update({ where: { id: u.id, name: 'not the name' }, data: { name: 'y' } }));
    expect(e3).toBeInstanceOf(NotFoundError);
    expect((await t.db.user.findUniqueOrThrow({ where: { id: u.id } })).name).toBe('Renamed');
  });

  scenario('changing a unique field moves the constraint: old value free, new value taken', {}, async (t) => {
    const a = await createUser(t);
    const b = await createUser(t);
    const e = await rejection(t.db.user.update({ where: { id: b.id }, data: { email: a.email } }));
    expect(e, String(e)).toBeInstanceOf(UniqueConstraintError);
    expect((e as UniqueConstraintError).fields).toEqual(['email']);
    expect(await t.db.user.findUnique({ where: { email: b.email } })).toMatchObject({ id: b.id });

    const newEmail = `moved-${b.email}`;
    await t.db.user.update({ where: { id: b.id }, data: { email: newEmail } });
    expect(await t.db.user.findUnique({ where: { email: b.email } })).toBeNull();
    expect(await t.db.user.findUnique({ where: { email: newEmail } })).toMatchObject({ id: b.id });
    // The freed value can be taken by someone else.
    const c = await t.db.user.create({ data: { email: b.email, name: 'c', team: 'x' } });
    expect(await t.db.user.findUnique({ where: { email: b.email } })).toMatchObject({ id: c.id });
  });

  scenario('update operators: set, increment, decrement, push (one and many), set null', {}, async (t) => {
    const u = await createUser(t);
    const p = await t.db.post.create({ data: { authorId: u.id, title: 'ops', views: 10, tags: ['a'], rating: 1.5 } });
    let r = await t.db.post.update({ where: { id: p.id }, data: { views: { increment: 5 } } });
    expect(r.views).toBe(15);
    r = await t.db.post.update({ where: { id: p.id }, data: { views: { decrement: 20 } } });
    expect(r.views).toBe(-5);
    r = await t.db.post.update({ where: { id: p.id }, data: { rating: { increment: 0.25 } } });
    expect(r.rating).toBeCloseTo(1.75, 10);
    r = await t.db.post.update({ where: { id: p.id }, data: { tags: { push: 'b' } } });
    expect(r.tags).toEqual(['a', 'b']);
    r = await t.db.post.update({ where: { id: p.id }, data: { tags: { push: ['c', 'a'] } } });
    expect(r.tags).toEqual(['a', 'b', 'c', 'a']);
    r = await t.db.post.update({ where: { id: p.id }, data: { tags: { set: [] }, rating: { set: null }, title: { set: 'set' } } });
    expect(r).toMatchObject({ tags: [], rating: null, title: 'set' });
    r = await t.db.post.update({ where: { id: p.id }, data: { tags: { push: 'z' } } });
    expect(r.tags).toEqual(['z']);
    expect(r.version).toBe(8);
    expect(await t.db.post.findUnique({ where: { id: p.id } })).toEqual(r);
  });

  scenario('updateMany updates exactly the matching rows and returns the count', {}, async (t) => {
    const { author } = await seedFilterPosts(t);
    expect(await t.db.post.updateMany({ where: { authorId: author.id, status: 'draft' }, data: { status: 'archived', views: { increment: 1 } } })).toEqual({
      count: 2,
    });
    const rows = await t.db.post.findMany({ where: { authorId: author.id }, orderBy: { title: 'asc' } });
    expect(rows.map((r) => [r.title, r.status, r.views, r.version])).toEqual([
      ['Alpha', 'published', 10, 1],
      ['Beta', 'archived', 1, 2],
      ['Delta', 'archived', 5, 1],
      ["O'Hara'; DROP TABLE x; --", 'archived', 8, 2],
      ['gamma ray', 'published', 25, 1],
    ]);
    expect(await t.db.post.updateMany({ where: { authorId: author.id, title: 'none' }, data: { views: 0 } })).toEqual({ count: 0 });
  });

  scenario('upsert creates when absent and updates when present', {}, async (t) => {
    const team = t.tag('team');
    const email = `${team}@example.com`;
    const created = await t.db.user.upsert({ where: { email }, create: { email, name: 'First', team }, update: { name: 'Second' } });
    expect(created).toMatchObject({ email, name: 'First', team });
    const updated = await t.db.user.upsert({ where: { email }, create: { email, name: 'Again', team }, update: { name: 'Second', age: { increment: 1 } } });
    expect(updated).toMatchObject({ id: created.id, email, name: 'Second', age: null });
    expect(await t.db.user.count({ where: { team } })).toBe(1);

    const author = await createUser(t);
    const id = randomUUID();
    const p1 = await t.db.post.upsert({ where: { id }, create: { id, authorId: author.id, title: 'new' }, update: { views: { increment: 1 } } });
    expect(p1).toMatchObject({ id, title: 'new', views: 0, version: 1 });
    const p2 = await t.db.post.upsert({ where: { id }, create: { id, authorId: author.id, title: 'new' }, update: { views: { increment: 1 } } });
    expect(p2).toMatchObject({ id, title: 'new', views: 1, version: 2 });
  });

  scenario('delete returns the deleted row and frees its unique values; a missing row is NotFoundError', {}, async (t) => {
    const u = await createUser(t);
    const deleted = await t.db.user.delete({ where: { email: u.email } });
    expect(deleted).toEqual(u);
    expect(await t.db.user.findUnique({ where: { id: u.id } })).toBeNull();
    expect(await t.db.user.findUnique({ where: { email: u.email } })).toBeNull();
    const e = await rejection(t.db.user.delete({ where: { id: u.id } }));
    expect(e).toBeInstanceOf(NotFoundError);
    const again = await t.db.user.create({ data: { email: u.email, name: 'reborn', team: u.team } });
    expect(again.id).not.toBe(u.id);

    const org = t.tag('org');
    await t.db.membership.create({ data: { orgId: org, userId: again.id, role: 'member' } });
    expect(await t.db.membership.delete({ where: { orgId: org, userId: again.id }, select: { role: true } })).toEqual({ role: 'member' });
    // The composite unique (userId, role) is free again.
    await t.db.membership.create({ data: { orgId: `${org}b`, userId: again.id, role: 'member' } });
  });

  scenario('deleteMany deletes exactly the matching rows and returns the count', {}, async (t) => {
    const { author } = await seedFilterPosts(t);
    expect(await t.db.post.deleteMany({ where: { authorId: author.id, tags: { has: 'db' } } })).toEqual({ count: 3 });
    expect(titles(await t.db.post.findMany({ where: { authorId: author.id }, orderBy: { title: 'asc' } }))).toEqual(['Beta', 'gamma ray']);
    expect(await t.db.post.deleteMany({ where: { authorId: author.id, title: 'none' } })).toEqual({ count: 0 });
    expect(await t.db.post.deleteMany({ where: { authorId: author.id } })).toEqual({ count: 2 });
    expect(await t.db.post.count({ where: { authorId: author.id } })).toBe(0);
  });

  scenario('select narrows every read and write result to the chosen fields', {}, async (t) => {
    const u = await createUser(t, { age: 7 });
    expect(await t.db.user.findUnique({ where: { id: u.id }, select: { name: true, age: true } })).toEqual({ name: u.name, age: 7 });
    const created = await t.db.post.create({ data: { authorId: u.id, title: 'sel' }, select: { title: true, version: true } });
    expect(created).toEqual({ title: 'sel', version: 1 });
    const p = await t.db.post.findFirstOrThrow({ where: { authorId: u.id } });
    expect(await t.db.post.update({ where: { id: p.id }, data: { views: 2 }, select: { views: true } })).toEqual({ views: 2 });
    expect(await t.db.post.findMany({ where: { authorId: u.id }, select: { id: true } })).toEqual([{ id: p.id }]);
    expect(
      await t.db.user.upsert({
        where: { id: u.id },
        create: { email: 'no@example.com', name: 'n', team: 'x', id: u.id },
        update: { age: 8 },
        select: { age: true },
      }),
    ).toEqual({ age: 8 });
  });
});
