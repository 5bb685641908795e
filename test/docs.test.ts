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
