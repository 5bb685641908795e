/** SARIF 2.1.0 for code-scanning uploads (GitHub `upload-sarif`, Azure DevOps, IDE viewers). */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { DIAGNOSTIC_SEVERITY } from '../../../src/plan/diagnostics.js';
import type { Finding, LintResult } from '../findings.js';

const RULES: Readonly<Record<string, string>> = {
  'scan-required': 'No key or index can serve the filter, and allowScan was not given: the query would read the whole table.',
  'order-unsupported': 'The order cannot be served by the chosen access path (only an index sort key can order on DynamoDB).',
  'operator-unsupported': 'The target cannot evaluate this operator (e.g. endsWith or case-insensitive matching on DynamoDB).',
  'relation-filter-unsupported': 'Relation filters (some / every / none / is) need joins, which the target does not have.',
  'interactive-transaction-unsupported': 'db.transaction() needs interactive transactions, which the target does not have.',
  'batch-too-large': 'The atomic batch exceeds the largest transaction the target allows.',
  'batch-item-unsupported': 'A query that cannot be an item of an atomic batch on the target (createMany with skipDuplicates on DynamoDB).',
  'count-requires-scan': 'count without a pinned partition would read the whole table.',
  'index-missing': 'A relation or access pattern has no index; the fix names the index to add.',
  'offset-emulated': 'offset is done by reading and discarding rows.',
  fanout: 'One logical query becomes several requests (OR or IN over keys).',
  'unanalyzable-query': 'The query arguments cannot be analysed statically, so the query was not checked.',
  'key-too-wide': 'A key or index has more fields than the keys of the target can hold.',
  'n-plus-one': 'The same query shape ran many times in one tick or request: a loop that should be one query (an include or a batch).',
  'invalid-query': 'The query arguments are invalid: the query always throws ValidationError.',
  'unawaited-query': 'The query is never awaited, returned or passed on, so it never runs.',
  'suppression-without-reason': 'A quern-allow comment gives no reason.',
  'suppression-unknown-code': 'A quern-allow comment names a code quern does not have.',
};

const RULE_NAMES: Readonly<Record<string, string>> = { fanout: 'OneQueryManyRequests' };

const LINT_SEVERITY: Readonly<Record<string, 'error' | 'warning'>> = {
  ...DIAGNOSTIC_SEVERITY,
  'invalid-query': 'error',
  'unawaited-query': 'error',
  'suppression-without-reason': 'warning',
  'suppression-unknown-code': 'warning',
};

function messageText(f: Finding): string {
  const subject = f.model && f.method ? `${f.model}.${f.method}` : f.method ? `db.${f.method}` : '';
  return `${subject ? `${subject}` : ''}${f.target ? `${subject ? ' ' : ''}on ${f.target}` : ''}${subject || f.target ? ': ' : ''}${f.message}${f.fix ? `\nFix: ${f.fix}` : ''}`;
}

function fingerprint(f: Finding): string {
  // Stable across unrelated edits: no line number, so moving code does not reopen alerts.
  return createHash('sha256')
    .update([f.file, f.code, f.target ?? '', f.model ?? '', f.method ?? '', f.message].join('\u0000'))
    .digest('hex')
    .slice(0, 32);
}

/** Code scanning resolves artifact URIs from the repository root: the nearest folder holding .git, else the project root. */
export function sourceRoot(projectRoot: string): string {
  for (let dir = projectRoot; ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return projectRoot;
  }
}

export function formatSarif(r: LintResult, version: string, base = sourceRoot(r.root)): string {
  const artifact = (file: string): Sarif.ArtifactLocation => {
    const abs = isAbsolute(file) ? file : resolve(r.root, file);
    const rel = relative(base, abs);
    if (rel.startsWith('..') || isAbsolute(rel)) return { uri: pathToFileURL(abs).href };
    return { uri: encodeURI(rel.split(sep).join('/')), uriBaseId: '%SRCROOT%' };
  };
  const ruleIds = Object.keys(RULES);
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map((id) => ({
    id,
    // SARIF wants a readable name distinct from the opaque id.
    name: RULE_NAMES[id] ?? id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: RULES[id] },
    defaultConfiguration: { level: LINT_SEVERITY[id] ?? 'warning' },
  }));
  const result = (f: Finding, suppression?: { reason: string | null }): Sarif.Result => {
    const ruleIndex = ruleIds.indexOf(f.code);
    return {
      ruleId: f.code,
      ...(ruleIndex >= 0 ? { ruleIndex } : {}),
      level: f.severity,
      message: { text: messageText(f) },
      locations: [
        {
          physicalLocation: {
            artifactLocation: artifact(f.file),
            region: { startLine: f.line, startColumn: f.col },
          },
        },
      ],
      partialFingerprints: { 'quernFinding/v1': fingerprint(f) },
      properties: {
        ...(f.target ? { target: f.target } : {}),
        ...(f.model ? { model: f.model } : {}),
        ...(f.method ? { method: f.method } : {}),
        ...(f.fix ? { fix: f.fix } : {}),
        ...(f.suggestedIndex ? { suggestedIndex: { model: f.suggestedIndex.model, fields: [...f.suggestedIndex.fields] } } : {}),
        source: f.source,
      },
      ...(suppression ? { suppressions: [{ kind: 'inSource' as const, ...(suppression.reason ? { justification: suppression.reason } : {}) }] } : {}),
    };
  };
  const rootUri = pathToFileURL(base.endsWith(sep) ? base : `${base}${sep}`).href;
  const log: Sarif.Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'quern', semanticVersion: version, rules } },
        originalUriBaseIds: { '%SRCROOT%': { uri: rootUri } },
        columnKind: 'utf16CodeUnits',
        results: [...r.findings.map((f) => result(f)), ...r.suppressed.map((f) => result(f, f))],
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
