import { describe, expect, it } from 'vitest';
import { loadProject } from '../../cli/config.js';
import type { Finding, LintResult } from '../../cli/lint/findings.js';
import { exitCodeFor } from '../../cli/lint/findings.js';
import { runLint } from '../../cli/lint/run.js';
import { EXPECTED, SUPPRESSED } from './expected.js';
import { FIXTURE, helperNames, scenarioAt, scenarioNames } from './fixture.js';
import { join } from 'node:path';

type Table = Record<string, { postgres: string[]; dynamodb: string[]; sqlite: string[]; mysql: string[]; any: string[] }>;

function table(findings: readonly Finding[]): Table {
  const t: Table = {};
  for (const name of [...scenarioNames, ...helperNames]) t[name] = { postgres: [], dynamodb: [], sqlite: [], mysql: [], any: [] };
  for (const f of findings) {
    const name = scenarioAt(join(FIXTURE, f.file), f.line);
    if (!name) throw new Error(`finding outside any scenario: ${f.file}:${f.line} ${f.code}`);
    t[name][(f.target ?? 'any') as keyof Table[string]].push(f.code);
  }
  for (const row of Object.values(t)) for (const k of ['postgres', 'dynamodb', 'sqlite', 'mysql', 'any'] as const) row[k].sort();
  return t;
}

function expectedTable(source: typeof EXPECTED): Table {
  const t: Table = {};
  for (const name of [...scenarioNames, ...helperNames]) {
    const e = source[name] ?? {};
    t[name] = { postgres: [...(e.postgres ?? [])].sort(), dynamodb: [...(e.dynamodb ?? [])].sort(), sqlite: [], mysql: [], any: [...(e.any ?? [])].sort() };
  }
  return t;
}

describe('quern lint on the fixture app', async () => {
  const project = await loadProject({ config: join(FIXTURE, 'quern.config.ts') });
  const both: LintResult = await runLint(project, { targets: ['postgres', 'dynamodb'] });

  it('finds every query site, and only quern ones', () => {
    const queries = both.siteReports.filter((s) => s.kind === 'query');
    // One or more per scenario (batches and the transaction hold several), plus the helpers.
    expect(queries.length).toBeGreaterThanOrEqual(30);
    expect(both.siteReports.filter((s) => s.kind === 'batch')).toHaveLength(3);
    expect(both.siteReports.filter((s) => s.kind === 'transaction')).toHaveLength(1);
    // unrelated.ts has look-alike findMany/create/delete calls; ignored.skip.ts is excluded by the config.
    expect(both.siteReports.some((s) => s.file.endsWith('unrelated.ts'))).toBe(false);
    expect(both.siteReports.some((s) => s.file.endsWith('ignored.skip.ts'))).toBe(false);
    for (const s of queries) expect(s.file.startsWith('src/')).toBe(true);
    // every scenario of the queries object has at least one site
    for (const name of scenarioNames) {
      const hit = both.siteReports.some((s) => scenarioAt(join(FIXTURE, s.file), s.line) === name);
      const viaHelper = ['viaHelper', 'viaHelperScan', 'dynamicArgs'].includes(name);
      expect(hit || viaHelper, name).toBe(true);
    }
  });

  it('reports exactly the golden findings per scenario and target (no false positives)', () => {
    expect(table(both.findings)).toEqual(expectedTable(EXPECTED));
  });

  it('counts suppressions and keeps their reasons', () => {
    expect(table(both.suppressed)).toEqual(expectedTable(SUPPRESSED));
    expect(both.suppressed.map((s) => s.reason).sort()).toEqual([null, 'the admin export reads every post on purpose']);
  });

  it('resolves the model of aliased clients, helper parameters and transaction clients', () => {
    const at = (name: string) => both.siteReports.filter((s) => scenarioAt(join(FIXTURE, s.file), s.line) === name && s.kind === 'query');
    expect(at('aliasedClient').map((s) => s.model)).toEqual(['Post']);
    expect(at('helpers:recentPosts').map((s) => s.model)).toEqual(['Post']);
    expect(at('transfer').map((s) => `${s.model}.${s.method}`)).toEqual(['User.findUniqueOrThrow', 'Post.create']);
    expect(at('oversizedBatch').map((s) => `${s.model}.${s.method}`)).toEqual(['Tag.create']);
  });

  it('reconstructs shapes through consts, spreads, conditionals and inlined helpers', () => {
    const shapeOf = (name: string) =>
      JSON.parse(both.siteReports.find((s) => scenarioAt(join(FIXTURE, s.file), s.line) === name && s.kind === 'query')!.shape!);
    expect(shapeOf('constWhere').where).toEqual({
      kind: 'and',
      items: [
        { kind: 'compare', field: 'authorId', op: 'eq', value: { slot: 0 } },
        { kind: 'compare', field: 'publishedAt', op: 'gte', value: { slot: 1 } },
      ],
    });
    expect(shapeOf('spreadWhere').where.items.map((i: { field: string }) => i.field)).toEqual(['authorId', 'status']);
    expect(shapeOf('helperWhere').where).toEqual({ kind: 'compare', field: 'authorId', op: 'eq', value: { slot: 0 } });
    expect(shapeOf('conditionalValue').where.items.map((i: { field: string }) => i.field)).toEqual(['authorId', 'status']);
    expect(shapeOf('publishedPostsScan').allowScan).toBe(true);
  });

  it('names the indexes that would fix errors, deduplicated', () => {
    const text = both.missingIndexes.map((m) => `${m.model}: index(${m.fields.map((f) => `'${f}'`).join(', ')}) fixes ${m.queries}`);
    expect(text).toContain("Post: index('authorId', 'title') fixes 2");
    expect(text).toContain("Post: index('status') fixes 2");
    expect(text).toContain("Post: index('authorId', 'publishedAt') fixes 1");
  });

  it('exits 1 on errors, 0 on warnings only unless --max-warnings is exceeded', async () => {
    expect(exitCodeFor(both, -1)).toBe(1);
    const pg = await runLint(project, { targets: ['postgres'] });
    expect(pg.errorCount).toBe(0);
    expect(pg.warningCount).toBe(3); // two unanalysable queries, one reasonless suppression
    expect(exitCodeFor(pg, -1)).toBe(0);
    expect(exitCodeFor(pg, 3)).toBe(0);
    expect(exitCodeFor(pg, 0)).toBe(1);
  });

  it('locates each finding at the method name, with a fix for every planner diagnostic', () => {
    const scan = both.findings.find((f) => f.code === 'scan-required' && scenarioAt(join(FIXTURE, f.file), f.line) === 'publishedPosts')!;
    expect(scan.file).toBe('src/queries.ts');
    expect(scan.model).toBe('Post');
    expect(scan.method).toBe('findMany');
    expect(scan.target).toBe('dynamodb');
    expect(scan.fix).toMatch(/allowScan: true|index\(/);
    for (const f of both.findings) if (f.target) expect(f.fix, `${f.code} at ${f.file}:${f.line}`).toBeTruthy();
  });
});
