// Driver construction and lifecycle: PGlite on a directory and on a shared instance, pg on a
// caller's pool, and errors only a real multi-connection server can produce (deadlocks).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { ConcurrencyError, DriverError, ValidationError, createClient } from 'quern';
import { pglite, postgres } from 'quern/postgres';
import { availableBackends, freshPgDatabase } from '../harness/index.js';
import { pgSchema } from './schema.js';

describe('pglite()', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('persists to dataDir across clients, and leaves an instance it was given open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'quern-pglite-'));
    dirs.push(dir);
    const first = await createClient({ schema: pgSchema, driver: pglite({ dataDir: dir }) });
    await first.push();
    await first.account.create({ data: { handle: 'kept', name: 'K', balance: 2n ** 62n } });
    await first.close();

    // Reopen the same directory through an instance the test owns.
    const instance = new PGlite(dir);
    const second = await createClient({ schema: pgSchema, driver: pglite({ instance }) });
    expect(second.raw.pglite).toBe(instance);
    expect(await second.account.findUnique({ where: { handle: 'kept' } })).toMatchObject({ name: 'K', balance: 2n ** 62n });
    await second.close();
    expect(instance.closed).toBe(false);
    expect((await instance.query<{ n: number }>('SELECT count(*)::int AS n FROM "Account"')).rows[0].n).toBe(1);
    await instance.close();
  });

  it('starts from a dumpDataDir() tarball given as loadDataDir, and refuses anything but a Blob', async () => {
    const instance = new PGlite();
    const source = await createClient({ schema: pgSchema, driver: pglite({ instance }) });
    await source.push();
    await source.account.create({ data: { handle: 'dumped', name: 'D' } });
    await source.close();
    const tarball = await instance.dumpDataDir('none');
    await instance.close();

    const copy = await createClient({ schema: pgSchema, driver: pglite({ loadDataDir: tarball }) });
    expect(await copy.account.findUnique({ where: { handle: 'dumped' } })).toMatchObject({ name: 'D' });
    await copy.close();

    const notBlob = await createClient({ schema: pgSchema, driver: pglite({ loadDataDir: 'dump.tar' as unknown as Blob }) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(notBlob).toBeInstanceOf(ValidationError);
    expect(notBlob).toMatchObject({ path: 'pglite.loadDataDir' });
    const notTar = await createClient({ schema: pgSchema, driver: pglite({ loadDataDir: new Blob(['not a tarball']) }) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(notTar).toBeInstanceOf(DriverError);
  });
});

const hasServer = availableBackends().includes('postgres');

describe.skipIf(!hasServer)('postgres()', () => {
  it('runs on a caller-owned pool and does not end it on close', async () => {
    const database = await freshPgDatabase();
    const pool = new pg.Pool({ connectionString: database.url, max: 3 });
    try {
      const db = await createClient({ schema: pgSchema, driver: postgres({ pool }) });
      expect(db.raw.postgres).toBe(pool);
      await db.push();
      await db.account.create({ data: { handle: 'p', name: 'P' } });
      await db.close();
      expect((await pool.query('SELECT count(*)::int AS n FROM "Account"')).rows[0].n).toBe(1);
    } finally {
      await pool.end();
      await database.drop();
    }
  });

  it('prepare: false sends unnamed statements with the same results', async () => {
    const database = await freshPgDatabase();
    const db = await createClient({ schema: pgSchema, driver: postgres({ connectionString: database.url, prepare: false }) });
    try {
      await db.push();
      const a = await db.account.create({ data: { handle: 'u', name: 'U' } });
      expect(await db.account.findUnique({ where: { id: a.id } })).toEqual(a);
    } finally {
      await db.close();
      await database.drop();
    }
  });

  it('a deadlock between two transactions is a ConcurrencyError for the loser', async () => {
    const database = await freshPgDatabase();
    const db = await createClient({ schema: pgSchema, driver: postgres({ connectionString: database.url }) });
    try {
      await db.push();
      const a = await db.account.create({ data: { handle: 'a', name: 'A' } });
      const c = await db.account.create({ data: { handle: 'c', name: 'C' } });
      let release!: () => void;
      const bothLocked = new Promise<void>((r) => {
        release = r;
      });
      let locked = 0;
      const lockedOne = () => {
        if (++locked === 2) release();
      };
      const cross = (first: string, second: string) =>
        db.transaction(async (tx) => {
          await tx.account.update({ where: { id: first }, data: { score: 1 } });
          lockedOne();
          await bothLocked;
          await tx.account.update({ where: { id: second }, data: { score: 2 } });
        });
      const results = await Promise.allSettled([cross(a.id, c.id), cross(c.id, a.id)]);
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failed).toHaveLength(1);
      expect(failed[0].reason).toBeInstanceOf(ConcurrencyError);
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
