// Honest fan-out: every plan that sends more than one request for one logical read says so with
// a `fanout` diagnostic (warning; an error under strict), in explain and at run time, and a
// refused query's CapabilityError carries every error diagnostic of its plan.
import { expect } from 'vitest';
import { CapabilityError } from 'quern';
import { createUser } from './fixtures.js';
import { conformance, expectCapabilityError, recordOps, rejection, type Target } from './targets.js';

const isKv = (t: Target) => t.caps.family === 'kv';

conformance('fan-out', ({ scenario }) => {
  scenario('a hasMany include over P parents: flagged in explain, refused under strict, P+1 requests when allowed', {}, async (t) => {
    const team = t.tag('team');
    const users = [];
    for (const name of ['a', 'b', 'c', 'd']) users.push(await createUser(t, { team, name }));
    await t.db.post.createMany({ data: users.flatMap((u, i) => Array.from({ length: i }, (_, j) => ({ authorId: u.id, title: `${u.name}${j}` }))) });
    const query = (db: typeof t.db) => db.user.findMany({ where: { team }, orderBy: { name: 'asc' }, include: { posts: { orderBy: { title: 'asc' } } } });
    const plan = await query(t.db).explain();
    const fan = plan.diagnostics.filter((d) => d.code === 'fanout');
    if (isKv(t)) {
      expect(fan).toHaveLength(1);
      expect(fan[0].severity).toBe('warning');
      expect(fan[0].message).toMatch(/one Query per User row/);
      expect(fan[0].fix).toContain('colocated: true');
      expect(plan.text).toContain('warning fanout');
      const before = t.events.length;
      const e = await expectCapabilityError(query(t.db), 'fanout');
      expect(e.fix).toContain('colocated: true');
      expect(t.events.length, 'strict refuses before sending anything').toBe(before);
      const { result, ops } = await recordOps(t, async () => query(await t.lax()));
      expect(result.map((u) => u.posts.map((p) => p.title))).toEqual([[], ['b0'], ['c0', 'c1'], ['d0', 'd1', 'd2']]);
      // The root Query, then one Query per parent: P = 4.
      expect(ops).toEqual(['Query', 'Query', 'Query', 'Query', 'Query']);
    } else {
      expect(fan).toEqual([]);
      const { result, ops } = await recordOps(t, () => query(t.db));
      expect(result.map((u) => u.posts.length)).toEqual([0, 1, 2, 3]);
      expect(ops.length).toBeLessThanOrEqual(2);
    }
  });

  scenario('a hasMany include on ONE parent (findUnique) is not a fan-out', {}, async (t) => {
    const u = await createUser(t);
    await t.db.post.createMany({
      data: [
        { authorId: u.id, title: 'x' },
        { authorId: u.id, title: 'y' },
      ],
    });
    const q = t.db.user.findUniqueOrThrow({ where: { id: u.id }, include: { posts: { orderBy: { title: 'asc' } } } });
    expect((await q.explain()).diagnostics).toEqual([]);
    const { result, ops } = await recordOps(t, () => q);
    expect(result.posts.map((p) => p.title)).toEqual(['x', 'y']);
    expect(ops).toHaveLength(isKv(t) ? 2 : 1);
  });

  scenario('nested: a hasMany below a hasMany is a fan-out even from one root row', {}, async (t) => {
    const u = await createUser(t);
    const q = t.db.user.findUnique({ where: { id: u.id }, include: { posts: { include: { comments: true } } } });
    const codes = (await q.explain()).diagnostics.map((d) => d.code);
    expect(codes).toEqual(isKv(t) ? ['fanout'] : []);
  });

  scenario('count with `in` over 3 partitions: flagged like findMany (explain, strict), right count when allowed', {}, async (t) => {
    const authors = [await createUser(t), await createUser(t), await createUser(t)];
    await t.db.post.createMany({ data: authors.flatMap((a, i) => Array.from({ length: i + 1 }, (_, j) => ({ authorId: a.id, title: `t${j}` }))) });
    const where = { authorId: { in: authors.map((a) => a.id) } };
    const plan = await t.db.post.count({ where }).explain();
    const fan = plan.diagnostics.filter((d) => d.code === 'fanout');
    if (isKv(t)) {
      expect(fan.map((d) => d.message)).toEqual(['authorId in [...] becomes 3 Query requests, one per partition']);
      const before = t.events.length;
      await expectCapabilityError(t.db.post.count({ where }), 'fanout');
      await expectCapabilityError(t.db.post.findMany({ where }), 'fanout');
      expect(t.events.length, 'strict refuses before sending anything').toBe(before);
      const lax = await t.lax();
      const { result, ops } = await recordOps(t, () => lax.post.count({ where }));
      expect(result).toBe(6);
      expect(ops).toEqual(['Query', 'Query', 'Query']);
      // One value is one request: no fan-out.
      expect(await t.db.post.count({ where: { authorId: { in: [authors[0].id] } } })).toBe(1);
    } else {
      expect(fan).toEqual([]);
      expect(await t.db.post.count({ where })).toBe(6);
    }
  });

  scenario('a refused query carries every error diagnostic of its plan, and its message names them all', {}, async (t) => {
    const u = await createUser(t);
    const q = t.db.post.findMany({ where: { body: { endsWith: 'x' } }, orderBy: { views: 'asc' } });
    if (!isKv(t)) {
      expect(await q).toEqual([]);
      void u;
      return;
    }
    const plan = await q.explain();
    const errors = plan.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.length).toBeGreaterThanOrEqual(2);
    const e = await rejection(q);
    expect(e).toBeInstanceOf(CapabilityError);
    const c = e as CapabilityError;
    expect(c.diagnostics.map((d) => d.code)).toEqual(errors.map((d) => d.code));
    expect(c.code).toBe(errors[0].code);
    for (const d of errors) {
      expect(c.message).toContain(`[${d.code}]`);
      expect(c.message).toContain(d.message);
    }
  });
});
