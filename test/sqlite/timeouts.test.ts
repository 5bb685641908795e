// requestTimeoutMs on SQLite: one connection, held by a transaction or batch while it runs. The wait
// for it is bounded, as a pooled driver bounds the wait for a free connection; the holder goes on.
import { describe, expect, it } from 'vitest';
import { createClient, PoolExhaustedError, ValidationError } from 'quern';
import { sqlite } from 'quern/sqlite';
import { pgSchema } from '../postgres/schema.js';

/** Resolves once `released` is called: a transaction that holds the connection until the test says. */
function gate(): { wait: Promise<void>; release: () => void } {
  let release!: () => void;
  const wait = new Promise<void>((r) => (release = r));
  return { wait, release };
}

describe('sqlite requestTimeoutMs', () => {
  it('a query waiting longer than requestTimeoutMs for the connection fails with PoolExhaustedError; nothing else is disturbed', async () => {
    const driver = sqlite({ filename: ':memory:' });
    const db = await createClient({ schema: pgSchema, driver });
    const impatient = await createClient({ schema: pgSchema, driver, requestTimeoutMs: 50 });
    try {
      await db.push();
      const held = gate();
      let entered!: () => void;
      const inside = new Promise<void>((r) => (entered = r));
      const tx = db.transaction(async (t) => {
        await t.account.create({ data: { handle: 'holder', name: 'H' } });
        entered();
        await held.wait;
        return 'committed';
      });
      await inside;
      const e = await impatient.account.count().then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(PoolExhaustedError);
      expect((e as PoolExhaustedError).driver).toBe('sqlite');
      expect((e as Error).message).toContain('within 50 ms (requestTimeoutMs)');
      // The default bound (60 s) lets the patient client wait its turn; the holder commits.
      const patient = db.account.count();
      held.release();
      expect(await tx).toBe('committed');
      expect(await patient).toBe(1);
      // The connection is free again: the impatient client runs.
      expect(await impatient.account.count()).toBe(1);
    } finally {
      await impatient.close();
      await db.close();
    }
  });

  it('0 is no bound; a bad value is a ValidationError naming the option', async () => {
    const driver = sqlite({ filename: ':memory:', requestTimeoutMs: 0 });
    const db = await createClient({ schema: pgSchema, driver });
    try {
      await db.push();
      expect(await db.account.count()).toBe(0);
    } finally {
      await db.close();
    }
    for (const bad of [-1, 1.5, '10']) {
      const e = (() => {
        try {
          sqlite({ filename: ':memory:', requestTimeoutMs: bad as number });
          return null;
        } catch (x) {
          return x;
        }
      })();
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).path).toBe('sqlite.requestTimeoutMs');
    }
  });
});
