/** The `quern` program end to end: exit codes, formats, explain, help, and failures to run. */
import { execFile } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/main.js';
import { FIXTURE } from './fixture.js';

const ROOT = join(FIXTURE, '..', '..', '..');
const SCRATCH = join(ROOT, 'test', 'fixtures', 'generated', `cli-${process.pid}`);
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

/** Runs the CLI in this process, capturing what it writes. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
  try {
    const code = await run(['node', 'quern', ...args]);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}

const config = ['--config', join(FIXTURE, 'quern.config.ts')];

describe('quern lint --changed', () => {
  /** A copy of the fixture app as its own git repository, with one commit. */
  function repo(): { dir: string; config: string[]; git: (...a: string[]) => string } {
    const dir = join(SCRATCH, 'changed', 'lint-app');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    cpSync(FIXTURE, dir, { recursive: true });
    const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@t', ...a], { encoding: 'utf8' });
    git('init', '-q', '-b', 'base');
    git('add', '-A');
    git('commit', '-qm', 'base');
    return { dir, config: ['--config', join(dir, 'quern.config.ts')], git };
  }

  it('lints only the files changed against the ref, uncommitted and new ones included', { timeout: 120_000 }, async () => {
    const { dir, config: cfg, git } = repo();
    const clean = await cli('lint', '-t', 'dynamodb', '-f', 'json', '--changed', ...cfg);
    expect(JSON.parse(clean.stdout).summary.files).toBe(0);
    expect(clean.code).toBe(0);
    expect(clean.stderr).toContain('0 of 4 files changed');

    appendFileSync(join(dir, 'src', 'helpers.ts'), '\n// touched\n');
    const r = await cli('lint', '-t', 'dynamodb', '-f', 'json', '--changed', 'HEAD', ...cfg);
    const report = JSON.parse(r.stdout);
    expect(report.summary.files).toBe(1);
    expect(new Set(report.findings.map((f: { file: string }) => f.file))).toEqual(new Set(['src/helpers.ts']));
    expect(r.code).toBe(1);

    // Committed on a branch: still changed against the branch point.
    git('checkout', '-qb', 'feature');
    git('commit', '-qam', 'touch helpers');
    writeFileSync(join(dir, 'src', 'new.ts'), 'export const x = 1;\n');
    const branch = await cli('lint', '-t', 'dynamodb', '-f', 'json', '--changed', 'base', ...cfg);
    expect(branch.stderr).toContain('2 of 5 files changed');
    expect(JSON.parse(branch.stdout).summary.files).toBe(2);
  });

  it('lints everything when the schema changed, and fails to run (2) on an unknown ref', { timeout: 120_000 }, async () => {
    const { dir, config: cfg } = repo();
    appendFileSync(join(dir, 'schema.ts'), '\n// touched\n');
    const r = await cli('lint', '-t', 'dynamodb', '-f', 'json', '--changed', ...cfg);
    expect(JSON.parse(r.stdout).summary.files).toBe(4);
    expect(r.stderr).toContain('schema.ts changed, so every file is linted');

    const bad = await cli('lint', '-t', 'dynamodb', '--changed', 'no-such-ref', ...cfg);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--changed needs git');
  });
});

describe('quern lint (command line)', () => {
  it('exits 1 on errors and groups findings by file, without colour off a terminal', async () => {
    const r = await cli('lint', '--target', 'dynamodb', ...config);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^src\/helpers\.ts\n/m);
    expect(r.stdout).toMatch(/^src\/queries\.ts\n/m);
    expect(r.stdout).toMatch(/\d+:\d+\s+error\s+scan-required\s+Post\.findMany on dynamodb: /);
    expect(r.stdout).toContain('fix: ');
    expect(r.stdout).toContain("Post: index('authorId', 'title') fixes 2 queries (dynamodb)");
    expect(r.stdout).toMatch(/✖ 15 errors, 4 warnings \(.*2 suppressed\)/);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('--target sqlite plans every site for SQLite, alone or beside another target', async () => {
    const r = await cli('lint', '--target', 'sqlite', ...config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/! 0 errors, 3 warnings \(49 query sites in 4 files, targets: sqlite\)/);

    const both = await cli('lint', '-t', 'sqlite,dynamodb', '-f', 'json', ...config);
    expect(both.code).toBe(1);
    const findings: { target: string | null; severity: string }[] = JSON.parse(both.stdout).findings;
    // SQLite runs every query of the app; the errors are DynamoDB's, named by target.
    expect(findings.filter((f) => f.severity === 'error' && f.target === 'dynamodb').length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.target === 'sqlite')).toEqual([]);
  });

  it('exits 0 with warnings only, and 1 when they exceed --max-warnings', async () => {
    expect((await cli('lint', '-t', 'postgres', '--max-warnings', '3', ...config)).code).toBe(0);
    expect((await cli('lint', '-t', 'postgres', '--max-warnings', '0', ...config)).code).toBe(1);
  });

  it('lints only the paths given', async () => {
    const r = await cli('lint', '-t', 'dynamodb', '--format', 'json', ...config, join(FIXTURE, 'src', 'helpers.ts'));
    const report = JSON.parse(r.stdout);
    expect(report.summary.files).toBe(1);
    expect(new Set(report.findings.map((f: { file: string }) => f.file))).toEqual(new Set(['src/helpers.ts']));
    expect(r.code).toBe(1);
  });

  it('writes github annotations', async () => {
    const workspace = process.env.GITHUB_WORKSPACE;
    process.env.GITHUB_WORKSPACE = ROOT;
    const r = await cli('lint', '-t', 'dynamodb', '--format', 'github', ...config).finally(() => {
      if (workspace === undefined) delete process.env.GITHUB_WORKSPACE;
      else process.env.GITHUB_WORKSPACE = workspace;
    });
    const lines = r.stdout.trim().split('\n');
    const annotations = lines.filter((l) => l.startsWith('::error ') || l.startsWith('::warning '));
    expect(annotations).toHaveLength(19);
    // Paths are relative to the repository (GITHUB_WORKSPACE, else the current folder), not to the config.
    expect(annotations).toContainEqual(
      expect.stringMatching(
        /^::error file=test\/fixtures\/lint-app\/src\/queries\.ts,line=\d+,col=\d+,title=quern scan-required \(dynamodb\)::Post\.findMany: .*%0Afix: /,
      ),
    );
    // Property values escape ':' and ','; messages escape newlines.
    for (const a of annotations) expect(a.split('::').length).toBe(3);
    expect(lines.filter((l) => l.startsWith('::notice '))).toHaveLength(4);
  });

  it('writes the report to --output', async () => {
    const out = join(SCRATCH, 'report.json');
    mkdirSync(SCRATCH, { recursive: true });
    const r = await cli('lint', '-t', 'dynamodb', '-f', 'json', '-o', out, ...config);
    expect(r.code).toBe(1);
    expect(existsSync(out)).toBe(true);
  });

  it('exits 2 with the reason when it cannot run', async () => {
    const missing = await cli('lint', '--config', join(SCRATCH, 'nope.config.ts'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/config file not found/);

    const badTarget = await cli('lint', '-t', 'oracle', ...config);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr).toMatch(/unknown target 'oracle'/);

    const badFormat = await cli('lint', '--format', 'xml', ...config);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toMatch(/xml/);

    // A schema that defineSchema rejects.
    const broken = join(SCRATCH, 'broken');
    mkdirSync(join(broken, 'src'), { recursive: true });
    writeFileSync(join(broken, 'quern.config.ts'), "export default { schema: './schema.ts', include: ['src/**/*.ts'] };\n");
    writeFileSync(
      join(broken, 'schema.ts'),
      "import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ thing: model('Thing', { name: f.string() }) });\n",
    );
    const badSchema = await cli('lint', '--config', join(broken, 'quern.config.ts'));
    expect(badSchema.code).toBe(2);
    expect(badSchema.stderr).toMatch(/schema .* is invalid: model Thing has no key/);

    // A source file TypeScript cannot parse.
    writeFileSync(
      join(broken, 'schema.ts'),
      "import { defineSchema, f, model } from 'quern';\nexport const schema = defineSchema({ thing: model('Thing', { id: f.uuid().key() }) });\n",
    );
    writeFileSync(join(broken, 'src', 'bad.ts'), 'export const x = {;\n');
    const syntax = await cli('lint', '--config', join(broken, 'quern.config.ts'));
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/bad\.ts:1:\d+: syntax error/);

    // A config without a schema export.
    writeFileSync(join(broken, 'schema.ts'), 'export const notASchema = 1;\n');
    rmSync(join(broken, 'src', 'bad.ts'));
    const noSchema = await cli('lint', '--config', join(broken, 'quern.config.ts'));
    expect(noSchema.code).toBe(2);
    expect(noSchema.stderr).toMatch(/must export the schema .* it exports: notASchema/);
  });

  it('has --help on the program and each command', async () => {
    const top = await cli('--help');
    expect(top.code).toBe(0);
    for (const c of ['lint', 'explain', 'migrate', 'db']) expect(top.stdout).toContain(c);
    const lint = await cli('lint', '--help');
    expect(lint.code).toBe(0);
    for (const o of ['--target', '--format', '--max-warnings', '--shapes', 'quern-allow', 'Exit codes']) expect(lint.stdout).toContain(o);
    const explain = await cli('explain', '--help');
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('<file>:<line>');
  });
});

describe('quern explain', () => {
  it('prints the SQL and the DynamoDB operations with their diagnostics', async () => {
    const queries = join(FIXTURE, 'src', 'queries.ts');
    const src = (await import('node:fs')).readFileSync(queries, 'utf8').split('\n');
    const line = src.findIndex((l) => l.includes('publishedPosts: (db: AppDb)')) + 1;
    const r = await cli('explain', `${queries}:${line}`, ...config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Post\.findMany/);
    expect(r.stdout).toMatch(/postgres:\n\s+1\. SELECT .*FROM "Post"/);
    expect(r.stdout).toMatch(/dynamodb:\n\s+1\. Scan /);
    expect(r.stdout).toMatch(/error scan-required: /);

    const indexed = src.findIndex((l) => l.includes('postsByAuthorNewest:')) + 2;
    const q = await cli('explain', `${queries}:${indexed}`, '-t', 'dynamodb', ...config);
    expect(q.stdout).toMatch(/Query .*Post_authorId_createdAt_idx/);
    expect(q.stdout).toContain('no diagnostics');
    expect(q.stdout).not.toContain('postgres:');
  });

  it('--target sqlite prints SQLite SQL: ? placeholders, json_group_array for an include, no PostgreSQL words', async () => {
    const queries = join(FIXTURE, 'src', 'queries.ts');
    const src = (await import('node:fs')).readFileSync(queries, 'utf8').split('\n');
    const line = src.findIndex((l) => l.includes('publishedPosts: (db: AppDb)')) + 1;
    const r = await cli('explain', `${queries}:${line}`, '-t', 'sqlite', ...config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sqlite:\n\s+1\. SELECT .*FROM "Post" "t0" WHERE "t0"\."status" = \?$/m);
    expect(r.stdout).toContain('no diagnostics');
    expect(r.stdout).not.toContain('postgres:');

    const included = src.findIndex((l) => l.includes('userWithRecentPosts:')) + 2;
    const inc = await cli('explain', `${queries}:${included}`, '--target', 'sqlite', ...config);
    expect(inc.code).toBe(0);
    expect(inc.stdout).toMatch(/^sqlite:\n\s+1\. SELECT .*coalesce\(json_group_array\(json_object\('id', .*LIMIT \?\) "t\d+"\) AS "posts" FROM "User"/m);
    expect(inc.stdout).not.toMatch(/\$\d|::|json_agg|jsonb/);
  });

  it('explains a recorded shape', async () => {
    const r = await cli('explain', '--shape', '{"kind":"count","model":"post","where":null,"allowScan":false}', ...config);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Post\.count/);
    expect(r.stdout).toMatch(/postgres:\n\s+1\. SELECT count\(\*\)/);
    expect(r.stdout).toMatch(/error count-requires-scan: /);
  });

  it('exits 2 when no query is at that line', async () => {
    const r = await cli('explain', `${join(FIXTURE, 'src', 'queries.ts')}:1`, ...config);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no quern query at .*queries\.ts:1/);
  });
});

const BIN = join(ROOT, 'bin', 'quern.mjs');
const BUILT = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));

describe.skipIf(!BUILT)('bin/quern.mjs (the built CLI)', () => {
  it('runs lint from dist with the same verdict', async () => {
    const r = await promisify(execFile)(process.execPath, [BIN, 'lint', '-t', 'dynamodb', '-f', 'json', ...config], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    }).then(
      (x) => ({ code: 0, stdout: x.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).summary.errors).toBe(15);
  });
});
