/**
 * The shape lint computes statically for each fixture query equals the shape
 * the engine records when the same query runs (QUERN_RECORD), on a real database.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'quern';
import { pglite } from 'quern/postgres';
import { loadProject } from '../../cli/config.js';
import { runLint } from '../../cli/lint/run.js';
import { parseSite } from '../../cli/lint/shapes.js';
import { schema } from '../fixtures/lint-app/schema.js';
import { FIXTURE, runScenario, scenarioNames, seed } from './fixture.js';
import { pgliteOptions } from '../harness/index.js';

const dir = mkdtempSync(join(tmpdir(), 'quern-lint-shapes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('static shapes equal recorded shapes (pglite)', async () => {
  const record = join(dir, 'shapes.jsonl');
  const previous = process.env.QUERN_RECORD;
  process.env.QUERN_RECORD = record;
  const db = await createClient({ schema, driver: pglite(pgliteOptions()) });
  const errors: Record<string, unknown> = {};
  try {
    await db.push();
    const p = await seed(db);
    for (const name of scenarioNames) {
      const e = await runScenario(name, db, p);
      if (e) errors[name] = e;
    }
  } finally {
    await db.close();
    if (previous === undefined) delete process.env.QUERN_RECORD;
    else process.env.QUERN_RECORD = previous;
  }
  const project = await loadProject({ config: join(FIXTURE, 'quern.config.ts') });
  const lint = await runLint(project, { targets: ['postgres'] });
  const recorded = readFileSync(record, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { model: string; method: string; shape: string; site: string });
  const fixtureSrc = join(FIXTURE, 'src');
  const inFixture = recorded.filter((r) => parseSite(r.site).file?.startsWith(fixtureSrc));

  it('runs every scenario on PostgreSQL without error', () => {
    expect(Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, String(e)]))).toEqual({});
  });

  it('records a call site for every query, at the line lint reports it', () => {
    expect(inFixture.length).toBeGreaterThan(40);
    const staticLines = new Set(lint.siteReports.map((s) => `${join(FIXTURE, s.file)}:${s.line}`));
    for (const r of inFixture) {
      const { file, line } = parseSite(r.site);
      expect(staticLines.has(`${file}:${line}`), r.site).toBe(true);
    }
  });

  it('computes the same shape as the run for every analysable site', () => {
    let compared = 0;
    for (const r of inFixture) {
      const { file, line } = parseSite(r.site);
      const site = lint.siteReports.find((s) => s.kind === 'query' && join(FIXTURE, s.file) === file && s.line === line)!;
      if (site.shape === null) continue; // unanalysable: reported as such, checked in the dynamodb test
      expect(site.approximate, r.site).toEqual([]);
      expect({ site: r.site, shape: JSON.parse(site.shape) }).toEqual({ site: r.site, shape: JSON.parse(r.shape) });
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it('every analysable static site was exercised by the run', () => {
    const ran = new Set(
      inFixture.map((r) => {
        const s = parseSite(r.site);
        return `${s.file}:${s.line}`;
      }),
    );
    const notRun = lint.siteReports.filter((s) => s.kind === 'query' && s.shape !== null && !ran.has(`${join(FIXTURE, s.file)}:${s.line}`));
    // Queries inside the transaction and the oversized batch do run on PostgreSQL; nothing is skipped.
    expect(notRun.map((s) => `${s.file}:${s.line}`)).toEqual([]);
  });

  it('deduplicates recorded shapes against static ones and settles unanalysable sites with them', async () => {
    // Only the fixture's own calls: the seed in test/lint/fixture.ts is recorded too.
    const only = join(dir, 'fixture-shapes.jsonl');
    writeFileSync(only, inFixture.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const withShapes = await runLint(project, { targets: ['postgres'], shapes: [only] });
    // Only the two dynamic sites add shapes the static analysis did not have.
    expect(withShapes.recorded.entries).toBe(inFixture.length);
    expect(withShapes.recorded.distinct).toBe(2);
    expect(withShapes.recorded.alreadyStatic).toBeGreaterThan(40);
    expect(withShapes.findings.filter((f) => f.code === 'unanalyzable-query')).toEqual([]);
    expect(
      withShapes.siteReports
        .filter((s) => s.source === 'recorded')
        .map((s) => `${s.file}:${s.model}.${s.method}`)
        .sort(),
    ).toEqual(['src/helpers.ts:Post.findMany', 'src/queries.ts:Post.findMany']);
  });
});
