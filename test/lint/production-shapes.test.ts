/**
 * Shapes recorded in production (`recordShapes`): value-free lines in the documented v1 format,
 * sampled, and read by `quern lint --shapes` at the source line even when the recording ran
 * compiled JavaScript: the site is mapped back through the compiled file's source map.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient, ValidationError } from 'quern';
import { pglite } from 'quern/postgres';
import { loadProject } from '../../cli/config.js';
import { runLint } from '../../cli/lint/run.js';
import { parseSite } from '../../cli/lint/shapes.js';
import { SourceSites } from '../../cli/lint/source-map.js';
import { schema } from '../fixtures/lint-app/schema.js';
import { search } from '../fixtures/lint-app/src/helpers.js';
import { FIXTURE } from './fixture.js';
import { pgliteOptions } from '../harness/index.js';

const dir = mkdtempSync(join(tmpdir(), 'quern-prod-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HELPERS = join(FIXTURE, 'src', 'helpers.ts');
const MARK = "HOSTILE'; DROP TABLE x; --";

/** Where tsc put the call that is at `line:col` of the source: the generated position the map sends back there. */
function generatedSite(js: string, map: SourceMap, line: number): { line: number; col: number } {
  const lines = js.split('\n');
  for (let l = 0; l < lines.length; l++) {
    for (let c = 0; c < lines[l].length; c++) {
      const e = map.findEntry(l, c) as Partial<{ originalLine: number }>;
      if (e.originalLine === line - 1 && lines[l].slice(c).startsWith('db.post.findMany')) return { line: l + 1, col: c + 1 };
    }
  }
  throw new Error(`no generated position for source line ${line}`);
}

describe('shapes recorded in production, mapped to source sites', async () => {
  const file = join(dir, 'shapes.jsonl');
  const db = await createClient({ schema, driver: pglite(pgliteOptions()), recordShapes: { file, sample: 1 } });
  const none = join(dir, 'none.jsonl');
  const unsampled = await createClient({ schema, driver: pglite(pgliteOptions()), recordShapes: { file: none, sample: 0 } });
  try {
    await Promise.all([db.push(), unsampled.push()]);
    await search(db, { where: { title: { contains: MARK } } });
    await unsampled.user.findMany({});
  } finally {
    await Promise.all([db.close(), unsampled.close()]);
  }
  const text = readFileSync(file, 'utf8');
  const lines = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const fromHelpers = lines.filter((l) => parseSite(l.site).file === HELPERS);

  it('appends one v1 line per sampled query, with its cost and no value', () => {
    expect(fromHelpers).toHaveLength(1);
    const rec = fromHelpers[0];
    expect(Object.keys(rec).sort()).toEqual(['at', 'driver', 'durationMs', 'method', 'model', 'outcome', 'requests', 'rows', 'shape', 'shapeId', 'site', 'v']);
    expect(rec).toMatchObject({ v: 1, driver: 'pglite', model: 'post', method: 'findMany', requests: 1, rows: 0, outcome: 'ok' });
    expect(rec.shapeId).toMatch(/^[0-9a-f]{16}$/);
    expect(typeof rec.durationMs).toBe('number');
    expect(text).not.toContain('HOSTILE');
    expect(text).not.toContain('DROP TABLE');
  });

  it('sample 0 records nothing; a bad sample or file is a ValidationError before connecting', async () => {
    expect(() => readFileSync(none, 'utf8')).toThrow(/ENOENT/);
    for (const recordShapes of [{ file, sample: 2 }, { file, sample: Number.NaN }, { file: '' }]) {
      await expect(createClient({ schema, driver: pglite(), recordShapes })).rejects.toBeInstanceOf(ValidationError);
    }
  });

  it('lint maps a site in compiled JavaScript back to the TypeScript line through the source map', async () => {
    // What a production build runs: helpers.ts compiled by tsc, with a source map beside it.
    const dist = join(dir, 'dist');
    mkdirSync(dist, { recursive: true });
    const out = ts.transpileModule(readFileSync(HELPERS, 'utf8'), {
      fileName: 'helpers.ts',
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true },
    });
    const payload = JSON.parse(out.sourceMapText!) as SourceMapPayload;
    payload.sources = [relative(dist, HELPERS)];
    const js = join(dist, 'helpers.js');
    writeFileSync(js, out.outputText);
    writeFileSync(join(dist, 'helpers.js.map'), JSON.stringify(payload));
    expect(out.outputText).toMatch(/\/\/# sourceMappingURL=helpers\.js\.map\s*$/);

    const src = parseSite(fromHelpers[0].site);
    const at = generatedSite(out.outputText, new SourceMap(payload), src.line);
    expect(at.line).not.toBe(src.line); // the compiled file is laid out differently (types erased)
    const prod = join(dir, 'production.jsonl');
    writeFileSync(prod, JSON.stringify({ ...fromHelpers[0], site: `${js}:${at.line}:${at.col}` }) + '\n');

    const project = await loadProject({ config: join(FIXTURE, 'quern.config.ts') });
    const unanalysable = (r: Awaited<ReturnType<typeof runLint>>) => r.findings.filter((f) => f.code === 'unanalyzable-query' && f.file === 'src/helpers.ts');
    const lint = await runLint(project, { targets: ['postgres'], shapes: [prod] });
    const recorded = lint.siteReports.filter((s) => s.source === 'recorded');
    expect(recorded.map((s) => `${s.file}:${s.line}:${s.model}.${s.method}`)).toEqual([`src/helpers.ts:${src.line}:Post.findMany`]);
    expect(unanalysable(lint)).toEqual([]);

    // Without its map the compiled site cannot be placed: it stays where it was recorded.
    rmSync(join(dist, 'helpers.js.map'));
    expect(new SourceSites().map({ file: js, ...at })).toEqual({ file: js, ...at });
  });
});
