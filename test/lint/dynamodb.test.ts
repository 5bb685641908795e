/**
 * No false negatives: every fixture query that throws CapabilityError when it
 * runs on DynamoDB (DynamoDB Local, strict mode as under test) is flagged by lint
 * on dynamodb with the same code. Statically, or, for the sites lint reports as
 * unanalysable, through the shapes recorded by that same run (--shapes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CapabilityError, createClient } from 'quern';
import { dynamodb } from 'quern/dynamodb';
import { freshTablePrefix, testServers } from '../harness/index.js';
import { loadProject } from '../../cli/config.js';
import type { Finding } from '../../cli/lint/findings.js';
import { runLint } from '../../cli/lint/run.js';
import { schema } from '../fixtures/lint-app/schema.js';
import { FIXTURE, runScenario, scenarioAt, scenarioNames, seed } from './fixture.js';

/** Scenarios whose query sits in a helper function. */
const VIA: Readonly<Record<string, string>> = { viaHelper: 'helpers:recentPosts', viaHelperScan: 'helpers:usersOver', dynamicArgs: 'helpers:search' };

const dir = mkdtempSync(join(tmpdir(), 'quern-lint-ddb-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const server = testServers().dynamodb;

describe.skipIf(!server)('lint has no false negatives against DynamoDB Local', async () => {
  const record = join(dir, 'shapes.jsonl');
  const thrown: Record<string, string | null> = {};
  const other: Record<string, string> = {};
  const previous = process.env.QUERN_RECORD;
  process.env.QUERN_RECORD = record;
  const db = await createClient({
    schema,
    driver: dynamodb({ endpoint: server!.endpoint, region: server!.region, credentials: server!.credentials, tablePrefix: freshTablePrefix() }),
  });
  try {
    await db.push();
    const p = await seed(db);
    for (const name of scenarioNames) {
      const e = await runScenario(name, db, p);
      if (e instanceof CapabilityError) thrown[name] = e.code;
      else if (e) other[name] = String(e);
      else thrown[name] = null;
    }
  } finally {
    await db.close();
    if (previous === undefined) delete process.env.QUERN_RECORD;
    else process.env.QUERN_RECORD = previous;
  }
  const project = await loadProject({ config: join(FIXTURE, 'quern.config.ts') });
  const staticLint = await runLint(project, { targets: ['dynamodb'] });
  const withShapes = await runLint(project, { targets: ['dynamodb'], shapes: [record] });

  const codesFor = (findings: readonly Finding[], name: string) => {
    const scope = new Set([name, VIA[name]].filter(Boolean));
    return findings.filter((f) => scope.has(scenarioAt(join(FIXTURE, f.file), f.line) ?? '')).map((f) => f.code);
  };

  it('runs the scenarios: only capability errors, no other failures', () => {
    expect(other).toEqual({});
    // The fixture does exercise refusals on DynamoDB.
    expect(Object.values(thrown).filter(Boolean).length).toBeGreaterThanOrEqual(12);
  });

  it('flags every refused query with the same code (statically, or as unanalysable and then through --shapes)', () => {
    const missed: string[] = [];
    for (const [name, code] of Object.entries(thrown)) {
      if (!code) continue;
      const flagged = [...codesFor(staticLint.findings, name), ...codesFor(staticLint.suppressed, name)];
      if (!flagged.includes(code) && !flagged.includes('unanalyzable-query')) missed.push(`${name}: ${code} (static lint: ${flagged.join(', ') || 'nothing'})`);
      const recorded = [...codesFor(withShapes.findings, name), ...codesFor(withShapes.suppressed, name)];
      if (!recorded.includes(code)) missed.push(`${name}: ${code} (with --shapes: ${recorded.join(', ') || 'nothing'})`);
    }
    expect(missed).toEqual([]);
  });

  it('flags nothing on queries DynamoDB runs (no false positives against the real run)', () => {
    const extra: string[] = [];
    for (const [name, code] of Object.entries(thrown)) {
      if (code) continue;
      const flagged = codesFor(withShapes.findings, name).filter((c) => c !== 'suppression-without-reason');
      if (flagged.length) extra.push(`${name}: ${flagged.join(', ')}`);
    }
    expect(extra).toEqual([]);
  });
});
