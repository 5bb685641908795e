// Errors a first-time user meets on PostgreSQL: a table not created yet, a malformed URL, a server
// that is not running. Each names the problem and the way out.
import { describe, expect, it } from 'vitest';
import { createClient, DriverError, ValidationError } from 'quern';
import { pglite, postgres } from 'quern/postgres';
import { pgSchema } from './schema.js';
import { pgliteOptions } from '../harness/index.js';

async function failure(p: PromiseLike<unknown>): Promise<unknown> {
  return Promise.resolve(p).then(
    () => null,
    (e: unknown) => e,
  );
}

describe('PostgreSQL papercuts', () => {
  it('a query on a table that does not exist says to push or migrate, like DynamoDB', async () => {
    const db = await createClient({ schema: pgSchema, driver: pglite(pgliteOptions()) });
    try {
      const e = await failure(db.account.findMany({ where: { handle: 'x' } }));
      expect(e).toBeInstanceOf(DriverError);
      expect((e as Error).message).toMatch(/relation "Account" does not exist/);
      expect((e as Error).message).toMatch(/model Account/);
      expect((e as Error).message).toMatch(/db\.push\(\) or quern db push \(development\) or quern migrate apply/);
    } finally {
      await db.close();
    }
  });

  it.each([
    ['localhost:5432/app', /'localhost:5432\/app' is not a PostgreSQL URL: it must start with postgres:\/\//],
    ['mysql://root@localhost/app', /'mysql:\/\/\*\*\*@localhost\/app' is not a PostgreSQL URL/],
    ['postgres://user:hunter2@', /not a URL|names no host/],
  ])('postgres({ connectionString: %j }) is a ValidationError naming the problem, before any I/O', (connectionString, problem) => {
    let e: unknown;
    try {
      postgres({ connectionString });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).path).toBe('connectionString');
    expect((e as Error).message).toMatch(problem);
    expect((e as Error).message).not.toMatch(/ENOTFOUND|hunter2/);
  });

  it('a server that is not running is "connection refused to host:port", not an SQLSTATE', { timeout: 60_000 }, async () => {
    // Port 1 (tcpmux) has no PostgreSQL server on a test machine: the kernel refuses at once.
    const db = await createClient({ schema: pgSchema, driver: postgres({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' }) });
    try {
      const e = await failure(db.account.findMany({}));
      expect(e).toBeInstanceOf(DriverError);
      expect((e as Error).message).toMatch(/connection refused to 127\.0\.0\.1:1\b/);
      expect((e as Error).message).not.toMatch(/SQLSTATE/);
    } finally {
      await db.close();
    }
  });
});
