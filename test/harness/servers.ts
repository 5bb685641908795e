// startServers(): the one entry point that brings up every backend the caller wants, in
// parallel, and decides what a missing one means (skip loudly, or fail when required).
// Free of vitest imports, so bench/run.ts and the demo can use it under plain tsx.
import { startDynamo, type StartedDynamo } from './dynamodb.js';
import { dynamoSourcesFromEnv, isCI, pgSourcesFromEnv, requiredFromEnv, wantedFromEnv } from './env.js';
import { startMysql, type StartedMysql } from './mysql.js';
import { startPostgres, type StartedPg } from './postgres.js';
import { ProcessGuard } from './processes.js';
import type { BackendName, Reasons, Servers, StartOptions } from './types.js';

const PREFIX = '[quern-harness]';
const defaultLog = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function timed<T>(work: () => Promise<T>): Promise<{ value?: T; error?: string; ms: number }> {
  const t0 = performance.now();
  try {
    return { value: await work(), ms: performance.now() - t0 };
  } catch (error) {
    return { error: message(error), ms: performance.now() - t0 };
  }
}

export async function startServers(opts: StartOptions = {}): Promise<Servers> {
  const log = opts.log ?? defaultLog;
  const required = new Set<BackendName>(opts.require ?? requiredFromEnv());
  const wanted = new Set<BackendName>([...(opts.want ?? wantedFromEnv()), ...required]);
  const guard = new ProcessGuard();
  const t0 = performance.now();

  const notWanted = async (): Promise<never> => {
    throw new Error('not requested (QUERN_TEST_BACKENDS or startServers({ want }))');
  };
  const [pg, ddb, my] = await Promise.all([
    timed<StartedPg>(() => (wanted.has('postgres') ? startPostgres({ guard, sources: pgSourcesFromEnv() }) : notWanted())),
    timed<StartedDynamo>(() => (wanted.has('dynamodb') ? startDynamo({ guard, sources: dynamoSourcesFromEnv() }) : notWanted())),
    timed<StartedMysql>(() => (wanted.has('mysql') ? startMysql({ guard }) : notWanted())),
  ]);

  const reasons: Reasons = {};
  if (pg.error !== undefined) reasons.postgres = pg.error;
  if (ddb.error !== undefined) reasons.dynamodb = ddb.error;
  if (my.error !== undefined) reasons.mysql = my.error;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      const results = await Promise.allSettled([pg.value?.stop(), ddb.value?.stop(), my.value?.stop()]);
      guard.dispose();
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length) throw new Error(`${PREFIX} teardown failed: ${failed.map((f) => message(f.reason)).join('; ')}`);
    })());

  log(`${PREFIX} pglite, sqlite: in-process (always available)`);
  for (const [name, result] of [
    ['postgres', pg],
    ['dynamodb', ddb],
    ['mysql', my],
  ] as const) {
    if (result.value) log(`${PREFIX} ${name}: ${result.value.description} (${seconds(result.ms)})`);
    else if (!wanted.has(name)) log(`${PREFIX} ${name}: not started, ${result.error}`);
  }

  const missing = (['postgres', 'dynamodb', 'mysql'] as const).filter((name) => wanted.has(name) && reasons[name] !== undefined);
  const fatal = missing.filter((name) => required.has(name));
  if (fatal.length) {
    await stop().catch(() => undefined);
    const why = opts.require
      ? 'required by the caller'
      : isCI()
        ? 'CI is set, so postgres, dynamodb and mysql are required'
        : `QUERN_REQUIRE=${process.env.QUERN_REQUIRE ?? ''}`;
    throw new Error(`${PREFIX} required backend(s) unavailable (${why}):\n` + fatal.map((name) => `  ${name}: ${indent(reasons[name]!)}`).join('\n'));
  }
  if (missing.length) log(banner(missing.map((name) => `SKIPPING ${name} tests: ${reasons[name]}`)));
  log(`${PREFIX} ready in ${seconds(performance.now() - t0)}`);

  return { postgres: pg.value?.server ?? null, dynamodb: ddb.value?.server ?? null, mysql: my.value?.server ?? null, reasons, stop };
}

function indent(text: string, pad = '  '): string {
  return text.replace(/\n/g, `\n${pad}`);
}

function banner(lines: string[]): string {
  const rule = `${PREFIX} ${'!'.repeat(78)}`;
  return [
    rule,
    ...lines.flatMap((l) => l.split('\n')).map((l) => `${PREFIX} !! ${l}`),
    `${PREFIX} !! Those tests will be reported as skipped. Set QUERN_REQUIRE=postgres,dynamodb,mysql to make this an error.`,
    rule,
  ].join('\n');
}
