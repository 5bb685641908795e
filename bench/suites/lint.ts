/**
 * Lint throughput: bench/lint-bench.ts (owned by the lint engineer) generates a
 * codebase and lints it. Loaded dynamically so the bench still runs, with a
 * clear note, while it does not exist.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LintFigure } from '../lib/results.js';

export const LINT_SIZE = { files: 300, sites: 2000 } as const;

interface LintBenchModule {
  runLintBench(opts: { files: number; sites: number }): Promise<{ sites: number; seconds: number; sitesPerSecond: number; cpuSeconds?: number }>;
}

export async function runLint(_quick: boolean, log: (s: string) => void): Promise<LintFigure | { skipped: string }> {
  const path = fileURLToPath(new URL('../lint-bench.ts', import.meta.url));
  if (!existsSync(path)) return { skipped: 'bench/lint-bench.ts (runLintBench) does not exist yet' };
  // A variable specifier keeps tsc from requiring the module while it is being written.
  const spec = '../lint-bench.js';
  const mod = (await import(spec)) as Partial<LintBenchModule>;
  if (typeof mod.runLintBench !== 'function') return { skipped: 'bench/lint-bench.ts does not export runLintBench' };
  const r = await mod.runLintBench({ ...LINT_SIZE });
  log(`  ${r.sites} sites in ${r.seconds.toFixed(2)} s`);
  const cpu = typeof r.cpuSeconds === 'number' && r.cpuSeconds > 0 ? r.cpuSeconds : null;
  return {
    files: LINT_SIZE.files,
    sites: r.sites,
    seconds: Math.round(r.seconds * 1000) / 1000,
    sitesPerSecond: Math.round(r.sitesPerSecond),
    ...(cpu ? { cpuSeconds: Math.round(cpu * 1000) / 1000, sitesPerCpuSecond: Math.round(r.sites / cpu) } : {}),
  };
}
