/**
 * `npm run demo` is the README's first command: run it as a user would (output
 * piped, so not a TTY) and check it works, ends with its summary, finds rows for
 * every search, wraps its SQL to 100 columns and prints no test-harness noise.
 * Its embedded targets (PGlite, the default, and SQLite) both run here; the
 * targets come from the registry, so `--target` takes exactly its names.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

async function runDemo(args: readonly string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  // A user's environment, not the test runner's: no NODE_ENV=test, no VITEST flags.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'NODE_ENV' || k.startsWith('VITEST')) delete env[k];
  try {
    const { stdout, stderr } = await promisify(execFile)(resolve(REPO, 'node_modules/.bin/tsx'), ['examples/blog/main.ts', ...args], { cwd: REPO, env, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

/** The demo's sections: a `── title ───` rule, then that step's lines. */
function sections(stdout: string): { title: string; body: string[] }[] {
  const out: { title: string; body: string[] }[] = [];
  for (const line of stdout.split('\n')) {
    const rule = /^── (.+?) ─+$/.exec(line);
    if (rule) out.push({ title: rule[1], body: [] });
    else out.at(-1)?.body.push(line);
  }
  return out;
}

const RUNS = [
  // Progress while PGlite starts: a plain line before and after, since this is not a TTY.
  { target: 'pglite', args: [], progress: 'starting PGlite (embedded PostgreSQL)', plan: 'postgres', placeholder: '$1' },
  { target: 'sqlite', args: ['--target', 'sqlite'], progress: 'opening SQLite in memory', plan: 'sqlite', placeholder: '= ?' },
] as const;

describe.each(RUNS)('the blog demo (npm run demo, on $target)', (run) => {
  it('runs, finds rows for every search, wraps SQL and ends with its summary', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runDemo(run.args);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^quern blog demo on ${run.target}$`, 'm'));

    expect(stdout).toContain(`\n${run.progress}…\n`);
    expect(stdout).toMatch(new RegExp(`^done: ${run.progress.replace(/[()]/g, '\\$&')} \\(\\d+\\.\\ds\\)$`, 'm'));
    // Each step shows the plan of the target it ran on first, in that target's SQL.
    const firstPlan = /^ {2}plan on (\S+?)( ✗ FLAGGED)?:\n {4}1\. (.*)$/m.exec(stdout);
    expect(firstPlan?.[1]).toBe(run.plan);
    expect(firstPlan?.[3]).toMatch(/^SELECT /);
    expect(stdout.slice(firstPlan!.index, firstPlan!.index + 400)).toContain(run.placeholder);

    const summary = /^summary: (\d+) queries run \((\d+) database requests\), (\d+) refusals found \(([^)]*)\), (\d+) fixes suggested$/m.exec(
      stdout.replace(/\n {2}(?=\S)/g, ' '),
    );
    expect(summary, 'the summary line').not.toBeNull();
    const [, queries, requests, refusals, byCode, fixes] = summary!;
    expect(Number(queries)).toBeGreaterThan(0);
    expect(Number(requests)).toBeGreaterThanOrEqual(Number(queries));
    expect(Number(refusals)).toBeGreaterThan(0);
    // Every code counted in the summary was printed by a plan above it.
    for (const [, codeName] of byCode.matchAll(/([a-z-]+) on dynamodb ×\d+/g)) expect(stdout).toContain(`error ${codeName}:`);
    expect(Number(fixes)).toBeGreaterThan(0);

    const steps = sections(stdout).filter((s) => s.title !== 'summary');
    expect(steps.length).toBe(Number(queries));
    const searches = steps.filter((s) => s.body.some((l) => /^ {2}result: \d+ rows?$/.test(l)));
    // Every step but the one write is a search, and each one found something.
    expect(searches.length).toBe(steps.length - 1);
    for (const s of searches) {
      const n = Number(/^ {2}result: (\d+) rows?$/m.exec(s.body.join('\n'))![1]);
      expect(n, s.title).toBeGreaterThan(0);
    }

    expect(stdout).not.toContain('[quern-harness]');
    expect(stdout).not.toMatch(/NodeVersion|DeprecationWarning|AWS SDK/);
    const long = stdout.split('\n').filter((l) => l.length > 100);
    expect(long).toEqual([]);
  });
});

describe('the blog demo with a bad --target', () => {
  it('exits 2 naming the registered targets', { timeout: 60_000 }, async () => {
    const { code, stdout, stderr } = await runDemo(['--target', 'nosuch']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("Unknown --target 'nosuch'.");
    expect(stderr).toMatch(/--target <postgres\|pglite\|dynamodb\|sqlite\b/);
  });
});
