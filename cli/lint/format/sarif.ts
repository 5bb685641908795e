/** SARIF 2.1.0 for code-scanning uploads (GitHub `upload-sarif`, Azure DevOps, IDE viewers). */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { DIAGNOSTICS, type DiagnosticInfo } from '../../../src/plan/diagnostics.js';
import type { Finding, LintResult } from '../findings.js';

const RULE_NAMES: Readonly<Record<string, string>> = { fanout: 'OneQueryManyRequests' };

/** Markdown to the plain text SARIF's `text` fields hold: no backticks. */
const plainText = (md: string) => md.replace(/`/g, '');

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
  const table: Readonly<Record<string, DiagnosticInfo>> = DIAGNOSTICS;
  const ruleIds = Object.keys(table);
  const rules: Sarif.ReportingDescriptor[] = ruleIds.map((id) => ({
    id,
    // SARIF wants a readable name distinct from the opaque id.
    name: RULE_NAMES[id] ?? id.replace(/(^|-)([a-z])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: plainText(table[id].summary), markdown: table[id].summary },
    help: { text: `See ${table[id].docs} in the quern package.` },
    defaultConfiguration: { level: table[id].severity },
    properties: { docs: table[id].docs },
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
