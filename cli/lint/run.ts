/** `quern lint` without the command line: used by the command, explain, tests and the bench. */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { PlanTarget } from '../../targets/types.js';
import type { TargetDescriptor } from '../../src/plan/target.js';
import { DIAGNOSTICS } from '../../src/plan/diagnostics.js';
import type { Project } from '../config.js';
import { ProjectError } from '../errors.js';
import { Analyser, relativePath, type AnalysedSite } from './analyze.js';
import { Extractor } from './extract.js';
import { compareFindings, missingIndexes, type Finding, type LintResult, type SiteReport, type SuppressedFinding } from './findings.js';
import { createLintProgram, lintFiles } from './program.js';
import { readShapes } from './shapes.js';
import { findSuppression, parseSuppressions, type Suppression } from './suppress.js';
import { targetDescriptor } from './targets.js';

export interface LintOptions {
  readonly targets: readonly PlanTarget[];
  /** Files or folders to lint instead of the config's include globs. */
  readonly paths?: readonly string[];
  /** Files of recorded shapes (QUERN_RECORD output). */
  readonly shapes?: readonly string[];
  /** Explicit file list (explain uses it); skips globbing. */
  readonly files?: readonly string[];
}

/** Codes a `quern-allow` comment may name: every code but those about the comments themselves. */
const LINT_CODES = new Set(Object.keys(DIAGNOSTICS).filter((c) => c !== 'suppression-without-reason' && c !== 'suppression-unknown-code'));

export async function loadTargets(names: readonly PlanTarget[]): Promise<Map<PlanTarget, TargetDescriptor>> {
  const out = new Map<PlanTarget, TargetDescriptor>();
  for (const n of names) out.set(n, await targetDescriptor(n));
  return out;
}

export interface Analysis {
  readonly analyser: Analyser;
  readonly sites: readonly AnalysedSite[];
  readonly files: readonly string[];
}

/** Extract and plan every static site of the given files. */
export async function analyseProject(project: Project, opts: LintOptions): Promise<Analysis> {
  if (opts.targets.length === 0) throw new ProjectError('no targets to lint');
  const descriptors = await loadTargets(opts.targets);
  const files = opts.files ? opts.files.map((f) => resolve(f)) : await lintFiles(project.root, project.config.include, project.config.exclude, opts.paths);
  const analyser = new Analyser(project.root, project.schema, { names: opts.targets, descriptors });
  if (files.length === 0) return { analyser, sites: [], files };
  const { checker, files: sources } = createLintProgram(project.root, files);
  const extractor = new Extractor(checker, new Set(Object.keys(project.schema.def.models)));
  const sites: AnalysedSite[] = [];
  for (const sf of sources) sites.push(...analyser.analyseSites(extractor.sites(sf)));
  return { analyser, sites, files };
}

/** `analysis`: an analyseProject result for the same options, when the caller needs its plans too (studio). */
export async function runLint(project: Project, opts: LintOptions, analysis?: Analysis): Promise<LintResult> {
  const { analyser, sites, files } = analysis ?? (await analyseProject(project, opts));
  const root = project.root;
  const raw: { finding: Finding; anchors: readonly number[]; abs: string }[] = [];
  const reports: SiteReport[] = [];

  // Recorded shapes: planned like static ones, deduplicated against them by site and shape.
  const staticByLine = new Map<string, AnalysedSite[]>();
  for (const s of sites) {
    const key = `${s.site.loc.file}:${s.site.loc.line}`;
    const list = staticByLine.get(key);
    if (list) list.push(s);
    else staticByLine.set(key, [s]);
  }
  const coveredUnanalysable = new Set<AnalysedSite>();
  let entries = 0;
  let distinct = 0;
  let alreadyStatic = 0;
  for (const file of opts.shapes ?? []) {
    const path = isAbsolute(file) ? file : resolve(file);
    if (!existsSync(path)) throw new ProjectError(`shapes file not found: ${path}`);
    const recorded = readShapes(path, project.schema);
    entries += recorded.entries;
    for (const r of recorded.shapes) {
      const matches = r.file ? (staticByLine.get(`${r.file}:${r.line}`) ?? []) : [];
      if (matches.some((m) => m.report.shape === r.shape)) {
        alreadyStatic++;
        continue;
      }
      distinct++;
      const unanalysed = matches.find((m) => m.report.kind === 'query' && m.report.shape === null);
      if (unanalysed) coveredUnanalysable.add(unanalysed);
      const at = {
        file: r.file ? relativePath(root, r.file) : '(unknown site)',
        line: r.line,
        col: unanalysed?.site.loc.col ?? matches[0]?.site.loc.col ?? r.col,
      };
      const model = analyser.modelName(r.model);
      reports.push({ ...at, kind: 'query', model, modelKey: r.model, method: r.method, shape: r.shape, approximate: [], source: 'recorded' });
      const anchors = matches[0]?.site.loc.anchors ?? [r.line];
      for (const t of opts.targets) {
        let plan;
        try {
          plan = analyser.planShape(t, r.shape);
        } catch (e) {
          throw new ProjectError(
            `${path}: cannot plan the recorded shape for ${r.model}.${r.method} at ${at.file}:${at.line}: ${e instanceof Error ? e.message : e}`,
          );
        }
        for (const f of analyser.diagnosticFindings(at, model, r.method, t, plan.diagnostics, 'recorded')) raw.push({ finding: f, anchors, abs: r.file ?? '' });
      }
    }
  }

  for (const s of sites) {
    reports.push(s.report);
    for (const f of s.findings) {
      // A site the lint could not read is settled by the shapes recorded there.
      if (f.code === 'unanalyzable-query' && coveredUnanalysable.has(s)) continue;
      raw.push({ finding: f, anchors: s.site.loc.anchors, abs: s.site.loc.file });
    }
  }
  const schemaPath = isAbsolute(project.config.schema) ? project.config.schema : resolve(root, project.config.schema);
  for (const f of analyser.schemaFindings(schemaPath)) raw.push({ finding: f, anchors: [f.line], abs: schemaPath });

  // Suppressions, read once per file that has findings.
  const byFile = new Map<string, Map<number, Suppression[]>>();
  const suppressionsOf = (abs: string) => {
    let m = byFile.get(abs);
    if (!m) {
      let text = '';
      try {
        text = abs ? readFileSync(abs, 'utf8') : '';
      } catch {
        // No suppressions in a file that cannot be read.
      }
      byFile.set(abs, (m = parseSuppressions(text)));
    }
    return m;
  };
  for (const f of files) suppressionsOf(f);
  const findings: Finding[] = [];
  const suppressed: SuppressedFinding[] = [];
  const seen = new Set<string>();
  for (const { finding, anchors, abs } of raw) {
    // The same finding from a static site and an identical recorded shape, or twice from one line: report once.
    const key = `${finding.file}:${finding.line}:${finding.col}:${finding.target}:${finding.code}:${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A batch whose size lint cannot know is what `batch-too-large` is about: its fix suggests that code.
    const s =
      findSuppression(suppressionsOf(abs), anchors, finding.code) ??
      (finding.code === 'unanalyzable-query' && finding.method === 'batch' ? findSuppression(suppressionsOf(abs), anchors, 'batch-too-large') : undefined);
    if (s) {
      s.used = true;
      suppressed.push({ ...finding, reason: s.reason });
    } else findings.push(finding);
  }
  for (const [abs, map] of byFile) {
    for (const list of map.values()) {
      for (const s of list) {
        const at = { file: relativePath(root, abs), line: s.line, col: s.col };
        const base = { ...at, model: null, method: null, target: null, suggestedIndex: null, source: 'static' as const };
        if (!s.reason)
          findings.push({
            ...base,
            severity: DIAGNOSTICS['suppression-without-reason'].severity,
            code: 'suppression-without-reason',
            message: `quern-allow ${s.codes.join(', ')} gives no reason`,
            fix: `write why the query is acceptable: // quern-allow ${s.codes[0] ?? '<code>'}: <reason>`,
          });
        for (const c of s.codes) {
          if (!LINT_CODES.has(c))
            findings.push({
              ...base,
              severity: DIAGNOSTICS['suppression-unknown-code'].severity,
              code: 'suppression-unknown-code',
              message: `quern-allow names '${c}', which is not a quern diagnostic code`,
              fix: `use one of: ${[...LINT_CODES].join(', ')}`,
            });
        }
      }
    }
  }
  findings.sort(compareFindings);
  suppressed.sort(compareFindings);
  reports.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col);
  return {
    root,
    targets: [...opts.targets],
    files: files.length,
    sites: sites.length,
    recorded: { entries, distinct, alreadyStatic },
    findings,
    suppressed,
    errorCount: findings.filter((f) => f.severity === 'error').length,
    warningCount: findings.filter((f) => f.severity === 'warning').length,
    missingIndexes: missingIndexes(findings),
    siteReports: reports,
  };
}
