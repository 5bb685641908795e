/**
 * A query printed or serialized before it runs (a forgotten `await`) says what
 * it is and to await it; it never dumps the client behind it (cursor key, pool).
 */
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, defineSchema, f, model } from 'quern';
import { pglite } from 'quern/postgres';
import { pgliteOptions } from '../harness/index.js';

const schema = defineSchema({ user: model('User', { id: f.uuid().key().auto(), email: f.string().unique(), name: f.string() }) });
const SECRET = 'cursor-signing-key-that-must-not-leak';
const db = await createClient({ schema, driver: pglite(pgliteOptions()), cursorSecret: SECRET });
afterAll(() => db.close());

describe('an un-run query, printed', () => {
  const q = db.user.findMany({ where: { name: 'Ann' }, limit: 5 });

  it('util.inspect / console.log name the query and say to await it, without secrets', () => {
    const shown = inspect(q, { depth: 10 });
    expect(shown).toBe('Query user.findMany({ where, limit }): not run; await it (or pass it to db.batch) to run it');
    expect(shown).not.toContain(SECRET);
    expect(`${q}`).toBe(shown);
  });

  it('JSON.stringify gives a small object instead of throwing on a circular structure', () => {
    const json = JSON.stringify({ q });
    expect(JSON.parse(json)).toEqual({
      q: { query: 'user.findMany({ where, limit })', state: 'not run', hint: 'await the query (or pass it to db.batch) to run it' },
    });
    expect(json).not.toContain(SECRET);
    expect(json).not.toContain('Ann');
  });
});
