/**
 * The docs stay honest: the README is short, every guide in docs/ is linked
 * from the index, and every TypeScript block of the README type-checks against
 * quern's real API (a renamed option breaks this test, not a reader).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { DIAGNOSTICS, type DiagnosticInfo } from '../src/plan/diagnostics.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const SCRATCH = join(ROOT, 'test', 'fixtures', 'generated', `docs-${process.pid}`);
afterAll(() => rmSync(SCRATCH, { recursive: true, force: true }));

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** The ```ts blocks of a markdown text; a block whose first line is `// path.ts` is that file. */
export function tsBlocks(markdown: string): { file: string; code: string }[] {
  const out: { file: string; code: string }[] = [];
  const re = /^```ts\n([\s\S]*?)^```/gm;
  for (let m = re.exec(markdown), i = 0; m; m = re.exec(markdown), i++) {
    const code = m[1];
    const named = /^\/\/ ([\w./-]+\.ts)\n/.exec(code);
    out.push({ file: named ? named[1] : `block-${i}.ts`, code });
  }
  return out;
}

/** Type-checks the blocks as files of one project, with the repository's compiler options (`quern` maps to src). */
function typeCheck(blocks: readonly { file: string; code: string }[], dir: string): string[] {
  rmSync(dir, { recursive: true, force: true });
  const files = blocks.map((b) => {
    const path = join(dir, b.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, b.code);
    return path;
  });
  const configFile = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, ROOT);
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true, noUnusedLocals: false });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? `${d.file.fileName.slice(dir.length + 1)}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}` : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('README and docs', () => {
  it('the README is at most 250 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(250);
  });

  it('the README states what an app needs: ESM only, the Node version package.json requires, and the SDK notice on Node 20', () => {
    const engines = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
    const version = /^>=\s*(\d+\.\d+)/.exec(engines)?.[1];
    expect(version, `package.json engines.node: ${engines}`).toBeDefined();
    expect(readme).toMatch(/ESM only/);
    expect(readme).toContain(`Node ${version}+`);
    expect(readme).toMatch(/on Node 20 the AWS SDK prints a Node 22 notice/);
  });

  it('every guide in docs/ is linked from docs/README.md, and the README links the index', () => {
    const index = readFileSync(join(ROOT, 'docs', 'README.md'), 'utf8');
    const guides = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    expect(guides.length).toBeGreaterThan(5);
    for (const g of guides) expect(index, g).toContain(`](${g})`);
    expect(readme).toContain('](docs/README.md)');
    for (const f of ['CHANGELOG.md', 'CONTRIBUTING.md', 'LICENSE']) expect(readme, f).toContain(`](${f})`);
  });

  it("docs/queries.md's code table is the diagnostics table, row for row; the README names only its codes", () => {
    const table: Readonly<Record<string, DiagnosticInfo>> = DIAGNOSTICS;
    const queries = readFileSync(join(ROOT, 'docs', 'queries.md'), 'utf8');
    const section = queries.slice(queries.indexOf('## Diagnostic codes'));
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const guide = (docs: string) => `[${docs.slice('docs/'.length, docs.indexOf('#'))}](${docs.slice('docs/'.length)})`;
    const expected = Object.entries(table).map(([code, d]) => `| \`${code}\` | ${d.severity} | ${d.summary} | ${guide(d.docs)} |`);
    expect(rows.join('\n'), 'regenerate the rows from src/plan/diagnostics.ts').toBe(expected.join('\n'));
    const refusals = readme.slice(readme.indexOf('## What quern refuses'), readme.indexOf('## Documentation'));
    const named = [...refusals.matchAll(/^\| (`[^|]+`) \|/gm)].flatMap((m) => [...m[1].matchAll(/`([^`]+)`/g)].map((x) => x[1]));
    expect(named.length).toBeGreaterThan(5);
    for (const code of named) expect(table[code]?.by, code).toBe('plan');
  });

  it("each code's docs anchor is a heading of that guide whose section names the code", () => {
    const slug = (heading: string) =>
      heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
    for (const [code, d] of Object.entries(DIAGNOSTICS as Readonly<Record<string, DiagnosticInfo>>)) {
      const [file, anchor] = d.docs.split('#');
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      const at = lines.findIndex((l) => /^#+ /.test(l) && slug(l.replace(/^#+ /, '')) === anchor);
      expect(at, `${code}: no heading #${anchor} in ${file}`).toBeGreaterThanOrEqual(0);
      const end = lines.findIndex((l, i) => i > at && /^#+ /.test(l));
      const body = lines.slice(at, end < 0 ? undefined : end).join('\n');
      expect(body, `${code}: ${d.docs} does not name it`).toContain(`\`${code}\``);
    }
  });

  it('every TypeScript block of the README type-checks against the real API', () => {
    const blocks = tsBlocks(readme);
    expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining(['src/schema.ts', 'quern.config.ts', 'src/app.ts', 'cheat-sheet.ts']));
    expect(typeCheck(blocks, join(SCRATCH, 'readme'))).toEqual([]);
  }, 120_000);

  it('the check fails when a block does not type-check (a misspelt option, an unknown field)', () => {
    const broken = [
      ...tsBlocks(readme).filter((b) => b.file === 'src/schema.ts'),
      {
        file: 'bad.ts',
        code: `import { createClient } from 'quern';\nimport { pglite } from 'quern/postgres';\nimport { schema } from './src/schema.js';\nconst db = await createClient({ schema, driver: pglite() });\nawait db.user.findMany({ where: { nmae: 'Ann' } });\n`,
      },
    ];
    const errors = typeCheck(broken, join(SCRATCH, 'broken'));
    expect(errors.some((e) => e.startsWith('bad.ts:5') && e.includes('nmae'))).toBe(true);
  }, 120_000);
});
