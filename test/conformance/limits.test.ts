// Limits every target states up front (issue 11): values a target cannot store, atomicity of
// large createMany calls, range checks on increments, the fan-out bound, and cursor binding.
// Each scenario runs on every target; where a target has a limit, it asserts the typed error
// (and that nothing was sent or written), never a DriverError.
import { expect } from 'vitest';
import { buildQuery, OutOfRangeError, UniqueConstraintError, ValidationError } from 'quern';
import { CursorCodec } from '../../src/engine/cursor.js';
import { cursorBase } from '../../src/query/build.js';
import { blog } from './schema.js';
import { createUser } from './fixtures.js';
import { conformance, expectCapabilityError, rejection } from './targets.js';
import { randomUUID } from 'node:crypto';

conformance('limits', ({ scenario }) => {
  scenario('numbers and JSON keys DynamoDB cannot store are a ValidationError before any request; other targets store them', {}, async (t) => {
    const u = await createUser(t);
    const cases = [
      { data: { rating: 1e300 }, path: 'rating' },
      { data: { rating: -5e-324 }, path: 'rating' },
    ];
    for (const c of cases) {
      const title = t.tag('num');
      const start = t.events.length;
      const q = t.db.post.create({ data: { authorId: u.id, title, ...c.data } });
      if (t.name === 'dynamodb') {
        const e = await rejection(q);
        expect(e, String(e)).toBeInstanceOf(ValidationError);
        expect((e as ValidationError).path).toBe(c.path);
        expect((e as Error).message).toMatch(/range DynamoDB stores numbers in/);
        expect(t.events.length, 'nothing may be sent').toBe(start);
      } else {
        expect((await q).rating).toBe(c.data.rating);
      }
    }
    const profile = t.db.profile.create({ data: { userId: u.id, prefs: { nested: { '': 1 } } } });
    if (t.name === 'dynamodb') {
      const e = await rejection(profile);
      expect(e, String(e)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path).toBe('prefs.nested');
    } else {
      expect((await profile).prefs).toEqual({ nested: { '': 1 } });
    }
  });

  scenario('createMany beyond one transaction: refused with batch-too-large by default, split only with atomic: false', {}, async (t) => {
    const dup = await createUser(t);
    const team = t.tag('team');
    // 120 users with a unique email each: 240 items on DynamoDB (row + unique entry), past its 100.
    const rows = Array.from({ length: 120 }, (_, i) => ({ email: `${team}-${i}@example.com`, name: `n${i}`, team }));
    const withDup = [...rows.slice(0, 119), { email: dup.email, name: 'dup', team }];
    const start = t.events.length;
    const e = await rejection(t.db.user.createMany({ data: withDup }));
    if (t.caps.maxAtomicBatch !== null) {
      const c = await expectCapabilityError(Promise.reject(e), 'batch-too-large');
      expect(c.fix).toContain('atomic: false');
      expect(
        t.events.slice(start).map((x) => x.operation),
        'nothing may be sent',
      ).toEqual([]);
    } else {
      expect(e, String(e)).toBeInstanceOf(UniqueConstraintError);
    }
    expect(await t.db.user.count({ where: { team } }), 'nothing was written').toBe(0);

    // Within one transaction the call stays atomic on every target: a duplicate in the last row writes nothing.
    const small = [...rows.slice(0, 9), { email: dup.email, name: 'dup', team }];
    expect(await rejection(t.db.user.createMany({ data: small }))).toBeInstanceOf(UniqueConstraintError);
    expect(await t.db.user.count({ where: { team } })).toBe(0);

    // The explicit opt-in writes everything when nothing collides.
    expect(await t.db.user.createMany({ data: rows, atomic: false })).toEqual({ count: 120 });
    expect(await t.db.user.count({ where: { team } })).toBe(120);
    // A wrongly typed atomic is bad input, found before any I/O.
    const bad = await rejection(t.db.user.createMany({ data: rows, atomic: 'no' as never }));
    expect(bad, String(bad)).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).path).toBe('user.createMany.atomic');
  });

  scenario('increments past the int and bigint ranges are an OutOfRangeError on every target; nothing is written', {}, async (t) => {
    const u = await createUser(t);
    const INT_MAX = 2 ** 31 - 1,
      INT_MIN = -(2 ** 31);
    const top = await t.db.post.create({ data: { authorId: u.id, title: t.tag('top'), views: INT_MAX - 1 } });
    expect((await t.db.post.update({ where: { id: top.id }, data: { views: { increment: 1 } } })).views).toBe(INT_MAX);
    const cases: [PromiseLike<unknown>, string][] = [
      [t.db.post.update({ where: { id: top.id }, data: { views: { increment: 1 } } }), 'views'],
      [t.db.post.update({ where: { id: top.id }, data: { views: { decrement: -5 } } }), 'views'],
      [t.db.post.updateMany({ where: { authorId: u.id }, data: { views: { increment: 2 } } }), 'views'],
    ];
    const bottom = await t.db.post.create({ data: { authorId: u.id, title: t.tag('bottom'), views: INT_MIN } });
    cases.push([t.db.post.update({ where: { id: bottom.id }, data: { views: { decrement: 1 } } }), 'views']);
    const profile = await t.db.profile.create({ data: { userId: u.id, karma: 2n ** 63n - 2n } });
    expect((await t.db.profile.update({ where: { id: profile.id }, data: { karma: { increment: 1n } } })).karma).toBe(2n ** 63n - 1n);
    cases.push([t.db.profile.update({ where: { id: profile.id }, data: { karma: { increment: 1n } } }), 'karma']);
    const low = await t.db.profile.create({ data: { userId: (await createUser(t)).id, karma: -(2n ** 63n) } });
    cases.push([t.db.profile.update({ where: { userId: low.userId }, data: { karma: { decrement: 1n } } }), 'karma']);
    for (const [q, field] of cases) {
      const e = await rejection(q);
      expect(e, String(e)).toBeInstanceOf(OutOfRangeError);
      expect(e).toMatchObject({ model: field === 'views' ? 'Post' : 'Profile' });
      if (t.caps.family !== 'sql') expect((e as OutOfRangeError).field).toBe(field);
    }
    // Nothing of the refused writes is stored, the versions did not move.
    expect(await t.db.post.findUnique({ where: { id: top.id } })).toMatchObject({ views: INT_MAX, version: 2 });
    expect(await t.db.post.findUnique({ where: { id: bottom.id } })).toMatchObject({ views: INT_MIN, version: 1 });
    expect((await t.db.profile.findUnique({ where: { id: profile.id } }))?.karma).toBe(2n ** 63n - 1n);
    expect((await t.db.profile.findUnique({ where: { id: low.id } }))?.karma).toBe(-(2n ** 63n));
  });

  scenario('a cursor is bound to the filter values: reused with another authorId it is a ValidationError', {}, async (t) => {
    const [a, b] = [await createUser(t), await createUser(t)];
    for (const u of [a, b]) await t.db.post.createMany({ data: ['p1', 'p2', 'p3'].map((title) => ({ authorId: u.id, title })) });
    const args = { orderBy: { title: 'asc' }, first: 2 } as const;
    const page = await t.db.post.paginate({ where: { authorId: a.id }, ...args });
    expect(page.items.map((p) => p.title)).toEqual(['p1', 'p2']);
    expect((await t.db.post.paginate({ where: { authorId: a.id }, ...args, after: page.nextCursor })).items.map((p) => p.title)).toEqual(['p3']);
    const start = t.events.length;
    for (const where of [{ authorId: b.id }, { authorId: a.id, title: { gte: 'p' } }]) {
      const e = await rejection(t.db.post.paginate({ where, ...args, after: page.nextCursor }));
      expect(e, String(e)).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path).toBe('post.paginate.after');
      expect((e as Error).message).toMatch(/belongs to a different query/);
    }
    expect(t.events.length, 'nothing may be sent').toBe(start);
  });

  scenario('a signed cursor whose boundary has the wrong types is a ValidationError before any request', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.createMany({ data: ['p1', 'p2', 'p3'].map((title) => ({ authorId: u.id, title })) });
    // Signed with the client's own (test-default, schema-derived) secret and the right binding: only the types are wrong.
    const forger = new CursorCodec(`quern:${blog.def.hash}`);
    const queries = [
      { where: { authorId: u.id }, orderBy: { title: 'asc' } },
      { where: { authorId: u.id, publishedAt: { not: null } }, orderBy: { publishedAt: 'desc' } },
    ] as const;
    const boundaries: unknown[] = [
      ['w(YE,iHm9!', 'x'],
      [5, 6],
      [null, null],
      [new Date(0), 'not-a-uuid'],
      ['p1'],
      'p1',
      42,
      null,
      { authorId: 'not-a-uuid', title: 'p1', id: 'x' },
      { authorId: u.id, title: 5, id: u.id },
      { authorId: u.id, publishedAt: 'soon', id: u.id },
      {},
    ];
    const start = t.events.length;
    for (const q of queries) {
      const built = buildQuery(blog.def, 'post', 'paginate', { ...q, first: 2 });
      const ast = built.ast as unknown as { where: never; orderBy: never };
      const base = cursorBase('post', ast.where, ast.orderBy, built.params);
      for (const boundary of boundaries) {
        for (const backward of [false, true]) {
          const cursor = forger.encode(boundary, base);
          const e = await rejection(t.db.post.paginate({ ...q, ...(backward ? { last: 2, before: cursor } : { first: 2, after: cursor }) }));
          expect(e, `${JSON.stringify(boundary)}: ${String(e)}`).toBeInstanceOf(ValidationError);
          expect((e as Error).message).toMatch(/malformed cursor|does not match this query/);
        }
      }
    }
    expect(t.events.length, 'nothing may be sent').toBe(start);
  });

  scenario('fan-out bound: an in list needing more than 1,000 Queries is refused before anything is sent (even when warnings only warn)', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.create({ data: { authorId: u.id, title: 'mine' } });
    const lax = await t.lax();
    const ids = [u.id, ...Array.from({ length: 1_000 }, () => randomUUID())];
    const start = t.events.length;
    const q = lax.post.findMany({ where: { authorId: { in: ids } } });
    if (t.caps.family === 'sql') {
      expect((await q).map((p) => p.title)).toEqual(['mine']);
    } else {
      const c = await expectCapabilityError(q, 'fanout');
      expect(c.message).toMatch(/1001 requests; the fan-out bound is 1000/);
      expect(c.fix).toContain('maxFanout');
      expect(t.events.length, 'nothing may be sent').toBe(start);
      // 1,000 partitions are within the bound: the query runs (one Query each).
      expect((await lax.post.findMany({ where: { authorId: { in: ids.slice(0, 1_000) } } })).map((p) => p.title)).toEqual(['mine']);
    }
  });

  scenario('a filter whose DynamoDB expression would pass 4 KB is a ValidationError before any request', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.create({ data: { authorId: u.id, title: 'kept' } });
    const many = Array.from({ length: 1_500 }, (_, i) => `t${i}`);
    const start = t.events.length;
    const q = t.db.post.findMany({ where: { authorId: u.id, status: { notIn: ['archived'] }, views: { notIn: many.map((_, i) => i + 1) } } });
    if (t.name === 'dynamodb') {
      const e = await rejection(q);
      expect(e, String(e)).toBeInstanceOf(ValidationError);
      expect((e as Error).message).toMatch(/DynamoDB allows 4096 bytes/);
      expect(t.events.length, 'nothing may be sent').toBe(start);
    } else {
      expect((await q).map((p) => p.title)).toEqual(['kept']);
    }
  });
});
