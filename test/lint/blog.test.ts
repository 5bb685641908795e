/**
 * Acceptance on the blog example: `quern lint --target dynamodb` lists what
 * DynamoDB cannot serve and exits 1; once each finding is fixed or suppressed
 * with a reason (here: suppressed, on a copy), it exits 0 and counts them.
 */
import { cpSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadProject } from '../../cli/config.js';
import { exitCodeFor } from '../../cli/lint/findings.js';
import { runLint } from '../../cli/lint/run.js';
import { FIXTURE } from './fixture.js';

const ROOT = join(FIXTURE, '..', '..', '..');
const COPY = join(ROOT, 'test', 'fixtures', 'generated', `blog-${process.pid}`);
afterAll(() => rmSync(COPY, { recursive: true, force: true }));

describe('quern lint on the blog example', async () => {
  const project = await loadProject({ cwd: ROOT });
  const result = await runLint(project, { targets: ['dynamodb'] });

  it('is configured at the repository root', () => {
    expect(project.configPath).toBe(join(ROOT, 'quern.config.ts'));
    expect(result.files).toBeGreaterThan(0);
  });

  it('lists each query DynamoDB cannot serve, with location, code and fix, and exits 1', () => {
    expect(result.errorCount).toBeGreaterThan(0);
    expect(exitCodeFor(result, -1)).toBe(1);
    for (const f of result.findings.filter((x) => x.severity === 'error')) {
      expect(f.file).toMatch(/^examples\/blog\//);
      expect(f.line).toBeGreaterThan(0);
      expect(f.fix).toBeTruthy();
    }
  });

  it('exits 0 once every finding is suppressed with a reason', async () => {
    cpSync(join(ROOT, 'examples', 'blog'), join(COPY, 'examples', 'blog'), { recursive: true });
    writeFileSync(join(COPY, 'quern.config.ts'), readFileSync(join(ROOT, 'quern.config.ts'), 'utf8'));
    // The demo reads its targets from the registry (../../targets/): the copy sees the same one.
    symlinkSync(join(ROOT, 'targets'), join(COPY, 'targets'), 'dir');
    // One comment per site, naming every code found there, on the line above the statement holding it.
    const bySite = new Map<string, { file: string; line: number; codes: Set<string> }>();
    for (const f of result.findings) {
      const key = `${f.file}:${f.line}`;
      const e = bySite.get(key) ?? { file: f.file, line: f.line, codes: new Set<string>() };
      e.codes.add(f.code);
      bySite.set(key, e);
    }
    const edits = [...bySite.values()].sort((a, b) => b.line - a.line);
    for (const e of edits) {
      const path = join(COPY, e.file);
      const lines = readFileSync(path, 'utf8').split('\n');
      const indent = /^\s*/.exec(lines[e.line - 1])![0];
      lines.splice(e.line - 1, 0, `${indent}// quern-allow ${[...e.codes].join(', ')}: reviewed for the demo, runs on PostgreSQL only`);
      writeFileSync(path, lines.join('\n'));
    }
    const copy = await loadProject({ cwd: COPY });
    const again = await runLint(copy, { targets: ['dynamodb'] });
    expect(again.findings).toEqual([]);
    expect(again.suppressed).toHaveLength(result.findings.length);
    expect(exitCodeFor(again, 0)).toBe(0);
  });
});
