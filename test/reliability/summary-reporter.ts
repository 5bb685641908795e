/**
 * Prints the reliability summary table after `npm run test:stress` (and after
 * any run that passes `--reporter=./test/reliability/summary-reporter.ts`).
 * The figures come from the tests' task meta (see figures.ts).
 */
import type { Reporter, TestModule } from 'vitest/node';
import { merge, type Figures } from './figures.js';

const sum = (m: Record<string, number> | undefined) => Object.values(m ?? {}).reduce((a, b) => a + b, 0);

export function summaryTable(f: Figures, failedTests: number): string {
  const rows: [string, string][] = [];
  rows.push(['generated read queries (pglite oracle vs postgres and dynamodb)', String(f.queriesGenerated ?? 0)]);
  rows.push(['  compared with the oracle: dynamodb ran them', String(f.queriesCompared ?? 0)]);
  for (const [code, n] of Object.entries(f.queriesRefused ?? {}).sort()) rows.push([`  refused by dynamodb: ${code}`, String(n)]);
  if (f.queriesInvalid) rows.push(['  rejected as invalid on every target (ValidationError)', String(f.queriesInvalid)]);
  if (f.manyToManyGenerated)
    rows.push(['  including or counting a manyToMany relation (compared with dynamodb)', `${f.manyToManyGenerated} (${f.manyToManyCompared ?? 0})`]);
  rows.push(['random writes replayed and compared', String(f.writesCompared ?? 0)]);
  rows.push(['faults injected', String(sum(f.faults))]);
  for (const [kind, n] of Object.entries(f.faults ?? {}).sort()) rows.push([`  ${kind}`, String(n)]);
  rows.push(['concurrent workers (summed over workloads and targets)', String(f.workers ?? 0)]);
  rows.push(['concurrent operations attempted', String(f.operations ?? 0)]);
  rows.push(['  retried after a ConcurrencyError', String(f.retries ?? 0)]);
  rows.push(['hostile inputs tried (per target)', String(sum(f.hostile))]);
  const families: Record<string, number> = {};
  for (const [entry, n] of Object.entries(f.hostile ?? {})) families[entry.split('.')[0]] = (families[entry.split('.')[0]] ?? 0) + n;
  for (const [family, n] of Object.entries(families).sort()) rows.push([`  ${family}`, String(n)]);
  rows.push(['invariant violations found', String(f.violations ?? 0)]);
  rows.push(['failed tests', String(failedTests)]);
  const w = Math.max(...rows.map(([k]) => k.length));
  const v = Math.max(...rows.map(([, x]) => x.length));
  const line = `+${'-'.repeat(w + 2)}+${'-'.repeat(v + 2)}+`;
  return [
    line,
    `| ${'quern reliability summary'.padEnd(w)} | ${''.padStart(v)} |`,
    line,
    ...rows.map(([k, x]) => `| ${k.padEnd(w)} | ${x.padStart(v)} |`),
    line,
    'migration faults (crash, concurrent apply, edited migrations): test/migrations/reliability.test.ts and cli.test.ts, run by npm test',
  ].join('\n');
}

export default class ReliabilitySummary implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const total: Figures = {};
    let failed = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const f = t.meta().reliability;
        if (f) merge(total, f);
        if (t.result().state === 'failed') failed++;
      }
    }
    process.stdout.write(`\n${summaryTable(total, failed)}\n`);
  }
}
