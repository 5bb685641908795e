/**
 * What pointing errors at the caller costs. quern records nothing when a query is created (see
 * src/engine/site.ts): the application's line is found only when a query fails. So the cost per
 * successful query is bounded by creating the query object itself, measured here with, for
 * scale, what an eager one-frame stack capture per query (the alternative not taken) would add,
 * and what a failing query pays for its rewritten stack.
 */
import { createClient, type Driver, type Executor } from '../../src/index.js';
import { postgresTarget } from '../../drivers/postgres/index.js';
import { micro } from '../lib/measure.js';
import type { MicroFigure } from '../lib/results.js';
import { round, summarize, type Summary } from '../lib/stats.js';
import { schema } from '../schema.js';
import * as seed from '../seed.js';

const fig = (id: string, title: string, s: Summary, note?: string): MicroFigure => ({
  id,
  title,
  usPerOp: round(s.median, 3),
  p95: round(s.p95, 3),
  ...(note ? { note } : {}),
});

export async function runCallSiteBench(quick: boolean): Promise<{ figures: MicroFigure[] }> {
  const opts = quick ? { batchMs: 8, samples: 11, warmupMs: 100 } : { batchMs: 15, samples: 25, warmupMs: 200 };
  // No query here reaches the executor: they are never run, or fail validation before it.
  const driver: Driver = {
    name: 'postgres',
    target: postgresTarget,
    raw: null,
    connect: async () => ({}) as Executor,
    push: async () => undefined,
    close: async () => undefined,
  };
  const db = await createClient({ schema, driver, strict: false });
  const ids = Array.from({ length: 1000 }, (_, i) => seed.benchId(1, i));
  const figures: MicroFigure[] = [];

  const create = (i: number) => db.user.findUnique({ where: { id: ids[i % 1000] } });
  figures.push(
    fig(
      'site-create',
      'creating a query (db.user.findUnique(...), not run)',
      micro(create, opts),
      'all a successful query pays for caller sites: nothing is recorded',
    ),
  );

  function eager(i: number) {
    const q = create(i);
    const holder: { stack?: string } = {};
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 1;
    Error.captureStackTrace(holder, eager);
    Error.stackTraceLimit = limit;
    return [q, holder];
  }
  figures.push(fig('site-eager', 'the same with an eager one-frame stack capture', micro(eager, opts), 'the design not taken, for scale'));

  // A failing query, awaited: validation fails before any I/O, then the stack is rewritten.
  const bad = { where: { id: 'not-a-uuid' } };
  const samples: number[] = [];
  const cpu = () => process.cpuUsage().user / 1000;
  const per = quick ? 200 : 500;
  for (let s = 0; s < (quick ? 7 : 15); s++) {
    const t0 = cpu();
    for (let k = 0; k < per; k++)
      await db.user.findUnique(bad).then(
        () => undefined,
        (e: unknown) => (e as Error).stack,
      );
    samples.push(((cpu() - t0) * 1000) / per);
  }
  figures.push(fig('site-error', 'a failing query, awaited (ValidationError + stack rewrite)', summarize(samples), 'paid only by queries that fail'));
  await db.close();
  return { figures };
}
