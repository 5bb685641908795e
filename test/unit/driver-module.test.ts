/**
 * quern/driver is enough to write a target: the example in test/types/driver-module.ts imports
 * nothing else. Here its transport is PGlite's query function, so the queries it serializes run
 * on a real PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import { createClient, defineSchema, f, model, UniqueConstraintError } from 'quern';
import { httpSql, type Send } from '../types/driver-module.js';
import { pgliteOptions } from '../harness/index.js';

const schema = defineSchema({ user: model('User', { id: f.uuid().key().auto(), email: f.string().unique(), name: f.string() }) });

let pg: PGlite;
const sent: string[] = [];
const send: Send = async (text, values) => {
  sent.push(text);
  const r = await pg.query<Record<string, unknown>>(text, values);
  return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
};

beforeAll(async () => {
  pg = new PGlite(pgliteOptions());
  await pg.exec('CREATE TABLE "User" (id uuid PRIMARY KEY, email text NOT NULL UNIQUE, name text NOT NULL)');
});
afterAll(async () => pg?.close());

describe('a target written against quern/driver only', () => {
  it('plans with its capabilities, serializes with its own writer and runs through its transport', async () => {
    const db = await createClient({ schema, driver: httpSql(send) });
    // It names itself: driver names are open strings.
    expect(db.target.driver).toBe('httpsql');
    const ann = await db.user.create({ data: { email: 'ann@x.io', name: 'Ann' } });
    await db.user.create({ data: { email: 'bob@x.io', name: 'Bob' } });
    sent.length = 0;
    const rows = await db.user.findMany({ where: { email: 'ann@x.io' }, select: { id: true, name: true } });
    expect(rows).toEqual([{ id: ann.id, name: 'Ann' }]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/FROM "User".* WHERE .*"email" = \$1/);
    await db.close();
  });

  it("maps its database's errors to quern's classes", async () => {
    const db = await createClient({ schema, driver: httpSql(send) });
    await expect(db.user.create({ data: { email: 'ann@x.io', name: 'Again' } })).rejects.toBeInstanceOf(UniqueConstraintError);
    await db.close();
  });
});
