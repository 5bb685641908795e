// SQLite keeps bigint lists as JSON text and decimals as text: both must come back as PostgreSQL
// returns them, at the top level and inside includes (the differential suite compares the rest).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'quern';
import { pglite } from 'quern/postgres';
import { sqlite } from 'quern/sqlite';
import { pgliteOptions } from '../harness/index.js';
import { pgSchema, type PgSchema } from '../postgres/schema.js';

type Db = Client<PgSchema>;

describe('sqlite values: bigint lists and decimals as PostgreSQL returns them', () => {
  const dbs: { name: string; db: Db }[] = [];

  beforeAll(async () => {
    for (const [name, driver] of [
      ['sqlite', sqlite({ filename: ':memory:' })],
      ['pglite', pglite(pgliteOptions())],
    ] as const) {
      const db = await createClient({ schema: pgSchema, driver, strict: true });
      await db.push();
      dbs.push({ name, db });
    }
  });

  afterAll(async () => {
    for (const { db } of dbs) await db.close();
  });

  it('a bigint list past 2^53 keeps every digit, at the top level and inside includes', async () => {
    const nums = [-(2n ** 63n), 9007199254740993n, 2n ** 63n - 1n, 1n];
    for (const { name, db } of dbs) {
      const acc = await db.account.create({ data: { handle: 'big', name: 'B', nums } });
      expect(acc.nums, name).toEqual(nums);
      const note = await db.note.create({ data: { accountId: acc.id, title: 't', big: -9007199254740993n } });
      expect((await db.account.findUniqueOrThrow({ where: { id: acc.id } })).nums, name).toEqual(nums);
      // belongsTo: one JSON object; hasMany: a JSON array of them.
      const viaNote = await db.note.findUniqueOrThrow({ where: { id: note.id }, include: { account: true } });
      expect(viaNote.account.nums, name).toEqual(nums);
      const viaAccount = await db.account.findUniqueOrThrow({ where: { id: acc.id }, include: { notes: true } });
      expect(
        viaAccount.notes.map((n) => n.big),
        name,
      ).toEqual([-9007199254740993n]);
      expect(
        (await db.account.findMany({ where: { nums: { has: 9007199254740993n } } })).map((a) => a.id),
        name,
      ).toEqual([acc.id]);
    }
  });

  it("decimals come back in PostgreSQL's text form, and compare as numbers", async () => {
    const written = ['007.50', '-0.0', '-000.001', '3', '12345678901234567890.000000000001'];
    const results: Record<string, unknown> = {};
    for (const { name, db } of dbs) {
      const acc = await db.account.create({ data: { handle: 'dec', name: 'D' } });
      // createMany binds its rows as one JSON document: the same form as a single create.
      await db.note.createMany({ data: written.map((amount, i) => ({ accountId: acc.id, title: `n${i}`, rank: i, amount })) });
      const rows = await db.account.findUniqueOrThrow({ where: { id: acc.id }, include: { notes: { orderBy: { rank: 'asc' } } } });
      const top = await db.note.findMany({ where: { accountId: acc.id }, orderBy: { rank: 'asc' } });
      const hits = await db.note.findMany({ where: { accountId: acc.id, amount: { in: ['7.5', '0', '3.000'] } }, orderBy: { rank: 'asc' } });
      results[name] = { included: rows.notes.map((n) => n.amount), top: top.map((n) => n.amount), in: hits.map((n) => n.rank) };
    }
    const canonical = ['7.50', '0.0', '-0.001', '3', '12345678901234567890.000000000001'];
    expect(results.pglite).toEqual({ included: canonical, top: canonical, in: [0, 1, 3] });
    expect(results.sqlite).toEqual(results.pglite);
  });
});
