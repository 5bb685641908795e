// The life cycle of queries and clients: a Query runs exactly once however often it is consumed,
// a transaction client is dead once its callback has returned, and a closed client refuses work.
import { expect } from 'vitest';
import { ClientClosedError, createClient, TransactionClosedError, UniqueConstraintError, ValidationError } from 'quern';
import { createUser } from './fixtures.js';
import { blog } from './schema.js';
import type { PGlite } from '@electric-sql/pglite';
import { pglite } from 'quern/postgres';
import { conformance, openDriver, rejection } from './targets.js';

conformance('query and client life cycle', ({ scenario }) => {
  scenario('a query consumed twice runs once: the increment is applied once, the create runs once', {}, async (t) => {
    const u = await createUser(t);
    const post = await t.db.post.create({ data: { authorId: u.id, title: 'once' } });
    const start = t.events.length;
    const p = t.db.post.update({ where: { id: post.id }, data: { views: { increment: 1 } } });
    const logged: unknown[] = [];
    void p.catch((e: unknown) => logged.push(e));
    const first = await p;
    const second = await p;
    await p.finally(() => undefined);
    // One run's requests, whatever the target needs for it (the log holds one entry per request).
    const writes = t.events.length - start;
    expect(first.views).toBe(1);
    expect(second).toBe(first);
    expect(logged).toEqual([]);
    expect((await t.db.post.findUnique({ where: { id: post.id } }))?.views).toBe(1);
    const again = t.events.length;
    const q = t.db.post.update({ where: { id: post.id }, data: { views: { increment: 1 } } });
    await q;
    expect(t.events.length - again).toBe(writes);

    const email = `${t.tag('once')}@example.com`;
    const c = t.db.user.create({ data: { email, name: 'once', team: u.team } });
    const [a, b] = await Promise.all([c, c.then((row) => row)]);
    expect(b).toBe(a);
    expect(await t.db.user.count({ where: { team: u.team } })).toBe(2);

    // A failing query rejects every consumer with the one error of its one run.
    const dup = t.db.user.create({ data: { email, name: 'dup', team: u.team } });
    const e1 = await rejection(dup);
    const e2 = await rejection(dup);
    expect(e1).toBeInstanceOf(UniqueConstraintError);
    expect(e2).toBe(e1);
    expect(await t.db.user.count({ where: { team: u.team } })).toBe(2);

    // A query that already ran cannot join a batch (it would run a second time there).
    const ran = t.db.post.update({ where: { id: post.id }, data: { views: { increment: 1 } } });
    await ran;
    const e3 = await rejection(t.db.batch([ran]));
    expect(e3, String(e3)).toBeInstanceOf(ValidationError);
    expect((e3 as ValidationError).path).toBe('batch[0]');
    expect((await t.db.post.findUnique({ where: { id: post.id } }))?.views).toBe(3);
  });

  scenario('a transaction client used after its callback returned refuses every query', { needs: ['interactiveTransactions'] }, async (t) => {
    const u = await createUser(t);
    let kept: Parameters<Parameters<typeof t.db.transaction>[0]>[0] | undefined;
    let release!: () => void;
    const ended = new Promise<void>((resolve) => (release = resolve));
    let late: Promise<unknown> | undefined;
    await t.db.transaction(async (tx) => {
      kept = tx;
      // Started inside the callback, but only reaching the database after it returned.
      late = ended.then(() => tx.user.create({ data: { email: `${t.tag('late')}@example.com`, name: 'late', team: u.team } }));
      await tx.user.count({ where: { team: u.team } });
    });
    release();
    const e1 = await rejection(late!);
    expect(e1, String(e1)).toBeInstanceOf(TransactionClosedError);
    expect((e1 as Error).message).toMatch(/callback returned/);
    const e2 = await rejection(kept!.user.create({ data: { email: `${t.tag('after')}@example.com`, name: 'after', team: u.team } }));
    expect(e2, String(e2)).toBeInstanceOf(TransactionClosedError);
    const e3 = await rejection(kept!.user.findMany({ where: { team: u.team } }));
    expect(e3, String(e3)).toBeInstanceOf(TransactionClosedError);
    // Same after a rolled-back transaction; and nothing of the refused writes was stored.
    await rejection(
      t.db.transaction(async (tx) => {
        kept = tx;
        throw new Error('roll back');
      }),
    );
    expect(await rejection(kept!.user.count({ where: { team: u.team } }))).toBeInstanceOf(TransactionClosedError);
    expect(await t.db.user.count({ where: { team: u.team } })).toBe(1);
  });

  scenario('queries after db.close() fail with ClientClosedError, also on a second client over the same driver', {}, async (t) => {
    // PGlite starts in seconds: a second driver over the file's instance (which it does not own) will do.
    const { driver, cleanup } =
      t.name === 'pglite' ? { driver: pglite({ instance: t.db.raw.pglite as PGlite }), cleanup: async () => undefined } : await openDriver(t.name);
    try {
      const db = await createClient({ schema: blog, driver, strict: true });
      const other = await createClient({ schema: blog, driver, strict: true });
      await db.push();
      const u = await db.user.create({ data: { email: `${t.tag('c')}@example.com`, name: 'c', team: t.tag('team') } });
      const before = db.user.findUnique({ where: { id: u.id } });
      await db.close();
      for (const q of [
        db.user.findUnique({ where: { id: u.id } }),
        db.user.create({ data: { email: 'x@example.com', name: 'x', team: u.team } }),
        other.user.count({ where: { team: u.team } }),
      ]) {
        const e = await rejection(q);
        expect(e, String(e)).toBeInstanceOf(ClientClosedError);
      }
      expect(await rejection(db.batch([db.user.count({ where: { team: u.team } })]))).toBeInstanceOf(ClientClosedError);
      // Built before close, run after it: refused too.
      expect(await rejection(before)).toBeInstanceOf(ClientClosedError);
      await db.close(); // closing twice is harmless
    } finally {
      await cleanup();
    }
  });
});
