/**
 * Static sites (and recorded shapes) → plans per target → findings. Planning
 * is the engine's own: buildQuery validates, the PlanCache plans, so lint
 * reports exactly what the client would throw at run time.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve, sep } from 'node:path';
import ts from './typescript.js';
import { ValidationError } from '../../src/errors.js';
import { buildQuery } from '../../src/query/build.js';
import type { BuiltQuery, QueryAst } from '../../src/query/ast.js';
import { PlanCache, planQuery } from '../../src/plan/planner.js';
import { planBatch, planTransaction } from '../../src/plan/gate.js';
import { DIAGNOSTICS, type Diagnostic } from '../../src/plan/diagnostics.js';
import type { Plan } from '../../src/plan/plan.js';
import type { TargetDescriptor } from '../../src/plan/target.js';
import type { Schema } from '../../src/schema/define.js';
import { concretize, PLACEHOLDER_DATE } from './concretize.js';
import type { Site } from './extract.js';
import type { Finding, SiteReport } from './findings.js';
import type { PlanTarget } from '../../targets/types.js';

/** A site with what lint made of it. */
export interface AnalysedSite {
  readonly site: Site;
  readonly report: SiteReport;
  readonly built: BuiltQuery | null;
  readonly plans: ReadonlyMap<PlanTarget, Plan>;
  readonly findings: readonly Finding[];
}

export interface Targets {
  readonly names: readonly PlanTarget[];
  readonly descriptors: ReadonlyMap<PlanTarget, TargetDescriptor>;
}

export function relativePath(root: string, file: string): string {
  const r = relative(root, file);
  return (r.startsWith('..') ? resolve(file) : r).split(sep).join('/');
}

/** A fixed clock, so timestamps stood in by the builder never vary between runs. */
const fixedNow = () => PLACEHOLDER_DATE;

export class Analyser {
  private readonly caches = new Map<PlanTarget, PlanCache>();

  constructor(
    readonly root: string,
    readonly schema: Schema,
    readonly targets: Targets,
  ) {
    for (const t of targets.names) this.caches.set(t, new PlanCache(schema.def, 100_000));
  }

  modelName(key: string | null): string | null {
    return key ? (this.schema.def.models[key]?.name ?? null) : null;
  }

  plan(target: PlanTarget, built: BuiltQuery): Plan {
    return this.caches.get(target)!.get(built, this.targets.descriptors.get(target)!);
  }

  /** Plan a recorded shape (AST JSON) as is. */
  planShape(target: PlanTarget, shape: string): Plan {
    const ast = JSON.parse(shape) as QueryAst;
    if (!ast || typeof ast !== 'object' || typeof ast.model !== 'string' || !this.schema.def.models[ast.model]) {
      throw new Error(`the shape's model '${String(ast?.model)}' is not in the schema`);
    }
    return planQuery(this.schema.def, ast, shape, this.targets.descriptors.get(target)!);
  }

  diagnosticFindings(
    where: { file: string; line: number; col: number },
    model: string | null,
    method: string | null,
    target: PlanTarget,
    diagnostics: readonly Diagnostic[],
    source: Finding['source'],
  ): Finding[] {
    return diagnostics.map((d) => ({
      file: where.file,
      line: where.line,
      col: where.col,
      model: d.model && d.model !== '*' ? d.model : model,
      method,
      target,
      code: d.code,
      severity: d.severity,
      message: d.message,
      fix: d.fix ?? null,
      suggestedIndex: d.suggestedIndex ? { model: d.suggestedIndex.model, fields: [...d.suggestedIndex.fields] } : null,
      source,
    }));
  }

  /** Every site of one file, in source order; `builtByCall` lets batches count their members' writes. */
  analyseSites(sites: readonly Site[]): AnalysedSite[] {
    const out: AnalysedSite[] = [];
    const byCall = new Map<ts.Node, AnalysedSite>();
    for (const s of sites) {
      if (s.kind !== 'query') continue;
      const a = this.analyseQuery(s);
      byCall.set(s.node, a);
      out.push(s.floating ? { ...a, findings: [...a.findings, this.unawaited(s, s.floating)] } : a);
    }
    for (const s of sites) {
      if (s.kind === 'batch') out.push(this.analyseBatch(s, byCall));
      else if (s.kind === 'transaction') out.push(this.analyseTransaction(s));
    }
    return out.sort((a, b) => a.report.line - b.report.line || a.report.col - b.report.col);
  }

  private where(s: Site) {
    return { file: relativePath(this.root, s.loc.file), line: s.loc.line, col: s.loc.col };
  }

  private unanalysable(s: Extract<Site, { kind: 'query' }>, model: string | null, why: string, node: ts.Node | null): Finding {
    const w = this.where(s);
    let at = '';
    if (node) {
      const sf = node.getSourceFile();
      const p = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      if (p.line + 1 !== w.line || sf.fileName !== s.loc.file) at = ` (at ${relativePath(this.root, sf.fileName)}:${p.line + 1}:${p.character + 1})`;
    }
    return {
      ...w,
      model,
      method: s.method,
      target: null,
      code: 'unanalyzable-query',
      severity: DIAGNOSTICS['unanalyzable-query'].severity,
      message: `cannot be planned statically: ${why}${at}`,
      fix: 'write the arguments as an object literal (consts declared in the same function are followed), or record the shapes your tests run with QUERN_RECORD=shapes.jsonl and pass --shapes shapes.jsonl',
      suggestedIndex: null,
      source: 'static',
    };
  }

  private unawaited(s: Extract<Site, { kind: 'query' }>, why: string): Finding {
    return {
      ...this.where(s),
      model: this.modelName(s.modelKey),
      method: s.method,
      target: null,
      code: 'unawaited-query',
      severity: DIAGNOSTICS['unawaited-query'].severity,
      message: `this query never runs: ${why}, and a query runs only when it is awaited`,
      fix: 'await it (or return it, or pass it to db.batch([...]))',
      suggestedIndex: null,
      source: 'static',
    };
  }

  analyseQuery(s: Extract<Site, { kind: 'query' }>): AnalysedSite {
    const w = this.where(s);
    const model = this.modelName(s.modelKey);
    const base = { ...w, kind: 'query' as const, model, modelKey: s.modelKey, method: s.method, source: 'static' as const };
    const nothing = (f: Finding, approximate: readonly string[] = []): AnalysedSite => ({
      site: s,
      report: { ...base, shape: null, approximate },
      built: null,
      plans: new Map(),
      findings: [f],
    });
    if (!s.modelKey) return nothing(this.unanalysable(s, null, 'cannot tell which model this client is for', null));
    const c = concretize(this.schema.def, s.modelKey, s.method, s.args);
    if (!c.ok) return nothing(this.unanalysable(s, model, c.why, c.node));
    let built: BuiltQuery;
    try {
      built = buildQuery(this.schema.def, s.modelKey, s.method, c.args, { decodeCursor: () => null, now: fixedNow });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      return nothing(
        {
          ...w,
          model,
          method: s.method,
          target: null,
          code: 'invalid-query',
          severity: DIAGNOSTICS['invalid-query'].severity,
          message: `${model}.${s.method} will always throw ValidationError: ${e.message}`,
          fix: `correct ${e.path || 'the arguments'}`,
          suggestedIndex: null,
          source: 'static',
        },
        c.approximate,
      );
    }
    const plans = new Map<PlanTarget, Plan>();
    const findings: Finding[] = [];
    for (const t of this.targets.names) {
      const plan = this.plan(t, built);
      plans.set(t, plan);
      findings.push(...this.diagnosticFindings(w, model, s.method, t, plan.diagnostics, 'static'));
    }
    return { site: s, report: { ...base, shape: built.shape, approximate: c.approximate }, built, plans, findings };
  }

  private analyseBatch(s: Extract<Site, { kind: 'batch' }>, byCall: ReadonlyMap<ts.Node, AnalysedSite>): AnalysedSite {
    const w = this.where(s);
    const report: SiteReport = { ...w, kind: 'batch', model: null, modelKey: null, method: 'batch', shape: null, approximate: [], source: 'static' };
    const findings: Finding[] = [];
    const limited = this.targets.names.filter((t) => this.targets.descriptors.get(t)!.capabilities.maxAtomicBatch !== null);
    if (limited.length === 0) return { site: s, report, built: null, plans: new Map(), findings };
    if (!s.members) {
      findings.push({
        ...w,
        model: null,
        method: 'batch',
        target: null,
        code: 'unanalyzable-query',
        severity: DIAGNOSTICS['unanalyzable-query'].severity,
        message: `cannot tell statically how many queries this batch holds; ${limited.map((t) => `${t} allows at most ${this.targets.descriptors.get(t)!.capabilities.maxAtomicBatch}`).join(', ')}`,
        fix: 'pass an array literal (or Array.from({ length: n }, …) with a literal n), or suppress with // quern-allow batch-too-large: <why it stays small>',
        suggestedIndex: null,
        source: 'static',
      });
      return { site: s, report, built: null, plans: new Map(), findings };
    }
    // The client's own gate (src/plan/gate.ts) over the members' plans, once per target.
    for (const t of this.targets.names) {
      const members = s.members.map((m) => ({ plan: (m.expr ? byCall.get(unwrap(m.expr))?.plans.get(t) : undefined) ?? null, times: m.times }));
      findings.push(...this.diagnosticFindings(w, null, 'batch', t, planBatch(this.schema.def, this.targets.descriptors.get(t)!, members), 'static'));
    }
    return { site: s, report, built: null, plans: new Map(), findings };
  }

  private analyseTransaction(s: Extract<Site, { kind: 'transaction' }>): AnalysedSite {
    const w = this.where(s);
    const report: SiteReport = {
      ...w,
      kind: 'transaction',
      model: null,
      modelKey: null,
      method: 'transaction',
      shape: null,
      approximate: [],
      source: 'static',
    };
    const findings: Finding[] = [];
    for (const t of this.targets.names) {
      findings.push(...this.diagnosticFindings(w, null, 'transaction', t, planTransaction(this.targets.descriptors.get(t)!), 'static'));
    }
    return { site: s, report, built: null, plans: new Map(), findings };
  }

  /** Schema-level problems (e.g. a has-many relation without an index on DynamoDB), located in the schema module. */
  schemaFindings(schemaPath: string): Finding[] {
    let text = '';
    try {
      text = readFileSync(schemaPath, 'utf8');
    } catch {
      // Located at line 1 when the file cannot be read.
    }
    const lines = text.split(/\r?\n/);
    const out: Finding[] = [];
    for (const t of this.targets.names) {
      const diagnostics = this.targets.descriptors.get(t)!.checkSchema(this.schema.def);
      for (const d of diagnostics) {
        const re = new RegExp(`model\\(\\s*['"\`]${d.model.replace(/[^A-Za-z0-9_]/g, '')}['"\`]`);
        const i = lines.findIndex((l) => re.test(l));
        const at = { file: relativePath(this.root, schemaPath), line: i >= 0 ? i + 1 : 1, col: i >= 0 ? lines[i].search(re) + 1 : 1 };
        out.push(...this.diagnosticFindings(at, d.model, null, t, [d], 'schema'));
      }
    }
    return out;
  }
}

function unwrap(expr: ts.Expression): ts.Node {
  let e: ts.Expression = expr;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
  return e;
}
