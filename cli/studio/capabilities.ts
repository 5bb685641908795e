/**
 * The capability map: every query site `quern lint` finds (and every recorded shape it is given),
 * with its plan per target, its diagnostics and fixes, and the indexes that would fix them. It is
 * lint's own analysis (analyseProject + runLint), arranged per site for the page.
 */
import { existsSync } from 'node:fs';
import type { PlanTarget } from '../../targets/types.js';
import type { Project } from '../config.js';
import { describeOp } from '../lint/describe.js';
import { indexText, type Finding, type MissingIndex, type SiteReport } from '../lint/findings.js';
import { loadLint } from '../lint/load.js';

export interface PlanView {
  readonly target: PlanTarget;
  readonly operations: readonly string[];
  /** Set when the shape could not be planned for this target (the reason). */
  readonly error: string | null;
}

export interface SiteView {
  /** Stable within one map: the page links and focuses sites by it. */
  readonly id: string;
  readonly report: SiteReport;
  readonly plans: readonly PlanView[];
  /** Unsuppressed findings at this site, every target (target null: holds on all of them). */
  readonly findings: readonly Finding[];
  /** Suppressed here with a `quern-allow` comment, with its reason. */
  readonly suppressed: readonly (Finding & { readonly reason: string | null })[];
}

export interface CapabilityMap {
  readonly targets: readonly PlanTarget[];
  readonly files: number;
  readonly sites: readonly SiteView[];
  readonly errorCount: number;
  readonly warningCount: number;
  readonly missingIndexes: readonly (MissingIndex & { readonly declaration: string })[];
  /** Findings not at a query site: the schema's own (a relation without its index), suppression comments. */
  readonly otherFindings: readonly Finding[];
  readonly recorded: { readonly entries: number; readonly distinct: number; readonly alreadyStatic: number };
}

const at = (x: { file: string; line: number; col: number }) => `${x.file}:${x.line}:${x.col}`;

export async function capabilityMap(project: Project, targets: readonly PlanTarget[], shapes: readonly string[] = []): Promise<CapabilityMap> {
  const { analyseProject, runLint } = await loadLint();
  // A shapes file the app has not written yet is not an error here: the map is redone on refresh.
  const opts = { targets, shapes: shapes.filter((f) => existsSync(f)) };
  const analysis = await analyseProject(project, opts);
  const result = await runLint(project, opts, analysis);
  const { analyser } = analysis;
  const siteIds = new Set(result.siteReports.map(at));
  const plansOf = (r: SiteReport): PlanView[] =>
    r.shape === null
      ? []
      : targets.map((t) => {
          try {
            const plan = analyser.planShape(t, r.shape!);
            return { target: t, operations: plan.operations.map((op) => describeOp(analyser.targets.descriptors.get(t)!, op)), error: null };
          } catch (e) {
            return { target: t, operations: [], error: e instanceof Error ? e.message : String(e) };
          }
        });
  // A static site and a recorded shape can share a location: each keeps its own plans, both get the location's findings.
  const sites = result.siteReports.map((r, i): SiteView => ({
    id: `site-${i + 1}`,
    report: r,
    plans: plansOf(r),
    findings: result.findings.filter((f) => at(f) === at(r)),
    suppressed: result.suppressed.filter((f) => at(f) === at(r)),
  }));
  return {
    targets,
    files: result.files,
    sites,
    errorCount: result.errorCount,
    warningCount: result.warningCount,
    missingIndexes: result.missingIndexes.map((m) => ({ ...m, declaration: indexText(m) })),
    otherFindings: result.findings.filter((f) => !siteIds.has(at(f))),
    recorded: result.recorded,
  };
}

/** Diagnostic codes per target of a recorded shape (the stats view marks shapes a target refuses). */
export async function shapeDiagnostics(
  project: Project,
  targets: readonly PlanTarget[],
): Promise<(shape: string) => { target: PlanTarget; codes: string[]; error: string | null }[]> {
  const [{ loadTargets }, { Analyser }] = await Promise.all([loadLint(), import('../lint/analyze.js')]);
  const analyser = new Analyser(project.root, project.schema, { names: targets, descriptors: await loadTargets(targets) });
  return (shape) =>
    targets.map((t) => {
      try {
        return { target: t, codes: analyser.planShape(t, shape).diagnostics.map((d) => d.code), error: null };
      } catch (e) {
        return { target: t, codes: [], error: e instanceof Error ? e.message : String(e) };
      }
    });
}
