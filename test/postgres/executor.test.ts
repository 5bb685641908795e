// The SQL executor below the client: a cached plan compiles its SQL once, and every statement
// is reported through the log hook with its text, bound params, row count and duration.
import { expect, it } from 'vitest';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { buildQuery, type QueryEvent } from 'quern';
import { pgCore, pgliteCore } from 'quern/postgres';
import { PlanCache } from '../../src/plan/planner.js';
import { SqlExecutor } from '../../src/engine/sql/executor.js';
import type { SqlDriverCore } from '../../src/engine/sql/core.js';
import { onPostgres } from './backends.js';
import { pgSchema } from './schema.js';

onPostgres('sql executor', (b) => {
  function countingCore(): { core: SqlDriverCore; compiled: string[] } {
    const real = b.name === 'pglite' ? pgliteCore(b.driver.raw as PGlite) : pgCore(b.driver.raw as pg.Pool);
    const compiled: string[] = [];
    const core: SqlDriverCore = {
      driver: real.driver,
      compile: (stmt) => {
        const c = real.compile(stmt);
        compiled.push(c.text);
        return c;
      },
      connection: () => real.connection(),
      transaction: (fn) => real.transaction(fn),
      mapError: (e, s, m) => real.mapError(e, s, m),
    };
    return { core, compiled };
  }

  it('a repeated shape skips planning and SQL serialisation', async () => {
    const a = await b.db.account.create({ data: { handle: 'one', name: 'One' } });
    const c = await b.db.account.create({ data: { handle: 'two', name: 'Two' } });
    const { core, compiled } = countingCore();
    const exec = new SqlExecutor(core);
    const plans = new PlanCache(pgSchema.def);
    const events: QueryEvent[] = [];
    const ctx = { schema: pgSchema.def, log: (e: QueryEvent) => void events.push(e) };
    const run = (id: string) => {
      const built = buildQuery(pgSchema.def, 'account', 'findUnique', { where: { id } });
      return exec.run({ plan: plans.get(built, b.driver.target), params: built.params }, ctx);
    };
    expect(await run(a.id)).toMatchObject({ handle: 'one' });
    expect(await run(c.id)).toMatchObject({ handle: 'two' });
    expect(await run('00000000-0000-7000-8000-000000000000')).toBeNull();
    expect(plans.planned).toBe(1);
    expect(plans.hits).toBe(2);
    expect(compiled).toHaveLength(1);
    expect(compiled[0]).toMatch(/WHERE "t0"\."id" = \$1::uuid$/);

    expect(events).toHaveLength(3);
    expect(events[0]).toMatchObject({ driver: b.name, model: 'Account', operation: 'sql', sql: compiled[0], params: [a.id], rowCount: 1 });
    expect(events[2].rowCount).toBe(0);
    for (const e of events) expect(e.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('the client reports one log event per statement, failed statements included', async () => {
    b.events.length = 0;
    await b.db.account.create({ data: { handle: 'x', name: 'X' } });
    await b.db.account.create({ data: { handle: 'x', name: 'dup' } }).then(
      () => null,
      () => null,
    );
    expect(b.events.map((e) => e.rowCount)).toEqual([1, 0]);
    expect(b.events.every((e) => e.sql?.startsWith('INSERT INTO "Account"'))).toBe(true);
  });
});
