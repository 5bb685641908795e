/** `quern explain <file>:<line>`: the plan of the query at that line, for each target. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadLint } from '../lint/load.js';
import { Command } from 'commander';
import type { Plan } from '../../src/plan/plan.js';
import type { PlanTarget } from '../../targets/types.js';
import type { TargetDescriptor } from '../../src/plan/target.js';
import { loadProject, type Project } from '../config.js';
import { ProjectError } from '../errors.js';
import type { AnalysedSite } from '../lint/analyze.js';
import type { Finding } from '../lint/findings.js';
import { coloursFor, type Colours } from '../lint/format/text.js';
import { parseTargets, PLAN_TARGET_LIST } from '../lint/targets.js';
import { collect } from './lint.js';
import { describeOp } from '../lint/describe.js';

interface ExplainFlags {
  target?: string[];
  shape?: string;
  json?: boolean;
}

export function parseLocation(loc: string): { file: string; line: number } {
  const m = /^(.*?):(\d+)(?::\d+)?$/.exec(loc);
  if (!m || !m[1]) throw new ProjectError(`expected <file>:<line>, e.g. src/posts.ts:42; got '${loc}'`);
  return { file: resolve(m[1]), line: Number(m[2]) };
}

function planLines(plan: Plan, desc: TargetDescriptor, c: Colours): string[] {
  const out = plan.operations.map((op, i) => `  ${i + 1}. ${describeOp(desc, op)}`);
  if (plan.diagnostics.length === 0) out.push(`  ${c.green('✔')} no diagnostics`);
  for (const d of plan.diagnostics) {
    out.push(`  ${d.severity === 'error' ? c.red('✖ error') : c.yellow('! warning')} ${d.code}: ${d.message}`);
    if (d.fix) out.push(`    ${c.dim(`fix: ${d.fix}`)}`);
  }
  return out;
}

function findingLines(findings: readonly Finding[], c: Colours): string[] {
  return findings.flatMap((f) => [
    `  ${f.severity === 'error' ? c.red('✖ error') : c.yellow('! warning')} ${f.code}: ${f.message}`,
    ...(f.fix ? [`    ${c.dim(`fix: ${f.fix}`)}`] : []),
  ]);
}

function explainSite(s: AnalysedSite, targets: readonly PlanTarget[], descriptors: ReadonlyMap<PlanTarget, TargetDescriptor>, c: Colours): string {
  const r = s.report;
  const title = r.kind === 'query' ? `${r.model ?? '?'}.${r.method}` : `db.${r.method}`;
  const out = [c.bold(`${r.file}:${r.line}:${r.col}  ${title}`)];
  if (r.approximate.length) out.push(c.dim(`  (stood in for: ${r.approximate.join('; ')}; these cannot change the plan)`));
  const general = s.findings.filter((f) => f.target === null);
  if (general.length) out.push(...findingLines(general, c));
  for (const t of targets) {
    const plan = s.plans.get(t);
    const own = s.findings.filter((f) => f.target === t);
    if (!plan && own.length === 0 && general.length) continue;
    out.push('', `${c.bold(t)}:`);
    if (plan) out.push(...planLines(plan, descriptors.get(t)!, c));
    else if (own.length) out.push(...findingLines(own, c));
    else out.push(`  ${c.green('✔')} no diagnostics`);
  }
  return out.join('\n');
}

function siteSpan(s: AnalysedSite): [number, number] {
  const node = s.site.node;
  const sf = node.getSourceFile();
  return [sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, sf.getLineAndCharacterOfPosition(node.getEnd()).line + 1];
}

export async function explainLocation(project: Project, location: string, targets: readonly PlanTarget[], c: Colours): Promise<string> {
  const { file, line } = parseLocation(location);
  const { analyseProject } = await loadLint();
  const { sites, analyser } = await analyseProject(project, { targets, files: [file] });
  // The innermost call spanning the line: a query inside a batch explains the query.
  const hits = sites
    .map((s) => ({ s, span: siteSpan(s) }))
    .filter(({ s, span }) => s.site.loc.line === line || (span[0] <= line && line <= span[1]))
    .sort((a, b) => Number(b.s.site.loc.line === line) - Number(a.s.site.loc.line === line) || a.span[1] - a.span[0] - (b.span[1] - b.span[0]));
  if (hits.length === 0)
    throw new ProjectError(
      `no quern query at ${location} (found ${sites.length} in that file${sites.length ? `, at lines ${[...new Set(sites.map((s) => s.site.loc.line))].join(', ')}` : ''})`,
    );
  const best = hits.filter((h) => h.span[1] - h.span[0] === hits[0].span[1] - hits[0].span[0] && h.s.site.loc.line === hits[0].s.site.loc.line);
  return best.map((h) => explainSite(h.s, targets, analyser.targets.descriptors, c)).join('\n\n') + '\n';
}

export async function explainShape(project: Project, shapeArg: string, targets: readonly PlanTarget[], c: Colours): Promise<string> {
  const shape = shapeArg.startsWith('@') ? readFileSync(shapeArg.slice(1), 'utf8').trim() : shapeArg;
  let parsed: { model?: string; kind?: string; shape?: unknown };
  try {
    parsed = JSON.parse(shape);
  } catch {
    throw new ProjectError('--shape expects the JSON of a query shape (as recorded by QUERN_RECORD), or @file');
  }
  // Accept a whole QUERN_RECORD line as well as a bare shape.
  const text = typeof parsed.shape === 'string' ? parsed.shape : shape;
  const [{ loadTargets }, { Analyser }] = await Promise.all([loadLint(), import('../lint/analyze.js')]);
  const descriptors = await loadTargets(targets);
  const analyser = new Analyser(project.root, project.schema, { names: targets, descriptors });
  const model = (JSON.parse(text) as { model?: string }).model ?? '';
  const out: string[] = [];
  for (const t of targets) {
    let plan: Plan;
    try {
      plan = analyser.planShape(t, text);
    } catch (e) {
      throw new ProjectError(`cannot plan that shape: ${e instanceof Error ? e.message : e}`);
    }
    if (out.length === 0) out.push(c.bold(`${project.schema.def.models[model]?.name ?? model}.${plan.kind}`));
    out.push('', `${c.bold(t)}:`, ...planLines(plan, descriptors.get(t)!, c));
  }
  return out.join('\n') + '\n';
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description(
      'print the plan of the query at <file>:<line> for each target: the SQL, or the DynamoDB operations with their index and key condition, plus the diagnostics',
    )
    .argument('[location]', '<file>:<line> of a query call')
    .option('-t, --target <targets>', `target(s): ${PLAN_TARGET_LIST} (comma-separated or repeated; default: the config's targets)`, collect)
    .option('--shape <json>', 'explain a recorded query shape (JSON, or @file) instead of a source location')
    .addHelpText(
      'after',
      `
Examples:
  quern explain src/posts.ts:42
  quern explain src/posts.ts:42 --target dynamodb
  quern explain --shape @shape.json`,
    )
    .action(async (location: string | undefined, flags: ExplainFlags, cmd: Command) => {
      const { config } = cmd.optsWithGlobals<{ config?: string }>();
      if (!location && !flags.shape) throw new ProjectError('give a <file>:<line> or --shape <json>');
      const project = await loadProject({ config });
      const targets = parseTargets(flags.target, project.config.targets);
      const c = coloursFor(process.stdout);
      process.stdout.write(flags.shape ? await explainShape(project, flags.shape, targets, c) : await explainLocation(project, location!, targets, c));
    });
}
