/** What lint reports, independent of the output format. */
import type { PlanTarget } from '../../targets/types.js';

/** Codes only lint emits (rows of the one diagnostics table with `by: 'lint'`). */
export type { LintOnlyCode } from '../../src/plan/diagnostics.js';

export interface Finding {
  /** Relative to the project root, with forward slashes. */
  readonly file: string;
  readonly line: number;
  readonly col: number;
  /** Model name (`Post`), when the finding is about one model. */
  readonly model: string | null;
  readonly method: string | null;
  /** null: the finding holds on every target (unanalysable query, invalid query, suppression comment). */
  readonly target: PlanTarget | null;
  readonly code: string;
  readonly severity: 'error' | 'warning';
  /** One line: why. */
  readonly message: string;
  /** The concrete change that fixes it. */
  readonly fix: string | null;
  readonly suggestedIndex: { readonly model: string; readonly fields: readonly string[] } | null;
  /** Found in the source, in recorded shapes (--shapes), or in the schema itself. */
  readonly source: 'static' | 'recorded' | 'schema';
}

export interface SuppressedFinding extends Finding {
  readonly reason: string | null;
}

/** One query call site, as lint understood it (also what `explain` and the shape tests read). */
export interface SiteReport {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly kind: 'query' | 'batch' | 'transaction';
  readonly model: string | null;
  readonly modelKey: string | null;
  readonly method: string | null;
  /** The query shape (AST JSON) lint computed, null when it could not be analysed. */
  readonly shape: string | null;
  /** Parts of the arguments that were stood in for because they cannot change the plan. */
  readonly approximate: readonly string[];
  readonly source: 'static' | 'recorded';
}

export interface MissingIndex {
  readonly model: string;
  readonly fields: readonly string[];
  readonly targets: readonly PlanTarget[];
  /** Distinct query sites whose errors this index fixes. */
  readonly queries: number;
}

export interface LintResult {
  readonly root: string;
  readonly targets: readonly PlanTarget[];
  readonly files: number;
  /** Static call sites found (queries, batches, transactions). */
  readonly sites: number;
  readonly recorded: { readonly entries: number; readonly distinct: number; readonly alreadyStatic: number };
  /** Unsuppressed findings, sorted by file, line, column, target. */
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly missingIndexes: readonly MissingIndex[];
  readonly siteReports: readonly SiteReport[];
}

export function compareFindings(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || (a.target ?? '').localeCompare(b.target ?? '') || a.code.localeCompare(b.code);
}

/** Indexes that would fix errors, deduplicated across queries and targets. */
export function missingIndexes(findings: readonly Finding[]): MissingIndex[] {
  const by = new Map<string, { model: string; fields: readonly string[]; targets: Set<PlanTarget>; sites: Set<string> }>();
  for (const f of findings) {
    if (f.severity !== 'error' || !f.suggestedIndex) continue;
    const key = `${f.suggestedIndex.model}\u0000${f.suggestedIndex.fields.join('\u0000')}`;
    let e = by.get(key);
    if (!e) by.set(key, (e = { model: f.suggestedIndex.model, fields: f.suggestedIndex.fields, targets: new Set(), sites: new Set() }));
    if (f.target) e.targets.add(f.target);
    e.sites.add(`${f.file}:${f.line}:${f.col}`);
  }
  return [...by.values()]
    .map((e) => ({ model: e.model, fields: e.fields, targets: [...e.targets].sort(), queries: e.sites.size }))
    .sort((a, b) => b.queries - a.queries || a.model.localeCompare(b.model) || a.fields.join().localeCompare(b.fields.join()));
}

export function indexText(m: { model: string; fields: readonly string[] }): string {
  return `${m.model}: index(${m.fields.map((f) => `'${f}'`).join(', ')})`;
}

/** Exit code: 1 on errors, or on more warnings than allowed; else 0. */
export function exitCodeFor(r: Pick<LintResult, 'errorCount' | 'warningCount'>, maxWarnings: number): 0 | 1 {
  if (r.errorCount > 0) return 1;
  if (maxWarnings >= 0 && r.warningCount > maxWarnings) return 1;
  return 0;
}
