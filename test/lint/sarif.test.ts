/** `--format sarif` validates against the SARIF 2.1.0 JSON schema (vendored from @microsoft/sarif-multitool-linux 5.7.0). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadProject } from '../../cli/config.js';
import { formatJson } from '../../cli/lint/format/json.js';
import { formatSarif } from '../../cli/lint/format/sarif.js';
import { runLint } from '../../cli/lint/run.js';
import { FIXTURE } from './fixture.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validator() {
  const schema = JSON.parse(readFileSync(join(FIXTURE, '..', 'sarif-2.1.0.json'), 'utf8'));
  // The schema is draft 2020-12; its formats are checked, not ignored.
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///base/'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  ajv.addFormat('uuid', (s: string) => UUID.test(s));
  return ajv.compile(schema);
}

describe('SARIF output', async () => {
  const project = await loadProject({ config: join(FIXTURE, 'quern.config.ts') });
  const result = await runLint(project, { targets: ['postgres', 'dynamodb'] });
  // URIs relative to the project root here; by default they are relative to the repository root.
  const log = JSON.parse(formatSarif(result, '0.1.0', result.root));
  const validate = validator();

  it('validates against the SARIF 2.1.0 schema', () => {
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the validator does reject a broken log', () => {
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    delete broken.runs[0].tool.driver.name;
    expect(validate(broken)).toBe(false);
    expect(validate.errors!.map((e: { instancePath: string }) => e.instancePath)).toEqual(
      expect.arrayContaining(['/runs/0/results/0/level', '/runs/0/tool/driver']),
    );
  });

  it('holds every finding with its rule, location and fix, and suppressed ones as in-source suppressions', () => {
    const results = log.runs[0].results as {
      ruleId: string;
      ruleIndex: number;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number; startColumn: number } } }[];
      suppressions?: { kind: string; justification?: string }[];
      properties: { fix?: string; target?: string };
    }[];
    const rules = log.runs[0].tool.driver.rules as { id: string }[];
    expect(results).toHaveLength(result.findings.length + result.suppressed.length);
    for (const r of results) {
      expect(rules[r.ruleIndex].id).toBe(r.ruleId);
      expect(r.locations[0].physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(r.locations[0].physicalLocation.artifactLocation.uri).toMatch(/^src\/.+\.ts$/);
      expect(r.locations[0].physicalLocation.region.startLine).toBeGreaterThan(0);
    }
    const scan = results.find((r) => r.ruleId === 'scan-required' && !r.suppressions)!;
    expect(scan.level).toBe('error');
    expect(scan.properties.target).toBe('dynamodb');
    expect(scan.properties.fix).toBeTruthy();
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(2);
    expect(suppressed.map((r) => r.suppressions![0].kind)).toEqual(['inSource', 'inSource']);
    expect(suppressed.map((r) => r.suppressions![0].justification).filter(Boolean)).toEqual(['the admin export reads every post on purpose']);
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toMatch(/^file:\/\/.*\/lint-app\/$/);
  });

  it('by default resolves paths from the repository root, as code scanning does', () => {
    const byRepo = JSON.parse(formatSarif(result, '0.1.0'));
    expect(validate(byRepo)).toBe(true);
    expect(byRepo.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/^test\/fixtures\/lint-app\/src\//);
  });

  it('json output carries the summary and the same findings', () => {
    const json = JSON.parse(formatJson(result));
    expect(json.summary).toMatchObject({ errors: result.errorCount, warnings: result.warningCount, suppressed: 2 });
    expect(json.findings).toHaveLength(result.findings.length);
    expect(json.findings[0]).toEqual(
      expect.objectContaining({
        file: expect.any(String),
        line: expect.any(Number),
        col: expect.any(Number),
        code: expect.any(String),
        severity: expect.any(String),
        message: expect.any(String),
      }),
    );
    expect(json.missingIndexes.length).toBeGreaterThan(0);
  });
});
