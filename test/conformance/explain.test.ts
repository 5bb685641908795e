// explain(): the plan for the client's own target, or offline for another
// target (no server involved), with the same diagnostics that refuse at run time.
import { expect } from 'vitest';
import { dynamodbTarget } from 'quern/dynamodb';
import { createUser } from './fixtures.js';
import { conformance, rejection } from './targets.js';

conformance('explain', ({ scenario }) => {
  scenario('offline on DynamoDB: contains with no key is scan-required, with a fix', {}, async (t) => {
    const before = t.events.length;
    const plan = await t.db.post.findMany({ where: { title: { contains: 'x' } } }).explain({ target: dynamodbTarget });
    expect(plan.driver).toBe('dynamodb');
    const d = plan.diagnostics.find((x) => x.code === 'scan-required');
    expect(d, plan.text).toBeDefined();
    expect(d!.severity).toBe('error');
    expect(d!.model).toBe('Post');
    expect(d!.fix).toMatch(/index|allowScan/);
    expect(plan.text).toContain('scan-required');
    expect(plan.text).toContain(d!.fix!);
    expect(t.events.length, 'explain never sends a request').toBe(before);
  });

  scenario('offline on DynamoDB: a pinned partition is a Query on the index, no diagnostics', {}, async (t) => {
    const plan = await t.db.post
      .findMany({ where: { authorId: '0190a0a0-0000-7000-8000-000000000000', title: { startsWith: 'x' } }, orderBy: { title: 'asc' } })
      .explain({ target: dynamodbTarget });
    expect(plan.diagnostics).toEqual([]);
    expect(plan.operations.map((o) => o.kind)).toEqual(['Query']);
    const key = await t.db.post.findUnique({ where: { id: '0190a0a0-0000-7000-8000-000000000000' } }).explain({ target: dynamodbTarget });
    expect(key.operations.map((o) => o.kind)).toEqual(['GetItem']);
  });

  scenario('offline on DynamoDB: every refusal code is reported with a fix', {}, async (t) => {
    const a = '0190a0a0-0000-7000-8000-000000000000';
    const codes = async (q: { explain(o: { target: typeof dynamodbTarget }): Promise<{ diagnostics: readonly { code: string; fix?: string }[] }> }) => {
      const plan = await q.explain({ target: dynamodbTarget });
      for (const d of plan.diagnostics) expect(d.fix ?? '', d.code).toMatch(/\S{3}/);
      return plan.diagnostics.map((d) => d.code);
    };
    expect(await codes(t.db.post.findMany({ where: { authorId: a, title: { endsWith: 'x' } } }))).toContain('operator-unsupported');
    expect(await codes(t.db.post.findMany({ where: { authorId: a, title: { contains: 'x', mode: 'insensitive' } } }))).toContain('operator-unsupported');
    expect(await codes(t.db.post.findMany({ where: { authorId: a }, orderBy: { views: 'asc' } }))).toContain('order-unsupported');
    expect(await codes(t.db.user.findMany({ where: { team: 'x', posts: { some: {} } } }))).toContain('relation-filter-unsupported');
    expect(await codes(t.db.post.count({ where: { status: 'draft' } }))).toContain('count-requires-scan');
    expect(await codes(t.db.post.findMany({ where: { authorId: a }, orderBy: { title: 'asc' }, offset: 3 }))).toContain('offset-emulated');
    expect(await codes(t.db.post.findMany({ where: { views: 3 }, allowScan: true }))).not.toContain('scan-required');
  });

  scenario("explain on the client's own target matches what running it does", {}, async (t) => {
    const u = await createUser(t);
    const q = t.db.post.findMany({ where: { authorId: u.id, status: 'draft' }, orderBy: { title: 'asc' } });
    const plan = await q.explain();
    expect(plan.driver).toBe(t.name);
    expect(plan.operations.length).toBeGreaterThan(0);
    expect(plan.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plan.text.length).toBeGreaterThan(0);
    expect(await q).toEqual([]);
    // A refused query explains without throwing; running it throws the same code.
    const bad = t.db.post.findMany({ where: { title: { endsWith: 'z' } } });
    const badPlan = await bad.explain();
    const errors = badPlan.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length === 0) expect(await bad).toBeInstanceOf(Array);
    else expect(await rejection(bad)).toMatchObject({ code: errors[0].code });
  });

  scenario('explain validates input like running does', {}, async (t) => {
    await expect(t.db.post.findMany({ where: { nope: 1 } as never }).explain()).rejects.toMatchObject({
      name: 'ValidationError',
      path: 'post.findMany.where.nope',
    });
  });
});
