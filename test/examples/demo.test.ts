/**
 * `npm run demo` is the README's first command: run it as a user would (output
 * piped, so not a TTY) and check it works, ends with its summary, finds rows for
 * every search, wraps its SQL to 100 columns and prints no test-harness noise.
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const REPO = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');

async function runDemo(): Promise<{ code: number; stdout: string; stderr: string }> {
  // A user's environment, not the test runner's: no NODE_ENV=test, no VITEST flags.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'NODE_ENV' || k.startsWith('VITEST')) delete env[k];
  try {
    const { stdout, stderr } = await promisify(execFile)(resolve(REPO, 'node_modules/.bin/tsx'), ['examples/blog/main.ts'], { cwd: REPO, env, maxBuffer: 16 << 20 });
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

describe('the blog demo (npm run demo, on PGlite)', () => {
  it('runs, finds rows for every search, wraps SQL and ends with its summary', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await runDemo();
    expect(stderr).toBe('');
    expect(code).toBe(0);

    // Progress while PGlite starts: a plain line before and after, since this is not a TTY.
    expect(stdout).toMatch(/^starting PGlite .*…$/m);
    expect(stdout).toMatch(/^done: starting PGlite .* \(\d+\.\ds\)$/m);

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
