/**
 * `npm run bench` (full, < 15 min) and `npm run bench -- --quick` (< 2 min).
 *
 * Starts PostgreSQL and DynamoDB Local through the test harness, loads fixed
 * seed data, runs every workload for every contender in interleaved rounds
 * after a warm-up, then writes bench/results/latest.json and renders the
 * table, the Markdown (docs/performance.md, README) and the SVG chart from it.
 *
 *   --quick              fewer rounds; the same workloads
 *   --only=a,b           run some parts: postgres, pglite, dynamodb, colocated, planner, mapping, callsite, tracing, lint, memory, typecheck
 *                        (results go to bench/generated/results/partial.*, gitignored; latest.* is left alone)
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServers } from '../test/harness/servers.js';
import type { BackendName, Servers } from '../test/harness/types.js';
import type { BenchResults, ComparisonSuite } from './lib/results.js';
import { markdownReport, svgChart, textReport } from './lib/report.js';
import { computeTargets } from './lib/targets.js';
import { errorText } from './lib/measure.js';
import { PG_CONTENDERS, runPgSuite, SCALES } from './suites/postgres.js';
import { openPgliteTarget, openServerTarget } from './suites/pg-targets.js';
import { DYNAMO_CONTENDERS, runDynamoSuite, DYNAMO_SCALES } from './suites/dynamodb.js';
import { runPlannerBench, runRowMappingBench } from './suites/planner.js';
import { runLint } from './suites/lint.js';
import { runMemory } from './suites/memory.js';
import { runTypecheck } from './suites/typecheck.js';
import { runTracingBench } from './suites/tracing.js';
import { runColdStart } from './suites/coldstart.js';
import { runCallSiteBench } from './suites/call-site.js';
import { runColocatedBench } from './suites/colocated.js';

const PARTS = ['postgres', 'coldstart', 'pglite', 'dynamodb', 'colocated', 'planner', 'mapping', 'callsite', 'tracing', 'lint', 'memory', 'typecheck'] as const;
type Part = (typeof PARTS)[number];

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

function parseArgs(argv: string[]): { quick: boolean; only: Set<Part> | null } {
  let quick = false;
  let only: Set<Part> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') quick = true;
    else if (a === '--full') quick = false;
    else if (a === '--only' || a.startsWith('--only=')) {
      const raw = a === '--only' ? (argv[++i] ?? '') : a.slice('--only='.length);
      const parts = raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      for (const p of parts) {
        if (!(PARTS as readonly string[]).includes(p)) {
          console.error(`--only: unknown part '${p}' (expected ${PARTS.join(', ')})`);
          process.exit(2);
        }
      }
      only = new Set(parts as Part[]);
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench [-- --quick] [-- --only=postgres,pglite,dynamodb,colocated,planner,mapping,callsite,lint,memory,typecheck]');
      process.exit(0);
    } else {
      console.error(`unknown argument '${a}' (try --help)`);
      process.exit(2);
    }
  }
  return { quick, only };
}

const started = performance.now();
/** Progress on stderr, stamped with seconds since start, so stdout holds only the report. */
const log = (line: string) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);

async function main() {
  const { quick, only } = parseArgs(process.argv.slice(2));
  const wants = (p: Part) => !only || only.has(p);
  const mode = quick ? 'quick' : 'full';
  const t0 = performance.now();
  const loadAtStart = loadavg()[0];
  log(`quern bench: ${mode} run${only ? ` (${[...only].join(', ')})` : ''}`);

  const want: BackendName[] = [];
  if (wants('postgres') || wants('memory') || wants('coldstart')) want.push('postgres');
  if (wants('dynamodb') || wants('colocated')) want.push('dynamodb');
  let servers: Servers | null = null;
  if (want.length) servers = await startServers({ want, require: [], log });

  const suites: ComparisonSuite[] = [];
  let planner: BenchResults['planner'] = { skipped: 'not run (--only)' };
  let rowMapping: BenchResults['rowMapping'] = { skipped: 'not run (--only)' };
  let callSite: BenchResults['callSite'] = { skipped: 'not run (--only)' };
  let tracing: BenchResults['tracing'] = { skipped: 'not run (--only)' };
  let colocated: BenchResults['colocated'] = { skipped: 'not run (--only)' };
  let lint: BenchResults['lint'] = { skipped: 'not run (--only)' };
  let memory: BenchResults['memory'] = { skipped: 'not run (--only)' };
  let typecheck: BenchResults['typecheck'] = { skipped: 'not run (--only)' };
  let coldStart: BenchResults['coldStart'] = { skipped: 'not run (--only)' };
  const guard = async <T>(what: string, fallback: (why: string) => T, work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (e) {
      log(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return fallback(`${what} failed: ${errorText(e)}`);
    }
  };
  const skippedSuite =
    (id: ComparisonSuite['id'], title: string, baseline: string, contenders: string[]) =>
    (why: string): ComparisonSuite => ({ id, title, server: '', baseline, contenders, workloads: [], skipped: why });

  try {
    // In-process micro-benchmarks first, while the machine is quietest.
    if (wants('planner')) {
      log('planner micro-benchmarks');
      planner = await guard<BenchResults['planner']>(
        'planner',
        (skipped) => ({ skipped }),
        () => runPlannerBench(quick),
      );
    }
    if (wants('mapping')) {
      log('row mapping');
      rowMapping = await guard<BenchResults['rowMapping']>(
        'row mapping',
        (skipped) => ({ skipped }),
        () => runRowMappingBench(quick),
      );
    }

    if (wants('postgres') || wants('coldstart')) {
      const skip = skippedSuite('postgres', 'PostgreSQL server', 'pg', [...PG_CONTENDERS]);
      if (!servers?.postgres) {
        if (wants('postgres')) suites.push(skip(`no PostgreSQL server: ${servers?.reasons.postgres ?? 'not started'}`));
        coldStart = { skipped: `no PostgreSQL server: ${servers?.reasons.postgres ?? 'not started'}` };
      } else {
        log('PostgreSQL server');
        const pgUrl = servers.postgres.url;
        const source = servers.postgres.source;
        const pgSuite = await guard<ComparisonSuite | null>('PostgreSQL suite', skip, async () => {
          const opened = await openServerTarget(pgUrl, source, log);
          try {
            if (wants('coldstart')) {
              log(`  cold start (${quick ? 5 : 15} rounds of one new process per contender)`);
              coldStart = await guard<BenchResults['coldStart']>(
                'cold start',
                (skipped) => ({ skipped }),
                () => runColdStart(opened.connectionString, quick ? 5 : 15, log),
              );
            }
            return wants('postgres') ? await runPgSuite(opened.target, SCALES[mode], log) : null;
          } finally {
            await opened.close();
          }
        });
        if (pgSuite) suites.push(pgSuite);
      }
    }
    if (wants('pglite')) {
      log('PGlite');
      suites.push(
        await guard('PGlite suite', skippedSuite('pglite', 'PGlite', 'pg', [...PG_CONTENDERS]), async () => {
          const opened = await openPgliteTarget(log);
          try {
            return await runPgSuite(opened.target, SCALES[mode], log);
          } finally {
            await opened.close();
          }
        }),
      );
    }
    if (wants('dynamodb')) {
      const skip = skippedSuite('dynamodb', 'DynamoDB Local', 'raw', [...DYNAMO_CONTENDERS]);
      if (!servers?.dynamodb) suites.push(skip(`no DynamoDB Local: ${servers?.reasons.dynamodb ?? 'not started'}`));
      else {
        log('DynamoDB Local');
        const ddb = servers.dynamodb;
        suites.push(await guard('DynamoDB suite', skip, () => runDynamoSuite(ddb, DYNAMO_SCALES[mode], log)));
      }
    }
    if (wants('colocated')) {
      const ddb = servers?.dynamodb;
      if (!ddb) colocated = { skipped: `no DynamoDB Local: ${servers?.reasons.dynamodb ?? 'not started'}` };
      else {
        log('DynamoDB Local: colocated include');
        colocated = await guard<BenchResults['colocated']>(
          'colocated',
          (skipped) => ({ skipped }),
          () => runColocatedBench(ddb, DYNAMO_SCALES[mode], log),
        );
      }
    }
    if (wants('callsite')) {
      log('caller sites: cost per query');
      callSite = await guard<BenchResults['callSite']>(
        'callsite',
        (skipped) => ({ skipped }),
        () => runCallSiteBench(quick),
      );
    }
    if (wants('tracing'))
      tracing = await guard<BenchResults['tracing']>(
        'tracing',
        (skipped) => ({ skipped }),
        () => runTracingBench(quick),
      );
    if (wants('memory')) {
      log('memory (paginate 100,000 rows, in a child process)');
      memory = await guard<BenchResults['memory']>(
        'memory',
        (skipped) => ({ skipped }),
        () => runMemory(servers?.postgres?.url ?? null, log),
      );
    }
    if (wants('lint')) {
      log('lint throughput');
      lint = await guard<BenchResults['lint']>(
        'lint',
        (skipped) => ({ skipped }),
        () => runLint(quick, log),
      );
    }
    if (wants('typecheck')) {
      log('type-check cost (tsc --extendedDiagnostics on a generated 100-model schema)');
      typecheck = await guard<BenchResults['typecheck']>(
        'typecheck',
        (skipped) => ({ skipped }),
        () => runTypecheck(root, log),
      );
    }
  } finally {
    await servers?.stop().catch((e) => log(`stopping servers: ${errorText(e)}`));
  }

  const failed: string[] = [];
  if (typecheck.skipped === undefined && typecheck.ts2589) failed.push('TS2589 (type instantiation is excessively deep) in the generated 100-model schema');
  if (typecheck.skipped === undefined && typecheck.large && !('skipped' in typecheck.large) && typecheck.large.ts2589)
    failed.push('TS2589 (type instantiation is excessively deep) in the generated 400-model schema');

  const cpu = cpus();
  const partial = {
    version: 1 as const,
    generatedAt: new Date().toISOString(),
    mode: mode as 'quick' | 'full',
    durationSeconds: Math.round((performance.now() - t0) / 100) / 10,
    machine: {
      node: process.versions.node,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpu.length,
      cpuModel: cpu[0]?.model.trim() ?? 'unknown',
      memoryGB: Math.round(totalmem() / 2 ** 30),
      loadAverage: [Math.round(loadAtStart * 10) / 10, Math.round(loadavg()[0] * 10) / 10] as [number, number],
    },
    suites,
    planner,
    rowMapping,
    callSite,
    tracing,
    colocated,
    lint,
    memory,
    typecheck,
    coldStart,
    failed,
  };
  const results: BenchResults = { ...partial, targets: computeTargets(partial) };

  // Only complete runs are published; partial ones go where git does not look.
  const outDir = only ? join(here, 'generated', 'results') : join(here, 'results');
  await mkdir(outDir, { recursive: true });
  const base = only ? 'partial' : 'latest';
  await writeFile(join(outDir, `${base}.json`), JSON.stringify(results, null, 2) + '\n');
  await writeFile(join(outDir, `${base}.svg`), svgChart(results));
  const md = markdownReport(results);
  await writeFile(join(outDir, `${base}.md`), md + '\n');
  if (!only) {
    for (const file of [join(root, 'docs', 'performance.md'), join(root, 'README.md')]) await replaceMarked(file, md);
  }
  console.log(textReport(results));
  log(`wrote ${outDir.slice(root.length + 1)}/${base}.json, ${base}.svg and ${base}.md`);
  if (failed.length) process.exitCode = 1;
}

const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

/**
 * Replace the generated block between the markers, so the docs and the README
 * always show the run that latest.json holds. Files without markers are left alone.
 */
async function replaceMarked(file: string, md: string): Promise<void> {
  if (!existsSync(file)) return;
  const text = await readFile(file, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return;
  const next = `${text.slice(0, a + START.length)}\n<!-- generated by npm run bench from bench/results/latest.json; do not edit by hand -->\n\n${md}\n\n${text.slice(b)}`;
  if (next !== text) {
    await writeFile(file, next);
    log(`updated the results block in ${file.slice(root.length + 1)}`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
